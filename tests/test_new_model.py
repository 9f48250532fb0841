"""A new model is one module plus one row of the experiments table: a toy GRU look-back forecaster and a toy
video method, both defined in this test module, go through train, evaluate, render and the site without any
change to a file in src/."""

from __future__ import annotations

import json
from pathlib import Path

import keras
import pytest
from conftest import working_directory
from keras import layers

from frameforecast import pipeline, video_tasks
from frameforecast.config import experiments
from frameforecast.config.experiments import Experiment
from frameforecast.config.values import SERIES_SMOKE, VIDEO_SMOKE


def build_toy_gru(look_back: int, features: int, units: int, zero_start: bool = False) -> keras.Model:
    """A GRU look-back network with the look-back family's builder signature."""
    inputs = keras.Input((look_back, features), name="window")
    readout = layers.Dense(1, kernel_initializer="zeros" if zero_start else "glorot_uniform", name="next_value")
    return keras.Model(inputs, readout(layers.GRU(units, name="gru")(inputs)), name="toy_gru")


def build_toy_video(cfg) -> keras.Model:
    """Every future frame from one 3-D convolution over the whole input clip (no recurrence at all)."""
    frames = keras.Input((cfg.in_frames, cfg.canvas, cfg.canvas, 1), name="frames")
    x = layers.Conv3D(cfg.out_frames, (cfg.in_frames, 3, 3), padding="valid", activation="sigmoid", name="mix")(
        layers.ZeroPadding3D(((0, 0), (1, 1), (1, 1)))(frames)
    )
    return keras.Model(frames, layers.Permute((4, 2, 3, 1), name="prediction")(x), name="toy_video")


TOY_GRU = Experiment(
    "toy-gru-lookback",
    "lookback",
    "Monthly milk production: toy GRU look-back",
    "this test",
    "The look-back family's corrected protocol with a GRU instead of the LSTM.",
    {"series": "milk", "network": f"{__name__}:build_toy_gru", "network_label": "toy GRU"},
    {"smoke": SERIES_SMOKE},
)
TOY_VIDEO = Experiment(
    "toy-video",
    "video",
    "Moving MNIST: a toy 3-D convolution",
    "this test",
    "10 frames in, 10 out, from one convolution over the clip.",
    {"task": "toy-convolution"},
    {"smoke": VIDEO_SMOKE},
)


@pytest.fixture
def registered(monkeypatch, tmp_path):
    for exp in (TOY_GRU, TOY_VIDEO):
        monkeypatch.setitem(experiments.EXPERIMENTS, exp.name, exp)
    task = video_tasks.VideoTask("toy-convolution", f"{__name__}:build_toy_video", ("prediction",), forecasts=True)
    monkeypatch.setitem(video_tasks.TASKS, task.name, task)
    with working_directory(tmp_path):
        yield tmp_path


def test_a_toy_forecaster_and_a_toy_video_method_run_through_train_evaluate_render_and_the_site(registered):
    from frameforecast.report import site

    for name in (TOY_GRU.name, TOY_VIDEO.name):
        exp, cfg, folder = pipeline.resolve(name, "smoke")
        pipeline.run_experiment(exp, cfg, folder, log=lambda *_: None)
    site.build(Path("runs"), Path("site"))

    gru = json.loads(Path("runs/toy-gru-lookback/corrected/model_summary.json").read_text())
    assert any("GRU" in layer["type"] for layer in gru["layers"]), gru["layers"]
    page = Path("site/toy-gru-lookback.html").read_text()
    assert "toy GRU (corrected" in page and "AutoARIMA" in page

    metrics = json.loads(Path("runs/toy-video/metrics.json").read_text())
    assert metrics["task"] == "toy-convolution" and "mse_per_frame" in metrics["results"]["prediction"]["model"]
    assert "toy-video.html" in {p.name for p in Path("site").iterdir()}
    assert 'href="toy-video.html"' in Path("site/index.html").read_text()
