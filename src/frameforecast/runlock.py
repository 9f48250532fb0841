"""One writer per run folder: an exclusive lock (fcntl.flock on the folder itself) held while a command writes it.

The operating system drops the lock when its holder ends, however it ends (a kill included), so a stale lock
never blocks the next run, and no lock file is left in the folder. A second writer stops with one line naming
the holder, found in /proc/locks.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from frameforecast.errors import UserError

_held: set[Path] = set()  # folders this process holds: a stage inside a held run does not lock twice


@contextlib.contextmanager
def writer(folder: Path):
    """Hold the run folder's lock for the block (the folder is made if missing); UserError if another process
    holds it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = folder.resolve()
    if key in _held:
        yield
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(
                f"{folder} is being written by {holder(folder)}; wait for it to finish (or stop it), then run "
                "this again"
            ) from None
        _held.add(key)
        try:
            yield
        finally:
            _held.discard(key)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def holder(folder: Path) -> str:
    """'process 123 (frameforecast train …)' holding the folder's lock, from /proc/locks (Linux)."""
    stat = os.stat(folder)
    wanted = f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return "another process"
    for line in lines:
        fields = line.split()
        if "FLOCK" in fields and wanted in fields and fields[fields.index(wanted) - 1].isdigit():
            pid = fields[fields.index(wanted) - 1]
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                command = ""
            return f"process {pid}" + (f" ({command.strip()[:160]})" if command.strip() else "")
    return "another process"
