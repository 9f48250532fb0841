"""What a series experiment's page and card show: a table per mode (ensemble, seeds, baselines) with the season,
MASE scale, refused baselines and shrinkage under it, and the verdict on the headline mode."""

from __future__ import annotations

from frameforecast.metrics import best_of, percent
from frameforecast.report import series_windows
from frameforecast.report.tables import fmt, row, verdict

SERIES_COLUMNS = [("rmse", "RMSE ↓"), ("mae", "MAE ↓"), ("smape", "sMAPE % ↓"), ("mase", "MASE ↓")]
PEER_NOTE = "season {season}; fit once on the training part, then updated with each observed point (refit=False)"
SIGNAL_COLUMNS = [("rmse", "RMSE ↓"), ("mae", "MAE ↓"), ("mase", "MASE ↓")]


def _label(metrics: dict, mode: str) -> str:
    """How the page names a mode's network (its method module's LABEL, saved in metrics.json)."""
    return metrics.get("model_labels", {}).get(mode, "LSTM")


def _alternatives(res: dict) -> dict:
    """Every forecast the model is compared with: the baselines and the statistical peers."""
    return {**res["baselines"], **res.get("peers", {})}


def headline_mode(metrics: dict) -> str:
    """The mode the headline speaks for: the corrected one, or the only one."""
    return "corrected" if "corrected" in metrics["modes"] else next(iter(metrics["modes"]))


def _backtest_scores(bt: dict) -> dict:
    """The model's and each alternative's mean RMSE (our other heads are judged on their own rows)."""
    return {name: {"rmse": v["mean"]} for name, v in bt["rmse"].items() if name not in bt.get("others", [])}


def _direct_note(res: dict, name: str, horizon: int, fit_end: int) -> str:
    """How the direct head was made, said on its rows."""
    found = res.get("direct", {})
    lam = found.get("lambda", {}).get(f"{horizon}@{fit_end}")
    shrunk = "" if lam is None else f", shrunk toward the {found['toward']} (λ {lam:.1f}, chosen on the training part)"
    return f"{name}: the whole {horizon} steps at once, never fed back; trained on the first {fit_end} points{shrunk}"


def protocol_verdicts(metrics: dict, mode: str) -> list[dict]:
    """One verdict per protocol a mode was scored by (one-step, the multi-step hold-out, the rolling-origin
    backtest), each saying what it covers: the metrics and how many alternatives. The page's tables, the
    headline on the page and the index, `compare` and the README table all read these."""
    res = metrics["modes"][mode]
    claims = [("one-step", res["ensemble"], _alternatives(res), SERIES_COLUMNS)]
    if res.get("holdout"):
        h = res["holdout"]
        claims.append(
            (f"hold-out of the last {h['horizon']}", h["model"], {**h["baselines"], **h["peers"]}, HOLDOUT_COLUMNS)
        )
    if res.get("backtest"):
        scores = _backtest_scores(res["backtest"])
        model = scores.pop("model")
        claims.append((f"backtest of {res['backtest']['count']} origins", model, scores, BACKTEST_COLUMNS))
    verdicts = []
    for protocol, model, alternatives, columns in claims:
        beats, note = verdict(model, alternatives, columns)
        verdicts.append(
            {
                "protocol": protocol,
                "metrics": [label.rstrip(" ↑↓") for _, label in columns],
                "alternatives": len(alternatives),
                "beats": beats,
                "note": note,
            }
        )
    return verdicts


def combined(verdicts: list[dict]) -> tuple[bool, str, str]:
    """(green, note, what it covers) of a claim made over several protocols: green only if each is; otherwise
    the note names every protocol that loses and why."""
    losing = [v for v in verdicts if not v["beats"]]
    covers = ", ".join(v["protocol"] for v in verdicts)
    if not losing:
        return True, f"beats every alternative on every metric shown, in every protocol ({covers})", covers
    return False, "; ".join(f"{v['protocol']}: {v['note']}" for v in losing), covers


def _modes_headline(metrics: dict, key: str, extra: str = "") -> dict:
    """The verdict on the corrected mode (or the only one) over every protocol it was scored by; `key` is the
    metric the card leads with (the one-step test's)."""
    mode = headline_mode(metrics)
    res = metrics["modes"][mode]
    best, best_value = best_of(_alternatives(res), key)
    beats, note, covers = combined(protocol_verdicts(metrics, mode))
    shrunk = (
        f", shrunk toward {res['shrinkage']['toward']} (λ {res['shrinkage']['lambda']:.2f})"
        if res.get("shrinkage")
        else ""
    )
    return {
        "label": f"test {key.upper()}, {mode} mode, {res['seeds']}-seed ensemble{shrunk}; verdict over {covers}",
        "model": res["ensemble"][key],
        "baseline": best,
        "baseline_value": best_value,
        "beats": beats,
        "verdict_note": note,
        "extra": f"per seed {fmt(res['model'][key])}; {metrics['series']['season_label']}{extra}",
    }


