"""Your own video: files, GIFs, image folders and .npy arrays read frame by frame into the model's canvas.

OpenCV decodes (its FFmpeg build reads .mp4, .avi, .mov, .mkv, .webm and .gif); every frame becomes
grayscale uint8 and is letterboxed — scaled to fit the square canvas with its aspect ratio kept, padded
black. Frames are read one at a time, so memory does not grow with a clip's length.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from frameforecast.errors import UserError

VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".gif")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")
ACCEPTED = "an .mp4/.avi/.mov/.gif video, a folder of images, or an .npy of shape (T, H, W[, C]) uint8"


def opencv():
    """cv2, with OpenCV's and FFmpeg's own logging off (a corrupt file is our one line, not theirs)."""
    os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    import cv2

    return cv2


def to_gray_uint8(frame: np.ndarray, channel_order: str = "BGR") -> np.ndarray:
    """Any frame (H, W), (H, W, 1|3|4) of uint8 or uint16 → grayscale (H, W) uint8."""
    cv2 = opencv()
    if frame.dtype == np.uint16:
        frame = (frame // 257).astype(np.uint8)
    elif frame.dtype != np.uint8:
        raise UserError(f"frames of dtype {frame.dtype} are not supported; convert them to uint8 (0–255)")
    if frame.ndim == 3 and frame.shape[2] == 1:
        frame = frame[..., 0]
    if frame.ndim == 3:
        if frame.shape[2] not in (3, 4):
            raise UserError(f"frames with {frame.shape[2]} channels are not supported; use gray, RGB or RGBA")
        code = {
            ("BGR", 3): cv2.COLOR_BGR2GRAY,
            ("BGR", 4): cv2.COLOR_BGRA2GRAY,
            ("RGB", 3): cv2.COLOR_RGB2GRAY,
            ("RGB", 4): cv2.COLOR_RGBA2GRAY,
        }[(channel_order, frame.shape[2])]
        frame = cv2.cvtColor(np.ascontiguousarray(frame), code)
    return frame


def letterbox(frame: np.ndarray, canvas: int) -> np.ndarray:
    """A grayscale frame scaled to fit canvas × canvas with its aspect ratio kept, centred on black."""
    cv2 = opencv()
    h, w = frame.shape
    if h == 0 or w == 0:
        raise UserError(f"a frame of shape {frame.shape} is empty; every frame needs at least one pixel")
    scale = canvas / max(h, w)
    new_h, new_w = max(1, round(h * scale)), max(1, round(w * scale))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(frame, (new_w, new_h), interpolation=interpolation)
    out = np.zeros((canvas, canvas), np.uint8)
    top, left = (canvas - new_h) // 2, (canvas - new_w) // 2
    out[top : top + new_h, left : left + new_w] = resized
    return out


def _check_path(path: Path) -> None:
    if not path.exists():
        raise UserError(f"{path} does not exist; pass {ACCEPTED}")
    if path.is_file() and path.suffix.lower() not in VIDEO_SUFFIXES + (".npy",):
        raise UserError(f"{path.name}: unsupported file type {path.suffix or '(none)'}; pass {ACCEPTED}")


def _video_frames(path: Path) -> Iterator[np.ndarray]:
    cv2 = opencv()
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise UserError(f"cannot decode {path.name}: the file is corrupt or not a video OpenCV reads; pass {ACCEPTED}")
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                return
            yield to_gray_uint8(frame, "BGR")
    finally:
        capture.release()


def _image_frames(folder: Path) -> Iterator[np.ndarray]:
    cv2 = opencv()
    images = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    for image in images:
        frame = cv2.imread(str(image), cv2.IMREAD_UNCHANGED)
        if frame is None:
            raise UserError(
                f"cannot read the image {image.name} in {folder.name}/: it is corrupt or not an image; "
                "remove it or replace it"
            )
        yield to_gray_uint8(frame, "BGR")


def open_npy(path: Path, dims: tuple[int, ...], layout: str) -> np.ndarray:
    """A memory-mapped .npy with one of the allowed numbers of dimensions, uint8 or uint16."""
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except Exception as exc:  # numpy raises ValueError/OSError/EOFError for truncated or pickled files
        raise UserError(f"cannot read {path.name} as a .npy array ({exc}); save it with numpy.save") from None
    if array.ndim not in dims or array.dtype not in (np.uint8, np.uint16):
        raise UserError(f"{path.name} has shape {array.shape} and dtype {array.dtype}; expected {layout} uint8")
    if array.shape[0] == 0:
        raise UserError(f"{path.name} has no frames (shape {array.shape}); expected {layout} uint8 frames")
    if 0 in array.shape:
        raise UserError(f"{path.name} has shape {array.shape}, with an empty dimension; expected {layout} uint8 frames")
    return array


def _npy_frames(path: Path) -> Iterator[np.ndarray]:
    yield from array_frames(open_npy(path, (3, 4), "(T, H, W) or (T, H, W, C)"))


def array_frames(array: np.ndarray) -> Iterator[np.ndarray]:
    """Frames of a (possibly memory-mapped) (T, H, W[, C]) array, RGB if in colour, one at a time, as gray."""
    for t in range(array.shape[0]):
        yield to_gray_uint8(np.asarray(array[t]), "RGB")


def frames(path: str | Path, canvas: int) -> Iterator[np.ndarray]:
    """Every frame of a video, GIF, image folder or .npy, as canvas × canvas grayscale uint8, one at a time."""
    path = Path(path)
    _check_path(path)
    raw = (
        _image_frames(path)
        if path.is_dir()
        else _npy_frames(path)
        if path.suffix.lower() == ".npy"
        else _video_frames(path)
    )
    for frame in raw:
        yield letterbox(frame, canvas)


def read_window(path: str | Path, canvas: int, count: int, start: int | None = None) -> tuple[np.ndarray, int, int]:
    """`count` consecutive frames (count, canvas, canvas) uint8: the last ones, or those from frame `start`.

    Returns (frames, index of the first one, frames read). Only `count` frames are held at any time.
    """
    name = Path(path).name
    kept: deque = deque(maxlen=count)
    read = 0
    for frame in frames(path, canvas):
        if start is None or read >= start:
            kept.append(frame)
        read += 1
        if start is not None and len(kept) == count:
            break
    if read == 0:
        raise UserError(f"{name} has no frames; pass {ACCEPTED}")
    if len(kept) < count:
        where = f" from frame {start}" if start else ""
        raise UserError(
            f"{name} has {read} frames; the model needs {count} input frames{where}"
            + (f" — pass --start ≤ {read - count}" if start and read >= count else "")
        )
    first = read - count if start is None else start
    return np.stack(kept), first, read
