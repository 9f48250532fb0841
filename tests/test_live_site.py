"""The live site: suite order, progress and ETA, resuming a stopped suite, the server under load during
rebuilds, and a browser watching a smoke run."""

from __future__ import annotations

import json
import re
import signal
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import default_sigint, free_port, needs_browser, start_served_run, working_directory

from frameforecast import pipeline, progress
from frameforecast.config import experiments
from frameforecast.report import server, site

ROOT = Path(__file__).resolve().parents[1]
NOISE_SECONDS = 15


def test_the_suite_runs_every_bundled_experiment_fastest_first():
    bundled = [n for n, e in experiments.EXPERIMENTS.items() if not e.needs_input and e.in_suite]
    assert sorted(experiments.SUITE) == sorted(bundled)
    assert {"m3-monthly", "tourism-monthly"} <= {n for n, e in experiments.EXPERIMENTS.items() if not e.in_suite}
    assert experiments.SUITE.index("mnist-composite") > experiments.SUITE.index("mnist-predict")  # it warm-starts
    records = [json.loads(p.read_text()) for p in sorted((ROOT / "runs/bench").glob("*.json"))]
    measured = [r["suite"]["experiment_seconds"] for r in records if r.get("suite", {}).get("experiment_seconds")]
    seconds = measured[-1]  # the newest quick-suite measurement on this machine
    from frameforecast.config.values import SUITE_SCALED

    # the long video trainings come last by design: on a slow machine they take what time is left
    assert list(experiments.SUITE[-len(SUITE_SCALED) :]) == list(SUITE_SCALED)
    independent = [n for n in experiments.SUITE if n not in SUITE_SCALED]
    # in order, up to run-to-run noise of a few seconds (the first also pays TensorFlow's start-up)
    later_minimum = [min(seconds[n] for n in independent[i + 1 :]) for i in range(len(independent) - 1)]
    assert all(seconds[n] <= later + NOISE_SECONDS for n, later in zip(independent, later_minimum))


def test_progress_lines_status_and_eta(tmp_path, monkeypatch):
    now = [100.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: now[0])
    lines = []
    tracker = progress.SuiteProgress(["a", "b"], "quick", tmp_path, log=lines.append, estimates={("a", "train"): 40})
    with tracker:
        now[0] = 172.0
        tracker.stage("a", "train")
        assert lines[-1] == "[1/2] a · train · 1:12 elapsed · ~0:40 left"
        tracker.plan_fits(2)
        tracker.fit_begin(epochs=4, steps=10, resumed_from=0, time_budget=None)
        for epoch in range(2):
            for batch in range(10):
                now[0] += 0.5
                tracker.batch_end(epoch, batch)
            tracker.epoch_end(epoch)
        # 20 steps in 10 s: 20 steps left in this model and 40 in the next one, at 0.5 s each
        status = json.loads((tmp_path / progress.STATUS_FILE).read_text())["experiments"]
        assert status["a"]["eta_seconds"] == pytest.approx(30.0)
        assert status["a"]["text"] == "running · train · model 1 of 2 · epoch 2 of 4 · 0:10 elapsed · ~0:30 left"
        assert status["b"] == {"state": "queued", "text": "queued"}
        tracker.fit_end()
        tracker.fit_begin(epochs=4, steps=10, resumed_from=3, time_budget=3.0)  # a resumed model with a budget
        now[0] += 2.0
        tracker.batch_end(3, 0)  # 9 steps left at (10 + 2) / 21 s, but only 1 s of the budget
        assert tracker.experiments["a"]["eta_seconds"] == pytest.approx(1.0)
        tracker.done("a", "a.html", 12.0)
        tracker.stage("b", "evaluate")
        assert lines[-1].startswith("[2/2] b · evaluate · ")
        tracker.stopped()
    status = json.loads((tmp_path / progress.STATUS_FILE).read_text())
    assert status["finished"] and status["experiments"]["a"]["state"] == "done"
    assert status["experiments"]["a"]["text"] == "done in 0:12 · resumed from epoch 4"
    assert status["experiments"]["b"]["state"] == "stopped"
    assert progress.active() is None


