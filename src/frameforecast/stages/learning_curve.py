"""A video run's learning curve (learning.json): test MSE and SSIM against the minutes and steps the model shown
has trained, one point per evaluation on the run's own test set; learning on (video_improve) adds rounds."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from frameforecast import host, video_tasks
from frameforecast.atomic import write_json
from frameforecast.config.classes import VideoConfig
from frameforecast.stages import read_json

CURVE = "learning.json"


def curve(run_dir: Path) -> dict:
    """{points: [...], rounds, seconds, steps (of learning on), next_update}; empty when there is none."""
    path = Path(run_dir) / CURVE
    data = read_json(path) if path.exists() else {}
    return {"points": [], "rounds": 0, "seconds": 0.0, "steps": 0, "next_update": None, **data}


ROUND_DIR = "improve"  # learning on's fit folder: its backup and model before it replaces the run's


def reset(run_dir: Path) -> None:
    """Forget the curve and learning on of an earlier model (the train stage has just made a new one)."""
    (Path(run_dir) / CURVE).unlink(missing_ok=True)
    shutil.rmtree(Path(run_dir) / ROUND_DIR, ignore_errors=True)


def trained(run_dir: Path, learned: dict | None = None) -> tuple[float, int]:
    """(minutes, steps) the model in run_dir has trained: the train stage's, plus every round of learning on."""
    info = read_json(Path(run_dir) / "train_info.json") if (Path(run_dir) / "train_info.json").exists() else {}
    learned = curve(run_dir) if learned is None else learned
    return (info.get("seconds", 0.0) + learned["seconds"]) / 60, int(info.get("steps", 0)) + int(learned["steps"])


def record_point(run_dir: Path, report: dict) -> dict:
    """Add the evaluated model to the curve (replacing the last point when it has not trained since)."""
    data = curve(run_dir)
    minutes, steps = trained(run_dir, data)
    head = report["results"][report["headline_output"]]["model"]
    point = {
        "minutes": round(minutes, 3),
        "steps": steps,
        "mse_per_frame": head["mse_per_frame"],
        "ssim": head["ssim"],
        "evaluated": time.strftime("%Y-%m-%d %H:%M"),
        "machine": host.machine(),
    }
    if data["points"] and data["points"][-1]["steps"] == steps:
        data["points"][-1] = point
    else:
        data["points"].append(point)
    write_json(Path(run_dir) / CURVE, data)
    return point


def learnable(cfg: VideoConfig) -> bool:
    """Whether the run trains on freshly generated sequences (a fixed training set has nothing more to give)."""
    return not video_tasks.get(cfg.task).trains_on_a_fixed_set
