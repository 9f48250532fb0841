"""Kill and resume, distribution across 2 logical CPUs, the site server under 200 concurrent requests."""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
from conftest import free_port

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONUNBUFFERED": "1"}


def train_cmd(args):
    return [sys.executable, "-m", "frameforecast", "train", *args]


def weights(path: Path):
    import keras

    import frameforecast.models.layers  # noqa: F401

    return [w for w in keras.saving.load_model(path, safe_mode=True).get_weights()]


def backup_folders(run_dir: Path) -> list[Path]:
    """Complete backups under run_dir, whether it trains one model or one per mode (run_dir/<mode>/)."""
    return sorted(run_dir.glob("**/backup/epoch-*"))


def models(run_dir: Path) -> list[Path]:
    return sorted(run_dir.glob("**/model.keras"))


def kill_at(point: str, args, cwd: Path, run_dir: Path) -> None:
    """Start training, SIGKILL it at `point` (see kill_points.py; `between-epochs`: once a backup is complete)."""
    markers = cwd / "markers"
    shutil.rmtree(markers, ignore_errors=True)
    markers.mkdir()
    command = [sys.executable, str(Path(__file__).with_name("kill_points.py")), str(markers), "train", *args]
    proc = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    reached = (lambda: backup_folders(run_dir)) if point == "between-epochs" else (markers / point).exists
    while not reached():
        assert proc.poll() is None, f"training finished before it reached {point}"
        assert time.monotonic() < deadline, f"training did not reach {point}"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not models(run_dir), "killed before the first model is saved"


def trained(args, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run(train_cmd(args), cwd=cwd, env=ENV, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done


def same_weights(a: Path, b: Path) -> bool:
    return all(np.allclose(x, y, atol=1e-6) for x, y in zip(weights(a), weights(b), strict=True))


def same_models(run_dir: Path, whole: Path) -> bool:
    """Every model in run_dir (one per mode for the signals) equals the uninterrupted run's."""
    ours, theirs = models(run_dir), models(whole)
    assert [p.relative_to(run_dir) for p in ours] == [p.relative_to(whole) for p in theirs] != []
    return all(same_weights(a, b) for a, b in zip(ours, theirs, strict=True))


SIGNALS_RUN = ["signals-1", "--profile", "smoke", "--iterations", "60"]


def test_a_kill_at_any_instant_resumes_and_matches_an_uninterrupted_run(tmp_path):
    """SIGKILL before the first backup, half-way through writing one, after its weights but before its state,
    between epochs and during the final save: the same command then ends with exit 0 and no traceback, and
    the model equals an uninterrupted run's."""
    trained([*SIGNALS_RUN, "--run-dir", "whole"], tmp_path)
    for point in ("fit", "backup-weights", "backup-written", "between-epochs", "final-save"):
        run_dir = tmp_path / point
        kill_at(point, [*SIGNALS_RUN, "--run-dir", point], tmp_path, run_dir)
        resumed = trained([*SIGNALS_RUN, "--run-dir", point], tmp_path)
        if point in ("between-epochs", "final-save"):
            assert "resuming from epoch" in resumed.stdout, point
        assert same_models(run_dir, tmp_path / "whole"), point
        assert not backup_folders(run_dir) and not list(run_dir.glob("**/backup"))


def test_a_damaged_backup_is_named_and_the_one_before_it_is_used(tmp_path):
    kill_at("between-epochs", [*SIGNALS_RUN, "--run-dir", "killed"], tmp_path, tmp_path / "killed")
    newest = backup_folders(tmp_path / "killed")[-1]
    (newest / "weights.weights.h5").write_bytes(b"not an HDF5 file")
    resumed = trained([*SIGNALS_RUN, "--run-dir", "killed"], tmp_path)
    assert f"backup {newest.relative_to(tmp_path)} cannot be read (a damaged file)" in resumed.stdout
    trained([*SIGNALS_RUN, "--run-dir", "whole"], tmp_path)
    assert same_models(tmp_path / "killed", tmp_path / "whole")


def test_killed_video_training_resumes_and_matches_an_uninterrupted_run(tmp_path):
    common = ["mnist-predict", "--profile", "smoke", "--epochs", "3", "--steps-per-epoch", "4"]
    kill_at("between-epochs", [*common, "--run-dir", "killed"], tmp_path, tmp_path / "killed")
    resumed = trained([*common, "--run-dir", "killed"], tmp_path)
    assert "resuming from epoch 2" in resumed.stdout
    whole = trained([*common, "--run-dir", "whole"], tmp_path)
    assert "resuming" not in whole.stdout
    assert same_models(tmp_path / "killed", tmp_path / "whole")


DISTRIBUTED = """
import json, sys
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from pathlib import Path
from frameforecast.config import experiments
from frameforecast.stages import video
exp = experiments.get("mnist-predict")
mirrored = video.train(exp.config("smoke", {"epochs": 2, "batch_size": 2}), Path("mirrored"), strategy="mirrored")
single = video.train(exp.config("smoke", {"epochs": 2, "batch_size": 4}), Path("single"), strategy="default")
print(json.dumps({"mirrored": mirrored["final_loss"], "single": single["final_loss"],
                  "replicas": tf.distribute.MirroredStrategy().num_replicas_in_sync}))
"""


def test_mirrored_strategy_on_two_logical_cpus_matches_default(tmp_path):
    import json

    out = subprocess.run(
        [sys.executable, "-c", DISTRIBUTED], cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["replicas"] == 2
    assert np.isfinite(result["mirrored"]) and np.isfinite(result["single"])
    assert abs(result["mirrored"] - result["single"]) <= 0.05 * abs(result["single"])


def test_site_server_survives_200_concurrent_requests(tmp_path):
    from frameforecast.report import server

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body>ok</body></html>" + "x" * 50_000)
    httpd = server.make_server(site, "127.0.0.1", free_port())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/index.html"

    def get(_):
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=200) as pool:
            statuses = list(pool.map(get, range(200), timeout=120))
        assert statuses == [200] * 200
        assert get(0) == 200 and thread.is_alive()
    finally:
        httpd.shutdown()
        httpd.server_close()
