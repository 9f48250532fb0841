"""Every training option of every experiment does what its help says, seen in what training leaves behind.

One smoke training per experiment sets each option it offers to a value that is not the profile's, then each
option is checked in the artefacts: the optimizer's learning rate and step count in the saved model, the epochs
and batch size in train_info.json and history.csv, the layer sizes and input shape in model_summary.json.
Options an experiment does not offer are refused (tests/test_bad_input.py).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from conftest import working_directory, write_monthly_csv, write_price_csv

from frameforecast import cli
from frameforecast.callbacks import cosine_decay
from frameforecast.config import experiments, options
from frameforecast.stages.series_common import load_seeds
from frameforecast.training import load_model

LR = 0.0123


class Run:
    """A trained folder and what can be read from it."""

    def __init__(self, folder: Path):
        self.folder = folder

    def json(self, name: str) -> dict:
        return json.loads((self.folder / name).read_text())

    def layers(self, where: str = "") -> list[dict]:
        return self.json(f"{where}model_summary.json")["layers"]

    def optimizer(self, where: str = ""):
        return load_model(self.folder / where / "model.keras", with_optimizer=True).optimizer

    def learning_rate(self, where: str = "") -> float:
        rate = self.optimizer(where).get_config()["learning_rate"]
        return rate["config"]["initial_learning_rate"] if isinstance(rate, dict) else rate

    def steps(self, where: str = "") -> int:
        return int(self.optimizer(where).iterations.numpy())

    def history_rows(self, where: str = "") -> int:
        return len((self.folder / where / "history.csv").read_text().strip().splitlines()) - 1


def train(root: Path, name: str, *args: str, folder: str) -> Run:
    with working_directory(root):
        assert cli.main(["train", name, "--profile", "smoke", "--run-dir", folder, *args]) == 0
    return Run(root / folder)


def sizes(layers, key) -> set:
    return {str(layer[key]) for layer in layers if key in layer}


# ---------------------------------------------------------------- video
VIDEO_MAIN = [
    "--epochs",
    "3",
    "--steps-per-epoch",
    "2",
    "--batch-size",
    "3",
    "--learning-rate",
    str(LR),
    "--time-budget",
    "600",
    "--seed",
    "7",
    "--filters",
    "6",
    "--kernel",
    "5",
    "--patch",
    "4",
    "--kernel-grid",
    "2",
    "--mixed-precision",
    "--canvas",
    "40",
    "--in-frames",
    "6",
    "--out-frames",
    "4",
]
CHECKED_ELSEWHERE = {"forecaster", "head", "cell", "time_budget"}  # the two extra runs below


def clips_folder(root: Path) -> Path:
    from test_own_video import moving_square, write_mp4

    folder = root / "clips"
    if not folder.exists():
        folder.mkdir()
        for i in range(4):
            write_mp4(folder / f"c{i}.mp4", moving_square(24, seed=i))
    return folder


def video_args(name: str, root: Path, args: list[str]) -> list[str]:
    offered = options.training_options(experiments.get(name))
    out, i = [], 0
    while i < len(args):
        option = args[i][2:].replace("-", "_")
        takes_value = option != "mixed_precision"
        if option in offered:
            out += args[i : i + 1 + takes_value]
        i += 1 + takes_value
    if name == "video":
        out += ["--data", str(clips_folder(root))]
    elif "digits" in offered:
        out += ["--digits", "bundled"]
    return out


def saved_rate_factor(run) -> float:
    """What a video run's saved optimizer holds of the rate it was given: all of it, or under a cosine with a
    time budget (CosineOverBudget) the cosine's factor at the last batch."""
    config = run.json("config.json")
    if config["lr_schedule"] != "cosine" or not config["time_budget"]:
        return 1.0
    return cosine_decay((run.steps() - 1) / run.steps())


@pytest.mark.parametrize("name", [n for n, e in experiments.EXPERIMENTS.items() if e.family == "video"])
def test_video_training_options(tmp_path, name):
    offered = set(options.training_options(experiments.get(name)))
    run = train(tmp_path, name, *video_args(name, tmp_path, VIDEO_MAIN), folder="main")
    info, summary, layers = run.json("train_info.json"), run.json("model_summary.json"), run.layers()
    checks = {
        "epochs": lambda: info["epochs_run"] == 3 and info["stopped_by"] == "epochs",
        "steps_per_epoch": lambda: run.steps() == 3 * 2,
        "batch_size": lambda: info["global_batch_size"] == 3,
        # a cosine under a time budget is set before each batch: the saved rate is LR decayed to the last one
        "learning_rate": lambda: math.isclose(run.learning_rate(), LR * saved_rate_factor(run), rel_tol=0.05),
        "seed": lambda: info["seed"] == 7,
        "filters": lambda: "6" in sizes(layers, "filters"),
        "kernel": lambda: "(5, 5)" in sizes(layers, "kernel_size") or "[5, 5]" in sizes(layers, "kernel_size"),
        "patch": lambda: sizes([la for la in layers if la["type"] == "SpaceToDepth"], "block") == {"4"},
        "kernel_grid": lambda: sizes(layers, "upsample") == {"2"},
        "digits": lambda: info["digits"].startswith("bundled"),
        "mixed_precision": lambda: summary["dtype_policy"] == "mixed_bfloat16",
        "canvas": lambda: ", 40, 40, 1)" in summary["inputs"][0],
        "in_frames": lambda: summary["inputs"][0].startswith("(None, 6,"),
        "out_frames": lambda: any(
            layer["name"] == "prediction" and "(None, 4, 40, 40, 1)" in layer["shape"] for layer in layers
        ),
    }
    if experiments.get(name).config("smoke").task == "original":
        checks["steps_per_epoch"] = None  # not offered: the original trains on a fixed set
        checks["out_frames"] = None
    for option in offered - CHECKED_ELSEWHERE:
        assert checks[option](), f"{name}: {option} did not change the run"
    if "forecaster" in offered:  # next-frame by default; the encoder-decoder with drawn frames, then a fc cell
        assert any(layer["name"] == "predictor_lstm" for layer in layers)
        drawn = train(
            tmp_path,
            name,
            "--forecaster",
            "encoder-decoder",
            "--head",
            "generative",
            *video_args(name, tmp_path, []),
            folder="drawn",
        )
        assert not any(layer["name"] == "predictor_lstm" for layer in drawn.layers())
        assert "DynamicLocalFilter" not in {layer["type"] for layer in drawn.layers() if "prediction" in layer["name"]}
    fc_args = ["--forecaster", "encoder-decoder"] if "forecaster" in offered else []
    if "cell" in offered:
        fc = train(
            tmp_path,
            name,
            *fc_args,
            "--cell",
            "fc",
            "--time-budget",
            "0.01",
            *video_args(name, tmp_path, []),
            folder="fc",
        )
        assert "LSTM" in {layer["type"] for layer in fc.layers()} and "ConvLSTM2D" not in {
            layer["type"] for layer in fc.layers()
        }
        budget = fc.json("train_info.json")
    else:
        budget = train(tmp_path, name, "--time-budget", "0.01", *video_args(name, tmp_path, []), folder="budget").json(
            "train_info.json"
        )
    assert budget["stopped_by"] == "time-budget" and budget["epochs_run"] == 1


