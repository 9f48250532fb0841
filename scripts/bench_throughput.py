"""`bench.py --throughput`: the Moving MNIST generator, training and inference speed of each video model, and
evaluation of 10 000 standard-layout sequences in a child process (scripts/bench_standard_eval.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_generator(seconds: float = 5.0) -> float:
    import numpy as np

    from frameforecast.datasets import moving_mnist as mm

    train, _, _ = mm.load_digits("bundled")
    rng = np.random.default_rng(0)
    mm.generate(train, 100, rng)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        mm.generate(train, 500, rng)
        count += 500
    return count / (time.perf_counter() - start)


def bench_models(smoke: bool) -> dict:
    import keras
    import numpy as np

    from frameforecast import video_tasks
    from frameforecast.config import experiments
    from frameforecast.datasets import moving_mnist as mm
    from frameforecast.stages.video import split_frames

    out = {}
    train, _, _ = mm.load_digits("bundled")
    for name in ("mnist-predict", "mnist-reconstruct", "mnist-composite", "frame-forecast-original"):
        cfg = experiments.get(name).config("smoke" if smoke else "quick")
        keras.backend.clear_session()
        model = video_tasks.build(cfg)
        model.compile("adam", cfg.loss)
        batch = cfg.batch_size
        gen = mm.GeneratorConfig(canvas=cfg.canvas)
        x, y = split_frames(mm.generate(train, batch * 3, np.random.default_rng(0), gen), cfg)
        model.train_on_batch(x[:batch], y[:batch] if not isinstance(y, dict) else {k: v[:batch] for k, v in y.items()})
        start = time.perf_counter()
        for i in range(1, 3):
            sl = slice(i * batch, (i + 1) * batch)
            model.train_on_batch(x[sl], y[sl] if not isinstance(y, dict) else {k: v[sl] for k, v in y.items()})
        train_rate = 2 * batch / (time.perf_counter() - start)
        model.predict(x[:batch], verbose=0)
        start = time.perf_counter()
        model.predict(x, batch_size=batch, verbose=0)
        out[name] = {
            "batch_size": batch,
            "train_seq_per_s": train_rate,
            "inference_seq_per_s": len(x) / (time.perf_counter() - start),
            "parameters": model.count_params(),
        }
    return out


def write_standard_layout(path: Path, count: int) -> None:
    """A file in the standard layout (20, N, 64, 64) uint8 with sparse random content."""
    import numpy as np

    array = np.lib.format.open_memmap(path, mode="w+", dtype=np.uint8, shape=(20, count, 64, 64))
    rng = np.random.default_rng(0)
    for s in range(0, count, 500):
        array[:, s : s + 500] = (rng.random((20, min(500, count - s), 64, 64)) > 0.9) * 255
    array.flush()
    del array


def bench_standard_eval(smoke: bool) -> dict:
    """Evaluate mnist-predict (the trained quick model if there is one) on 10 000 standard-layout sequences."""
    scratch = Path(tempfile.mkdtemp(prefix="ff-bench-"))
    path = scratch / "mnist_test_seq.npy"
    count = 40 if smoke else 10_000
    write_standard_layout(path, count)
    trained = ROOT / "runs" / "mnist-predict" / "model.keras"
    used_trained = trained.exists() and json.loads((trained.parent / "config.json").read_text()).get("canvas") == 64
    if used_trained:
        (scratch / "bench-run").mkdir()
        shutil.copy2(trained, scratch / "bench-run" / "model.keras")
        shutil.copy2(trained.parent / "config.json", scratch / "bench-run" / "config.json")
    try:
        out = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "bench_standard_eval.py"), str(path), str(count)],
            cwd=scratch,
            capture_output=True,
            text=True,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if out.returncode:
        raise SystemExit(out.stderr[-2000:])
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "trained_model": used_trained}


def bench_throughput(smoke: bool) -> dict:
    return {
        "generator_seq_per_s": bench_generator(1.0 if smoke else 5.0),
        "models": bench_models(smoke),
        "standard_eval": bench_standard_eval(smoke),
    }
