"""The one error type users see: a clear line, exit status 2, no traceback."""


class UserError(Exception):
    """Bad input: the message names the thing and the fix. The CLI prints it and exits 2."""
