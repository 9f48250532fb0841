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
import functools
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench_quality import bench_gpu_run, bench_quality, bench_seed_run
from bench_table import latest_records, table, update_readme
from bench_throughput import bench_throughput

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(ROOT / "src"))


def machine() -> str:
    from frameforecast.host import machine as describe

    return describe()


# ---------------------------------------------------------------- suite
def run_child(args: list[str], watch=None) -> tuple[int, float, dict]:
    """`frameforecast ARGS` in a child process: exit status, wall seconds, and the run summary it wrote.
    `watch(started_at)`, if given, runs in a thread beside it."""
    start, started_at = time.monotonic(), time.time()
    child = subprocess.Popen([str(ROOT / ".venv/bin/frameforecast"), *args], cwd=ROOT)
    if watch is not None:
        threading.Thread(target=watch, args=(started_at, child), daemon=True).start()
    status = child.wait()
    wall = time.monotonic() - start
    return status, wall, json.loads((ROOT / "runs" / "run_summary.json").read_text())


class FirstResult:
    """Seconds from the suite's start until the live site first publishes a finished experiment's page."""

    def __init__(self):
        self.seconds: float | None = None
        self.page: str | None = None

    def __call__(self, started_at: float, child) -> None:
        site = ROOT / "site"
        while child.poll() is None and self.seconds is None:
            try:
                status = json.loads((site / "status.json").read_text())
            except (OSError, ValueError):
                status = {}
            if status.get("started_at", 0) >= started_at:  # this run's status, not an older run's
                for entry in status["experiments"].values():
                    if entry.get("state") == "done" and (site / entry["page"]).exists():
                        self.seconds, self.page = time.time() - started_at, entry["page"]
                        return
            time.sleep(0.2)


def bench_suite(profile: str) -> dict:
    """Run `frameforecast run --profile P` in a child process, as run_lstm.sh does (every experiment, from
    scratch); time it, its peak RSS, and how soon the first result page is on the site."""
    first = FirstResult()
    status, wall, summary = run_child(["run", "--profile", profile, "--restart"], watch=first)
    gif = ROOT / "runs" / "mnist-predict" / "prediction-0.gif"
    if gif.exists():  # the README's picture is this run's output
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copy2(gif, ROOT / "docs" / "mnist-predict.gif")
    stages = {"data": summary["data"]["seconds"], "site": summary["site"]["seconds"]}
    for stage in ("train", "evaluate", "render"):
        stages[stage] = sum(
            e["seconds"][stage]["seconds"] for e in summary["experiments"].values() if e["status"] == "ok"
        )
    series_seconds = sum(
        sum(s["seconds"] for s in e["seconds"].values())
        for n, e in summary["experiments"].items()
        if e["status"] == "ok" and not n.startswith(("mnist", "frame-forecast"))
    )
    video = {}
    for name in VIDEO:
        info = ROOT / "runs" / name / "train_info.json"
        if summary["experiments"].get(name, {}).get("status") == "ok" and info.exists():
            video[name] = json.loads(info.read_text())["seconds"]
    return {
        "profile": profile,
        "exit_status": status,
        "video_training_seconds": video,
        "wall_seconds": wall,
        "peak_memory_mb": summary["peak_memory_mb"],
        "stage_seconds": stages,
        "stage_peak_memory_mb": {
            "data": summary["data"]["peak_memory_mb"],
            "site": summary["site"]["peak_memory_mb"],
            **{
                f"{n}/{s}": v["peak_memory_mb"]
                for n, e in summary["experiments"].items()
                if e["status"] == "ok"
                for s, v in e["seconds"].items()
            },
        },
        "series_seconds": series_seconds,
        "first_result_seconds": first.seconds,
        "first_result_page": first.page,
        "experiments": {n: e["status"] for n, e in summary["experiments"].items()},
        "experiment_seconds": {
            n: sum(s["seconds"] for s in e["seconds"].values())
            for n, e in summary["experiments"].items()
            if e["status"] == "ok"
        },
    }


VIDEO = ["mnist-reconstruct", "mnist-predict", "mnist-composite"]
SERIES = ["milk-lookback", "airline-lookback", "usercount-seq2seq", "signals-1", "signals-2", "signals-3"]


