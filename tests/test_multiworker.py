"""--strategy multiworker for real: two worker processes on 127.0.0.1 run the README's commands."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import free_port

from frameforecast.callbacks import backups

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.skipif(os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow", reason="tf.distribute")


def readme_commands() -> list[str]:
    """The TF_CONFIG lines of the README's 'several machines' section, in host order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("- Several machines") : text.index("- Training resumes after")]
    return [line.strip() for line in section.splitlines() if line.strip().startswith("TF_CONFIG=")]


def start_workers(tmp_path: Path, ports: tuple[int, int], extra: str = "") -> list[subprocess.Popen]:
    """One process per README command, each in its own folder (its 'machine'), host names → 127.0.0.1."""
    commands = readme_commands()
    assert len(commands) == 2
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", PYTHONUNBUFFERED="1")
    workers = []
    for index, command in enumerate(commands):
        command = command.replace("host1:12345", f"127.0.0.1:{ports[0]}").replace(
            "host2:12345", f"127.0.0.1:{ports[1]}"
        )
        home = tmp_path / f"host{index + 1}"
        home.mkdir(exist_ok=True)
        log = (home / "console.txt").open("a")
        workers.append(
            subprocess.Popen(
                command + extra,
                shell=True,
                cwd=home,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    return workers


def wait_all(workers: list[subprocess.Popen], timeout: float = 420) -> list[int]:
    deadline = time.monotonic() + timeout
    codes = []
    for worker in workers:
        try:
            codes.append(worker.wait(timeout=max(deadline - time.monotonic(), 1)))
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            codes.append(worker.wait())
    return codes


def history(home: Path) -> list[dict]:
    with (home / "runs/mnist-predict/history.csv").open() as f:
        return list(csv.DictReader(f))


def console(home: Path) -> str:
    return (home / "console.txt").read_text()


def test_two_workers_train_like_one_process_with_the_same_global_batch(tmp_path):
    codes = wait_all(start_workers(tmp_path, (free_port(), free_port())))
    chief, other = tmp_path / "host1", tmp_path / "host2"
    assert codes == [0, 0], console(chief)[-3000:] + console(other)[-3000:]
    assert (chief / "runs/mnist-predict/model.keras").exists()
    assert not (other / "runs/mnist-predict/model.keras").exists()  # only the chief writes the model
    info = json.loads((chief / "runs/mnist-predict/train_info.json").read_text())
    assert info["strategy"] == "multiworker" and info["epochs_run"] == 2

    single = tmp_path / "single"
    single.mkdir()
    per_worker = info["global_batch_size"] // 2
    run = subprocess.run(
        [BIN / "frameforecast", "train", "mnist-predict", "--profile", "smoke", "--batch-size", str(2 * per_worker)],
        cwd=single,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    one_process = float(history(single)[-1]["loss"])
    for home in (chief, other):
        assert float(history(home)[-1]["loss"]) == pytest.approx(one_process, rel=0.05)


def test_a_killed_worker_resumes_from_its_backup_with_the_other(tmp_path):
    ports, extra = (free_port(), free_port()), " --epochs 4 --steps-per-epoch 25"
    workers = start_workers(tmp_path, ports, extra)
    backup_dir = tmp_path / "host2/runs/mnist-predict/backup"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not backups(backup_dir) and workers[1].poll() is None:
        time.sleep(0.05)
    assert backups(backup_dir) and workers[1].poll() is None, console(tmp_path / "host2")[-3000:]
    os.killpg(workers[1].pid, signal.SIGKILL)  # after epoch 1: its backup exists, training goes on
    assert workers[1].wait() == -signal.SIGKILL
    time.sleep(2)
    os.killpg(workers[0].pid, signal.SIGKILL)  # the survivor waits for its peer forever; stop it as a user would
    workers[0].wait()

    codes = wait_all(start_workers(tmp_path, ports, extra))
    for index, home in enumerate((tmp_path / "host1", tmp_path / "host2")):
        text = console(home)
        assert codes[index] == 0, text[-3000:]
        resumed = re.findall(r"resuming from epoch (\d+)", text)
        assert resumed and 2 <= int(resumed[-1]) <= 4, text[-3000:]
        info = json.loads((home / "runs/mnist-predict/train_info.json").read_text())
        assert info["resumed_from_epoch"] >= 1
        epochs = [int(row["epoch"]) for row in history(home)]
        assert epochs[-1] == 3 and sorted(set(epochs)) == [0, 1, 2, 3]
    assert (tmp_path / "host1/runs/mnist-predict/model.keras").exists()
