"""The video tasks, one object each, holding everything that differs between them: which outputs a model has
and which are scored, how a sequence becomes (inputs, targets), and whether it forecasts. The model that does a
task is the config's `method`, a module with its own settings (frameforecast/methods/).

Stages, models and report views ask the task object; none of them switches on the task's name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frameforecast.config.classes import VideoConfig, method_module
from frameforecast.errors import UserError


@dataclass(frozen=True)
class VideoTask:
    name: str
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


class OriginalTask(VideoTask):
    """frame-forecast's original protocol: 20-frame binarised sequences, reconstructed in order."""

    def sequence_frames(self, in_frames: int, out_frames: int) -> int:
        return 20

    def reversed_output(self, output: str) -> bool:
        return False

    def pieces(self, videos: np.ndarray, in_frames: int, out_frames: int) -> dict:
        binary = (videos[:, :in_frames] >= 128)[..., None].astype(np.float32)
        return {"inputs": binary, "reconstruction": binary}


TASKS: dict[str, VideoTask] = {}


def register(task: VideoTask) -> VideoTask:
    TASKS[task.name] = task
    return task


register(VideoTask("predict", ("prediction",), forecasts=True))
register(VideoTask("reconstruct", ("reconstruction",), forecasts=False))
register(VideoTask("composite", ("prediction", "reconstruction"), forecasts=True))
register(OriginalTask("original", ("reconstruction",), forecasts=False, binary=True, trains_on_a_fixed_set=True))


def get(name: str) -> VideoTask:
    if name not in TASKS:
        raise UserError(f"task = {name!r} is not one of the choices: {', '.join(repr(n) for n in TASKS)}")
    return TASKS[name]


def check(cfg: VideoConfig) -> None:
    """Refuses a task nothing registered, naming the choices."""
    get(cfg.task)


def build(cfg: VideoConfig):
    """The Keras model of the config's task, built by its method."""
    return method_module(cfg.method).build(cfg, get(cfg.task))


def next_frame(cfg: VideoConfig) -> bool:
    """Whether the method's model is a next-frame forecaster, which also outputs "observed_next" (its one-step
    predictions of the observed frames): the method says (`next_frame(cfg, task)`; none is by default)."""
    decide = getattr(method_module(cfg.method), "next_frame", None)
    return bool(decide(cfg, get(cfg.task))) if decide else False
