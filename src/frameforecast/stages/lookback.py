"""Look-back LSTM stages (milk, airline, any user CSV): faithful and corrected modes, several seeds."""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path

import numpy as np

from frameforecast import metrics, progress
from frameforecast.atomic import write_json
from frameforecast.config.classes import LookbackConfig, LookbackMode, method_module
from frameforecast.errors import UserError
from frameforecast.forecasters.base import Refused
from frameforecast.forecasters.direct import TOWARD, DirectHead
from frameforecast.stages import read_json
from frameforecast.stages import series_future as future
from frameforecast.stages import series_protocol as protocol
from frameforecast.stages.lookback_data import FORECASTING_MODE, PROTOCOLS, load_series, modes, prepare
from frameforecast.stages.series_common import fit_seeds, load_seeds, observed


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


def _anchor(models: list, data: dict, y: np.ndarray) -> protocol.Anchor | None:
    """In the corrected mode, the naive start the ensemble is shrunk toward, with λ's validation points."""
    if data.get("base") is None:
        return None
    val_idx = data["val_targets"]
    return protocol.Anchor(
        name=data["anchor"],
        test=data["base"](data["targets"]),
        validation_model=protocol.ensemble(_seed_forecasts(models, data, data["validation"][0], val_idx)),
        validation_anchor=data["base"](val_idx),
        validation_truth=y[val_idx],
        notes={"anchor_validation_rmse": data["anchor_scores"]},
    )


def holdout_horizon(cfg: LookbackConfig, season: int, test_points: int) -> int:
    """H of the multi-step hold-out: the table's (36 for airline, as published), else two seasons, at most
    the test part."""
    return min(cfg.holdout or 2 * season, test_points)


def _multi_step(
    cfg: LookbackConfig, mode: LookbackMode, models, data: dict, y, series, weight: float, run_dir: Path
) -> dict:
    """The corrected mode past one step: the hold-out, the rolling-origin backtest, the future with intervals;
    with --direct-head, the direct head beside the recursive ensemble in the hold-out and the backtest."""
    season = series.season
    h = future.backtest_horizon(season, len(data["targets"]))
    model = future.LookbackEnsemble(models, data, mode.look_back, season, weight)
    origins = np.arange(data["train_end"], len(y) - h + 1)  # every test origin with h points after it
    others = (DirectHead(cfg.direct, season, run_dir / "direct", cfg.seed),) if cfg.direct_head else ()
    found = {
        "holdout": protocol.holdout(model, y, season, holdout_horizon(cfg, season, len(data["targets"])), others),
        **protocol.backtest_and_future(model, y, series, origins, h, season, others),
    }
    if others:
        head, ahead = others[0], None
        if found.get("future"):
            with contextlib.suppress(Refused):  # too short for its validation: the hold-out and backtest tables say why
                ahead = head.fit(y).predict(y, [len(y)], h)[0]
        found["direct"] = {
            "lambda": head.lambdas,
            "toward": TOWARD,
            "settings": cfg.direct,
            "future": None if ahead is None else ahead.tolist(),
        }
    return found


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
        models = load_seeds(run_dir / mode_name)
        forecasts = _seed_forecasts(models, data, data["x_test"], idx)
        res = protocol.test_windows(forecasts, y[idx], y, train_end, idx, season, _anchor(models, data, y))
        shrunk = res["shrinkage"]
        report["modes"][mode_name] = res = {
            **res,
            **(_multi_step(cfg, mode, models, data, y, series, shrunk["lambda"], run_dir) if shrunk else {}),
            "test_points": len(idx),
            "first_test_index": int(idx[0]),
            "train_end": train_end,
            "scaler_fit_rows": data["scaler"].fit_rows,
            "settings": mode,
            "forecast_seed0": forecasts[0].tolist(),
            "targets": idx.tolist(),
            "flags": list(PROTOCOLS[mode_name].flags),
        }
        protocol.log_test_windows(cfg.experiment, mode_name, res, "rmse", log, series.season_label)
        if "backtest" in res:
            _log_multi_step(res, log)
    report["observed"] = observed(series, y)
    write_json(run_dir / "metrics.json", report)
    ahead = report["modes"].get(FORECASTING_MODE, {}).get("future")
    if ahead:
        future.write_csv(run_dir / "forecast.csv", ahead)
    return report


def _log_multi_step(res: dict, log) -> None:
    h, bt, ahead = res["holdout"], res["backtest"], res["future"]
    best_h = min({**h["peers"], **h["baselines"]}.items(), key=lambda kv: kv[1]["mape"] or float("inf"))
    others = bt.get("others", [])
    best_b = min((k for k in bt["rmse"] if k != "model" and k not in others), key=lambda k: bt["rmse"][k]["mean"])
    for name in others:
        log(
            f"  {name}: last {h['horizon']} at once MAPE {h['others'][name]['mape']:.2f} %; backtest RMSE "
            f"{bt['rmse'][name]['mean']:.2f} ± {bt['rmse'][name]['sd'] or 0:.2f}"
        )
    log(
        f"  last {h['horizon']} at once: MAPE {h['model']['mape']:.2f} % (best other {best_h[0]} "
        f"{best_h[1]['mape']:.2f} %); backtest {bt['count']} origins × {bt['horizon']} steps: RMSE "
        f"{bt['rmse']['model']['mean']:.2f} ± {bt['rmse']['model']['sd'] or 0:.2f} (best other {best_b} "
        f"{bt['rmse'][best_b]['mean']:.2f}); interval coverage 80 % → {metrics.percent(bt['coverage']['80'])}, 95 % → "
        f"{metrics.percent(bt['coverage']['95'])}; next {len(ahead['times'])} steps in forecast.csv"
    )


def _plot_future(cfg: LookbackConfig, run_dir: Path, series, y: np.ndarray, ahead: dict) -> None:
    protocol.plot_future(run_dir / "future.png", series.times, y, ahead, "steps", cfg.experiment, series.columns[0])


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
        titles = {
            "label": series.columns[0],
            "forecast": f"{cfg.experiment} · {mode_name}: one-step test forecasts ({res['seeds']}-seed ensemble)",
            "zoom": f"{mode_name}: test part — does the model only lag the truth by one step?",
            "residuals": f"{mode_name}: residuals (ensemble)",
        }
        residuals = y[idx] - forecasts["model"]
        written += protocol.plot_test_windows(
            run_dir, f"{mode_name}-", series.times, y, res["train_end"], idx, forecasts, residuals, res["peers"], titles
        )
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
                titles["label"],
                peers=h["peers"],
            )
            written.append(f"{mode_name}-holdout.png")
        if res.get("future"):
            _plot_future(cfg, run_dir, series, y, res["future"])
            written.append("future.png")
    written += protocol.plot_training(run_dir, report["modes"])
    log(f"rendered {len(written)} plots into {run_dir}")
    return written