def bench_learning_on(
    minutes: float, smoke: bool, round_minutes: float | None = None, names: tuple[str, ...] = ("mnist-predict",)
) -> dict:
    """`frameforecast improve NAME --minutes M` on this checkout's trained run of each video experiment (trained
    first with `run NAME` when there is none), one after the other: its learning curve, every point as the run
    evaluated it, and the baselines of its headline output."""
    profile = "smoke" if smoke else "quick"
    out = {"minutes_asked": minutes, "round_minutes": round_minutes, "profile": profile, "experiments": {}}
    for name in names:
        folder = ROOT / "runs" / name
        config = folder / "config.json"
        if not (folder / "model.keras").exists() or json.loads(config.read_text()).get("profile") != profile:
            subprocess.run(
                [str(ROOT / ".venv/bin/frameforecast"), "run", name, "--profile", profile], cwd=ROOT, check=True
            )
        start = time.monotonic()
        subprocess.run(
            [str(ROOT / ".venv/bin/frameforecast"), "improve", name, "--profile", profile, "--minutes", str(minutes)]
            + (["--round-minutes", str(round_minutes)] if round_minutes else []),
            cwd=ROOT,
            check=True,
        )
        learned = json.loads((folder / "learning.json").read_text())
        metrics = json.loads((folder / "metrics.json").read_text())
        head = metrics["results"][metrics["headline_output"]]
        out["experiments"][name] = {
            "wall_seconds": time.monotonic() - start,
            "headline_output": metrics["headline_output"],
            "points": learned["points"],
            "baselines": {
                baseline: {k: head[baseline][k] for k in ("mse_per_frame", "ssim")}
                for baseline in ("all-black frame", "mean input frame")
                if baseline in head
            },
            "test_set": metrics["test_set"],
        }
    return out


def bench_series(profile: str) -> dict:
    """Only the series experiments of a profile, in one child process, timed from outside."""
    status, wall, summary = run_child(["run", *SERIES, "--profile", profile])
    video = {}
    for name in VIDEO:
        info = ROOT / "runs" / name / "train_info.json"
        if summary["experiments"].get(name, {}).get("status") == "ok" and info.exists():
            video[name] = json.loads(info.read_text())["seconds"]
    return {
        "profile": profile,
        "exit_status": status,
        "video_training_seconds": video,
        "wall_seconds": wall,
        "peak_memory_mb": summary["peak_memory_mb"],
    }


