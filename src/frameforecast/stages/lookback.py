"""Look-back LSTM stages (milk, airline, any user CSV): faithful and corrected modes, several seeds."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from frameforecast import metrics, progress
from frameforecast.atomic import write_json
from frameforecast.config.classes import LookbackConfig, LookbackMode, method_module
from frameforecast.errors import UserError
from frameforecast.forecasters.base import forecast_all
from frameforecast.forecasters.statistical import alternatives, by_kind
from frameforecast.stages import read_json
from frameforecast.stages import series_future as future
from frameforecast.stages.lookback_data import FORECASTING_MODE, PROTOCOLS, load_series, modes, prepare
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


def method_label(cfg: LookbackConfig) -> str:
    """How the pages name the corrected mode's network: its module's LABEL (else the module's name)."""
    module = method_module(cfg.method)
    return getattr(module, "LABEL", module.__name__.rpartition(".")[2])


# ---------------------------------------------------------------- train / evaluate / render
def train(cfg: LookbackConfig, run_dir: Path, *, restart: bool = False, strategy: str = "default", log=print) -> dict:
    """Each mode's seeds train as the independent members of one model (series_common.fit_seeds)."""
    y, series = load_series(cfg, log)  # before Keras is imported: a bad CSV stops with one line
    method = method_module(cfg.method)
    from frameforecast.models.series import build_lookback

    info = {"modes": {}, "source": series.source, "length": len(y), "season_label": series.season_label}
    progress.plan_fits(len(modes(cfg)))
    for mode_name, mode in modes(cfg).items():
        data = prepare(y, cfg, mode_name, mode, series.season)
        original = PROTOCOLS[mode_name].reproduces_original  # the tutorial's LSTM, whatever the method is
        build = functools.partial(
            build_lookback if original else functools.partial(method.build, cfg.model),
            mode.look_back,
            data.get("features", 1),  # the faithful mode reads the raw value alone
            mode.units,
            zero_start=data.get("base") is not None,
        )
        result = fit_seeds(
            build,
            run_dir / mode_name,
            cfg,
            mode,
            data["x_train"],
            data["y_train"],
            None if original else data["validation"],
            strategy=strategy,
            restart=restart,
            log=log,
        )
        info["modes"][mode_name] = {"seconds": result.seconds, "train_windows": len(data["x_train"]), "settings": mode}
        log(f"trained {cfg.experiment} ({mode_name}, {cfg.seeds} seeds) in {result.seconds:.0f} s")
    info["config"] = {k: v for k, v in cfg.as_json().items() if k not in PROTOCOLS}
    write_json(run_dir / "train_info.json", info)
    return info


def _seed_forecasts(models: list, data: dict, x: np.ndarray, idx) -> list:
    """Each seed's forecasts of the points idx (inputs x), in original units."""
    columns = np.concatenate([np.asarray(m.predict(x, verbose=0)).reshape(len(idx), -1) for m in models], axis=1)
    return [data["to_units"](columns[:, k], idx) for k in range(columns.shape[1])]


def _ensemble_forecast(models: list, data: dict, y: np.ndarray, per_seed: list):
    """The seeds' mean forecast; in the corrected mode shrunk toward its naive start by a validation-chosen λ."""
    forecast = ensemble(per_seed)
    if data.get("base") is None:
        return forecast, None
    val_idx = data["val_targets"]
    val_model = ensemble(_seed_forecasts(models, data, data["validation"][0], val_idx))
    val_base, val_truth = data["base"](val_idx), y[val_idx]
    weight = shrinkage(val_model, val_base, val_truth)
    info = {
        "lambda": weight,
        "toward": data["anchor"],
        "anchor_validation_rmse": data["anchor_scores"],
        "validation_points": len(val_idx),
        "validation_rmse": {
            "ensemble": metrics.rmse(val_model, val_truth),
            "shrunk": metrics.rmse(shrink(val_model, val_base, weight), val_truth),
            "baseline": metrics.rmse(val_base, val_truth),
        },
    }
    return shrink(forecast, data["base"](data["targets"]), weight), info


def holdout_horizon(cfg: LookbackConfig, season: int, test_points: int) -> int:
    """H of the multi-step hold-out: the table's (36 for airline, as published), else two seasons, at most
    the test part."""
    return min(cfg.holdout or 2 * season, test_points)


def _holdout(
    cfg: LookbackConfig, mode: LookbackMode, models: list, data: dict, y: np.ndarray, season: int, weight: float
) -> dict:
    """The last H points forecast at once from the end of the rest: the LSTM recursively, every peer and
    baseline from the same origin; the LSTM was trained on the training part only (it sees less data)."""
    horizon = holdout_horizon(cfg, season, len(data["targets"]))
    origin = len(y) - horizon
    truth, train = y[origin:], y[:origin]

    def scores(forecast):
        return {"mape": metrics.mape(forecast, truth), **metrics.series_scores(forecast, truth, train, season)}

    forecasters = [future.LookbackEnsemble(models, data, mode.look_back, season, weight), *alternatives(season)]
    forecasts, refused = forecast_all(forecasters, y, origin, [origin], horizon)
    kinds = by_kind(forecasters, {name: f[0] for name, f in forecasts.items()})
    return {
        "horizon": horizon,
        "origin": origin,
        "model": scores(kinds["model"]["model"]),
        "peers": {name: scores(f) for name, f in kinds.get("peer", {}).items()},
        "baselines": {name: scores(f) for name, f in kinds.get("baseline", {}).items()},
        "refused": refused,
        "forecasts": {name: f[0].tolist() for name, f in forecasts.items()},
    }


def _multi_step(cfg: LookbackConfig, mode: LookbackMode, models, data: dict, y, series, weight: float) -> dict:
    """The corrected mode past one step: the hold-out, the rolling-origin backtest, the future with intervals."""
    season = series.season
    h = future.backtest_horizon(season, len(data["targets"]))
    model = future.LookbackEnsemble(models, data, mode.look_back, season, weight)
    origins = np.arange(data["train_end"], len(y) - h + 1)  # every test origin with h points after it
    tested = future.score_backtest(y, origins, h, season, model)
    ahead = future.future(model, y, series, tested["widths"], h)
    return {"holdout": _holdout(cfg, mode, models, data, y, season, weight), "backtest": tested, "future": ahead}


def evaluate(cfg: LookbackConfig, run_dir: Path, log=print, **_) -> dict:
    y, series = load_series(cfg, log)
    season = series.season
    report = {
        "experiment": cfg.experiment,
        "family": "lookback",
        "model_labels": {n: "LSTM" if p.reproduces_original else method_label(cfg) for n, p in PROTOCOLS.items()},
        "profile": cfg.profile,
        "series": {
            "source": series.source,
            "column": series.columns[0],
            "length": len(y),
            "season": season,
            "season_label": series.season_label,
        },
        "modes": {},
    }
    for mode_name, mode in modes(cfg).items():
        data = prepare(y, cfg, mode_name, mode, season)
        idx, train_end = data["targets"], data["train_end"]
        truth = y[idx]
        models = load_seeds(run_dir / mode_name)
        forecasts = _seed_forecasts(models, data, data["x_test"], idx)
        base_scores, base_forecasts, refused = baseline_scores(
            y, train_end, idx, 1, season, truth[:, None], y[:train_end]
        )
        peer_scores_, peer_forecasts, peers_refused = peer_scores(y, idx, 1, season, truth[:, None], y[:train_end])
        headline, shrunk = _ensemble_forecast(models, data, y, forecasts)
        per_seed = [metrics.series_scores(f, truth, y[:train_end], season) for f in forecasts]
        report["modes"][mode_name] = {
            "ensemble": metrics.series_scores(headline, truth, y[:train_end], season),
            "shrinkage": shrunk,
            "model": summarise_seeds(per_seed),
            "baselines": base_scores,
            "refused_baselines": refused,
            "peers": peer_scores_,
            "refused_peers": peers_refused,
            "peer_forecasts": {k: v[:, 0].tolist() for k, v in peer_forecasts.items()},
            **(_multi_step(cfg, mode, models, data, y, series, shrunk["lambda"]) if shrunk else {}),
            "seeds": len(forecasts),
            "mase_note": metrics.mase_note(y[:train_end], season),
            "test_points": len(idx),
            "first_test_index": int(idx[0]),
            "train_end": train_end,
            "scaler_fit_rows": data["scaler"].fit_rows,
            "settings": mode,
            "forecast_ensemble": headline.tolist(),
            "forecast_seed0": forecasts[0].tolist(),
            "targets": idx.tolist(),
            "baseline_forecasts": {k: v[:, 0].tolist() for k, v in base_forecasts.items()},
            "flags": list(PROTOCOLS[mode_name].flags),
        }
        rm, ens = report["modes"][mode_name]["model"]["rmse"], report["modes"][mode_name]["ensemble"]["rmse"]
        name, value = best_baseline({**base_scores, **peer_scores_})
        log(
            f"{cfg.experiment} {mode_name}: test RMSE {ens:.2f} ({len(forecasts)}-seed ensemble"
            + (f", shrunk λ {shrunk['lambda']:.2f}" if shrunk else "")
            + f"), per seed {rm['mean']:.2f} ± "
            f"{rm['sd']:.2f}; best baseline or peer {name} {value:.2f}; {series.season_label}"
        )
        if "backtest" in report["modes"][mode_name]:
            _log_multi_step(report["modes"][mode_name], log)
    report["observed"] = observed(series, y)
    write_json(run_dir / "metrics.json", report)
    ahead = report["modes"].get(FORECASTING_MODE, {}).get("future")
    if ahead:
        future.write_csv(run_dir / "forecast.csv", ahead)
    return report


def _log_multi_step(res: dict, log) -> None:
    h, bt, ahead = res["holdout"], res["backtest"], res["future"]
    best_h = min({**h["peers"], **h["baselines"]}.items(), key=lambda kv: kv[1]["mape"] or float("inf"))
    best_b = min((k for k in bt["rmse"] if k != "model"), key=lambda k: bt["rmse"][k]["mean"])
    log(
        f"  last {h['horizon']} at once: MAPE {h['model']['mape']:.2f} % (best other {best_h[0]} "
        f"{best_h[1]['mape']:.2f} %); backtest {bt['count']} origins × {bt['horizon']} steps: RMSE "
        f"{bt['rmse']['model']['mean']:.2f} ± {bt['rmse']['model']['sd'] or 0:.2f} (best other {best_b} "
        f"{bt['rmse'][best_b]['mean']:.2f}); interval coverage 80 % → {metrics.percent(bt['coverage']['80'])}, 95 % → "
        f"{metrics.percent(bt['coverage']['95'])}; next {len(ahead['times'])} steps in forecast.csv"
    )


def _plot_future(cfg: LookbackConfig, run_dir: Path, series, y: np.ndarray, ahead: dict) -> None:
    from frameforecast.report import plots

    steps = len(ahead["forecast"])
    title = f"{cfg.experiment}: the next {steps} steps, with conformal 80 % and 95 % intervals"
    plots.future_with_intervals(run_dir / "future.png", series.times, y, ahead, title, series.columns[0])


def forecast(cfg: LookbackConfig, run_dir: Path, horizon: int | None, log=print) -> dict:
    """The next `horizon` steps after the last point (default: the backtest's horizon), with the intervals
    evaluate calibrated; rewrites forecast.csv, future.png and the page's table (metrics.json)."""
    path = run_dir / "metrics.json"
    if not path.exists():
        raise UserError(f"{run_dir} is not evaluated yet; run: frameforecast evaluate {cfg.experiment}")
    report = read_json(path)
    res = report["modes"].get(FORECASTING_MODE, {})
    if not res.get("backtest"):
        raise UserError(
            f"{cfg.experiment} has no multi-step forecaster (it needs the corrected mode with a season > 1)"
        )
    y, series = load_series(cfg, log)
    mode = modes(cfg)[FORECASTING_MODE]
    data = prepare(y, cfg, FORECASTING_MODE, mode, series.season)
    models = load_seeds(run_dir / FORECASTING_MODE)
    steps = horizon or res["backtest"]["horizon"]
    model = future.LookbackEnsemble(models, data, mode.look_back, series.season, res["shrinkage"]["lambda"])
    ahead = future.future(model, y, series, res["backtest"]["widths"], steps)
    res["future"] = ahead
    future.write_csv(run_dir / "forecast.csv", ahead)
    write_json(path, report)
    _plot_future(cfg, run_dir, series, y, ahead)
    cover = res["backtest"]["coverage"]
    log(
        f"next {steps} steps of {series.columns[0]} in {run_dir / 'forecast.csv'} (80 % and 95 % intervals; "
        f"backtest coverage {metrics.percent(cover['80'])} and {metrics.percent(cover['95'])}); first: {ahead['times'][0]} "
        f"{ahead['forecast'][0]:.4g}"
        + ("" if ahead["lo95"][0] is None else f" ({ahead['lo95'][0]:.4g} – {ahead['hi95'][0]:.4g})")
    )
    return ahead


def render(cfg: LookbackConfig, run_dir: Path, log=print) -> list[str]:
    from frameforecast.report import plots

    report = read_json(run_dir / "metrics.json")
    y, series = load_series(cfg, log)
    written = []
    for mode_name, res in report["modes"].items():
        idx = np.array(res["targets"])
        forecasts = {
            "model": np.array(res["forecast_ensemble"]),
            **{k: np.array(v) for k, v in res["baseline_forecasts"].items()},
            **{k: np.array(v) for k, v in res.get("peer_forecasts", {}).items()},
        }
        label = series.columns[0]
        title = f"{cfg.experiment} · {mode_name}: one-step test forecasts ({res['seeds']}-seed ensemble)"
        plots.series_overview(
            run_dir / f"{mode_name}-forecast.png",
            series.times,
            y,
            res["train_end"],
            idx,
            forecasts,
            title,
            label,
            peers=res.get("peers", {}),
        )
        plots.series_zoom(
            run_dir / f"{mode_name}-zoom.png",
            series.times,
            y,
            idx,
            forecasts["model"],
            f"{mode_name}: test part — does the model only lag the truth by one step?",
        )
        plots.residual_histogram(
            run_dir / f"{mode_name}-residuals.png", y[idx] - forecasts["model"], f"{mode_name}: residuals (ensemble)"
        )
        written += [f"{mode_name}-forecast.png", f"{mode_name}-zoom.png", f"{mode_name}-residuals.png"]
        if res.get("holdout"):
            h = res["holdout"]
            plots.series_overview(
                run_dir / f"{mode_name}-holdout.png",
                series.times,
                y,
                h["origin"],
                np.arange(h["origin"], len(y)),
                {k: np.array(v) for k, v in h["forecasts"].items()},
                f"{cfg.experiment} · {mode_name}: the last {h['horizon']} points forecast at once",
                label,
                peers=h["peers"],
            )
            written.append(f"{mode_name}-holdout.png")
        if res.get("future"):
            _plot_future(cfg, run_dir, series, y, res["future"])
            written.append("future.png")
        history = run_dir / mode_name / "history.csv"
        if history.exists():
            plots.training_curves(history, run_dir / f"{mode_name}-training.png")
            written.append(f"{mode_name}-training.png")
    log(f"rendered {len(written)} plots into {run_dir}")
    return written
