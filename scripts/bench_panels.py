"""A competition set (M3 monthly, Tourism monthly) run as `frameforecast run SET` runs it, timed: the global
LSTM, the statsforecast peers and the baselines, each beside its published figure. What `bench.py --panels SET`
records.

    .venv/bin/python scripts/bench_panels.py m3-monthly [--series 200]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path


def measure(name: str, series: int | None = None, smoke: bool = False, runs: Path | None = None) -> dict:
    """The experiment `name` (on a seeded sample of `series`, or the full set) run afresh as `frameforecast run`
    runs it, into runs/ (a sample as its variant, runs/<set>--series-N), where the site shows it: its scores, λ,
    settings and seconds. `runs`: another folder (the smoke bench's scratch)."""
    from frameforecast import pipeline
    from frameforecast.stages import read_json

    variant = f"series-{series}" if series else None
    exp, cfg, folder = pipeline.resolve(name, "smoke" if smoke else "quick", {"sample": series}, None, variant)
    if runs is not None:
        folder = Path(runs) / folder.name
    start = time.monotonic()
    pipeline.run_experiment(exp, cfg, folder, restart=True, log=lambda *_: None)
    report = read_json(folder / "metrics.json")
    return {
        "set": name,
        "profile": cfg.profile,
        "source": report["set"]["source"],
        "series": report["set"]["series"],
        "horizon": [report["set"]["horizon"]],
        "seconds": time.monotonic() - start,
        "parts_seconds": report["parts_seconds"],
        "cores": os.cpu_count(),
        "model": report["model"],
        "lambda": report["lambda"],
        "anchor": report["anchor"],
        "lstm_settings": cfg.as_json()["model"],
        "scores": report["scores"],
        "ratios": {k: v for k, v in report["ratios"].items() if k != "values"},
        "interval": report["interval"],
        "published": report["published"],
        "run": str(folder),
        "machine": report.get("machine"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set", choices=["m3-monthly", "tourism-monthly"])
    parser.add_argument("--series", type=int, help="a fixed, seeded sample of this many series")
    args = parser.parse_args()
    print(json.dumps(measure(args.set, args.series), indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
