"""A new model is one module plus one row of the experiments table, through the command line in a new process.

The test copies src/ into a temporary folder, adds one module (a toy video method, then a toy series network, each
with a setting of its own) and appends one row to the experiments table, and runs `frameforecast run … --profile
smoke --<its setting> N` there in a fresh interpreter. Nothing else in the copy changes: the option, the config,
the training, the evaluation and the page all come from the module and the row. docs/design.md, "Adding a model",
walks through the same steps."""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

TOY_VIDEO = '''"""A toy video method: every future frame from 3-D convolutions over the whole input clip."""

from dataclasses import dataclass

from frameforecast.config.classes import setting


@dataclass(frozen=True, kw_only=True)
class Settings:
    toy_setting: int = setting(1, help="hidden channels of the toy convolution", option=True)


def build(cfg, task):
    import keras
    from keras import layers

    frames = keras.Input((cfg.in_frames, cfg.canvas, cfg.canvas, 1), name="frames")
    hidden = layers.Conv3D(cfg.model.toy_setting, (1, 3, 3), padding="same", activation="relu", name="hidden")(frames)
    mixed = layers.Conv3D(cfg.out_frames, (cfg.in_frames, 3, 3), activation="sigmoid", name="mix")(
        layers.ZeroPadding3D(((0, 0), (1, 1), (1, 1)))(hidden)
    )
    return keras.Model(frames, layers.Permute((4, 2, 3, 1), name=task.outputs[0])(mixed), name="toy_video")
'''
TOY_VIDEO_ROW = """
_add(
    Experiment(
        "toy-video",
        "video",
        "Moving MNIST: a toy 3-D convolution",
        "a test",
        "10 frames in, 10 out, from one convolution over the clip.",
        {"task": "predict", "method": "frameforecast.methods.toy_video"},
        {"smoke": VIDEO_SMOKE},
    )
)
"""
TOY_GRU = '''"""A toy look-back network: stacked GRUs instead of the LSTM."""

from dataclasses import dataclass

from frameforecast.config.classes import setting

LABEL = "toy GRU"


@dataclass(frozen=True, kw_only=True)
class Settings:
    toy_depth: int = setting(1, help="stacked GRU layers", option=True)


def build(settings, look_back, features, units, zero_start=False):
    import keras
    from keras import layers

    x = inputs = keras.Input((look_back, features), name="window")
    for i in range(settings.toy_depth):
        x = layers.GRU(units, return_sequences=i < settings.toy_depth - 1, name=f"gru_{i}")(x)
    readout = layers.Dense(1, kernel_initializer="zeros" if zero_start else "glorot_uniform", name="next_value")
    return keras.Model(inputs, readout(x), name="toy_gru")
'''
TOY_GRU_ROW = """
_add(
    Experiment(
        "toy-gru-lookback",
        "lookback",
        "Monthly milk production: toy GRU look-back",
        "a test",
        "The look-back family's corrected protocol with stacked GRUs instead of the LSTM.",
        {"series": "milk", "method": "frameforecast.methods.toy_gru"},
        {"smoke": SERIES_SMOKE},
    )
)
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(SRC, root / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.keras"))
    (root / "work").mkdir()
    return root


def add_model(root: Path, module: str, text: str, row: str) -> None:
    (root / "src/frameforecast/methods" / f"{module}.py").write_text(text)
    with open(root / "src/frameforecast/config/experiments.py", "a") as table:
        table.write(row)


def frameforecast(root: Path, *args: str) -> str:
    """The copied project's command line, in a new interpreter that sees only the copy."""
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "frameforecast", *args], cwd=root / "work", env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def changed_files(root: Path) -> set[str]:
    """Files of the copy that differ from src/ or are new there."""
    out = set()
    for path in (root / "src").rglob("*.py"):
        original = SRC / path.relative_to(root / "src")
        if not original.exists() or not filecmp.cmp(path, original, shallow=False):
            out.add(str(path.relative_to(root / "src")))
    return out


