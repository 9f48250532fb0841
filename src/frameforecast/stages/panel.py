"""Panel stages (M3, Tourism, your long-format panel): the competition protocol. Every series' held-out horizon is
forecast from its own history by the statistical peers and by one global model (the row's method, trained across
all series), shrunk toward the peers' combination by one λ chosen on a validation horizon cut from the training
part. train writes forecasts.csv (`unique_id, ds, y`, one column per model), from which evaluate computes every
metric; render draws the distribution of per-series ratios.

A killed train resumes at the part it was in: the validation and test forecasts of the peers and of the model are
each kept in parts/ as soon as they exist, with what they depend on (the peers on the series alone, the model on
its settings too), so other model settings in the same folder refit the model only.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import numpy as np

from frameforecast import host, metrics
from frameforecast.atomic import write_json
from frameforecast.config.classes import PanelConfig, method_module
from frameforecast.config.values import PUBLISHED_PANELS
from frameforecast.datasets import panels
from frameforecast.errors import UserError
from frameforecast.forecasters import panel_peers
from frameforecast.forecasters.peers import PEERS
from frameforecast.stages import read_json
from frameforecast.stages import series_protocol as protocol

ANCHOR = panel_peers.COMBINATION
PARTS = ("validation-peers", "validation-model", "peers", "model")  # parts/<name>.json, in the order train makes them
INTERVAL_LEVEL = 0.8  # the model's interval: this quantile of its scaled absolute errors on the validation horizon
BROWSER_DIGITS = 5  # significant digits of the series browser's numbers (the page's size)


def labels(cfg: PanelConfig) -> tuple[str, str]:
    """(the shrunk headline model, the unshrunk one) as tables and forecasts.csv name them."""
    label = getattr(method_module(cfg.method), "LABEL", "model")
    return f"{label} (shrunk)", f"{label} (unshrunk)"


def headline_metric(cfg: PanelConfig) -> str:
    """The set's own metric (sMAPE for M3, MAPE for Tourism); sMAPE for a panel of yours."""
    return panels.COMPETITIONS[cfg.competition][3] if cfg.competition else "smape"


def selection_metric(cfg: PanelConfig) -> str:
    """What λ is chosen by on the validation horizon: the set's own metric where the competition ranks by one
    (Tourism: MAPE), else OWA, which weighs sMAPE and MASE together as the M4 competition ranks (M3, your panel)."""
    return "mape" if headline_metric(cfg) == "mape" else "owa"


def _selection(cfg: PanelConfig, validation: panels.Panel, checked: dict):
    """score(forecasts, future) of the selection metric on the validation horizon (lower is better)."""
    name = selection_metric(cfg)

    def score(forecasts, future) -> float:
        if name == "mape":  # over the series whose validation horizon has no actual of 0
            defined = [v for v in (metrics.mape(f, t) for f, t in zip(forecasts, future)) if v is not None]
            if defined:
                return float(np.mean(defined))
        scores = metrics.competition_scores(
            {"candidate": forecasts, panel_peers.NAIVE2: checked[panel_peers.NAIVE2]},
            validation.history,
            future,
            validation.season,
            panel_peers.NAIVE2,
        )["candidate"]
        value = scores.get(name)
        return scores["smape"] if value is None else value  # OWA needs a MASE scale

    return score


def _load(cfg: PanelConfig, log) -> panels.Panel:
    panel = panels.load_for(cfg)
    if len(set(panel.horizons)) != 1:
        raise UserError(f"{panel.name}: the global model needs one horizon for all series, got {set(panel.horizons)}")
    horizon = panel.horizons[0]
    for sid, history in zip(panel.ids, panel.history):
        if len(history) < horizon + 3:
            raise UserError(
                f"{panel.name}: series {sid} has {len(history)} points before its horizon; the validation horizon "
                f"needs at least {horizon + 3} ({horizon} to score on and 3 to fit); give a shorter --horizon"
            )
    log(f"{panel.source}: {len(panel)} series, horizon {horizon}, season {panel.season}")
    return panel


def _part(parts: Path, name: str, key: dict, make, log) -> tuple[dict, float]:
    """A part of train kept in parts/<name>.json: read back when a previous run made it from the same inputs
    (`key`: what the part depends on), else made and kept."""
    path = parts / f"{name}.json"
    if path.exists():
        kept = read_json(path)
        if kept.get("key") == json.loads(json.dumps(key)):
            log(f"{name}: kept from an earlier run of the same inputs")
            return {k: [np.asarray(v, float) for v in vs] for k, vs in kept["forecasts"].items()}, kept["seconds"]
    start = time.monotonic()
    found = make()
    seconds = time.monotonic() - start
    forecasts = {k: [np.asarray(v, float) for v in vs] for k, vs in found.items()}
    write_json(path, {"key": key, "forecasts": forecasts, "seconds": seconds})
    log(f"{name}: {seconds:.0f} s")
    return found, seconds


