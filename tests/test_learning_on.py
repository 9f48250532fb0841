"""Learning on (issue 37): a served run trains its video models further after the suite, the page's learning
curve gains points, Ctrl+C stops it and the same command continues; a page whose training was cut says so."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from pathlib import Path

from conftest import free_port, start_served_run

from frameforecast import cli


def _points(project: Path) -> list[dict]:
    path = project / "runs" / "mnist-predict" / "learning.json"
    try:
        return json.loads(path.read_text())["points"]
    except (OSError, ValueError, KeyError):
        return []


def _serve(project: Path, console: Path) -> subprocess.Popen:
    return start_served_run(["mnist-predict"], project, console, free_port())


def _wait_for(condition, seconds: float, run: subprocess.Popen, console: Path) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert run.poll() is None, console.read_text()[-3000:]
        assert time.monotonic() < deadline, console.read_text()[-3000:]
        time.sleep(0.5)


def _page(project: Path) -> str:
    try:
        return (project / "site" / "mnist-predict.html").read_text()
    except OSError:
        return ""


def test_a_served_run_learns_on_and_ctrl_c_leaves_a_run_the_same_command_continues(tmp_path):
    console = tmp_path / "console.txt"
    run = _serve(tmp_path, console)
    try:
        _wait_for(lambda: len(_points(tmp_path)) >= 2 and "(2 points)" in _page(tmp_path), 600, run, console)
        first = _points(tmp_path)
        assert first[1]["steps"] > first[0]["steps"] and first[1]["minutes"] > first[0]["minutes"]
        assert "learning-curve.png" in _page(tmp_path)
        run.send_signal(signal.SIGINT)  # while it learns on (a round follows the last at once)
        code = run.wait(timeout=60)
    finally:
        run.kill()
    text = console.read_text()
    assert code == 0 and "Traceback" not in text, text[-3000:]
    assert "learning on: training mnist-predict further" in text and "Ctrl+C stops" in text
    before = len(_points(tmp_path))

    run = _serve(tmp_path, console)  # the same command again: no new suite, learning goes on
    try:
        _wait_for(lambda: len(_points(tmp_path)) > before, 600, run, console)
        run.send_signal(signal.SIGINT)
        run.wait(timeout=60)
    finally:
        run.kill()
    again = console.read_text()[len(text) :]
    assert "trained mnist-predict in" not in again, again[-3000:]  # the suite's model was kept, not retrained
    points = _points(tmp_path)
    assert points[-1]["steps"] > first[-1]["steps"]
    assert [p["steps"] for p in points] == sorted(p["steps"] for p in points)


def test_a_page_whose_training_was_cut_says_so(smoke_suite, tmp_path, monkeypatch):
    from frameforecast.config import experiments

    runs = tmp_path / "runs"
    shutil.copytree(smoke_suite / "runs" / "mnist-predict", runs / "mnist-predict")
    planned = experiments.get("mnist-predict").config("quick").time_budget
    config = json.loads((runs / "mnist-predict" / "config.json").read_text())
    config.update(profile="quick", time_budget=planned / 4)
    (runs / "mnist-predict" / "config.json").write_text(json.dumps(config))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["site"]) == 0
    page = (tmp_path / "site" / "mnist-predict.html").read_text()
    index = (tmp_path / "site" / "index.html").read_text()
    said = f"the quick profile plans {planned:.0f} s, the suite&#39;s deadline gave it {planned / 4:.0f} s"
    assert said in page and said in index


def test_a_page_trained_as_planned_does_not_say_it_was_cut(smoke_suite):
    page = (smoke_suite / "site" / "mnist-predict.html").read_text()
    assert "training was cut" not in page
