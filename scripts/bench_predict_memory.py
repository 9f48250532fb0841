#!/usr/bin/env python
"""Peak memory of `frameforecast predict` on a long full-HD clip: frames are streamed, so it must stay flat.

    .venv/bin/python scripts/bench_predict_memory.py [--frames 300] [--smoke]

Writes a 1920 × 1080 colour MP4 (cv2.VideoWriter) of a moving square, then, in a child process that has already
imported TensorFlow and loaded the model, runs predict on it and prints the resident-memory growth as JSON.
scripts/bench.py --predict-memory runs this and records the result in the README table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
WIDTH, HEIGHT, SIDE = 1920, 1080, 160


def write_clip(path: Path, frames: int) -> None:
    from frameforecast.datasets.video_files import opencv

    cv2 = opencv()
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 25, (WIDTH, HEIGHT))
    import numpy as np

    for t in range(frames):
        frame = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
        x, y = (40 + 5 * t) % (WIDTH - SIDE), (30 + 3 * t) % (HEIGHT - SIDE)
        frame[y : y + SIDE, x : x + SIDE] = (60, 180, 250)
        writer.write(frame)
    writer.release()


def model_folder(scratch: Path) -> tuple[Path, bool]:
    """The trained quick mnist-predict if there is one, else an untrained one of the same shape (memory is the same)."""
    trained = ROOT / "runs" / "mnist-predict"
    if (trained / "model.keras").exists() and (trained / "config.json").exists():
        return trained, True
    from frameforecast import video_tasks
    from frameforecast.config import experiments
    from frameforecast.training import save_model

    cfg = experiments.get("mnist-predict").config("quick").replace(run_name="bench")
    folder = scratch / "mnist-predict"
    save_model(video_tasks.build(cfg), folder / "model.keras")
    (folder / "config.json").write_text(json.dumps(cfg.as_json()))
    return folder, False


def child(video: Path, folder: Path) -> None:
    """Import TensorFlow and load the model first, so the growth measured is predict's own."""
    from frameforecast.config import experiments
    from frameforecast.memory import current_rss_mb, peak_rss_mb
    from frameforecast.stages import video_predict
    from frameforecast.training import load_model

    load_model(folder / "model.keras")
    before = current_rss_mb()
    start = time.monotonic()
    video_predict.predict(experiments.saved_config(folder), folder, str(video), log=lambda *_: None)
    peak = peak_rss_mb()
    print(
        json.dumps(
            {
                "seconds": time.monotonic() - start,
                "rss_before_mb": before,
                "peak_rss_mb": peak,
                "rss_growth_mb": peak - before,
            }
        )
    )


def measure(frames: int) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix="ff-predict-mem-"))
    try:
        video = scratch / "full-hd.mp4"
        started = time.monotonic()
        write_clip(video, frames)
        folder, trained = model_folder(scratch)
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(video), str(folder)], capture_output=True, text=True
        )
        if result.returncode:
            raise SystemExit(result.stderr[-2000:])
        shutil.rmtree(folder / f"predict-{video.name.replace('.', '-')}", ignore_errors=True)
        out = json.loads(result.stdout.strip().splitlines()[-1])
        return {
            **out,
            "frames": frames,
            "size": f"{WIDTH}×{HEIGHT}",
            "trained_model": trained,
            "clip_bytes_decoded": frames * WIDTH * HEIGHT * 3,
            "write_seconds": time.monotonic() - started,
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--smoke", action="store_true", help="30 frames")
    parser.add_argument("--child", nargs=2, metavar=("VIDEO", "MODEL_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return 0
    print(json.dumps(measure(30 if args.smoke else args.frames), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
