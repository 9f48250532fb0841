"""usercount-seq2seq stages: the original encoder–decoder with attention, scored on a chronological test split,
and its headline output — the next 24 hours from the last observation, with an interval over seeds."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from frameforecast import metrics
from frameforecast.atomic import write_json
from frameforecast.datasets import series as series_data
from frameforecast.errors import UserError
from frameforecast.memory import peak_rss_mb
from frameforecast.stages import read_json
from frameforecast.stages.series_common import Scaler, baseline_scores, best_baseline, load_configured, summarise_seeds
from frameforecast.training import fit, load_model


def _columns(cfg: dict) -> list[str]:
    if cfg.get("columns"):
        return list(cfg["columns"])
    return list(series_data.BUILTIN[cfg["series"]].columns) if cfg.get("series") else []


def prepare(cfg: dict) -> dict:
    """Windows of n_in hours → n_out hours; train windows end before the split, test windows start after it."""
    columns = _columns(cfg)
    series = load_configured(cfg, columns)
    values, n_in, n_out = series.values, cfg["n_in"], cfg["n_out"]
    target = columns.index(cfg["target"]) if cfg["target"] in columns else 0
    series_data.require_length(len(values), n_in + 2 * n_out + 10, f"{n_in} → {n_out} windows", series.source)
    split = int(len(values) * (1 - cfg["test_fraction"]))
    scaler = Scaler(values[:split])  # training rows only
    scaled = scaler.transform(values)
    X, Y = series_data.seq2seq_windows(scaled, n_in, n_out)
    starts = np.arange(len(X))
    if cfg["split"] == "shuffled":  # the original's train_test_split(random_state=42): windows leak across
        order = np.random.default_rng(42).permutation(len(X))
        n_test = int(np.ceil(len(X) * cfg["test_fraction"]))
        test_sel, train_sel = np.sort(order[:n_test]), np.sort(order[n_test:])
    else:
        train_sel = starts[starts + n_in + n_out <= split]
        test_sel = starts[starts + n_in >= split]
    n_val = int(round(len(train_sel) * cfg["val_fraction"]))
    fit_sel, val_sel = (train_sel[:-n_val], train_sel[-n_val:]) if n_val else (train_sel, None)
    return dict(series=series, values=values, scaler=scaler, scaled=scaled, X=X, Y=Y, split=split,
                target=target, fit_sel=fit_sel, val_sel=val_sel, test_sel=test_sel, columns=columns)


def train(cfg: dict, run_dir: Path, *, restart: bool = False, strategy: str = "default", log=print) -> dict:
    from frameforecast.models.series import build_seq2seq_attention

    d = prepare(cfg)
    features = d["X"].shape[2]
    validation = (d["X"][d["val_sel"]], d["Y"][d["val_sel"]]) if d["val_sel"] is not None else None
    start, seconds = time.monotonic(), 0.0
    for seed in range(cfg["seeds"]):
        result = fit(lambda: build_seq2seq_attention(cfg["n_in"], cfg["n_out"], features, cfg["units"], cfg["dropout"]),
                     run_dir / f"seed-{seed}", x=d["X"][d["fit_sel"]], y=d["Y"][d["fit_sel"]],
                     validation_data=validation, epochs=cfg["epochs"], loss="mse", batch_size=cfg["batch_size"],
                     learning_rate=cfg["learning_rate"], clipnorm=cfg["clipnorm"], patience=cfg["patience"],
                     seed=cfg["seed"] + seed, strategy=strategy, restart=restart,
                     steps_per_execution=cfg["steps_per_execution"], log=log)
        seconds += result.seconds
    info = {"seconds": seconds, "wall_seconds": time.monotonic() - start, "seeds": cfg["seeds"],
            "train_windows": len(d["fit_sel"]), "config": cfg}
    write_json(run_dir / "train_info.json", info)
    log(f"trained {cfg['experiment']} ({cfg['seeds']} seeds) in {seconds:.0f} s")
    return info


def _rollout(model, scaled: np.ndarray, n_in: int, n_out: int, hours: int) -> np.ndarray:
    """Forecast `hours` ahead from the end of the series by feeding forecasts back in, n_out at a time."""
    history = scaled.copy()
    out = []
    while sum(len(o) for o in out) < hours:
        step = model.predict(history[None, -n_in:], verbose=0)[0]
        out.append(step)
        history = np.concatenate([history, step])
    return np.concatenate(out)[:hours]


def evaluate(cfg: dict, run_dir: Path, log=print, **_) -> dict:
    start = time.monotonic()
    d = prepare(cfg)
    n_in, n_out, target, season = cfg["n_in"], cfg["n_out"], d["target"], cfg["season"]
    y = d["values"][:, target]
    origins = d["test_sel"] + n_in
    truth = d["values"][origins[:, None] + np.arange(n_out), target]
    per_seed, per_seed_all, futures, forecasts0 = [], [], [], None
    for seed in range(cfg["seeds"]):
        model = load_model(run_dir / f"seed-{seed}" / "model.keras")
        pred = d["scaler"].inverse(model.predict(d["X"][d["test_sel"]], verbose=0).reshape(-1, len(d["columns"])))
        pred = pred.reshape(len(origins), n_out, -1)
        forecasts0 = pred[..., target] if forecasts0 is None else forecasts0
        per_seed.append(metrics.series_scores(pred[..., target].ravel(), truth.ravel(), y[:d["split"]], season))
        per_seed_all.append({col: metrics.rmse(pred[..., j], d["values"][origins[:, None] + np.arange(n_out), j])
                             for j, col in enumerate(d["columns"])})
        future = d["scaler"].inverse(_rollout(model, d["scaled"], n_in, n_out, cfg["horizon_hours"]))
        futures.append(future[:, target])
    base_scores, base_forecasts = baseline_scores(y, d["split"], origins, n_out, season, truth, y[:d["split"]])
    futures = np.array(futures)
    times = d["series"].times
    last_time = times[-1] if times is not None and hasattr(times[-1], "strftime") else None
    future_times = ([str(last_time + np.timedelta64(h, "h")) for h in range(1, cfg["horizon_hours"] + 1)]
                    if last_time is not None else list(range(1, cfg["horizon_hours"] + 1)))
    peak_mb = peak_rss_mb()
    headline = {
        "time": future_times[-1], "column": d["columns"][target],
        "mean": float(futures[:, -1].mean()), "low": float(futures[:, -1].min()), "high": float(futures[:, -1].max()),
        "interval": f"min–max over {len(futures)} seeds",
    }
    report = {
        "experiment": cfg["experiment"], "family": "seq2seq", "profile": cfg["profile"],
        "series": {"source": d["series"].source, "columns": d["columns"], "target": d["columns"][target],
                   "length": len(y), "season": season, "split": cfg["split"]},
        "test_windows": int(len(origins)), "train_windows": int(len(d["fit_sel"])), "split_index": d["split"],
        "model": summarise_seeds(per_seed), "model_rmse_by_column": summarise_seeds(per_seed_all),
        "baselines": base_scores, "seeds": cfg["seeds"],
        "forecast_seed0": forecasts0.tolist(), "origins": origins.tolist(), "truth": truth.tolist(),
        "baseline_forecasts": {k: v.tolist() for k, v in base_forecasts.items()},
        "next_hours": {"times": future_times, "per_seed": futures.tolist(), "headline": headline},
        "evaluation_seconds": time.monotonic() - start, "peak_memory_mb": peak_mb,
    }
    write_json(run_dir / "metrics.json", report)
    mase = report["model"]["mase"]
    name, value = best_baseline(base_scores, "mase")
    log(f"{cfg['experiment']}: test MASE {mase['mean']:.3f} ± {mase['sd']:.3f} (best baseline {name} {value:.3f})")
    log(f"{headline['column']} at {headline['time']}: {headline['mean']:.0f} "
        f"({headline['low']:.0f}–{headline['high']:.0f}, {headline['interval']}); evaluation took "
        f"{report['evaluation_seconds']:.1f} s, peak memory {peak_mb:.0f} MB")
    return report


def render(cfg: dict, run_dir: Path, log=print) -> list[str]:
    from frameforecast.report import plots

    report = read_json(run_dir / "metrics.json")
    d = prepare(cfg)
    y = d["values"][:, d["target"]]
    origins = np.array(report["origins"])
    # the 1-hour-ahead forecast of each test window, so every hour appears once
    one_ahead = {"model": np.array(report["forecast_seed0"])[:, 0],
                 **{k: np.array(v)[:, 0] for k, v in report["baseline_forecasts"].items()}}
    label = report["series"]["target"]
    plots.series_overview(run_dir / "forecast.png", d["series"].times, y, report["split_index"], origins, one_ahead,
                          f"{cfg['experiment']}: 1-hour-ahead test forecasts (seed 0)", label)
    plots.series_zoom(run_dir / "zoom.png", d["series"].times, y, origins, one_ahead["model"],
                      "test part: does the model only lag the truth?")
    residuals = (np.array(report["truth"]) - np.array(report["forecast_seed0"])).ravel()
    plots.residual_histogram(run_dir / "residuals.png", residuals, "residuals over all test horizons (seed 0)")
    written = ["forecast.png", "zoom.png", "residuals.png"]
    if (run_dir / "seed-0" / "history.csv").exists():
        plots.training_curves(run_dir / "seed-0" / "history.csv", run_dir / "training.png")
        written.append("training.png")
    log(f"rendered {len(written)} plots into {run_dir}")
    return written


def check_settings(cfg: dict) -> None:
    if cfg["n_in"] < 1 or cfg["n_out"] < 1:
        raise UserError("--n-in and --n-out must be at least 1")
    if cfg["split"] not in ("chronological", "shuffled"):
        raise UserError(f"unknown --split {cfg['split']!r}; use chronological or shuffled")
