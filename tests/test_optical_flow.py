"""The optical-flow baseline: Farnebäck motion between the last two frames, carried forward at constant velocity."""

import numpy as np
import pytest

from frameforecast.models import baselines

CANVAS, SIDE = 64, 10


def centred_start(velocity):
    """Where the square starts so that it is in the middle of the canvas at frame 10, the first future frame."""
    return tuple((CANVAS - SIDE) // 2 - 10 * v for v in velocity)


def translating_square(velocity, frames=20):
    """A white square moving `velocity` (dy, dx) pixels per frame; (frames, H, W, 1) in [0, 1]."""
    start = centred_start(velocity)
    clip = np.zeros((frames, CANVAS, CANVAS, 1), np.float32)
    for t in range(frames):
        y, x = start[0] + velocity[0] * t, start[1] + velocity[1] * t
        clip[t, max(y, 0) : max(y + SIDE, 0), max(x, 0) : max(x + SIDE, 0)] = 1.0
    return clip


def frames_before_wall(velocity):
    """How many future frames (after 10 inputs) the square stays whole inside the canvas."""
    start, count = centred_start(velocity), 0
    for t in range(10, 20):
        y, x = start[0] + velocity[0] * t, start[1] + velocity[1] * t
        if min(y, x) < 0 or max(y, x) + SIDE > CANVAS:
            break
        count += 1
    return count


def mse(a, b):
    return float(((a - b) ** 2).mean())


@pytest.mark.parametrize("velocity", [(2, 1), (1, 1), (0, 2), (-1, 2), (3, -2), (-2, -3)])
def test_translating_square_is_extrapolated_until_it_reaches_a_wall(velocity):
    clip = translating_square(velocity)[None]
    ahead = frames_before_wall(velocity)
    assert ahead >= 3
    inputs, future = clip[:, :10], clip[:, 10 : 10 + ahead]
    flow = baselines.optical_flow(inputs, ahead)
    copy = baselines.copy_last_frame(inputs, ahead)
    assert flow.shape == future.shape
    assert mse(flow, future) <= 0.05 * mse(copy, future)


def test_reverse_walks_back_through_the_inputs():
    clip = translating_square((2, 1))[None, :10]
    back = baselines.optical_flow(clip, 10, reverse=True)
    reversed_inputs = clip[:, ::-1]
    assert mse(back, reversed_inputs) <= 0.05 * mse(baselines.copy_last_frame(clip, 10), reversed_inputs)
    np.testing.assert_allclose(back[:, 0], clip[:, -1])  # the newest frame first, unchanged


def test_a_still_scene_stays_still():
    rng = np.random.default_rng(0)
    still = np.repeat(rng.random((1, 1, 32, 32)).astype(np.float32), 10, axis=1)
    out = baselines.optical_flow(still, 4)
    assert mse(out, np.repeat(still[:, -1:], 4, axis=1)) < 1e-4


def test_frames_without_a_channel_axis_and_values_in_range():
    clip = translating_square((1, 2))[None, :10, ..., 0]
    out = baselines.optical_flow(clip, 5)
    assert out.shape == (1, 5, CANVAS, CANVAS) and out.dtype == np.float32
    assert out.min() >= 0 and out.max() <= 1 + 1e-6
