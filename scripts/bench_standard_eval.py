#!/usr/bin/env python
"""Child of `bench.py --throughput`: evaluate mnist-predict on a standard-layout file, printing its memory as JSON.

    python scripts/bench_standard_eval.py FILE COUNT     (run in a folder that may hold bench-run/model.keras)

A separate process, so the resident-memory growth measured is the evaluation's own.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def main(path: str, count: int) -> None:
    from frameforecast import video_tasks
    from frameforecast.config import experiments
    from frameforecast.memory import current_rss_mb, peak_rss_mb
    from frameforecast.stages import video
    from frameforecast.training import save_model

    run = Path("bench-run")
    if (run / "model.keras").exists():  # the trained model, evaluated with the config it was trained with
        cfg = experiments.saved_config(run)
    else:
        cfg = experiments.get("mnist-predict").config("quick")
        save_model(video_tasks.build(cfg), run / "model.keras")
    before = current_rss_mb()
    start = time.monotonic()
    report = video.evaluate(
        cfg.replace(gif_count=1), run, test_set="standard", limit=count, standard_path=path, log=lambda *a: None
    )
    peak = peak_rss_mb()
    print(
        json.dumps(
            {
                "sequences": report["test_set"]["size"],
                "seconds": time.monotonic() - start,
                "rss_before_mb": before,
                "peak_rss_mb": peak,
                "rss_growth_mb": peak - before,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