def test_a_stopped_suite_keeps_its_finished_experiments(tmp_path):
    names = ["signals-1", "signals-2"]
    with working_directory(tmp_path):
        (tmp_path / "runs/signals-1").mkdir(parents=True)
        (tmp_path / "runs/signals-1/metrics.json").write_text("{}")
        with progress.SuiteProgress(names, "smoke", Path("runs"), log=lambda line: None) as tracker:
            tracker.stage("signals-1", "train")
            tracker.done("signals-1", "signals-1.html", 3.0)
            tracker.stage("signals-2", "train")
            tracker.stopped()
        assert pipeline.finished_by_interrupted_run(names, "smoke") == {"signals-1": "signals-1.html"}
        assert pipeline.finished_by_interrupted_run(names, "quick") == {}  # another profile runs everything
        assert pipeline.finished_by_interrupted_run(["signals-1"], "smoke") == {}  # another suite too
        (tmp_path / "runs/signals-1/metrics.json").unlink()
        assert pipeline.finished_by_interrupted_run(names, "smoke") == {}  # its results are gone


class Complete:
    """Counts responses and remembers any that is not a 200 with a complete body."""

    def __init__(self):
        self.count, self.bad, self.lock = 0, [], threading.Lock()

    def fetch(self, url: str) -> None:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                body, status = response.read(), response.status
                length = int(response.headers["Content-Length"])
            ok = (
                status == 200
                and len(body) == length
                and (not url.endswith(".html") or body.rstrip().endswith(b"</html>"))
            )
        except Exception as exc:  # a refused connection or a 404 is exactly what this test looks for
            ok, status = False, repr(exc)
        with self.lock:
            self.count += 1
            if not ok:
                self.bad.append((url, status))


def test_the_server_answers_every_request_completely_while_the_site_is_rebuilt(smoke_suite, tmp_path):
    out = tmp_path / "site"
    site.build(smoke_suite / "runs", out)
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and p.suffix in (".html", ".css"))
    httpd = server.make_server(out, "127.0.0.1", free_port())
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    rebuilding, responses, start = threading.Event(), Complete(), threading.Barrier(201)

    def client(k: int) -> None:
        start.wait()
        page = before[k % len(before)]
        responses.fetch(base + page)
        while rebuilding.is_set():  # keep asking while the rebuilds last
            responses.fetch(base + before[(k + responses.count) % len(before)])

    clients = [threading.Thread(target=client, args=(k,)) for k in range(200)]
    for thread in clients:
        thread.start()
    rebuilding.set()
    start.wait()
    for _ in range(3):
        site.build(smoke_suite / "runs", out)
    rebuilding.clear()
    for thread in clients:
        thread.join(timeout=120)
    httpd.shutdown()
    httpd.server_close()
    assert responses.count >= 200 and not any(t.is_alive() for t in clients)
    assert responses.bad == []


@needs_browser
def test_a_browser_sees_an_experiment_finish_and_opens_its_page(tmp_path, browser):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    port = free_port()
    run = start_served_run(["signals-1", "mnist-predict"], tmp_path, tmp_path / "console.txt", port)
    try:
        index = f"http://127.0.0.1:{port}/index.html"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (tmp_path / "site/index.html").exists():
            time.sleep(0.1)
        browser.get(index)
        status = (By.CSS_SELECTOR, '[data-experiment="mnist-predict"]')
        live = (StaleElementReferenceException,)  # the page redraws its status cards as the run goes on
        seen = []
        WebDriverWait(browser, 120, poll_frequency=0.2, ignored_exceptions=live).until(
            lambda d: seen.append(d.find_element(*status).text) or seen[-1].startswith("running")
        )
        seen_running = seen[-1]
        WebDriverWait(browser, 180, poll_frequency=0.5, ignored_exceptions=live).until(
            lambda d: d.find_element(*status).text.startswith("done")
        )  # no reload by the test: the page follows the run by itself
        browser.find_element(By.CSS_SELECTOR, "#mnist-predict h2 a").click()
        WebDriverWait(browser, 30).until(lambda d: d.current_url.endswith("/mnist-predict.html"))
        assert "Moving MNIST" in browser.find_element(By.TAG_NAME, "h1").text
        assert re.match(r"running · (train|evaluate|render)", seen_running)
    finally:
        run.send_signal(signal.SIGINT)  # Ctrl+C stops the server it keeps running after the suite
        code = run.wait(timeout=60)
    console = (tmp_path / "console.txt").read_text()
    assert code == 0, console[-3000:]
    assert re.search(r"^\[2/2\] mnist-predict · train · \d+:\d\d elapsed", console, re.M), console[-3000:]
    assert "Traceback" not in console


