"""Moving MNIST models, Keras 3 functional, each built from one VideoConfig.

- `predict`: encoder–forecaster. cell="conv": ConvLSTM on space-to-depth patches (Shi et al. 2015)
  whose forecaster moves the last frame with dynamic local filters (head="dynamic") or draws it
  (head="generative"); cell="fc": Srivastava et al.'s fully connected LSTM.
- `reconstruct`: LSTM autoencoder that reproduces the input frames in reverse order.
- `composite`: one encoder, a reconstruction decoder and a prediction decoder.
- `original`: the frame-forecast original's ConvLSTM(64) → repeat → ConvLSTM → Conv3D, full resolution.
"""

from __future__ import annotations

import keras
from keras import layers

from frameforecast.config.classes import VideoConfig
from frameforecast.errors import UserError
from frameforecast.models.layers import DepthToSpace, DynamicLocalFilter, RepeatFrames, SpaceToDepth, TimeSlice
from frameforecast.video_tasks import next_frame


def _input(cfg: VideoConfig, frames: int) -> keras.KerasTensor:
    return keras.Input((frames, cfg.canvas, cfg.canvas, 1), name="frames")


# ---------------------------------------------------------------- conv encoder and decoders
def _convlstm(cfg: VideoConfig, name: str, return_sequences: bool = False):
    """The experiment's ConvLSTM layer, returning (output, h, c)."""
    return layers.ConvLSTM2D(
        cfg.model.filters,
        cfg.model.kernel,
        padding="same",
        return_state=True,
        return_sequences=return_sequences,
        name=name,
    )


def _embedding(cfg: VideoConfig, name: str, channels: int):
    """(layer, width): the learned 1 × 1 convolution that narrows the patches a ConvLSTM's input convolution
    reads to cfg.model.patch_embedding channels (kernels predicted from the patches still see them raw), or
    (identity, channels) without one."""
    if not cfg.model.patch_embedding:
        return (lambda x: x), channels
    return layers.Conv2D(cfg.model.patch_embedding, 1, name=f"{name}_embed"), cfg.model.patch_embedding


def _conv_encoder(frames, cfg: VideoConfig):
    patches = SpaceToDepth(cfg.model.patch, name="patches")(frames)
    embed, _ = _embedding(cfg, "encoder", cfg.model.patch**2)
    if cfg.model.patch_embedding:
        patches = layers.TimeDistributed(embed, name="encoder_embedded")(patches)
    _, h, c = _convlstm(cfg, "encoder")(patches)
    return h, c


def _kernel_mover(cfg: VideoConfig, name: str):
    """Layers that predict dynamic kernels from features and move a frame by them: (frame, features) → frame."""
    patch = cfg.model.patch
    cell_size = cfg.model.kernel_grid or patch  # pixels per predicted kernel: the patch, or finer
    finer = patch // cell_size
    kernel_logits = layers.Conv2D(2 * cfg.model.dynamic_kernel * finer**2, 3, padding="same", name=f"{name}_kernels")
    to_cells = DepthToSpace(finer, name=f"{name}_kernel_cells") if finer > 1 else (lambda x: x)
    # frames are moved in float32 even under mixed_bfloat16: ten compounded steps would lose bf16's 8 bits
    move = DynamicLocalFilter(cfg.model.dynamic_kernel, cell_size, dtype="float32", name=f"{name}_move")
    return lambda frame, seen: move([frame, to_cells(kernel_logits(seen))])


def _dynamic_forecaster(frames, state, cfg: VideoConfig, name: str):
    """Autoregressive ConvLSTM forecaster whose output frames are moved copies of a source frame.

    Each step sees its last prediction and the last input frame (patched) and predicts, for every
    patch, separable local kernels that move the previous prediction one step.
    """
    h, c = state
    canvas, patch, steps, n_in = cfg.canvas, cfg.model.patch, cfg.out_frames, cfg.in_frames
    grid = canvas // patch
    cell = _convlstm(cfg, f"{name}_lstm")
    to_patches = SpaceToDepth(patch, name=f"{name}_patches")
    pair = layers.Concatenate(axis=-1, name=f"{name}_pair")
    embed, width = _embedding(cfg, name, 2 * patch * patch)
    as_step = layers.Reshape((1, grid, grid, width), name=f"{name}_as_step")
    features = layers.Concatenate(axis=-1, name=f"{name}_features")
    move = _kernel_mover(cfg, name)
    as_frame = layers.Reshape((1, canvas, canvas, 1), name=f"{name}_as_frame")
    last_input = layers.Reshape((canvas, canvas, 1), name=f"{name}_last_input")(
        TimeSlice(n_in - 1, n_in, name=f"{name}_last")(frames)
    )
    previous, outputs = last_input, []
    for _ in range(steps):
        patches = to_patches(pair([previous, last_input]))
        _, h, c = cell(as_step(embed(patches)), initial_state=[h, c])
        previous = move(previous, features([h, patches]))
        outputs.append(as_frame(previous))
    return layers.Concatenate(axis=1, name=name)(outputs)


