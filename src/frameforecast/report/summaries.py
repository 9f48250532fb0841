"""Turns runs/<experiment>/metrics.json into what the site shows: cards, tables, verdicts, commands."""

from __future__ import annotations

import math
import shlex
from pathlib import PurePath

from frameforecast import experiments
from frameforecast.metrics import best_of

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


def data_name(cfg: dict) -> str:
    """A user's data as the site names it: the URL, or the file name — never a path on the build machine."""
    return cfg["url"] if cfg.get("url") else PurePath(cfg["csv"]).name if cfg.get("csv") else str(cfg.get("series"))


def command_for(name: str, cfg: dict, profile: str) -> str:
    """The exact command that reproduces a run."""
    if cfg.get("data"):
        options = ["--data", PurePath(cfg["data"]).name, "--profile", profile] + [
            f"--{key.replace('_', '-')}={cfg[key]}" for key in ("canvas", "in_frames", "out_frames")]
        train = "frameforecast train video " + " ".join(shlex.quote(o) for o in options)
        return f"{train} && frameforecast evaluate video --run-dir runs/{cfg['run_name']} && " \
               f"frameforecast render video --run-dir runs/{cfg['run_name']} && frameforecast site"
    if not (cfg.get("csv") or cfg.get("url")):
        return f"frameforecast run {name} --profile {profile}"
    options = ["--profile", profile]
    for key in ("csv", "url", "column", "time_column", "season"):
        if cfg.get(key) is not None:
            options += [f"--{key.replace('_', '-')}", data_name(cfg) if key == "csv" else str(cfg[key])]
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
    if family in ("lookback", "seq2seq"):
        key = "rmse" if family == "lookback" else "mase"
        modes = metrics["modes"]
        mode = "corrected" if "corrected" in modes else next(iter(modes))
        res = modes[mode]
        best, best_value = best_of(res["baselines"], key)
        model = res["ensemble"][key]
        shrunk = f", shrunk toward {res['shrinkage']['toward']} (λ {res['shrinkage']['lambda']:.2f})" \
            if res.get("shrinkage") else ""
        extra = f"per seed {fmt(res['model'][key])}; {metrics['series']['season_label']}"
        if family == "seq2seq":
            h = metrics["next_hours"]["headline"]
            extra += f"; {h['column']} at {h['time']}: {fmt(h['mean'], 0)} ({fmt(h['low'], 0)}–{fmt(h['high'], 0)})"
        return {"label": f"test {key.upper()}, {mode} mode, {res['seeds']}-seed ensemble{shrunk}", "model": model,
                "baseline": best, "baseline_value": best_value,
                "beats": model is not None and best_value is not None and model <= best_value, "extra": extra}
    best = min(metrics["baselines"], key=lambda n: metrics["baselines"][n]["rmse"])
    return {"label": "test RMSE", "model": metrics["model"]["rmse"], "baseline": best,
            "baseline_value": metrics["baselines"][best]["rmse"],
            "beats": metrics["model"]["rmse"] < metrics["baselines"][best]["rmse"],
            "extra": f"{metrics['test_windows']} test windows"}


def published_note(metrics: dict, published: dict) -> str:
    """Where a published number was measured, and whether it is comparable with this run's headline."""
    ours = metrics.get("test_set", {}).get("name")
    if ours is not None and not published["test_set"].startswith(ours):
        return f"{published['test_set']} — not comparable with this {ours}-set headline"
    return f"measured on: {published['test_set']}"


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
        if exp.user_template:
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
    card["published_note"] = published_note(metrics, card["published"][0]) if card["published"] else ""
    card.update(run=True, headline=headline(metrics), thumbnail=_thumbnail(run["assets"]),
                profile=metrics.get("profile", "?"), command=command_for(exp.name, cfg, metrics.get("profile", "quick")))
    if exp.family == "lookback" and (cfg.get("csv") or cfg.get("url")):
        card["title"] = f"Look-back LSTM on {data_name(cfg)} · column {cfg.get('column')}"
    if cfg.get("data"):
        card["title"] = f"{exp.title}: {PurePath(cfg['data']).name}"
    if cfg.get("scaled_down") and metrics.get("profile") == "quick":
        card["scaled_down"] = cfg["scaled_down"]
    return card


# ---------------------------------------------------------------- pages
UNBOUNDED = {"bce_nats_per_frame"}  # a None here means infinite, not unknown (metrics.bce_nats_per_frame)


