"""The data of the seq2seq experiments: columns, modes, and windows of n_in rows in and n_out out at forecast
origins, scaled on the training part; `prepare` reads the CSV before Keras is imported."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from frameforecast.config.classes import Seq2seqConfig
from frameforecast.datasets import series as series_data
from frameforecast.datasets.windows import require_length
from frameforecast.errors import UserError
from frameforecast.stages.series_common import Scaler, load_configured

FAITHFUL_FLAGS = {
    "shuffled": "windows split at random (the original's train_test_split): test windows overlap training windows"
}


def _columns(cfg: Seq2seqConfig) -> list[str]:
    if cfg.columns:
        return list(cfg.columns)
    return list(series_data.BUILTIN[cfg.series].columns) if cfg.series else []


@dataclass(frozen=True)
class Protocol:
    """What differs between the seq2seq modes: the faithful one is the original notebook's (raw windows, its
    split); the corrected one feeds seasonal differences, starts its outputs at the seasonal naive forecast, and
    shrinks its ensemble toward a baseline on a validation tail."""

    name: str
    seasonal_correction: bool
    takes_the_split_option: bool  # --split (faithful_split) applies; otherwise always chronological


PROTOCOLS = {"faithful": Protocol("faithful", False, True), "corrected": Protocol("corrected", True, False)}
FORECASTING_MODE = "corrected"  # the mode whose next hours the page headlines, when the run has it


def modes(cfg: Seq2seqConfig) -> dict:
    """Mode name → settings: the original (faithful) and the seasonal-difference corrected mode."""
    return {name: cfg.mode(name) for name in cfg.modes}


class Windows:
    """n_in rows in → n_out rows out, at forecast origins o (rows before o are known).

    faithful: min-max scaled values in and out. corrected: seasonal differences d[t] = v[t] − v[t − m]
    in and out, divided by their training standard deviation and not centred, so that a zero output
    is exactly the seasonal naive forecast — the model starts there and learns a correction.
    """

    def __init__(self, values: np.ndarray, split: int, n_in: int, n_out: int, season: int, corrected: bool):
        self.values, self.n_in, self.n_out, self.season, self.corrected = values, n_in, n_out, season, corrected
        if corrected:
            spread = (values[season:split] - values[: split - season]).std(axis=0)
            self.spread = np.where(spread > 0, spread, 1.0)  # training rows only
            self.first_origin = season + n_in
        else:
            self.scaler = Scaler(values[:split])  # training rows only
            self.first_origin = n_in
        self.origins = np.arange(self.first_origin, len(values) - n_out + 1)

    def _encode(self, values: np.ndarray, start: int, stop: int) -> np.ndarray:
        if self.corrected:
            return (values[start:stop] - values[start - self.season : stop - self.season]) / self.spread
        return self.scaler.transform(values[start:stop])

    def inputs(self, origins, values: np.ndarray | None = None) -> np.ndarray:
        values = self.values if values is None else values
        return np.stack([self._encode(values, o - self.n_in, o) for o in origins])

    def targets(self, origins) -> np.ndarray:
        return np.stack([self._encode(self.values, o, o + self.n_out) for o in origins])

    def to_units(self, pred: np.ndarray, origins, values: np.ndarray | None = None) -> np.ndarray:
        """(n, n_out, F) model outputs → forecasts in original units (only rows before each origin are read)."""
        values = self.values if values is None else values
        pred = np.asarray(pred, float).reshape(len(origins), self.n_out, -1)
        if not self.corrected:
            return self.scaler.inverse(pred.reshape(-1, pred.shape[-1])).reshape(pred.shape)
        naive = np.stack([values[o - self.season : o - self.season + self.n_out] for o in origins])
        return naive + pred * self.spread

    def base(self, origins) -> np.ndarray:
        """The forecast a zero output gives: the seasonal naive (corrected mode only)."""
        return self.to_units(np.zeros((len(origins), self.n_out, self.values.shape[1])), origins)


def prepare(cfg: Seq2seqConfig, mode_name: str = "faithful", log=print) -> dict:
    """Windows and chronological splits: training targets end before the split, test origins start at it."""
    columns = _columns(cfg)
    series = load_configured(cfg, columns, log=log)
    values, n_in, n_out, season = series.values, cfg.n_in, cfg.n_out, series.season
    mode = modes(cfg)[mode_name]
    target = columns.index(cfg.target) if cfg.target in columns else 0
    corrected = PROTOCOLS[mode_name].seasonal_correction
    if corrected and n_out > season:
        raise UserError(f"the corrected mode forecasts at most one season ahead: --n-out {n_out} > season {season}")
    history = (season if corrected else 0) + n_in
    require_length(
        len(values),
        history + 2 * n_out + 10,
        f"{n_in} → {n_out} windows" + (f" with season {season}" if corrected else ""),
        series.source,
    )
    split = int(len(values) * (1 - cfg.test_fraction))
    windows = Windows(values, split, n_in, n_out, season, corrected)
    origins = windows.origins
    split_kind = cfg.faithful_split if PROTOCOLS[mode_name].takes_the_split_option else "chronological"
    if split_kind == "shuffled":  # the original's train_test_split(random_state=42): windows leak across
        order = np.random.default_rng(42).permutation(len(origins))
        n_test = int(np.ceil(len(origins) * cfg.test_fraction))
        test_origins, train_origins = np.sort(origins[order[:n_test]]), np.sort(origins[order[n_test:]])
    else:
        train_origins, test_origins = origins[origins + n_out <= split], origins[origins >= split]
    if len(train_origins) < 2 or len(test_origins) < 1:
        raise UserError(
            f"{series.source}: {len(values)} rows leave too few training or test windows for "
            f"{n_in} → {n_out}; use a longer series or shorter windows"
        )
    n_val = int(round(len(train_origins) * mode.val_fraction))
    fit_origins, val_origins = (train_origins[:-n_val], train_origins[-n_val:]) if n_val else (train_origins, None)
    return dict(
        series=series,
        values=values,
        windows=windows,
        split=split,
        target=target,
        season=season,
        fit_origins=fit_origins,
        val_origins=val_origins,
        test_origins=test_origins,
        columns=columns,
        mode=mode,
        split_kind=split_kind,
    )
