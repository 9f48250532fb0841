"""What the series stages share: loading the configured series, training and loading the seeds, scalers,
baseline tables, score summaries."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from frameforecast import metrics
from frameforecast.config.classes import SeriesData
from frameforecast.datasets import series as series_data
from frameforecast.errors import UserError
from frameforecast.forecasters import statistical
from frameforecast.forecasters.base import forecast_all


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


def scored(
    forecasters, y: np.ndarray, fit_end: int, origins, horizon: int, season: int | None, truth, scale_train
) -> tuple[dict, dict, dict]:
    """Scores, forecasts (len(origins), horizon) and refusals of each forecaster fit on y[:fit_end], on exactly
    the model's test points. One that cannot forecast from every origin honestly is left out, with the reason."""
    forecasts, refused = forecast_all(forecasters, y, fit_end, origins, horizon)
    scores = {
        name: metrics.series_scores(f.ravel(), np.asarray(truth).ravel(), scale_train, season or 1)
        for name, f in forecasts.items()
    }
    return scores, forecasts, refused


def baseline_scores(y, train_end: int, origins, horizon: int, season, truth, scale_train) -> tuple[dict, dict, dict]:
    """Every baseline (naive ones, Holt-Winters) fit on the training part, scored on the model's test points."""
    return scored(statistical.of_kind(season, "baseline"), y, train_end, origins, horizon, season, truth, scale_train)


def peer_scores(y, origins, horizon: int, season, truth, scale_train) -> tuple[dict, dict, dict]:
    """statsforecast's AutoARIMA, AutoETS and AutoTheta on exactly the model's test points, each fit once on the
    data before the first origin and then updated with each observed point (refit=False)."""
    first = int(np.asarray(origins)[0])
    return scored(statistical.of_kind(season, "peer"), y, first, origins, horizon, season, truth, scale_train)


def observed(series: series_data.Series, y: np.ndarray) -> dict:
    """The forecast column as the page's window browser draws it: each point's timestamp (or its position) and
    value."""
    times = [str(t) for t in series.times] if series.times is not None else [str(i) for i in range(len(y))]
    if all(t.endswith(" 00:00:00") for t in times):  # dates only
        times = [t.removesuffix(" 00:00:00") for t in times]
    label = f"{series.frequency} steps" if series.frequency else "row"
    return {"times": times, "values": np.asarray(y, float).tolist(), "time_label": label}


def summarise_seeds(per_seed: list[dict]) -> dict:
    """mean and sd (ddof 1) of each metric over seeds, plus the per-seed values (None stays None: "—")."""
    out = {}
    for key in per_seed[0]:
        raw = [s[key] for s in per_seed]
        if any(v is None for v in raw):
            out[key] = {"mean": None, "sd": None, "per_seed": raw}
            continue
        values = np.array(raw, float)
        out[key] = {
            "mean": float(values.mean()),
            "sd": float(values.std(ddof=1)) if len(values) > 1 else 0.0,
            "per_seed": values.tolist(),
        }
    return out


def ensemble(forecasts: list[np.ndarray]) -> np.ndarray:
    """The ensemble forecast: the mean of the seeds' forecasts, point by point."""
    return np.mean(np.stack([np.asarray(f, float) for f in forecasts]), axis=0)


def shrinkage(model: np.ndarray, base: np.ndarray, truth: np.ndarray) -> float:
    """λ in [0, 1] minimising the squared error of base + λ · (model − base) on validation data.

    The error is a convex quadratic in λ, so the clipped least-squares λ is its minimum over [0, 1];
    λ = 0 is the baseline itself, so the shrunk forecast's validation error never exceeds the baseline's.
    """
    change = (np.asarray(model, float) - base).ravel()
    wanted = (np.asarray(truth, float) - base).ravel()
    energy = float(change @ change)
    return float(np.clip(change @ wanted / energy, 0.0, 1.0)) if energy > 0 else 0.0


def shrink(model: np.ndarray, base: np.ndarray, weight: float) -> np.ndarray:
    return base + weight * (np.asarray(model, float) - base)


def best_baseline(scores: dict, key: str = "rmse") -> tuple[str | None, float | None]:
    """The baseline with the lowest `key` (one whose value is "—" never wins)."""
    return metrics.best_of(scores, key)