def _cell(scores: dict, key: str) -> str:
    if key in UNBOUNDED and key in scores and scores[key] is None:
        return "∞"
    return fmt(scores.get(key))


def _row(label: str, kind: str, scores: dict, columns, note: str = "") -> dict:
    return {"label": label, "kind": kind, "cells": [_cell(scores, k) for k, _ in columns], "note": note}


BCE_NOTE = ("BCE ∞: some predicted pixel is exactly 0 or 1 where the target disagrees (an all-black or copied frame "
            "does this), so the cross-entropy is infinite; no epsilon is added to hide it. A perfect prediction of "
            "these grayscale targets would still score {floor} nats/frame: their own entropy.")


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
        return {**base, "template": "series", "tables": _seq2seq_tables(metrics)}
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
        caption = test["origin"]
        flow = res.get("optical flow", {}).get("mse_per_frame")
        if metrics["task"] != "original" and flow is not None and flow < res["model"]["mse_per_frame"]:
            caption += (f". Optical flow beats the model here ({fmt(flow)} against {fmt(res['model']['mse_per_frame'])}"
                        " MSE/frame): it has learned less than constant-velocity motion")
        if "bce_floor_nats_per_frame" in res["model"]:
            caption += ". " + BCE_NOTE.format(floor=fmt(res["model"]["bce_floor_nats_per_frame"]))
        tables.append({"title": f"{output}: {test['name']} test set, {test['size']} sequences",
                       "caption": caption, "columns": [c for _, c in columns], "rows": rows})
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


def _series_caption(metrics: dict, res: dict) -> str:
    """Season used, MASE scale, any refused baseline, and shrinkage: said under every series table."""
    parts = [f"{metrics['series']['season_label']}; MASE scaled by the in-sample MAE of the lag-"
             f"{metrics['series']['season']} seasonal naive forecast on the training part"]
    if res.get("mase_note"):
        parts.append(res["mase_note"])
    parts += [f"{name} left out: {why}" for name, why in res.get("refused_baselines", {}).items()]
    if res.get("shrinkage"):
        sh = res["shrinkage"]
        parts.append(f"ensemble shrunk toward {sh['toward']}: forecast = baseline + λ · (ensemble − baseline), "
                     f"λ = {sh['lambda']:.2f} chosen on the last training windows (validation), never on test data")
    return "; ".join(parts)


def _mode_table(title: str, label: str, res: dict, metrics: dict, extra_caption: str = "") -> dict:
    rows = [_row(f"{label} ({res['seeds']}-seed ensemble)", "model", res["ensemble"], SERIES_COLUMNS,
                 "mean of the seeds' forecasts" + (", shrunk" if res.get("shrinkage") else "")),
            _row(f"{label}, single seed", "model", res["model"], SERIES_COLUMNS,
                 f"mean ± sd over {res['seeds']} seeds")]
    rows += [_row(name, "baseline", s, SERIES_COLUMNS) for name, s in res["baselines"].items()]
    caption = "; ".join(filter(None, [extra_caption, "; ".join(res["flags"]), _series_caption(metrics, res)]))
    return {"title": title, "caption": caption, "columns": [c for _, c in SERIES_COLUMNS], "rows": rows,
            "flags": res["flags"]}


def _lookback_tables(metrics: dict) -> list[dict]:
    return [_mode_table(f"{mode} mode: {res['test_points']} one-step test forecasts (original units)",
                        f"LSTM ({mode})", res, metrics,
                        "" if res["flags"] else f"scaler fit on the first {res['scaler_fit_rows']} rows "
                                                "(training part only)")
            for mode, res in metrics["modes"].items()]


def _seq2seq_tables(metrics: dict) -> list[dict]:
    s = metrics["series"]
    return [_mode_table(f"{mode} mode · {s['target']}: {res['test_windows']} test windows × {len(res['truth'][0])} "
                        f"steps ({res['split']} split)", f"seq2seq LSTM + attention ({mode})", res, metrics)
            for mode, res in metrics["modes"].items()]


def _signals_table(metrics: dict) -> dict:
    rows = [_row("seq2seq", "model", metrics["model"], SIGNAL_COLUMNS)]
    rows += [_row(name, "baseline", s, SIGNAL_COLUMNS) for name, s in metrics["baselines"].items()]
    return {"title": f"{metrics['test_windows']} test windows, {metrics['n_in']} → {metrics['n_out']} steps",
            "caption": f"data: {metrics['data']}; MASE scale: {metrics['mase_scale']}",
            "columns": [c for _, c in SIGNAL_COLUMNS], "rows": rows, "flags": []}
