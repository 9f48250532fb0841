"""Naive baselines as models like any other (Darts style): comparing with them costs one line.

Video baselines take the input frames (N, T_in, H, W[, 1]) and return T_out predicted frames; reverse=True
asks for the frames before the last one, newest first (the reconstruction target), where that differs.
Series baselines take the full series y and a forecast origin o (y[:o] is known) and return
the forecasts of y[o : o + horizon].
"""

from __future__ import annotations

import warnings

import numpy as np


# ---------------------------------------------------------------- video
def all_black(inputs: np.ndarray, out_frames: int, reverse: bool = False) -> np.ndarray:
    return np.zeros((inputs.shape[0], out_frames) + inputs.shape[2:], dtype=np.float32)


def copy_last_frame(inputs: np.ndarray, out_frames: int, reverse: bool = False) -> np.ndarray:
    return np.repeat(inputs[:, -1:], out_frames, axis=1).astype(np.float32)


def mean_input_frame(inputs: np.ndarray, out_frames: int, reverse: bool = False) -> np.ndarray:
    return np.repeat(inputs.mean(axis=1, keepdims=True), out_frames, axis=1).astype(np.float32)


def optical_flow(inputs: np.ndarray, out_frames: int, reverse: bool = False) -> np.ndarray:
    """Farnebäck flow between the last two input frames, extrapolated at constant velocity.

    Each future frame k is the last frame warped (cv2.remap) by k times the velocity. reverse=True walks
    back in time instead (frame k is k − 1 steps before the last), the counterpart for reconstruction targets.
    """
    from frameforecast.models import flow

    steps = [-k for k in range(out_frames)] if reverse else list(range(1, out_frames + 1))
    frames = inputs[..., 0] if inputs.ndim == 5 else inputs
    out = np.stack([flow.extrapolate(clip[-1], flow.velocity(clip[-2], clip[-1]), steps) for clip in frames])
    return out[..., None] if inputs.ndim == 5 else out


VIDEO_BASELINES = {
    "all-black frame": all_black,
    "copy last frame": copy_last_frame,
    "mean input frame": mean_input_frame,
    "optical flow": optical_flow,
}


# ---------------------------------------------------------------- series
class BaselineRefused(ValueError):
    """This baseline cannot forecast from this origin without reading the future or wrapping around."""


def _require_history(origin: int, needed: int, season: int) -> None:
    if origin < needed:
        raise BaselineRefused(f"origin {origin} has less than one season ({season}) of history before it")


def persistence(y: np.ndarray, origin: int, horizon: int, **_) -> np.ndarray:
    """The last known value, repeated."""
    return np.full(horizon, y[origin - 1], dtype=float)


def seasonal_naive(y: np.ndarray, origin: int, horizon: int, season: int, **_) -> np.ndarray:
    """The value one season earlier: y[t − m] (for h > m, the last known season repeated)."""
    _require_history(origin, season, season)
    steps = np.arange(horizon)
    return y[origin - season + steps % season].astype(float)


def seasonal_naive_last_change(y: np.ndarray, origin: int, horizon: int, season: int, **_) -> np.ndarray:
    """y[t − m] + y[o − 1] − y[o − 1 − m]: last season, shifted by how much the level moved since then."""
    _require_history(origin, season + 1, season)
    return seasonal_naive(y, origin, horizon, season) + (y[origin - 1] - y[origin - 1 - season])


def drift(y: np.ndarray, origin: int, horizon: int, **_) -> np.ndarray:
    """The last value plus h times the average change over the known history."""
    slope = (y[origin - 1] - y[0]) / max(origin - 1, 1)
    return y[origin - 1] + slope * np.arange(1, horizon + 1)


