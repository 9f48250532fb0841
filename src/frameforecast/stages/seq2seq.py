"""usercount-seq2seq stages: the original encoder–decoder with attention, scored on a chronological test split,
and its headline output — the next 24 hours from the last observation, with an interval over seeds."""

from __future__ import annotations

import functools
import time
from pathlib import Path

import numpy as np

from frameforecast import metrics, progress
from frameforecast.atomic import write_json
from frameforecast.config.classes import Seq2seqConfig
from frameforecast.forecasters.base import Forecaster
from frameforecast.memory import peak_rss_mb
from frameforecast.stages import read_json
from frameforecast.stages import series_future as future
from frameforecast.stages.seq2seq_data import FAITHFUL_FLAGS, FORECASTING_MODE, PROTOCOLS, Windows, modes, prepare
from frameforecast.stages.series_common import (
    baseline_scores,
    best_baseline,
    ensemble,
    fit_seeds,
    load_seeds,
    observed,
    peer_scores,
    shrink,
    shrinkage,
    summarise_seeds,
)


def train(cfg: Seq2seqConfig, run_dir: Path, *, restart: bool = False, strategy: str = "default", log=print) -> dict:
    start, info = time.monotonic(), {"modes": {}, "config": cfg}
    progress.plan_fits(len(modes(cfg)))
    for mode_name in modes(cfg):
        d = prepare(cfg, mode_name, log)  # before Keras is imported: a bad CSV stops with one line
        from frameforecast.models.series import build_seq2seq_attention

        mode, w = d["mode"], d["windows"]
        features = len(d["columns"])
        validation = (w.inputs(d["val_origins"]), w.targets(d["val_origins"])) if d["val_origins"] is not None else None
        build = functools.partial(
            build_seq2seq_attention,
            cfg.n_in,
            cfg.n_out,
            features,
            mode.units,
            mode.dropout,
            zero_start=PROTOCOLS[mode_name].seasonal_correction,
        )
        result = fit_seeds(
            build,
            run_dir / mode_name,
            cfg,
            mode,
            w.inputs(d["fit_origins"]),
            w.targets(d["fit_origins"]),
            validation,
            clipnorm=cfg.clipnorm,
            strategy=strategy,
            restart=restart,
            log=log,
        )
        seconds = result.seconds
        info["modes"][mode_name] = {"seconds": seconds, "train_windows": len(d["fit_origins"]), "settings": mode}
        log(f"trained {cfg.experiment} ({mode_name}, {cfg.seeds} seeds) in {seconds:.0f} s")
    info.update(seeds=cfg.seeds, wall_seconds=time.monotonic() - start)
    write_json(run_dir / "train_info.json", info)
    return info


def rollout(models: list, windows: Windows, values: np.ndarray, origins, steps: int, weight: float) -> np.ndarray:
    """The ensemble's forecasts (len(origins), steps, F) of the rows after each origin, from the rows before it
    alone: each seed forecasts n_out rows, shrunk toward its seasonal-naive start by λ (corrected mode), feeds
    them back and goes on; the seeds' rollouts are averaged."""
    per_seed = []
    for model in models:
        histories = [values[:o].copy() for o in origins]
        while len(histories[0]) < origins[0] + steps:
            ends = [len(h) for h in histories]
            x = np.concatenate([windows.inputs([e], h) for e, h in zip(ends, histories, strict=True)])
            pred = np.asarray(model.predict_on_batch(x))  # compiled once: an eager call costs far more
            for k, (e, h) in enumerate(zip(ends, histories, strict=True)):
                forecast = windows.to_units(pred[k : k + 1], [e], h)[0]
                if windows.corrected:
                    start = windows.to_units(np.zeros_like(pred[k : k + 1]), [e], h)[0]
                    forecast = start + weight * (forecast - start)
                histories[k] = np.concatenate([h, forecast])
        per_seed.append(np.stack([h[o : o + steps] for h, o in zip(histories, origins, strict=True)]))
    return np.mean(per_seed, axis=0)


class Seq2seqEnsemble(Forecaster):
    """The seeds' rollouts as one forecaster of the target column: its seeds are trained by `train` on the
    training rows; the other columns it reads come from the same rows before each origin."""

    kind, name = "model", "model"

    def __init__(self, models: list, windows: Windows, values: np.ndarray, target: int, weight: float):
        self.models, self.windows, self.values, self.target, self.weight = models, windows, values, target, weight

    def fit(self, train: np.ndarray) -> Seq2seqEnsemble:
        return self

    def predict(self, y: np.ndarray, origins, horizon: int) -> np.ndarray:
        if not np.array_equal(np.asarray(y, float), self.values[: len(y), self.target]):
            raise ValueError("y is not the target column of the rows this forecaster reads")
        return rollout(self.models, self.windows, self.values, list(origins), horizon, self.weight)[..., self.target]


