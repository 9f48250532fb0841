#!/usr/bin/env python
"""Measure frame-forecast: suite wall time and memory, throughput, side-by-side comparison, quality targets.

Run from the project's .venv:
    .venv/bin/python scripts/bench.py --suite quick           # the whole quick suite, as ./run_lstm.sh --no-serve
    .venv/bin/python scripts/bench.py --series quick          # only the series experiments (their 5-minute budget)
    .venv/bin/python scripts/bench.py --throughput [--smoke]  # generator, training, inference, 10 000-sequence evaluation
    .venv/bin/python scripts/bench.py --compare [--budget S]  # ours vs the keras-io next-frame ConvLSTM, same budget
    .venv/bin/python scripts/bench.py --quality               # quality targets, from the quick suite's metrics
    .venv/bin/python scripts/bench.py --predict-memory        # predict on a 1920 × 1080, 300-frame clip: RSS growth
    .venv/bin/python scripts/bench.py --gpu-run DIR           # record a paper run's outputs copied from a GPU machine
Each run writes runs/bench/<date>.json and regenerates the results table in README.md between the markers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(ROOT / "src"))


BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
TARGETS = {
    "suite_minutes": 20.0, "suite_peak_gib": 4.0, "generator_seq_per_s": 2000.0, "eval_10k_rss_growth_gib": 1.5,
    "mnist_predict_mse": 95.0, "compare_ratio": 0.7, "corrected_vs_best_baseline": 1.0,
    "faithful_band": 0.15, "series_minutes": 5.0, "reconstruct_vs_mean_input": 0.75, "composite_vs_predict": 1.1,
    "predict_rss_growth_gib": 1.0,
}
ORIGINAL_RMSE = {"milk-lookback": 47.65, "airline-lookback": 47.53}


def machine() -> str:
    from frameforecast.pipeline import machine as describe

    return describe()


# ---------------------------------------------------------------- suite
def run_child(args: list[str]) -> tuple[int, float, dict]:
    """`frameforecast ARGS` in a child process: exit status, wall seconds, and the run summary it wrote."""
    start = time.monotonic()
    status = subprocess.run([str(ROOT / ".venv/bin/frameforecast"), *args], cwd=ROOT).returncode
    wall = time.monotonic() - start
    return status, wall, json.loads((ROOT / "runs" / "run_summary.json").read_text())


def bench_suite(profile: str) -> dict:
    """Run `frameforecast run --profile P` in a child process, as run_lstm.sh does; time it and its peak RSS."""
    status, wall, summary = run_child(["run", "--profile", profile])
    gif = ROOT / "runs" / "mnist-predict" / "prediction-0.gif"
    if gif.exists():  # the README's picture is this run's output
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copy2(gif, ROOT / "docs" / "mnist-predict.gif")
    stages = {"data": summary["data"]["seconds"], "site": summary["site"]["seconds"]}
    for stage in ("train", "evaluate", "render"):
        stages[stage] = sum(e["seconds"][stage]["seconds"] for e in summary["experiments"].values()
                            if e["status"] == "ok")
    series_seconds = sum(sum(s["seconds"] for s in e["seconds"].values()) for n, e in summary["experiments"].items()
                         if e["status"] == "ok" and not n.startswith(("mnist", "frame-forecast")))
    return {"profile": profile, "exit_status": status, "wall_seconds": wall,
            "peak_memory_mb": summary["peak_memory_mb"], "stage_seconds": stages,
            "stage_peak_memory_mb": {"data": summary["data"]["peak_memory_mb"], "site": summary["site"]["peak_memory_mb"],
                                     **{f"{n}/{s}": v["peak_memory_mb"] for n, e in summary["experiments"].items()
                                        if e["status"] == "ok" for s, v in e["seconds"].items()}},
            "series_seconds": series_seconds,
            "experiments": {n: e["status"] for n, e in summary["experiments"].items()},
            "experiment_seconds": {n: sum(s["seconds"] for s in e["seconds"].values())
                                   for n, e in summary["experiments"].items() if e["status"] == "ok"}}


SERIES = ["milk-lookback", "airline-lookback", "usercount-seq2seq", "signals-1", "signals-2", "signals-3"]


def bench_series(profile: str) -> dict:
    """Only the series experiments of a profile, in one child process, timed from outside."""
    status, wall, summary = run_child(["run", *SERIES, "--profile", profile])
    return {"profile": profile, "exit_status": status, "wall_seconds": wall, "peak_memory_mb": summary["peak_memory_mb"]}


# ---------------------------------------------------------------- throughput
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

    from frameforecast import experiments
    from frameforecast.datasets import moving_mnist as mm
    from frameforecast.models import video
    from frameforecast.stages.video import split_frames

    out = {}
    train, _, _ = mm.load_digits("bundled")
    for name in ("mnist-predict", "mnist-reconstruct", "mnist-composite", "frame-forecast-original"):
        cfg = experiments.get(name).config("smoke" if smoke else "quick")
        keras.backend.clear_session()
        model = video.build(cfg["task"], cfg)
        model.compile("adam", cfg["loss"])
        batch = cfg["batch_size"]
        gen = mm.GeneratorConfig(canvas=cfg["canvas"])
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
        out[name] = {"batch_size": batch, "train_seq_per_s": train_rate,
                     "inference_seq_per_s": len(x) / (time.perf_counter() - start),
                     "parameters": model.count_params()}
    return out


def write_standard_layout(path: Path, count: int) -> None:
    """A file in the standard layout (20, N, 64, 64) uint8 with sparse random content."""
    import numpy as np

    array = np.lib.format.open_memmap(path, mode="w+", dtype=np.uint8, shape=(20, count, 64, 64))
    rng = np.random.default_rng(0)
    for s in range(0, count, 500):
        array[:, s:s + 500] = (rng.random((20, min(500, count - s), 64, 64)) > 0.9) * 255
    array.flush()
    del array


EVALUATE_STANDARD = """
import json, sys, time
from pathlib import Path
from frameforecast import experiments
from frameforecast.models import video as models
from frameforecast.stages import video
from frameforecast.training import save_model
run = Path("bench-run")
if (run / "model.keras").exists():  # the trained model, evaluated with the config it was trained with
    cfg = json.loads((run / "config.json").read_text())
