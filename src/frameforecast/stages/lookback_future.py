"""Past the one-step test: the corrected look-back ensemble forecasting many steps (recursively), a
rolling-origin backtest beside the peers and baselines, split-conformal intervals calibrated on that
backtest, and the forecast of the steps after the last timestamp."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from frameforecast.atomic import write_text
from frameforecast.config.classes import LookbackMode
from frameforecast.datasets import time_axis
from frameforecast.errors import UserError
from frameforecast.models import baselines, peers

LEVELS = (80, 95)


def recursive(models: list, data: dict, y: np.ndarray, origin: int, horizon: int, lb: int, m: int, weight: float):
    """The corrected ensemble forecast of y[origin : origin + horizon] from y[:origin] alone, each step fed back
    as input: ŷ[t] = y[t − m] + d[t − 1] + λ · ê[t], with the one-step model's scalers and λ."""
    return recursive_many(models, data, y, [origin], horizon, lb, m, weight)[0]


def recursive_many(models, data, y, origins, horizon: int, lb: int, m: int, weight: float) -> np.ndarray:
    """`recursive` from several origins at once (one batch per step): (len(origins), horizon)."""
    import keras

    known = [np.asarray(y[:o], float) for o in origins]
    for _ in range(horizon):
        windows = np.stack([data["scaler"].transform((k[m:] - k[:-m])[-lb:, None]) for k in known])
        outputs = np.stack(
            [keras.ops.convert_to_numpy(model(windows, training=False)).reshape(len(known)) for model in models]
        )
        corrections = data["target_scaler"].inverse(outputs.reshape(-1, 1)).reshape(outputs.shape).mean(axis=0)
        known = [
            np.append(k, k[-m] + (k[-1] - k[-1 - m]) + weight * c) for k, c in zip(known, corrections, strict=True)
        ]
    return np.stack([k[o:] for k, o in zip(known, origins, strict=True)])


def conformal_width(residuals: np.ndarray, level: int) -> np.ndarray:
    """Split-conformal half-widths per step: the ⌈(n + 1)·level⌉-th smallest |residual| of the n calibration
    origins (∞ when n is too small for that level)."""
    residuals = np.abs(np.asarray(residuals, float))
    n = len(residuals)
    rank = int(np.ceil((n + 1) * level / 100))
    if rank > n:
        return np.full(residuals.shape[1], np.inf)
    return np.sort(residuals, axis=0)[rank - 1]


def leave_one_out_coverage(residuals: np.ndarray, level: int) -> float:
    """The share of backtest points inside their interval when each origin's interval is calibrated on the
    other origins' residuals (the origin itself never sets its own width)."""
    residuals = np.abs(np.asarray(residuals, float))
    inside = [residuals[i] <= conformal_width(np.delete(residuals, i, axis=0), level) for i in range(len(residuals))]
    return float(np.mean(inside))


def alternatives(y: np.ndarray, origins, horizon: int, season: int) -> tuple[dict, dict]:
    """Every peer's and baseline's forecasts (len(origins), horizon) from `origins`, each fit on the data before
    the first origin (peers updated without refitting), and those left out with the reason."""
    first = int(origins[0])
    forecasts, refused = peers.rolling(y, first, horizon, season)
    forecasts = {name: f[np.asarray(origins) - first] for name, f in forecasts.items()}
    methods, base_refused = baselines.series_baselines(y[:first], season)
    for name, method in methods.items():
        try:
            forecasts[name] = baselines.forecast_at(method, y, origins, horizon, season)
        except baselines.BaselineRefused as exc:
            base_refused[name] = str(exc)
    return forecasts, {**refused, **base_refused}


def backtest_horizon(season: int, test_points: int) -> int:
    """h of the backtest (and the longest calibrated forecast): one season, at most a third of the test part."""
    return max(1, min(season, test_points // 3))


def backtest(models, data, y, season: int, mode: LookbackMode, weight: float, horizon: int) -> dict:
    """Every origin of the test part with `horizon` points after it; the LSTM recursive (trained once), the
    peers fit once on the training part and updated without refitting, the baselines as always. Per origin
    RMSE, its mean and sd over origins, and the intervals' coverage (leave one origin out)."""
    first = data["train_end"]
    origins = np.arange(first, len(y) - horizon + 1)
    truth = np.stack([y[o : o + horizon] for o in origins])
    forecasts = {"model": recursive_many(models, data, y, origins, horizon, mode.look_back, season, weight)}
    others, refused = alternatives(y, origins, horizon, season)
    forecasts.update(others)
    rolled = [name for name in others if name in peers.PEERS]
    errors = {name: np.sqrt(np.mean((f - truth) ** 2, axis=1)) for name, f in forecasts.items()}
    residuals = truth - forecasts["model"]
    checks = {str(level): leave_one_out_coverage(residuals, level) for level in LEVELS}
    return {
        "horizon": horizon,
        "origins": [int(origins[0]), int(origins[-1])],
        "count": len(origins),
        "refit": "none: every model is fit once on the training part (peers updated with each observed point)",
        "rmse": {
            name: {"mean": float(e.mean()), "sd": float(e.std(ddof=1)) if len(e) > 1 else None}
            for name, e in errors.items()
        },
        "peers": sorted(rolled),
        "refused": refused,
        "coverage": checks,
        "calibration": "leave one origin out: each origin's interval is calibrated on the other origins",
        "widths": {str(level): _finite(conformal_width(residuals, level)) for level in LEVELS},
        "forecasts": {name: f.tolist() for name, f in forecasts.items()},
    }


def future(models, data, y, series, season: int, mode: LookbackMode, weight: float, widths: dict, horizon: int) -> dict:
    """The next `horizon` steps after the last point, with the backtest's conformal intervals."""
    calibrated = len(next(iter(widths.values())))
    if horizon > calibrated:
        raise UserError(
            f"--horizon {horizon} is longer than the {calibrated} steps its intervals are calibrated on (the "
            f"backtest's horizon); pass --horizon {calibrated} or less"
        )
    mean = recursive(models, data, y, len(y), horizon, mode.look_back, season, weight)
    out = {"times": future_times(series, horizon), "forecast": mean.tolist()}
    for level in LEVELS:
        width = widths[str(level)][:horizon]
        out[f"lo{level}"] = [None if w is None else float(m - w) for m, w in zip(mean, width, strict=True)]
        out[f"hi{level}"] = [None if w is None else float(m + w) for m, w in zip(mean, width, strict=True)]
    return out


def _finite(values: np.ndarray) -> list:
    """A list for metrics.json, None where a value is infinite (too few origins for that level): "—"."""
    return [float(v) if np.isfinite(v) else None for v in values]


def future_times(series, horizon: int) -> list[str]:
    """The timestamps after the last one (or step numbers when the series has no time axis)."""
    step = time_axis.step_of(series.frequency)
    if series.times is None or step is None:
        return [str(len(series.column()) + h) for h in range(horizon)]
    stamps = [str(series.times[-1] + step * h) for h in range(1, horizon + 1)]
    if all(s.endswith(" 00:00:00") for s in stamps):  # dates only
        stamps = [s.removesuffix(" 00:00:00") for s in stamps]
    return stamps


def write_csv(path: Path, forecast: dict) -> None:
    columns = ["time", "forecast", *[f"{side}{level}" for level in LEVELS for side in ("lo", "hi")]]
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(columns)
    for k, time in enumerate(forecast["times"]):
        writer.writerow([time, *["" if forecast[c][k] is None else f"{forecast[c][k]:.6g}" for c in columns[1:]]])
    write_text(path, text.getvalue())
