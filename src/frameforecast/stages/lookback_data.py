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


SEASONAL_ANCHOR = "seasonal naive + last change"


def _anchor_paths(y: np.ndarray, fit_end: int, m: int, names) -> dict:
    """Each candidate anchor's one-step forecast of every point (NaN where it has too little history): the
    seasonal naive + last change y[t − m] + y[t − 1] − y[t − 1 − m], and statsforecast's peers fit on
    y[:fit_end] (in-sample fitted values before it, refit=False one-step forecasts after)."""
    from frameforecast.forecasters import peers

    paths = {}
    for name in names:
        if name == SEASONAL_ANCHOR:
            path = np.full(len(y), np.nan)
            path[m + 1 :] = y[1 : len(y) - m] + y[m:-1] - y[: len(y) - m - 1]
        else:
            path = peers.one_step_path(y, fit_end, m, name)
        if path is not None:
            paths[name] = path
    return paths


def choose_anchor(y: np.ndarray, mode: LookbackMode, m: int, val_targets: np.ndarray) -> tuple[str, dict]:
    """The anchor the settings name, or (anchor="validation") the candidate with the lowest RMSE on the
    validation targets, each peer fit on the points before them (no validation point seen in the fit)."""
    from frameforecast.forecasters import peers

    named = {"seasonal-naive": SEASONAL_ANCHOR}.get(mode.anchor, mode.anchor)
    if mode.anchor != "validation":
        return named, {}
    candidates = _anchor_paths(y[: val_targets[-1] + 1], int(val_targets[0]), m, (SEASONAL_ANCHOR, *peers.PEERS))
    scores = {name: float(np.sqrt(np.mean((p[val_targets] - y[val_targets]) ** 2))) for name, p in candidates.items()}
    return min(scores, key=scores.get), scores


def corrected_data(y: np.ndarray, cfg: LookbackConfig, mode: LookbackMode, season: int) -> dict:
    """No leak: scalers fit on the training part only; every test point is forecast one step ahead.

    features="seasonal-difference": the network starts from an anchor forecast a[t] (seasonal naive + last
    change, or a statsforecast peer fit on the training part, or whichever of them the validation part
    prefers) and predicts the correction e[t] = y[t] − a[t]; the forecast is a[t] + ê[t]. Its inputs are the
    last `look_back` seasonal differences d[t] = y[t] − y[t − m] and, for a peer anchor, the peer's last
    `look_back` errors (a hybrid in the manner of Zhang 2003 and Smyl's ES-RNN).
    features="raw": the inputs are the last `look_back` values and the target is y[t], min-max scaled.
    """
    lb, m = mode.look_back, season
    train_end = int(len(y) * (1 - cfg.test_fraction))
    seasonal = mode.features == "seasonal-difference" and m > 1 and mode.anchor != "none"
    offset = m + 1 if seasonal else 0
    require_length(
        len(y),
        rows_for_training_part(offset + lb + 4, cfg.test_fraction),
        f"look_back {lb}" + (f" with season {m}" if seasonal else ""),
        cfg.csv or cfg.url or cfg.series,
    )
    first_target = offset + lb
    all_targets = np.arange(first_target, len(y))
    is_train = all_targets < train_end
    n_val = max(1, int(round(is_train.sum() * cfg.val_fraction)))
    val_targets = all_targets[is_train][-n_val:]
    anchor, anchor_scores = choose_anchor(y, mode, m, val_targets) if seasonal else (None, {})
    if seasonal:
        # the anchor of the training and validation targets is fit on the points before the validation part,
        # so its validation errors are out of sample (as a test point's are); the test's is fit on the whole
        # training part, exactly as the table's peer
        fits = {"fit": int(val_targets[0]), "test": train_end}
        paths = {part: _anchor_paths(y, end, m, [anchor]).get(anchor) for part, end in fits.items()}
        if any(p is None for p in paths.values()):  # statsforecast refused this series: the naive anchor
            anchor = SEASONAL_ANCHOR
            paths = {part: _anchor_paths(y, end, m, [anchor])[anchor] for part, end in fits.items()}
        signal = np.full(len(y), np.nan)
        signal[m:] = y[m:] - y[:-m]
        targets_of = {part: y - p for part, p in paths.items()}
        if anchor == SEASONAL_ANCHOR:
            inputs_of = {part: signal[:, None] for part in paths}
        else:
            inputs_of = {part: np.stack([signal, t], axis=1) for part, t in targets_of.items()}
        path = paths["test"]

        def base(idx):
            idx = np.asarray(idx)
            return np.where(idx < train_end, paths["fit"][idx], path[idx])

    else:
        path, plain = None, y.astype(float)
        inputs_of, targets_of = {"fit": plain[:, None], "test": plain[:, None]}, {"fit": plain, "test": plain}
        base = lambda idx: 0.0  # noqa: E731
    inputs, target = inputs_of["fit"], targets_of["fit"]
    in_scaler = Scaler(inputs[first_target - lb : train_end])  # training rows only
    out_scaler = Scaler(target[first_target:train_end, None], keep_zero=seasonal)  # training rows only

    def windows_of(part: str, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        scaled_in = in_scaler.transform(inputs_of[part])
        scaled_out = out_scaler.transform(targets_of[part][:, None])[:, 0]
        return np.stack([scaled_in[t - lb : t] for t in targets]), scaled_out[targets]

    x_trainval, y_trainval = windows_of("fit", all_targets[is_train])
    x_test, _ = windows_of("test", all_targets[~is_train])
    return dict(
        x_train=x_trainval[:-n_val],
        y_train=y_trainval[:-n_val],
        validation=(x_trainval[-n_val:], y_trainval[-n_val:]),
        val_targets=val_targets,
        x_test=x_test,
        targets=all_targets[~is_train],
        train_end=train_end,
        scaler=in_scaler,
        target_scaler=out_scaler,
        features=inputs.shape[1],
        anchor=anchor,
        anchor_scores=anchor_scores,
        anchor_path=path,
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