class HoltWinters:
    """Additive Holt-Winters fitted once on the training part; forecasts from any later origin.

    Parameters and initial states come from the training fit; for a later origin the model is
    re-run (not re-fitted) over y[:origin], so no test value is used beyond the origin.
    """

    def __init__(self, train: np.ndarray, season: int):
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        self.season, self.fit_length = season, len(train)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = ExponentialSmoothing(
                train, trend="add", seasonal="add", seasonal_periods=season, initialization_method="estimated"
            ).fit()
        self.params = fit.params

    def __call__(self, y: np.ndarray, origin: int, horizon: int, **_) -> np.ndarray:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        if origin < self.fit_length:
            raise BaselineRefused(f"origin {origin} lies inside the {self.fit_length} points it was fitted on")
        p = self.params
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = ExponentialSmoothing(
                y[:origin],
                trend="add",
                seasonal="add",
                seasonal_periods=self.season,
                initialization_method="known",
                initial_level=p["initial_level"],
                initial_trend=p["initial_trend"],
                initial_seasonal=p["initial_seasons"],
            )
            fit = model.fit(
                smoothing_level=p["smoothing_level"],
                smoothing_trend=p["smoothing_trend"],
                smoothing_seasonal=p["smoothing_seasonal"],
                optimized=False,
            )
        return np.asarray(fit.forecast(horizon), dtype=float)


def series_baselines(train: np.ndarray, season: int | None, only: str | None = None) -> tuple[dict, dict]:
    """The baselines every series table shows (`only`: that one alone, so that Holt-Winters is fitted only when
    asked for), and those left out with the reason: the seasonal naive ones need a season of history before the
    first forecast, Holt-Winters two whole seasons to fit on."""
    out, refused = {"persistence": persistence, "drift": drift}, {}
    if not season or season < 2:
        return out, refused
    n = len(train)
    for name, method, needed in (
        ("seasonal naive", seasonal_naive, season + 1),
        ("seasonal naive + last change", seasonal_naive_last_change, season + 2),
        ("Holt-Winters", None, 2 * season + 1),
    ):
        if only not in (None, name):
            continue
        if n < needed:
            refused[name] = f"the training part has {n} points; it needs {needed} with season {season}"
        else:
            out[name] = method or HoltWinters(train, season)
    return out, refused


def forecast_at(method, y: np.ndarray, origins, horizon: int, season: int | None) -> np.ndarray:
    """Forecasts (len(origins), horizon) of one baseline from each origin."""
    return np.stack([method(y, origin=o, horizon=horizon, season=season) for o in origins])


# ---------------------------------------------------------------- signal windows (batch, steps, features)
AR_ORDER = 4  # a sum of two sinusoids obeys a linear recurrence of order 4


class LinearWindowMap:
    """The least-squares linear map (with intercept) from a whole input window to the whole output window,
    fit on training windows: the strongest linear alternative to a seq2seq model."""

    def __init__(self, x_train: np.ndarray, y_train: np.ndarray):
        self.out_shape = y_train.shape[1:]
        design = self._design(x_train)
        self.coef, *_ = np.linalg.lstsq(design, y_train.reshape(len(y_train), -1), rcond=None)

    @staticmethod
    def _design(x: np.ndarray) -> np.ndarray:
        return np.concatenate([x.reshape(len(x), -1), np.ones((len(x), 1))], axis=1)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return (self._design(x) @ self.coef).reshape(len(x), *self.out_shape)


def ar_extrapolation(x: np.ndarray, horizon: int, order: int = AR_ORDER) -> np.ndarray:
    """Per window and feature: a least-squares AR(order) fit on the input window alone, rolled forward
    `horizon` steps. Exact on noise-free sums of `order` / 2 sinusoids."""
    batch, steps, features = x.shape
    if steps <= order:
        raise ValueError(f"an AR({order}) fit needs more than {order} input steps, got {steps}")
    series = np.moveaxis(x, 2, 1).reshape(batch * features, steps)  # one row per window and feature
    lags = np.stack([series[:, order - k - 1 : steps - k - 1] for k in range(order)], axis=2)  # (rows, n, order)
    targets = series[:, order:]
    coef = np.stack([np.linalg.lstsq(a, b, rcond=None)[0] for a, b in zip(lags, targets, strict=True)])
    history = list(series[:, -order:].T)  # oldest first
    out = []
    for _ in range(horizon):
        nxt = sum(coef[:, k] * history[-1 - k] for k in range(order))
        out.append(nxt)
        history.append(nxt)
    return np.moveaxis(np.stack(out, axis=1).reshape(batch, features, horizon), 1, 2)
