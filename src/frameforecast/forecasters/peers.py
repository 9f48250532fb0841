"""The statistical models a practitioner would pick instead of an LSTM: statsforecast's AutoARIMA, AutoETS
and AutoTheta, with the series' season.

Every protocol follows statsforecast's own cross-validation with `refit=False`, call for call, so the numbers
equal statsforecast's on the same points: a model is fit once on the data before the first origin
(`model.fit`), then forecasts from each later origin with `model.forward(y[:origin], h)`, updated with each
observed point without being refit (the LSTMs are also trained once). A process fits each model on each
training part once, however many tables, anchors and protocols ask for it.
"""

from __future__ import annotations

import contextlib
import functools
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


@functools.lru_cache(maxsize=32)
def _fit(name: str, season: int, train: bytes):
    """The model fit on the training part (float64 bytes), or the reason statsforecast gave up."""
    model = _model(name, season)
    try:
        with _quiet():
            return model.fit(y=np.frombuffer(train, dtype=float).copy()), None
    except Exception as exc:  # statsforecast raises bare Exceptions for series it cannot fit
        return (
            None,
            f"statsforecast could not fit it ({str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__})",
        )


def fitted(name: str, season: int | None, train: np.ndarray):
    """The peer fit on `train`; raises Refused with statsforecast's reason."""
    model, why = _fit(name, max(int(season or 1), 1), np.ascontiguousarray(train, dtype=float).tobytes())
    if model is None:
        raise Refused(why)
    return model


def from_origins(y: np.ndarray, fit_end: int, origins, horizon: int, season: int | None, name: str) -> np.ndarray:
    """One peer's forecasts (len(origins), horizon) from each origin o ≥ fit_end, fit once on y[:fit_end] and
    updated with y[fit_end:o] (refit=False); nothing at or after an origin is read. Raises Refused when
    statsforecast cannot fit the series or forecasts a non-finite value."""
    origins = np.asarray(origins, int)
    if origins.min() < fit_end:
        raise ValueError(f"origin {origins.min()} lies inside the {fit_end} points the peer is fit on")
    y = np.asarray(y, float)
    model = fitted(name, season, y[:fit_end])
    try:
        with _quiet():
            out = np.stack([np.asarray(model.forward(y=y[:o], h=horizon)["mean"], float) for o in origins])
    except Exception as exc:  # statsforecast raises bare Exceptions for series it cannot forecast
        raise Refused(f"statsforecast could not forecast it ({str(exc).splitlines()[0][:120]})") from None
    if not np.isfinite(out).all():
        raise Refused("statsforecast returned non-finite forecasts")
    return out


def one_step_path(y: np.ndarray, fit_end: int, season: int | None, name: str) -> np.ndarray | None:
    """A peer's one-step forecast of every point: in-sample fitted values on y[:fit_end] (the fit's own
    one-step predictions), then one step ahead from each later origin without refitting. None if refused."""
    y = np.asarray(y, float)
    try:
        with _quiet():
            inside = np.asarray(fitted(name, season, y[:fit_end]).predict_in_sample()["fitted"], float)
        later = from_origins(y, fit_end, np.arange(fit_end, len(y)), 1, season, name)[:, 0] if fit_end < len(y) else []
    except Refused:
        return None
    path = np.concatenate([inside, later])
    return path if len(path) == len(y) and np.isfinite(path).all() else None
