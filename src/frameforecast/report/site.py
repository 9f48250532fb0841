"""Build the static site from runs/*/ only: index, one page per experiment, methodology, reference, related work.

Everything is rendered into a temporary folder and swapped in whole, so a failed build leaves the
previous site untouched. Jinja2 autoescapes every string (column names from user CSVs included).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from jinja2 import Environment, PackageLoader

from frameforecast.errors import UserError
from frameforecast.report import summaries, tables

ASSET_SUFFIXES = (".gif", ".png")


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("frameforecast.report", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    env.filters["num"] = tables.fmt
    return env


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(
            f"cannot read {path} ({exc}); re-run that experiment's evaluate stage, or delete the folder"
        ) from exc


SUMMARY_PLACES = (
    "model_summary.json",
    "corrected/seed-0/model_summary.json",
    "faithful/model_summary.json",
    "faithful/seed-0/model_summary.json",
)


def _model_summary(folder: Path) -> dict | None:
    """The trained model's layer table, written by train (for series: the corrected mode's first seed)."""
    path = next((folder / place for place in SUMMARY_PLACES if (folder / place).exists()), None)
    return _read(path) if path else None


def collect_runs(runs: Path) -> dict[str, dict]:
    """run folder name → {metrics, config, train_info, assets}; only folders with a metrics.json."""
    found = {}
    if not runs.exists():
        return found
    for folder in sorted(p for p in runs.iterdir() if p.is_dir()):
        metrics_path = folder / "metrics.json"
        if not metrics_path.exists():
            continue
        run = {
            "folder": folder,
            "metrics": _read(metrics_path),
            "config": _read(folder / "config.json") if (folder / "config.json").exists() else {},
            "train_info": _read(folder / "train_info.json") if (folder / "train_info.json").exists() else {},
            "model_summary": _model_summary(folder),
            "assets": sorted(p.name for p in folder.iterdir() if p.suffix in ASSET_SUFFIXES),
        }
        found[folder.name] = run
    return found


PREDICTION_FILES = ("prediction.gif", "prediction.mp4")


def collect_predictions(runs: Path) -> list[dict]:
    """Every `frameforecast predict` result: runs/<run>/predict-<video>/ with its info.json, GIF and MP4."""
    found = []
    for info_path in sorted(runs.glob("*/predict-*/info.json")) if runs.exists() else []:
        folder = info_path.parent
        found.append(
            {
                "run": folder.parent.name,
                "name": folder.name,
                "folder": folder,
                "info": _read(info_path),
                "files": [f for f in PREDICTION_FILES if (folder / f).exists()],
            }
        )
    return found


def build(runs: Path, out: Path, reference: list | None = None) -> Path:
    """Render the whole site into a temporary folder next to `out`, then swap it in. `reference` is the
    command-line reference (frameforecast.options.reference), handed in as data by the CLI."""
    runs, out = Path(runs), Path(out)
    collected = collect_runs(runs)  # raises before anything is written
    predictions = collect_predictions(runs)
    summary = _read(runs / "run_summary.json") if (runs / "run_summary.json").exists() else None
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        _render_all(collected, predictions, summary, reference, tmp)
        _swap(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def _swap(new: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(new, out)
    keep = old / ".gitkeep" if old else None
    if keep and keep.exists():
        shutil.copy2(keep, out / ".gitkeep")
    if old:
        shutil.rmtree(old, ignore_errors=True)


def _render_all(
    collected: dict, predictions: list[dict], summary: dict | None, reference: list | None, site: Path
) -> None:
    from importlib import resources

    env = _env()
    cards = summaries.cards(collected)
    common = {"generated": time.strftime("%Y-%m-%d %H:%M %Z"), "summary": summary, "nav": summaries.NAV}
    static = resources.files("frameforecast.report") / "static" / "style.css"
    (site / "style.css").write_text(static.read_text(encoding="utf-8"), encoding="utf-8")
    for card in cards:
        if card["run"] is None:
            continue
        run = collected[card["folder"]]
        target = site / card["folder"]
        target.mkdir()
        for asset in run["assets"]:
            shutil.copy2(run["folder"] / asset, target / asset)
        page = summaries.page(card, run)
        (site / f"{card['folder']}.html").write_text(
            env.get_template(f"{page['template']}.html").render(card=card, page=page, root="", **common),
            encoding="utf-8",
        )
    for prediction in predictions:
        target = site / prediction["run"] / prediction["name"]
        target.mkdir(parents=True)
        for name in prediction["files"]:
            shutil.copy2(prediction["folder"] / name, target / name)
    (site / "index.html").write_text(
        env.get_template("index.html").render(cards=cards, predictions=predictions, root="", **common), encoding="utf-8"
    )
    from frameforecast.report import docs

    for name, context in docs.pages(collected, reference).items():
        (site / f"{name}.html").write_text(
            env.get_template(f"{name}.html").render(root="", **context, **common), encoding="utf-8"
        )
    docs.api_reference(site / "api")
