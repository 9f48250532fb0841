"""One training step of each quick-profile video model: seconds per step and the loss it reaches, on this CPU.

    KERAS_BACKEND=tensorflow .venv/bin/python scripts/bench_video_step.py [--steps 40] [--precision float32]
    KERAS_BACKEND=jax PYTHONPATH=/path/to/jax .venv/bin/python scripts/bench_video_step.py

Every run trains each model from the same seed on the same freshly generated batches (NumPy, no tf.data, so
that every Keras backend runs the same thing), times the steps after a warm-up (graph tracing or compilation),
and prints one JSON line per model: backend, precision, seconds per step and the mean loss of the last ten
steps. docs/design.md keeps the table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

MODELS = ("mnist-predict", "mnist-reconstruct", "mnist-composite")
WARM_UP = 3


def measure(name: str, steps: int, precision: str) -> dict:
    import keras
    import numpy as np

    from frameforecast import video_tasks
    from frameforecast.config import experiments
    from frameforecast.datasets import moving_mnist as mm
    from frameforecast.stages.video_data import generator_config, split_frames
    from frameforecast.training import make_optimizer

    cfg = experiments.get(name).config("quick")
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    keras.mixed_precision.set_global_policy(precision)
    try:
        model = video_tasks.build(cfg)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    model.compile(make_optimizer(cfg.optimizer, cfg.learning_rate, "constant", steps), cfg.loss)
    digits, _, _ = mm.load_digits("bundled")
    losses, times = [], []
    for step in range(WARM_UP + steps):
        videos = mm.generate(digits, cfg.batch_size, np.random.default_rng(1000 + step), generator_config(cfg))
        x, y = split_frames(videos, cfg)
        start = time.perf_counter()
        loss = model.train_on_batch(x, y, return_dict=True)["loss"]
        times.append(time.perf_counter() - start)
        losses.append(float(loss))
    return {
        "model": name,
        "backend": keras.backend.backend(),
        "precision": precision,
        "batch_size": cfg.batch_size,
        "seconds_per_step": float(np.median(times[WARM_UP:])),
        "first_step_seconds": times[0],
        "loss_last_10": float(np.mean(losses[-10:])),
        "steps": steps,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--precision", choices=["float32", "mixed_bfloat16"], default="float32")
    parser.add_argument("--models", default=",".join(MODELS))
    args = parser.parse_args()
    for name in args.models.split(","):
        print(json.dumps(measure(name, args.steps, args.precision)), flush=True)


if __name__ == "__main__":
    main()
