"""Time series: the bundled CSVs (with their quirks), any user CSV or URL, windowing and splits."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import zlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from frameforecast.config.classes import SeriesData
from frameforecast.datasets import time_axis
from frameforecast.errors import UserError, quote
from frameforecast.names import public_url


@dataclass(frozen=True)
class CsvSpec:
    """How to read one bundled CSV (its quirks are in datasets/files/SOURCES.md)."""

    filename: str
    columns: tuple[str, ...]
    time_column: str
    read_options: dict = field(default_factory=dict)
    time_format: str | None = None
    description: str = ""


BUILTIN = {
    "milk": CsvSpec(
        "monthly-milk-production-pounds-p.csv",
        ("Production",),
        "Month",
        # the header has curly quotes, so the reader sees one field: name the columns ourselves
        {"header": 0, "names": ["Month", "Production"]},
        "%Y-%m",
        "Monthly milk production, pounds per cow, 1962-01 … 1975-12 (168 months)",
    ),
    "airline": CsvSpec(
        "airline-passengers.csv",
        ("Passengers",),
        "Month",
        {},
        "%Y-%m",
        "International airline passengers, thousands per month, 1949-01 … 1960-12 (144 months)",
    ),
    "usercount": CsvSpec(
        "usercount_app.csv",
        ("users", "sessions", "newusers"),
        "time",
        {"sep": ";"},
        "%d.%m.%y %H:%M",
        "Hourly users, sessions and new users of a web app, 2018-12-22 09:00 … 2018-12-29 09:00 (169 hours)",
    ),
}
SEPARATORS = (",", ";", "\t", "|")
LARGEST_VALUE = 1e150  # squares of larger values overflow float64, so no error metric could be computed


@dataclass
class Series:
    """A (multi-column) series: values (L, F) float64, timestamps (or None), column names, source.

    `source` is a file name or URL, never a path on this machine. `season_label` says where the season
    came from; `notices` are the lines the loader wants the user to read (sorting, filling).
    """

    values: np.ndarray
    times: pd.Index | None
    columns: list[str]
    source: str
    season: int | None = None
    season_label: str = "no season"
    frequency: str | None = None
    notices: list[str] = field(default_factory=list)

    def __len__(self):
        return len(self.values)

    def column(self, name: str | None = None) -> np.ndarray:
        return self.values[:, 0 if name is None else self.columns.index(name)]


def bundled_path(name: str) -> Path:
    return Path(str(resources.files("frameforecast.datasets") / "files" / BUILTIN[name].filename))


def load_for(cfg: SeriesData) -> None:
    """Load (and cache) a series config's bundled series; nothing for your own CSV."""
    if cfg.series:
        load_builtin(cfg.series)


def load_builtin(name: str, columns: list[str] | None = None, season: int | None = None) -> Series:
    if name not in BUILTIN:
        raise UserError(f"unknown series {name!r}; bundled series are: {', '.join(BUILTIN)}")
    spec = BUILTIN[name]
    return load_csv(
        bundled_path(name),
        list(columns or spec.columns),
        spec.time_column,
        read_options=spec.read_options,
        time_format=spec.time_format,
        season=season,
    )


@dataclass(frozen=True)
class ReadLimit:
    """A bound on what the CSV reader takes in, checked before parsing; raised with an environment variable."""

    variable: str
    default: int
    what: str

    def value(self) -> int:
        import os

        text = os.environ.get(self.variable, "")
        return int(text) if text.isdigit() and int(text) > 0 else self.default

    def refuse(self, where: str, found: str) -> UserError:
        return UserError(
            f"{where}: {found}, over the limit of {self.value():,} {self.what}; raise it with "
            f"{self.variable}=N in the environment if the file is right, or pass a smaller file"
        )