class Lookback:
    @staticmethod
    def headline(metrics: dict) -> dict:
        return _modes_headline(metrics, "rmse")

    @staticmethod
    def page(card: dict, metrics: dict) -> dict:
        return {
            "tables": _lookback_tables(metrics),
            "future": _future(metrics),
            "windows": series_windows.browser(metrics),
        }


class Seq2seq:
    @staticmethod
    def headline(metrics: dict) -> dict:
        h = (metrics.get("next_hours") or {}).get("headline")
        if not h:
            return _modes_headline(metrics, "mase", "")
        bounds = "" if h["low"] is None else f"{fmt(h['low'], 0)}–{fmt(h['high'], 0)}, "
        said = f"; {h['column']} at {h['time']}: {fmt(h['mean'], 0)} ({bounds}{h['interval']})"
        return _modes_headline(metrics, "mase", said)

    @staticmethod
    def page(card: dict, metrics: dict) -> dict:
        return {
            "tables": _seq2seq_tables(metrics),
            "future": _future(metrics),
            "windows": series_windows.browser(metrics),
        }


def signals_verdict(res: dict, baselines: dict, constant_spread: float) -> tuple[bool, str]:
    """Green only when the model is not constant and beats every baseline on every metric shown; otherwise
    what it loses to, and by how much."""
    if res["spread"] < constant_spread:
        return False, (
            f"constant output: its forecasts vary {res['spread']:.1%} as much as the truth across windows "
            f"(a failed model, whatever its RMSE)"
        )
    return verdict(res, baselines, SIGNAL_COLUMNS)


class Signals:
    @staticmethod
    def headline(metrics: dict) -> dict:
        res = metrics["modes"]["tuned"]
        best, value = best_of(metrics["baselines"], "rmse")
        beats, note = signals_verdict(res, metrics["baselines"], metrics["constant_spread"])
        return {
            "label": "test RMSE, tuned GRU",
            "model": res["rmse"],
            "baseline": best,
            "baseline_value": value,
            "beats": beats,
            "verdict_note": note,
            "extra": f"{metrics['test_windows']} test windows; faithful GRU {fmt(metrics['modes']['faithful']['rmse'])}",
        }

    @staticmethod
    def page(card: dict, metrics: dict) -> dict:
        return {"tables": [_signals_table(metrics)]}


def _series_caption(metrics: dict, res: dict) -> str:
    """Season used, MASE scale, any refused baseline, and shrinkage: said under every series table."""
    parts = [
        f"{metrics['series']['season_label']}; MASE scaled by the in-sample MAE of the lag-"
        f"{metrics['series']['season']} seasonal naive forecast on the training part"
    ]
    if res.get("mase_note"):
        parts.append(res["mase_note"])
    parts += [f"{name} left out: {why}" for name, why in res.get("refused_baselines", {}).items()]
    parts += [f"{name} left out: {why}" for name, why in res.get("refused_peers", {}).items()]
    if res.get("shrinkage"):
        sh = res["shrinkage"]
        parts.append(
            f"ensemble shrunk toward {sh['toward']}: forecast = baseline + λ · (ensemble − baseline), "
            f"λ = {sh['lambda']:.2f} chosen on the last training windows (validation), never on test data"
        )
    return "; ".join(parts)


def _verdict_of(metrics: dict, mode: str, protocol: str) -> tuple[bool, str]:
    found = next(v for v in protocol_verdicts(metrics, mode) if v["protocol"].startswith(protocol))
    return found["beats"], found["note"]


def _mode_table(title: str, label: str, mode: str, metrics: dict, extra_caption: str = "") -> dict:
    res = metrics["modes"][mode]
    beats, note = _verdict_of(metrics, mode, "one-step")
    rows = [
        row(
            f"{label} ({res['seeds']}-seed ensemble)",
            "model" if beats else "model loses",
            res["ensemble"],
            SERIES_COLUMNS,
            "mean of the seeds' forecasts"
            + (f", shrunk toward {res['shrinkage']['toward']}" if res.get("shrinkage") else "")
            + f"; {note}",
        ),
        row(f"{label}, single seed", "model", res["model"], SERIES_COLUMNS, f"mean ± sd over {res['seeds']} seeds"),
    ]
    rows += [
        row(f"{name} (statsforecast)", "peer", s, SERIES_COLUMNS, PEER_NOTE.format(season=metrics["series"]["season"]))
        for name, s in res.get("peers", {}).items()
    ]
    rows += [row(name, "baseline", s, SERIES_COLUMNS) for name, s in res["baselines"].items()]
    caption = "; ".join(filter(None, [extra_caption, "; ".join(res["flags"]), _series_caption(metrics, res)]))
    return {
        "terms": ["one-step", "5-seed ensemble", "peers"] + (["λ (shrinkage)"] if res.get("shrinkage") else []),
        "title": title,
        "caption": caption,
        "columns": [c for _, c in SERIES_COLUMNS],
        "rows": rows,
        "flags": res["flags"],
    }


