"""frame-forecast's original: full-resolution ConvLSTM2D → last state repeated → ConvLSTM2D → Conv3D."""

from __future__ import annotations

from dataclasses import dataclass

from frameforecast.errors import UserError
from frameforecast.methods.convlstm import ConvCell


@dataclass(frozen=True, kw_only=True)
class Settings(ConvCell):
    """Only the ConvLSTM layers' size: the rest is the original's architecture."""


def build(cfg, task):
    if task.name != "original":
        raise UserError(f"method original builds the task 'original', not {task.name!r}")
    from frameforecast.models import video

    return video.build_original(cfg)


def parameters(cfg) -> tuple[int, int]:
    m = cfg.model
    return 2 * 4 * m.filters * m.kernel * m.kernel * (m.filters + 1), cfg.canvas * cfg.canvas * m.filters * 8
