"""Turns runs/<experiment>/metrics.json into what the site shows: cards, tables, verdicts, commands."""

from __future__ import annotations

import math
import shlex

from frameforecast import experiments

NAV = [("index.html", "Results"), ("methodology.html", "Methodology"), ("reference.html", "Reference"),
       ("related.html", "Related work")]

VIDEO_COLUMNS = [("mse_per_frame", "MSE / frame ↓"), ("mae_per_frame", "MAE / frame ↓"), ("ssim", "SSIM ↑"),
                 ("psnr", "PSNR dB ↑"), ("bce_nats_per_frame", "BCE nats / frame ↓")]
SERIES_COLUMNS = [("rmse", "RMSE ↓"), ("mae", "MAE ↓"), ("smape", "sMAPE % ↓"), ("mase", "MASE ↓")]
SIGNAL_COLUMNS = [("rmse", "RMSE ↓"), ("mae", "MAE ↓"), ("mase", "MASE ↓")]


def fmt(value, digits: int = 3) -> str:
    """Numbers for tables: 3 significant decimals for small values, 1 decimal for large ones."""
    if value is None:
        return "—"
    if isinstance(value, dict) and "mean" in value:
        return f"{fmt(value['mean'], digits)} ± {fmt(value['sd'], digits)}"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if abs(value) >= 100:
        return f"{value:.1f}"
    if abs(value) >= 10:
        return f"{value:.2f}"
    return f"{value:.{digits}f}"


def _mean(value):
    return value["mean"] if isinstance(value, dict) else value


def command_for(name: str, cfg: dict, profile: str) -> str:
    """The exact command that reproduces a run."""
    if not (cfg.get("csv") or cfg.get("url")):
        return f"frameforecast run {name} --profile {profile}"
    options = ["--profile", profile]
    for key in ("csv", "url", "column", "time_column", "season"):
        if cfg.get(key) is not None:
            options += [f"--{key.replace('_', '-')}", str(cfg[key])]
    if cfg.get("columns"):
        options += ["--columns", ",".join(cfg["columns"])]
    quoted = " ".join(shlex.quote(o) for o in options)
    stages = [f"frameforecast {stage} {name} {quoted}" for stage in ("train", "evaluate", "render")]
    return " && ".join(stages + ["frameforecast site"])


# ---------------------------------------------------------------- headline per family
def headline(metrics: dict) -> dict:
    family = metrics["family"]
    if family == "video":
        res = metrics["results"][metrics["headline_output"]]
        baselines = {k: v for k, v in res.items() if k != "model"}
        if metrics["task"] == "original":
            key, label, better = "binary_accuracy", "binary pixel accuracy", max
        else:
            key, label, better = "mse_per_frame", "MSE per frame", min
        best = better(baselines, key=lambda n: baselines[n][key])
        model = res["model"][key]
        beats = model > baselines[best][key] if better is max else model < baselines[best][key]
        return {"label": f"{label} ({metrics['headline_output']}, {metrics['test_set']['name']} test set)",
                "model": model, "baseline": best, "baseline_value": baselines[best][key], "beats": beats,
                "extra": f"SSIM {fmt(res['model']['ssim'])}"}
    if family == "lookback":
        mode = "corrected" if "corrected" in metrics["modes"] else next(iter(metrics["modes"]))
        res = metrics["modes"][mode]
        best = min(res["baselines"], key=lambda n: res["baselines"][n]["rmse"])
        model = res["model"]["rmse"]
        return {"label": f"test RMSE, {mode} mode, mean ± sd over {res['seeds']} seeds", "model": model,
                "baseline": best, "baseline_value": res["baselines"][best]["rmse"],
                "beats": model["mean"] < res["baselines"][best]["rmse"], "extra": f"MASE {fmt(res['model']['mase'])}"}
    if family == "seq2seq":
        best = min(metrics["baselines"], key=lambda n: metrics["baselines"][n]["mase"])
        h = metrics["next_hours"]["headline"]
        return {"label": f"test MASE ({metrics['series']['target']}, {metrics['seeds']} seeds)",
                "model": metrics["model"]["mase"], "baseline": best,
                "baseline_value": metrics["baselines"][best]["mase"],
                "beats": metrics["model"]["mase"]["mean"] < metrics["baselines"][best]["mase"],
                "extra": f"{h['column']} at {h['time']}: {fmt(h['mean'], 0)} ({fmt(h['low'], 0)}–{fmt(h['high'], 0)})"}
    best = min(metrics["baselines"], key=lambda n: metrics["baselines"][n]["rmse"])
    return {"label": "test RMSE", "model": metrics["model"]["rmse"], "baseline": best,
            "baseline_value": metrics["baselines"][best]["rmse"],
            "beats": metrics["model"]["rmse"] < metrics["baselines"][best]["rmse"],
            "extra": f"{metrics['test_windows']} test windows"}


def _thumbnail(assets: list[str]) -> str | None:
    for prefix in ("prediction-0.gif", "reconstruction-0.gif", "corrected-forecast.png", "forecast.png",
                   "windows.png"):
        if prefix in assets:
            return prefix
    return assets[0] if assets else None


def cards(collected: dict) -> list[dict]:
    """One card per experiment of the table (run or not), plus one per extra run folder (user CSVs)."""
    out, seen = [], set()
    for name, exp in experiments.EXPERIMENTS.items():
        if name == "lookback":
            continue
        out.append(_card(name, exp, collected.get(name)))
        seen.add(name)
    for folder, run in collected.items():
        if folder in seen:
            continue
        exp_name = run["metrics"].get("experiment", folder)
        exp = experiments.EXPERIMENTS.get(exp_name)
        if exp is not None:
            out.append(_card(folder, exp, run))
    return out


