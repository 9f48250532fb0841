"""The direct multi-horizon head on one series: the global LSTM (forecasters/global_lstm.py: a correction of the
seasonal naive forecast of the whole horizon at once, never fed back) trained on this series' own windows,
then shrunk toward the mean of AutoETS, AutoARIMA and AutoTheta, as on a panel. λ is chosen on the last
`horizon` points of the training part, by a probe trained without them; the model is then trained on the
whole training part with the same settings."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from frameforecast.forecasters import global_lstm
from frameforecast.forecasters.base import Forecaster, Refused, shrink, shrinkage
from frameforecast.forecasters.peers import PEERS
from frameforecast.forecasters.statistical import Peer

LABEL = "direct LSTM"
TOWARD = "mean of ETS, ARIMA, Theta"


def combination(y: np.ndarray, fit_end: int, origins, horizon: int, season: int) -> np.ndarray:
    """The mean of the statsforecast peers' forecasts from each origin, each fit on y[:fit_end]."""
    return np.mean([Peer(name, season).fit(y[:fit_end]).predict(y, origins, horizon) for name in PEERS], axis=0)


class DirectHead(Forecaster):
    """The direct head as a forecaster: fit keeps the training part; the first forecast of a horizon trains the
    probe and the model for it (so the hold-out and the backtest each get a model of their own horizon); from any
    origin it reads the points before it alone."""

    kind, name = "model", LABEL

    def __init__(self, settings: global_lstm.Settings, season: int, folder: Path, seed: int = 0):
        self.settings, self.season, self.folder, self.seed = settings, season, Path(folder), seed
        self._train: np.ndarray | None = None
        self._fitted: dict[int, tuple[global_lstm.GlobalLSTM, float]] = {}
        self.lambdas: dict[str, float] = {}

    def fit(self, train: np.ndarray) -> DirectHead:
        train = np.asarray(train, float)
        if self._train is None or not np.array_equal(train, self._train):
            self._train, self._fitted = train, {}
        return self

    def _model(self, horizon: int) -> tuple[global_lstm.GlobalLSTM, float]:
        if horizon not in self._fitted:
            train, season = self._train, self.season
            start = len(train) - horizon
            if start < self.settings.window // 2 + season:
                raise Refused(f"{len(train)} training points leave too few before a {horizon}-step validation")
            folder = self.folder / f"h{horizon}"
            probe = global_lstm.GlobalLSTM(self.settings, season, horizon, folder / "probe", self.seed)
            probe.fit(train[:start])
            anchor = combination(train, start, [start], horizon, season)
            weight = shrinkage(probe.predict(train, [start], horizon), anchor, train[start:][None, :])
            model = global_lstm.GlobalLSTM(self.settings, season, horizon, folder / "model", self.seed).fit(train)
            self._fitted[horizon] = (model, weight)
            self.lambdas[f"{horizon}@{len(train)}"] = weight  # λ of a horizon from this fit end
        return self._fitted[horizon]

    def predict(self, y: np.ndarray, origins, horizon: int) -> np.ndarray:
        if self._train is None:
            raise ValueError("fit first")
        model, weight = self._model(horizon)
        anchor = combination(np.asarray(y, float), len(self._train), origins, horizon, self.season)
        return shrink(model.predict(y, origins, horizon), anchor, weight)
