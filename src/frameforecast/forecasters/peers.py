"""The statistical models a practitioner would pick instead of an LSTM: statsforecast's AutoARIMA, AutoETS
and AutoTheta, with the series' season.

Every protocol uses statsforecast's own cross-validation, so the numbers equal statsforecast's on the same
points: a model is fit once on the data before the first origin and then, with `refit=False`, updated with
each observed point without being refit (the LSTMs are also trained once).
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings

import numpy as np

from frameforecast.forecasters.base import Refused

PEERS = ("AutoARIMA", "AutoETS", "AutoTheta")


def _model(name: str, season: int):
    from statsforecast import models

    return getattr(models, name)(season_length=max(int(season or 1), 1))


@contextlib.contextmanager
def _quiet():
    """statsforecast and its dependencies warn on stderr and through logging; a user sees none of it."""
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(previous)


def _frame(y: np.ndarray):
    import pandas as pd

    return pd.DataFrame({"unique_id": "series", "ds": np.arange(len(y), dtype=np.int64), "y": np.asarray(y, float)})


def _cross_validation(y, first_origin: int, horizon: int, season, name: str) -> tuple:
    """One peer's cross-validation forecasts (windows, horizon) from every origin first_origin … len(y) − horizon,
    fit once on y[:first_origin], or (None, why it was refused)."""
    from statsforecast import StatsForecast

    windows = len(y) - horizon - first_origin + 1
    engine = StatsForecast(models=[_model(name, season)], freq=1, n_jobs=1)
    try:
        with _quiet():
            cv = engine.cross_validation(df=_frame(y), h=horizon, step_size=1, n_windows=windows, refit=False)
    except Exception as exc:  # statsforecast raises bare Exceptions for series it cannot fit
        return None, f"statsforecast could not fit it ({str(exc).splitlines()[0][:120]})"
    out = cv.sort_values(["cutoff", "ds"])[name].to_numpy(float).reshape(windows, horizon)
    if not np.isfinite(out).all():
        return None, "statsforecast returned non-finite forecasts"
    return out, None


def from_origins(y: np.ndarray, fit_end: int, origins, horizon: int, season: int | None, name: str) -> np.ndarray:
    """One peer's forecasts (len(origins), horizon) from each origin o ≥ fit_end, fit once on y[:fit_end] and
    updated with y[fit_end:o] (refit=False); nothing at or after an origin is read (the points past the last
    origin are padding that only cross-validation's bookkeeping sees). Raises Refused when statsforecast
    cannot fit the series."""
    origins = np.asarray(origins, int)
    if origins.min() < fit_end:
        raise ValueError(f"origin {origins.min()} lies inside the {fit_end} points the peer is fit on")
    padded = np.concatenate([np.asarray(y[: origins.max()], float), np.full(horizon, y[origins.max() - 1])])
    forecasts, why = _cross_validation(padded, fit_end, horizon, season, name)
    if forecasts is None:
        raise Refused(why)
    return forecasts[origins - fit_end]


def one_step_path(y: np.ndarray, fit_end: int, season: int | None, name: str) -> np.ndarray | None:
    """A peer's one-step forecast of every point: in-sample fitted values on y[:fit_end] (the fit's own
    one-step predictions), then one step ahead from each later origin without refitting. None if refused."""
    from statsforecast import StatsForecast

    engine = StatsForecast(models=[_model(name, season)], freq=1, n_jobs=1)
    frame = _frame(y[:fit_end])
    try:
        with _quiet():
            engine.forecast(df=frame, h=1, fitted=True)
            fitted = engine.forecast_fitted_values()[name].to_numpy(float)
    except Exception:  # statsforecast raises bare Exceptions for series it cannot fit
        return None
    try:
        later = from_origins(y, fit_end, np.arange(fit_end, len(y)), 1, season, name) if fit_end < len(y) else None
    except Refused:
        return None
    path = np.concatenate([fitted, [] if later is None else later[:, 0]])
    return path if len(path) == len(y) and np.isfinite(path).all() else None
