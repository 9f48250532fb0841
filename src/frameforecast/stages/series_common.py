"""What the series stages share: loading the configured series, scalers, baseline tables, score summaries."""

from __future__ import annotations

import numpy as np

from frameforecast import metrics
from frameforecast.datasets import series as series_data
from frameforecast.errors import UserError
from frameforecast.models import baselines


def load_configured(cfg: dict, columns: list[str]) -> series_data.Series:
    """The bundled series named in cfg, or the user's --csv / --url."""
    if cfg.get("csv"):
        return series_data.load_csv(cfg["csv"], columns, cfg.get("time_column"), fill=cfg.get("fill", False),
                                    season=cfg.get("season"))
    if cfg.get("url"):
        return series_data.load_url(cfg["url"], columns, cfg.get("time_column"), fill=cfg.get("fill", False),
                                    season=cfg.get("season"))
    if cfg.get("series"):
        return series_data.load_builtin(cfg["series"], columns or None)
    raise UserError(f"{cfg['experiment']} needs data: pass --csv PATH --column NAME (or --url URL)")


class Scaler:
    """Min-max scaling to [0, 1] per column; remembers exactly which rows it was fit on."""

    def __init__(self, values: np.ndarray):
        values = np.asarray(values, float)
        self.low = values.min(axis=0)
        self.span = np.where(values.max(axis=0) - self.low == 0, 1.0, values.max(axis=0) - self.low)
        self.fit_rows = len(values)

    def transform(self, values):
        return (np.asarray(values, float) - self.low) / self.span

    def inverse(self, values):
        return np.asarray(values, float) * self.span + self.low


def baseline_scores(y: np.ndarray, train_end: int, origins, horizon: int, season: int | None,
                    truth: np.ndarray, scale_train: np.ndarray) -> tuple[dict, dict]:
    """Scores and forecasts (len(origins), horizon) of every baseline, on exactly the model's test points."""
    scores, forecasts = {}, {}
    for name, method in baselines.series_baselines(y[:train_end], season).items():
        forecast = baselines.forecast_at(method, y, origins, horizon, season)
        forecasts[name] = forecast
        scores[name] = metrics.series_scores(forecast.ravel(), truth.ravel(), scale_train, season or 1)
    return scores, forecasts


def summarise_seeds(per_seed: list[dict]) -> dict:
    """mean and sd (ddof 1) of each metric over seeds, plus the per-seed values."""
    keys = per_seed[0].keys()
    out = {}
    for key in keys:
        values = np.array([s[key] for s in per_seed], float)
        out[key] = {"mean": float(values.mean()), "sd": float(values.std(ddof=1)) if len(values) > 1 else 0.0,
                    "per_seed": values.tolist()}
    return out


def best_baseline(scores: dict, key: str = "rmse") -> tuple[str, float]:
    name = min(scores, key=lambda n: scores[n][key])
    return name, scores[name][key]
