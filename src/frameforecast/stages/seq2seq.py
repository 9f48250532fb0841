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
from frameforecast.datasets import time_axis
from frameforecast.memory import peak_rss_mb
from frameforecast.stages import read_json
from frameforecast.stages.seq2seq_data import FAITHFUL_FLAGS, FORECASTING_MODE, PROTOCOLS, Windows, modes, prepare
from frameforecast.stages.series_common import (
    baseline_scores,
    best_baseline,
    ensemble,
    observed,
    peer_scores,
    shrink,
    shrinkage,
    summarise_seeds,
)
from frameforecast.training import fit, load_model


def train(cfg: Seq2seqConfig, run_dir: Path, *, restart: bool = False, strategy: str = "default", log=print) -> dict:
    start, info = time.monotonic(), {"modes": {}, "config": cfg}
    progress.plan_fits(len(modes(cfg)) * cfg.seeds)
    for mode_name in modes(cfg):
        d = prepare(cfg, mode_name, log)  # before Keras is imported: a bad CSV stops with one line
        from frameforecast.models.series import build_seq2seq_attention

        mode, w = d["mode"], d["windows"]
        features = len(d["columns"])
        validation = (w.inputs(d["val_origins"]), w.targets(d["val_origins"])) if d["val_origins"] is not None else None
        seconds = 0.0
        for seed in range(cfg.seeds):
            build = functools.partial(
                build_seq2seq_attention,
                cfg.n_in,
                cfg.n_out,
                features,
                mode.units,
                mode.dropout,
                zero_start=PROTOCOLS[mode_name].seasonal_correction,
            )
            result = fit(
                build,
                run_dir / mode_name / f"seed-{seed}",
                x=w.inputs(d["fit_origins"]),
                y=w.targets(d["fit_origins"]),
                validation_data=validation,
                epochs=mode.epochs,
                loss="mse",
                batch_size=mode.batch_size,
                learning_rate=mode.learning_rate,
                clipnorm=cfg.clipnorm,
                patience=mode.patience,
                seed=cfg.seed + seed,
                strategy=strategy,
                restart=restart,
                steps_per_execution=cfg.steps_per_execution,
                log=log,
            )
            seconds += result.seconds
        info["modes"][mode_name] = {"seconds": seconds, "train_windows": len(d["fit_origins"]), "settings": mode}
        log(f"trained {cfg.experiment} ({mode_name}, {cfg.seeds} seeds) in {seconds:.0f} s")
    info.update(seeds=cfg.seeds, wall_seconds=time.monotonic() - start)
    write_json(run_dir / "train_info.json", info)
    return info


def _rollout(model, windows: Windows, values: np.ndarray, steps: int) -> np.ndarray:
    """Forecast `steps` rows past the end of the series by feeding forecasts back in, n_out at a time."""
    history = values.copy()
    while len(history) < len(values) + steps:
        origin = [len(history)]
        pred = model.predict(windows.inputs(origin, history), verbose=0)
        history = np.concatenate([history, windows.to_units(pred, origin, history)[0]])
    return history[len(values) : len(values) + steps]


def _evaluate_mode(cfg: Seq2seqConfig, run_dir: Path, mode_name: str, log=print) -> tuple[dict, np.ndarray]:
    d = prepare(cfg, mode_name, log)
    w, target, season, n_out = d["windows"], d["target"], d["season"], cfg.n_out
    values, origins = d["values"], d["test_origins"]
    y, train = values[:, target], values[: d["split"], target]
    truth = values[origins[:, None] + np.arange(n_out), target]
    per_seed, forecasts, val_forecasts, futures = [], [], [], []
    for seed in range(cfg.seeds):
        model = load_model(run_dir / mode_name / f"seed-{seed}" / "model.keras")
        forecast = w.to_units(model.predict(w.inputs(origins), verbose=0), origins)[..., target]
        forecasts.append(forecast)
        per_seed.append(metrics.series_scores(forecast.ravel(), truth.ravel(), train, season))
        if d["val_origins"] is not None and PROTOCOLS[mode_name].seasonal_correction:
            val_forecasts.append(
                w.to_units(model.predict(w.inputs(d["val_origins"]), verbose=0), d["val_origins"])[..., target]
            )
        futures.append(_rollout(model, w, values, cfg.horizon_hours)[:, target])
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
    return result, np.array(futures), d


def fmt_or_dash(value) -> str:
    return "—" if value is None else f"{value:.3f}"


def evaluate(cfg: Seq2seqConfig, run_dir: Path, log=print, **_) -> dict:
    start = time.monotonic()
    results, futures, d = {}, {}, None
    for mode_name in modes(cfg):
        results[mode_name], futures[mode_name], d = _evaluate_mode(cfg, run_dir, mode_name, log)
    headline_mode = FORECASTING_MODE if FORECASTING_MODE in results else next(iter(results))
    future = futures[headline_mode]
    times = d["series"].times
    last_time = times[-1] if times is not None and hasattr(times[-1], "strftime") else None
    step = time_axis.step_of(d["series"].frequency)
    future_times = (
        [str(last_time + step * h) for h in range(1, cfg.horizon_hours + 1)]
        if last_time is not None and step is not None
        else list(range(1, cfg.horizon_hours + 1))
    )
    peak_mb = peak_rss_mb()
    headline = {
        "time": future_times[-1],
        "column": d["columns"][d["target"]],
        "mode": headline_mode,
        "mean": float(future[:, -1].mean()),
        "low": float(future[:, -1].min()),
        "high": float(future[:, -1].max()),
        "interval": f"min–max over {len(future)} seeds",
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
        "next_hours": {"times": future_times, "per_seed": future.tolist(), "headline": headline},
        "observed": observed(series, d["values"][:, d["target"]]),
        "evaluation_seconds": time.monotonic() - start,
        "peak_memory_mb": peak_mb,
    }
    write_json(run_dir / "metrics.json", report)
    log(
        f"{headline['column']} at {headline['time']}: {headline['mean']:.0f} "
        f"({headline['low']:.0f}–{headline['high']:.0f}, {headline['interval']}, {headline_mode} mode); evaluation "
        f"took {report['evaluation_seconds']:.1f} s, peak memory {peak_mb:.0f} MB"
    )
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
    for mode in report["modes"]:
        history = run_dir / mode / "seed-0" / "history.csv"
        if history.exists():
            plots.training_curves(history, run_dir / f"{mode}-training.png")
            written.append(f"{mode}-training.png")
    log(f"rendered {len(written)} plots into {run_dir}")
    return written
