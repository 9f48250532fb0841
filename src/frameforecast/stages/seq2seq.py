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
from frameforecast.stages import series_protocol as protocol
from frameforecast.stages.seq2seq_data import FAITHFUL_FLAGS, FORECASTING_MODE, PROTOCOLS, Windows, modes, prepare
from frameforecast.stages.series_common import fit_seeds, load_seeds, observed


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


def _anchor(w: Windows, models: list, d: dict, mode_name: str, values: np.ndarray, origins) -> protocol.Anchor | None:
    """In the corrected mode, the seasonal-naive start the ensemble is shrunk toward, with λ's validation windows."""
    val, target = d["val_origins"], d["target"]
    if val is None or not PROTOCOLS[mode_name].seasonal_correction:
        return None
    forecasts = [w.to_units(model.predict(w.inputs(val), verbose=0), val)[..., target] for model in models]
    return protocol.Anchor(
        name="seasonal naive",
        test=w.base(origins)[..., target],
        validation_model=protocol.ensemble(forecasts),
        validation_anchor=w.base(val)[..., target],
        validation_truth=values[val[:, None] + np.arange(w.n_out), target],
    )


def _evaluate_mode(cfg: Seq2seqConfig, run_dir: Path, mode_name: str, log=print) -> tuple[dict, np.ndarray]:
    d = prepare(cfg, mode_name, log)
    w, target, season, n_out = d["windows"], d["target"], d["season"], cfg.n_out
    values, origins = d["values"], d["test_origins"]
    y = values[:, target]
    truth = values[origins[:, None] + np.arange(n_out), target]
    models = load_seeds(run_dir / mode_name)
    forecasts = [w.to_units(model.predict(w.inputs(origins), verbose=0), origins)[..., target] for model in models]
    anchor = _anchor(w, models, d, mode_name, values, origins)
    result = protocol.test_windows(forecasts, truth, y, d["split"], origins, season, anchor)
    result.update(
        split=d["split_kind"],
        test_windows=int(len(origins)),
        train_windows=int(len(d["fit_origins"])),
        split_index=d["split"],
        origins=origins.tolist(),
        truth=truth.tolist(),
        flags=[FAITHFUL_FLAGS[d["split_kind"]]] if d["split_kind"] in FAITHFUL_FLAGS else [],
    )
    protocol.log_test_windows(cfg.experiment, mode_name, result, "mase", log)
    if mode_name == FORECASTING_MODE:
        weight = result["shrinkage"]["lambda"] if result["shrinkage"] else 1.0
        model = Seq2seqEnsemble(models, w, values, target, weight)
        result.update(protocol.backtest_and_future(model, y, d["series"], origins, cfg.horizon_hours, season))
    return result, d


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
    report = read_json(run_dir / "metrics.json")
    mode_name = report["headline_mode"]
    res = report["modes"][mode_name]
    d = prepare(cfg, mode_name, log)
    y = d["values"][:, d["target"]]
    # the 1-step-ahead forecast of each test window, so every row appears once
    one_ahead = {
        "model": np.array(res["forecast_ensemble"])[:, 0],
        **{k: np.array(v)[:, 0] for k, v in res["baseline_forecasts"].items()},
        **{k: np.array(v)[:, 0] for k, v in res.get("peer_forecasts", {}).items()},
    }
    label = report["series"]["target"]
    titles = {
        "label": label,
        "forecast": f"{cfg.experiment} · {mode_name}: 1-step-ahead test forecasts ({res['seeds']}-seed ensemble)",
        "zoom": "test part: does the model only lag the truth?",
        "residuals": "residuals over all test horizons (ensemble)",
    }
    residuals = (np.array(res["truth"]) - np.array(res["forecast_ensemble"])).ravel()
    written = protocol.plot_test_windows(
        run_dir,
        "",
        d["series"].times,
        y,
        res["split_index"],
        np.array(res["origins"]),
        one_ahead,
        residuals,
        res.get("peers", {}),
        titles,
    )
    if res.get("future"):
        protocol.plot_future(run_dir / "future.png", d["series"].times, y, res["future"], "rows", cfg.experiment, label)
        written.append("future.png")
    written += protocol.plot_training(run_dir, report["modes"])
    log(f"rendered {len(written)} plots into {run_dir}")
    return written
