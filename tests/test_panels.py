"""Panels as data: the competition sets with their own horizons, and a user's long-format panel with the same
checks, each failure one line naming the series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from frameforecast.datasets import panels
from frameforecast.errors import UserError


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
