"""Build the static site from runs/*/ only: index, one page per experiment, methodology, reference, related work.

Everything is rendered into a temporary folder first, so a failed build leaves the previous site untouched;
then each file is renamed into place (the index last), so a reader of a site that is being rebuilt while it
is served gets either the old or the new version of every file, never half of one and never a 404 for a
page that exists in both. Jinja2 autoescapes every string (column names from user CSVs included).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from jinja2 import Environment, PackageLoader

from frameforecast.atomic import atomic_path, write_text
from frameforecast.errors import UserError, filesystem_error, quote
from frameforecast.report import docs, summaries, tables, variants

ASSET_SUFFIXES = (".gif", ".png")
DOWNLOAD_NAMES = ("forecast.csv", "forecasts.csv")  # copied beside the images and linked from the page
STATIC_FILES = ("style.css", "live.js", "browser.js", "windows.js")
STATUS_FILE = "suite_status.json"  # written by the suite (frameforecast.progress) into runs/
STATUS_PAGE = "status.json"  # its copy in the site, which the index polls


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("frameforecast.report", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    env.filters["num"] = tables.fmt
    env.filters["metric_link"] = docs.column_link
    env.filters["metric_anchor"] = docs.metric_anchor
    env.filters["term_anchor"] = docs.term_anchor
    return env


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(
            f"cannot read {path} ({quote(str(exc))}); re-run that experiment's evaluate stage, or delete the folder"
        ) from exc


def _read_object(path: Path) -> dict:
    """A JSON file that must hold an object (metrics, summaries): anything else is one line."""
    data = _read(path)
    if not isinstance(data, dict):
        raise UserError(
            f"{path} holds a JSON {type(data).__name__}, not the object frameforecast writes; re-run that "
            "experiment's evaluate stage, or delete the file"
        )
    return data


CARD_IMAGE = "card.png"
SUMMARY_PLACES = ("model_summary.json", "corrected/model_summary.json", "faithful/model_summary.json")


def _model_summary(folder: Path) -> dict | None:
    """The trained model's layer table, written by train (for series: the corrected mode's first seed)."""
    path = next((folder / place for place in SUMMARY_PLACES if (folder / place).exists()), None)
    return _read_object(path) if path else None


def _run_files(folder: Path, target: Path) -> list[str]:
    """metrics.json and every history.csv of a run, copied for download (a history named by its folder:
    corrected-history.csv)."""
    names = []
    for source in [folder / "metrics.json", *sorted(folder.glob("**/history.csv"))]:
        name = "-".join(source.relative_to(folder).parts)
        shutil.copy2(source, target / name)
        names.append(name)
    return names


def _config(folder: Path):
    """The run's typed config, or None when it has none or one this version cannot read."""
    from frameforecast.config import experiments

    try:
        return experiments.saved_config(folder)
    except UserError:
        return None


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
            "metrics": _read_object(metrics_path),
            "config": _config(folder),
            "train_info": _read_object(folder / "train_info.json") if (folder / "train_info.json").exists() else {},
            "model_summary": _model_summary(folder),
            "learning": _read_object(folder / "learning.json") if (folder / "learning.json").exists() else None,
            "assets": sorted(p.name for p in folder.iterdir() if p.suffix in ASSET_SUFFIXES),
            "downloads": sorted(p.name for p in folder.iterdir() if p.name in DOWNLOAD_NAMES),
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
                "info": _read_object(info_path),
                "files": [f for f in PREDICTION_FILES if (folder / f).exists()],
            }
        )
    return found