else:
    cfg = experiments.get("mnist-predict").config("quick")
    save_model(models.build("predict", cfg), run / "model.keras")
from frameforecast.memory import current_rss_mb, peak_rss_mb
before = current_rss_mb()
start = time.monotonic()
report = video.evaluate(dict(cfg, gif_count=1), run, test_set="standard", limit=int(sys.argv[2]),
                        standard_path=sys.argv[1], log=lambda *a: None)
peak = peak_rss_mb()
print(json.dumps({"sequences": report["test_set"]["size"], "seconds": time.monotonic() - start,
                  "rss_before_mb": before, "peak_rss_mb": peak, "rss_growth_mb": peak - before}))
"""


def bench_standard_eval(smoke: bool) -> dict:
    """Evaluate mnist-predict (the trained quick model if there is one) on 10 000 standard-layout sequences."""
    scratch = Path(tempfile.mkdtemp(prefix="ff-bench-"))
    path = scratch / "mnist_test_seq.npy"
    count = 200 if smoke else 10_000
    write_standard_layout(path, count)
    trained = ROOT / "runs" / "mnist-predict" / "model.keras"
    used_trained = (trained.exists() and
                    json.loads((trained.parent / "config.json").read_text()).get("canvas") == 64)
    if used_trained:
        (scratch / "bench-run").mkdir()
        shutil.copy2(trained, scratch / "bench-run" / "model.keras")
        shutil.copy2(trained.parent / "config.json", scratch / "bench-run" / "config.json")
    try:
        out = subprocess.run([sys.executable, "-c", EVALUATE_STANDARD, str(path), str(count)], cwd=scratch,
                             capture_output=True, text=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if out.returncode:
        raise SystemExit(out.stderr[-2000:])
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "trained_model": used_trained}


def bench_throughput(smoke: bool) -> dict:
    return {"generator_seq_per_s": bench_generator(1.0 if smoke else 5.0), "models": bench_models(smoke),
            "standard_eval": bench_standard_eval(smoke)}


# ---------------------------------------------------------------- compare
def bench_compare(budget: float, test_size: int) -> dict:
    """Ours (mnist-predict) vs the keras-io next-frame ConvLSTM, each trained for `budget` seconds on the same stream."""
    import keras
    import numpy as np

    from frameforecast import experiments, metrics
    from frameforecast.datasets import moving_mnist as mm
    from frameforecast.models import keras_example, video
    from frameforecast.stages import video as stage
    from frameforecast.training import TimeBudget, make_optimizer, seed_everything

    cfg = experiments.get("mnist-predict").config("quick")
    train, _, _ = mm.load_digits(cfg["digits"])
    test = mm.generated_test_set(test_size, cfg["digits"])
    results = {}
    for name in ("ours", "keras-example"):
        keras.backend.clear_session()
        seed_everything(0)
        if name == "ours":
            model = video.build("predict", cfg)
            to_example, spec = (lambda v: stage.split_frames(v, cfg)), stage.example_spec(cfg)
            steps = 5000
            optimizer = make_optimizer("adam", cfg["learning_rate"], "cosine",
                                       int(budget / 480 * cfg["epochs"] * cfg["steps_per_epoch"]))
            loss = cfg["loss"]
        else:
            model = video.build("keras-example", {"canvas": 64, "filters": 64})
            to_example = lambda v: (v[:, :19, ..., None] / 255.0, v[:, 1:, ..., None] / 255.0)  # noqa: E731
            spec = ((19, 64, 64, 1), (19, 64, 64, 1))
            steps, optimizer, loss = 5000, keras.optimizers.Adam(1e-3), "binary_crossentropy"
        model.compile(optimizer=optimizer, loss=loss)
        data = mm.training_dataset(train, cfg["batch_size"], 0, steps, cfg["seed"], to_example, spec)
        start = time.monotonic()
        model.fit(data, epochs=1, steps_per_epoch=steps, callbacks=[TimeBudget(budget)], verbose=2)
        seconds = time.monotonic() - start
        acc = metrics.VideoAccumulator()
        stepper = keras_example.keras_example_stepper(model) if name == "keras-example" else None
        for videos in test.batches(50):
            frames = videos[..., None].astype(np.float32) / 255.0
            if name == "ours":
                pred = model.predict(frames[:, :10], verbose=0)
                pred = pred["prediction"] if isinstance(pred, dict) else pred
            else:  # roll out 10 frames, feeding each prediction back
                pred = keras_example.keras_example_rollout(stepper, frames[:, :10], 10)
            acc.add(pred, frames[:, 10:])
        r = acc.result()
        results[name] = {"mse_per_frame": r["mse_per_frame"], "ssim": r["ssim"], "train_seconds": seconds,
                         "steps": int(model.optimizer.iterations.numpy()),
                         "parameters": model.count_params()}
    results["ratio"] = results["ours"]["mse_per_frame"] / results["keras-example"]["mse_per_frame"]
    results["budget_seconds"] = budget
    results["test_set"] = test.describe()
    return results


# ---------------------------------------------------------------- quality
def bench_quality() -> dict:
    """Quality figures from the quick suite's metrics (run `--suite quick` first, or together)."""
    runs = ROOT / "runs"

    def load(name):
        path = runs / name / "metrics.json"
        if not path.exists():
            raise SystemExit(f"{path} is missing: run `scripts/bench.py --suite quick` first")
        data = json.loads(path.read_text())
        if data.get("profile") != "quick":
            raise SystemExit(f"{path} is from the {data.get('profile')} profile; run `--suite quick` first")
        return data

    out = {}
    predict = load("mnist-predict")
    head = predict["results"]["prediction"]
    info = json.loads((runs / "mnist-predict" / "train_info.json").read_text())
    out["mnist-predict"] = {"mse_per_frame": head["model"]["mse_per_frame"], "ssim": head["model"]["ssim"],
                            "all_black": head["all-black frame"]["mse_per_frame"],
                            "copy_last": head["copy last frame"]["mse_per_frame"],
                            "train_seconds": info["seconds"], "test_set": predict["test_set"]}
    for name in ("mnist-reconstruct", "mnist-composite"):
        results = load(name)["results"]
        info = json.loads((runs / name / "train_info.json").read_text())
        out[name] = {output: {"mse_per_frame": r["model"]["mse_per_frame"], "ssim": r["model"]["ssim"],
                              "mean_input": r["mean input frame"]["mse_per_frame"],
                              "mean_input_ssim": r["mean input frame"]["ssim"]} for output, r in results.items()}
        out[name]["train_seconds"] = info["seconds"]
        out[name]["warm_start"] = info.get("warm_start") is not None
    for name in ("milk-lookback", "airline-lookback"):
        m = load(name)["modes"]
        best = min(m["corrected"]["baselines"].items(), key=lambda kv: kv[1]["rmse"])
        out[name] = {
            "corrected_ensemble_rmse": m["corrected"]["ensemble"]["rmse"],
            "corrected_rmse": m["corrected"]["model"]["rmse"], "faithful_rmse": m["faithful"]["model"]["rmse"],
            "best_baseline": {"name": best[0], "rmse": best[1]["rmse"]},
            "shrinkage": m["corrected"]["shrinkage"],
            "faithful_persistence": m["faithful"]["baselines"]["persistence"]["rmse"],
            "seeds": m["corrected"]["seeds"], "original": ORIGINAL_RMSE[name]}
    corrected = load("usercount-seq2seq")["modes"]["corrected"]
    users = load("usercount-seq2seq")
    out["usercount-seq2seq"] = {"ensemble_mase": corrected["ensemble"]["mase"], "mase": corrected["model"]["mase"],
                                "snaive_mase": corrected["baselines"]["seasonal naive"]["mase"],
                                "faithful_ensemble_mase": users["modes"]["faithful"]["ensemble"]["mase"],
                                "next_hours": users["next_hours"]["headline"]}
    return out