def _next_frame_forecaster(frames, cfg: VideoConfig):
    """One ConvLSTM that moves frame t into frame t + 1, for all 19 transitions of a sequence.

    Observed steps get the true frame (teacher forcing) and are scored too — nine extra one-step
    targets per sequence, the way PredRNN and OpenSTL train — and the ten future steps get the
    model's own previous prediction. Returns (one-step predictions of frames 1…9, future frames, the
    ConvLSTM state after the last observed frame — the "encoder state" a composite model decodes).
    """
    canvas, patch, n_in, n_out = cfg.canvas, cfg.model.patch, cfg.in_frames, cfg.out_frames
    grid = canvas // patch
    cell = _convlstm(cfg, "predictor_lstm")
    to_patches = SpaceToDepth(patch, name="predictor_patches")
    embed, width = _embedding(cfg, "predictor", patch * patch)
    as_step = layers.Reshape((1, grid, grid, width), name="predictor_as_step")
    features = layers.Concatenate(axis=-1, name="predictor_features")
    move = _kernel_mover(cfg, "predictor")
    as_frame = layers.Reshape((1, canvas, canvas, 1), name="predictor_as_frame")
    state, observed, future, current, encoded = None, [], [], None, None
    for t in range(n_in + n_out - 1):
        if t < n_in:
            current = layers.Reshape((canvas, canvas, 1), name=f"observed_{t}")(
                TimeSlice(t, t + 1, name=f"frame_{t}")(frames)
            )
        patches = to_patches(current)
        _, h, c = cell(as_step(embed(patches)), initial_state=state)
        state = [h, c]
        encoded = state if t == n_in - 1 else encoded
        current = move(current, features([h, patches]))
        (observed if t < n_in - 1 else future).append(as_frame(current))
    return (
        layers.Concatenate(axis=1, name="observed_next")(observed),
        layers.Concatenate(axis=1, name="prediction")(future),
        encoded,
    )


def _generative_decoder(state, cfg: VideoConfig, steps: int, name: str):
    """Unrolls a ConvLSTM from the encoder state over the repeated encoder output; draws each frame."""
    h, c = state
    repeated = RepeatFrames(steps, name=f"{name}_repeat")(h)
    seq, _, _ = _convlstm(cfg, f"{name}_lstm", return_sequences=True)(repeated, initial_state=[h, c])
    logits = layers.TimeDistributed(layers.Conv2D(cfg.model.patch**2, 1), name=f"{name}_pixels")(seq)
    frames = DepthToSpace(cfg.model.patch, name=f"{name}_unpatch")(logits)
    return layers.Activation("sigmoid", dtype="float32", name=name)(frames)


def _moving_decoder(state, cfg: VideoConfig, steps: int, name: str):
    """Srivastava's conditional decoder, on patches: the first frame is drawn from the encoder's final
    state; each later frame is the decoder's own previous output moved by predicted dynamic kernels
    (the reversed sequence is the same digits, one step back along their motion). It never sees the inputs."""
    h, c = state
    canvas, patch = cfg.canvas, cfg.model.patch
    grid = canvas // patch
    # drawn from the cell state too: c holds a gated linear trace of the last input, h only its squashed view
    both = layers.Concatenate(axis=-1, name=f"{name}_state")([h, c])
    hidden = layers.Conv2D(cfg.model.filters, 3, padding="same", activation="relu", name=f"{name}_draw_hidden")(both)
    draw = layers.Conv2D(patch * patch, 1, name=f"{name}_draw")(hidden)
    previous = layers.Activation("sigmoid", dtype="float32", name=f"{name}_first")(
        DepthToSpace(patch, name=f"{name}_first_unpatch")(draw)
    )
    cell = _convlstm(cfg, f"{name}_lstm")
    to_patches = SpaceToDepth(patch, name=f"{name}_patches")
    as_step = layers.Reshape((1, grid, grid, patch * patch), name=f"{name}_as_step")
    features = layers.Concatenate(axis=-1, name=f"{name}_features")
    move = _kernel_mover(cfg, name)
    as_frame = layers.Reshape((1, canvas, canvas, 1), name=f"{name}_as_frame")
    outputs = [as_frame(previous)]
    for _ in range(steps - 1):
        patches = to_patches(previous)
        _, h, c = cell(as_step(patches), initial_state=[h, c])
        previous = move(previous, features([h, patches]))
        outputs.append(as_frame(previous))
    return layers.Concatenate(axis=1, name=name)(outputs)