def build(runs: Path, out: Path, reference: list | None = None) -> Path:
    """Render the whole site into a temporary folder inside `out`, then swap it in. `reference` is the
    command-line reference (frameforecast.config.options.reference), handed in as data by the CLI.

    `out` must be empty or a site this project wrote (its marker file lists every file it wrote): nothing
    else in it is ever replaced or deleted."""
    runs, out = Path(runs), Path(out)
    previous = _owned_files(out)  # refuses a folder the user owns, before anything is read or written
    collected = collect_runs(runs)  # raises before anything is written
    predictions = collect_predictions(runs)
    summary = _read_object(runs / "run_summary.json") if (runs / "run_summary.json").exists() else None
    status = _read_object(runs / STATUS_FILE) if (runs / STATUS_FILE).exists() else None
    try:
        out.mkdir(parents=True, exist_ok=True)
        # inside `out`: the renames that publish it never cross a file system (site/ may be its own mount)
        tmp = Path(tempfile.mkdtemp(prefix=BUILD_PREFIX, dir=out))
    except OSError as exc:
        raise filesystem_error(exc, out) from exc
    try:
        _render_all(collected, predictions, summary, status, reference, tmp)
        _move_into(tmp, out, previous)
    except OSError as exc:
        raise filesystem_error(exc, out) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


MARKER = ".frameforecast-site"  # in a site folder: the files this project wrote there, one per line
BUILD_PREFIX = ".frameforecast-build-"
IGNORED = (".gitkeep",)  # a folder holding only these counts as empty


def _owned_files(out: Path) -> set[Path]:
    """The files a previous build wrote into `out` (from its marker); UserError when `out` holds anything
    this project did not write, so that no file of the user's is ever replaced or deleted. A marker line that
    does not name a plain path inside `out` (an absolute path, `..`) is not ours and is ignored."""
    if not out.exists():
        return set()
    if not out.is_dir():
        raise UserError(f"{out} is a file, not a folder; pass --out a new or empty folder for the site")
    marker = out / MARKER
    if marker.is_file() and not marker.is_symlink():
        listed = (Path(line) for line in marker.read_text(encoding="utf-8").splitlines() if line.strip())
        return {path for path in listed if _plain(path)}
    others = [p.name for p in out.iterdir() if p.name not in IGNORED and not p.name.startswith(BUILD_PREFIX)]
    if others:
        raise UserError(
            f"{out} already holds files this project did not write (e.g. {quote(sorted(others)[0])}); "
            "pass --out a new or empty folder for the site, so nothing of yours is replaced"
        )
    return set()


def _plain(relative: Path) -> bool:
    """A relative path of plain names: it can only name something inside the folder it is joined to."""
    return not relative.is_absolute() and bool(relative.parts) and not {"..", "."} & set(relative.parts)


def _through_symlink(out: Path, relative: Path) -> Path | None:
    """The first folder on the way from `out` to out/relative that is a symlink (None: there is none)."""
    for parent in reversed(relative.parents[:-1]):
        if (out / parent).is_symlink():
            return out / parent
    return None


def publish_status(runs: Path, out: Path) -> None:
    """Copy the suite's progress (runs/suite_status.json) to the site, where the index polls it; only into a site
    this project built, and listed in its marker as the site's own file."""
    source, out = Path(runs) / STATUS_FILE, Path(out)
    marker = out / MARKER
    if not (marker.is_file() and source.exists()):
        return
    listed = marker.read_text(encoding="utf-8").splitlines()
    if STATUS_PAGE not in listed:
        write_text(marker, "".join(f"{line}\n" for line in [*listed, STATUS_PAGE]))
    with atomic_path(out / STATUS_PAGE) as tmp:
        shutil.copyfile(source, tmp)


def _publish_order(path: Path) -> tuple:
    """Assets first, then pages, then the index, then status.json: whatever a file links to is there before it."""
    name = path.name
    return (name == "status.json", name == "index.html", path.suffix == ".html", str(path))


def _move_into(new: Path, out: Path, previous: set[Path]) -> None:
    """Rename every file of the freshly rendered `new` into `out` (each rename is atomic), then remove the files
    the previous build wrote that the new site no longer has. Nothing is written through a symlink, and no file
    the previous build did not write is replaced (checked before the first rename). The marker is rewritten
    first with both lists, so a kill in between never leaves a file of ours the next build would not know."""
    files = sorted((p for p in new.rglob("*") if p.is_file()), key=_publish_order)
    fresh = {path.relative_to(new) for path in files}
    for relative in sorted(fresh, key=str):
        target = out / relative
        link = _through_symlink(out, relative)
        if link is not None:
            raise UserError(f"{link} is a symlink; remove it, the site writes only real folders")
        if (target.exists() or target.is_symlink()) and relative not in previous:
            raise UserError(
                f"{target} was not written by this project and the site would replace it; move it away or pass "
                "--out a new or empty folder"
            )
    write_text(out / MARKER, "".join(f"{p}\n" for p in sorted(fresh | previous, key=str)))
    for path in files:
        target = out / path.relative_to(new)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
    for relative in sorted(previous - fresh, key=str, reverse=True):
        target = out / relative
        if _through_symlink(out, relative) or target.is_symlink() or not target.is_file():
            continue  # not the regular file we wrote, where we wrote it: leave it alone
        target.unlink()
        _remove_empty_folders(target.parent, out)
    write_text(out / MARKER, "".join(f"{p}\n" for p in sorted(fresh, key=str)))