def _lookback_tables(metrics: dict) -> list[dict]:
    one_step = [
        _mode_table(
            f"{mode} mode: {res['test_points']} one-step test forecasts (original units)",
            f"{_label(metrics, mode)} ({mode})",
            mode,
            metrics,
            "" if res["flags"] else f"scaler fit on the first {res['scaler_fit_rows']} rows (training part only)",
        )
        for mode, res in metrics["modes"].items()
    ]
    multi = [_holdout_table(metrics, m, r) for m, r in metrics["modes"].items() if r.get("holdout")]
    backtests = [
        _backtest_table(metrics, m, _label(metrics, m)) for m, r in metrics["modes"].items() if r.get("backtest")
    ]
    return one_step + multi + backtests


BACKTEST_COLUMNS = [("rmse", "mean RMSE over origins ↓")]


def _backtest_table(metrics: dict, mode: str, label: str) -> dict:
    bt = metrics["modes"][mode]["backtest"]
    beats, note = _verdict_of(metrics, mode, "backtest")

    def entry(name, kind, label, extra=""):
        v = bt["rmse"][name]
        return {"label": label, "kind": kind, "cells": [f"{fmt(v['mean'])} ± {fmt(v['sd'])}"], "note": extra}

    rows = [entry("model", "model" if beats else "model loses", f"{label} ({mode}, ensemble, recursive)", note)]
    others = bt.get("others", [])
    for name in others:
        alternatives = {n: {"rmse": v["mean"]} for n, v in bt["rmse"].items() if n != "model" and n not in others}
        wins, why = verdict({"rmse": bt["rmse"][name]["mean"]}, alternatives, BACKTEST_COLUMNS)
        made = _direct_note(metrics["modes"][mode], name, bt["horizon"], bt["origins"][0])
        rows.append(entry(name, "model" if wins else "model loses", f"{name} ({mode}, direct)", f"{made}; {why}"))
    rows += [entry(n, "peer", f"{n} (statsforecast)") for n in bt["peers"]]
    rows += [entry(n, "baseline", n) for n in bt["rmse"] if n != "model" and n not in bt["peers"] and n not in others]
    return {
        "terms": ["backtest", "conformal interval"],
        "title": f"rolling-origin backtest: {bt['count']} origins (points {bt['origins'][0]}–{bt['origins'][1]}), "
        f"{bt['horizon']} steps each",
        "caption": f"RMSE over each origin's {bt['horizon']} steps, mean ± sd over origins; refit: {bt['refit']}"
        + "".join(f"; {n} left out: {why}" for n, why in bt["refused"].items()),
        "columns": ["mean RMSE over origins ↓ (± sd)"],
        "rows": rows,
        "flags": [],
    }


def _future(metrics: dict) -> dict | None:
    res = metrics["modes"].get("corrected", {})
    if not res.get("future"):
        return None
    f, bt = res["future"], res["backtest"]
    direct = (res.get("direct") or {}).get("future")
    columns = ("forecast", "lo80", "hi80", "lo95", "hi95", *(("direct",) if direct else ()))
    rows = [
        {
            "time": f["times"][i],
            **{k: f[k][i] for k in ("forecast", "lo80", "hi80", "lo95", "hi95")},
            **({"direct": direct[i]} if direct else {}),
        }
        for i in range(len(f["times"]))
    ]
    numbers = [abs(r[k]) for r in rows for k in columns if r[k] is not None]
    digits = 1 if max(numbers, default=0) >= 100 else 2 if max(numbers, default=0) >= 10 else 3
    for r in rows:  # one precision for the whole table
        r["text"] = {k: None if r[k] is None else f"{r[k]:.{digits}f}" for k in columns}
    return {
        "rows": rows,
        "caption": (
            "The corrected ensemble from the last point, each forecast fed back as input. Intervals: "
            "split-conformal, the quantile of the backtest's absolute errors at each step "
            f"({bt['count']} origins). Their coverage on the backtest, each origin calibrated on the others: "
            f"{percent(bt['coverage']['80'])} of points inside the 80 % interval, "
            f"{percent(bt['coverage']['95'])} inside the 95 % one"
            + (
                " (— : too few origins to bound that interval, so it is not shown and its coverage not measured)."
                if None in bt["coverage"].values()
                else "."
            )
            + (
                " The direct LSTM column: the direct head trained on the whole series, the whole horizon at once, "
                f"shrunk toward the {res['direct']['toward']} (no interval: the intervals are the recursive "
                "ensemble's)."
                if direct
                else ""
            )
        ),
        "direct": bool(direct),
    }


