"""One global LSTM over a panel: a corrected, direct multi-horizon model.

- **Per-series scaling**: each window is divided by the mean of its own input, so series of any level share
  one model.
- **Corrected**: it reads the window and outputs a correction to the seasonal naive forecast of the whole
  horizon (the anchor every training window has), so an untrained model (zero read-out) is exactly that
  anchor.
- **Direct**: the whole horizon at once, never fed back step by step.
- **Ensemble**: `seeds` independently initialised members trained side by side in one fit; the forecast is
  their mean.
- **Shrunk**: toward the panel's best benchmark (the combination of ETS, ARIMA and Theta by default) by one
  λ ∈ [0, 1] chosen on a validation horizon cut from the end of each series' history: forecast = anchor +
  λ · (LSTM − anchor). The network is trained on the history before that validation horizon, then refit on
  the whole history with the same settings.

Only each series' own history is read: a series' held-out part, or another series', never reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LAMBDAS = np.linspace(0.0, 1.0, 11)


@dataclass(frozen=True)
class GlobalSettings:
    window: int = 24  # input points (shorter histories are padded with their first value)
    units: int = 64
    epochs: int = 8
    batch_size: int = 256
    learning_rate: float = 3e-3
    seeds: int = 5
    seed: int = 0
    max_windows: int = 60000  # a seeded sample of the training windows when a panel has more


def _padded(history: np.ndarray, length: int) -> np.ndarray:
    h = np.asarray(history, float)
    return np.concatenate([np.full(max(length - len(h), 0), h[0]), h])[-length:] if len(h) < length else h


def _snaive(window: np.ndarray, season: int, horizon: int) -> np.ndarray:
    """The seasonal naive forecast from the end of each (scaled) window: (N, horizon)."""
    last = window[:, -season:]
    return np.concatenate([last] * (horizon // season + 1), axis=1)[:, :horizon]


def windows(histories, horizon: int, settings: GlobalSettings, season: int, rng) -> tuple[np.ndarray, np.ndarray]:
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


def build(settings: GlobalSettings, horizon: int):
    """LSTM(units) → Dense(horizon) read-out starting at zero (so training starts at the anchor)."""
    import keras
    from keras import layers

    inputs = keras.Input((settings.window, 1), name="window")
    state = layers.LSTM(settings.units, name="lstm")(inputs)
    return keras.Model(inputs, layers.Dense(horizon, kernel_initializer="zeros", name="correction")(state))


def fit_predict(histories, horizon: int, season: int, settings: GlobalSettings, folder) -> list[np.ndarray]:
    """Train the ensemble on `histories` and forecast `horizon` points after each: one array per series."""
    from frameforecast.models.series import build_members
    from frameforecast.training import FitSettings, fit, members_of

    rng = np.random.default_rng(settings.seed)
    x, y = windows(histories, horizon, settings, season, rng)
    result = fit(
        lambda: build_members(lambda: build(settings, horizon), settings.seeds),
        folder,
        FitSettings(
            epochs=settings.epochs,
            loss="mse",
            learning_rate=settings.learning_rate,
            lr_schedule="cosine",
            steps_per_epoch=-(-len(x) // settings.batch_size),  # the cosine's length: every batch of every epoch
            seed=settings.seed,
            batch_size=settings.batch_size,
        ),
        x=x,
        y=[y] * settings.seeds,
        restart=True,
        verbose=0,
        log=lambda *_: None,
    )
    last = np.stack([_padded(h, settings.window)[-settings.window :] for h in histories])
    scale = _scale(last)
    inputs = (last / scale)[..., None]
    corrections = np.mean([np.asarray(m.predict(inputs, verbose=0)) for m in members_of(result.model)], axis=0)
    forecast = (_snaive(last / scale, season, horizon) + corrections) * scale
    return list(forecast)


def shrinkage(lstm, anchor, future, score) -> float:
    """The λ ∈ [0, 1] (in steps of 0.1) whose shrunk forecasts score best on the validation horizon."""
    best, best_score = 0.0, np.inf
    for lam in LAMBDAS:
        value = score([a + lam * (m - a) for m, a in zip(lstm, anchor)], future)
        if value < best_score - 1e-12:
            best, best_score = float(lam), value
    return best


def run(panel, folder, settings: GlobalSettings = GlobalSettings(), n_jobs: int = -1) -> dict:
    """The competition protocol on a panel: every benchmark and the shrunk global LSTM forecast each series'
    held-out horizon from its own history. Returns {"forecasts": model → per-series arrays, "lambda": λ,
    "anchor": the benchmark it is shrunk toward}; forecasts.csv is written into `folder`."""
    from pathlib import Path

    from frameforecast import metrics
    from frameforecast.datasets.panels import Panel, write_forecasts
    from frameforecast.errors import UserError
    from frameforecast.forecasters import panel_peers

    if len(set(panel.horizons)) != 1:
        raise UserError(f"{panel.name}: the global LSTM needs one horizon for all series, got {set(panel.horizons)}")
    horizon, season, anchor = panel.horizons[0], panel.season, panel_peers.COMBINATION
    folder = Path(folder)
    validation = Panel(
        panel.name,
        panel.ids,
        tuple(h[:-horizon] for h in panel.history),
        tuple(h[-horizon:] for h in panel.history),
        panel.times,
        season,
        panel.source,
    )
    checked = panel_peers.benchmarks(validation, n_jobs)[anchor]
    tried = fit_predict(validation.history, horizon, season, settings, folder / "validation")
    lam = shrinkage(
        tried, checked, validation.future, lambda f, t: np.mean([metrics.smape(a, b) for a, b in zip(f, t)])
    )
    forecasts = panel_peers.benchmarks(panel, n_jobs)
    lstm = fit_predict(panel.history, horizon, season, settings, folder / "model")
    forecasts["LSTM (global, unshrunk)"] = lstm
    forecasts["LSTM (global, shrunk)"] = [a + lam * (m - a) for m, a in zip(lstm, forecasts[anchor])]
    write_forecasts(folder / "forecasts.csv", panel, forecasts)
    return {"forecasts": forecasts, "lambda": lam, "anchor": anchor}
