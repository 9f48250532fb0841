"""What a panel experiment's page and card show: the aggregate table (the shrunk and unshrunk global model, the
statsforecast peers, their combination, the baselines, and the published figures in their own column), the
verdict against all of them, the distribution of per-series ratios, and the series browser's data."""

from __future__ import annotations

from frameforecast.report.tables import fmt, row, verdict

COLUMNS = [("smape", "sMAPE % ↓"), ("mase", "MASE ↓"), ("mape", "MAPE % ↓"), ("owa", "OWA ↓")]
PEERS = ("AutoARIMA", "AutoETS", "AutoTheta", "Theta")
PEER_NOTES = {
    "Theta": "statsforecast's standard Theta, the M3 method: simple exponential smoothing with drift on the "
    "classically seasonally adjusted series (AutoTheta chooses among Theta variants by their fit)"
}
BASELINES = ("SeasonalNaive", "Naive2")


def full_set(metrics: dict) -> bool:
    """Whether the run scored the whole competition set, the one its published figures were measured on."""
    published = metrics.get("published")
    return bool(published) and metrics["set"]["series"] == published.get("series")


def _alternatives(metrics: dict) -> dict:
    """Every forecast the model is compared with: our peers, their combination, the baselines, and (on the full
    set they were measured on) the published figures, each only on the set's own metric."""
    scores = metrics["scores"]
    out = {name: s for name, s in scores.items() if name not in (metrics["model"], metrics["unshrunk"])}
    if full_set(metrics):
        for label, _, value in metrics["published"]["figures"]:
            out[f"{label} (published)"] = {metrics["metric"]: value}
    return out


def _columns(metrics: dict) -> list:
    """The columns every row of this run knows (MAPE is unknown where an actual is 0; OWA needs Naive2)."""
    model = metrics["scores"][metrics["model"]]
    return [(k, label) for k, label in COLUMNS if model.get(k) is not None]


def _verdict(metrics: dict) -> tuple[bool, str]:
    return verdict(metrics["scores"][metrics["model"]], _alternatives(metrics), _columns(metrics))


class PanelView:
    @staticmethod
    def headline(metrics: dict) -> dict:
        metric = metrics["metric"]
        alternatives = _alternatives(metrics)
        known = {n: s[metric] for n, s in alternatives.items() if s.get(metric) is not None}
        best = min(known, key=known.get)
        beats, note = _verdict(metrics)
        r = metrics["ratios"]
        return {
            "label": f"{dict(COLUMNS)[metric].rstrip(' ↓')} over {metrics['set']['series']} series, "
            f"{metrics['set']['horizon']} ahead; verdict over "
            f"{', '.join(label.rstrip(' ↓') for _, label in _columns(metrics))} against {len(alternatives)} "
            + ("alternatives (peers, baselines, published)" if full_set(metrics) else "peers and baselines"),
            "model": metrics["scores"][metrics["model"]][metric],
            "baseline": best,
            "baseline_value": known[best],
            "beats": beats,
            "verdict_note": note,
            "extra": f"λ {metrics['lambda']:.1f} toward {metrics['anchor']}; better than {r['against']} on "
            f"{r['wins']} of {metrics['set']['series']} series",
        }

    @staticmethod
    def page(card: dict, metrics: dict) -> dict:
        return {"tables": [_aggregate(metrics)], "panel": _panel(metrics), "windows": _windows(metrics)}