def test_a_toy_video_method_is_one_module_and_one_row(project):
    add_model(project, "toy_video", TOY_VIDEO, TOY_VIDEO_ROW)
    assert "--toy-setting" in frameforecast(project, "train", "toy-video", "--help")
    frameforecast(project, "run", "toy-video", "--profile", "smoke", "--toy-setting", "3")

    run = project / "work/runs/toy-video--toy-setting-3"
    config = json.loads((run / "config.json").read_text())
    assert config["method"] == "frameforecast.methods.toy_video" and config["model"] == {"toy_setting": 3}
    summary = json.loads((run / "model_summary.json").read_text())
    hidden = next(layer for layer in summary["layers"] if layer["name"] == "hidden")
    assert hidden["shape"].endswith(", 3)"), hidden  # the setting reached the model: 3 channels
    metrics = json.loads((run / "metrics.json").read_text())
    assert "mse_per_frame" in metrics["results"]["prediction"]["model"]
    page = (project / "work/site/toy-video--toy-setting-3.html").read_text()
    assert "toy 3-D convolution" in page
    assert 'href="toy-video--toy-setting-3.html"' in (project / "work/site/index.html").read_text()
    assert changed_files(project) <= {"frameforecast/methods/toy_video.py", "frameforecast/config/experiments.py"}


def test_a_toy_series_network_is_one_module_and_one_row(project):
    add_model(project, "toy_gru", TOY_GRU, TOY_GRU_ROW)
    frameforecast(project, "run", "toy-gru-lookback", "--profile", "smoke", "--toy-depth", "2")

    run = project / "work/runs/toy-gru-lookback--toy-depth-2"
    assert json.loads((run / "config.json").read_text())["model"] == {"toy_depth": 2}
    summary = json.loads((run / "corrected/model_summary.json").read_text())
    assert [layer["name"] for layer in summary["layers"] if "GRU" in layer["type"]] == ["gru_0", "gru_1"]
    page = (project / "work/site/toy-gru-lookback--toy-depth-2.html").read_text()
    tables = re.findall(r"<table.*?</table>", page, flags=re.S)
    # the corrected mode's one-step, hold-out and backtest tables: the toy network beside the peers in each
    ours = [t for t in tables if "AutoARIMA" in t and "toy GRU (corrected" in t]
    assert len(ours) == 3, len(ours)
    assert "MAPE" in ours[1] and "over origins" in ours[2]
    assert changed_files(project) <= {
        "frameforecast/methods/toy_video.py",
        "frameforecast/methods/toy_gru.py",
        "frameforecast/config/experiments.py",
    }


@pytest.mark.parametrize("name", ["mnist-predict", "frame-forecast-original", "milk-lookback", "signals-1"])
def test_a_run_trained_before_models_declared_their_settings_is_read_as_now(tmp_path, name):
    """config.json of an older version (the model's settings at the top, signals' `cell`) still opens."""
    from frameforecast.config import experiments

    cfg = experiments.get(name).config("quick")
    old = cfg.as_json()
    old.update(old.pop("model", None) or {})
    old.pop("method", None)
    if name == "milk-lookback":
        old.update(network="frameforecast.models.series:build_lookback", network_label="LSTM")
    if name.startswith("signals"):
        for mode in cfg.modes:
            old[mode] = {("cell" if k == "rnn" else k): v for k, v in old[mode].items()}
    (tmp_path / "config.json").write_text(json.dumps(old))
    assert experiments.saved_config(tmp_path) == cfg


def test_a_run_of_an_experiment_the_table_no_longer_has_is_named_on_the_index_not_dropped():
    from frameforecast.report import summaries

    found = [c for c in summaries.cards({"gone": {"metrics": {"experiment": "gone-exp"}}}) if c["folder"] == "gone"]
    assert len(found) == 1 and "'gone-exp'" in found[0]["unknown"] and found[0]["run"] is None