MAX_MEGABYTES = ReadLimit("FRAMEFORECAST_MAX_INPUT_MB", 64, "MB of text (after decompression)")
MAX_LINE = ReadLimit("FRAMEFORECAST_MAX_LINE_KB", 256, "KB per line")
MAX_ROWS = ReadLimit("FRAMEFORECAST_MAX_ROWS", 1_000_000, "rows")
MAX_COLUMNS = ReadLimit("FRAMEFORECAST_MAX_COLUMNS", 10_000, "columns")


def _bounded_bytes(path: Path) -> tuple[bytes, bool]:
    """The file's bytes, gzip unpacked as a stream, never more than MAX_MEGABYTES (a 6 MB .gz that unpacks to
    6 GB, or a 40 GB sparse file, stops at the limit); (bytes, whether it was gzip)."""
    cap = MAX_MEGABYTES.value() * 2**20
    with open(path, "rb") as handle:
        gzipped = handle.read(2) == b"\x1f\x8b"
        handle.seek(0)
        if not gzipped and path.stat().st_size > cap:
            raise MAX_MEGABYTES.refuse(path.name, f"the file has {path.stat().st_size / 2**20:,.0f} MB")
        try:
            raw = (gzip.GzipFile(fileobj=handle) if gzipped else handle).read(cap + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise UserError(f"{path.name}: a damaged gzip file ({exc}); download or compress it again") from exc
    if len(raw) > cap:
        raise MAX_MEGABYTES.refuse(path.name, "it unpacks to more" if gzipped else "it has more")
    _check_lines(raw, path.name)
    return raw, gzipped


def _check_lines(raw: bytes, where: str) -> None:
    """Refuse a line longer than MAX_LINE or more rows than MAX_ROWS, counted on the bytes before parsing."""
    ends = np.flatnonzero(np.frombuffer(raw, np.uint8) == ord("\n"))
    if len(ends) > MAX_ROWS.value() + 1:
        raise MAX_ROWS.refuse(where, f"the file has {len(ends):,} lines")
    starts = np.concatenate([[0], ends + 1])
    stops = np.concatenate([ends, [len(raw)]])
    longest = int(np.argmax(stops - starts))
    if stops[longest] - starts[longest] > MAX_LINE.value() * 1024:
        length = (stops[longest] - starts[longest]) / 1024
        raise MAX_LINE.refuse(where, f"line {longest + 1} has {length:,.0f} KB")


def _text(path: Path) -> tuple[str, list[str]]:
    """The file's text: gzip unpacked, UTF-8 (with or without BOM) or else Latin-1; binary refused."""
    raw, gzipped = _bounded_bytes(path)
    notices = [f"{path.name}: read as gzip-compressed CSV"] if gzipped else []
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # a UTF-16 byte-order mark (Excel's "Unicode text")
        try:
            notices.append(f"{path.name}: read as UTF-16 text")
            return raw.decode("utf-16"), notices
        except UnicodeDecodeError as exc:
            raise UserError(
                f"{path.name}: an encoding problem: it starts as UTF-16 text but is not valid UTF-16 "
                f"({exc.reason} at byte {exc.start}); save it again as UTF-8 CSV"
            ) from exc
    head = raw[:65536]
    if b"\x00" in head:
        if head[1::2].count(0) > 0.4 * len(head[1::2]) or head[0::2].count(0) > 0.4 * len(head[0::2]):
            raise UserError(
                f"{path.name}: an encoding problem: it looks like UTF-16 text without a byte-order mark; "
                "save it as UTF-8 CSV"
            )
        raise UserError(f"{path.name}: looks like a binary file, not CSV text; export the data as a CSV file")
    try:
        return raw.decode("utf-8-sig"), notices
    except UnicodeDecodeError:
        notices.append(f"{path.name}: not valid UTF-8; read it as Latin-1")
        return raw.decode("latin-1"), notices


def _separator(text: str) -> str:
    """The separator the header line uses most (comma when it has none: a single column)."""
    header = text.lstrip().split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


THOUSANDS = r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?"  # 2,000 and 9,000.00
DECIMAL_COMMA = r"[+-]?\d*,\d+"  # 2,5


def _numeric(raw: pd.Series, name: str, where: str, sep: str = ",") -> tuple[np.ndarray, str | None]:
    """Numbers of one column, NaN where missing or non-finite, and how commas in it were read (None: none).

    A comma in a number is a thousands separator when the cells look like 2,000 or 9,000.00 and either the
    file is comma-separated (its numbers were quoted, as spreadsheets write them) or a decimal point follows;
    otherwise 2,5 is a decimal comma."""
    text = raw.astype(str).str.strip()
    blank = raw.isna().to_numpy() | (text == "").to_numpy() | text.str.lower().isin(["nan", "na", "null"]).to_numpy()
    numeric = pd.to_numeric(raw.where(~blank), errors="coerce")
    comma = None
    bad = numeric.isna().to_numpy() & ~blank
    if (
        bad.any()
        and text[bad].str.fullmatch(THOUSANDS).all()
        and (sep == "," or text[bad].str.contains(".", regex=False).any())
    ):
        numeric = pd.to_numeric(text.where(~blank).str.replace(",", "", regex=False), errors="coerce")
        comma, bad = "thousands separators", numeric.isna().to_numpy() & ~blank
    elif (
        bad.any()
        and text[bad].str.fullmatch(DECIMAL_COMMA).all()
        and not (sep == "," and text[bad].str.fullmatch(THOUSANDS).any())  # 2,000 beside 2,5: ambiguous
    ):
        numeric = pd.to_numeric(text.where(~blank).str.replace(",", ".", regex=False), errors="coerce")
        comma, bad = "decimal commas; read them as decimal points", numeric.isna().to_numpy() & ~blank
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise UserError(
            f"{where}: column {quote(name)} has a non-numeric value {quote(text.iloc[row])} at data row "
            f"{row + 1} (line {row + 2}); fix or remove that row"
        )
    values = np.array(numeric.to_numpy(dtype=float), dtype=float)  # pandas may hand out a read-only view
    huge = np.isfinite(values) & (np.abs(values) > LARGEST_VALUE)
    if huge.any():
        row = int(np.flatnonzero(huge)[0])
        raise UserError(
            f"{where}: column {quote(name)} has {text.iloc[row][:80]} at data row {row + 1} (line {row + 2}), "
            f"beyond ±{LARGEST_VALUE:g} where squared errors overflow; rescale the column"
        )
    values[~np.isfinite(values)] = np.nan  # inf and -inf are missing data
    return values, comma


def _refuse_missing(values: np.ndarray, columns: list[str], where: str, raw_text: pd.DataFrame) -> None:
    for j, name in enumerate(columns):
        missing = np.isnan(values[:, j])
        if missing.any():
            row = int(np.flatnonzero(missing)[0])
            cell = str(raw_text[name].iloc[row]).strip() if row < len(raw_text) else ""
            what = (
                f"a non-finite value {cell!r}"
                if cell.lower().lstrip("+-") in ("inf", "infinity")
                else "a missing value"
            )
            raise UserError(
                f"{where}: column {quote(name)} has {int(missing.sum())} missing or non-finite value(s), "
                f"the first ({what}) at data row {row + 1} (line {row + 2}); fix them, or pass --fill "
                "to interpolate"
            )


def _read_frame(text: str, where: str, options: dict, **more) -> pd.DataFrame:
    try:
        return pd.read_csv(io.StringIO(text), **options, **more)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as exc:
        raise UserError(
            f"{where}: not a readable CSV ({quote(str(exc).splitlines()[0] if str(exc) else exc, 120)}); save it "
            "as plain comma- or semicolon-separated text with a header row"
        ) from exc


def load_csv(
    path: str | Path,
    columns: list[str],
    time_column: str | None = None,
    *,
    fill: bool = False,
    read_options: dict | None = None,
    time_format: str | None = None,
    season: int | None = None,
    name: str | None = None,
    date_order: str = "auto",
) -> Series:
    """Read numeric `columns` and an optional time column from a CSV; UserError on any bad input.

    With a time column the rows are sorted by time, duplicates and gaps refused (or gaps filled with
    `fill`), and the season inferred from the step unless `season` is given.
    """
    path = Path(path)
    where = name or path.name
    if not path.exists():
        raise UserError(f"{where}: file not found; check the path given to --csv")
    if path.is_dir():
        raise UserError(f"{where}: is a folder, not a CSV file; pass the CSV file itself to --csv")
    if path.stat().st_size == 0:
        raise UserError(f"{where}: the file is empty; give a CSV with a header row and one row per time step")
    text, notices = _text(path)
    options = {"sep": _separator(text), "dtype": str, "keep_default_na": False, "skipinitialspace": True}
    options.update(read_options or {})
    wanted = list(columns) + ([time_column] if time_column else [])
    header = _read_frame(text, where, options, nrows=0)
    found = [str(c).strip() for c in header.columns]
    if len(found) > MAX_COLUMNS.value():
        raise MAX_COLUMNS.refuse(where, f"the header has {len(found):,} columns")
    for column in wanted:
        if column not in found:
            shown = ", ".join(quote(c, 40) for c in found[:12]) + (
                f" and {len(found) - 12} more" if len(found) > 12 else ""
            )
            raise UserError(
                f"{where}: no column {quote(column)}; the columns are {shown} "
                "— pass one of them to --column/--time-column"
            )
    frame = _read_frame(text, where, options, usecols=lambda c: str(c).strip() in wanted)
    frame.columns = [str(c).strip() for c in frame.columns]
    if len(frame) == 0:
        raise UserError(f"{where}: the file has a header but no data rows")
    values = np.empty((len(frame), len(columns)))
    for j, column in enumerate(columns):
        values[:, j], comma = _numeric(frame[column], column, where, options["sep"])
        if comma:
            notices.append(f"{where}: column {column!r} uses {comma}")
    times, frequency, inferred = None, None, None
    if time_column:
        times, read_as = time_axis.parse(frame[time_column], time_column, where, time_format, date_order)
        notices += read_as
        axis = time_axis.regularise(times, values, where, fill=fill)
        times, values, frequency, inferred = axis.times, axis.values, axis.frequency, axis.season
        notices += axis.notices
    missing = np.isnan(values)
    if missing.any():
        if not fill:
            _refuse_missing(values, columns, where, frame)
        values = time_axis.interpolate(values, times)
        notices.append(f"{where}: interpolated {int(missing.sum())} missing or non-finite value(s) (--fill)")
    if season is not None:
        label = f"season {season} (given by --season)"
    elif inferred is not None:
        season, label = inferred, f"season {inferred} (inferred from {frequency} timestamps)"
    elif frequency is not None:
        label = f"no season inferred from {frequency} timestamps"
    else:
        label = "no season (no time column)"
    return Series(values, times, list(columns), where, season, label, frequency, notices)


def load_url(
    url: str,
    columns: list[str],
    time_column: str | None = None,
    *,
    fill: bool = False,
    season: int | None = None,
    date_order: str = "auto",
) -> Series:
    """Download a CSV (cached) and read it like a local file."""
    from frameforecast.datasets.download import fetch

    filename = "url-" + hashlib.sha256(url.encode()).hexdigest()[:16] + ".csv"
    path = fetch(url, filename, None, offline_hint="download it yourself and pass --csv PATH")
    head = path.read_bytes()[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        path.unlink(missing_ok=True)  # keep no bad copy in the cache
        raise UserError(f"{public_url(url)}: the server sent an HTML page, not a CSV; use the link to the raw CSV file")
    return load_csv(path, columns, time_column, fill=fill, season=season, name=public_url(url), date_order=date_order)
