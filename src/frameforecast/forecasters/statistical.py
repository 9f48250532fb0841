"""The alternatives every series table shows, as forecasters: the naive baselines and Holt-Winters
(models/baselines.py), and statsforecast's AutoARIMA, AutoETS and AutoTheta (forecasters/peers.py)."""

from __future__ import annotations

import numpy as np

from frameforecast.forecasters import peers
from frameforecast.forecasters.base import Forecaster, Refused
from frameforecast.models import baselines

SEASONAL_BASELINES = ("seasonal naive", "seasonal naive + last change", "Holt-Winters")
BASELINES = ("persistence", "drift", *SEASONAL_BASELINES)


class Baseline(Forecaster):
    """A naive baseline or Holt-Winters: Holt-Winters' parameters come from the training part, and from a later
    origin it is re-run over y[:origin] without refitting; the naive ones read y[:origin] only."""

    kind = "baseline"

    def __init__(self, name: str, season: int | None):
        if name not in BASELINES:
            raise ValueError(f"unknown baseline {name!r}; known: {', '.join(BASELINES)}")
        self.name, self.season, self._method = name, season, None

    def fit(self, train: np.ndarray) -> Baseline:
        methods, refused = baselines.series_baselines(np.asarray(train, float), self.season, only=self.name)
        if self.name not in methods:
            raise Refused(refused.get(self.name, f"it needs a season > 1 (this series has {self.season})"))
        self._method = methods[self.name]
        return self

    def predict(self, y: np.ndarray, origins, horizon: int) -> np.ndarray:
        try:
            return baselines.forecast_at(self._method, np.asarray(y, float), origins, horizon, self.season)
        except baselines.BaselineRefused as exc:
            raise Refused(str(exc)) from None


class Peer(Forecaster):
    """A statsforecast model with the series' season, fit on the training part when it first forecasts and then,
    from each later origin, updated with the points before it without refitting (cross_validation, refit=False)."""

    kind = "peer"

    def __init__(self, name: str, season: int | None):
        if name not in peers.PEERS:
            raise ValueError(f"unknown peer {name!r}; known: {', '.join(peers.PEERS)}")
        self.name, self.season, self._fit_end = name, season, None

    def fit(self, train: np.ndarray) -> Peer:
        self._fit_end = len(train)
        return self

    def predict(self, y: np.ndarray, origins, horizon: int) -> np.ndarray:
        return peers.from_origins(y, self._fit_end, origins, horizon, self.season, self.name)


def alternatives(season: int | None) -> list[Forecaster]:
    """Every baseline the season allows, then every peer, unfitted."""
    seasonal = bool(season and season > 1)
    names = [n for n in BASELINES if seasonal or n not in SEASONAL_BASELINES]
    return [Baseline(n, season) for n in names] + [Peer(n, season) for n in peers.PEERS]


def of_kind(season: int | None, kind: str) -> list[Forecaster]:
    return [f for f in alternatives(season) if f.kind == kind]


def by_kind(forecasters, forecasts: dict) -> dict[str, dict]:
    """{kind: {name: forecast}} for the forecasters that produced one."""
    out: dict[str, dict] = {}
    for forecaster in forecasters:
        if forecaster.name in forecasts:
            out.setdefault(forecaster.kind, {})[forecaster.name] = forecasts[forecaster.name]
    return out
