"""The keras-io next-frame ConvLSTM (examples/vision/conv_lstm.py: 3 × ConvLSTM2D(64) + BatchNorm + Conv3D),
made causal in time so it cannot see the frame it predicts; the side-by-side reference of `bench.py --compare`,
and nothing else (it is not one of the product's models)."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from frameforecast.models.layers import TimeSlice

KERAS_EXAMPLE_KERNELS = (5, 3, 1)  # its three ConvLSTM2D layers' kernel sizes


def _keras_example_convlstm(filters: int, i: int, return_state: bool = False):
    return layers.ConvLSTM2D(
        filters,
        KERAS_EXAMPLE_KERNELS[i],
        padding="same",
        return_sequences=True,
        return_state=return_state,
        activation="relu",
        name=f"convlstm_{i}",
    )


def _keras_example_head():
    return layers.Conv3D(1, 3, padding="valid", activation="sigmoid", dtype="float32", name="next_frames")


def build_keras_example(canvas: int, filters: int) -> keras.Model:
    """keras-io conv_lstm.py: ConvLSTM2D(64, 5×5) → BN → ConvLSTM2D(64, 3×3) → BN → ConvLSTM2D(64, 1×1) → Conv3D.

    Trained next-frame (frames 0…T−2 → 1…T−1). The final Conv3D pads time on the past side only.
    """
    frames = keras.Input((None, canvas, canvas, 1), name="frames")
    x = frames
    for i in range(len(KERAS_EXAMPLE_KERNELS)):
        x = _keras_example_convlstm(filters, i)(x)
        if i < 2:
            x = layers.BatchNormalization(name=f"bn_{i}")(x)
    x = layers.ZeroPadding3D(((2, 0), (1, 1), (1, 1)), name="causal_pad")(x)
    return keras.Model(frames, _keras_example_head()(x), name="keras_next_frame")


def keras_example_stepper(model: keras.Model) -> keras.Model:
    """One time step of a trained keras-example model: (frame, 3 × (h, c), last two top-layer outputs) →
    (next frame, new states, new last two outputs). Its layers get the trained model's weights by name."""
    canvas, filters = model.input_shape[2], model.get_layer("convlstm_0").filters
    frame = keras.Input((1, canvas, canvas, 1), name="frame")
    states = [
        keras.Input((canvas, canvas, filters), name=f"{kind}_{i}")
        for i in range(len(KERAS_EXAMPLE_KERNELS))
        for kind in ("h", "c")
    ]
    tail = keras.Input((2, canvas, canvas, filters), name="tail")
    x, new_states = frame, []
    for i in range(len(KERAS_EXAMPLE_KERNELS)):
        x, h, c = _keras_example_convlstm(filters, i, return_state=True)(x, initial_state=states[2 * i : 2 * i + 2])
        new_states += [h, c]
        if i < 2:
            x = layers.BatchNormalization(name=f"bn_{i}")(x)
    window = layers.Concatenate(axis=1, name="window")([tail, x])
    padded = layers.ZeroPadding3D(((0, 0), (1, 1), (1, 1)), name="spatial_pad")(window)
    outputs = [_keras_example_head()(padded), TimeSlice(1, 3, name="new_tail")(window), *new_states]
    stepper = keras.Model([frame, *states, tail], outputs, name="keras_next_frame_step")
    for layer in stepper.layers:
        if layer.weights:
            layer.set_weights(model.get_layer(layer.name).get_weights())
    return stepper


def keras_example_rollout(stepper: keras.Model, observed, steps: int):
    """Roll a trained keras-example model (as its `keras_example_stepper`, built once) out `steps` frames
    past `observed` (N, T, H, W, 1), feeding each prediction back. Carries the recurrent states, so each
    frame is computed once; the same frames as re-running the causal model on the whole growing sequence
    for every new frame, about 7× faster."""
    n, t_in, canvas = observed.shape[0], observed.shape[1], observed.shape[2]
    filters = stepper.get_layer("convlstm_0").filters
    states = [np.zeros((n, canvas, canvas, filters), np.float32) for _ in range(2 * len(KERAS_EXAMPLE_KERNELS))]
    tail = np.zeros((n, 2, canvas, canvas, filters), np.float32)  # the causal padding of the full model
    frame, predicted = observed[:, :1], []
    for t in range(t_in + steps - 1):
        nxt, tail, *states = stepper.predict_on_batch([frame, *states, tail])
        if t >= t_in - 1:
            predicted.append(nxt)
        frame = observed[:, t + 1 : t + 2] if t + 1 < t_in else nxt
    return np.concatenate(predicted, axis=1)
