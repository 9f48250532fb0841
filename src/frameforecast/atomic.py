"""Atomic writes: write to a temporary name in the same folder, then rename."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import os
import shutil
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None):
    """Yield a temporary path next to `path`; rename it onto `path` if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or path.suffix or ".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


SPARE_BYTES = 32 * 2**20  # kept free beyond what a write needs: the OS, logs, the next rename


def require_space(folder: str | os.PathLike, needed: int) -> None:
    """UserError naming the folder when its disk has less than `needed` bytes (plus a margin) free: a write that
    runs out of space mid-file can take HDF5 down with it, so training checks before it writes."""
    from frameforecast.errors import UserError

    existing = Path(folder)
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    if free < needed + SPARE_BYTES:
        raise UserError(
            f"{folder}: its disk has {free / 2**20:,.0f} MB free and this step writes about "
            f"{(needed + SPARE_BYTES) / 2**20:,.0f} MB; free some disk space, then run the same command to resume"
        )


def write_text(path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(path, data) -> None:
    """JSON as the standard defines it: a NaN or infinity (which JSON cannot hold) is written as null."""
    plain = json.loads(json.dumps(data, default=_json_default))  # numpy values and settings objects as plain data
    write_text(path, json.dumps(_finite(plain), indent=2, sort_keys=False, allow_nan=False) + "\n")


def _finite(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def _json_default(value):
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # a settings object
        return dataclasses.asdict(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
