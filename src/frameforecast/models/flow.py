"""Dense optical flow (OpenCV Farnebäck) and constant-velocity extrapolation of a frame by warping it."""

from __future__ import annotations

import numpy as np

# Farnebäck settings: 3 pyramid levels at scale 0.5 reach displacements of several pixels per frame on a
# 64 × 64 canvas; a 15-pixel window spreads the motion of a textured object over the black around it.
PYRAMID_SCALE, LEVELS, WINDOW, ITERATIONS, POLY_N, POLY_SIGMA = 0.5, 3, 15, 3, 5, 1.2
STATIC_SPEED = 0.5  # pixels per frame below which a pixel counts as background that stays put


def to_uint8(frame: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(frame * 255.0), 0, 255).astype(np.uint8)


def velocity(previous: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Per-pixel motion (H, W, 2) as (dx, dy) in pixels per frame, located at the last frame's pixels."""
    import cv2

    backward = cv2.calcOpticalFlowFarneback(
        to_uint8(last), to_uint8(previous), None, PYRAMID_SCALE, LEVELS, WINDOW, ITERATIONS, POLY_N, POLY_SIGMA, 0
    )
    return -backward  # last(x) ≈ previous(x + backward(x)), so a pixel at x moved by −backward(x)


def extrapolate(last: np.ndarray, motion: np.ndarray, steps) -> np.ndarray:
    """Frames (len(steps), H, W): `last` moved by k × motion for each k in steps, one cv2.remap per frame.

    remap needs, for every output pixel, where to read from. The motion is known where pixels start, so each
    source pixel is carried forward to its landing pixel (faster pixels win a collision: moving objects
    occlude the static background), and that pixel reads back from its exact sub-pixel source. Pixels nothing
    lands on keep their own content if it was static; where the content left, nothing is known and they are black
    (inpainting them smeared strokes over Moving MNIST's black background: 643 against 197 MSE/frame).
    """
    import cv2

    last = np.asarray(last, np.float32)
    h, w = last.shape
    grid_y, grid_x = np.mgrid[0:h, 0:w].astype(np.float32)
    speed = np.hypot(motion[..., 0], motion[..., 1])
    order = np.argsort(speed, axis=None, kind="stable")  # slowest first, so the fastest is written last
    source_x, source_y = grid_x.ravel()[order], grid_y.ravel()[order]
    move_x, move_y = motion[..., 0].ravel()[order], motion[..., 1].ravel()[order]
    moved_away = speed >= STATIC_SPEED
    frames = []
    for k in steps:
        land_x, land_y = (
            np.rint(source_x + k * move_x).astype(np.int64),
            np.rint(source_y + k * move_y).astype(np.int64),
        )
        inside = (land_x >= 0) & (land_x < w) & (land_y >= 0) & (land_y < h)
        map_x, map_y = grid_x.copy(), grid_y.copy()
        written = np.zeros((h, w), bool)
        ly, lx = land_y[inside], land_x[inside]
        map_x[ly, lx] = lx - k * move_x[inside]
        map_y[ly, lx] = ly - k * move_y[inside]
        written[ly, lx] = True
        map_x[~written & moved_away] = -1  # outside the frame: reads the black border
        frames.append(cv2.remap(last, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0))
    return np.stack(frames).astype(np.float32)
