"""Every series forecaster keeps one contract: fit on a training part, then forecasts of shape (len(origins),
horizon), finite, each row from the points before its origin alone, and reading them (not a constant)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frameforecast.config import experiments
from frameforecast.datasets import series
from frameforecast.forecasters import statistical
from frameforecast.forecasters.base import Refused, forecast_all

SEASON = 12


def seasonal_series(n: int = 96) -> np.ndarray:
    t = np.arange(n, dtype=float)
    return 100 + 0.5 * t + 10 * np.sin(2 * np.pi * t / SEASON) + np.random.default_rng(0).normal(0, 1, n)


def check_contract(make, y: np.ndarray, fit_end: int, origins: np.ndarray, horizon: int) -> None:
    """make(y) → an unfitted forecaster over the series y."""
    forecast = make(y).fit(y[:fit_end]).predict(y, origins, horizon)
    assert forecast.shape == (len(origins), horizon) and np.isfinite(forecast).all()
    k = len(origins) // 2
    changed = y.copy()
    changed[origins[k] :] += 3 * np.abs(y).max()
    again = make(changed).fit(changed[:fit_end]).predict(changed, origins, horizon)
    assert np.allclose(forecast[: k + 1], again[: k + 1]), "a forecast read a point at or after its origin"
    assert not np.allclose(forecast[k + 1 :], again[k + 1 :]), "the forecasts ignore the history before them"


@pytest.mark.parametrize("name", [f.name for f in statistical.alternatives(SEASON)])
def test_every_baseline_and_peer_keeps_the_contract(name):
    kind = next(f for f in statistical.alternatives(SEASON) if f.name == name)
    check_contract(lambda y: type(kind)(name, SEASON), seasonal_series(), 60, np.arange(60, 90), 6)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**16), st.integers(50, 80), st.integers(1, 8), st.floats(-1e3, 1e3).filter(bool))
def test_no_forecaster_reads_a_point_at_or_after_its_origin(seed, origin, horizon, shift):
    """Any series, origin and horizon: changing y[origin:] leaves every forecast from origins ≤ origin as it was."""
    rng = np.random.default_rng(seed)
    y = seasonal_series() + np.cumsum(rng.normal(0, 2, 96))
    changed = y.copy()
    changed[origin:] += shift
    origins = np.arange(48, 96 - horizon + 1)
    before = origins <= origin
    a, _ = forecast_all(statistical.alternatives(SEASON), y, 48, origins, horizon)
    b, _ = forecast_all(statistical.alternatives(SEASON), changed, 48, origins, horizon)
    assert set(a) == set(b) == set(statistical.BASELINES) | {"AutoARIMA", "AutoETS", "AutoTheta"}
    for name in a:
        assert np.allclose(a[name][before], b[name][before]), name


def test_a_forecaster_that_cannot_fit_is_listed_with_its_reason_and_the_others_still_forecast():
    y = seasonal_series(30)  # Holt-Winters needs two seasons of training data
    forecasts, refused = forecast_all(statistical.alternatives(SEASON), y, 20, [20, 21], 3)
    assert refused["Holt-Winters"] == "the training part has 20 points; it needs 25 with season 12"
    assert {"persistence", "seasonal naive", "AutoARIMA"} <= set(forecasts)
    with pytest.raises(Refused):
        statistical.Baseline("Holt-Winters", SEASON).fit(y[:20])


def test_without_a_season_only_the_non_seasonal_baselines_and_the_peers_are_alternatives():
    names = [f.name for f in statistical.alternatives(1)]
    assert names == ["persistence", "drift", "AutoARIMA", "AutoETS", "AutoTheta"]


@pytest.mark.parametrize("anchor", ["seasonal-naive", "AutoARIMA"])
def test_the_corrected_look_back_ensemble_keeps_the_contract(anchor):
    import keras

    from frameforecast.models.series import build_lookback
    from frameforecast.stages import lookback_data
    from frameforecast.stages.series_future import LookbackEnsemble

    cfg = experiments.get("milk-lookback").config("smoke")
    mode = replace(lookback_data.modes(cfg)["corrected"], anchor=anchor)
    milk = series.load_builtin("milk").column()
    data = lookback_data.corrected_data(milk, cfg, mode, SEASON)
    keras.utils.set_random_seed(0)
    models = [build_lookback(mode.look_back, data["features"], 4) for _ in range(2)]

    def make(y):
        return LookbackEnsemble(models, lookback_data.corrected_data(y, cfg, mode, SEASON), mode.look_back, SEASON, 1.0)

    train_end = data["train_end"]
    check_contract(make, milk, train_end, np.arange(train_end, len(milk) - 6), 6)


def test_the_seq2seq_ensemble_keeps_the_contract():
    import keras

    from frameforecast.models.series import build_seq2seq_attention
    from frameforecast.stages.seq2seq import Seq2seqEnsemble
    from frameforecast.stages.seq2seq_data import Windows, prepare

    cfg = experiments.get("usercount-seq2seq").config("smoke")
    d = prepare(cfg, "corrected", log=lambda *_: None)
    keras.utils.set_random_seed(0)
    model = build_seq2seq_attention(cfg.n_in, cfg.n_out, d["values"].shape[1], 4, 0.0)
    target, split = d["target"], d["split"]

    def make(y):
        values = d["values"].copy()
        values[:, target] = y
        windows = Windows(values, split, cfg.n_in, cfg.n_out, d["season"], corrected=True)
        return Seq2seqEnsemble([model], windows, values, target, 1.0)

    y = d["values"][:, target].astype(float)
    check_contract(make, y, split, np.arange(split, len(y) - cfg.horizon_hours), cfg.horizon_hours)


def test_the_global_lstm_keeps_the_contract(tmp_path):
    from frameforecast.config.values import PANEL
    from frameforecast.forecasters.global_lstm import GlobalLSTM, Settings

    settings = Settings(**{**PANEL["model"], "units": 4, "epochs": 2, "seeds": 2, "batch_size": 16, "window": 24})
    check_contract(
        lambda y: GlobalLSTM(settings, SEASON, 6, tmp_path / "fit"), seasonal_series(), 60, np.arange(60, 90), 6
    )


def test_the_direct_head_keeps_the_contract(tmp_path):
    """The single series' direct head (the global LSTM shrunk toward the peers' mean), as --direct-head runs it."""
    from frameforecast.config.values import LOOKBACK
    from frameforecast.forecasters.direct import DirectHead
    from frameforecast.forecasters.global_lstm import Settings

    settings = Settings(**{**LOOKBACK["direct"], "units": 4, "epochs": 2, "seeds": 2})
    check_contract(
        lambda y: DirectHead(settings, SEASON, tmp_path / "fit"), seasonal_series(), 60, np.arange(60, 90), 6
    )


def test_the_direct_head_is_shrunk_toward_the_peers_mean_by_a_lambda_in_the_unit_interval(tmp_path):
    from frameforecast.config.values import LOOKBACK
    from frameforecast.forecasters.direct import DirectHead, combination
    from frameforecast.forecasters.global_lstm import Settings

    y = seasonal_series()
    settings = Settings(**{**LOOKBACK["direct"], "units": 4, "epochs": 2, "seeds": 2})
    head = DirectHead(settings, SEASON, tmp_path / "fit").fit(y[:60])
    forecast = head.predict(y, [60, 70], 6)
    (weight,) = head.lambdas.values()
    assert list(head.lambdas) == ["6@60"] and 0 <= weight <= 1
    anchor = combination(y, 60, [60, 70], 6, SEASON)
    model, _ = head._model(6)
    assert np.allclose(forecast, anchor + weight * (model.predict(y, [60, 70], 6) - anchor))