def _level(history: np.ndarray) -> float:
    """A series' scale for the interval: the mean absolute value of its last two seasons (1 when that is 0)."""
    level = float(np.mean(np.abs(history[-24:])))
    return level if level > 0 else 1.0


def forecast_panel(cfg: PanelConfig, panel: panels.Panel, folder: Path, log=print, strategy: str = "default") -> dict:
    """The protocol: each part's forecasts, λ, and the interval's scaled half-widths per horizon step."""
    method = method_module(cfg.method)
    horizon, season = panel.horizons[0], panel.season
    parts = folder / "parts"
    validation = panel.validation()
    # the peers depend on the series alone; the model on the series, its settings and the seed
    data_key = {
        "source": panel.source,
        "series": list(panel.ids),
        "season": season,
        "horizon": horizon,
        "peers": list(panel_peers.MODELS),
    }
    model_key = data_key | {"method": cfg.method, "model": dataclasses.asdict(cfg.model), "seed": cfg.seed}

    def peers(p):
        return lambda: panel_peers.benchmarks(p, -1, cfg.cluster)

    def model(p, name):
        fit = method.fit_predict
        return lambda: {"model": fit(p.history, horizon, season, cfg.model, folder / name, cfg.seed, strategy)}

    seconds = {}
    checked, seconds["validation peers"] = _part(parts, "validation-peers", data_key, peers(validation), log)
    tried, seconds["validation model"] = _part(
        parts, "validation-model", model_key, model(validation, "validation"), log
    )
    found, seconds["peers"] = _part(parts, "peers", data_key, peers(panel), log)
    fitted, seconds["model"] = _part(parts, "model", model_key, model(panel, "model"), log)
    lam = protocol.shrinkage(tried["model"], checked[ANCHOR], validation.future, _selection(cfg, validation, checked))
    shrunk_validation = protocol.shrink(tried["model"], checked[ANCHOR], lam)
    errors = np.stack(
        [np.abs(t - f) / _level(h) for t, f, h in zip(validation.future, shrunk_validation, validation.history)]
    )
    shrunk_name, raw_name = labels(cfg)
    forecasts = {shrunk_name: protocol.shrink(fitted["model"], found[ANCHOR], lam), raw_name: fitted["model"], **found}
    return {
        "forecasts": forecasts,
        "lambda": lam,
        "anchor": ANCHOR,
        "half_width": np.quantile(errors, INTERVAL_LEVEL, axis=0).tolist(),
        "seconds": seconds,
    }


# ---------------------------------------------------------------- train / evaluate / render
def train(cfg: PanelConfig, run_dir: Path, *, restart: bool = False, strategy: str = "default", log=print) -> dict:
    panel = _load(cfg, log)  # before Keras is imported: a malformed panel stops with one line
    run_dir = Path(run_dir)
    if restart:  # only the parts this stage writes, never another file in the folder
        for name in PARTS:
            (run_dir / "parts" / f"{name}.json").unlink(missing_ok=True)
    start = time.monotonic()
    found = forecast_panel(cfg, panel, run_dir, log, strategy)
    panels.write_forecasts(run_dir / "forecasts.csv", panel, found["forecasts"])
    info = {
        "seconds": time.monotonic() - start,
        "parts_seconds": found["seconds"],
        "lambda": found["lambda"],
        "lambda_chosen_by": selection_metric(cfg),
        "anchor": found["anchor"],
        "half_width": found["half_width"],
        "series": len(panel),
        "source": panel.source,
        "machine": host.machine(),
    }
    write_json(run_dir / "train_info.json", info)
    log(f"λ = {found['lambda']:.1f} toward {ANCHOR}; forecasts of {len(panel)} series in {run_dir / 'forecasts.csv'}")
    return info


def read_forecasts(path: Path, panel: panels.Panel) -> dict[str, list[np.ndarray]]:
    """forecasts.csv back as model → each series' forecast, in the panel's order (checked against it)."""
    import pandas as pd

    table = pd.read_csv(path, dtype={"unique_id": str})
    grouped = {sid: part for sid, part in table.groupby("unique_id", sort=False)}
    if set(grouped) != set(panel.ids):
        raise UserError(f"{path} holds other series than the panel; train again with --restart")
    models = [c for c in table.columns if c not in ("unique_id", "ds", "y")]
    return {m: [grouped[sid][m].to_numpy(float) for sid in panel.ids] for m in models}


def _per_series(metric: str, forecasts: list, future) -> np.ndarray:
    score = getattr(metrics, metric)
    return np.array([np.nan if (v := score(f, t)) is None else v for f, t in zip(forecasts, future)], float)


