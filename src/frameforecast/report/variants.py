"""Variants: the runs of one experiment with other settings than its profile's (`frameforecast run EXPERIMENT
--units 35`), side by side with the profile's run: the settings that differ, the headline metric against the
same alternatives, and the learning curves on one plot. The site and `frameforecast compare` show the same table."""

from __future__ import annotations

from pathlib import Path

from frameforecast import names
from frameforecast.config import experiments
from frameforecast.config.classes import RunSettings
from frameforecast.report import summaries
from frameforecast.report.tables import fmt

RUN_FIELDS = {f for f in RunSettings.__dataclass_fields__}
COLUMNS = ["settings that differ from the profile's", "headline metric", "best alternative", "verdict"]
# where a run's training history is, per family (the mode a learner tunes; the first seed of an ensemble)
HISTORIES = ("history.csv", "tuned/history.csv", "corrected/history.csv")


def _flat(settings: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in settings.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


def differing(cfg) -> dict:
    """setting → value where a run's config differs from its profile's (the run's own fields left out)."""
    ours = _flat(cfg.as_json())
    profile = _flat(experiments.get(cfg.experiment).config(cfg.profile).as_json())
    return {
        k: names.public_url(v) if k == "url" and v else v
        for k, v in ours.items()
        if k not in RUN_FIELDS and profile.get(k) != v
    }


def groups(collected: dict) -> dict[str, list[tuple[str, dict]]]:
    """experiment → [(run folder, run)], the profile's run first, for the experiments that have variants."""
    found: dict[str, list] = {}
    for folder, run in collected.items():
        cfg = run["config"]
        if cfg is None or experiments.EXPERIMENTS.get(cfg.experiment) is None:
            continue
        if experiments.get(cfg.experiment).user_template:
            continue  # runs on your data are each their own experiment
        found.setdefault(cfg.experiment, []).append((folder, run))
    return {
        name: sorted(runs, key=lambda item: (item[1]["config"].variant != "", item[0]))
        for name, runs in found.items()
        if any(run["config"].variant for _, run in runs)
    }


def _higher_is_better(headline: dict) -> bool:
    return "accuracy" in headline["label"]


def best(runs: list[tuple[str, dict]]) -> str:
    """The folder of the run with the best headline metric."""
    heads = {folder: summaries.headline(run["metrics"]) for folder, run in runs}
    pick = max if _higher_is_better(next(iter(heads.values()))) else min
    return pick(heads, key=lambda folder: heads[folder]["model"])


def mark_cards(cards: list[dict], grouped: dict) -> None:
    """The profile's card says how many variants it has and which is best; a variant's own card is hidden from
    the index when the profile's run is there (its page stays, linked from the variants table)."""
    for card in cards:
        runs = grouped.get(card["name"]) if card["run"] else None
        has_profile_run = bool(runs) and not runs[0][1]["config"].variant
        if has_profile_run and card["folder"] == runs[0][0]:
            winner = dict(runs)[best(runs)]["config"].variant
            card["variants"] = {"count": len(runs) - 1, "best": winner or "the profile's"}
        card["hidden"] = bool(card.get("variant")) and has_profile_run


def table(name: str, runs: list[tuple[str, dict]]) -> dict:
    """The variants of one experiment, as a site table (label, kind, cells, note per row)."""
    winner = best(runs)
    rows = []
    for folder, run in runs:
        cfg, head = run["config"], summaries.headline(run["metrics"])
        changed = differing(cfg) if cfg.variant else {}
        rows.append(
            {
                "label": cfg.variant or f"{cfg.profile} profile",
                "kind": "model" if head["beats"] else "model loses",
                "cells": [
                    ", ".join(f"{k} = {v}" for k, v in changed.items()) or "the profile's",
                    fmt(head["model"]),
                    f"{head['baseline']} {fmt(head['baseline_value'])}",
                    "beats every alternative" if head["beats"] else "loses",
                ],
                "note": ("best of the variants; " if folder == winner else "") + f"page: {folder}.html",
                "folder": folder,
            }
        )
    label = summaries.headline(runs[0][1]["metrics"])["label"]
    return {
        "title": f"{name}: {len(runs)} runs with different settings",
        "caption": f"headline metric: {label}; the same alternatives for every run",
        "columns": COLUMNS,
        "rows": rows,
    }


def histories(runs: list[tuple[str, dict]]) -> dict[str, Path]:
    """label → history.csv of each run that has one."""
    out = {}
    for _, run in runs:
        path = next((run["folder"] / h for h in HISTORIES if (run["folder"] / h).exists()), None)
        if path is not None:
            out[run["config"].variant or f"{run['config'].profile} profile"] = path
    return out


def as_text(table: dict) -> str:
    """The table for a terminal: one line per run."""
    lines = [table["title"], table["caption"], ""]
    widths = [max(len(r["label"]) for r in table["rows"])]
    for row in table["rows"]:
        settings, value, alternative, verdict = row["cells"]
        lines.append(
            f"{row['label']:<{widths[0]}}  {value:>10}  vs {alternative}  {verdict}  ({settings})"
            + ("  ← best" if row["note"].startswith("best") else "")
        )
    return "\n".join(lines)