# ---------------------------------------------------------------- a paper-profile run made on a GPU machine
def bench_gpu_run(folder: Path) -> dict:
    """Read a `paper` run's outputs (metrics.json, train_info.json, device.txt) copied back from a GPU machine."""
    folder = Path(folder)
    try:
        metrics = json.loads((folder / "metrics.json").read_text())
        info = json.loads((folder / "train_info.json").read_text())
        device = (folder / "device.txt").read_text().strip()
    except (OSError, json.JSONDecodeError) as exc:
        raise SystemExit(f"--gpu-run {folder}: {exc}; it needs metrics.json, train_info.json and device.txt") from None
    head = metrics["results"][metrics["headline_output"]]
    return {"experiment": metrics["experiment"], "profile": metrics["profile"], "device": device,
            "train_seconds": info["seconds"],
            "epochs": info["epochs_run"], "steps_per_epoch": info["config"]["steps_per_epoch"],
            "batch_size": info["config"]["batch_size"], "sequences": info["sequences_seen_this_session"],
            "parameters": info["parameters"], "mse_per_frame": head["model"]["mse_per_frame"],
            "ssim": head["model"]["ssim"], "all_black": head["all-black frame"]["mse_per_frame"],
            "copy_last": head["copy last frame"]["mse_per_frame"], "test_set": metrics["test_set"],
            "folder": str(folder)}


