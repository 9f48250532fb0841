"""Kill and resume, distribution across 2 logical CPUs, the site server under 200 concurrent requests."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from conftest import free_port

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONUNBUFFERED": "1"}


def train_cmd(args):
    return [sys.executable, "-m", "frameforecast", "train", *args]


def weights(path: Path):
    import keras

    import frameforecast.models.layers  # noqa: F401

    return [w for w in keras.saving.load_model(path, safe_mode=True).get_weights()]


def kill_after_first_backup(args, cwd: Path, run_dir: Path):
    proc = subprocess.Popen(train_cmd(args), cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    meta = run_dir / "backup" / "training_metadata.json"
    deadline = time.monotonic() + 240
    while not meta.exists():
        assert proc.poll() is None, "training finished before it could be killed"
        assert time.monotonic() < deadline, "no backup appeared"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (run_dir / "model.keras").exists()


@pytest.mark.parametrize(
    "experiment,extra",
    [("mnist-predict", ["--epochs", "3", "--steps-per-epoch", "12"]), ("signals-1", ["--iterations", "300"])],
)
def test_killed_training_resumes_and_matches_an_uninterrupted_run(tmp_path, experiment, extra):
    common = [experiment, "--profile", "smoke", *extra]
    kill_after_first_backup([*common, "--run-dir", "killed"], tmp_path, tmp_path / "killed")
    resumed = subprocess.run(
        train_cmd([*common, "--run-dir", "killed"]), cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=600
    )
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "resuming from epoch 2" in resumed.stdout
    whole = subprocess.run(
        train_cmd([*common, "--run-dir", "whole"]), cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=600
    )
    assert whole.returncode == 0, whole.stderr
    assert "resuming" not in whole.stdout
    for a, b in zip(weights(tmp_path / "killed" / "model.keras"), weights(tmp_path / "whole" / "model.keras")):
        assert np.allclose(a, b, atol=1e-6)


DISTRIBUTED = """
import json, sys
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from pathlib import Path
from frameforecast import experiments
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
