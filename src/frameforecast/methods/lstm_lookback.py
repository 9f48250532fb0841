"""The look-back LSTM: LSTM(units) → Dense(1) over a window of past values (and their features)."""

from __future__ import annotations

from dataclasses import dataclass

LABEL = "LSTM"  # how the pages name it


@dataclass(frozen=True, kw_only=True)
class Settings:
    """None of its own: its size (look_back, units) is the look-back family's mode."""


def build(settings: Settings, look_back: int, features: int, units: int, zero_start: bool = False):
    from frameforecast.models.series import build_lookback

    return build_lookback(look_back, features, units, zero_start=zero_start)
