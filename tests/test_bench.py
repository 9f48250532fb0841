"""scripts/bench.py runs (tiny sizes), so it cannot rot; its README table comes from its JSON."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_bench(tmp_path, *flags) -> tuple[str, dict]:
    """`scripts/bench.py FLAGS --smoke` into tmp_path: its stdout and the record it wrote."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), *flags, "--smoke", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout, json.loads(next(tmp_path.glob("*.json")).read_text())


def test_bench_throughput_smoke(tmp_path):
    stdout, record = run_bench(tmp_path, "--throughput")
    thr = record["throughput"]
    assert thr["generator_seq_per_s"] > 0
    assert set(thr["models"]) == {"mnist-predict", "mnist-reconstruct", "mnist-composite", "frame-forecast-original"}
    assert thr["standard_eval"]["sequences"] == 40
    assert "Moving MNIST generator" in stdout


def test_bench_compare_smoke(tmp_path):
    stdout, record = run_bench(tmp_path, "--compare")
    compare = record["compare"]
    ours, theirs = compare["ours"], compare["keras-example"]
    assert ours["steps"] >= 1 and theirs["steps"] >= 1
    assert 0 < ours["mse_per_frame"] < 4096 and 0 < theirs["mse_per_frame"] < 4096
    assert compare["ratio"] == ours["mse_per_frame"] / theirs["mse_per_frame"]
    assert compare["test_set"]["size"] == 8
    assert "keras-io next-frame ConvLSTM" in stdout


def test_readme_table_matches_the_bench_records():
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench_table

    readme = (ROOT / "README.md").read_text()
    start, end = readme.index(bench_table.BEGIN) + len(bench_table.BEGIN), readme.index(bench_table.END)
    records = bench_table.latest_records()
    assert records, "no runs/bench/*.json committed"
    for record in records:
        assert bench_table.table(record) in readme[start:end]


def test_bench_predict_memory_smoke(tmp_path):
    stdout, record = run_bench(tmp_path, "--predict-memory")
    memory = record["predict_memory"]
    assert memory["frames"] == 30 and memory["size"] == "1920×1080"
    assert 0 < memory["rss_growth_mb"] < memory["peak_rss_mb"]
    assert "frameforecast predict" in stdout


def test_bench_panels_smoke(tmp_path):
    stdout, record = run_bench(tmp_path, "--panels", "tourism-monthly")
    (panel,) = record["panels"]
    assert panel["series"] == 12 and panel["horizon"] == [24] and panel["seconds"] > 0
    assert {"AutoARIMA", "AutoETS", "AutoTheta", "SeasonalNaive", "Naive2"} <= set(panel["scores"])
    assert panel["scores"]["Naive2"]["owa"] == 1.0
    assert panel["model"] in panel["scores"] and 0 <= panel["lambda"] <= 1
    assert "AutoETS MAPE" in stdout and "published ETS 21.15" in stdout
