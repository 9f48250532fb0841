"""One interface for every series forecaster, as in Darts: fit on a training part, then forecast h steps from
any origin, reading only the points before it. The protocols (one-step test, hold-out, backtest, the future)
and the tables call nothing else."""

from __future__ import annotations

import abc

import numpy as np


class Refused(ValueError):
    """This forecaster cannot be fit on this training part (too short, no season, the library gave up)."""


class Forecaster(abc.ABC):
    """fit(train) → self; predict(y, origins, horizon) → (len(origins), horizon), row k forecasting
    y[o : o + horizon] for o = origins[k] from y[:o] alone. Origins lie at or after the training part's end."""

    name: str
    kind: str  # "baseline", "peer" or "model": which table and which verdict it belongs to

    @abc.abstractmethod
    def fit(self, train: np.ndarray) -> Forecaster: ...

    @abc.abstractmethod
    def predict(self, y: np.ndarray, origins, horizon: int) -> np.ndarray: ...


def forecast_all(forecasters, y: np.ndarray, fit_end: int, origins, horizon: int) -> tuple[dict, dict]:
    """Each forecaster fit on y[:fit_end] and forecasting from `origins`: ({name: (len(origins), horizon)},
    {name: why it was refused})."""
    origins = np.asarray(origins, int)
    forecasts, refused = {}, {}
    for forecaster in forecasters:
        try:
            forecasts[forecaster.name] = np.asarray(
                forecaster.fit(np.asarray(y[:fit_end], float)).predict(y, origins, horizon), float
            )
        except Refused as exc:
            refused[forecaster.name] = str(exc)
    return forecasts, refused


# ---------------------------------------------------------------- shrinking a model toward its anchor
LAMBDAS = np.linspace(0.0, 1.0, 11)  # the grid of a λ chosen by a score


def shrink(model, base, weight: float):
    """base + λ · (model − base); a list (a panel's series) shrinks series by series."""
    if isinstance(model, list):
        return [shrink(m, b, weight) for m, b in zip(model, base, strict=True)]
    return base + weight * (np.asarray(model, float) - base)


def shrinkage(model, base, truth, score=None) -> float:
    """λ in [0, 1] for base + λ · (model − base) on validation data.

    Without `score`: the λ minimising the squared error. The error is a convex quadratic in λ, so the clipped
    least-squares λ is its minimum over [0, 1]; λ = 0 is the baseline itself, so the shrunk forecast's validation
    error never exceeds the baseline's. With `score(shrunk, truth)` (lower is better, e.g. a competition's OWA):
    the best λ of the grid 0, 0.1, …, 1, the smallest on a tie.
    """
    if score is not None:
        best, best_score = 0.0, np.inf
        for lam in LAMBDAS:
            value = score(shrink(model, base, float(lam)), truth)
            if value < best_score - 1e-12:
                best, best_score = float(lam), value
        return best
    change = (np.asarray(model, float) - base).ravel()
    wanted = (np.asarray(truth, float) - base).ravel()
    energy = float(change @ change)
    return float(np.clip(change @ wanted / energy, 0.0, 1.0)) if energy > 0 else 0.0
