"""The competitions' benchmarks over a whole panel: statsforecast's AutoARIMA, AutoETS and AutoTheta, their mean
(the standard combination benchmark, Hyndman 2018), seasonal naive and Naive2, each series forecast over its own
held-out horizon from its own history. statsforecast runs them on every core (`n_jobs=-1`), or, given a Dask
scheduler's address, on that cluster through its own distributed backend (Fugue)."""

from __future__ import annotations

import numpy as np

from frameforecast.datasets.panels import Panel
from frameforecast.forecasters.peers import PEERS, _quiet

COMBINATION = "mean of ETS, ARIMA, Theta"
THETA = "Theta"  # the standard Theta method, the M3 competition's winner (AutoTheta chooses among its variants)
NAIVE2 = "Naive2"
SEASONAL_NAIVE = "SeasonalNaive"


MODELS = (*PEERS, THETA, SEASONAL_NAIVE)  # what statsforecast fits; the combination and Naive2 are computed here


def long_frame(panel: Panel):
    """The panel's histories in statsforecast's long format (integer steps: the competitions carry no dates)."""
    import pandas as pd

    return pd.concat(
        [
            pd.DataFrame({"unique_id": sid, "ds": np.arange(1, len(h) + 1), "y": h})
            for sid, h in zip(panel.ids, panel.history)
        ],
        ignore_index=True,
    )


def statsforecast_forecasts(panel: Panel, n_jobs: int = -1, cluster: str | None = None) -> dict[str, list[np.ndarray]]:
    """model → each series' forecast of its own horizon, as statsforecast's `forecast` gives them (on the Dask
    cluster at `cluster`, a scheduler address such as tcp://127.0.0.1:8786, when one is given)."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, SeasonalNaive, Theta

    m = panel.season
    models = [
        AutoARIMA(season_length=m),
        AutoETS(season_length=m),
        AutoTheta(season_length=m),
        Theta(season_length=m),
        SeasonalNaive(m),
    ]
    with _quiet():
        if cluster:
            table = _on_cluster(StatsForecast(models=models, freq=1), long_frame(panel), max(panel.horizons), cluster)
        else:
            table = StatsForecast(models=models, freq=1, n_jobs=n_jobs).forecast(
                df=long_frame(panel), h=max(panel.horizons)
            )
    out: dict[str, list[np.ndarray]] = {name: [] for name in MODELS}
    grouped = {sid: part for sid, part in table.groupby("unique_id", sort=False)}
    for sid, h in zip(panel.ids, panel.horizons):
        part = grouped[sid].sort_values("ds")
        for name in out:
            out[name].append(part[name].to_numpy(float)[:h])
    return out


def _on_cluster(forecaster, frame, horizon: int, address: str):
    """statsforecast's own distributed path: a Dask DataFrame in, Fugue runs the fits on the cluster's workers."""
    from frameforecast.errors import UserError

    try:
        import dask.dataframe as dd
        from dask.distributed import Client
    except ImportError as exc:
        raise UserError(f"--cluster needs dask and distributed ({exc}); rebuild .venv from requirements.txt") from None
    try:
        client = Client(address, timeout=10, set_as_default=True)
    except (OSError, TimeoutError) as exc:
        raise UserError(
            f"--cluster {address}: no Dask scheduler answers there ({exc}); start one with `dask scheduler` and "
            "its workers with `dask worker ADDRESS`, or leave --cluster out to use this machine's cores"
        ) from None
    with client:
        workers = max(len(client.scheduler_info().get("workers", {})), 1)
        frame = frame.astype({"unique_id": str})
        table = forecaster.forecast(df=dd.from_pandas(frame, npartitions=workers), h=horizon)
        return table.compute() if hasattr(table, "compute") else table


def benchmarks(panel: Panel, n_jobs: int = -1, cluster: str | None = None) -> dict[str, list[np.ndarray]]:
    """Every benchmark of the competitions' tables, for every series."""
    out = statsforecast_forecasts(panel, n_jobs, cluster)
    out[COMBINATION] = [np.mean([out[p][i] for p in PEERS], axis=0) for i in range(len(panel))]
    out[NAIVE2] = [naive2(h, panel.season, len(f)) for h, f in zip(panel.history, panel.future)]
    return out


def seasonal(history: np.ndarray, m: int) -> bool:
    """The M4 benchmarks' seasonality test: the lag-m autocorrelation lies outside its 90 % limit,
    |r_m| > 1.645 · √((1 + 2 Σ_{k<m} r_k²) / n)."""
    y = np.asarray(history, float)
    n = len(y)
    if m <= 1 or n < 3 * m:
        return False
    d = y - y.mean()
    denom = float(d @ d)
    if denom == 0:
        return False
    r = np.array([float(d[k:] @ d[:-k]) / denom for k in range(1, m + 1)])
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(r[:-1] ** 2)) / n)
    return abs(r[-1]) > limit


def seasonal_indices(history: np.ndarray, m: int) -> np.ndarray:
    """Classical multiplicative decomposition's seasonal indices (centred moving average, as R's decompose and
    the M4 benchmarks), one per position in the season, normalised to mean 1."""
    from statsmodels.tsa.seasonal import seasonal_decompose

    fit = seasonal_decompose(np.asarray(history, float), model="multiplicative", period=m, two_sided=True)
    return np.asarray(fit.seasonal[:m], float)


def naive2(history: np.ndarray, m: int, horizon: int) -> np.ndarray:
    """Naive2, the M competitions' reference: the last value of the seasonally adjusted series (multiplicative
    classical decomposition, when the seasonality test says so), carried forward and re-seasonalised."""
    y = np.asarray(history, float)
    if not seasonal(y, m) or np.any(y <= 0):
        return np.full(horizon, y[-1])
    index = seasonal_indices(y, m)
    n = len(y)
    adjusted_last = y[-1] / index[(n - 1) % m]
    return adjusted_last * index[(n + np.arange(horizon)) % m]
