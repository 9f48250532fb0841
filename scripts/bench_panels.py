"""The competitions' benchmarks over a whole panel (M3 monthly, Tourism monthly), timed, beside the published
tables: what `bench.py --panels SET` records.

    .venv/bin/python scripts/bench_panels.py m3-monthly [--series 200]
"""

from __future__ import annotations

import argparse
import json
import os
import time


def measure(name: str, series: int | None = None, lstm: bool = True, smoke: bool = False) -> dict:
    """The benchmarks (and, with `lstm`, the shrunk global LSTM) on a competition set, timed."""
    import tempfile

    from frameforecast import metrics
    from frameforecast.config.values import PUBLISHED_PANELS
    from frameforecast.datasets import panels
    from frameforecast.forecasters import global_lstm, panel_peers

    panel = panels.competition(name)
    if series:
        panel = panel.sample(series, seed=0)
    start = time.monotonic()
    extra = {}
    if lstm:
        settings = global_lstm.GlobalSettings(epochs=1, seeds=2, units=8) if smoke else global_lstm.GlobalSettings()
        with tempfile.TemporaryDirectory() as folder:
            found = global_lstm.run(panel, folder, settings)
        forecasts = found["forecasts"]
        extra = {"lambda": found["lambda"], "anchor": found["anchor"], "lstm_settings": vars(settings)}
    else:
        forecasts = panel_peers.benchmarks(panel, n_jobs=-1)
    seconds = time.monotonic() - start
    scores = metrics.competition_scores(forecasts, panel.history, panel.future, panel.season, panel_peers.NAIVE2)
    return {
        **extra,
        "set": name,
        "source": panel.source,
        "series": len(panel),
        "horizon": sorted(set(panel.horizons)),
        "seconds": seconds,
        "cores": os.cpu_count(),
        "scores": scores,
        "published": PUBLISHED_PANELS[name],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set", choices=["m3-monthly", "tourism-monthly"])
    parser.add_argument("--series", type=int, help="a fixed, seeded sample of this many series")
    parser.add_argument("--no-lstm", action="store_true", help="the benchmarks only")
    args = parser.parse_args()
    print(json.dumps(measure(args.set, args.series, lstm=not args.no_lstm), indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
