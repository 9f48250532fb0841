"""Train a Moving MNIST model on the streamed generator for a wall-clock budget or a fixed step count, and score
its 10-frame forecast: shared by `bench.py --compare` and explore_video.py, configured from the experiments table."""

from __future__ import annotations

import time

import numpy as np


def train_for(
    model,
    cfg: dict,
    *,
    optimizer,
    loss,
    steps: int,
    budget: float | None = None,
    to_example=None,
    spec=None,
    verbose: int = 2,
) -> dict:
    """Compile and fit `model` on cfg's digit stream (cfg.batch_size, cfg.seed) for `steps` batches, or
    until `budget` seconds have passed. Returns the seconds spent and the steps taken."""
    import keras

    from frameforecast.callbacks import TimeBudget
    from frameforecast.datasets import moving_mnist as mm
    from frameforecast.stages import video as stage

    train, _, _ = mm.load_digits(cfg.digits)
    to_example = to_example or (lambda videos: stage.split_frames(videos, cfg))
    data = mm.training_dataset(train, cfg.batch_size, 0, steps, cfg.seed, to_example, spec or stage.example_spec(cfg))
    model.compile(optimizer=optimizer, loss=loss)
    start = time.monotonic()
    model.fit(data, epochs=1, steps_per_epoch=steps, callbacks=[TimeBudget(budget)] if budget else [], verbose=verbose)
    return {
        "train_seconds": time.monotonic() - start,
        "steps": int(keras.ops.convert_to_numpy(model.optimizer.iterations)),
    }


def forecast(model):
    """frames (N, 10, H, W, 1) → the model's 10 predicted frames (the "prediction" output of a next-frame model)."""

    def predict(frames):
        out = model.predict(frames, verbose=0)
        return out["prediction"] if isinstance(out, dict) else out

    return predict


def score(predict, test, batch_size: int = 50) -> dict:
    """MSE/frame, SSIM, … of `predict(first 10 frames)` against the next 10 on a Moving MNIST test set."""
    from frameforecast import metrics

    acc = metrics.VideoAccumulator()
    for videos in test.batches(batch_size):
        frames = videos[..., None].astype(np.float32) / 255.0
        acc.add(predict(frames[:, :10]), frames[:, 10:])
    return acc.result()