def evaluate(cfg: PanelConfig, run_dir: Path, log=print, **_) -> dict:
    run_dir = Path(run_dir)
    panel = _load(cfg, lambda *_: None)
    info = read_json(run_dir / "train_info.json")
    forecasts = read_forecasts(run_dir / "forecasts.csv", panel)
    scores = metrics.competition_scores(forecasts, panel.history, panel.future, panel.season, panel_peers.NAIVE2)
    shrunk_name, raw_name = labels(cfg)
    metric = headline_metric(cfg)
    peers = [*PEERS, panel_peers.THETA, ANCHOR]
    best_peer = min(peers, key=lambda p: scores[p][metric] if scores[p][metric] is not None else np.inf)
    ours = _per_series(metric, forecasts[shrunk_name], panel.future)
    theirs = _per_series(metric, forecasts[best_peer], panel.future)
    ratio = np.where(theirs > 0, ours / np.where(theirs > 0, theirs, 1), np.nan)
    half = np.asarray(info["half_width"], float)
    inside = [
        np.mean(np.abs(t - f) <= half * _level(h))
        for t, f, h in zip(panel.future, forecasts[shrunk_name], panel.history)
    ]
    report = {
        "experiment": cfg.experiment,
        "family": "panel",
        "profile": cfg.profile,
        "set": {
            "name": panel.name,
            "source": panel.source,
            "series": len(panel),
            "horizon": panel.horizons[0],
            "season": panel.season,
            "competition": cfg.competition,
        },
        "metric": metric,
        "model": shrunk_name,
        "unshrunk": raw_name,
        "lambda": info["lambda"],
        "lambda_chosen_by": info.get("lambda_chosen_by", headline_metric(cfg)),
        "anchor": info["anchor"],
        "scores": scores,
        "best_peer": best_peer,
        "ratios": {
            "against": best_peer,
            "metric": metric,
            "values": [None if not np.isfinite(r) else round(float(r), 4) for r in ratio],
            "wins": int(np.sum(ours < theirs)),
            "ties": int(np.sum(ours == theirs)),
            "losses": int(np.sum(ours > theirs)),
            "median": float(np.nanmedian(ratio)) if np.isfinite(ratio).any() else None,
        },
        "interval": {"level": INTERVAL_LEVEL, "coverage": float(np.mean(inside))},
        "published": PUBLISHED_PANELS.get(cfg.competition),
        "seconds": info["seconds"],
        "parts_seconds": info["parts_seconds"],
        "machine": info.get("machine"),
        "browser": _browser(cfg, panel, forecasts, shrunk_name, half, metric),
    }
    write_json(run_dir / "metrics.json", report)
    s = scores[shrunk_name]
    log(
        f"{shrunk_name}: sMAPE {s['smape']:.2f}, MASE {s['mase']:.3f}"
        + (f", OWA {s['owa']:.3f}" if s.get("owa") is not None else "")
        + f"; best peer {best_peer}: {metric} {scores[best_peer][metric]:.2f}"
    )
    return report


def _rounded(values) -> list:
    return [float(f"{v:.{BROWSER_DIGITS}g}") for v in np.asarray(values, float)]


def _browser(cfg: PanelConfig, panel, forecasts: dict, model: str, half: np.ndarray, metric: str) -> dict:
    """The page's series browser: each series' recent history and held-out horizon, every model's forecast of it,
    the model's interval, and each one's score on it."""
    shown = [model, *(m for m in forecasts if m != model)]
    series = []
    for i, sid in enumerate(panel.ids):
        history, future = panel.history[i][-cfg.browse_history :], panel.future[i]
        values = np.concatenate([history, future])
        width = half * _level(panel.history[i])
        scores = {m: getattr(metrics, metric)(forecasts[m][i], future) for m in shown}
        series.append(
            {
                "name": sid,
                "values": _rounded(values),
                "times": [str(t)[:10] for t in panel.times[i][-len(values) :]],
                "start": len(history),
                "end": len(values),
                "forecasts": {m: _rounded(forecasts[m][i]) for m in shown},
                "band": {"low": _rounded(forecasts[model][i] - width), "high": _rounded(forecasts[model][i] + width)},
                "rmse": {m: v for m, v in scores.items() if v is not None},
            }
        )
    return {"methods": shown, "model": model, "score": metric, "series": series, "season": panel.season}


def render(cfg: PanelConfig, run_dir: Path, log=print) -> list[str]:
    from frameforecast.report import plots

    report = read_json(Path(run_dir) / "metrics.json")
    r = report["ratios"]
    values = np.array([v for v in r["values"] if v is not None], float)
    plots.ratio_histogram(
        Path(run_dir) / "ratios.png",
        values,
        f"{report['model']} ÷ {r['against']}, per series {r['metric']} ({len(values)} series): left of 1 it wins",
    )
    log(f"rendered ratios.png into {run_dir}")
    return ["ratios.png"]