# ---------------------------------------------------------------- compare
def bench_compare(budget: float, test_size: int, filters: int | None = None) -> dict:
    """Ours (mnist-predict) vs the keras-io next-frame ConvLSTM, each trained for `budget` seconds on the same stream
    (`filters`: both models that narrow, for the test suite's smoke run)."""
    import budget_training
    import keras
    import keras_example  # scripts/: the bench's reference, not a product model

    from frameforecast import video_tasks
    from frameforecast.config import experiments
    from frameforecast.datasets import moving_mnist as mm
    from frameforecast.training import make_optimizer, seed_everything

    cfg = experiments.get("mnist-predict").config("quick", {"model.filters": filters} if filters else None)
    test = mm.generated_test_set(test_size, cfg.digits)
    results = {}
    for name in ("ours", "keras-example"):
        keras.backend.clear_session()
        seed_everything(0)
        if name == "ours":  # its quick profile's schedule, stretched or shrunk to the budget
            model = video_tasks.build(cfg)
            schedule = int(budget / 480 * cfg.epochs * cfg.steps_per_epoch)
            run = budget_training.train_for(
                model,
                cfg,
                optimizer=make_optimizer("adam", cfg.learning_rate, "cosine", schedule),
                loss=cfg.loss,
                steps=5000,
                budget=budget,
            )
            predict = budget_training.forecast(model)
        else:  # as published: next-frame over 19 frames, then rolled out feeding its predictions back
            model = keras_example.build_keras_example(64, filters or 64)
            run = budget_training.train_for(
                model,
                cfg,
                optimizer=keras.optimizers.Adam(1e-3),
                loss="binary_crossentropy",
                steps=5000,
                budget=budget,
                to_example=lambda v: (v[:, :19, ..., None] / 255.0, v[:, 1:, ..., None] / 255.0),
                spec=((19, 64, 64, 1), (19, 64, 64, 1)),
            )
            stepper = keras_example.keras_example_stepper(model)
            predict = functools.partial(keras_example.keras_example_rollout, stepper, steps=10)
        r = budget_training.score(predict, test)
        results[name] = {
            "mse_per_frame": r["mse_per_frame"],
            "ssim": r["ssim"],
            "parameters": model.count_params(),
            **run,
        }
    results["ratio"] = results["ours"]["mse_per_frame"] / results["keras-example"]["mse_per_frame"]
    results["budget_seconds"] = budget
    results["test_set"] = test.describe()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", metavar="PROFILE", help="run the whole suite of this profile (quick)")
    parser.add_argument("--series", metavar="PROFILE", help="run only the series experiments of this profile")
    parser.add_argument("--throughput", action="store_true")
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--quality", action="store_true")
    parser.add_argument("--predict-memory", action="store_true", help="predict on a long full-HD clip: RSS growth")
    parser.add_argument(
        "--gpu-run", metavar="DIR", help="record a paper run made on a GPU machine (its copied outputs)"
    )
    parser.add_argument(
        "--seed-run", metavar="DIR", help="record a video run trained with another seed (its run folder)"
    )
    parser.add_argument(
        "--learning-on", type=float, metavar="MINUTES", help="learn video models on this long: their learning curves"
    )
    parser.add_argument(
        "--learning-on-experiments",
        nargs="+",
        choices=VIDEO,
        default=["mnist-predict"],
        metavar="NAME",
        help="--learning-on: the video experiments, one after the other (default: mnist-predict)",
    )
    parser.add_argument(
        "--round-minutes",
        type=float,
        metavar="M",
        help="--learning-on: minutes a round trains (default: the profile's)",
    )
    parser.add_argument(
        "--panels", metavar="SET", action="append", help="the competitions' benchmarks on a whole set (m3-monthly, …)"
    )
    parser.add_argument("--panel-series", type=int, metavar="N", help="--panels: a seeded sample of N series")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (for the test suite); README untouched")
    parser.add_argument("--budget", type=float, default=480.0, help="--compare: seconds of training each")
    parser.add_argument("--test-size", type=int, default=1000, help="--compare: generated test sequences")
    parser.add_argument("--out", default=str(ROOT / "runs" / "bench"), help="folder for <date>.json")
    args = parser.parse_args()
    if not (
        args.suite
        or args.series
        or args.throughput
        or args.compare
        or args.quality
        or args.gpu_run
        or args.predict_memory
        or args.learning_on
        or args.panels
        or args.seed_run
    ):
        parser.error(
            "choose at least one of --suite, --series, --throughput, --compare, --quality, --predict-memory, "
            "--gpu-run, --learning-on, --panels, --seed-run"
        )
    stamp = time.strftime("%Y-%m-%dT%H-%M-%S")
    record = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "python": platform.python_version(),
        # only a suite record carries a top-level "profile": a record of parts (quality, learning on, …) is not
        # a measured suite, and a reader looking for the newest quick suite must not take it for one
        ("profile" if args.suite else "parts_profile"): args.suite or ("smoke" if args.smoke else "quick"),
        "smoke": args.smoke,
        "command": "scripts/bench.py " + " ".join(sys.argv[1:]),
    }
    if args.suite:
        record["suite"] = bench_suite(args.suite)
    if args.series:
        record["series"] = bench_series(args.series)
    if args.throughput:
        record["throughput"] = bench_throughput(args.smoke)
    if args.compare:
        record["compare"] = bench_compare(
            5.0 if args.smoke else args.budget, 8 if args.smoke else args.test_size, filters=8 if args.smoke else None
        )
    if args.quality:
        record["quality"] = bench_quality()
    if args.predict_memory:
        import bench_predict_memory

        record["predict_memory"] = bench_predict_memory.measure(30 if args.smoke else 300)
    if args.learning_on:
        record["learning_on"] = bench_learning_on(
            args.learning_on, args.smoke, args.round_minutes, tuple(args.learning_on_experiments)
        )
    if args.panels:
        import bench_panels

        series = 12 if args.smoke else args.panel_series
        scratch = Path(args.out) if args.smoke else None  # the smoke bench's runs stay out of runs/
        record["panels"] = [bench_panels.measure(name, series, args.smoke, scratch) for name in args.panels]
    if args.seed_run:
        record["seed_run"] = bench_seed_run(Path(args.seed_run))
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
