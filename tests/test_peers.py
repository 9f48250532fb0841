"""The statistical peers: statsforecast's own numbers on the same points, and no look-ahead."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frameforecast import metrics
from frameforecast.datasets import series as series_data
from frameforecast.forecasters import peers
from frameforecast.forecasters.statistical import Peer


def _one_step(y: np.ndarray, first: int, name: str) -> np.ndarray:
    return Peer(name, 12).fit(y[:first]).predict(y, np.arange(first, len(y)), 1)[:, 0]


def _series(name: str) -> np.ndarray:
    return series_data.load_builtin(name, None).column()


def test_one_step_peers_equal_statsforecast_models_called_directly():
    """refit=False: fit once on the training part, then each origin's forecast from the observed history."""
    from statsforecast.models import AutoARIMA, AutoTheta

    y = _series("airline")
    first = 96
    targets = np.arange(first, len(y))
    for name, model in (("AutoARIMA", AutoARIMA), ("AutoTheta", AutoTheta)):
        ours = _one_step(y, first, name)
        fitted = model(season_length=12).fit(y[:first])
        direct = np.array([fitted.forward(y=y[:t], h=1)["mean"][0] for t in targets[:: len(targets) // 6]])
        assert np.allclose(ours[:: len(targets) // 6], direct, rtol=1e-6), name


def test_published_airline_hold_out_and_milk_one_step_figures():
    y = _series("airline")
    holdout = Peer("AutoARIMA", 12).fit(y[:-36]).predict(y, [len(y) - 36], 36)[0]
    assert metrics.mape(holdout, y[-36:]) == pytest.approx(4.15, abs=0.01)
    milk = _series("milk")
    assert metrics.rmse(_one_step(milk, 112, "AutoARIMA"), milk[112:]) == pytest.approx(8.29, abs=0.01)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**16), st.integers(30, 40), st.floats(-50, 50))
def test_a_forecast_from_an_origin_ignores_every_value_after_it(seed, origin, shift):
    y = np.cumsum(np.random.default_rng(seed).normal(size=48)) + 10
    changed = y.copy()
    changed[origin:] += shift
    origins = np.arange(24, 46)
    for name in peers.PEERS:
        a = Peer(name, 4).fit(y[:24]).predict(y, origins, 3)
        b = Peer(name, 4).fit(changed[:24]).predict(changed, origins, 3)
        assert np.allclose(a[: origin - 24 + 1], b[: origin - 24 + 1]), name


def test_conformal_widths_take_the_finite_sample_rank_and_leave_one_out_coverage_is_honest():
    from frameforecast.stages.series_future import conformal_width, leave_one_out_coverage

    residuals = np.arange(1, 20, dtype=float)[:, None]  # 19 origins, one step: |r| = 1 … 19
    assert conformal_width(residuals, 80)[0] == 16  # ⌈20 · 0.8⌉ = 16th smallest
    assert conformal_width(residuals, 95)[0] == 19  # ⌈20 · 0.95⌉ = 19th
    assert np.isinf(conformal_width(residuals[:10], 95)[0])  # 10 origins cannot give a 95 % interval
    twenty = np.arange(1, 21, dtype=float)[:, None]
    assert leave_one_out_coverage(twenty, 95) is not None  # 19 others: the 19th smallest of them
    assert leave_one_out_coverage(residuals, 95) is None  # 18 others: unbounded, so not measured
    assert leave_one_out_coverage(residuals[:11], 80) is not None
    assert conformal_width(-residuals, 80)[0] == 16  # the absolute error sets the width
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(400, 3))
    for level in (80, 95):
        assert abs(leave_one_out_coverage(noise, level) - level / 100) < 0.03


def test_intervals_of_a_series_never_below_zero_stop_at_zero_and_a_missing_level_stays_missing():
    from frameforecast.stages.series_future import with_intervals

    widths = {"80": [5.0, 20.0], "95": [None, None]}
    out = with_intervals(["a", "b"], np.array([10.0, 10.0]), widths, floor=0.0)
    assert out["lo80"] == [5.0, 0.0] and out["hi80"] == [15.0, 30.0]
    assert out["lo95"] == [None, None] and out["hi95"] == [None, None]
    assert with_intervals(["a", "b"], np.array([10.0, 10.0]), widths)["lo80"] == [5.0, -10.0]