def ignored_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("started_with", [default_sigint, ignored_sigint], ids=["sigint-default", "sigint-ignored"])
def test_ctrl_c_as_soon_as_the_page_says_done_ends_the_served_run_at_once(tmp_path, started_with):
    """A served run takes SIGINT back even when its parent started it with SIGINT ignored (a background job)."""
    console = tmp_path / "console.txt"
    run = start_served_run(["signals-1"], tmp_path, console, free_port(), started_with)
    try:
        deadline, state = time.monotonic() + 120, None
        while state != "done" and time.monotonic() < deadline:
            time.sleep(0.05)
            try:
                state = json.loads((tmp_path / "site/status.json").read_text())["experiments"]["signals-1"]["state"]
            except (OSError, ValueError):
                continue
        run.send_signal(signal.SIGINT)  # the reader saw "done" and pressed Ctrl+C at once
        started = time.monotonic()
        code = run.wait(timeout=30)
    finally:
        run.kill()
    assert (code, state) == (0, "done"), console.read_text()[-3000:]
    assert time.monotonic() - started < 10
    assert "interrupted" not in console.read_text()


def test_the_quick_suite_deadline_shrinks_only_the_video_budgets_and_keeps_their_ratio(monkeypatch):
    from frameforecast.config.values import SUITE_MINUTES, SUITE_SCALED

    names = list(experiments.SUITE)
    video = [n for n in names if n in SUITE_SCALED]
    assert video, "the quick profile's video experiments have time budgets"
    now = [1000.0]
    monkeypatch.setattr(pipeline.time, "monotonic", lambda: now[0])
    plenty = pipeline.SuiteDeadline("quick", names, now[0] + 3600, {})  # a machine far ahead of its deadline
    cfg = experiments.get(video[0]).config("quick")
    own = cfg.time_budget
    assert plenty.apply(video[0], "quick", cfg, print).time_budget == own  # enough time left: nothing to shrink
    late = pipeline.SuiteDeadline("quick", video, now[0] - 60 * SUITE_MINUTES["quick"] + 600, {})
    shares = {}
    for name in video:
        cfg = late.apply(name, "quick", experiments.get(name).config("quick"), lambda line: None)
        shares[name] = cfg.time_budget / experiments.get(name).config("quick").time_budget
        now[0] += cfg.time_budget + late._reserve(name, "quick")  # it trains, then evaluates as expected
    first = shares[video[0]]
    assert first < 1 and all(abs(s - first) < 1e-9 for s in shares.values())  # the same fraction of each
    for other in ("milk-lookback", "frame-forecast-original"):
        cfg = experiments.get(other).config("quick")
        assert late.apply(other, "quick", cfg, print) is cfg  # only the long video trainings are ever cut


def test_a_time_budget_given_on_the_command_line_is_the_one_the_deadline_cuts_from(monkeypatch):
    from frameforecast.config.values import SUITE_MINUTES

    now = [1000.0]
    monkeypatch.setattr(pipeline.time, "monotonic", lambda: now[0])
    plenty = pipeline.SuiteDeadline("quick", ["mnist-predict"], now[0] - 60 * SUITE_MINUTES["quick"] + 3000, {})
    asked = experiments.get("mnist-predict").config("quick").replace(time_budget=410.0)
    assert plenty.apply("mnist-predict", "quick", asked, print).time_budget == 410.0  # it fits: kept as asked
    late = pipeline.SuiteDeadline("quick", ["mnist-predict"], now[0] - 60 * SUITE_MINUTES["quick"] + 300, {})
    assert late.apply("mnist-predict", "quick", asked, lambda _: None).time_budget < 410.0


def test_without_an_earlier_suite_the_last_video_model_reserves_what_this_run_measured():
    plan = pipeline.SuiteDeadline("quick", ["mnist-predict", "mnist-composite"], 0.0, {})
    before = plan._reserve("mnist-composite", "quick")
    plan.finished(
        "mnist-predict", {"train": {"seconds": 400.0}, "evaluate": {"seconds": 40.0}, "render": {"seconds": 4.0}}
    )
    assert before != 44.0 and plan._reserve("mnist-composite", "quick") == 44.0
    plan.finished(
        "milk-lookback", {"train": {"seconds": 9.0}, "evaluate": {"seconds": 90.0}, "render": {"seconds": 9.0}}
    )
    assert plan._reserve("mnist-composite", "quick") == 44.0  # only the video experiments' stages count
    known = pipeline.SuiteDeadline(
        "quick", ["mnist-composite"], 0.0, {("mnist-composite", "evaluate"): 30.0, ("mnist-composite", "render"): 3.0}
    )
    known.finished("mnist-predict", {"evaluate": {"seconds": 40.0}, "render": {"seconds": 4.0}})
    assert known._reserve("mnist-composite", "quick") == 33.0  # this machine's earlier suite comes first