def _card(folder: str, exp, run) -> dict:
    card = {"folder": folder, "name": exp.name, "title": exp.title, "family": exp.family, "original": exp.original,
            "summary": exp.summary, "run": None, "published": list(exp.published)}
    if run is None:
        if exp.needs_input:
            card["command"] = ("frameforecast train signals-4 --csv prices.csv --columns usd,eur --time-column date"
                               if exp.name == "signals-4" else f"frameforecast train {exp.name} --csv FILE --column NAME")
        else:
            card["command"] = f"frameforecast run {exp.name} --profile quick"
        return card
    metrics, cfg = run["metrics"], run["config"]
    card.update(run=True, headline=headline(metrics), thumbnail=_thumbnail(run["assets"]),
                profile=metrics.get("profile", "?"), command=command_for(exp.name, cfg, metrics.get("profile", "quick")))
    if cfg.get("column") or cfg.get("csv"):
        card["title"] = f"Look-back LSTM on {cfg.get('csv') or cfg.get('url')} · column {cfg.get('column')}"
    if cfg.get("scaled_down") and metrics.get("profile") == "quick":
        card["scaled_down"] = cfg["scaled_down"]
    return card


# ---------------------------------------------------------------- pages
def _row(label: str, kind: str, scores: dict, columns, note: str = "") -> dict:
    return {"label": label, "kind": kind, "cells": [fmt(scores.get(k)) for k, _ in columns], "note": note}


def page(card: dict, run: dict) -> dict:
    metrics = run["metrics"]
    family = metrics["family"]
    info = run["train_info"]
    base = {"assets": run["assets"], "train_info": info, "metrics": metrics, "config": run["config"]}
    if family == "video":
        return {**base, "template": "video", "tables": _video_tables(metrics), "published": _published_video(card, metrics)}
    if family == "lookback":
        return {**base, "template": "series", "tables": _lookback_tables(metrics)}
    if family == "seq2seq":
        return {**base, "template": "series", "tables": [_seq2seq_table(metrics)]}
    return {**base, "template": "series", "tables": [_signals_table(metrics)]}


def _video_tables(metrics: dict) -> list[dict]:
    tables = []
    columns = list(VIDEO_COLUMNS)
    if metrics["task"] == "original":
        columns.append(("binary_accuracy", "binary pixel accuracy ↑"))
    test = metrics["test_set"]
    for output, res in metrics["results"].items():
        rows = [_row("model", "model", res["model"], columns)]
        rows += [_row(name, "baseline", scores, columns) for name, scores in res.items() if name != "model"]
        tables.append({"title": f"{output}: {test['name']} test set, {test['size']} sequences",
                       "caption": test["origin"], "columns": [c for _, c in columns], "rows": rows})
    if "training_data_results" in metrics:
        tr = metrics["training_data_results"]
        cols = [("binary_accuracy", "binary pixel accuracy"), ("mse_per_frame", "MSE / frame"),
                ("bce_nats_per_frame", "BCE nats / frame")]
        tables.append({"title": f"the original's protocol: scored on {tr['sequences']} of its own training sequences",
                       "caption": "This is how the original got its 95 % 'accuracy': the all-black frame scores "
                                  "almost the same.", "columns": [c for _, c in cols],
                       "rows": [_row("model", "model", tr["model"], cols),
                                _row("all-black frame", "baseline", tr["all-black frame"], cols)]})
    return tables


def _published_video(card: dict, metrics: dict) -> dict:
    standard = metrics["test_set"]["name"] == "standard"
    return {"comparable": standard, "rows": card["published"],
            "note": ("Our numbers above are on the standard file, as these are." if standard else
                     "Our numbers above come from a generated test set, not the standard file: they are not in "
                     "the same column as these and are not directly comparable.")}


def _lookback_tables(metrics: dict) -> list[dict]:
    tables = []
    for mode, res in metrics["modes"].items():
        rows = [_row(f"LSTM ({mode})", "model", res["model"], SERIES_COLUMNS, f"mean ± sd over {res['seeds']} seeds")]
        rows += [_row(name, "baseline", s, SERIES_COLUMNS) for name, s in res["baselines"].items()]
        tables.append({"title": f"{mode} mode: {res['test_points']} one-step test forecasts (original units)",
                       "caption": "; ".join(res["flags"]) or
                       f"scaler fit on the first {res['scaler_fit_rows']} rows (training part only)",
                       "columns": [c for _, c in SERIES_COLUMNS], "rows": rows, "flags": res["flags"]})
    return tables


def _seq2seq_table(metrics: dict) -> dict:
    rows = [_row("seq2seq LSTM + attention", "model", metrics["model"], SERIES_COLUMNS,
                 f"mean ± sd over {metrics['seeds']} seeds")]
    rows += [_row(name, "baseline", s, SERIES_COLUMNS) for name, s in metrics["baselines"].items()]
    s = metrics["series"]
    return {"title": f"{s['target']}: {metrics['test_windows']} test windows × 6 hours ({s['split']} split)",
            "caption": "MASE is scaled by the in-sample MAE of the 24-hour seasonal naive forecast.",
            "columns": [c for _, c in SERIES_COLUMNS], "rows": rows, "flags": []}


def _signals_table(metrics: dict) -> dict:
    rows = [_row("seq2seq", "model", metrics["model"], SIGNAL_COLUMNS)]
    rows += [_row(name, "baseline", s, SIGNAL_COLUMNS) for name, s in metrics["baselines"].items()]
    return {"title": f"{metrics['test_windows']} test windows, {metrics['n_in']} → {metrics['n_out']} steps",
            "caption": f"data: {metrics['data']}; MASE scale: {metrics['mase_scale']}",
            "columns": [c for _, c in SIGNAL_COLUMNS], "rows": rows, "flags": []}
