"""Past the one-step test: a series model forecasting many steps (the look-back ensemble recursively), a
rolling-origin backtest beside the peers and baselines, split-conformal intervals calibrated on that
backtest, and the forecast of the steps after the last timestamp."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from frameforecast.atomic import write_text
from frameforecast.datasets import time_axis
from frameforecast.errors import UserError
from frameforecast.forecasters import peers, statistical
from frameforecast.forecasters.base import Forecaster, Refused, forecast_all

LEVELS = (80, 95)


def anchor_ahead(data: dict, y: np.ndarray, origins, horizon: int, m: int, fit_end: int) -> np.ndarray | None:
    """A peer anchor's own multi-step forecasts from each origin, fit on y[:fit_end] (None for the naive
    anchor, which recursive_many rolls forward itself)."""
    from frameforecast.stages.lookback_data import SEASONAL_ANCHOR

    if data["anchor"] == SEASONAL_ANCHOR:
        return None
    try:
        return peers.from_origins(y, fit_end, origins, horizon, m, data["anchor"])
    except Refused as exc:
        raise UserError(f"{data['anchor']} on the first {fit_end} points of this series: {exc}") from None


def recursive_many(models, data, y, origins, horizon: int, lb: int, m: int, weight: float, fit_end=None) -> np.ndarray:
    """`recursive` from several origins at once (one batch per step): (len(origins), horizon). A peer anchor
    is fit on y[:fit_end] (default: the training part) and forecasts from each origin on its own; the
    network's correction to it is fed back through its error input."""
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
        # predict_on_batch: one compiled call per model and step (an eager call costs 50 × more)
        outputs = np.stack([np.asarray(model.predict_on_batch(windows)).reshape(len(known)) for model in models])
        corrections = weight * data["target_scaler"].inverse(outputs.reshape(-1, 1)).reshape(outputs.shape).mean(axis=0)
        starts = [k[-m] + (k[-1] - k[-1 - m]) for k in known] if ahead is None else ahead[:, step]
        known = [np.append(k, a + c) for k, a, c in zip(known, starts, corrections, strict=True)]
        errors = [np.append(e, c) for e, c in zip(errors, corrections, strict=True)]
    return np.stack([k[o:] for k, o in zip(known, origins, strict=True)])


class LookbackEnsemble(Forecaster):
    """The corrected look-back ensemble, recursive: its seeds are trained by `train` (checkpointed, resumable);
    fitting it on a training part fits its anchor there. The forecast is shrunk by the validation-chosen λ."""

    kind, name = "model", "model"

    def __init__(self, models: list, data: dict, look_back: int, season: int, weight: float):
        self.models, self.data, self.look_back, self.season, self.weight = models, data, look_back, season, weight
        self._fit_end = data["train_end"]

    def fit(self, train: np.ndarray) -> LookbackEnsemble:
        self._fit_end = len(train)
        return self

    def predict(self, y: np.ndarray, origins, horizon: int) -> np.ndarray:
        return recursive_many(
            self.models, self.data, y, origins, horizon, self.look_back, self.season, self.weight, self._fit_end
        )


def conformal_width(residuals: np.ndarray, level: int) -> np.ndarray:
    """Split-conformal half-widths per step: the ⌈(n + 1)·level⌉-th smallest |residual| of the n calibration
    origins (∞ when n is too small for that level)."""
    residuals = np.abs(np.asarray(residuals, float))
    n = len(residuals)
    rank = int(np.ceil((n + 1) * level / 100))
    if rank > n:
        return np.full(residuals.shape[1], np.inf)
    return np.sort(residuals, axis=0)[rank - 1]


def leave_one_out_coverage(residuals: np.ndarray, level: int) -> float | None:
    """The share of backtest points inside their interval when each origin's interval is calibrated on the
    other origins' residuals (the origin itself never sets its own width); None ("—") when the other origins
    are too few for that level, since an unbounded interval covers everything and says nothing."""
    residuals = np.abs(np.asarray(residuals, float))
    if np.isinf(conformal_width(residuals[1:], level)).any():  # as many calibration origins as each one gets
        return None
    inside = [residuals[i] <= conformal_width(np.delete(residuals, i, axis=0), level) for i in range(len(residuals))]
    return float(np.mean(inside))


