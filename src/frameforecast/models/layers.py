"""Small custom layers (serialisable, so `.keras` files load in safe mode)."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

PACKAGE = "frameforecast"


@keras.saving.register_keras_serializable(PACKAGE)
class SpaceToDepth(keras.layers.Layer):
    """(B, [T,] H, W, C) → (B, [T,] H/b, W/b, C·b²): b × b patches become channels."""

    def __init__(self, block: int, **kwargs):
        super().__init__(**kwargs)
        self.block = block

    def call(self, x):
        shape = ops.shape(x)
        lead, (h, w, c), b = shape[:-3], shape[-3:], self.block
        x = ops.reshape(x, (-1, h // b, b, w // b, b, c))
        x = ops.transpose(x, (0, 1, 3, 2, 4, 5))
        return ops.reshape(x, tuple(lead) + (h // b, w // b, b * b * c))

    def compute_output_shape(self, shape):
        b = self.block
        return tuple(shape[:-3]) + (shape[-3] // b, shape[-2] // b, shape[-1] * b * b)

    def get_config(self):
        return {**super().get_config(), "block": self.block}


@keras.saving.register_keras_serializable(PACKAGE)
class DepthToSpace(keras.layers.Layer):
    """The inverse of SpaceToDepth."""

    def __init__(self, block: int, **kwargs):
        super().__init__(**kwargs)
        self.block = block

    def call(self, x):
        shape = ops.shape(x)
        lead, (h, w, cb), b = shape[:-3], shape[-3:], self.block
        c = cb // (b * b)
        x = ops.reshape(x, (-1, h, w, b, b, c))
        x = ops.transpose(x, (0, 1, 3, 2, 4, 5))
        return ops.reshape(x, tuple(lead) + (h * b, w * b, c))

    def compute_output_shape(self, shape):
        b = self.block
        return tuple(shape[:-3]) + (shape[-3] * b, shape[-2] * b, shape[-1] // (b * b))

    def get_config(self):
        return {**super().get_config(), "block": self.block}


def _band_matrices(taps: int, cell: int) -> np.ndarray:
    """(k, cell + k − 1, cell) 0/1: tap j carries window column c + j to output column c."""
    band = np.zeros((taps, cell + taps - 1, cell), np.float32)
    for j in range(taps):
        band[j, np.arange(cell) + j, np.arange(cell)] = 1.0
    return band


def _filter_rows(image, taps, cell: int):
    """Per-block k-tap filter along the last axis, zero outside the image:
    out[b, r, c] = Σ_j taps[b, r // cell, c // cell, j] · image[b, r, c + j − k // 2].

    image (B, H, W); taps (B, H/cell, W/cell, k). A block's taps make one banded (cell + k − 1) × cell
    matrix, so the pass is one batched matmul of each block's input window by its matrix — 3× faster
    in training than gathering k-pixel patches per pixel (extract_patches), whose gradient is a scatter.
    """
    k = taps.shape[-1]
    h, w = image.shape[1], image.shape[2]
    spans = 1 + -(-(k - 1) // cell)  # blocks an input window reaches across
    padded = ops.pad(image, ((0, 0), (0, 0), (k // 2, (spans - 1) * cell - k // 2)))
    pieces = [
        ops.reshape(padded[:, :, i * cell : i * cell + w], (-1, h // cell, cell, w // cell, cell)) for i in range(spans)
    ]
    windows = ops.concatenate(pieces, axis=-1)[..., : cell + k - 1]  # (B, H/cell, cell, W/cell, cell + k − 1)
    matrices = ops.einsum("bijk,kwc->bijwc", taps, ops.convert_to_tensor(_band_matrices(k, cell), image.dtype))
    return ops.reshape(ops.einsum("birjw,bijwc->birjc", windows, matrices), (-1, h, w))


@keras.saving.register_keras_serializable(PACKAGE)
class DynamicLocalFilter(keras.layers.Layer):
    """Dynamic filter network step (De Brabandere et al. 2016): move a frame by predicted local kernels.

    Inputs: frame (B, H, W, 1) and kernel logits (B, H/s, W/s, 2k). Each s × s block of the frame gets
    its own separable k × k kernel: a softmax-normalised horizontal k-tap filter (the first k logits)
    followed by a vertical one (the last k). A translation by up to k // 2 pixels in each direction is a
    pair of one-hot filters; uncertainty spreads the weights and blurs, which is what MSE rewards.
    `upsample` is the block size s (pixels per kernel).
    """

    def __init__(self, kernel_size: int, upsample: int, **kwargs):
        super().__init__(**kwargs)
        self.kernel_size = kernel_size
        self.upsample = upsample

    def call(self, inputs):
        frame, logits = inputs
        k, cell = self.kernel_size, self.upsample
        logits = ops.cast(logits, frame.dtype)
        across = ops.softmax(logits[..., :k], axis=-1)
        down = ops.softmax(logits[..., k:], axis=-1)
        moved = _filter_rows(frame[..., 0], across, cell)
        moved = _filter_rows(ops.transpose(moved, (0, 2, 1)), ops.transpose(down, (0, 2, 1, 3)), cell)
        return ops.transpose(moved, (0, 2, 1))[..., None]

    def compute_output_shape(self, shapes):
        return shapes[0]

    def get_config(self):
        return {**super().get_config(), "kernel_size": self.kernel_size, "upsample": self.upsample}


@keras.saving.register_keras_serializable(PACKAGE)
class TimeSlice(keras.layers.Layer):
    """x[:, start:stop] along the time axis."""

    def __init__(self, start: int, stop: int, **kwargs):
        super().__init__(**kwargs)
        self.start, self.stop = start, stop

    def call(self, x):
        return x[:, self.start : self.stop]

    def compute_output_shape(self, shape):
        return (shape[0], self.stop - self.start) + tuple(shape[2:])

    def get_config(self):
        return {**super().get_config(), "start": self.start, "stop": self.stop}


@keras.saving.register_keras_serializable(PACKAGE)
class RepeatFrames(keras.layers.Layer):
    """(B, H, W, C) → (B, n, H, W, C): the original's 'repeat last state n times'."""

    def __init__(self, n: int, **kwargs):
        super().__init__(**kwargs)
        self.n = n

    def call(self, x):
        return ops.repeat(ops.expand_dims(x, 1), self.n, axis=1)

    def compute_output_shape(self, shape):
        return (shape[0], self.n) + tuple(shape[1:])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
