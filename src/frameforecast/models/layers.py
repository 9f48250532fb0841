"""Small custom layers (serialisable, so `.keras` files load in safe mode)."""

from __future__ import annotations

import keras
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


@keras.saving.register_keras_serializable(PACKAGE)
class DynamicLocalFilter(keras.layers.Layer):
    """Dynamic filter network step (De Brabandere et al. 2016): move a frame by predicted local kernels.

    Inputs: frame (B, H, W, 1) and kernel logits (B, H/s, W/s, 2k). Each s × s block of the frame gets
    its own separable k × k kernel: a softmax-normalised horizontal k-tap filter (the first k logits)
    followed by a vertical one (the last k). A translation by up to k // 2 pixels in each direction is a
    pair of one-hot filters; uncertainty spreads the weights and blurs, which is what MSE rewards.
    """

    def __init__(self, kernel_size: int, upsample: int, **kwargs):
        super().__init__(**kwargs)
        self.kernel_size = kernel_size
        self.upsample = upsample

    def call(self, inputs):
        frame, logits = inputs
        k = self.kernel_size
        if self.upsample > 1:
            logits = ops.repeat(ops.repeat(logits, self.upsample, axis=1), self.upsample, axis=2)
        logits = ops.cast(logits, frame.dtype)
        across = ops.softmax(logits[..., :k], axis=-1)
        down = ops.softmax(logits[..., k:], axis=-1)
        rows = keras.ops.image.extract_patches(frame, size=(1, k), strides=1, padding="same")
        moved = ops.sum(rows * across, axis=-1, keepdims=True)
        cols = keras.ops.image.extract_patches(moved, size=(k, 1), strides=1, padding="same")
        return ops.sum(cols * down, axis=-1, keepdims=True)

    def compute_output_shape(self, shapes):
        return shapes[0]

    def get_config(self):
        return {**super().get_config(), "kernel_size": self.kernel_size, "upsample": self.upsample}


@keras.saving.register_keras_serializable(PACKAGE)
class TimeSlice(keras.layers.Layer):
    """x[:, start:stop] along the time axis, optionally reversed."""

    def __init__(self, start: int, stop: int, reverse: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.start, self.stop, self.reverse = start, stop, reverse

    def call(self, x):
        x = x[:, self.start:self.stop]
        return ops.flip(x, axis=1) if self.reverse else x

    def compute_output_shape(self, shape):
        return (shape[0], self.stop - self.start) + tuple(shape[2:])

    def get_config(self):
        return {**super().get_config(), "start": self.start, "stop": self.stop, "reverse": self.reverse}


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
