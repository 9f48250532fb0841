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


def rolling(
    y: np.ndarray, first_origin: int, horizon: int, season: int | None, levels: tuple[int, ...] = ()
) -> tuple[dict, dict]:
    """Each peer's forecasts of y[o : o + horizon] from every origin o = first_origin … len(y) − horizon,
    fit once on y[:first_origin] (refit=False): ({name: (origins, horizon) array, name-lo-80: …}, refused)."""
    from statsforecast import StatsForecast

    windows = len(y) - horizon - first_origin + 1
    if windows < 1:
        raise ValueError(f"no origin from {first_origin} leaves {horizon} steps in {len(y)} points")
    out, refused = {}, {}
    for name in PEERS:
        engine = StatsForecast(models=[_model(name, season)], freq=1, n_jobs=1)
        try:
            with _quiet():
                cv = engine.cross_validation(
                    df=_frame(y), h=horizon, step_size=1, n_windows=windows, refit=False, level=list(levels) or None
                )
        except Exception as exc:  # statsforecast raises bare Exceptions for series it cannot fit
            refused[name] = f"statsforecast could not fit it ({str(exc).splitlines()[0][:120]})"
            continue
        cv = cv.sort_values(["cutoff", "ds"])
        for column in [c for c in cv.columns if c.startswith(name)]:
            values = cv[column].to_numpy(float).reshape(windows, horizon)
            if not np.isfinite(values).all():
                refused[name] = "statsforecast returned non-finite forecasts"
                break
            out[column] = values
        else:
            continue
        for column in [c for c in out if c.startswith(name)]:
            del out[column]
    return out, refused


def one_step(y: np.ndarray, targets: np.ndarray, season: int | None) -> tuple[dict, dict]:
    """One-step-ahead forecasts of y[targets] (increasing positions), each peer fit once on y[:targets[0]]."""
    targets = np.asarray(targets)
    forecasts, refused = rolling(y[: targets[-1] + 1], int(targets[0]), 1, season)
    return {name: f[targets - targets[0], 0] for name, f in forecasts.items()}, refused
