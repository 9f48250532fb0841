"""The video tasks, one object each, holding everything that differs between them: which outputs a model has
and which are scored, how a sequence becomes (inputs, targets), which model builds it, and whether it forecasts.

Stages, models and report views ask the task object; none of them switches on the task's name. A new task is
a `VideoTask` (or a subclass that overrides what differs) passed to `register`, plus a row in the experiments
table naming it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from frameforecast.errors import UserError

if TYPE_CHECKING:  # configs imports this module to check a config's task
    from frameforecast.config.classes import VideoConfig


@dataclass(frozen=True)
class VideoTask:
    name: str
    builder: str  # "module:function" that builds its Keras model from a VideoConfig
    outputs: tuple[str, ...]  # the scored outputs; the first is the headline
    forecasts: bool  # it predicts future frames (so `frameforecast predict` and the next-frame design apply)
    binary: bool = False  # frames binarised at 128, scored with binary pixel accuracy too
    trains_on_a_fixed_set: bool = False  # a fixed training set (the original's protocol) instead of a stream

    def sequence_frames(self, in_frames: int, out_frames: int) -> int:
        """Frames per generated sequence."""
        return max(20, in_frames + out_frames)

    def reversed_output(self, output: str) -> bool:
        """Whether that output runs backwards in time (Srivastava's reconstruction order)."""
        return output == "reconstruction"

    def pieces(self, videos: np.ndarray, in_frames: int, out_frames: int) -> dict:
        """uint8 (N, T, H, W) → every array a target can be made of, in [0, 1] with a channel axis."""
        v = videos[..., None].astype(np.float32) / 255.0
        inputs = v[:, :in_frames]
        return {
            "inputs": inputs,
            "prediction": v[:, in_frames : in_frames + out_frames],
            "reconstruction": inputs[:, ::-1],
            "observed_next": v[:, 1:in_frames],
        }

    def shapes(self, canvas: int, in_frames: int, out_frames: int) -> dict:
        """The shape of each piece, for one example."""
        frame = (canvas, canvas, 1)
        return {
            "inputs": (in_frames, *frame),
            "prediction": (out_frames, *frame),
            "reconstruction": (in_frames, *frame),
            "observed_next": (in_frames - 1, *frame),
        }

    def model_outputs(self, next_frame: bool) -> tuple[str, ...]:
        """Every output the model has: the scored ones, and the next-frame design's one-step predictions."""
        return self.outputs + (("observed_next",) if next_frame else ())

    def examples(self, pieces: dict, next_frame: bool):
        """(inputs, targets) from `pieces` (arrays or shapes): one target, or a dict of named ones."""
        names = self.model_outputs(next_frame)
        targets = {name: pieces[name] for name in names}
        return pieces["inputs"], targets if len(names) > 1 else targets[names[0]]

    def build(self, cfg: VideoConfig):
        module, function = self.builder.split(":")
        return getattr(importlib.import_module(module), function)(cfg)


class OriginalTask(VideoTask):
    """frame-forecast's original protocol: 20-frame binarised sequences, reconstructed in order."""

    def sequence_frames(self, in_frames: int, out_frames: int) -> int:
        return 20

    def reversed_output(self, output: str) -> bool:
        return False

    def pieces(self, videos: np.ndarray, in_frames: int, out_frames: int) -> dict:
        binary = (videos[:, :in_frames] >= 128)[..., None].astype(np.float32)
        return {"inputs": binary, "reconstruction": binary}


MODELS = "frameforecast.models.video"
TASKS: dict[str, VideoTask] = {}


def register(task: VideoTask) -> VideoTask:
    TASKS[task.name] = task
    return task


register(VideoTask("predict", f"{MODELS}:build_predict", ("prediction",), forecasts=True))
register(VideoTask("reconstruct", f"{MODELS}:build_reconstruct", ("reconstruction",), forecasts=False))
register(VideoTask("composite", f"{MODELS}:build_composite", ("prediction", "reconstruction"), forecasts=True))
register(
    OriginalTask(
        "original",
        f"{MODELS}:build_original",
        ("reconstruction",),
        forecasts=False,
        binary=True,
        trains_on_a_fixed_set=True,
    )
)


def get(name: str) -> VideoTask:
    if name not in TASKS:
        raise UserError(f"task = {name!r} is not one of the choices: {', '.join(repr(n) for n in TASKS)}")
    return TASKS[name]


def next_frame(cfg: VideoConfig) -> bool:
    """Whether the model is the next-frame forecaster, which also outputs "observed_next" (the one-step
    predictions of frames 1…9). A combination it cannot honour is refused, never swapped for another model."""
    if not get(cfg.task).forecasts or cfg.forecaster != "next-frame":
        return False
    if cfg.cell != "conv" or cfg.head != "dynamic":
        raise UserError(
            f"--forecaster next-frame is a ConvLSTM that moves frames with dynamic kernels; "
            f"--cell {cfg.cell} --head {cfg.head} needs --forecaster encoder-decoder"
        )
    return True
