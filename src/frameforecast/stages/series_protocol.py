"""One protocol for every series forecaster, on one series or a panel: the seeds' ensemble shrunk toward its anchor
by a λ chosen on validation data, scored on exactly the test points every peer and baseline is scored on, with the
result keys and plots every series page reads; the hold-out, the rolling-origin backtest and the future over
`Forecaster` plug-ins. The look-back and seq2seq stages hand it their forecasts; the panel stage its λ."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from frameforecast import metrics
from frameforecast.forecasters import statistical
from frameforecast.forecasters.base import Forecaster, forecast_all, shrink, shrinkage
from frameforecast.stages import series_future as future


# ---------------------------------------------------------------- ensemble and shrinkage
def ensemble(forecasts: list[np.ndarray]) -> np.ndarray:
    """The ensemble forecast: the mean of the seeds' forecasts, point by point."""
    return np.mean(np.stack([np.asarray(f, float) for f in forecasts]), axis=0)


@dataclass(frozen=True)
class Anchor:
    """What the ensemble is shrunk toward: the anchor's name, its forecasts of the test points, and λ's validation
    data (the ensemble's and the anchor's forecasts of the validation points, and their truth)."""

    name: str
    test: np.ndarray
    validation_model: np.ndarray
    validation_anchor: np.ndarray
    validation_truth: np.ndarray
    notes: dict = field(default_factory=dict)


def _shrunk(headline: np.ndarray, anchor: Anchor, train: np.ndarray, season: int | None) -> tuple[np.ndarray, dict]:
    model, base, truth = anchor.validation_model, anchor.validation_anchor, anchor.validation_truth
    weight = shrinkage(model, base, truth)
    candidates = (("ensemble", model), ("shrunk", shrink(model, base, weight)), ("baseline", base))
    info = {
        "lambda": weight,
        "toward": anchor.name,
        **anchor.notes,
        "validation_points": int(np.size(truth)),
        "validation": {
            name: metrics.series_scores(np.ravel(f), np.ravel(truth), train, season) for name, f in candidates
        },
    }
    return shrink(headline, np.reshape(anchor.test, headline.shape), weight), info


# ---------------------------------------------------------------- the peers and baselines
def scored(forecasters, y: np.ndarray, fit_end: int, origins, horizon: int, season, truth, scale_train):
    """Scores, forecasts (len(origins), horizon) and refusals of each forecaster fit on y[:fit_end], on exactly
    the model's test points. One that cannot forecast from every origin honestly is left out, with the reason."""
    forecasts, refused = forecast_all(forecasters, y, fit_end, origins, horizon)
    scores = {
        name: metrics.series_scores(f.ravel(), np.asarray(truth).ravel(), scale_train, season or 1)
        for name, f in forecasts.items()
    }
    return scores, forecasts, refused


def baseline_scores(y, train_end: int, origins, horizon: int, season, truth, scale_train):
    """Every baseline (naive ones, Holt-Winters) fit on the training part, scored on the model's test points."""
    return scored(statistical.of_kind(season, "baseline"), y, train_end, origins, horizon, season, truth, scale_train)


def peer_scores(y, origins, horizon: int, season, truth, scale_train):
    """statsforecast's AutoARIMA, AutoETS and AutoTheta on exactly the model's test points, each fit once on the
    data before the first origin and then updated with each observed point (refit=False)."""
    first = int(np.asarray(origins)[0])
    return scored(statistical.of_kind(season, "peer"), y, first, origins, horizon, season, truth, scale_train)


def best_baseline(scores: dict, key: str = "rmse") -> tuple[str | None, float | None]:
    """The baseline with the lowest `key` (one whose value is "—" never wins)."""
    return metrics.best_of(scores, key)


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


# ---------------------------------------------------------------- the protocols
def test_windows(
    per_seed: list[np.ndarray], truth, y: np.ndarray, fit_end: int, origins, season, anchor: Anchor | None
) -> dict:
    """The test windows' result every series page reads: each seed's forecasts of the points after each origin
    ((len(origins), H), or (len(origins),) one step ahead), their ensemble (shrunk toward `anchor` when given),
    and every baseline and peer on exactly those points. Forecasts are kept in the seeds' own shape."""
    shape = np.shape(per_seed[0])
    truth = np.reshape(np.asarray(truth, float), (len(origins), -1))
    horizon, train = truth.shape[1], y[:fit_end]

    def scores(forecast):
        return metrics.series_scores(np.ravel(forecast), truth.ravel(), train, season)

    headline, shrunk = ensemble(per_seed), None
    if anchor is not None:
        headline, shrunk = _shrunk(headline, anchor, train, season)
    base_scores, base_forecasts, refused = baseline_scores(y, fit_end, origins, horizon, season, truth, train)
    peers, peer_forecasts, peers_refused = peer_scores(y, origins, horizon, season, truth, train)
    return {
        "ensemble": scores(headline),
        "shrinkage": shrunk,
        "model": summarise_seeds([scores(f) for f in per_seed]),
        "baselines": base_scores,
        "refused_baselines": refused,
        "peers": peers,
        "refused_peers": peers_refused,
        "peer_forecasts": {k: v.reshape(shape).tolist() for k, v in peer_forecasts.items()},
        "baseline_forecasts": {k: v.reshape(shape).tolist() for k, v in base_forecasts.items()},
        "forecast_ensemble": headline.tolist(),
        "seeds": len(per_seed),
        "mase_note": metrics.mase_note(train, season),
    }