def _remove_empty_folders(folder: Path, out: Path) -> None:
    while folder != out and folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _render_page(env, card: dict, run: dict, grouped: dict, site: Path, common: dict) -> None:
    """One run's page, its assets, its tables as CSV and JSON, and (with variants) their table and curves."""
    target = site / card["folder"]
    target.mkdir()
    for asset in run["assets"] + run["downloads"]:
        shutil.copy2(run["folder"] / asset, target / asset)
    if card.get("thumbnail"):  # the index shows a small copy, not the page's full-size picture
        from frameforecast.report import gifs

        gifs.write_card_image(target / card["thumbnail"], target / CARD_IMAGE)
        card["thumbnail"] = CARD_IMAGE
    if (run["folder"] / "browse").is_dir():  # the sequence browser's sprites
        shutil.copytree(run["folder"] / "browse", target / "browse")
    page = summaries.page(card, run)
    page["files"] = _run_files(run["folder"], target)
    if card["name"] in grouped:
        page.setdefault("tables", []).append(variants.table(card["name"], grouped[card["name"]]))
        curves = variants.histories(grouped[card["name"]])
        if len(curves) > 1:
            from frameforecast.report import plots

            plots.overlaid_curves(curves, target / "variants-curves.png")
            page["variants_plot"] = "variants-curves.png"
    for number, table in enumerate(page.get("tables", []), start=1):
        tables.one_precision_per_column(table)
        stem = f"table-{number}"
        (target / f"{stem}.csv").write_text(tables.as_csv(table), encoding="utf-8")
        (target / f"{stem}.json").write_text(json.dumps(tables.as_json(table), indent=1), encoding="utf-8")
        table["downloads"] = {kind: f"{card['folder']}/{stem}.{kind}" for kind in ("csv", "json")}
    (site / f"{card['folder']}.html").write_text(
        env.get_template(f"{page['template']}.html").render(card=card, page=page, root="", **common), encoding="utf-8"
    )


def _render_all(
    collected: dict,
    predictions: list[dict],
    summary: dict | None,
    status: dict | None,
    reference: list | None,
    site: Path,
) -> None:
    from importlib import resources

    env = _env()
    cards = summaries.cards(collected)
    grouped = variants.groups(collected)
    variants.mark_cards(cards, grouped)
    common = {"generated": time.strftime("%Y-%m-%d %H:%M %Z"), "summary": summary, "nav": summaries.NAV}
    for name in STATIC_FILES:
        static = resources.files("frameforecast.report") / "static" / name
        (site / name).write_text(static.read_text(encoding="utf-8"), encoding="utf-8")
    if status is not None:
        (site / STATUS_PAGE).write_text(json.dumps(status, indent=1), encoding="utf-8")
    for card in cards:
        if card["run"] is not None:
            _render_page(env, card, collected[card["folder"]], grouped, site, common)
    for prediction in predictions:
        target = site / prediction["run"] / prediction["name"]
        target.mkdir(parents=True)
        for name in prediction["files"]:
            shutil.copy2(prediction["folder"] / name, target / name)
    (site / "index.html").write_text(
        env.get_template("index.html").render(cards=cards, predictions=predictions, status=status, root="", **common),
        encoding="utf-8",
    )

    for name, context in docs.pages(collected, reference).items():
        (site / f"{name}.html").write_text(
            env.get_template(f"{name}.html").render(root="", **context, **common), encoding="utf-8"
        )
    docs.api_reference(site / "api")
