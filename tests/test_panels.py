"""Panels as data: the competition sets with their own horizons, and a user's long-format panel with the same
checks, each failure one line naming the series."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from frameforecast import metrics
from frameforecast.config import experiments
from frameforecast.config.values import PANEL
from frameforecast.datasets import panels
from frameforecast.errors import UserError
from frameforecast.forecasters import global_lstm, panel_peers
from frameforecast.stages import panel as panel_stage


@pytest.mark.parametrize("name, count, horizon", [("m3-monthly", 1428, 18), ("tourism-monthly", 366, 24)])
def test_a_competition_set_has_its_series_and_their_held_out_horizons(name, count, horizon):
    panel = panels.competition(name)
    assert len(panel) == count and set(panel.horizons) == {horizon} and panel.season == 12
    assert len(set(panel.ids)) == count
    assert all(len(h) > 2 * panel.season and np.isfinite(h).all() for h in panel.history)
    sample = panel.sample(200, seed=0)
    assert len(sample) == 200 and sample.ids == panel.sample(200, seed=0).ids != panel.sample(200, seed=1).ids


def monthly(sid: str, n: int, start: str = "2015-01-01", freq: str = "MS") -> pd.DataFrame:
    t = pd.date_range(start, periods=n, freq=freq)
    return pd.DataFrame({"unique_id": sid, "ds": t, "y": 100 + 10 * np.sin(np.arange(n) / 2) + np.arange(n)})


def test_a_long_csv_panel_holds_out_each_series_last_h_points_and_its_forecasts_round_trip(tmp_path):
    frame = pd.concat([monthly("a", 40), monthly("b", 30, "2016-03-01")])
    frame.sample(frac=1, random_state=0).to_csv(tmp_path / "p.csv", index=False)  # rows in any order
    panel = panels.read_long(tmp_path / "p.csv", 6)
    assert panel.ids == ("a", "b") and panel.horizons == (6, 6) and panel.season == 12
    np.testing.assert_allclose(panel.future[0], frame[frame.unique_id == "a"].y.to_numpy()[-6:])
    assert len(panel.history[1]) == 24
    panels.write_forecasts(tmp_path / "forecasts.csv", panel, {"naive": [np.full(6, h[-1]) for h in panel.history]})
    back = pd.read_csv(tmp_path / "forecasts.csv")
    assert list(back.columns) == ["unique_id", "ds", "y", "naive"] and len(back) == 12
    np.testing.assert_allclose(back[back.unique_id == "b"].naive, panel.history[1][-1])


def test_other_column_names_are_given_by_option(tmp_path):
    frame = monthly("a", 20).rename(columns={"unique_id": "store", "ds": "month", "y": "sales"})
    frame.to_parquet(tmp_path / "p.parquet")
    panel = panels.read_long(tmp_path / "p.parquet", 4, id_column="store", time_column="month", value_column="sales")
    assert panel.ids == ("a",) and panel.horizons == (4,)
    with pytest.raises(UserError, match="no column 'unique_id'.*--id-column"):
        panels.read_long(tmp_path / "p.parquet", 4)


@pytest.mark.parametrize(
    "frame, expected",
    [
        (pd.concat([monthly("a", 30), monthly("short", 5)]), "series short has 5 points, not more than its horizon 6"),
        (pd.concat([monthly("a", 30), monthly("dup", 20), monthly("dup", 1)]), "series dup: ds 2015-01-01"),
        (pd.concat([monthly("a", 30), monthly("weekly", 30, freq="W-SUN")]), "mixed frequencies: series a"),
        (pd.concat([monthly("a", 30), monthly("", 30)]), "has an empty unique_id"),
    ],
    ids=["shorter-than-horizon", "duplicate-timestamps", "mixed-frequencies", "empty-id"],
)
def test_a_malformed_panel_is_one_line_naming_the_series(tmp_path, frame, expected):
    frame.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(UserError) as refused:
        panels.read_long(tmp_path / "bad.csv", 6)
    assert expected in str(refused.value) and "\n" not in str(refused.value)


def test_naive2_carries_the_seasonally_adjusted_last_value_and_is_naive_without_a_season():
    rng = np.random.default_rng(0)
    index = 1 + 0.3 * np.sin(2 * np.pi * np.arange(12) / 12)
    y = np.tile(index, 8) * (100 + rng.normal(0, 0.5, 96))  # strongly seasonal, level 100
    forecast = panel_peers.naive2(y, 12, 18)
    expected = (
        y[-1]
        / panel_peers.seasonal_indices(y, 12)[95 % 12]
        * panel_peers.seasonal_indices(y, 12)[(96 + np.arange(18)) % 12]
    )
    np.testing.assert_allclose(forecast, expected)
    np.testing.assert_allclose(
        forecast / forecast.mean(),
        index[(96 + np.arange(18)) % 12] / index[(96 + np.arange(18)) % 12].mean(),
        atol=0.01,
    )
    flat = 100 + rng.normal(0, 1, 96)
    assert not panel_peers.seasonal(flat, 12)
    np.testing.assert_allclose(panel_peers.naive2(flat, 12, 5), np.full(5, flat[-1]))


def test_competition_scores_follow_their_formulas():
    history = [np.array([1.0, 2, 3, 4, 5, 6]), np.array([10.0, 10, 10, 12, 12, 12])]
    future = [np.array([7.0, 8]), np.array([12.0, 14])]
    forecasts = {"a": [np.array([6.0, 8]), np.array([12.0, 12])], "ref": [np.array([6.0, 6]), np.array([12.0, 12])]}
    scores = metrics.competition_scores(forecasts, history, future, season=3, reference="ref")
    smape_a = np.mean([np.mean([200 * 1 / 13, 0]), np.mean([0, 200 * 2 / 26])])
    mase_a = np.mean([np.mean([1, 0]) / 3, np.mean([0, 2]) / 2])  # scales: |y_t − y_{t−3}| means 3 and 2
    assert scores["a"]["smape"] == pytest.approx(smape_a) and scores["a"]["mase"] == pytest.approx(mase_a)
    assert scores["a"]["mape"] == pytest.approx(np.mean([np.mean([100 / 7, 0]), np.mean([0, 200 / 14])]))
    assert scores["ref"]["owa"] == pytest.approx(1.0)
    ref = scores["ref"]
    assert scores["a"]["owa"] == pytest.approx(0.5 * (smape_a / ref["smape"] + mase_a / ref["mase"]))


def test_the_panel_benchmarks_equal_statsforecast_fit_series_by_series():
    """The panel runner (one StatsForecast call over all series, every core) gives what each model gives fit on
    each series alone, within 1 %."""
    from statsforecast.models import AutoETS, AutoTheta, SeasonalNaive

    panel = panels.competition("m3-monthly").sample(6, seed=3)
    got = panel_peers.benchmarks(panel, n_jobs=1)
    for i, history in enumerate(panel.history):
        h = panel.horizons[i]
        for name, model in (("AutoETS", AutoETS(season_length=12)), ("AutoTheta", AutoTheta(season_length=12))):
            alone = model.forecast(y=history, h=h)["mean"]
            np.testing.assert_allclose(got[name][i], alone, rtol=0.01)
        np.testing.assert_allclose(got["SeasonalNaive"][i], SeasonalNaive(12).forecast(y=history, h=h)["mean"])
        combination = np.mean([got[p][i] for p in ("AutoARIMA", "AutoETS", "AutoTheta")], axis=0)
        np.testing.assert_allclose(got[panel_peers.COMBINATION][i], combination)


def small_panel(count: int = 5) -> panels.Panel:
    return panels.competition("m3-monthly").sample(count, seed=7)


def lstm_settings(**changes) -> global_lstm.Settings:
    return global_lstm.Settings(**{**PANEL["model"], **changes})


def test_global_lstm_windows_are_scaled_per_series_and_target_a_correction_to_seasonal_naive():
    level = np.tile(1 + 0.2 * np.sin(np.arange(12)), 6)
    histories = [level * 100, level * 10000]  # the same shape at two levels
    x, y = global_lstm.windows(histories, 6, lstm_settings(window=24), 12, np.random.default_rng(0))
    half = len(x) // 2
    np.testing.assert_allclose(x[:half], x[half:])  # scaled alike
    np.testing.assert_allclose(y, 0, atol=1e-12)  # a seasonal series is its own seasonal naive


def test_an_untrained_global_lstm_is_exactly_its_seasonal_naive_anchor():
    model = global_lstm.build(lstm_settings(units=4), 18)
    x = np.random.default_rng(0).random((3, 24, 1))
    np.testing.assert_array_equal(np.asarray(model.predict(x, verbose=0)), 0)


def tiny(experiment: str = "m3-monthly"):
    return experiments.get(experiment).config(
        "smoke", {"model.units": 4, "model.epochs": 1, "model.seeds": 2, "model.batch_size": 64}
    )


def test_the_panel_protocol_reads_no_held_out_point_of_any_series(tmp_path):
    """Changing other series' held-out parts changes no forecast: each is made from its own history alone."""
    panel = small_panel()
    first = panel_stage.forecast_panel(tiny(), panel, tmp_path / "a", log=lambda *_: None)
    changed = dataclasses.replace(panel, future=(panel.future[0],) + tuple(f * 3 + 1000 for f in panel.future[1:]))
    second = panel_stage.forecast_panel(tiny(), changed, tmp_path / "b", log=lambda *_: None)
    assert first["lambda"] == second["lambda"]
    assert set(first["forecasts"]) >= {"global LSTM (shrunk)", "AutoTheta", "Naive2", panel_peers.COMBINATION}
    for model, forecasts in first["forecasts"].items():
        assert len(forecasts) == len(panel) and all(f.shape == (18,) and np.isfinite(f).all() for f in forecasts)
        np.testing.assert_allclose(forecasts[0], second["forecasts"][model][0], err_msg=model)


