"""Hash-checked, cached, atomic downloads through `keras.utils.get_file`."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from frameforecast.errors import UserError


def cache_dir() -> Path:
    """Where downloads are kept: $FRAMEFORECAST_CACHE, else ~/.cache/frameforecast."""
    return Path(os.environ.get("FRAMEFORECAST_CACHE", Path.home() / ".cache" / "frameforecast"))


def sha256_of(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def fetch(url: str, filename: str, sha256: str | None = None, offline_hint: str = "") -> Path:
    """Download `url` into the cache as `filename` (once), check its sha256, return the path.

    A wrong hash or a failed transfer leaves nothing in the cache and raises UserError.
    """
    import keras

    target_dir = cache_dir() / "datasets"
    target = target_dir / filename
    if target.exists() and (sha256 is None or sha256_of(target) == sha256):
        return target
    target_dir.mkdir(parents=True, exist_ok=True)
    try:
        path = keras.utils.get_file(
            fname=filename,
            origin=url,
            file_hash=sha256,
            hash_algorithm="sha256",
            cache_dir=str(cache_dir()),
            cache_subdir="datasets",
        )
    except ValueError as exc:  # keras raises ValueError on a hash mismatch and keeps the bad file
        _remove(target)
        raise UserError(
            f"download of {url} has the wrong sha256 (expected {sha256}); the file was removed from "
            f"{target_dir} — check the URL, or place a correct copy at {target}"
        ) from exc
    except Exception as exc:  # network failures come as several exception types
        _remove(target)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        hint = f"; {offline_hint}" if offline_hint else ""
        raise UserError(f"could not download {url} ({reason}){hint}") from exc
    return Path(path)


def _remove(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".tar.gz"), path.with_suffix(path.suffix + ".part")):
        if candidate.exists():
            candidate.unlink()
