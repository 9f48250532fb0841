"""Shared fixtures: a smoke-profile suite run once per session, a free port, a local HTTP server."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook reads the groups
def pytest_collection_modifyitems(items):
    """Under pytest-xdist (`--dist loadgroup`), tests that share an expensive fixture run on one worker, so it
    is built once: every user of the session's smoke suite together, and a module's tests together when
    they share a module-scoped fixture. The rest are spread one by one."""
    for item in items:
        scopes = {d[-1].scope for d in item._fixtureinfo.name2fixturedefs.values() if d}
        if "smoke_suite" in item.fixturenames:
            item.add_marker(pytest.mark.xdist_group("smoke_suite"))
        elif "module" in scopes:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
needs_browser = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="Debian chromium + chromium-driver are not installed (scripts/test.sh installs them)",
)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1600",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@contextlib.contextmanager
def working_directory(path: Path):
    old = Path.cwd()
    os.chdir(path)
    try:
        yield path
    finally:
        os.chdir(old)


def default_sigint() -> None:
    """preexec_fn for a child that is sent SIGINT: a background job or a CI runner may have started this
    test run with SIGINT ignored, and a child inherits that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_served_run(experiments: list[str], cwd: Path, console: Path, port: int, preexec_fn=None):
    """`frameforecast run EXPERIMENTS --profile smoke --serve --port PORT` in a child process (console appended
    to `console`), with SIGINT at its default unless preexec_fn says otherwise."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("FRAMEFORECAST_")}
    command = [sys.executable, "-m", "frameforecast", "run", *experiments, "--profile", "smoke"]
    return subprocess.Popen(
        [*command, "--serve", "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=console.open("a"),
        stderr=subprocess.STDOUT,
        preexec_fn=preexec_fn or default_sigint,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CountingHandler(SimpleHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        CountingHandler.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server(tmp_path):
    """A real HTTP server on 127.0.0.1 serving tmp_path/www; yields (base_url, folder, request log)."""
    root = tmp_path / "www"
    root.mkdir()
    CountingHandler.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(CountingHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root, CountingHandler.requests
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("FRAMEFORECAST_CACHE", str(folder))
    return folder


def write_price_csv(path: Path, rows: int = 400) -> Path:
    import numpy as np

    rng = np.random.default_rng(0)
    usd = 1000 + np.cumsum(rng.normal(0, 10, rows))
    eur = usd * 0.9 + rng.normal(0, 5, rows)
    import pandas as pd

    days = pd.date_range("2017-01-01", periods=rows, freq="D").strftime("%Y-%m-%d")
    lines = ["date,usd,eur"] + [f"{d},{u:.2f},{e:.2f}" for d, u, e in zip(days, usd, eur)]
    path.write_text("\n".join(lines) + "\n")
    return path


def write_monthly_csv(path: Path, column: str = "sales", rows: int = 96) -> Path:
    import numpy as np

    t = np.arange(rows)
    values = 100 + t + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(0).normal(0, 2, rows)
    months = [f"{2000 + i // 12}-{1 + i % 12:02d}" for i in range(rows)]
    import csv

    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["month", column])
        writer.writerows(zip(months, [f"{v:.3f}" for v in values]))
    return path


# the smoke suite's own-CSV look-back run: its data options, as a user passes them
SHOP_ARGS = ["--csv", "shop.csv", "--column", "<script>alert(1)</script>", "--time-column", "month", "--season", "12"]


@pytest.fixture(scope="session")
def smoke_suite(tmp_path_factory):
    """The whole smoke suite plus a user-CSV look-back run and signals-4, run once; yields the project folder."""
    import subprocess
    import sys

    from frameforecast import cli

    root = tmp_path_factory.mktemp("suite")
    # the suite runs as `./run_lstm.sh --no-serve --profile smoke` runs it, in a fresh process whose console is kept
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_CPP", "PYTHONWARNINGS", "FRAMEFORECAST_"))}
    done = subprocess.run(
        [sys.executable, "-m", "frameforecast", "run", "--profile", "smoke"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    (root / "console.txt").write_text(done.stdout + done.stderr)
    assert done.returncode == 0, done.stderr[-3000:]
    with working_directory(root):
        write_monthly_csv(root / "shop.csv", column="<script>alert(1)</script>")
        args = ["--profile", "smoke", *SHOP_ARGS]
        assert cli.main(["train", "lookback", *args, "--direct-head"]) == 0
        assert cli.main(["evaluate", "lookback", *args]) == 0
        assert cli.main(["render", "lookback", *args]) == 0
        write_price_csv(root / "prices.csv")
        # an absolute path: the site must name the file, never where it lies on this machine
        args = [
            "--profile",
            "smoke",
            "--csv",
            str(root / "prices.csv"),
            "--columns",
            "usd,eur",
            "--time-column",
            "date",
        ]
        assert cli.main(["train", "signals-4", *args]) == 0
        assert cli.main(["evaluate", "signals-4", *args]) == 0
        assert cli.main(["render", "signals-4", *args]) == 0
        assert cli.main(["site"]) == 0
    return root
