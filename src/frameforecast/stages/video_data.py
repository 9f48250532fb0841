"""What every video stage shares: the generator's settings, a task's (inputs, targets), and your clips' split."""

from __future__ import annotations

import numpy as np

from frameforecast import video_tasks
from frameforecast.config.classes import VideoConfig, method_module
from frameforecast.datasets import moving_mnist as mm
from frameforecast.datasets import user_clips
from frameforecast.errors import UserError

ORIGINAL_TRAIN_SEED = 1000  # seed of the fixed training set the original protocol uses


def generator_config(cfg: VideoConfig) -> mm.GeneratorConfig:
    return mm.GeneratorConfig(
        canvas=cfg.canvas, num_frames=video_tasks.get(cfg.task).sequence_frames(cfg.in_frames, cfg.out_frames)
    )


# ---------------------------------------------------------------- examples per task
def split_frames(videos: np.ndarray, cfg: VideoConfig):
    """uint8 (N, T, H, W) → (inputs, targets) in [0, 1] with a channel axis, for the experiment's task."""
    task = video_tasks.get(cfg.task)
    return task.examples(task.pieces(videos, cfg.in_frames, cfg.out_frames), video_tasks.next_frame(cfg))


def example_spec(cfg: VideoConfig):
    """The shapes of one (inputs, targets) example."""
    task = video_tasks.get(cfg.task)
    return task.examples(task.shapes(cfg.canvas, cfg.in_frames, cfg.out_frames), video_tasks.next_frame(cfg))


def model_config(cfg: VideoConfig) -> VideoConfig:
    """`cfg`, checked for combinations the video models cannot build."""
    if not cfg.data and cfg.canvas < mm.DIGIT_SIZE:
        raise UserError(
            f"--canvas {cfg.canvas} is smaller than a Moving MNIST digit ({mm.DIGIT_SIZE} px); "
            f"use --canvas {mm.DIGIT_SIZE} or more"
        )
    check = getattr(method_module(cfg.method), "check", None)
    if check is not None:  # what the method itself cannot build
        check(cfg)
    if cfg.freeze_warm_start and not cfg.warm_start:
        raise UserError("freeze_warm_start keeps warm-started layers fixed, but no warm_start model is named")
    return cfg


def user_clip_parts(cfg: VideoConfig, log=print) -> dict:
    """The user's clips (train video --data), split by clip into train, validation and test."""
    length = cfg.in_frames + cfg.out_frames
    return user_clips.split(user_clips.load(cfg.data, cfg.canvas, length, log), cfg.clip_split, cfg.seed)
