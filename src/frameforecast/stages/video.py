"""Moving MNIST stages: train (streamed fresh sequences), evaluate (metrics.json), render (GIFs, plots)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from frameforecast import video_tasks
from frameforecast.atomic import write_json
from frameforecast.config.classes import VideoConfig
from frameforecast.datasets import moving_mnist as mm
from frameforecast.datasets import user_clips
from frameforecast.stages import learning_curve
from frameforecast.stages.video_data import (
    ORIGINAL_TRAIN_SEED,
    example_spec,
    generator_config,
    model_config,
    split_frames,
    user_clip_parts,
)
from frameforecast.stages.video_results import evaluate, render
from frameforecast.training import FitSettings, fit, load_model

__all__ = ["train", "evaluate", "render", "split_frames", "example_spec", "generator_config", "model_config"]


# ---------------------------------------------------------------- train
def warm_start(model, cfg: VideoConfig, run_dir: Path, log=print) -> dict | None:
    """Copy the weights of every same-named, same-shaped layer from a trained run of cfg.warm_start
    (a sibling folder of run_dir), and with cfg.freeze_warm_start keep them fixed. None, and every layer
    trained from scratch, when there is no such run."""
    if not cfg.warm_start:
        return None
    source = run_dir.parent / cfg.warm_start / "model.keras"
    if not source.exists():
        log(f"no trained {cfg.warm_start} at {source}: training {cfg.experiment} from scratch")
        return None
    donor, copied = load_model(source), []
    for layer in model.layers:
        try:
            other = donor.get_layer(layer.name)
        except ValueError:
            continue
        if layer.weights and [w.shape for w in layer.weights] == [w.shape for w in other.weights]:
            layer.set_weights(other.get_weights())
            layer.trainable = not cfg.freeze_warm_start
            copied.append(layer.name)
    frozen = cfg.freeze_warm_start and bool(copied)
    log(f"warm start: {len(copied)} layers from {cfg.warm_start}/model.keras" + (", kept fixed" if frozen else ""))
    return {"from": f"{cfg.warm_start}/model.keras", "layers": copied, "frozen": frozen} if copied else None


def training_source(cfg: VideoConfig, log=print):
    """(dataset factory, validation data or None, description) for streamed training: Moving MNIST or your clips."""
    spec = example_spec(cfg)

    def to_example(videos):
        return split_frames(videos, cfg)

    if cfg.data:
        parts = user_clip_parts(cfg, log)
        length = cfg.in_frames + cfg.out_frames

        def dataset(start, count, global_batch):
            return user_clips.training_dataset(
                parts["train"], length, global_batch, start, count, cfg.seed, to_example, spec
            )

        sizes = {part: len(clips.arrays) for part, clips in parts.items()}
        return (
            dataset,
            to_example(parts["validation"].windows(length)),
            (
                f"your clips: {sizes['train']} for training, {sizes['validation']} for validation, {sizes['test']} for test"
            ),
        )
    train_digits, _, described = mm.load_digits(cfg.digits)

    def dataset(start, count, global_batch):
        return mm.training_dataset(
            train_digits, global_batch, start, count, cfg.seed, to_example, spec, generator_config(cfg)
        )

    return dataset, None, described


def fit_settings(cfg: VideoConfig) -> FitSettings:
    """The fit loop's settings of a video run, shared by train and learning on."""
    return FitSettings(
        epochs=cfg.epochs,
        loss=cfg.loss,
        learning_rate=cfg.learning_rate,
        seed=cfg.seed,
        optimizer=cfg.optimizer,
        lr_schedule=cfg.lr_schedule,
        patience=cfg.patience,
        time_budget=cfg.time_budget,
        batch_size=cfg.batch_size,
        mixed_precision=cfg.mixed_precision,
    )


def train(cfg: VideoConfig, run_dir: Path, *, restart: bool = False, strategy: str = "default", log=print) -> dict:
    model_config(cfg)
    warm = {}

    def build():
        model = video_tasks.build(cfg)
        warm["start"] = warm_start(model, cfg, run_dir, log)
        return model

    settings, common = fit_settings(cfg), dict(strategy=strategy, restart=restart, log=log)
    if video_tasks.get(cfg.task).trains_on_a_fixed_set:
        train_digits, _, described = mm.load_digits(cfg.digits)
        videos = mm.generate(
            train_digits, cfg.train_sequences, np.random.default_rng(ORIGINAL_TRAIN_SEED), generator_config(cfg)
        )
        x, y = split_frames(videos, cfg)
        result = fit(build, run_dir, settings.replace(validation_split=cfg.validation_split), x=x, y=y, **common)
        sequences_seen = int(len(x) * (1 - cfg.validation_split)) * len(result.history.get("loss", []))
    else:
        dataset, validation, described = training_source(cfg, log)
        result = fit(
            build,
            run_dir,
            settings.replace(steps_per_epoch=cfg.steps_per_epoch),
            dataset=dataset,
            validation_data=validation,
            **common,
        )
        sequences_seen = len(result.history.get("loss", [])) * cfg.steps_per_epoch * cfg.batch_size
    info = {
        "seconds": result.seconds,
        "epochs_run": len(result.history.get("loss", [])),
        "global_batch_size": result.global_batch,
        "seed": cfg.seed,
        "resumed_from_epoch": result.resumed_from_epoch,
        "stopped_by": result.stopped_by,
        "steps": result.steps,
        "planned_seconds": cfg.time_budget,
        "sequences_seen_this_session": sequences_seen,
        "parameters": int(result.model.count_params()),
        "final_loss": float(result.history["loss"][-1]) if result.history.get("loss") else None,
        "digits": described,
        "strategy": strategy,
        "config": cfg,
        "warm_start": warm.get("start"),
    }
    write_json(run_dir / "train_info.json", info)
    learning_curve.reset(run_dir)  # a new model: the curve and any learning on of the one before are gone
    log(
        f"trained {cfg.experiment} in {result.seconds:.0f} s ({info['epochs_run']} epochs, "
        f"stopped by {result.stopped_by}); model: {run_dir / 'model.keras'}"
    )
    return info
