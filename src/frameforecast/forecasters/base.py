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
