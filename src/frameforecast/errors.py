"""The one error type users see: a clear line, exit status 2, no traceback."""

from __future__ import annotations

import errno
from pathlib import Path

QUOTE_LIMIT = 80  # characters of user text (a cell, a column name, a path) an error line repeats


class UserError(Exception):
    """Bad input: the message names the thing and the fix. The CLI prints it and exits 2."""


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """repr() of user text, cut to `limit` characters: an error line never echoes a 200 MB cell."""
    text = str(text)
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + f"… ({len(text):,} characters)"


FILESYSTEM_ERRNOS = {
    errno.ENOSPC: "free some disk space",
    errno.EDQUOT: "free some disk space (the disk quota is full)",
    errno.EFBIG: "the file grew past the file-size limit; free space or raise the limit",
    errno.EROFS: "the file system is read-only; choose a writable folder",
    errno.EACCES: "you may not write there; choose a writable folder",
    errno.EPERM: "you may not write there; choose a writable folder",
    errno.EXDEV: "the files are on different file systems; use one file system for runs/ and site/",
}


def filesystem_error(exc: OSError, where: Path | str) -> UserError:
    """A write the file system refused (read-only, full, no permission), as one line naming the path."""
    path = exc.filename or where
    hint = FILESYSTEM_ERRNOS.get(exc.errno, "check the folder")
    return UserError(f"cannot write {quote(str(path))}: {exc.strerror or exc}; {hint}, then run the command again")
