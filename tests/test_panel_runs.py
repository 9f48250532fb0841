"""A panel through the command line, as a user runs one: `frameforecast run panel --csv FILE --horizon H` in a new
process gives the page (aggregate table, per-series ratios, series browser, forecasts.csv); a malformed panel is
one line naming the series, with nothing left behind; the peers on a 2-worker Dask cluster on 127.0.0.1 equal
the local ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from frameforecast.datasets import panels
from frameforecast.errors import UserError
from frameforecast.forecasters import panel_peers

STORES = ("north", "south", "east", "west")


def write_stores(path: Path, short: str | None = None) -> Path:
    rng = np.random.default_rng(0)
    rows = []
    for k, sid in enumerate(STORES):
        n = 4 if sid == short else 60 + 6 * k
        t = pd.date_range("2018-01-01", periods=n, freq="MS")
        y = 200 + 20 * k + 30 * np.sin(2 * np.pi * np.arange(n) / 12) + np.arange(n) * (1 + k) + rng.normal(0, 5, n)
        rows.append(pd.DataFrame({"store": sid, "month": t, "sales": y}))
    pd.concat(rows).to_csv(path, index=False)
    return path


def frameforecast(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_CPP", "FRAMEFORECAST_"))}
    return subprocess.run(
        [sys.executable, "-m", "frameforecast", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


PANEL_OPTIONS = ["--horizon", "6", "--id-column", "store", "--time-column", "month", "--value-column", "sales"]


@pytest.fixture(scope="module")
def panel_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("panel")
    write_stores(root / "stores.csv")
    done = frameforecast(root, "run", "panel", "--profile", "smoke", "--csv", "stores.csv", *PANEL_OPTIONS)
    assert done.returncode == 0, done.stderr[-3000:]
    return root


def test_a_user_panel_runs_from_the_command_line_into_its_own_page(panel_run):
    (folder,) = [p for p in (panel_run / "runs").iterdir() if p.name.startswith("panel-stores-h6")]
    config = json.loads((folder / "config.json").read_text())
    assert config["horizon"] == 6 and config["id_column"] == "store" and config["csv"] == "stores.csv"
    forecasts = pd.read_csv(folder / "forecasts.csv")
    assert list(forecasts.columns[:3]) == ["unique_id", "ds", "y"] and len(forecasts) == 6 * len(STORES)
    assert {"global LSTM (shrunk)", "AutoARIMA", "AutoETS", "AutoTheta", "Naive2"} <= set(forecasts.columns)
    truth = pd.read_csv(panel_run / "stores.csv").groupby("store").tail(6)
    np.testing.assert_allclose(np.sort(forecasts.y), np.sort(truth.sales))  # each series' last 6 points
    page = (panel_run / "site" / f"{folder.name}.html").read_text()
    for said in ("global LSTM (shrunk)", "mean of ETS, ARIMA, Theta", "Browse the series", "forecasts.csv"):
        assert said in page, said
    data = json.loads(page.split('id="windows-data">')[1].split("</script>")[0])
    assert [w["name"] for w in data["windows"]] == list(STORES)
    assert all(len(w["band"]["low"]) == 6 and w["end"] - w["start"] == 6 for w in data["windows"])
    assert (panel_run / "site" / folder.name / "forecasts.csv").exists()
    assert folder.name in (panel_run / "site" / "index.html").read_text()


def test_the_browser_sorts_the_series_by_the_models_gain(panel_run, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    (page,) = [p for p in (panel_run / "site").glob("panel-stores-h6*.html")]
    browser.get(page.as_uri())
    data = json.loads(browser.find_element(By.ID, "windows-data").get_attribute("textContent"))
    model, compared = data["model"], Select(browser.find_element(By.ID, "windows-compare")).first_selected_option.text
    gains = {w["name"]: w["rmse"][compared] - w["rmse"][model] for w in data["windows"]}
    Select(browser.find_element(By.ID, "windows-sort")).select_by_value("gain")
    assert browser.find_element(By.ID, "windows-position").text.startswith(min(gains, key=gains.get) + ":")
    Select(browser.find_element(By.ID, "windows-sort")).select_by_value("best")
    assert browser.find_element(By.ID, "windows-position").text.startswith(max(gains, key=gains.get) + ":")
    assert browser.find_element(By.ID, "band-model").get_attribute("d")


def test_a_malformed_panel_is_refused_in_one_line_naming_the_series_and_leaves_nothing(tmp_path):
    write_stores(tmp_path / "stores.csv", short="east")
    done = frameforecast(tmp_path, "run", "panel", "--profile", "smoke", "--csv", "stores.csv", *PANEL_OPTIONS)
    assert done.returncode == 2, done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "series east has 4 points" in lines[0] and "Traceback" not in done.stderr
    assert not any((tmp_path / "runs").glob("panel-*"))


def test_a_panel_option_another_experiment_does_not_read_is_refused(tmp_path):
    done = frameforecast(tmp_path, "run", "m3-monthly", "--profile", "smoke", "--horizon", "6")
    assert done.returncode == 2 and "--horizon is not a data option of m3-monthly" in done.stderr


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """A Dask scheduler on 127.0.0.1 and 2 workers, started as a user starts them (`dask scheduler`, `dask
    worker`); yields the scheduler's address."""
    folder = tmp_path_factory.mktemp("dask")
    dask = str(Path(sys.executable).parent / "dask")
    file = folder / "scheduler.json"
    common = dict(cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    scheduler = subprocess.Popen(
        [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(file)],
        **common,
    )
    deadline = time.monotonic() + 60
    while not file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    worker = subprocess.Popen(
        [dask, "worker", "--scheduler-file", str(file), "--nworkers", "2", "--nthreads", "1", "--no-dashboard"],
        **common,
    )
    try:
        address = json.loads(file.read_text())["address"]
        from dask.distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for process in (worker, scheduler):
            process.terminate()
            process.wait(timeout=30)


def test_a_two_worker_dask_cluster_reproduces_the_local_peers(dask_cluster):
    panel = panels.competition("m3-monthly").sample(8, seed=5)
    local = panel_peers.benchmarks(panel, n_jobs=1)
    remote = panel_peers.benchmarks(panel, cluster=dask_cluster)
    assert set(local) == set(remote)
    for name in local:
        for mine, theirs in zip(local[name], remote[name]):
            np.testing.assert_allclose(theirs, mine, rtol=1e-5, err_msg=name)


def test_a_cluster_that_does_not_answer_is_one_line(free_tcp_port):
    panel = panels.competition("m3-monthly").sample(2, seed=5)
    with pytest.raises(UserError, match=f"--cluster tcp://127.0.0.1:{free_tcp_port}: no Dask scheduler answers"):
        panel_peers.benchmarks(panel, cluster=f"tcp://127.0.0.1:{free_tcp_port}")


@pytest.fixture
def free_tcp_port() -> int:
    from conftest import free_port

    return free_port()