# ---------------------------------------------------------------- README table
def fmt(x, digits=1):
    return f"{x:.{digits}f}"


def table(record: dict) -> str:
    rows = ["| figure | measured | baseline / reference | target | met |", "| --- | --- | --- | --- | --- |"]

    def add(figure, measured, reference, target, met):
        rows.append(f"| {figure} | {measured} | {reference} | {target} | {'yes' if met else '**no**'} |")

    suite = record.get("suite")
    if suite:
        minutes = suite["wall_seconds"] / 60
        add("whole quick suite (`./run_lstm.sh --no-serve`, venv made)", f"{fmt(minutes)} min", "—", "≤ 20 min",
            minutes <= TARGETS["suite_minutes"])
        gib = suite["peak_memory_mb"] / 1024
        add("peak memory of the suite", f"{fmt(gib, 2)} GiB", "—", "≤ 4 GiB", gib <= TARGETS["suite_peak_gib"])
        stages = ", ".join(f"{k} {fmt(v / 60)} min" for k, v in suite["stage_seconds"].items())
        rows.append(f"| stages | {stages} | | | |")
        if suite.get("experiment_seconds"):
            each = ", ".join(f"{k} {fmt(v / 60)}" for k, v in suite["experiment_seconds"].items())
            rows.append(f"| minutes per experiment | {each} | | | |")
        # a dedicated --series measurement, when there is one, stands for this target
        if not record.get("series_measured_separately"):
            add("all series experiments together", f"{fmt(suite['series_seconds'] / 60)} min", "—", "≤ 5 min",
                suite["series_seconds"] / 60 <= TARGETS["series_minutes"])
    thr = record.get("throughput")
    if thr:
        g = thr["generator_seq_per_s"]
        add("Moving MNIST generator (20 frames, 64², 2 digits, one core)", f"{g:.0f} seq/s", "—", "≥ 2000 seq/s",
            g >= TARGETS["generator_seq_per_s"])
        ev = thr["standard_eval"]
        add(f"evaluate {ev['sequences']} standard-layout sequences (memory-mapped)",
            f"{fmt(ev['seconds'])} s, RSS +{fmt(ev['rss_growth_mb'] / 1024, 2)} GiB", "—", "RSS growth ≤ 1.5 GiB",
            ev["rss_growth_mb"] / 1024 <= TARGETS["eval_10k_rss_growth_gib"])
        for name, m in thr["models"].items():
            rows.append(f"| {name} (batch {m['batch_size']}, {m['parameters']:,} parameters) | train "
                        f"{fmt(m['train_seq_per_s'])} seq/s, inference {fmt(m['inference_seq_per_s'])} seq/s | | | |")
    q = record.get("quality")
    if q:
        p = q["mnist-predict"]
        add(f"mnist-predict MSE/frame ({p['test_set']['name']} test set, {p['test_set']['size']} seq; "
            f"{fmt(p['train_seconds'] / 60)} min training)", fmt(p["mse_per_frame"]),
            f"all-black {fmt(p['all_black'])}, copy-last {fmt(p['copy_last'])}", f"≤ {TARGETS['mnist_predict_mse']:g}",
            p["mse_per_frame"] <= TARGETS["mnist_predict_mse"])
        rows.append(f"| mnist-predict SSIM (data_range 1.0) | {fmt(p['ssim'], 3)} | | reported | |")
        if "mnist-reconstruct" in q:
            r = q["mnist-reconstruct"]["reconstruction"]
            bar = TARGETS["reconstruct_vs_mean_input"] * r["mean_input"]
            add(f"mnist-reconstruct MSE/frame ({fmt(q['mnist-reconstruct']['train_seconds'] / 60)} min training)",
                fmt(r["mse_per_frame"]), f"mean input frame {fmt(r['mean_input'])}",
                f"≤ {fmt(bar)} ({TARGETS['reconstruct_vs_mean_input']} × mean input)", r["mse_per_frame"] <= bar)
            add("mnist-reconstruct SSIM", fmt(r["ssim"], 3), f"mean input frame {fmt(r['mean_input_ssim'], 3)}",
                "above the mean input frame's", r["ssim"] > r["mean_input_ssim"])
        if "mnist-composite" in q:
            c = q["mnist-composite"]
            start = "warm-started from mnist-predict" if c["warm_start"] else "from scratch"
            limit = TARGETS["composite_vs_predict"] * p["mse_per_frame"]
            add(f"mnist-composite prediction MSE/frame ({start}, {fmt(c['train_seconds'] / 60)} min training)",
                fmt(c["prediction"]["mse_per_frame"]), f"mnist-predict {fmt(p['mse_per_frame'])}",
                f"≤ {fmt(limit)} ({TARGETS['composite_vs_predict']} × mnist-predict)",
                c["prediction"]["mse_per_frame"] <= limit)
            r = c["reconstruction"]
            bar = TARGETS["reconstruct_vs_mean_input"] * r["mean_input"]
            add("mnist-composite reconstruction MSE/frame", fmt(r["mse_per_frame"]),
                f"mean input frame {fmt(r['mean_input'])}; SSIM {fmt(r['ssim'], 3)} vs {fmt(r['mean_input_ssim'], 3)}",
                f"≤ {fmt(bar)} and SSIM above the mean input's",
                r["mse_per_frame"] <= bar and r["ssim"] > r["mean_input_ssim"])
        for name in ("milk-lookback", "airline-lookback"):
            s = q[name]
            if "corrected_ensemble_rmse" not in s:  # a record from before the ensemble headline
                continue
            best, ens, c = s["best_baseline"], s["corrected_ensemble_rmse"], s["corrected_rmse"]
            limit = TARGETS["corrected_vs_best_baseline"] * best["rmse"]
            shrunk = f", λ {fmt(s['shrinkage']['lambda'], 2)}" if s.get("shrinkage") else ""
            add(f"{name} corrected test RMSE, {s['seeds']}-seed ensemble{shrunk} (per seed {fmt(c['mean'], 2)} ± "
                f"{fmt(c['sd'], 2)})", fmt(ens, 2), f"best baseline: {best['name']} {fmt(best['rmse'], 2)}",
                f"≤ {fmt(limit, 2)} (the best baseline)", ens <= limit)
            f = s["faithful_rmse"]
            band = TARGETS["faithful_band"] * s["original"]
            add(f"{name} faithful test RMSE ({s['seeds']} seeds)", f"{fmt(f['mean'], 2)} ± {fmt(f['sd'], 2)}",
                f"original {s['original']}, persistence {fmt(s['faithful_persistence'], 2)}",
                f"{fmt(s['original'] - band, 2)} … {fmt(s['original'] + band, 2)}", abs(f["mean"] - s["original"]) <= band)
        u = q["usercount-seq2seq"]
        h = u["next_hours"]
        if "ensemble_mase" in u:
            add(f"usercount-seq2seq corrected test MASE, 5-seed ensemble (per seed {fmt(u['mase']['mean'], 3)} ± "
                f"{fmt(u['mase']['sd'], 3)}; faithful ensemble {fmt(u['faithful_ensemble_mase'], 3)})",
                fmt(u["ensemble_mase"], 3), f"24-h seasonal naive {fmt(u['snaive_mase'], 3)}",
                "≤ the seasonal naive", u["ensemble_mase"] <= u["snaive_mase"])
        rows.append(f"| usercount next-24-h forecast, {h['column']} at {h['time']} | {fmt(h['mean'], 0)} "
                    f"({fmt(h['low'], 0)}–{fmt(h['high'], 0)}, {h['interval']}) | | reported | |")
    series = record.get("series")
    if series:
        minutes = series["wall_seconds"] / 60
        add("all series experiments together (`frameforecast run <series…> --profile quick`)",
            f"{fmt(minutes)} min", "—", "≤ 5 min", minutes <= TARGETS["series_minutes"])
    c = record.get("compare")
    if c:
        add(f"ours vs keras-io next-frame ConvLSTM, {fmt(c['budget_seconds'] / 60)} min each (test MSE ratio)",
            fmt(c["ratio"], 3), f"ours {fmt(c['ours']['mse_per_frame'])}, theirs {fmt(c['keras-example']['mse_per_frame'])}",
            "≤ 0.7", c["ratio"] <= TARGETS["compare_ratio"])
    m = record.get("predict_memory")
    if m:
        growth = m["rss_growth_mb"] / 1024
        add(f"`frameforecast predict` on a {m['size']} MP4 of {m['frames']} frames ({fmt(m['clip_bytes_decoded'] / 2**30)} "
            f"GiB decoded), peak RSS growth", f"{fmt(growth, 2)} GiB ({fmt(m['seconds'])} s)", "—", "< 1 GiB",
            growth < TARGETS["predict_rss_growth_gib"])
    g = record.get("gpu_paper")
    if g:
        add(f"{g['experiment']} `{g['profile']}` profile on {g['device']}: {g['epochs']} epochs × {g['steps_per_epoch']} "
            f"steps, batch {g['batch_size']} ({g['sequences']:,} sequences), {fmt(g['train_seconds'] / 60)} min training; "
            f"{g['test_set']['name']} test set, {g['test_set']['size']} seq",
            f"MSE/frame {fmt(g['mse_per_frame'])}, SSIM {fmt(g['ssim'], 3)}",
            f"all-black {fmt(g['all_black'])}, copy-last {fmt(g['copy_last'])}", "recorded when a GPU is lent", True)
    return "\n".join(rows)


