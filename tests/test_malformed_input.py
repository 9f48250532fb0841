"""The malformed-input table: every kind of file a user may bring, with its documented outcome.

Each row either fails with one line, exit status 2, no traceback and nothing written under the project,
or runs (train + evaluate) with the documented behaviour: a notice line, finite metrics, "—" for an
undefined MASE.
"""

from __future__ import annotations

import gzip
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_bad_input import run_cli

from frameforecast import cli
from frameforecast.errors import UserError

ROWS = 72  # six years of months: enough for the corrected look-back mode with season 12


def months(rows: int = ROWS, start: int = 2000) -> list[str]:
    return [f"{start + i // 12}-{1 + i % 12:02d}" for i in range(rows)]


def trend_season(rows: int = ROWS) -> np.ndarray:
    t = np.arange(rows)
    return 100 + t + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(0).normal(0, 2, rows)


def csv_text(values=None, times=None, sep=",", header=("month", "sales"), fmt="{:.3f}") -> str:
    values = trend_season() if values is None else values
    times = months(len(values)) if times is None else times
    lines = [sep.join(header)] + [
        f"{t}{sep}{fmt.format(v) if not isinstance(v, str) else v}" for t, v in zip(times, values)
    ]
    return "\n".join(lines) + "\n"


def with_row(index: int, cell: str) -> str:
    values = [f"{v:.3f}" for v in trend_season()]
    values[index] = cell
    return csv_text(values)


def hours(rows: int) -> list[str]:
    return [f"2021-03-{1 + i // 24:02d} {i % 24:02d}:00" for i in range(rows)]


