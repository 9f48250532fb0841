"""The signal exercises: baselines a flat line cannot beat, the constant-output check, and the verdict."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frameforecast import cli
from frameforecast.datasets.signals import GENERATORS
from frameforecast.models.baselines import LinearWindowMap, ar_extrapolation
from frameforecast.report.series_view import signals_verdict
from frameforecast.stages.signals import CONSTANT_SPREAD, spread


def rmse(a, b):
    return float(np.sqrt(np.mean((a - b) ** 2)))


def test_the_per_window_ar_fit_is_exact_on_noise_free_exercises():
    for version in (1, 2):
        x, y = GENERATORS[version](50, np.random.default_rng(1))
        assert rmse(ar_extrapolation(x, y.shape[1]), y) < 1e-6, version


def test_the_linear_map_is_exact_on_exercise_1_and_beats_zero_on_exercise_2():
    x, y = GENERATORS[1](2000, np.random.default_rng(1))
    xt, yt = GENERATORS[1](100, np.random.default_rng(2))
    assert rmse(LinearWindowMap(x, y).predict(xt), yt) < 1e-6
    x, y = GENERATORS[2](5000, np.random.default_rng(1))
    xt, yt = GENERATORS[2](300, np.random.default_rng(2))
    assert rmse(LinearWindowMap(x, y).predict(xt), yt) < rmse(0 * yt, yt)


@settings(max_examples=25, deadline=None)
@given(st.floats(-5, 5), st.integers(2, 40))
def test_a_constant_forecast_is_flagged_whatever_its_value(value, windows):
    truth = np.random.default_rng(windows).normal(size=(windows, 7, 2))
    assert spread(np.full_like(truth, value), truth) < CONSTANT_SPREAD
    assert spread(truth, truth) == pytest.approx(1.0)


def test_a_constant_model_gets_no_green_mark_even_below_every_baseline():
    baselines = {"zero": {"rmse": 0.7, "mae": 0.6, "mase": 1.0}}
    flat = {"rmse": 0.5, "mae": 0.4, "mase": 0.8, "spread": 0.01}
    beats, note = signals_verdict(flat, baselines, CONSTANT_SPREAD)
    assert not beats and "constant output" in note
    beats, note = signals_verdict({**flat, "spread": 0.9}, baselines, CONSTANT_SPREAD)
    assert beats
    beats, note = signals_verdict({**flat, "spread": 0.9, "mae": 0.65, "mase": 1.1}, baselines, CONSTANT_SPREAD)
    assert not beats and "MAE 0.650 against zero's 0.600 (+0.050, 8.3% worse)" in note


def test_the_tuned_gru_predicts_the_signal_not_a_constant(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["signals-1", "--profile", "smoke", "--iterations", "200"]
    assert cli.main(["train", *args]) == 0
    assert cli.main(["evaluate", "signals-1", "--profile", "smoke"]) == 0
    import json

    metrics = json.loads((tmp_path / "runs/signals-1/metrics.json").read_text())
    tuned = metrics["modes"]["tuned"]
    assert tuned["spread"] >= CONSTANT_SPREAD
    assert tuned["rmse"] < metrics["baselines"]["zero"]["rmse"]
