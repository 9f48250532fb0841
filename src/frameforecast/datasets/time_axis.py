"""Time columns of user CSVs: parse, order, find the regular step, detect gaps, and name the season.

Every decision is either a notice (a line the caller prints) or a UserError naming the row and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from frameforecast.errors import UserError

# (name, candidate grids, season) from the longest step to the shortest: the first grid that holds every
# timestamp wins. A calendar step is tried as "the same day of the month, k months on" (an int: months)
# and as month/quarter/year ends and starts, so 1949-01-31, 1949-02-28, … is monthly too.
STEPS = (
    ("yearly", (12, "YE", "YS"), 1),
    ("quarterly", (3, "QE", "QS"), 4),
    ("monthly", (1, "ME", "MS"), 12),
    ("weekly", (pd.Timedelta(weeks=1),), 52),
    ("business-daily", ("B",), 5),
    ("daily", (pd.Timedelta(days=1),), 7),
    ("hourly", (pd.Timedelta(hours=1),), 24),
    ("minutely", (pd.Timedelta(minutes=1),), None),
    ("secondly", (pd.Timedelta(seconds=1),), None),
)
MIN_ROWS = 3  # fewer timestamps than this cannot show a regular step
MAX_GRID_FACTOR = 50  # a grid this many times longer than the data is no step of it, only noise


@dataclass
class TimeAxis:
    """A regular, strictly increasing time index and what was done to reach it."""

    times: pd.DatetimeIndex
    values: np.ndarray
    frequency: str
    season: int | None
    notices: list[str]


NUMERIC_DATE = r"(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})(?:[ T].*)?"  # 31.01.2015, 01/31/15 09:00


def date_order(text: pd.Series, column: str, where: str) -> str | None:
    """ "day-first" or "month-first" for dates like 31.01.2015 or 01/31/2015, read from the values; None for
    other formats (ISO 2015-01-31 among them). UserError when the values fit neither or both."""
    parts = text.str.extract(f"^{NUMERIC_DATE}$")
    if parts.isna().any(axis=None) or len(parts) == 0:
        return None
    first, second = parts[0].astype(int), parts[1].astype(int)
    if (first > 12).any() and (second > 12).any():
        raise UserError(
            f"{where}: time column {column!r} has dates with a day above 12 in the first place and others "
            "in the second; write every date in one order (ISO 2015-01-31 is safest)"
        )
    if (first > 12).any():
        return "day-first"
    if (second > 12).any():
        return "month-first"
    return "ambiguous"


def parse(
    raw: pd.Series, column: str, where: str, time_format: str | None = None, order: str = "auto"
) -> tuple[pd.DatetimeIndex, list[str]]:
    """Timestamps of a time column and a notice on how numeric dates were read; UserError naming the first cell
    that is not a date/time. Numeric dates (31.01.2015) are read in the day/month order the values show
    (`order` "auto"), or the one given; when every day and month is 12 or less, the order must be given."""
    text = raw.astype(str).str.strip()
    notices = []
    found = date_order(text, column, where) if time_format is None else None
    if found is not None and order == "auto":
        if found == "ambiguous":
            raise UserError(
                f"{where}: time column {column!r} has dates like {text.iloc[0]!r} where day and month can be "
                "swapped (no value above 12); pass --date-order day-first or --date-order month-first"
            )
        order = found
        notices.append(f"{where}: read the dates of {column!r} as {found} (a value above 12 shows it)")
    dayfirst = order == "day-first"
    with np.errstate(all="ignore"):
        try:
            if found is not None:
                parsed = pd.to_datetime(text, dayfirst=dayfirst, format="mixed", errors="coerce", utc=True)
            else:
                parsed = pd.to_datetime(text, format=time_format or "mixed", errors="coerce", utc=True)
        except (ValueError, TypeError, OverflowError):
            parsed = pd.Series(pd.NaT, index=text.index)
    bad = parsed.isna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise UserError(
            f"{where}: time column {column!r} has {text.iloc[row]!r} at data row {row + 1} "
            f"(line {row + 2}), which is not a date/time"
            + (f" in {order} order" if found is not None else "")
            + "; fix that cell, or leave --time-column out and pass --season"
        )
    return pd.DatetimeIndex(parsed).tz_localize(None), notices


def _grid(times: pd.DatetimeIndex, step) -> pd.DatetimeIndex | None:
    """The regular grid from the first to the last timestamp, if every timestamp lies on it."""
    start, end = times[0], times[-1]
    span = end - start
    if isinstance(step, pd.Timedelta) and (step > span or span // step > MAX_GRID_FACTOR * len(times)):
        return None
    try:
        if isinstance(step, int):  # calendar months from the first timestamp, each counted from the start
            count = ((end.year - start.year) * 12 + end.month - start.month) // step + 1
            grid = pd.DatetimeIndex([start + pd.DateOffset(months=step * k) for k in range(count)])
        else:
            grid = pd.date_range(start, end, freq=step)
    except (ValueError, OverflowError):
        return None
    if len(grid) == 0 or grid[0] != start or len(grid) > MAX_GRID_FACTOR * len(times) + 1:
        return None
    return grid if times.isin(grid).all() else None


def regularise(times: pd.DatetimeIndex, values: np.ndarray, where: str, *, fill: bool) -> TimeAxis:
    """Sort, refuse duplicates, infer the step, refuse (or fill) gaps. values: (L, F) with NaN for missing."""
    notices = []
    if len(times) < MIN_ROWS:
        raise UserError(
            f"{where}: {len(times)} timestamped row(s) are too few to infer the time step; "
            f"at least {MIN_ROWS} rows are needed"
        )
    duplicated = times.duplicated(keep=False)
    if duplicated.any():
        first = times[np.flatnonzero(duplicated)[0]]
        lines = ", ".join(str(i + 2) for i in np.flatnonzero(times == first)[:5])
        raise UserError(
            f"{where}: timestamp {first} appears more than once (lines {lines}); keep one row per "
            "time step (aggregate or delete the duplicates)"
        )
    if not times.is_monotonic_increasing:
        order = np.argsort(times.to_numpy(), kind="stable")
        how = "newest-first" if times.is_monotonic_decreasing else "out of time order"
        notices.append(f"{where}: the rows were {how}; sorted them oldest-first by time")
        times, values = times[order], values[order]
    for name, candidates, season in STEPS:  # noqa: B007 (the match is used after the loop)
        grid = next((g for g in (_grid(times, c) for c in candidates) if g is not None), None)
        if grid is not None:
            break
    else:
        raise UserError(
            f"{where}: the timestamps have no regular step (yearly … secondly); resample the series "
            "to one row per step, or leave --time-column out and pass --season"
        )
    if len(grid) > len(times):
        missing = grid[~grid.isin(times)]
        if not fill:
            raise UserError(
                f"{where}: {len(missing)} {name} time step(s) are missing, the first at {missing[0]}; "
                "add those rows, or pass --fill to interpolate them"
            )
        frame = pd.DataFrame(values, index=times).reindex(grid)
        notices.append(f"{where}: filled {len(missing)} missing {name} time step(s) by interpolation")
        times, values = grid, frame.to_numpy()
    return TimeAxis(pd.DatetimeIndex(times), values, name, season, notices)


def interpolate(values: np.ndarray, times: pd.DatetimeIndex | None) -> np.ndarray:
    """Fill NaN linearly in time (or by position without times), extending the ends flat."""
    frame = pd.DataFrame(values, index=times if times is not None else None)
    method = "time" if times is not None else "linear"
    return frame.interpolate(method=method, limit_direction="both").to_numpy(dtype=float)


def step_of(frequency: str | None):
    """One time step of a frequency name from STEPS, as something a timestamp can be added to (or None)."""
    first = next((candidates[0] for name, candidates, _ in STEPS if name == frequency), None)
    if isinstance(first, int):
        return pd.DateOffset(months=first)
    return pd.tseries.frequencies.to_offset(first) if isinstance(first, str) else first
