"""What every video stage shares: the generator's settings, a task's (inputs, targets), and your clips' split."""

from __future__ import annotations

import numpy as np

from frameforecast.configs import VideoConfig
from frameforecast.datasets import moving_mnist as mm
from frameforecast.datasets import user_clips
from frameforecast.errors import UserError
from frameforecast.models import video

ORIGINAL_TRAIN_SEED = 1000  # seed of the fixed training set the original protocol uses


def generator_config(cfg: VideoConfig) -> mm.GeneratorConfig:
    return mm.GeneratorConfig(
        canvas=cfg.canvas, num_frames=max(20, cfg.in_frames + cfg.out_frames) if cfg.task != "original" else 20
    )


# ---------------------------------------------------------------- examples per task
def split_frames(videos: np.ndarray, cfg: VideoConfig):
    """uint8 (N, T, H, W) → (inputs, targets) in [0, 1] with a channel axis, for the experiment's task."""
    v = videos[..., None].astype(np.float32) / 255.0
    n_in, n_out = cfg.in_frames, cfg.out_frames
    if cfg.task == "original":
        binary = (videos[:, :n_in] >= 128)[..., None].astype(np.float32)
        return binary, binary
    inputs = v[:, :n_in]
    reconstruction = inputs[:, ::-1]
    prediction = v[:, n_in : n_in + n_out]
    if video.is_next_frame(cfg):
        extra = {"reconstruction": reconstruction} if cfg.task == "composite" else {}
        return inputs, {"prediction": prediction, "observed_next": v[:, 1:n_in], **extra}
    if cfg.task == "predict":
        return inputs, prediction
    if cfg.task == "reconstruct":
        return inputs, reconstruction
    return inputs, {"prediction": prediction, "reconstruction": reconstruction}


def example_spec(cfg: VideoConfig):
    c = cfg.canvas
    frames_in = (cfg.in_frames, c, c, 1)
    frames_out = (cfg.out_frames, c, c, 1)
    if video.is_next_frame(cfg):
        extra = {"reconstruction": frames_in} if cfg.task == "composite" else {}
        return frames_in, {"prediction": frames_out, "observed_next": (cfg.in_frames - 1, c, c, 1), **extra}
    if cfg.task == "predict":
        return frames_in, frames_out
    if cfg.task in ("reconstruct", "original"):
        return frames_in, frames_in
    return frames_in, {"prediction": frames_out, "reconstruction": frames_in}


def model_config(cfg: VideoConfig) -> VideoConfig:
    """`cfg`, checked for combinations the video models cannot build."""
    if not cfg.data and cfg.canvas < mm.DIGIT_SIZE:
        raise UserError(
            f"--canvas {cfg.canvas} is smaller than a Moving MNIST digit ({mm.DIGIT_SIZE} px); "
            f"use --canvas {mm.DIGIT_SIZE} or more"
        )
    if cfg.canvas % cfg.patch:
        raise UserError(
            f"the canvas ({cfg.canvas} px) is not a multiple of the patch size {cfg.patch}; "
            "pass a --patch that divides it"
        )
    if cfg.kernel_grid and cfg.patch % cfg.kernel_grid:
        raise UserError(
            f"--kernel-grid {cfg.kernel_grid} does not divide the patch size {cfg.patch}; "
            "pass a --kernel-grid that divides --patch"
        )
    if cfg.freeze_warm_start and not cfg.warm_start:
        raise UserError("freeze_warm_start keeps warm-started layers fixed, but no warm_start model is named")
    return cfg


def user_clip_parts(cfg: VideoConfig, log=print) -> dict:
    """The user's clips (train video --data), split by clip into train, validation and test."""
    length = cfg.in_frames + cfg.out_frames
    return user_clips.split(user_clips.load(cfg.data, cfg.canvas, length, log), cfg.clip_split, cfg.seed)