# ---------------------------------------------------------------- series
def series_data(name: str, root: Path) -> list[str]:
    if name == "lookback":
        return ["--csv", str(write_monthly_csv(root / "shop.csv")), "--column", "sales", "--time-column", "month"]
    if name == "signals-4":
        return ["--csv", str(write_price_csv(root / "prices.csv")), "--columns", "usd,eur", "--time-column", "date"]
    return []


@pytest.mark.parametrize("name", [n for n, e in experiments.EXPERIMENTS.items() if e.family in ("lookback", "seq2seq")])
def test_series_training_options(tmp_path, name):
    exp = experiments.get(name)
    args = [
        "--epochs",
        "3",
        "--batch-size",
        "5",
        "--learning-rate",
        str(LR),
        "--units",
        "5",
        "--seed",
        "3",
        "--seeds",
        "3",
    ]
    if "look_back" in options.training_options(exp):
        args += ["--look-back", "4"]
    if "split" in options.training_options(exp):
        args += ["--split", "shuffled"]
    if "anchor" in options.training_options(exp):  # the default anchor (a peer) adds its errors as a second input
        args += ["--anchor", "seasonal-naive"]
    if "direct_head" in options.training_options(exp):  # it acts when evaluating: test_site reads its rows
        args += ["--direct-head"]
    run = train(tmp_path, name, *args, *series_data(name, tmp_path), folder="run")
    modes = run.json("train_info.json")["modes"]
    summary = run.json("corrected/model_summary.json")  # one seed's network: the seeds train as one model
    layers = summary["layers"]
    checks = {
        "epochs": lambda: run.history_rows("corrected/") == 3,
        "batch_size": lambda: run.steps("corrected/") == 3 * math.ceil(modes["corrected"]["train_windows"] / 5),
        "learning_rate": lambda: math.isclose(run.learning_rate("corrected/"), LR, rel_tol=1e-6),
        "units": lambda: "5" in sizes(layers, "units"),
        "seed": lambda: run.json("config.json")["seed"] == 3,
        "seeds": lambda: summary["members"] == 3 and len(load_seeds(run.folder / "corrected")) == 3,
        "look_back": lambda: summary["inputs"][0].startswith("(None, 4,"),
        "split": lambda: run.json("config.json")["faithful_split"] == "shuffled",
        "direct_head": lambda: run.json("config.json")["direct_head"] is True,
        "anchor": lambda: (
            modes["corrected"]["settings"]["anchor"] == "seasonal-naive" and summary["inputs"][0].endswith(", 1)")
        ),
    }
    for option in options.training_options(exp):
        assert checks[option](), f"{name}: {option} did not change the run"
    if "faithful" in modes:  # the faithful mode keeps the original's settings
        assert modes["faithful"]["settings"]["learning_rate"] != LR


@pytest.mark.parametrize("name", [n for n, e in experiments.EXPERIMENTS.items() if e.family == "signals"])
def test_signals_training_options(tmp_path, name):
    run = train(
        tmp_path,
        name,
        "--iterations",
        "20",
        "--batch-size",
        "7",
        "--learning-rate",
        str(LR),
        "--units",
        "5",
        "--seed",
        "3",
        *series_data(name, tmp_path),
        folder="run",
    )
    tuned = run.json("train_info.json")["modes"]["tuned"]
    checks = {
        "iterations": lambda: run.steps("tuned") == 20,
        "batch_size": lambda: tuned["global_batch_size"] == 7,
        "learning_rate": lambda: math.isclose(run.learning_rate("tuned"), LR, rel_tol=1e-6),
        "units": lambda: "5" in sizes(run.layers("tuned/"), "units"),
        "seed": lambda: run.json("train_info.json")["config"]["seed"] == 3,
    }
    faithful = run.json("train_info.json")["modes"]["faithful"]["settings"]
    assert faithful["learning_rate"] != LR and faithful["units"] == 12  # the original's settings stay
    for option in options.training_options(experiments.get(name)):
        assert checks[option](), f"{name}: {option} did not change the run"