def backtest_horizon(season: int, test_points: int) -> int:
    """h of the backtest (and the longest calibrated forecast): one season, at most a third of the test part."""
    return max(1, min(season, test_points // 3))


def score_backtest(
    y: np.ndarray, origins: np.ndarray, horizon: int, season: int, model: Forecaster, others: tuple = ()
) -> dict:
    """The model (and `others` of ours) beside every peer and baseline, each fit on the points before the first
    origin and forecasting `horizon` steps from every origin (peers and Holt-Winters updated without refitting):
    per origin RMSE, its mean and sd over origins, and the model's conformal intervals' coverage (leave one
    origin out)."""
    origins = np.asarray(origins, int)
    truth = np.stack([y[o : o + horizon] for o in origins])
    forecasters = [model, *others, *statistical.alternatives(season)]
    forecasts, refused = forecast_all(forecasters, y, int(origins[0]), origins, horizon)
    if model.name not in forecasts:
        raise UserError(f"the model could not forecast this series' backtest: {refused[model.name]}")
    errors = {name: np.sqrt(np.mean((f - truth) ** 2, axis=1)) for name, f in forecasts.items()}
    residuals = truth - forecasts[model.name]
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
        "peers": sorted(statistical.by_kind(forecasters, forecasts).get("peer", {})),
        "others": [o.name for o in others if o.name in forecasts],
        "refused": refused,
        "coverage": checks,
        "calibration": "leave one origin out: each origin's interval is calibrated on the other origins",
        "widths": {str(level): _finite(conformal_width(residuals, level)) for level in LEVELS},
        "forecasts": {name: f.tolist() for name, f in forecasts.items()},
    }


def future(model: Forecaster, y: np.ndarray, series, widths: dict, horizon: int) -> dict:
    """The next `horizon` steps after the last point, the model fit on all of it, with the backtest's conformal
    intervals."""
    require_calibrated(widths, horizon)
    mean = model.fit(np.asarray(y, float)).predict(y, [len(y)], horizon)[0]
    floor = 0.0 if np.min(y) >= 0 else None  # counts, sales, passengers: never below zero
    return with_intervals(future_times(series, horizon), mean, widths, floor)


def require_calibrated(widths: dict, horizon: int) -> None:
    calibrated = len(next(iter(widths.values())))
    if horizon > calibrated:
        raise UserError(
            f"--horizon {horizon} is longer than the {calibrated} steps its intervals are calibrated on (the "
            f"backtest's horizon); pass --horizon {calibrated} or less"
        )


def with_intervals(times: list, mean: np.ndarray, widths: dict, floor: float | None = None) -> dict:
    """A forecast with its 80 % and 95 % split-conformal intervals (None where too few origins calibrate it).
    floor: the least value the series can take (0 for one never observed below it); a lower bound below it is
    raised to it, which keeps every point the interval covered."""
    out = {"times": list(times), "forecast": np.asarray(mean, float).tolist()}
    for level in LEVELS:
        width = widths[str(level)][: len(mean)]
        lows = [None if w is None else float(m - w) for m, w in zip(mean, width, strict=True)]
        if floor is not None:
            lows = [None if lo is None else max(lo, min(floor, m)) for lo, m in zip(lows, mean, strict=True)]
        out[f"lo{level}"] = lows
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
    try:
        stamps = [str(series.times[-1] + step * h) for h in range(1, horizon + 1)]
    except (pd.errors.OutOfBoundsDatetime, OverflowError):  # past 2262-04-11, the last day pandas can hold
        return [f"{series.times[-1]} + {h} step{'s' if h > 1 else ''}" for h in range(1, horizon + 1)]
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
