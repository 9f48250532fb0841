"""Turns runs/<experiment>/metrics.json into what the site shows: cards, tables, verdicts, commands."""

from __future__ import annotations

import shlex
from pathlib import PurePath

from frameforecast import families, names
from frameforecast.config import experiments
from frameforecast.config.classes import PanelConfig, RunSettings, SeriesData, VideoConfig

NAV = [
    ("index.html", "Results"),
    ("methodology.html", "Methodology"),
    ("reference.html", "Reference"),
    ("related.html", "Related work"),
]


def data_name(cfg: SeriesData) -> str:
    """A user's data as the site names it: the URL without its query string or credentials, or the file name —
    never a path on the build machine."""
    return names.public_url(cfg.url) if cfg.url else PurePath(cfg.csv).name if cfg.csv else str(cfg.series)


def command_for(name: str, cfg: RunSettings, profile: str) -> str:
    """The exact command that reproduces a run."""
    if isinstance(cfg, VideoConfig) and cfg.data:
        options = ["--data", PurePath(cfg.data).name, "--profile", profile] + [
            f"--{key.replace('_', '-')}={getattr(cfg, key)}" for key in ("canvas", "in_frames", "out_frames")
        ]
        train = "frameforecast train video " + " ".join(shlex.quote(o) for o in options)
        return (
            f"{train} && frameforecast evaluate video --run-dir runs/{cfg.run_name} && "
            f"frameforecast render video --run-dir runs/{cfg.run_name} && frameforecast site"
        )
    if isinstance(cfg, PanelConfig):
        options = ["--profile", profile] + (["--series", str(cfg.sample)] if cfg.sample else [])
        if cfg.csv:
            options += ["--csv", PurePath(cfg.csv).name, "--horizon", str(cfg.horizon)]
            options += [
                f"--{key.replace('_', '-')}={getattr(cfg, key)}" for key in ("id_column", "time_column", "value_column")
            ]
        return f"frameforecast run {name} " + " ".join(shlex.quote(o) for o in options)
    if not isinstance(cfg, SeriesData) or not (cfg.csv or cfg.url):
        return f"frameforecast run {name} --profile {profile}"
    options = ["--profile", profile]
    for key in ("csv", "url", "column", "time_column", "season"):
        value = getattr(cfg, key, None)  # column: the look-back family's; the others name columns
        if value is not None:
            options += [f"--{key.replace('_', '-')}", data_name(cfg) if key in ("csv", "url") else str(value)]
    if getattr(cfg, "columns", None):
        options += ["--columns", ",".join(cfg.columns)]
    quoted = " ".join(shlex.quote(o) for o in options)
    stages = [f"frameforecast {stage} {name} {quoted}" for stage in ("train", "evaluate", "render")]
    return " && ".join(stages + ["frameforecast site"])


# ---------------------------------------------------------------- per family (families.py names the view)
def headline(metrics: dict) -> dict:
    return families.get(metrics["family"]).report_view().headline(metrics)


def published_note(metrics: dict, published: dict) -> str:
    """Where a published number was measured, and whether it is comparable with this run's headline."""
    ours = metrics.get("test_set", {}).get("name")
    if ours is not None and not published["test_set"].startswith(ours):
        return f"{published['test_set']} — not comparable with this {ours}-set headline"
    return f"measured on: {published['test_set']}"


def _thumbnail(assets: list[str]) -> str | None:
    for prefix in (
        "prediction-thumbnail.png",
        "reconstruction-thumbnail.png",
        "prediction-0.gif",
        "reconstruction-0.gif",
        "corrected-forecast.png",
        "forecast.png",
        "windows-tuned.png",
    ):
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
        out.append(_card(folder, exp, run) if exp is not None else _unknown_card(folder, exp_name))
    return out