def log_test_windows(experiment: str, mode_name: str, result: dict, key: str, log, note: str = "") -> None:
    """One line: the ensemble's `key`, λ, the seeds' mean ± sd, and the best baseline or peer."""
    shrunk, per_seed = result["shrinkage"], result["model"][key]
    name, value = best_baseline({**result["baselines"], **result["peers"]}, key)
    lam = f", shrunk λ {shrunk['lambda']:.2f}" if shrunk else ""
    spread = "" if per_seed["mean"] is None else f", per seed {per_seed['mean']:.3g} ± {per_seed['sd']:.2g}"
    log(
        f"{experiment} {mode_name}: test {key.upper()} {_number(result['ensemble'][key])} ({result['seeds']}-seed "
        f"ensemble{lam}){spread}; best baseline or peer {name} {_number(value)}" + (f"; {note}" if note else "")
    )


def _number(value) -> str:
    return "—" if value is None else f"{value:.3g}"


def holdout(model: Forecaster, y: np.ndarray, season: int, horizon: int, others: tuple = ()) -> dict:
    """The last `horizon` points forecast at once from the end of the rest, by the model (and `others` of ours,
    such as the direct head) and by every peer and baseline from the same origin, each fit on the points before
    it (the recursive model keeps its one-step training: it sees less data)."""
    origin = len(y) - horizon
    truth, train = y[origin:], y[:origin]

    def scores(forecast):
        return {"mape": metrics.mape(forecast, truth), **metrics.series_scores(forecast, truth, train, season)}

    forecasters = [model, *others, *statistical.alternatives(season)]
    forecasts, refused = forecast_all(forecasters, y, origin, [origin], horizon)
    ours = {o.name for o in others}
    kinds = statistical.by_kind(forecasters, {name: f[0] for name, f in forecasts.items()})
    return {
        "horizon": horizon,
        "origin": origin,
        "model": scores(kinds["model"]["model"]),
        "others": {name: scores(f) for name, f in kinds["model"].items() if name in ours},
        "peers": {name: scores(f) for name, f in kinds.get("peer", {}).items()},
        "baselines": {name: scores(f) for name, f in kinds.get("baseline", {}).items()},
        "refused": refused,
        "forecasts": {name: f[0].tolist() for name, f in forecasts.items()},
    }


def backtest_and_future(
    model: Forecaster, y: np.ndarray, series, origins, horizon: int, season: int, others: tuple = ()
) -> dict:
    """The rolling-origin backtest of the next `horizon` points from every origin that has them (beside `others`
    of ours, the peers and baselines), and the model's points after the last one with split-conformal intervals
    calibrated on that backtest; nothing when fewer than two origins have a whole horizon after them."""
    origins = np.asarray(origins)
    tested = origins[origins + horizon <= len(y)]
    if len(tested) < 2:
        return {}
    result = future.score_backtest(y, tested, horizon, season, model, others)
    return {"backtest": result, "future": future.future(model, y, series, result["widths"], horizon)}


# ---------------------------------------------------------------- the plots every series page shows
def plot_test_windows(
    folder: Path, prefix: str, times, y, split: int, origins, one_ahead: dict, residuals, peers: dict, titles: dict
) -> list[str]:
    """The test part's forecasts over the whole series, a zoom on the test part, and the residuals' histogram
    (`titles`: forecast, zoom, residuals); returns the files written."""
    from frameforecast.report import plots

    names = [f"{prefix}forecast.png", f"{prefix}zoom.png", f"{prefix}residuals.png"]
    label = titles["label"]
    plots.series_overview(
        folder / names[0], times, y, split, origins, one_ahead, titles["forecast"], label, peers=peers
    )
    plots.series_zoom(folder / names[1], times, y, origins, one_ahead["model"], titles["zoom"])
    plots.residual_histogram(folder / names[2], residuals, titles["residuals"])
    return names


def plot_future(path: Path, times, y, ahead: dict, what: str, experiment: str, label: str) -> None:
    from frameforecast.report import plots

    title = f"{experiment}: the next {len(ahead['forecast'])} {what}, with conformal 80 % and 95 % intervals"
    plots.future_with_intervals(path, times, y, ahead, title, label)


def plot_training(run_dir: Path, mode_names) -> list[str]:
    """Each mode's training curves, where its history exists; returns the files written."""
    from frameforecast.report import plots

    written = []
    for mode in mode_names:
        history = run_dir / mode / "history.csv"
        if history.exists():
            plots.training_curves(history, run_dir / f"{mode}-training.png")
            written.append(f"{mode}-training.png")
    return written
