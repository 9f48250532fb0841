"""One global LSTM over a panel: a corrected, direct multi-horizon model.

- **Per-series scaling**: each window is divided by the mean of its own input, so series of any level share
  one model.
- **Corrected**: it reads the window and outputs a correction to the seasonal naive forecast of the whole
  horizon (the anchor every training window has), so an untrained model (zero read-out) is exactly that
  anchor.
- **Direct**: the whole horizon at once, never fed back step by step.
- **Ensemble**: `seeds` independently initialised members trained side by side in one fit; the forecast is
  their mean.
- **Shrunk** (by the panel stage, frameforecast.stages.panel): toward the combination of ETS, ARIMA and Theta
  by one λ ∈ [0, 1] chosen on a validation horizon cut from the end of each series' history: forecast =
  anchor + λ · (LSTM − anchor). The network is trained on the history before that validation horizon, then
  refit on the whole history with the same settings.

Only the histories it is given are read: a series' held-out part, or another series', never reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frameforecast.config.classes import Batches, Ensembled, Epochs, Recurrent, setting
from frameforecast.forecasters.base import Forecaster

LABEL = "global LSTM"  # how the pages name it
MIN_EPOCH_BATCHES = 200


@dataclass(frozen=True, kw_only=True)
class Settings(Batches, Epochs, Recurrent, Ensembled):
    """The global LSTM's own settings (the panel family's row gives their values)."""

    window: int = setting(help="input points (a shorter history is padded with its first value)", option=True)
    max_windows: int = setting(help="a seeded sample of the training windows when a panel has more")


def _padded(history: np.ndarray, length: int) -> np.ndarray:
    h = np.asarray(history, float)
    return np.concatenate([np.full(max(length - len(h), 0), h[0]), h])[-length:] if len(h) < length else h


def _snaive(window: np.ndarray, season: int, horizon: int) -> np.ndarray:
    """The seasonal naive forecast from the end of each (scaled) window: (N, horizon)."""
    last = window[:, -season:]
    return np.concatenate([last] * (horizon // season + 1), axis=1)[:, :horizon]


def windows(histories, horizon: int, settings: Settings, season: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Training pairs from every series' history: (inputs (N, window, 1), correction targets (N, horizon)),
    each window scaled by its own input mean."""
    xs, ys = [], []
    for h in histories:
        y = _padded(h, settings.window + horizon)
        for end in range(settings.window, len(y) - horizon + 1):
            xs.append(y[end - settings.window : end])
            ys.append(y[end : end + horizon])
    x, y = np.asarray(xs), np.asarray(ys)
    if len(x) > settings.max_windows:
        keep = rng.choice(len(x), settings.max_windows, replace=False)
        x, y = x[keep], y[keep]
    scale = _scale(x)
    x, y = x / scale, y / scale
    return x[..., None], y - _snaive(x, season, horizon)


def _scale(x: np.ndarray) -> np.ndarray:
    level = np.abs(x).mean(axis=1, keepdims=True)
    return np.where(level > 0, level, 1.0)


def build(settings: Settings, horizon: int):
    """LSTM(units) → Dense(horizon) read-out starting at zero (so training starts at the anchor)."""
    import keras
    from keras import layers

    inputs = keras.Input((settings.window, 1), name="window")
    state = layers.LSTM(settings.units, name="lstm")(inputs)
    return keras.Model(inputs, layers.Dense(horizon, kernel_initializer="zeros", name="correction")(state))


def train_members(
    histories, horizon: int, season: int, settings: Settings, folder, seed: int = 0, strategy: str = "default"
) -> list:
    """The ensemble's members, trained on every window of `histories` (under a tf.distribute `strategy`)."""
    from frameforecast.models.series import build_members
    from frameforecast.training import FitSettings, fit, members_of

    rng = np.random.default_rng(seed)
    x, y = windows(histories, horizon, settings, season, rng)
    batches = -(-len(x) // settings.batch_size)
    # a small panel's passes are grouped into Keras epochs of at least MIN_EPOCH_BATCHES batches (the same
    # updates; the fit loop's per-epoch work, a backup among it, once per group)
    group = max(1, min(settings.epochs, MIN_EPOCH_BATCHES // batches))
    order = np.concatenate([rng.permutation(len(x)) for _ in range(group)])
    result = fit(
        lambda: build_members(lambda: build(settings, horizon), settings.seeds),
        folder,
        FitSettings(
            epochs=-(-settings.epochs // group),
            loss="mse",
            learning_rate=settings.learning_rate,
            lr_schedule="cosine",
            steps_per_epoch=batches * group,  # the cosine's length: every batch of every epoch
            seed=seed,
            batch_size=settings.batch_size,
            steps_per_execution=settings.steps_per_execution,
        ),
        x=x[order],
        y=[y[order]] * settings.seeds,
        strategy=strategy,
        restart=True,
        verbose=0,
        log=lambda *_: None,
    )
    return members_of(result.model)


def forecast(members: list, histories, horizon: int, season: int, settings: Settings) -> np.ndarray:
    """The ensemble's mean forecast of the `horizon` points after each history: (len(histories), horizon)."""
    last = np.stack([_padded(h, settings.window)[-settings.window :] for h in histories])
    scale = _scale(last)
    inputs = (last / scale)[..., None]
    corrections = np.mean([np.asarray(m.predict(inputs, verbose=0)) for m in members], axis=0)
    return (_snaive(last / scale, season, horizon) + corrections) * scale


def fit_predict(
    histories, horizon: int, season: int, settings: Settings, folder, seed: int = 0, strategy: str = "default"
) -> list[np.ndarray]:
    """Train the ensemble on `histories` and forecast `horizon` points after each: one array per series (the
    panel stage's protocol)."""
    members = train_members(histories, horizon, season, settings, folder, seed, strategy)
    return list(forecast(members, histories, horizon, season, settings))


class GlobalLSTM(Forecaster):
    """The global LSTM as a series forecaster (the contract every forecaster keeps): fit on the training part's
    windows, then forecast from any origin with the points before it alone. Direct: the horizon it was fit for,
    or a prefix of it."""

    kind = "model"

    def __init__(self, settings: Settings, season: int, horizon: int, folder, seed: int = 0, name: str = LABEL):
        self.settings, self.season, self.horizon, self.folder, self.seed, self.name = (
            settings,
            season,
            horizon,
            folder,
            seed,
            name,
        )
        self.members: list = []

    def fit(self, train: np.ndarray) -> GlobalLSTM:
        self.members = train_members(
            [np.asarray(train, float)], self.horizon, self.season, self.settings, self.folder, self.seed
        )
        return self

    def predict(self, y: np.ndarray, origins, horizon: int) -> np.ndarray:
        if horizon > self.horizon:
            raise ValueError(f"fit for {self.horizon} steps ahead, asked for {horizon}")
        histories = [np.asarray(y[:o], float) for o in origins]
        return forecast(self.members, histories, self.horizon, self.season, self.settings)[:, :horizon]