def update_readme(records: list[dict]) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"README.md has no {BEGIN} … {END} markers")
    blocks = []
    for r in records:
        blocks.append(f"Measured {r['date']} on {r['machine']}; profile `{r['profile']}`; "
                      f"`{r['command']}` → `{r['file']}`.\n\n{table(r)}")
    body = "\n\n".join(blocks)
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    new = text[:start] + "\n" + body + "\n" + text[end:]
    tmp = readme.with_suffix(".md.tmp")
    tmp.write_text(new)
    os.replace(tmp, readme)


def latest_records() -> list[dict]:
    """For each kind (suite, series, throughput, compare, quality) its newest record in runs/bench/, reduced to
    that kind, so a newer measurement replaces an older one in the README table."""
    chosen = {}
    for path in sorted((ROOT / "runs" / "bench").glob("*.json")):
        record = json.loads(path.read_text())
        if record.get("smoke"):
            continue
        for kind in ("suite", "series", "throughput", "compare", "quality", "predict_memory", "gpu_paper"):
            if kind in record:
                chosen[kind] = record
    merged: dict[str, dict] = {}
    for kind, record in chosen.items():
        entry = merged.setdefault(record["file"], {k: v for k, v in record.items() if k not in chosen})
        entry[kind] = record[kind]
    if "series" in chosen and "suite" in chosen:
        merged[chosen["suite"]["file"]]["series_measured_separately"] = True
    return sorted(merged.values(), key=lambda r: r["file"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", metavar="PROFILE", help="run the whole suite of this profile (quick)")
    parser.add_argument("--series", metavar="PROFILE", help="run only the series experiments of this profile")
    parser.add_argument("--throughput", action="store_true")
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--quality", action="store_true")
    parser.add_argument("--predict-memory", action="store_true", help="predict on a long full-HD clip: RSS growth")
    parser.add_argument("--gpu-run", metavar="DIR", help="record a paper run made on a GPU machine (its copied outputs)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (for the test suite); README untouched")
    parser.add_argument("--budget", type=float, default=480.0, help="--compare: seconds of training each")
    parser.add_argument("--test-size", type=int, default=1000, help="--compare: generated test sequences")
    parser.add_argument("--out", default=str(ROOT / "runs" / "bench"), help="folder for <date>.json")
    args = parser.parse_args()
    if not (args.suite or args.series or args.throughput or args.compare or args.quality or args.gpu_run
            or args.predict_memory):
        parser.error("choose at least one of --suite, --series, --throughput, --compare, --quality, --predict-memory, "
                     "--gpu-run")
    stamp = time.strftime("%Y-%m-%dT%H-%M-%S")
    record = {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "machine": machine(), "python": platform.python_version(),
              "profile": args.suite or ("smoke" if args.smoke else "quick"), "smoke": args.smoke,
              "command": "scripts/bench.py " + " ".join(sys.argv[1:])}
    if args.suite:
        record["suite"] = bench_suite(args.suite)
    if args.series:
        record["series"] = bench_series(args.series)
    if args.throughput:
        record["throughput"] = bench_throughput(args.smoke)
    if args.compare:
        record["compare"] = bench_compare(20.0 if args.smoke else args.budget, 8 if args.smoke else args.test_size)
    if args.quality:
        record["quality"] = bench_quality()
    if args.predict_memory:
        import bench_predict_memory

        record["predict_memory"] = bench_predict_memory.measure(30 if args.smoke else 300)
    if args.gpu_run:
        record["gpu_paper"] = bench_gpu_run(Path(args.gpu_run))
        record["machine"], record["profile"] = record["gpu_paper"]["device"], record["gpu_paper"]["profile"]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{stamp}.json"
    record["file"] = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=2))
    os.replace(tmp, path)
    print(table(record))
    print(f"\nwritten: {path}")
    if not args.smoke:
        update_readme(latest_records())
        print("README.md results table regenerated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