HOLDOUT_COLUMNS = [("mape", "MAPE % ↓"), *SERIES_COLUMNS]


def _holdout_table(metrics: dict, mode: str, res: dict) -> dict:
    h = res["holdout"]
    beats, note = _verdict_of(metrics, mode, "hold-out")
    season = metrics["series"]["season"]
    rows = [
        row(
            f"{_label(metrics, mode)} ({mode}, {res['seeds']}-seed ensemble, recursive)",
            "model" if beats else "model loses",
            h["model"],
            HOLDOUT_COLUMNS,
            f"each forecast fed back as input; trained on the training part only; {note}",
        )
    ]
    for name, sc in h.get("others", {}).items():
        wins, why = verdict(sc, {**h["baselines"], **h["peers"]}, HOLDOUT_COLUMNS)
        made = _direct_note(res, name, h["horizon"], h["origin"])
        rows.append(
            row(f"{name} ({mode}, direct)", "model" if wins else "model loses", sc, HOLDOUT_COLUMNS, f"{made}; {why}")
        )
    rows += [
        row(f"{n} (statsforecast)", "peer", sc, HOLDOUT_COLUMNS, f"season {season}") for n, sc in h["peers"].items()
    ]
    rows += [row(n, "baseline", sc, HOLDOUT_COLUMNS) for n, sc in h["baselines"].items()]
    left_out = [f"{name} left out: {why}" for name, why in h["refused"].items()]
    return {
        "terms": ["hold-out", "peers"],
        "title": f"multi-step hold-out: the last {h['horizon']} points forecast at once from point {h['origin']}",
        "caption": "; ".join(
            [
                f"one origin, {h['horizon']} steps; the peers and baselines are fit on all {h['origin']} points "
                f"before it, the {_label(metrics, mode)} keeps its one-step training; MAPE = mean of 100·|F − A| / |A| "
                "(sktime's and Darts' definition)",
                *left_out,
            ]
        ),
        "columns": [c for _, c in HOLDOUT_COLUMNS],
        "rows": rows,
        "flags": [],
    }


def _seq2seq_tables(metrics: dict) -> list[dict]:
    s = metrics["series"]
    backtests = [
        _backtest_table(metrics, m, "seq2seq LSTM + attention")
        for m, r in metrics["modes"].items()
        if r.get("backtest")
    ]
    return [
        _mode_table(
            f"{mode} mode · {s['target']}: {res['test_windows']} test windows × {len(res['truth'][0])} "
            f"steps ({res['split']} split)",
            f"seq2seq LSTM + attention ({mode})",
            mode,
            metrics,
        )
        for mode, res in metrics["modes"].items()
    ] + backtests


def _settings_changed(metrics: dict) -> str:
    faithful, tuned = metrics["modes"]["faithful"]["settings"], metrics["modes"]["tuned"]["settings"]
    changed = [f"{k} {faithful[k]} → {tuned[k]}" for k in faithful if faithful[k] != tuned.get(k)]
    return "tuned against faithful: " + (", ".join(changed) if changed else "no setting changed")


def _signals_table(metrics: dict) -> dict:
    rows = []
    for name, res in metrics["modes"].items():
        beats, note = signals_verdict(res, metrics["baselines"], metrics["constant_spread"])
        other = (
            f"; RMSE {fmt(res['rmse_other_seed'])} on windows of test seed {metrics['other_test_seed']}"
            if res.get("rmse_other_seed") is not None
            else ""
        )
        rows.append(
            row(
                f"seq2seq GRU, {name}" + (" (the original's settings)" if name == "faithful" else ""),
                "model" if beats else "model loses",
                res,
                SIGNAL_COLUMNS,
                f"{note}; spread across windows {res['spread']:.2f}{other}",
            )
        )
    rows += [row(name, "baseline", s, SIGNAL_COLUMNS) for name, s in metrics["baselines"].items()]
    return {
        "terms": ["spread", "exact baselines (signals)"],
        "title": f"{metrics['test_windows']} test windows, {metrics['n_in']} → {metrics['n_out']} steps",
        "caption": f"data: {metrics['data']}; MASE scale: {metrics['mase_scale']}; {_settings_changed(metrics)}; "
        "without noise, the linear map and AR(4) solve a sum of sines exactly (methodology: exact baselines)",
        "columns": [c for _, c in SIGNAL_COLUMNS],
        "rows": rows,
        "flags": [],
    }
