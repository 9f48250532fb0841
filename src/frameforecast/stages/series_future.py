"""Past the one-step test: a series model forecasting many steps (the look-back ensemble recursively), a
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


def recursive(models, data, y, origin: int, horizon: int, lb: int, m: int, weight: float, fit_end: int | None = None):
    """The corrected ensemble forecast of y[origin : origin + horizon] from y[:origin] alone, each step fed back
    as input: ŷ[t] = a[t] + λ · ê[t], with the one-step model's scalers and λ."""
    return recursive_many(models, data, y, [origin], horizon, lb, m, weight, fit_end)[0]


def anchor_ahead(data: dict, y: np.ndarray, origins, horizon: int, m: int, fit_end: int) -> np.ndarray | None:
    """A peer anchor's own multi-step forecasts from each origin, fit on y[:fit_end] (None for the naive
    anchor, which recursive_many rolls forward itself)."""
    from frameforecast.stages.lookback_data import SEASONAL_ANCHOR

    if data["anchor"] == SEASONAL_ANCHOR:
        return None
    ahead = peers.from_origins(y, fit_end, origins, horizon, m, data["anchor"])
    if ahead is None:
        raise UserError(f"statsforecast could not fit {data['anchor']} on the first {fit_end} points of this series")
    return ahead


def recursive_many(models, data, y, origins, horizon: int, lb: int, m: int, weight: float, fit_end=None) -> np.ndarray:
    """`recursive` from several origins at once (one batch per step): (len(origins), horizon). A peer anchor
    is fit on y[:fit_end] (default: the training part) and forecasts from each origin on its own; the
    network's correction to it is fed back through its error input."""
    import keras

    ahead = anchor_ahead(data, y, origins, horizon, m, fit_end or data["train_end"])
    known = [np.asarray(y[:o], float) for o in origins]
    errors = [np.asarray(y[:o] - data["anchor_path"][:o], float) for o in origins]
    for step in range(horizon):
        columns = [lambda k, e: (k[m:] - k[:-m])[-lb:]]
        if data["features"] == 2:
            columns.append(lambda k, e: e[-lb:])
        windows = np.stack(
            [
                data["scaler"].transform(np.stack([c(k, e) for c in columns], axis=1))
                for k, e in zip(known, errors, strict=True)
            ]
        )
        outputs = np.stack(
            [keras.ops.convert_to_numpy(model(windows, training=False)).reshape(len(known)) for model in models]
        )
        corrections = weight * data["target_scaler"].inverse(outputs.reshape(-1, 1)).reshape(outputs.shape).mean(axis=0)
        starts = [k[-m] + (k[-1] - k[-1 - m]) for k in known] if ahead is None else ahead[:, step]
        known = [np.append(k, a + c) for k, a, c in zip(known, starts, corrections, strict=True)]
        errors = [np.append(e, c) for e, c in zip(errors, corrections, strict=True)]
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
    """Every origin of the test part with `horizon` points after it; the LSTM recursive (trained once)."""
    origins = np.arange(data["train_end"], len(y) - horizon + 1)
    model = recursive_many(models, data, y, origins, horizon, mode.look_back, season, weight)
    return score_backtest(y, origins, horizon, season, model)


def score_backtest(y: np.ndarray, origins: np.ndarray, horizon: int, season: int, model: np.ndarray) -> dict:
    """The model's forecasts (len(origins), horizon) beside the peers (fit once on the points before the first
    origin and updated without refitting) and the baselines from the same origins: per origin RMSE, its mean and
    sd over origins, and the conformal intervals' coverage (leave one origin out)."""
    truth = np.stack([y[o : o + horizon] for o in origins])
    forecasts = {"model": model}
    others, refused = alternatives(y, origins, horizon, season)
    forecasts.update(others)
    rolled = [name for name in others if name in peers.PEERS]
    errors = {name: np.sqrt(np.mean((f - truth) ** 2, axis=1)) for name, f in forecasts.items()}
    residuals = truth - model
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
    require_calibrated(widths, horizon)
    mean = recursive(models, data, y, len(y), horizon, mode.look_back, season, weight, fit_end=len(y))
    return with_intervals(future_times(series, horizon), mean, widths)


def require_calibrated(widths: dict, horizon: int) -> None:
    calibrated = len(next(iter(widths.values())))
    if horizon > calibrated:
        raise UserError(
            f"--horizon {horizon} is longer than the {calibrated} steps its intervals are calibrated on (the "
            f"backtest's horizon); pass --horizon {calibrated} or less"
        )


def with_intervals(times: list, mean: np.ndarray, widths: dict) -> dict:
    """A forecast with its 80 % and 95 % split-conformal intervals (None where too few origins calibrate it)."""
    out = {"times": list(times), "forecast": np.asarray(mean, float).tolist()}
    for level in LEVELS:
        width = widths[str(level)][: len(mean)]
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
