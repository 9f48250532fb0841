"""The ConvLSTM video models (Shi et al. 2015; Srivastava et al.'s fully connected LSTM with cell="fc"):
predict, reconstruct and composite, on space-to-depth patches, moving frames with predicted local kernels.
The Keras code is frameforecast.models.video; this module holds their settings and picks the builder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from frameforecast.config.classes import setting
from frameforecast.errors import UserError

BUILDERS = {"predict": "build_predict", "reconstruct": "build_reconstruct", "composite": "build_composite"}


@dataclass(frozen=True, kw_only=True)
class ConvCell:
    """A ConvLSTM layer's size (frame-forecast's original has these settings too)."""

    filters: int = setting(64, help="ConvLSTM filters", option=True)
    kernel: int = setting(3, help="ConvLSTM kernel size", option=True)


@dataclass(frozen=True, kw_only=True)
class Settings(ConvCell):
    patch: int = setting(4, help="pixels per ConvLSTM cell side (space-to-depth block)", option=True)
    patch_embedding: int | None = setting(
        None, help="1 × 1 conv width for the patches the input frames feed a ConvLSTM (None: raw)"
    )
    cell: Literal["conv", "fc"] = setting("conv", help="ConvLSTM, or Srivastava's fully connected LSTM", option=True)
    forecaster: Literal["next-frame", "encoder-decoder"] = setting(
        "encoder-decoder",
        help="one ConvLSTM over all transitions that moves each frame into the next, or a separate "
        "encoder and forecaster (needed by --cell fc and --head generative)",
        option=True,
    )
    kernel_grid: int | None = setting(
        None, help="pixels per predicted dynamic kernel side; divides --patch", option=True
    )
    head: Literal["dynamic", "generative"] = setting(
        "dynamic", help="an encoder-decoder's frames: moved by dynamic kernels, or drawn", option=True
    )
    dynamic_kernel: int = setting(9, help="side of each predicted local kernel")
    fc_units: int = setting(1024, help="units of the fully connected LSTM (cell fc)")
    reconstruction_decoder: Literal["drawn", "moving"] = setting(
        "moving", help="a ConvLSTM reconstruction decoder draws each frame, or moves the last one it drew"
    )


def build(cfg, task):
    """The Keras model of `task` (a video_tasks.VideoTask) with these settings."""
    if task.name not in BUILDERS:
        raise UserError(f"method convlstm builds the tasks {', '.join(BUILDERS)}, not {task.name!r}")
    from frameforecast.models import video

    return getattr(video, BUILDERS[task.name])(cfg)


def next_frame(cfg, task) -> bool:
    """Whether the model is the next-frame forecaster, which also outputs "observed_next" (the one-step
    predictions of frames 1…9). A combination it cannot honour is refused, never swapped for another model."""
    m = cfg.model
    if not task.forecasts or m.forecaster != "next-frame":
        return False
    if m.cell != "conv" or m.head != "dynamic":
        raise UserError(
            f"--forecaster next-frame is a ConvLSTM that moves frames with dynamic kernels; "
            f"--cell {m.cell} --head {m.head} needs --forecaster encoder-decoder"
        )
    return True


def check(cfg) -> None:
    """UserError for a patch or kernel grid the frames cannot be cut into."""
    m = cfg.model
    if cfg.canvas % m.patch:
        raise UserError(
            f"the canvas ({cfg.canvas} px) is not a multiple of the patch size {m.patch}; "
            "pass a --patch that divides it"
        )
    if m.kernel_grid and m.patch % m.kernel_grid:
        raise UserError(
            f"--kernel-grid {m.kernel_grid} does not divide the patch size {m.patch}; "
            "pass a --kernel-grid that divides --patch"
        )


def parameters(cfg) -> tuple[int, int]:
    """(weights, activations per time step of one example), roughly, for the memory estimate."""
    m = cfg.model
    if m.cell == "fc":
        return 2 * 4 * m.fc_units * (m.fc_units + cfg.canvas * cfg.canvas + 1), m.fc_units * 8
    side = max(cfg.canvas // max(m.patch, 1), 1)
    channels = m.patch_embedding or m.patch * m.patch
    return 2 * 4 * m.filters * m.kernel * m.kernel * (m.filters + channels), side * side * m.filters * 8