def test_a_killed_panel_run_resumes_from_the_parts_it_finished(tmp_path):
    panel = small_panel(3)
    said = []
    panel_stage.forecast_panel(tiny(), panel, tmp_path, log=said.append)
    (tmp_path / "parts" / "model.json").unlink()  # as if killed while the last part ran
    said.clear()
    panel_stage.forecast_panel(tiny(), panel, tmp_path, log=said.append)
    kept = [s for s in said if "kept" in s]
    assert len(kept) == 3 and not any(s.startswith("model: kept") for s in said)
    other = experiments.get("m3-monthly").config("smoke", {"model.units": 5, "model.epochs": 1, "model.seeds": 2})
    said.clear()
    panel_stage.forecast_panel(other, panel, tmp_path, log=said.append)  # other model settings: the model refits
    assert sorted(s.split(":")[0] for s in said if "kept" in s) == ["peers", "validation-peers"]


def test_the_panel_page_lists_each_bar_with_its_margin_red_where_missed():
    """The competition's bars on the full set: the published figures the bar names, each peer and the combination,
    and MASE below every peer's, each with the model's margin (a sample is held to our peers only)."""
    from frameforecast.config.values import PUBLISHED_PANELS
    from frameforecast.report.panel_view import bars

    anchor = "mean of ETS, ARIMA, Theta"
    scores = {
        "global LSTM (shrunk)": {"smape": 13.54, "mase": 0.8265},
        "global LSTM (unshrunk)": {"smape": 15.6, "mase": 0.965},
        "AutoETS": {"smape": 14.16, "mase": 0.8633},
        anchor: {"smape": 13.85, "mase": 0.8292},
        "SeasonalNaive": {"smape": 17.23, "mase": 1.146},
    }
    published = PUBLISHED_PANELS["m3-monthly"]
    metrics = {
        "scores": scores,
        "model": "global LSTM (shrunk)",
        "unshrunk": "global LSTM (unshrunk)",
        "metric": "smape",
        "anchor": anchor,
        "published": published,
        "set": {"series": published["series"]},
    }
    found = {b["bar"]: b for b in bars(metrics)}
    missed = found["sMAPE % below the published mean of ETS, ARIMA and Theta"]
    assert not missed["met"] and abs(missed["margin"] - 0.02) < 1e-9
    assert found["sMAPE % below the published Theta"]["met"]
    assert found[f"MASE below {anchor}'s"]["met"] and abs(found[f"MASE below {anchor}'s"]["margin"] + 0.0027) < 1e-9
    assert not any("SeasonalNaive" in b or "unshrunk" in b for b in found)  # baselines and the model itself are no bar
    sample = bars({**metrics, "set": {"series": 200}})
    assert sample and not any("published" in b["bar"] for b in sample)