def _multi_step(cfg: Seq2seqConfig, models, d: dict, origins: np.ndarray, weight: float) -> dict:
    """The rolling-origin backtest of the next `horizon_hours` rows from every test origin that has them (the
    seeds' rollouts, beside the peers and baselines), and the next rows after the last one with split-conformal
    intervals calibrated on that backtest."""
    w, values, target, season, steps = d["windows"], d["values"], d["target"], d["season"], cfg.horizon_hours
    y = values[:, target]
    tested = origins[origins + steps <= len(values)]
    if len(tested) < 2:
        return {}
    model = Seq2seqEnsemble(models, w, values, target, weight)
    result = future.score_backtest(y, tested, steps, season, model)
    return {"backtest": result, "future": future.future(model, y, d["series"], result["widths"], steps)}


def _evaluate_mode(cfg: Seq2seqConfig, run_dir: Path, mode_name: str, log=print) -> tuple[dict, np.ndarray]:
    d = prepare(cfg, mode_name, log)
    w, target, season, n_out = d["windows"], d["target"], d["season"], cfg.n_out
    values, origins = d["values"], d["test_origins"]
    y, train = values[:, target], values[: d["split"], target]
    truth = values[origins[:, None] + np.arange(n_out), target]
    per_seed, forecasts, val_forecasts, models = [], [], [], []
    for model in load_seeds(run_dir / mode_name):
        models.append(model)
        forecast = w.to_units(model.predict(w.inputs(origins), verbose=0), origins)[..., target]
        forecasts.append(forecast)
        per_seed.append(metrics.series_scores(forecast.ravel(), truth.ravel(), train, season))
        if d["val_origins"] is not None and PROTOCOLS[mode_name].seasonal_correction:
            val_forecasts.append(
                w.to_units(model.predict(w.inputs(d["val_origins"]), verbose=0), d["val_origins"])[..., target]
            )
    headline, shrunk = ensemble(forecasts), None
    if val_forecasts:
        val = d["val_origins"]
        val_truth = values[val[:, None] + np.arange(n_out), target]
        val_base = w.base(val)[..., target]
        val_model = ensemble(val_forecasts)
        weight = shrinkage(val_model, val_base, val_truth)
        shrunk = {
            "lambda": weight,
            "toward": "seasonal naive",
            "validation_windows": len(val),
            "validation_mase": {
                name: metrics.mase(forecast.ravel(), val_truth.ravel(), train, season)
                for name, forecast in (
                    ("ensemble", val_model),
                    ("shrunk", shrink(val_model, val_base, weight)),
                    ("baseline", val_base),
                )
            },
        }
        headline = shrink(headline, w.base(origins)[..., target], weight)
    base_scores, base_forecasts, refused = baseline_scores(y, d["split"], origins, n_out, season, truth, train)
    peers, peer_forecasts, peers_refused = peer_scores(y, origins, n_out, season, truth, train)
    result = {
        "ensemble": metrics.series_scores(headline.ravel(), truth.ravel(), train, season),
        "shrinkage": shrunk,
        "model": summarise_seeds(per_seed),
        "baselines": base_scores,
        "refused_baselines": refused,
        "peers": peers,
        "refused_peers": peers_refused,
        "peer_forecasts": {k: v.tolist() for k, v in peer_forecasts.items()},
        "seeds": cfg.seeds,
        "split": d["split_kind"],
        "test_windows": int(len(origins)),
        "train_windows": int(len(d["fit_origins"])),
        "split_index": d["split"],
        "mase_note": metrics.mase_note(train, season),
        "forecast_ensemble": headline.tolist(),
        "origins": origins.tolist(),
        "truth": truth.tolist(),
        "baseline_forecasts": {k: v.tolist() for k, v in base_forecasts.items()},
        "flags": [FAITHFUL_FLAGS[d["split_kind"]]] if d["split_kind"] in FAITHFUL_FLAGS else [],
    }
    name, value = best_baseline({**base_scores, **peers}, "mase")
    ens = result["ensemble"]["mase"]
    log(
        f"{cfg.experiment} {mode_name}: test MASE {fmt_or_dash(ens)} ({cfg.seeds}-seed ensemble"
        + (f", shrunk λ {weight:.2f}" if shrunk else "")
        + f"); best baseline or peer {name} {fmt_or_dash(value)}"
    )
    if mode_name == FORECASTING_MODE:
        result.update(_multi_step(cfg, models, d, origins, shrunk["lambda"] if shrunk else 1.0))
    return result, d


def fmt_or_dash(value) -> str:
    return "—" if value is None else f"{value:.3f}"


