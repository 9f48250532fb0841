"""Property-based tests: the CSV loader on random text, and the ensemble / shrinkage arithmetic."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frameforecast.datasets import series
from frameforecast.errors import UserError
from frameforecast.stages.series_protocol import ensemble, shrink, shrinkage

TIME_FORMATS = ["%Y-%m-%d", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M", "%Y/%m/%d", "%Y-%m"]
STEPS = [
    pd.Timedelta(hours=1),
    pd.Timedelta(days=1),
    pd.DateOffset(months=1),
    pd.offsets.MonthEnd(),
    pd.Timedelta(weeks=1),
    pd.offsets.BDay(),
]
CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=32).map(repr),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["", " ", "NA", "nan", "inf", "-inf", "abc", "1,5", "1e400", "0x10", "—", '"7"']),
)


@st.composite
def csv_files(draw):
    """CSV text with a time column: regular or not, in any order, with any cells and separator."""
    rows = draw(st.integers(0, 40))
    step = draw(st.sampled_from(STEPS))
    fmt = draw(st.sampled_from(TIME_FORMATS))
    times = list(pd.date_range("2019-01-01", periods=rows, freq=step).strftime(fmt))
    if rows and draw(st.booleans()):  # drop, duplicate or garble a few timestamps
        for _ in range(draw(st.integers(1, 3))):
            i = draw(st.integers(0, rows - 1))
            times[i] = draw(st.sampled_from([times[0], "", "not a time", "2019-13-45", times[i]]))
    order = draw(st.permutations(range(rows))) if draw(st.booleans()) else list(range(rows))
    clean = draw(st.booleans())
    values = [draw(st.floats(-1e6, 1e6, allow_nan=False).map(repr)) if clean else draw(CELLS) for _ in range(rows)]
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    lines = [f"time{sep}value"] + [f"{times[i]}{sep}{values[i]}" for i in order]
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=csv_files(), fill=st.booleans())
def test_loader_returns_a_clean_series_or_one_user_error(tmp_path, text, fill):
    path = tmp_path / "random.csv"
    path.write_text(text, encoding="utf-8")
    try:
        loaded = series.load_csv(path, ["value"], "time", fill=fill)
    except UserError as exc:
        assert "\n" not in str(exc) and str(exc)
        return
    assert np.isfinite(loaded.values).all() and len(loaded) >= 3
    assert loaded.times.is_monotonic_increasing and loaded.times.is_unique
    assert loaded.frequency is not None
    assert loaded.season is None or loaded.season >= 1


@settings(max_examples=200, deadline=None)
@given(
    seeds=st.lists(st.lists(st.floats(-1e3, 1e3), min_size=5, max_size=5), min_size=1, max_size=6),
    base=st.lists(st.floats(-1e3, 1e3), min_size=5, max_size=5),
    truth=st.lists(st.floats(-1e3, 1e3), min_size=5, max_size=5),
)
def test_shrinkage_never_worse_than_the_baseline_on_validation(seeds, base, truth):
    base, truth = np.array(base), np.array(truth)
    model = ensemble([np.array(s) for s in seeds])
    weight = shrinkage(model, base, truth)
    assert 0.0 <= weight <= 1.0
    shrunk_error = np.mean((shrink(model, base, weight) - truth) ** 2)
    assert shrunk_error <= np.mean((base - truth) ** 2) + 1e-6 * (1 + np.mean(truth**2))
    assert shrunk_error <= np.mean((model - truth) ** 2) + 1e-6 * (1 + np.mean(truth**2))


def test_ensemble_is_the_pointwise_mean_of_the_seeds():
    forecasts = [np.array([1.0, 2.0]), np.array([3.0, 6.0]), np.array([2.0, 1.0])]
    assert ensemble(forecasts).tolist() == [2.0, 3.0]


def test_shrinkage_by_hand():
    base, truth = np.zeros(4), np.array([1.0, 1.0, 1.0, 1.0])
    assert shrinkage(np.full(4, 2.0), base, truth) == 0.5  # halfway is exact
    assert shrinkage(np.full(4, -1.0), base, truth) == 0.0  # a harmful correction is switched off
    assert shrinkage(np.full(4, 0.5), base, truth) == 1.0  # clipped at the full correction
    assert shrinkage(base, base, truth) == 0.0  # no correction: the baseline
