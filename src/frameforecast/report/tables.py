"""Table cells and rows as the site shows them: numbers formatted, ∞ where a metric is unbounded."""

from __future__ import annotations

import math


def fmt(value, digits: int = 3) -> str:
    """Numbers for tables: 3 significant decimals for small values, 1 decimal for large ones."""
    if value is None:
        return "—"
    if isinstance(value, dict) and "mean" in value:
        return f"{fmt(value['mean'], digits)} ± {fmt(value['sd'], digits)}"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if abs(value) >= 100:
        return f"{value:.1f}"
    if abs(value) >= 10:
        return f"{value:.2f}"
    return f"{value:.{digits}f}"


UNBOUNDED = {"bce_nats_per_frame"}  # a None here means infinite, not unknown (metrics.bce_nats_per_frame)


def cell(scores: dict, key: str) -> str:
    if key in UNBOUNDED and key in scores and scores[key] is None:
        return "∞"
    return fmt(scores.get(key))


def row(label: str, kind: str, scores: dict, columns, note: str = "") -> dict:
    return {"label": label, "kind": kind, "cells": [cell(scores, k) for k, _ in columns], "note": note}