# name → (file content: str | bytes | callable(path), extra CLI args, outcome)
# outcome "error:<text>": one line containing text. outcome "ok:<text>": the run's output contains text.
CSV_CASES = {
    "utf8-bom": ("\ufeff" + csv_text(), [], "ok:"),
    "latin1": (
        csv_text(header=("month", "ventes_é")).encode("latin-1"),
        ["--column", "ventes_é"],
        "ok:read it as Latin-1",
    ),
    "semicolon": (csv_text(sep=";"), [], "ok:"),
    "tab": (csv_text(sep="\t"), [], "ok:"),
    "pipe": (csv_text(sep="|"), [], "ok:"),
    "decimal-comma": (csv_text(sep=";", fmt="{:.3f}").replace(".", ","), [], "ok:decimal commas"),
    "header-only": ("month,sales\n", [], "error:no data rows"),
    "single-row": (csv_text(trend_season()[:1]), [], "error:too few to infer the time step"),
    "directory": (lambda path: path.mkdir(), [], "error:is a folder"),
    "binary": (bytes(range(256)) * 8, [], "error:binary file"),
    "gzip": (gzip.compress(csv_text().encode()), [], "ok:gzip"),
    "gzip-damaged": (gzip.compress(csv_text().encode())[:60], [], "error:damaged gzip"),
    "empty": ("", [], "error:empty"),
    "newest-first": (
        "\n".join([csv_text().splitlines()[0]] + csv_text().splitlines()[1:][::-1]) + "\n",
        [],
        "ok:newest-first",
    ),
    "shuffled-rows": (
        "\n".join(
            [csv_text().splitlines()[0]] + list(np.random.default_rng(3).permutation(csv_text().splitlines()[1:]))
        )
        + "\n",
        [],
        "ok:out of time order",
    ),
    "duplicated-timestamp": (
        csv_text(times=months()[:5] + [months()[4]] + months()[6:]),
        [],
        "error:2000-05-01 00:00:00 appears more than once (lines 6, 7)",
    ),
    "gapped": (csv_text(trend_season()[:-1], months()[:10] + months()[11:]), [], "error:the first at 2000-11-01"),
    "gapped-fill": (
        csv_text(trend_season()[:-1], months()[:10] + months()[11:]),
        ["--fill"],
        "ok:filled 1 missing monthly",
    ),
    "inf": (with_row(7, "inf"), [], "error:non-finite value 'inf') at data row 8"),
    "minus-inf-fill": (with_row(7, "-inf"), ["--fill"], "ok:interpolated 1"),
    "non-numeric": (with_row(3, "twelve"), [], "error:'twelve' at data row 4"),
    "bad-timestamp": (
        csv_text(times=months()[:9] + ["not a date"] + months()[10:]),
        [],
        "error:'not a date' at data row 10",
    ),
    "irregular-timestamps": (
        csv_text(
            times=[
                f"2000-01-01 00:00:{i * i % 60:02d}"
                if i < 3
                else f"2000-01-{1 + i % 28:02d} {i % 24:02d}:{(7 * i) % 60:02d}"
                for i in range(ROWS)
            ]
        ),
        [],
        "error:",
    ),
    "month-end-dates": (
        csv_text(times=list(pd.date_range("2000-01-31", periods=ROWS, freq="ME").strftime("%Y-%m-%d"))),
        [],
        "ok:season 12 (inferred from monthly",
    ),
    "constant": (csv_text(np.full(ROWS, 5.0)), [], "ok:"),
    "exactly-seasonal": (csv_text(np.tile(np.arange(12.0) * 3 + 1, ROWS // 12)), [], "ok:"),
    "huge-values": (csv_text(trend_season() * 1e12, fmt="{:.6e}"), [], "ok:"),
    "overflowing-values": (csv_text(trend_season() * 1e200, fmt="{:.6e}"), [], "error:overflow"),
    "negative-values": (csv_text(trend_season() - 200), [], "ok:"),
    "no-time-no-season": (csv_text(), ["--no-time"], "error:pass --season"),
    "unknown-column": (csv_text(), ["--column", "price"], "error:no column 'price'"),
    "missing-file": (None, [], "error:file not found"),
    "thousands-separators": (csv_text(trend_season() * 30, fmt='"{:,.0f}"'), [], "ok:uses thousands separators"),
    "thousands-and-decimals-semicolon": (
        csv_text(trend_season() * 30, sep=";", fmt="{:,.2f}"),
        [],
        "ok:uses thousands separators",
    ),
    "thousands-beside-decimal-comma": (
        csv_text(
            [f'"{v:,.0f}"' if i % 2 else f'"{v:.1f}"'.replace(".", ",") for i, v in enumerate(trend_season() * 30)]
        ),
        [],
        "error:non-numeric value",
    ),
    "day-first-dates": (
        csv_text(times=list(pd.date_range("2000-01-31", periods=ROWS, freq="ME").strftime("%d.%m.%Y"))),
        [],
        "ok:read the dates of 'month' as day-first",
    ),
    "month-first-dates": (
        csv_text(times=list(pd.date_range("2000-01-31", periods=ROWS, freq="ME").strftime("%m/%d/%Y"))),
        [],
        "ok:read the dates of 'month' as month-first",
    ),
    "ambiguous-dates": (
        csv_text(times=list(pd.date_range("2000-01-01", periods=ROWS, freq="MS").strftime("%d.%m.%Y"))),
        [],
        "error:pass --date-order day-first or --date-order month-first",
    ),
    "ambiguous-dates-with-order": (
        csv_text(times=list(pd.date_range("2000-01-01", periods=ROWS, freq="MS").strftime("%d.%m.%Y"))),
        ["--date-order", "day-first"],
        "ok:season 12 (inferred from monthly",
    ),
    "dates-in-both-orders": (
        csv_text(
            times=["01.31.2000"] + list(pd.date_range("2000-02-29", periods=ROWS - 1, freq="ME").strftime("%d.%m.%Y"))
        ),
        [],
        "error:write every date in one order",
    ),
    "utf16": (csv_text().encode("utf-16"), [], "ok:read as UTF-16"),
    "utf16-without-bom": (csv_text().encode("utf-16-le"), [], "error:an encoding problem"),
    "too-short": (
        csv_text(trend_season()[:20]),
        [],
        "error:20 rows is too few for look_back 13 with season 12; at least 45",
    ),
    "shortest-allowed": (csv_text(trend_season()[:45]), [], "ok:"),
}


def _write(path, content):
    if content is None:
        return
    if callable(content):
        content(path)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


TRAINING = ["--seeds", "1", "--epochs", "1"]


def _args(name: str, extra: list[str]) -> list[str]:
    args = ["--profile", "smoke", "--csv", f"{name}.csv"]
    if "--column" not in extra:
        args += ["--column", "sales"]
    if "--no-time" not in extra:
        args += ["--time-column", "month"]
    return args + [a for a in extra if a != "--no-time"]


@pytest.mark.parametrize("name", sorted(CSV_CASES))
def test_csv_case(name, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    content, extra, outcome = CSV_CASES[name]
    _write(tmp_path / f"{name}.csv", content)
    args = _args(name, extra)
    kind, expected = outcome.split(":", 1)
    if kind == "error":
        line = run_cli(["train", "lookback", *args, *TRAINING], capsys, tmp_path)
        assert expected in line, line
        return
    assert cli.main(["train", "lookback", *args, *TRAINING]) == 0
    assert cli.main(["evaluate", "lookback", *args]) == 0
    out = capsys.readouterr()
    assert "Traceback" not in out.err and expected in out.out, out.out[-2000:]
    (metrics_path,) = tmp_path.glob("runs/*/metrics.json")
    text = metrics_path.read_text()
    assert "NaN" not in text and "Infinity" not in text
    result = json.loads(text)["modes"]["corrected"]
    for scores in [result["ensemble"], *result["baselines"].values()]:
        assert all(v is None or math.isfinite(v) for v in scores.values())
    if name in ("constant", "exactly-seasonal"):
        assert result["ensemble"]["mase"] is None and "scale is 0" in result["mase_note"]


def test_hourly_csv_infers_season_24_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    t = np.arange(24 * 7)
    values = 50 + 20 * np.sin(2 * np.pi * t / 24) + np.random.default_rng(1).normal(0, 1, len(t))
    (tmp_path / "hourly.csv").write_text(csv_text(values, hours(len(t)), header=("time", "users")))
    args = ["--profile", "smoke", "--csv", "hourly.csv", "--column", "users", "--time-column", "time"]
    for stage in ("train", "evaluate", "render"):
        assert cli.main([stage, "lookback", *args, *(TRAINING if stage == "train" else [])]) == 0
    assert cli.main(["site"]) == 0
    (run,) = tmp_path.glob("runs/lookback-*")
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["series"]["season"] == 24
    assert metrics["series"]["season_label"] == "season 24 (inferred from hourly timestamps)"
    page = (tmp_path / "site" / f"{run.name}.html").read_text()
    assert "season 24 (inferred from hourly timestamps)" in page
    assert str(tmp_path) not in page


def test_newest_first_airline_gives_the_same_numbers(tmp_path, monkeypatch, capsys):
    from frameforecast.datasets.series import bundled_path

    monkeypatch.chdir(tmp_path)
    lines = bundled_path("airline").read_text().splitlines()
    (tmp_path / "oldest.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "newest.csv").write_text("\n".join([lines[0]] + lines[1:][::-1]) + "\n")
    reports = []
    for name in ("oldest", "newest"):
        args = ["--profile", "smoke", "--csv", f"{name}.csv", "--column", "Passengers", "--time-column", "Month"]
        assert cli.main(["train", "lookback", *args, "--seeds", "1", "--epochs", "2"]) == 0
        assert cli.main(["evaluate", "lookback", *args]) == 0
        (metrics_path,) = tmp_path.glob(f"runs/lookback-{name}-passengers-*/metrics.json")
        reports.append(json.loads(metrics_path.read_text()))
    assert "sorted them oldest-first" in capsys.readouterr().out
    assert reports[0]["modes"] == reports[1]["modes"]


# ---------------------------------------------------------------- .npy files (the standard test file)
@pytest.fixture(scope="module")
def trained_video(tmp_path_factory):
    """A tiny mnist-predict model on the 64 × 64 canvas, trained once for the .npy cases."""
    from conftest import working_directory

    root = tmp_path_factory.mktemp("npy")
    with working_directory(root):
        assert (
            cli.main(
                [
                    "train",
                    "mnist-predict",
                    "--profile",
                    "smoke",
                    "--epochs",
                    "1",
                    "--steps-per-epoch",
                    "1",
                    "--run-dir",
                    "runs/std",
                ]
            )
            == 0
        )
    config = root / "runs/std/config.json"
    cfg = json.loads(config.read_text())
    cfg["canvas"] = 64
    config.write_text(json.dumps(cfg))
    return root


def _pickled(path):
    np.save(path, np.array([{"a": 1}] * 3, dtype=object), allow_pickle=True)


NPY_CASES = {
    "wrong-shape": (lambda p: np.save(p, np.zeros((20, 2, 32, 32), np.uint8)), "expected (20, N, 64, 64) uint8"),
    "wrong-dtype": (lambda p: np.save(p, np.zeros((20, 2, 64, 64), np.float32)), "expected (20, N, 64, 64) uint8"),
    "truncated": (
        lambda p: (np.save(p, np.zeros((20, 2, 64, 64), np.uint8)), p.write_bytes(p.read_bytes()[:5000])),
        "not a readable .npy",
    ),
    "pickled-object-array": (_pickled, "not a readable .npy"),
    "not-there": (lambda p: None, "does not exist"),
    "zero-sized": (lambda p: np.save(p, np.zeros((20, 0, 64, 64), np.uint8)), "expected (20, N, 64, 64) uint8"),
}


@pytest.mark.parametrize("name", sorted(NPY_CASES))
def test_npy_case(name, trained_video, monkeypatch, capsys):
    monkeypatch.chdir(trained_video)
    make, expected = NPY_CASES[name]
    path = trained_video / "inputs" / f"{name}.npy"
    path.parent.mkdir(exist_ok=True)
    make(path)
    line = run_cli(
        [
            "evaluate",
            "mnist-predict",
            "--profile",
            "smoke",
            "--run-dir",
            "runs/std",
            "--test-set",
            "standard",
            "--standard-file",
            str(path),
        ],
        capsys,
        trained_video,
    )
    assert expected in line


# ---------------------------------------------------------------- URLs
def _refused_port() -> int:
    from conftest import free_port

    return free_port()  # nothing listens there once the probe socket is closed


@pytest.mark.parametrize(
    "name,expected",
    [("404", "could not download"), ("refused", "could not download"), ("html", "HTML page, not a CSV")],
)
def test_url_case(name, expected, http_server, cache, tmp_path, monkeypatch, capsys):
    base, root, _ = http_server
    (root / "page.html").write_text("<!DOCTYPE html><html><body>Sign in</body></html>")
    url = {
        "404": f"{base}/missing.csv",
        "refused": f"http://127.0.0.1:{_refused_port()}/data.csv",
        "html": f"{base}/page.html",
    }[name]
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    line = run_cli(["train", "lookback", "--profile", "smoke", "--url", url, "--column", "sales"], capsys, project)
    assert expected in line
    assert not list(cache.rglob("*.csv")), "a bad download stayed in the cache"


def test_a_csv_error_in_a_fresh_process_prints_exactly_one_line(tmp_path):
    """No TensorFlow log line before the error: the CSV is read before Keras is imported."""
    import subprocess
    import sys

    (tmp_path / "dup.csv").write_text(csv_text(times=months()[:5] + [months()[4]] + months()[6:]))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "frameforecast",
            "train",
            "lookback",
            "--csv",
            "dup.csv",
            "--column",
            "sales",
            "--time-column",
            "month",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == "" and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "appears more than once" in done.stderr and not (tmp_path / "runs").exists()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e7, 1e7, allow_nan=False).map(lambda v: round(v, 2)), min_size=3, max_size=30))
def test_thousands_separators_read_as_the_numbers_they_write(values):
    from frameforecast.datasets.series import _numeric

    cells = pd.Series([f"{v:,.2f}" for v in values])
    for sep in (",", ";"):
        parsed, how = _numeric(cells, "sales", "prices.csv", sep)
        assert np.allclose(parsed, values, rtol=0, atol=1e-9)
        assert how in (None, "thousands separators")


@settings(max_examples=30, deadline=None)
@given(st.dates(min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2030-01-01").date()))
def test_numeric_dates_are_never_silently_swapped(start):
    from frameforecast.datasets import time_axis

    days = pd.date_range(start, periods=40, freq="D")
    for fmt, order in (("%d.%m.%Y", "day-first"), ("%m/%d/%Y", "month-first")):
        text = pd.Series(days.strftime(fmt))
        try:
            parsed, _ = time_axis.parse(text, "date", "x.csv")
        except UserError as exc:  # every day and month of the window is 12 or less: the order must be given
            assert "--date-order" in str(exc)
            parsed, _ = time_axis.parse(text, "date", "x.csv", order=order)
        assert (parsed == days).all()


def test_weekly_data_too_short_for_holt_winters_lists_it_with_its_reason(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    weeks = list(pd.date_range("2015-01-04", periods=120, freq="W").strftime("%Y-%m-%d"))
    (tmp_path / "weekly.csv").write_text(csv_text(trend_season(120), weeks))
    args = ["lookback", "--profile", "smoke", "--csv", "weekly.csv", "--column", "sales", "--time-column", "month"]
    assert cli.main(["train", *args, *TRAINING]) == 0
    assert cli.main(["evaluate", *args]) == 0
    (metrics_path,) = tmp_path.glob("runs/*/metrics.json")
    result = json.loads(metrics_path.read_text())["modes"]["corrected"]
    assert result["refused_baselines"] == {
        "Holt-Winters": "the training part has 80 points; it needs 105 with season 52"
    }
    assert result["shrinkage"]["toward"] in {**result["baselines"], **result["peers"]}


def test_two_non_ascii_columns_of_one_file_get_their_own_run_folders(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    rows = [f"{m},{v:.3f},{2 * v:.3f}" for m, v in zip(months(), trend_season())]
    (tmp_path / "shop.csv").write_text("month,销售,收入\n" + "\n".join(rows) + "\n", encoding="utf-8")
    for column in ("销售", "收入"):
        args = ["lookback", "--profile", "smoke", "--csv", "shop.csv", "--column", column, "--time-column", "month"]
        assert cli.main(["train", *args, *TRAINING]) == 0
        assert cli.main(["evaluate", *args]) == 0
    folders = sorted(p.parent.name for p in tmp_path.glob("runs/*/metrics.json"))
    assert len(folders) == 2, folders
    assert {json.loads((tmp_path / "runs" / f / "metrics.json").read_text())["series"]["column"] for f in folders} == {
        "销售",
        "收入",
    }
