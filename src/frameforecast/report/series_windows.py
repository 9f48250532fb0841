"""The data of a series page's window browser: every forecast window the tables score (the one-step test part,
the multi-step hold-out, each backtest origin, each seq2seq test window), with the model's and every baseline's
and peer's forecasts of it and each one's RMSE on it. The page's script draws them from this inline data."""

from __future__ import annotations

import numpy as np

MAX_WINDOWS = 200  # seq2seq test windows overlap hour by hour; the first 200 are browsable


def _window(name: str, start: int, forecasts: dict, truth: np.ndarray, kind: str) -> dict:
    shown = {m: np.asarray(f, float) for m, f in forecasts.items()}
    return {
        "name": name,
        "kind": kind,
        "start": int(start),
        "end": int(start + len(truth)),
        "forecasts": {m: f.tolist() for m, f in shown.items()},
        "rmse": {m: float(np.sqrt(np.mean((f - truth) ** 2))) for m, f in shown.items()},
    }


def _lookback_windows(metrics: dict, y: np.ndarray) -> list[dict]:
    out = []
    for mode, res in metrics["modes"].items():
        targets = np.asarray(res["targets"])
        forecasts = {"model": res["forecast_ensemble"], **res["baseline_forecasts"], **res.get("peer_forecasts", {})}
        out.append(_window(f"{mode}: one-step test part", targets[0], forecasts, y[targets], "one-step"))
        if res.get("holdout"):
            h = res["holdout"]
            out.append(
                _window(
                    f"{mode}: the last {h['horizon']} at once",
                    h["origin"],
                    h["forecasts"],
                    y[h["origin"] :],
                    "hold-out",
                )
            )
        bt = res.get("backtest", {})
        for k, origin in enumerate(range(bt.get("origins", [0, -1])[0], bt.get("origins", [0, -1])[1] + 1)):
            if "forecasts" not in bt:
                break
            per_method = {m: f[k] for m, f in bt["forecasts"].items()}
            truth = y[origin : origin + bt["horizon"]]
            out.append(_window(f"{mode}: backtest origin {origin}", origin, per_method, truth, "backtest"))
    return out


def _seq2seq_windows(metrics: dict, y: np.ndarray) -> list[dict]:
    mode = metrics["headline_mode"]
    res = metrics["modes"][mode]
    out = []
    for k, origin in enumerate(res["origins"][:MAX_WINDOWS]):
        forecasts = {
            "model": res["forecast_ensemble"][k],
            **{m: f[k] for m, f in res["baseline_forecasts"].items()},
            **{m: f[k] for m, f in res.get("peer_forecasts", {}).items()},
        }
        out.append(
            _window(
                f"{mode}: test window from point {origin}", origin, forecasts, np.asarray(res["truth"][k]), "window"
            )
        )
    return out


def browser(metrics: dict) -> dict | None:
    """None when the run predates the browser (its metrics.json keeps no observed series)."""
    observed = metrics.get("observed")
    if not observed:
        return None
    y = np.asarray(observed["values"], float)
    windows = _seq2seq_windows(metrics, y) if metrics["family"] == "seq2seq" else _lookback_windows(metrics, y)
    if not windows:
        return None
    methods = list(dict.fromkeys(m for w in windows for m in w["forecasts"]))
    return {
        "times": observed["times"],
        "values": observed["values"],
        "season": metrics["series"].get("season") or 1,
        "unit": metrics["series"].get("column") or metrics["series"].get("target"),
        "time_label": observed.get("time_label", "step"),
        "methods": methods,
        "windows": windows,
        "total_windows": len(windows),
    }
