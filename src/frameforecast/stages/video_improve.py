"""Learning on: a trained video model trains further from its saved weights, in rounds of a few minutes.

After each round the run is evaluated and rendered again (every file written atomically), and its learning
curve (learning.json) gains a point: test MSE and SSIM against the minutes and steps the model shown has
trained. A round that is interrupted resumes from its backup (run_dir/improve/backup) the next time.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

from frameforecast import interrupt
from frameforecast.atomic import write_json
from frameforecast.config.classes import VideoConfig
from frameforecast.config.values import LEARNING_ON_ROUND_MINUTES
from frameforecast.errors import UserError
from frameforecast.stages import read_json
from frameforecast.stages.learning_curve import CURVE, ROUND_DIR, curve, learnable, record_point
from frameforecast.stages.video import fit_settings, training_source
from frameforecast.stages.video_results import evaluate, render
from frameforecast.training import fit, load_model

ROUND_MINUTES = 5.0  # for a profile LEARNING_ON_ROUND_MINUTES does not name
# Each round restarts at a quarter of the profile's rate (the model is past its fast first phase) and decays it
# along a cosine over the round's time (warm restarts, as SGDR), so every point of the curve is an annealed model
RATE_FACTOR = 0.25
MIN_ROUND_SECONDS = 5  # less is left of the time asked for: no round


def round_minutes(profile: str) -> float:
    """Minutes a round of learning on trains before the page is updated, for a profile."""
    return LEARNING_ON_ROUND_MINUTES.get(profile, ROUND_MINUTES)


def _round(cfg: VideoConfig, run_dir: Path, seconds: float, strategy: str, log) -> None:
    """Train one round from run_dir/model.keras (or this round's backup) for `seconds`; the result replaces
    run_dir/model.keras, and the round's seconds and steps join learning.json."""
    data = curve(run_dir)
    round_cfg = cfg.replace(seed=(cfg.seed + 104729 * (data["rounds"] + 1)) % 2**32)  # sequences not seen yet
    dataset, validation, _ = training_source(round_cfg, log)
    epochs = max(1, math.ceil(seconds / 0.02 / cfg.steps_per_epoch))  # more than fit within the budget
    settings = fit_settings(round_cfg).replace(
        epochs=epochs,
        steps_per_epoch=cfg.steps_per_epoch,
        time_budget=seconds,
        learning_rate=cfg.learning_rate * RATE_FACTOR,
        lr_schedule="cosine",
        patience=None,
    )
    result = fit(
        lambda: load_model(run_dir / "model.keras"),
        run_dir / ROUND_DIR,
        settings,
        dataset=dataset,
        validation_data=validation,
        strategy=strategy,
        restart=False,
        log=log,
    )
    os.replace(run_dir / ROUND_DIR / "model.keras", run_dir / "model.keras")
    data = curve(run_dir)
    data.update(rounds=data["rounds"] + 1, seconds=data["seconds"] + result.seconds, steps=data["steps"] + result.steps)
    write_json(run_dir / CURVE, data)


def improve(
    cfg: VideoConfig,
    run_dir: Path,
    minutes: float,
    *,
    round_minutes: float = ROUND_MINUTES,
    strategy: str = "default",
    log=print,
) -> list[dict]:
    """Learn on for `minutes` in rounds; after each, evaluate (which adds the point) and render. Returns the new
    points."""
    if not learnable(cfg):
        raise UserError(f"{cfg.experiment} trains on a fixed set of sequences; learning on is for the others")
    if not (run_dir / "model.keras").exists():
        raise UserError(f"{run_dir} has no trained model; run: frameforecast run {cfg.experiment} first")
    if not curve(run_dir)["points"] and (run_dir / "metrics.json").exists():
        record_point(run_dir, read_json(run_dir / "metrics.json"))  # evaluated before there were curves
    end, points = time.monotonic() + 60 * minutes, []
    while (left := end - time.monotonic()) >= MIN_ROUND_SECONDS:
        interrupt.check()
        seconds = min(60 * round_minutes, left)
        data = curve(run_dir)
        data["next_update"] = time.strftime("%Y-%m-%d %H:%M", time.localtime(time.time() + seconds + 60))
        write_json(run_dir / CURVE, data)
        _round(cfg, run_dir, seconds, strategy, log)
        evaluate(cfg, run_dir, log=log)  # on the run's own test set: the curve gains its point
        points.append(curve(run_dir)["points"][-1])
        render(cfg, run_dir, log=log)
        log(
            f"{cfg.experiment}: learning on, {points[-1]['minutes']:.1f} min trained in all "
            f"({points[-1]['steps']} steps): MSE/frame {points[-1]['mse_per_frame']:.1f}, SSIM {points[-1]['ssim']:.3f}"
        )
        interrupt.check()
    data = curve(run_dir)
    data["next_update"] = None
    write_json(run_dir / CURVE, data)
    return points
