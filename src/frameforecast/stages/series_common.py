"""What the series stages share before the protocol (series_protocol): loading the configured series, training and
loading the seeds, scalers, the observed column."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from frameforecast.config.classes import SeriesData
from frameforecast.datasets import series as series_data
from frameforecast.errors import UserError


def fit_seeds(build, folder: Path, cfg, mode, x, y, validation_data=None, *, clipnorm=None, **run):
    """The cfg.seeds seeds of a small series model, trained with the mode's epochs, batch, rate and patience as
    the independent members of one model in one fit (a tiny model's step costs its overhead, so five members
    cost about one); each keeps its own early stopping. Returns training.fit's result; load_seeds takes the
    members apart again. `run`: how training.fit runs (strategy, restart, log)."""
    from frameforecast.models.series import build_members
    from frameforecast.training import FitSettings, fit

    seeds = cfg.seeds
    settings = FitSettings(
        seed=cfg.seed,
        epochs=mode.epochs,
        loss="mse",
        learning_rate=mode.learning_rate,
        batch_size=mode.batch_size,
        patience=mode.patience,
        clipnorm=clipnorm,
        steps_per_execution=cfg.steps_per_execution,
    )
    return fit(
        functools.partial(build_members, build, seeds),
        folder,
        settings,
        x=x,
        y=[y] * seeds,
        validation_data=validation_data and (validation_data[0], [validation_data[1]] * seeds),
        **run,
    )


def load_seeds(folder: Path) -> list:
    """Each seed's trained model, from the one model fit_seeds trained in `folder`."""
    from frameforecast.training import load_model, members_of

    return members_of(load_model(folder / "model.keras"))


def load_configured(cfg: SeriesData, columns: list[str], *, needs_season: bool = True, log=print) -> series_data.Series:
    """The bundled series named in cfg, or the user's --csv / --url; prints the loader's notices.

    needs_season: the experiment's baselines, MASE and features use a seasonal lag, so a series whose
    season is neither given nor inferable from its timestamps is refused.
    """
    options = dict(fill=cfg.fill, season=cfg.season, date_order=cfg.date_order)
    if cfg.csv:
        series = series_data.load_csv(cfg.csv, columns, cfg.time_column, **options)
    elif cfg.url:
        series = series_data.load_url(cfg.url, columns, cfg.time_column, **options)
    elif cfg.series:
        series = series_data.load_builtin(cfg.series, columns or None, season=cfg.season)
    else:
        raise UserError(f"{cfg.experiment} needs data: pass --csv PATH --column NAME (or --url URL)")
    if needs_season and series.season is None:
        hint = "name its time column with --time-column, or " if series.frequency is None else ""
        raise UserError(
            f"{series.source}: {series.season_label}; {hint}pass --season N (the number of rows in "
            "one season: 12 monthly, 24 hourly, 7 daily, 1 for none)"
        )
    for notice in series.notices + ([f"{series.source}: {series.season_label}"] if needs_season else []):
        log(notice)
    return series


class Scaler:
    """Min-max scaling to [0, 1] per column; remembers exactly which rows it was fit on.

    keep_zero: divide by the largest |value| instead (to [−1, 1]), so 0 stays 0 — for targets that are
    corrections, where a zero output must mean "no correction".
    """

    def __init__(self, values: np.ndarray, keep_zero: bool = False):
        values = np.asarray(values, float)
        self.low = np.zeros(values.shape[1:]) if keep_zero else values.min(axis=0)
        span = np.abs(values).max(axis=0) if keep_zero else values.max(axis=0) - self.low
        self.span = np.where(span == 0, 1.0, span)
        self.fit_rows = len(values)

    def transform(self, values):
        return (np.asarray(values, float) - self.low) / self.span

    def inverse(self, values):
        return np.asarray(values, float) * self.span + self.low


def observed(series: series_data.Series, y: np.ndarray) -> dict:
    """The forecast column as the page's window browser draws it: each point's timestamp (or its position) and
    value."""
    times = [str(t) for t in series.times] if series.times is not None else [str(i) for i in range(len(y))]
    if all(t.endswith(" 00:00:00") for t in times):  # dates only
        times = [t.removesuffix(" 00:00:00") for t in times]
    label = f"{series.frequency} steps" if series.frequency else "row"
    return {"times": times, "values": np.asarray(y, float).tolist(), "time_label": label}