def _unknown_card(folder: str, experiment: str) -> dict:
    """A run whose experiment this version's table does not have (its row was removed or renamed): said on the
    index, never dropped in silence."""
    return {
        "folder": folder,
        "name": experiment,
        "title": f"runs/{folder}",
        "original": "—",
        "run": None,
        "unknown": f"a run of {experiment!r}, which this version's experiments table does not have; "
        "add its row back to see its page",
    }


def _card(folder: str, exp, run) -> dict:
    card = {
        "folder": folder,
        "name": exp.name,
        "title": exp.title,
        "family": exp.family,
        "original": exp.original,
        "summary": exp.summary,
        "run": None,
        "published": list(exp.published),
    }
    if run is None:
        if exp.needs_input:
            card["command"] = f"frameforecast train {exp.name} {exp.input_example}".strip()
        else:
            card["command"] = f"frameforecast run {exp.name} --profile quick"
        return card
    metrics = run["metrics"]
    cfg = run["config"] or exp.config(metrics.get("profile", "quick"))
    card["published_note"] = published_note(metrics, card["published"][0]) if card["published"] else ""
    card.update(
        run=True,
        headline=headline(metrics),
        thumbnail=_thumbnail(run["assets"]),
        profile=metrics.get("profile", "?"),
        command=command_for(exp.name, cfg, metrics.get("profile", "quick")),
    )
    if exp.user_template:  # a run on your data is named after it
        video = isinstance(cfg, VideoConfig)
        column = f" · column {cfg.column}" if getattr(cfg, "column", None) else ""
        source = (
            PurePath(cfg.data).name
            if video
            else data_name(cfg)
            if isinstance(cfg, SeriesData)
            else PurePath(cfg.csv).name
        )
        card["title"] = f"{exp.title}: {source}{column}"
    if cfg.variant:
        card.update(variant=cfg.variant, title=f"{card['title']} · variant {cfg.variant}")
    if isinstance(cfg, VideoConfig) and cfg.scaled_down and metrics.get("profile") == "quick":
        card["scaled_down"] = cfg.scaled_down
    card["training_cut"] = training_cut(cfg, run.get("train_info") or {})
    return card


def training_cut(cfg: RunSettings, train_info: dict) -> str | None:
    """'planned 600 s, given 177 s (…), trained 177 s' when the suite's deadline shortened the profile's time
    budget for this run; None when it trained as planned."""
    given = getattr(cfg, "time_budget", None)
    if given is None or cfg.variant or cfg.experiment not in experiments.EXPERIMENTS:
        return None
    try:
        planned = experiments.get(cfg.experiment).config(cfg.profile).time_budget
    except Exception:  # noqa: BLE001 - a profile this version no longer has: nothing to compare with
        return None
    if planned is None or given >= planned:
        return None
    trained = train_info.get("seconds")
    return (
        f"training was cut: the {cfg.profile} profile plans {planned:.0f} s, the suite's deadline gave it "
        f"{given:.0f} s" + (f" and it trained {trained:.0f} s" if trained is not None else "")
    )


# ---------------------------------------------------------------- pages
def learning_summary(learning: dict | None) -> dict | None:
    """What the page says of a video run's learning curve: minutes and steps of the model shown, where it
    trained, its rounds of learning on and when the next is due."""
    points = (learning or {}).get("points") or []
    if not points:
        return None
    last = points[-1]
    return {
        "points": points,
        "last": last,
        "minutes": last["minutes"],
        "steps": last["steps"],
        "machine": last.get("machine"),
        "rounds": learning.get("rounds", 0),
        "seconds": learning.get("seconds", 0.0),
        "next_update": learning.get("next_update"),
    }


def page(card: dict, run: dict) -> dict:
    family = families.get(run["metrics"]["family"])
    return {
        "assets": run["assets"],
        "downloads": run["downloads"],
        "train_info": run["train_info"],
        "metrics": run["metrics"],
        "config": run["config"],
        "template": family.template,
        "learning": learning_summary(run.get("learning")),
        **family.report_view().page(card, run["metrics"]),
    }