def _aggregate(metrics: dict) -> dict:
    columns = _columns(metrics)
    scores, model = metrics["scores"], metrics["model"]
    beats, note = _verdict(metrics)
    published = {theirs: value for _, theirs, value in (metrics.get("published") or {}).get("figures", ()) if theirs}
    metric_label = dict(COLUMNS)[metrics["metric"]].rstrip(" ↓")

    has_published = bool(metrics.get("published"))

    def with_published(name: str, kind: str, note_: str = "") -> dict:
        r = row(name, kind, scores[name], columns, note_)
        if not has_published:
            return r
        value = published.get(name)
        r["cells"].append(fmt(value) if value is not None else "—")
        r["values"].append(value)
        return r

    rows = [
        with_published(
            model,
            "model" if beats else "model loses",
            f"λ = {metrics['lambda']:.1f}: forecast = {metrics['anchor']} + λ · (model − it), λ chosen by "
            f"{metrics.get('lambda_chosen_by', metrics['metric']).upper()} on a validation horizon cut from each "
            f"series' training part; {note}",
        ),
        with_published(metrics["unshrunk"], "model", "the global model alone (λ = 1)"),
        *(
            with_published(p, "peer", PEER_NOTES.get(p, "statsforecast, fit on each series alone"))
            for p in PEERS
            if p in scores
        ),
        with_published(metrics["anchor"], "peer", "the standard combination benchmark (Hyndman 2018)"),
        *(with_published(b, "baseline") for b in BASELINES if b in scores),
    ]
    for label, theirs, value in (metrics.get("published") or {}).get("figures", ()):
        if theirs is None:  # a method the project does not run: its published figure alone
            cells = ["—"] * len(columns) + [fmt(value)]
            rows.append(
                {
                    "label": label,
                    "kind": "published",
                    "cells": cells,
                    "values": [None] * len(columns) + [value],
                    "note": "published only",
                }
            )
    source = (metrics.get("published") or {}).get("source")
    if source:
        source += (
            ", on the full set"
            if full_set(metrics)
            else " — measured on the full set, so not comparable with this sample and not in its verdict"
        )
    return {
        "title": f"{metrics['set']['source']}: each series' held-out {metrics['set']['horizon']} points",
        "caption": "sMAPE on the 0–200 scale, MASE (in-sample seasonal naive scale at lag "
        f"{metrics['set']['season']}), MAPE, and OWA against Naive2, each computed per series and averaged over "
        f"the {metrics['set']['series']} series" + (f"; published {metric_label} from {source}" if source else ""),
        "columns": [label for _, label in columns] + ([f"published {metric_label}"] if has_published else []),
        "rows": rows,
        "terms": ["competition protocol", "global LSTM", "peers"],
    }


def _panel(metrics: dict) -> dict:
    """The page's words about the per-series ratios, the interval and the run's time."""
    r = metrics["ratios"]
    return {
        "ratios": r,
        "interval": metrics["interval"],
        "seconds": metrics["seconds"],
        "parts_seconds": metrics["parts_seconds"],
        "checks": _published_checks(metrics),
        "bars": bars(metrics),
        "full_set": full_set(metrics),
    }


def bars(metrics: dict) -> list[dict]:
    """The bars the model is held to, each with its margin: the set's metric below the published figures the
    competition's bar names (on the full set only), below each of our peers and their combination, and MASE below
    every peer's. A negative margin is a win."""
    model, metric = metrics["scores"][metrics["model"]], metrics["metric"]
    label = dict(COLUMNS)[metric].rstrip(" ↓")
    peers = [p for p in (*PEERS, metrics["anchor"]) if p in metrics["scores"]]
    out = []
    published = metrics.get("published") or {}
    if full_set(metrics):
        for name, _, value in published.get("figures", ()):
            if name in published.get("lstm_must_beat", ()):
                out.append({"bar": f"{label} below the published {name}", "against": value, "ours": model[metric]})
    for key, key_label in ((metric, label), ("mase", "MASE")):
        for name in peers:
            theirs = metrics["scores"][name].get(key)
            if theirs is not None and model.get(key) is not None:
                out.append({"bar": f"{key_label} below {name}'s", "against": theirs, "ours": model[key]})
    for b in out:
        b["margin"] = b["ours"] - b["against"]
        b["met"] = b["margin"] < 0
    return out


def _published_checks(metrics: dict) -> list[dict]:
    """Our peers beside their published figures (on the full set only): the gap, and whether it is within 5 %."""
    out = []
    if not full_set(metrics):
        return out
    for label, theirs, value in (metrics.get("published") or {}).get("figures", ()):
        ours = metrics["scores"].get(theirs, {}).get(metrics["metric"]) if theirs else None
        if ours is None:
            continue
        gap = ours / value - 1
        out.append(
            {"label": label, "ours": theirs, "value": value, "computed": ours, "gap": gap, "within": abs(gap) <= 0.05}
        )
    return out


def _windows(metrics: dict) -> dict | None:
    """The series browser, in the window browser's form: one window per series, with its own values."""
    b = metrics.get("browser")
    if not b:
        return None
    windows = [{**s, "kind": "series"} for s in b["series"]]
    return {
        "times": [],
        "values": [],
        "season": b["season"],
        "unit": "value",
        "time_label": "step" if metrics["set"].get("competition") else "date",
        "methods": b["methods"],
        "model": b["model"],
        "score": dict(COLUMNS)[b["score"]].rstrip(" ↓"),
        "windows": windows,
        "total_windows": len(windows),
    }
