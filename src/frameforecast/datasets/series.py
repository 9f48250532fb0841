"""Time series: the bundled CSVs (with their quirks), any user CSV or URL, windowing and splits."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from frameforecast.errors import UserError


@dataclass(frozen=True)
class CsvSpec:
    """How to read one bundled CSV (its quirks are in datasets/files/SOURCES.md)."""

    filename: str
    columns: tuple[str, ...]
    time_column: str
    season: int
    read_options: dict = field(default_factory=dict)
    time_format: str | None = None
    description: str = ""


BUILTIN = {
    "milk": CsvSpec(
        "monthly-milk-production-pounds-p.csv", ("Production",), "Month", 12,
        # the header has curly quotes, so the reader sees one field: name the columns ourselves
        {"header": 0, "names": ["Month", "Production"]}, "%Y-%m",
        "Monthly milk production, pounds per cow, 1962-01 … 1975-12 (168 months)"),
    "airline": CsvSpec(
        "airline-passengers.csv", ("Passengers",), "Month", 12, {}, "%Y-%m",
        "International airline passengers, thousands per month, 1949-01 … 1960-12 (144 months)"),
    "usercount": CsvSpec(
        "usercount_app.csv", ("users", "sessions", "newusers"), "time", 24, {"sep": ";"}, "%d.%m.%y %H:%M",
        "Hourly users, sessions and new users of a web app, 2018-12-22 09:00 … 2018-12-29 09:00 (169 hours)"),
}


@dataclass
class Series:
    """A (multi-column) series: values (L, F) float64, timestamps (or None), column names, source."""

    values: np.ndarray
    times: pd.Index | None
    columns: list[str]
    source: str
    season: int | None = None

    def __len__(self):
        return len(self.values)

    def column(self, name: str | None = None) -> np.ndarray:
        return self.values[:, 0 if name is None else self.columns.index(name)]


def bundled_path(name: str) -> Path:
    return Path(str(resources.files("frameforecast.datasets") / "files" / BUILTIN[name].filename))


def load_builtin(name: str, columns: list[str] | None = None) -> Series:
    if name not in BUILTIN:
        raise UserError(f"unknown series {name!r}; bundled series are: {', '.join(BUILTIN)}")
    spec = BUILTIN[name]
    return load_csv(bundled_path(name), list(columns or spec.columns), spec.time_column,
                    read_options=spec.read_options, time_format=spec.time_format, season=spec.season)


def load_csv(path: str | Path, columns: list[str], time_column: str | None = None, *, fill: bool = False,
             read_options: dict | None = None, time_format: str | None = None, season: int | None = None) -> Series:
    """Read numeric `columns` (and optionally a time column) from a CSV; UserError on any bad input."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: file not found; check the path given to --csv")
    if path.stat().st_size == 0:
        raise UserError(f"{path}: the file is empty; give a CSV with a header row and one row per time step")
    options = {"sep": None, "engine": "python"} if read_options is None else dict(read_options)
    try:
        frame = pd.read_csv(path, **options)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        raise UserError(f"{path}: not a readable CSV ({str(exc).splitlines()[0]}); save it as plain comma- or "
                        "semicolon-separated text with a header row") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    wanted = list(columns) + ([time_column] if time_column else [])
    for name in wanted:
        if name not in frame.columns:
            raise UserError(f"{path}: no column {name!r}; the columns are {', '.join(map(repr, frame.columns))} "
                            "— pass one of them to --column/--time-column")
    if len(frame) == 0:
        raise UserError(f"{path}: the file has a header but no data rows")
    values = np.empty((len(frame), len(columns)))
    for j, name in enumerate(columns):
        raw = frame[name]
        numeric = pd.to_numeric(raw, errors="coerce")
        bad = numeric.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise UserError(f"{path}: column {name!r} has a non-numeric value {str(raw.iloc[row])!r} at data row "
                            f"{row + 1} (line {row + 2}); fix or remove that row")
        missing = numeric.isna().to_numpy()
        if missing.any():
            if not fill:
                row = int(np.flatnonzero(missing)[0])
                raise UserError(f"{path}: column {name!r} has {int(missing.sum())} missing value(s), the first at data "
                                f"row {row + 1} (line {row + 2}); fill them in, or pass --fill to interpolate linearly")
            numeric = numeric.interpolate(limit_direction="both")
        values[:, j] = numeric.to_numpy(dtype=float)
    times = None
    if time_column:
        try:
            times = pd.Index(pd.to_datetime(frame[time_column], format=time_format))
        except (ValueError, TypeError):
            times = pd.Index(frame[time_column].astype(str))
    return Series(values, times, list(columns), str(path), season)


def load_url(url: str, columns: list[str], time_column: str | None = None, *, fill: bool = False,
             season: int | None = None) -> Series:
    """Download a CSV (cached) and read it like a local file."""
    from frameforecast.datasets.download import fetch
    import hashlib

    filename = "url-" + hashlib.sha256(url.encode()).hexdigest()[:16] + ".csv"
    path = fetch(url, filename, None, offline_hint="download it yourself and pass --csv PATH")
    series = load_csv(path, columns, time_column, fill=fill, season=season)
    series.source = url
    return series


# ---------------------------------------------------------------- windows and splits
def require_length(series_length: int, needed: int, what: str, source: str) -> None:
    if series_length < needed:
        raise UserError(f"{source}: {series_length} rows is too few for {what}; at least {needed} rows are needed "
                        "(use a shorter window or a longer series)")


def lookback_windows(values: np.ndarray, look_back: int, faithful: bool = False):
    """X[i] = values[i : i + look_back], y[i] = values[i + look_back].

    faithful=True reproduces the tutorial's `range(len - look_back - 1)`, which drops the last window.
    """
    count = len(values) - look_back - (1 if faithful else 0)
    if count <= 0:
        return np.empty((0, look_back) + values.shape[1:]), np.empty((0,) + values.shape[1:])
    X = np.stack([values[i:i + look_back] for i in range(count)])
    y = np.stack([values[i + look_back] for i in range(count)])
    return X, y


def seq2seq_windows(values: np.ndarray, n_in: int, n_out: int, stride: int = 1):
    """Windows of n_in inputs followed by n_out targets: X (n, n_in, F), Y (n, n_out, F)."""
    values = values if values.ndim == 2 else values[:, None]
    starts = range(0, len(values) - n_in - n_out + 1, stride)
    X = np.stack([values[s:s + n_in] for s in starts]) if len(starts) else np.empty((0, n_in, values.shape[1]))
    Y = np.stack([values[s + n_in:s + n_in + n_out] for s in starts]) if len(starts) else np.empty((0, n_out, values.shape[1]))
    return X, Y


def chronological_split(length: int, test_fraction: float, val_fraction: float = 0.0):
    """Index ranges (train, val, test) in time order; val is the tail of the training part."""
    n_test = int(round(length * test_fraction))
    n_trainval = length - n_test
    n_val = int(round(n_trainval * val_fraction))
    return range(0, n_trainval - n_val), range(n_trainval - n_val, n_trainval), range(n_trainval, length)
