"""Checkpoints that ship with the project: a video model trained far longer than the quick suite can
(src/frameforecast/checkpoints/<experiment>.keras), with its card (<experiment>.json: the command, commit,
device, minutes and steps it trained, and the metrics it had when it was shipped).

Every evaluation of a run it fits scores it again on that run's own test set, beside the model trained on the
reader's machine; its numbers on the page are computed there, never copied from the card."""

from __future__ import annotations

import json
from pathlib import Path

FOLDER = Path(__file__).parent / "checkpoints"
CARD_FIELDS = ("experiment", "task", "profile", "command", "commit", "device", "minutes", "steps", "shipped", "metrics")


def model_path(experiment: str) -> Path:
    return FOLDER / f"{experiment}.keras"


def card(experiment: str) -> dict | None:
    """The card of the checkpoint shipped for `experiment`, or None when none ships."""
    path = FOLDER / f"{experiment}.json"
    if not path.exists() or not model_path(experiment).exists():
        return None
    return json.loads(path.read_text())


def fitting(cfg, model) -> tuple[object, dict] | None:
    """(the shipped checkpoint, its card) when one ships for this run's experiment and task and reads the same
    frames as `model` (the run's own trained model) and writes the same outputs; otherwise None (a run on the
    user's clips, another canvas or another number of frames)."""
    from frameforecast.training import load_model

    found = card(cfg.experiment)
    if found is None or cfg.data or found["task"] != cfg.task:
        return None
    shipped = load_model(model_path(cfg.experiment))
    same_inputs = [tuple(t.shape) for t in shipped.inputs] == [tuple(t.shape) for t in model.inputs]
    return (shipped, found) if same_inputs and shipped.output_names == model.output_names else None
