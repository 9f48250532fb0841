"""The data of the look-back experiments: the faithful protocol (the tutorial's, leak included) and the
corrected one (scalers on the training part, seasonal differences, targets that start at the naive forecast)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from frameforecast.config.classes import LookbackConfig, LookbackMode
from frameforecast.datasets import series as series_data
from frameforecast.datasets.windows import lookback_windows, require_length, rows_for_training_part
from frameforecast.stages.series_common import Scaler, load_configured


def modes(cfg: LookbackConfig) -> dict[str, LookbackMode]:
    """Mode name → settings. Built-in series run both; a user CSV runs the corrected mode."""
    return {name: cfg.mode(name) for name in cfg.modes}


def load_series(cfg: LookbackConfig, log=print) -> tuple[np.ndarray, series_data.Series]:
    column = cfg.column
    series = load_configured(cfg, [column] if column else [], log=log)
    return series.column(), series


# ---------------------------------------------------------------- the two protocols
def faithful_data(y: np.ndarray, cfg: LookbackConfig, mode: LookbackMode, season: int) -> dict:
    """The tutorial's protocol: scaler on ALL data (leak), 67/33 split, `range(len - look_back - 1)`."""
    lb = mode.look_back
    train_end = int(len(y) * (1 - cfg.test_fraction))
    require_length(len(y), 2 * (lb + 2), f"look_back {lb}", cfg.csv or cfg.series)
    scaler = Scaler(y[:, None])  # fit on everything, as the original does
    scaled = scaler.transform(y[:, None])[:, 0]
    x_tr, y_tr = lookback_windows(scaled[:train_end], lb, faithful=True)
    x_te, y_te = lookback_windows(scaled[train_end:], lb, faithful=True)
    targets = train_end + lb + np.arange(len(y_te))  # positions in y of the test targets
    return dict(
        x_train=x_tr[..., None],
        y_train=y_tr,
        x_test=x_te[..., None],
        targets=targets,
        train_end=train_end,
        scaler=scaler,
        validation=None,
        to_units=lambda pred, idx: scaler.inverse(np.asarray(pred)[:, None])[:, 0],
    )


def corrected_data(y: np.ndarray, cfg: LookbackConfig, mode: LookbackMode, season: int) -> dict:
    """No leak: scalers fit on the training part only; every test point is forecast one step ahead.

    features="seasonal-difference": the inputs are the last `look_back` seasonal differences
    d[t] = y[t] − y[t − m]; the LSTM predicts the correction e[t] = d[t] − d[t − 1] to the seasonal
    naive + last change forecast, so the forecast is y[t − m] + d[t − 1] + ê[t].
    features="raw": the inputs are the last `look_back` values and the target is y[t], min-max scaled.
    """
    lb, m = mode.look_back, season
    train_end = int(len(y) * (1 - cfg.test_fraction))
    seasonal = mode.features == "seasonal-difference" and m > 1
    offset = m + 1 if seasonal else 0
    require_length(
        len(y),
        rows_for_training_part(offset + lb + 4, cfg.test_fraction),
        f"look_back {lb}" + (f" with season {m}" if seasonal else ""),
        cfg.csv or cfg.url or cfg.series,
    )
    if seasonal:
        signal = np.full(len(y), np.nan)
        signal[m:] = y[m:] - y[:-m]
        target = np.full(len(y), np.nan)
        target[m + 1 :] = signal[m + 1 :] - signal[m:-1]
        base = lambda idx: y[idx - m] + signal[idx - 1]  # noqa: E731
    else:
        signal = target = y.astype(float)
        base = lambda idx: 0.0  # noqa: E731
    first_target = max(offset, m if seasonal else 0) + lb
    in_scaler = Scaler(signal[first_target - lb : train_end, None])  # training rows only
    out_scaler = Scaler(target[first_target:train_end, None], keep_zero=seasonal)  # training rows only
    scaled_in = in_scaler.transform(signal[:, None])[:, 0]
    scaled_out = out_scaler.transform(target[:, None])[:, 0]
    all_targets = np.arange(first_target, len(y))
    windows = np.stack([scaled_in[t - lb : t] for t in all_targets])[..., None]
    is_train = all_targets < train_end
    x_trainval, y_trainval = windows[is_train], scaled_out[all_targets[is_train]]
    n_val = max(1, int(round(len(x_trainval) * cfg.val_fraction)))
    return dict(
        x_train=x_trainval[:-n_val],
        y_train=y_trainval[:-n_val],
        validation=(x_trainval[-n_val:], y_trainval[-n_val:]),
        val_targets=all_targets[is_train][-n_val:],
        x_test=windows[~is_train],
        targets=all_targets[~is_train],
        train_end=train_end,
        scaler=in_scaler,
        target_scaler=out_scaler,
        base=base if seasonal else None,
        to_units=lambda pred, idx: out_scaler.inverse(np.asarray(pred)[:, None])[:, 0] + base(idx),
    )


@dataclass(frozen=True)
class Protocol:
    """What differs between the look-back modes. The faithful one reproduces the tutorial: its data (leak
    included), its LSTM, and its seeds trained side by side as members of one model (batch-1 training of five
    costs one); the corrected one trains the configured network once per seed and is the one forecast ahead."""

    name: str
    data: Callable  # (y, cfg, mode settings, season) → windows, scalers, targets
    reproduces_original: bool
    flags: tuple[str, ...] = ()  # what the page says is wrong with it


PROTOCOLS = {
    "faithful": Protocol(
        "faithful",
        faithful_data,
        reproduces_original=True,
        flags=(
            "scaler fit on all data, test values included (leak)",
            "range(len - look_back - 1) drops the last window of each part",
        ),
    ),
    "corrected": Protocol("corrected", corrected_data, reproduces_original=False),
}
FORECASTING_MODE = "corrected"  # the mode whose ensemble forecasts past the data, with intervals


def prepare(y: np.ndarray, cfg: LookbackConfig, mode_name: str, mode: LookbackMode, season: int) -> dict:
    return PROTOCOLS[mode_name].data(y, cfg, mode, season)