def evaluate(cfg: Seq2seqConfig, run_dir: Path, log=print, **_) -> dict:
    start = time.monotonic()
    results, d = {}, None
    for mode_name in modes(cfg):
        results[mode_name], d = _evaluate_mode(cfg, run_dir, mode_name, log)
    headline_mode = FORECASTING_MODE if FORECASTING_MODE in results else next(iter(results))
    ahead = results[headline_mode].get("future")
    peak_mb = peak_rss_mb()
    headline = None
    if ahead:
        cover = results[headline_mode]["backtest"]["coverage"]
        # the widest interval the backtest's origins can bound (95 % needs at least 20 of them)
        level = next((lv for lv in (95, 80) if ahead[f"lo{lv}"][-1] is not None), None)
        headline = {
            "time": ahead["times"][-1],
            "column": d["columns"][d["target"]],
            "mode": headline_mode,
            "mean": ahead["forecast"][-1],
            "low": ahead[f"lo{level}"][-1] if level else None,
            "high": ahead[f"hi{level}"][-1] if level else None,
            "interval": (
                f"{level} % split-conformal interval, {metrics.percent(cover[str(level)])} coverage on the backtest"
                if level
                else "no interval: too few backtest origins"
            ),
        }
    series = d["series"]
    report = {
        "experiment": cfg.experiment,
        "family": "seq2seq",
        "profile": cfg.profile,
        "series": {
            "source": series.source,
            "columns": d["columns"],
            "target": d["columns"][d["target"]],
            "length": len(d["values"]),
            "season": d["season"],
            "season_label": series.season_label,
        },
        "modes": results,
        "headline_mode": headline_mode,
        "next_hours": {"headline": headline} if headline else None,
        "observed": observed(series, d["values"][:, d["target"]]),
        "evaluation_seconds": time.monotonic() - start,
        "peak_memory_mb": peak_mb,
    }
    write_json(run_dir / "metrics.json", report)
    if headline:
        future.write_csv(run_dir / "forecast.csv", ahead)
        bt = results[headline_mode]["backtest"]
        log(
            f"  backtest {bt['count']} origins × {bt['horizon']} rows: RMSE {bt['rmse']['model']['mean']:.2f}; "
            f"interval coverage 80 % → {metrics.percent(bt['coverage']['80'])}, 95 % → "
            f"{metrics.percent(bt['coverage']['95'])}"
        )
        interval = (
            headline["interval"]
            if headline["low"] is None
            else (f"{headline['low']:.0f}–{headline['high']:.0f}, {headline['interval']}")
        )
        log(f"{headline['column']} at {headline['time']}: {headline['mean']:.0f} ({interval}, {headline_mode} mode)")
    log(f"evaluation took {report['evaluation_seconds']:.1f} s, peak memory {peak_mb:.0f} MB")
    return report


def render(cfg: Seq2seqConfig, run_dir: Path, log=print) -> list[str]:
    from frameforecast.report import plots

    report = read_json(run_dir / "metrics.json")
    mode_name = report["headline_mode"]
    res = report["modes"][mode_name]
    d = prepare(cfg, mode_name, log)
    y = d["values"][:, d["target"]]
    origins = np.array(res["origins"])
    # the 1-step-ahead forecast of each test window, so every row appears once
    one_ahead = {
        "model": np.array(res["forecast_ensemble"])[:, 0],
        **{k: np.array(v)[:, 0] for k, v in res["baseline_forecasts"].items()},
        **{k: np.array(v)[:, 0] for k, v in res.get("peer_forecasts", {}).items()},
    }
    label = report["series"]["target"]
    plots.series_overview(
        run_dir / "forecast.png",
        d["series"].times,
        y,
        res["split_index"],
        origins,
        one_ahead,
        f"{cfg.experiment} · {mode_name}: 1-step-ahead test forecasts ({res['seeds']}-seed ensemble)",
        label,
        peers=res.get("peers", {}),
    )
    plots.series_zoom(
        run_dir / "zoom.png",
        d["series"].times,
        y,
        origins,
        one_ahead["model"],
        "test part: does the model only lag the truth?",
    )
    residuals = (np.array(res["truth"]) - np.array(res["forecast_ensemble"])).ravel()
    plots.residual_histogram(run_dir / "residuals.png", residuals, "residuals over all test horizons (ensemble)")
    written = ["forecast.png", "zoom.png", "residuals.png"]
    if res.get("future"):
        steps = len(res["future"]["forecast"])
        title = f"{cfg.experiment}: the next {steps} rows, with conformal 80 % and 95 % intervals"
        plots.future_with_intervals(run_dir / "future.png", d["series"].times, y, res["future"], title, label)
        written.append("future.png")
    for mode in report["modes"]:
        history = run_dir / mode / "history.csv"
        if history.exists():
            plots.training_curves(history, run_dir / f"{mode}-training.png")
            written.append(f"{mode}-training.png")
    log(f"rendered {len(written)} plots into {run_dir}")
    return written
