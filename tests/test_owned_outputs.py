"""Nothing a user owns is deleted or overwritten; hostile numbers, names and files stop with one line; the site
publishes no secret and the server serves regular files under site/ only (issue 39)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import free_port, write_monthly_csv
from hypothesis import given, settings
from hypothesis import strategies as st
from test_bad_input import run_cli

from frameforecast import cli, names
from frameforecast.errors import UserError


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _tiny_site_runs(root: Path) -> Path:
    """A runs/ folder the site can build from without training anything: an empty one."""
    runs = root / "runs"
    runs.mkdir(exist_ok=True)
    return runs


# ---------------------------------------------------------------- site --out never deletes the user's files
@pytest.mark.parametrize("out", [".", "mydocs", "runs"])
def test_site_refuses_a_folder_holding_the_users_files(project, capsys, out):
    _tiny_site_runs(project)
    (project / "mydocs").mkdir()
    (project / "mydocs" / "thesis.txt").write_text("two years of work")
    (project / "notes.txt").write_text("mine")
    (project / "runs" / "model-i-trained").mkdir()
    line = run_cli(["site", "--out", out], capsys, project)
    assert "did not write" in line and "--out" in line
    assert (project / "mydocs" / "thesis.txt").read_text() == "two years of work"
    assert (project / "notes.txt").read_text() == "mine"


def test_site_rebuilds_its_own_folder_and_removes_only_what_it_wrote(project, capsys):
    _tiny_site_runs(project)
    assert cli.main(["site", "--out", "public"]) == 0
    marker = (project / "public" / ".frameforecast-site").read_text().splitlines()
    assert "index.html" in marker and "style.css" in marker
    (project / "public" / "README-mine.txt").write_text("placed by the user after the build")
    (project / "public" / "gone.html").write_text("old page")
    (project / "public" / ".frameforecast-site").write_text("\n".join([*marker, "gone.html"]) + "\n")
    assert cli.main(["site", "--out", "public"]) == 0
    assert (project / "public" / "README-mine.txt").exists(), "a file the site did not write was deleted"
    assert not (project / "public" / "gone.html").exists(), "a page of the previous build stayed"
    assert (project / "public" / "index.html").exists()
    assert not [p for p in (project / "public").iterdir() if p.name.startswith(".frameforecast-build-")]


def test_an_empty_folder_or_one_with_only_gitkeep_takes_a_site(project):
    _tiny_site_runs(project)
    (project / "fresh").mkdir()
    (project / "fresh" / ".gitkeep").write_text("")
    assert cli.main(["site", "--out", "fresh"]) == 0
    assert (project / "fresh" / "index.html").exists() and (project / "fresh" / ".gitkeep").exists()


def test_a_fresh_clones_site_folder_takes_the_suites_status_and_site(project):
    """site/ holds only .gitkeep in a fresh clone; the suite publishes its status before the first build."""
    from frameforecast.report import site

    runs = _tiny_site_runs(project)
    (project / "site").mkdir()
    (project / "site" / ".gitkeep").write_text("")
    (runs / site.STATUS_FILE).write_text(json.dumps({"profile": "smoke", "experiments": {}}))
    site.publish_status(runs, project / "site")  # not a site yet: nothing written
    assert sorted(p.name for p in (project / "site").iterdir()) == [".gitkeep"]
    site.build(runs, project / "site")
    site.publish_status(runs, project / "site")
    site.build(runs, project / "site")
    assert (project / "site" / "status.json").exists() and (project / "site" / "index.html").exists()


@pytest.mark.parametrize(
    "code,expected",
    [(errno.ENOSPC, "free some disk space"), (errno.EROFS, "read-only"), (errno.EXDEV, "different file systems")],
)
def test_a_file_system_that_refuses_a_write_leaves_the_previous_site(project, capsys, monkeypatch, code, expected):
    from frameforecast.report import site

    _tiny_site_runs(project)
    assert cli.main(["site"]) == 0
    before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(project / "site" / "index.html"))

    monkeypatch.setattr(site, "_render_all", refuse)
    assert cli.main(["site"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expected in err[0] and "site" in err[0], err
    after = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    assert after == before


def test_a_metrics_file_that_is_not_an_object_is_one_line(project, capsys):
    runs = _tiny_site_runs(project)
    (runs / "broken").mkdir()
    (runs / "broken" / "metrics.json").write_text("[]")
    line = run_cli(["site"], capsys, project)
    assert "broken" in line and "not the object" in line


# ---------------------------------------------------------------- names: unique and never empty
@pytest.mark.parametrize("variant", ["../..", "", "..", "///", "🎥"])
def test_a_variant_that_reduces_to_nothing_gets_its_own_folder(project, variant):
    from frameforecast import pipeline

    _, cfg, folder = pipeline.resolve("signals-1", "smoke", {"tuned.units": 9}, None, variant)
    assert folder != Path("runs/signals-1") and folder.name.startswith("signals-1--") and cfg.variant
    assert folder.parent == Path("runs")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.text(max_size=30))
def test_two_different_texts_never_share_a_folder_name(first, second):
    a, b = names.slug(first), names.slug(second)
    assert a and b and "/" not in a and ".." not in a
    assert (a == b) == (first == second)


def test_two_emoji_videos_get_two_prediction_folders(tmp_path):
    from frameforecast.stages.video_predict import folder_name

    assert folder_name(tmp_path / "🎥.gif") != folder_name(tmp_path / "📹.gif")
    assert folder_name(tmp_path / "🎥.gif") == folder_name(tmp_path / "🎥.gif")  # the same clip: its own folder
    assert folder_name(tmp_path / "street.mp4") != folder_name(tmp_path / "Street.mp4")


def test_two_csv_files_with_one_name_in_two_folders_get_two_runs(project):
    from frameforecast import pipeline

    folders = set()
    for where in ("a", "b"):
        (project / where).mkdir()
        write_monthly_csv(project / where / "sales.csv")
        folders.add(pipeline.resolve("lookback", "smoke", {"csv": f"{where}/sales.csv", "column": "sales"})[2])
    assert len(folders) == 2


# ---------------------------------------------------------------- numbers checked where they enter
@pytest.mark.parametrize(
    "args,expected",
    [
        (["serve", "--port", "70000"], "1 … 65535"),
        (["run", "signals-1", "--port", "0"], "at least 1"),
        (["train", "signals-1", "--profile", "smoke", "--seed", "4294967296"], "2**32 - 1"),
        (["train", "signals-1", "--profile", "smoke", "--learning-rate", "inf"], "finite"),
        (["train", "signals-1", "--profile", "smoke", "--learning-rate", "nan"], "finite"),
        (["train", "milk-lookback", "--profile", "smoke", "--units", "100000"], "GiB"),
        (["train", "mnist-predict", "--profile", "smoke", "--filters", "200000"], "GiB"),
    ],
)
def test_numbers_out_of_range_are_one_line(project, capsys, args, expected):
    line = run_cli(args, capsys, project)
    assert expected in line


def test_a_learning_rate_that_diverges_stops_with_one_line_and_leaves_nothing(project, capsys):
    line = run_cli(
        ["train", "signals-1", "--profile", "smoke", "--learning-rate", "1e30", "--seed", "1"], capsys, project
    )
    assert "diverged" in line and "--learning-rate" in line


def test_metrics_json_never_holds_nan(tmp_path):
    from frameforecast.atomic import write_json

    write_json(tmp_path / "m.json", {"rmse": float("nan"), "per_step": [1.0, float("inf")], "n": 3})
    text = (tmp_path / "m.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == {"rmse": None, "per_step": [1.0, None], "n": 3}


# ---------------------------------------------------------------- one writer per run folder
def test_a_second_writer_of_a_run_folder_is_refused_naming_the_holder(project, capsys):
    from frameforecast import runlock

    with runlock.writer(project / "runs" / "x"):
        child = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from frameforecast import runlock; from frameforecast.errors import UserError\n"
                "try:\n    with runlock.writer(sys.argv[1]): pass\nexcept UserError as e:\n    print(e)",
                str(project / "runs" / "x"),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert f"process {os.getpid()}" in child.stdout and "is being written by" in child.stdout, child
    with runlock.writer(project / "runs" / "x"):  # released: free again
        pass


def test_two_concurrent_trainings_of_one_run(project, capsys):
    """The second is refused in one line; the first completes and renders."""
    args = ["mnist-predict", "--profile", "smoke", "--run-dir", "runs/shared"]
    first = subprocess.Popen(
        [sys.executable, "-m", "frameforecast", "train", *args, "--epochs", "2"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    from frameforecast.runlock import holder

    folder = project / "runs" / "shared"
    deadline = time.monotonic() + 120
    while not (folder.exists() and f"process {first.pid}" in holder(folder)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert first.poll() is None, first.stdout.read()
    assert cli.main(["train", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"process {first.pid}" in err[0], err
    output, _ = first.communicate(timeout=600)
    assert first.returncode == 0, output[-3000:]
    history = (project / "runs" / "shared" / "history.csv").read_text().splitlines()
    assert history[0].startswith("epoch") and [row.split(",")[0] for row in history[1:]] == ["0", "1"]
    assert cli.main(["evaluate", *args, "--limit", "4"]) == 0
    assert cli.main(["render", *args]) == 0


# ---------------------------------------------------------------- bounded reading
def _lookback(csv: str) -> list[str]:
    return ["train", "lookback", "--profile", "smoke", "--csv", csv, "--column", "sales", "--time-column", "month"]


def test_a_gzip_bomb_stops_at_the_limit(project, capsys, monkeypatch):
    import gzip

    monkeypatch.setenv("FRAMEFORECAST_MAX_INPUT_MB", "2")
    with gzip.open(project / "bomb.csv.gz", "wb") as handle:
        handle.write(b"month,sales\n")
        for _ in range(40):
            handle.write(b"2000-01,1\n" * 100_000)
    line = run_cli(_lookback("bomb.csv.gz"), capsys, project)
    assert "FRAMEFORECAST_MAX_INPUT_MB" in line and "unpacks to more" in line


def test_a_huge_sparse_file_is_refused_before_it_is_read(project, capsys):
    with open(project / "sparse.csv", "wb") as handle:
        handle.truncate(40 * 2**30)
    line = run_cli(_lookback("sparse.csv"), capsys, project)
    assert "40,960 MB" in line and "FRAMEFORECAST_MAX_INPUT_MB" in line


def test_a_huge_header_line_is_refused_and_not_echoed(project, capsys):
    (project / "wide.csv").write_text("month,sales," + "x" * 2_000_000 + "\n2000-01,1,2\n")
    line = run_cli(_lookback("wide.csv"), capsys, project)
    assert "FRAMEFORECAST_MAX_LINE_KB" in line and len(line) < 700


def test_too_many_columns_is_one_line(project, capsys):
    header = ",".join(["month", "sales", *(f"c{i}" for i in range(12_000))])
    (project / "many.csv").write_text(header + "\n")
    line = run_cli(_lookback("many.csv"), capsys, project)
    assert "FRAMEFORECAST_MAX_COLUMNS" in line


def test_a_junk_cell_is_quoted_in_at_most_80_characters(project, capsys):
    write_monthly_csv(project / "junk.csv")
    lines = (project / "junk.csv").read_text().splitlines()
    lines[3] = lines[3].split(",")[0] + "," + "z" * 100_000
    (project / "junk.csv").write_text("\n".join(lines) + "\n")
    line = run_cli(_lookback("junk.csv"), capsys, project)
    assert "non-numeric value" in line and "z" * 81 not in line and len(line) < 400


# ---------------------------------------------------------------- awkward but valid
def test_a_model_file_with_a_lambda_layer_is_one_line(project, capsys):
    import keras

    inputs = keras.Input((10, 64, 64, 1))
    model = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(inputs))
    folder = project / "runs" / "mnist-predict"
    folder.mkdir(parents=True)
    model.save(folder / "model.keras")
    from frameforecast.config import experiments

    (folder / "config.json").write_text(
        json.dumps(experiments.get("mnist-predict").config("smoke").replace(run_name="mnist-predict").as_json())
    )
    import numpy as np

    np.save(project / "clip.npy", np.zeros((12, 64, 64), np.uint8))
    line = run_cli(["predict", "mnist-predict", "--video", "clip.npy"], capsys, project)
    assert "cannot be loaded" in line and "model.keras" in line


def test_forecast_timestamps_past_2262_fall_back_to_steps():
    import numpy as np
    import pandas as pd

    from frameforecast.datasets.series import Series
    from frameforecast.stages.series_future import future_times

    times = pd.date_range("2250-01-01", "2262-03-01", freq="MS")
    series = Series(np.ones((len(times), 1)), times, ["y"], "far.csv", 12, frequency="monthly")
    stamps = future_times(series, 3)
    assert len(stamps) == 3 and all("step" in s for s in stamps)


def test_a_column_name_with_dollars_plots_as_written(tmp_path):
    import numpy as np

    from frameforecast.report import plots

    future = {"times": ["1", "2"], "forecast": [1.0, 2.0]}
    for level in (80, 95):
        future[f"lo{level}"], future[f"hi{level}"] = [0.0, 1.0], [2.0, 3.0]
    plots.future_with_intervals(tmp_path / "f.png", None, np.arange(10.0), future, "$\\frac{a$", "$x^$")
    assert (tmp_path / "f.png").stat().st_size > 1000


# ---------------------------------------------------------------- secrets and the server
def test_a_url_is_published_without_its_query_or_credentials():
    url = "https://user:secret@bucket.example.com:8443/data/sales.csv?X-Amz-Signature=abc123&X-Amz-Credential=k#x"
    public = names.public_url(url)
    assert public == "https://bucket.example.com:8443/data/sales.csv"
    for secret in ("abc123", "secret", "user", "X-Amz", "#x"):
        assert secret not in public


def test_a_site_built_from_a_signed_url_contains_no_part_of_the_query(http_server, cache, project, capsys):
    base, root, _ = http_server
    write_monthly_csv(root / "sales.csv")
    url = f"{base}/sales.csv?X-Amz-Signature=deadbeefcafe&token=hush"
    args = ["lookback", "--profile", "smoke", "--url", url, "--column", "sales", "--time-column", "month"]
    assert cli.main(["train", *args, "--seeds", "1", "--epochs", "1"]) == 0
    assert cli.main(["evaluate", *args]) == 0
    assert cli.main(["render", *args]) == 0
    assert cli.main(["site"]) == 0
    for path in (project / "site").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in (b"deadbeefcafe", b"X-Amz-Signature", b"hush"):
                assert secret not in data, f"{secret} published in {path}"
    (run,) = (project / "runs").glob("lookback-*")
    assert b"deadbeefcafe" not in (run / "metrics.json").read_bytes()


def test_the_server_serves_no_symlink_no_hidden_file_and_no_listing(project):
    import threading

    from frameforecast.report import server

    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>home</p>")
    (site / "pages").mkdir()
    (site / "pages" / "a.html").write_text("a")
    (project / "private.txt").write_text("secret")
    (project / "private").mkdir()
    (project / "private" / "key.txt").write_text("secret")
    (site / "link.txt").symlink_to(project / "private.txt")
    (site / "folder").symlink_to(project / "private")
    (site / ".frameforecast-site").write_text("index.html\n")
    port = free_port()
    httpd = server.make_server(site, "127.0.0.1", port)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:

        def status(path: str) -> int:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                    return response.status
            except urllib.error.HTTPError as exc:
                return exc.code

        assert status("/") == 200 and status("/pages/a.html") == 200
        for path in ("/link.txt", "/folder/key.txt", "/folder/", "/.frameforecast-site", "/pages/"):
            assert status(path) == 404, path
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_user_error_lines_are_cut_to_one_readable_line(capsys, monkeypatch):
    def huge(args):
        raise UserError("x" * 5000 + "\nsecond line")

    monkeypatch.setitem(cli.COMMANDS, "site", huge)
    assert cli.main(["site"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and len(err[0]) <= len("frameforecast: error: ") + 600


def test_a_marker_never_reaches_outside_the_site_or_through_a_symlink(project):
    """A marker edited to list ../ paths or a folder that is now a symlink deletes nothing outside the site."""
    _tiny_site_runs(project)
    assert cli.main(["site", "--out", "public"]) == 0
    (project / "thesis.txt").write_text("mine")
    (project / "elsewhere").mkdir()
    (project / "elsewhere" / "notes.html").write_text("mine too")
    (project / "public" / "linked").symlink_to(project / "elsewhere")
    marker = project / "public" / ".frameforecast-site"
    marker.write_text(marker.read_text() + f"../thesis.txt\n{project / 'thesis.txt'}\nlinked/notes.html\n")
    assert cli.main(["site", "--out", "public"]) == 0
    assert (project / "thesis.txt").read_text() == "mine"
    assert (project / "elsewhere" / "notes.html").read_text() == "mine too"


def test_a_user_file_with_a_site_files_name_is_not_replaced(project, capsys):
    _tiny_site_runs(project)
    assert cli.main(["site", "--out", "public"]) == 0
    marker = project / "public" / ".frameforecast-site"
    marker.write_text("".join(f"{line}\n" for line in marker.read_text().splitlines() if line != "style.css"))
    (project / "public" / "style.css").write_text("/* my own */")
    assert cli.main(["site", "--out", "public"]) == 2
    assert "was not written by this project" in capsys.readouterr().err
    assert (project / "public" / "style.css").read_text() == "/* my own */"


def test_a_refused_train_leaves_a_run_another_command_made_meanwhile(project, monkeypatch):
    """In a fresh project runs/ is made by the first train; if that train is refused, a run another command
    wrote into runs/ meanwhile stays."""
    from frameforecast import estimate, pipeline

    exp, cfg, folder = pipeline.resolve("signals-1", "smoke")

    def refuse(_cfg):
        (project / "runs" / "other").mkdir(parents=True, exist_ok=True)
        (project / "runs" / "other" / "model.keras").write_text("another run")
        raise UserError("too big")

    monkeypatch.setattr(estimate, "check_fits", refuse)
    with pytest.raises(UserError):
        pipeline.train(exp, cfg, folder)
    assert (project / "runs" / "other" / "model.keras").read_text() == "another run"
    assert not folder.exists()