# ---------------------------------------------------------------- fully connected LSTM (Srivastava)
def _fc_encoder(frames, cfg: VideoConfig):
    flat = layers.Reshape((cfg.in_frames, cfg.canvas**2), name="flatten")(frames)
    _, h, c = layers.LSTM(cfg.model.fc_units, return_state=True, name="encoder")(flat)
    return h, c


def _fc_decoder(state, cfg: VideoConfig, steps: int, name: str):
    h, c = state
    repeated = layers.RepeatVector(steps, name=f"{name}_repeat")(h)
    seq = layers.LSTM(cfg.model.fc_units, return_sequences=True, name=f"{name}_lstm")(repeated, initial_state=[h, c])
    pixels = layers.Dense(cfg.canvas**2, activation="sigmoid", dtype="float32", name=f"{name}_pixels")(seq)
    return layers.Reshape((steps, cfg.canvas, cfg.canvas, 1), name=name)(pixels)


def _encoder(frames, cfg: VideoConfig):
    return _fc_encoder(frames, cfg) if cfg.model.cell == "fc" else _conv_encoder(frames, cfg)


def _decoder(frames, state, cfg: VideoConfig, steps, name, head):
    if cfg.model.cell == "fc":
        return _fc_decoder(state, cfg, steps, name)
    if head == "dynamic":
        return _dynamic_forecaster(frames, state, cfg, name)
    return _generative_decoder(state, cfg, steps, name)


def _check_head(cfg: VideoConfig) -> None:
    if cfg.model.cell == "fc" and cfg.model.head != "dynamic":
        raise UserError(
            f"--head {cfg.model.head} is for the ConvLSTM forecaster; --cell fc draws its frames with a "
            "fully connected decoder"
        )


def build_predict(cfg: VideoConfig) -> keras.Model:
    _check_head(cfg)
    frames = _input(cfg, cfg.in_frames)
    if next_frame(cfg):
        observed, future, _ = _next_frame_forecaster(frames, cfg)
        return keras.Model(frames, {"prediction": future, "observed_next": observed}, name="mnist_predict")
    state = _encoder(frames, cfg)
    out = _decoder(frames, state, cfg, cfg.out_frames, "prediction", cfg.model.head)
    return keras.Model(frames, out, name="mnist_predict")


def _reconstruction_decoder(state, cfg: VideoConfig):
    if cfg.model.cell == "conv" and cfg.model.reconstruction_decoder == "moving":
        return _moving_decoder(state, cfg, cfg.in_frames, "reconstruction")
    return _decoder(None, state, cfg, cfg.in_frames, "reconstruction", "generative")


def build_reconstruct(cfg: VideoConfig) -> keras.Model:
    frames = _input(cfg, cfg.in_frames)
    state = _encoder(frames, cfg)
    out = _reconstruction_decoder(state, cfg)
    return keras.Model(frames, out, name="mnist_reconstruct")


def build_composite(cfg: VideoConfig) -> keras.Model:
    """One encoder, two decoders. With the next-frame forecaster, its ConvLSTM run over the observed frames
    is the encoder, the forecaster's roll-out the prediction decoder, and a moving decoder reconstructs
    the inputs in reverse from the state after the last observed frame (layer names match mnist-predict's,
    so a trained mnist-predict can warm-start it)."""
    _check_head(cfg)
    frames = _input(cfg, cfg.in_frames)
    if next_frame(cfg):
        observed, future, state = _next_frame_forecaster(frames, cfg)
        recon = _reconstruction_decoder(state, cfg)
        return keras.Model(
            frames, {"reconstruction": recon, "prediction": future, "observed_next": observed}, name="mnist_composite"
        )
    state = _encoder(frames, cfg)
    recon = _reconstruction_decoder(state, cfg)
    pred = _decoder(frames, state, cfg, cfg.out_frames, "prediction", cfg.model.head)
    return keras.Model(frames, {"reconstruction": recon, "prediction": pred}, name="mnist_composite")


def build_original(cfg: VideoConfig) -> keras.Model:
    """frame-forecast's model: ConvLSTM2D(64) encoder → last state repeated → ConvLSTM2D decoder → Conv3D."""
    frames = _input(cfg, cfg.in_frames)
    h = layers.ConvLSTM2D(cfg.model.filters, cfg.model.kernel, padding="same", name="encoder")(frames)
    repeated = RepeatFrames(cfg.in_frames, name="repeat_last_state")(h)
    seq = layers.ConvLSTM2D(cfg.model.filters, cfg.model.kernel, padding="same", return_sequences=True, name="decoder")(
        repeated
    )
    out = layers.Conv3D(1, 3, padding="same", activation="sigmoid", dtype="float32", name="frames_out")(seq)
    return keras.Model(frames, out, name="frame_forecast_original")
