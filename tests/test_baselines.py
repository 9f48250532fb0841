"""Each baseline against forecasts computed by hand."""

import numpy as np
import pytest

from frameforecast.models import baselines


def test_video_baselines():
    inputs = np.stack([np.full((2, 2), v) for v in (0.2, 0.4, 0.9)])[None]  # (1, 3, 2, 2)
    assert baselines.all_black(inputs, 2).shape == (1, 2, 2, 2)
    assert np.all(baselines.all_black(inputs, 2) == 0)
    assert np.allclose(baselines.copy_last_frame(inputs, 2), 0.9)
    assert np.allclose(baselines.mean_input_frame(inputs, 2), 0.5)


Y = np.array([1, 2, 3, 4, 5, 6, 7, 9, 10, 12], dtype=float)


def test_persistence():
    assert baselines.persistence(Y, origin=5, horizon=2).tolist() == [5.0, 5.0]


def test_seasonal_naive_lag_m():
    # season 4, origin 8 (y[:8] known): y[4], y[5] = 5, 6
    assert baselines.seasonal_naive(Y, origin=8, horizon=2, season=4).tolist() == [5.0, 6.0]
    # beyond one season the last season repeats
    assert baselines.seasonal_naive(Y, origin=8, horizon=5, season=4).tolist() == [5.0, 6.0, 7.0, 9.0, 5.0]


def test_seasonal_naive_plus_last_change():
    # y[t − 4] + y[7] − y[3] = y[t − 4] + 9 − 4
    assert baselines.seasonal_naive_last_change(Y, origin=8, horizon=2, season=4).tolist() == [10.0, 11.0]


def test_one_step_seasonal_naive_plus_change_formula():
    # DESIGN: y[t − m] + y[t − 1] − y[t − m − 1] for the one-step forecast of y[t]
    t, m = 9, 4
    expected = Y[t - m] + Y[t - 1] - Y[t - m - 1]
    assert baselines.seasonal_naive_last_change(Y, origin=t, horizon=1, season=m)[0] == pytest.approx(expected)


def test_drift():
    # slope (y[4] − y[0]) / 4 = 1 → 5 + 1, 5 + 2
    assert baselines.drift(Y, origin=5, horizon=2).tolist() == [6.0, 7.0]


def test_holt_winters_uses_no_value_after_the_origin():
    t = np.arange(72, dtype=float)
    y = 50 + t + 10 * np.sin(2 * np.pi * t / 12)
    hw = baselines.HoltWinters(y[:48], 12)
    first = hw(y, origin=60, horizon=3)
    changed = y.copy()
    changed[60:] = 1e6
    assert np.allclose(hw(changed, origin=60, horizon=3), first)
    assert np.allclose(first, y[60:63], atol=2.0)


def test_series_baselines_skip_seasonal_when_too_short():
    kept, refused = baselines.series_baselines(np.arange(10.0), 12)
    assert set(kept) == {"persistence", "drift"}
    assert refused["Holt-Winters"] == "the training part has 10 points; it needs 25 with season 12"
    assert set(refused) == {"seasonal naive", "seasonal naive + last change", "Holt-Winters"}
    kept, refused = baselines.series_baselines(np.arange(20.0), 12)
    assert "seasonal naive + last change" in kept and set(refused) == {"Holt-Winters"}
    assert "Holt-Winters" in baselines.series_baselines(np.arange(40.0) % 12 + np.arange(40.0), 12)[0]


def test_seasonal_baselines_refuse_origins_without_a_season_of_history():
    from frameforecast.models.baselines import BaselineRefused, seasonal_naive, seasonal_naive_last_change

    y = np.arange(40.0)
    assert seasonal_naive(y, 12, 3, 12).tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(BaselineRefused):
        seasonal_naive(y, 11, 3, 12)  # would read y[-1]
    with pytest.raises(BaselineRefused):
        seasonal_naive_last_change(y, 12, 1, 12)  # needs y[o − 1 − m]


def test_holt_winters_refuses_origins_inside_its_fit_and_the_table_says_why():
    from frameforecast.stages.series_protocol import baseline_scores

    t = np.arange(96.0)
    y = 50 + t + 10 * np.sin(2 * np.pi * t / 12)
    origins = np.array([20, 80])  # a shuffled split: one origin inside the training part
    truth = y[origins][:, None]
    scores, _, refused = baseline_scores(y, 72, origins, 1, 12, truth, y[:72])
    assert "Holt-Winters" in refused and "Holt-Winters" not in scores
    assert "persistence" in scores
