"""Runs the stages of an experiment (train → evaluate → render) and the whole suite, with timings."""

from __future__ import annotations

import contextlib
import itertools
import json
import platform
import shutil
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

from frameforecast import estimate, families, host, interrupt, names, progress, runlock
from frameforecast.atomic import require_space, write_json
from frameforecast.config import experiments
from frameforecast.config.classes import RunSettings
from frameforecast.config.values import LEARNING_ON_ORDER, RESERVE_SECONDS, SUITE_MINUTES, SUITE_SCALED
from frameforecast.errors import UserError
from frameforecast.memory import peak_rss_mb, release_unused

RUNS = Path("runs")
MIN_TRAINING_SECONDS = 30  # a video model given less than this by the suite's deadline still trains this long


def resolve(
    name: str, profile: str, overrides: dict | None = None, run_dir: str | None = None, variant: str | None = None
):
    """(experiment, config, run folder) for the command line's choices; a variant gets its own folder."""
    exp = experiments.get(name)
    cfg = exp.config(profile, overrides)
    if exp.needs_input and not cfg.has_input():
        raise UserError(f"the {name} experiment needs your data: {exp.input_example}")
    variant = names.slug(variant) if variant is not None else ""
    own = (cfg.user_folder() if exp.user_template else None) or name
    folder = Path(run_dir) if run_dir else RUNS / (own + (f"--{variant}" if variant else ""))
    return exp, cfg.replace(run_name=folder.name, variant=variant), folder


def run_experiment(
    exp, cfg: RunSettings, folder: Path, *, restart: bool = False, strategy: str = "default", log=print, on_stage=None
) -> dict:
    """train, evaluate and render one experiment; returns the seconds each stage took. `on_stage(stage)` is
    called as each stage starts."""
    module = families.get(exp.family).stage_module()
    timings = {}
    stages = (
        ("train", lambda: train(exp, cfg, folder, restart=restart, strategy=strategy, log=log)),
        ("evaluate", lambda: module.evaluate(cfg, folder, log=log)),
        ("render", lambda: module.render(cfg, folder, log=log)),
    )
    with runlock.writer(folder):
        for stage, action in stages:
            if on_stage is not None:
                on_stage(stage)
            start = time.monotonic()
            action()
            timings[stage] = {"seconds": time.monotonic() - start, "peak_memory_mb": peak_rss_mb()}
            release_unused()  # what a stage left (a fit's data pipeline, optimizer, traced steps) before the next
    return timings


def train(exp, cfg: RunSettings, folder: Path, *, restart: bool = False, strategy: str = "default", log=print) -> dict:
    """The train stage; saves the config that evaluate and render read back. A refusal (bad input, a model
    too large, a loss that diverged) removes the run folder if this call made it: nothing half-written."""
    module = families.get(exp.family).stage_module()
    made = _missing_folders(folder)
    with runlock.writer(folder):
        try:
            estimate.check_fits(cfg)
            require_space(folder, estimate.disk_bytes(cfg))
            info = module.train(cfg, folder, restart=restart, strategy=strategy, log=log)
            write_json(folder / "config.json", cfg.as_json())
        except (UserError, MemoryError):
            if made:  # the run folder is ours (this call made it, and holds its lock); its parents only if empty
                shutil.rmtree(folder, ignore_errors=True)
                for parent in made[1:]:
                    with contextlib.suppress(OSError):
                        parent.rmdir()
            raise
    return info


def _missing_folders(folder: Path) -> list[Path]:
    """`folder` and those of its parents that do not exist yet, innermost first (what a refused run removes)."""
    missing = []
    for candidate in [folder, *folder.parents]:
        if candidate.exists():
            break
        missing.append(candidate)
    return missing


def prepare_data(names: list[str], profile: str, log=print) -> None:
    """The data stage: load digit sources and bundled series once, so later stages time only their own work."""
    for name in names:
        exp = experiments.get(name)
        families.get(exp.family).load_data(exp.config(profile))
    log(f"data ready for {len(names)} experiments")


def versions() -> dict:
    import importlib.metadata

    import keras
    import numpy

    backend = keras.backend.backend()
    return {
        "python": platform.python_version(),
        "backend": backend,
        backend: importlib.metadata.version(backend if backend != "jax" else "jaxlib"),
        "keras": keras.__version__,
        "numpy": numpy.__version__,
    }


def run_suite(
    profile: str,
    names: list[str] | None = None,
    *,
    restart: bool = False,
    strategy: str = "default",
    reference: list | None = None,
    site_dir: Path = Path("site"),
    on_site: Callable[[], None] | None = None,
    overrides: dict | None = None,
    variant: str | None = None,
    log=print,
) -> dict:
    """Every experiment of the suite (those with bundled data, fastest first), rebuilding the site after each,
    so it shows every result as soon as it exists. `on_site()` is called once the first site (every experiment
    queued) is written: the CLI starts its server there. Failures are recorded, not fatal. After an
    interrupted run of the same suite, the experiments it finished are kept (unless `restart`) and the one it
    stopped in resumes from its backup."""
    from frameforecast.report import site

    names = names or experiments.SUITE
    started, started_monotonic = time.time(), time.monotonic()
    summary = {
        "profile": profile,
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(started)),
        "experiments": {},
        "machine": host.machine(),
        "versions": versions(),
    }
    # a variant is one experiment run once with other settings; its training still resumes from its own backup
    kept = {} if restart or variant else finished_by_interrupted_run(names, profile)
    tracker = progress.SuiteProgress(
        names,
        profile,
        RUNS,
        estimates=stage_estimates(profile),
        log=log,
        publish=lambda: site.publish_status(RUNS, site_dir),
    )

    def rebuild() -> None:
        site.build(RUNS, site_dir, reference=reference)

    with tracker:
        for name, page in kept.items():
            tracker.keep(name, page)
            summary["experiments"][name] = {"status": "ok", "kept_from_interrupted_run": True}
        rebuild()
        if on_site is not None:
            on_site()
        data_start = time.monotonic()
        to_run = [name for name in names if name not in kept]
        if to_run:  # models are trained anew: learning on starts over after them
            (RUNS / LEARNING_ON_MARK).unlink(missing_ok=True)
        prepare_data(to_run, profile, log=log)
        summary["data"] = {"seconds": time.monotonic() - data_start, "peak_memory_mb": peak_rss_mb()}
        plan = SuiteDeadline(profile, to_run, started_monotonic, stage_estimates(profile))
        try:
            for name in to_run:
                _suite_experiment(
                    name,
                    profile,
                    summary,
                    tracker,
                    plan,
                    restart=restart,
                    strategy=strategy,
                    overrides=overrides,
                    variant=variant,
                    log=log,
                )
                release_unused()
                summary["seconds"] = time.time() - started
                summary["peak_memory_mb"] = peak_rss_mb()
                write_json(RUNS / "run_summary.json", summary)
                if name != to_run[-1]:  # the last one is published by the final build, with the suite's end
                    rebuild()
        except KeyboardInterrupt:
            tracker.stopped()
            rebuild()
            raise
        tracker.finish()
        with ctrl_c_deferred() as pressed:  # every experiment is done: a Ctrl+C now only ends the serving
            site_start = time.monotonic()
            rebuild()  # publishes the last experiment's "done" with the suite's end
            summary["site"] = {"seconds": time.monotonic() - site_start, "peak_memory_mb": peak_rss_mb()}
            summary["seconds"] = time.time() - started
            summary["peak_memory_mb"] = peak_rss_mb()
            write_json(RUNS / "run_summary.json", summary)
    summary["ctrl_c_at_the_end"] = bool(pressed)
    return summary


@contextlib.contextmanager
def ctrl_c_deferred():
    """Inside the block a Ctrl+C (SIGINT) is recorded in the yielded list instead of raised (main thread only)."""
    pressed: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield pressed
        return
    previous = signal.signal(signal.SIGINT, lambda *_: pressed.append(True))
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)


class SuiteDeadline:
    """Keeps a profile's suite within SUITE_MINUTES: each video experiment trains for its own time budget or,
    when less is left, for its share of what is left once every later stage's expected time is set aside."""

    def __init__(self, profile: str, names: list[str], started: float, estimates: dict):
        minutes = SUITE_MINUTES.get(profile)
        self.minutes, self.names, self.estimates = minutes, names, estimates
        self.deadline = None if minutes is None else started + 60 * minutes
        self.measured_after_training: list[float] = []  # evaluate + render of this run's video experiments

    def finished(self, name: str, timings: dict) -> None:
        """Note what an experiment's stages took in this run (a video one's evaluate and render)."""
        if name in SUITE_SCALED and {"evaluate", "render"} <= timings.keys():
            self.measured_after_training.append(timings["evaluate"]["seconds"] + timings["render"]["seconds"])

    def _budget(self, name: str, profile: str) -> float | None:
        return experiments.get(name).config(profile).time_budget if name in SUITE_SCALED else None

    def _reserve(self, name: str, profile: str) -> float:
        """Seconds `name` needs beyond a training budget: its other stages (a video one), or all of it."""
        budget = self._budget(name, profile)
        stages = ("evaluate", "render") if budget else ("train", "evaluate", "render")
        known = [self.estimates.get((name, stage)) for stage in stages]
        if all(k is not None for k in known):
            return float(sum(known))
        if budget and self.measured_after_training:
            # no earlier suite on this machine: the slowest evaluate + render of this run's video experiments so
            # far (the deadline is planned again as each one starts, so only the last one's reserve has to hold,
            # and mnist-composite's is below mnist-predict's)
            return max(self.measured_after_training)
        return float(RESERVE_SECONDS["video" if budget else "other"])

    def apply(self, name: str, profile: str, cfg: RunSettings, log) -> RunSettings:
        """`cfg` with its training budget cut to its share of the time left (unchanged when it fits). Its own
        budget is the run's (a --time-budget given on the command line included), the others' their profile's."""
        own = cfg.time_budget if name in SUITE_SCALED else None
        if self.deadline is None or not own:
            return cfg
        later = self.names[self.names.index(name) :]
        budgets = {n: own if n == name else self._budget(n, profile) for n in later}
        pool = self.deadline - time.monotonic() - sum(self._reserve(n, profile) for n in later)
        share = pool * own / sum(b for b in budgets.values() if b)
        if share >= own:
            return cfg
        cfg = cfg.replace(time_budget=max(float(MIN_TRAINING_SECONDS), share))
        log(
            f"{name}: training for {cfg.time_budget:.0f} s instead of {own:.0f} s, so that the {profile} "
            f"suite ends within {self.minutes:g} minutes on this machine"
        )
        return cfg


def _suite_experiment(
    name: str,
    profile: str,
    summary: dict,
    tracker,
    plan: SuiteDeadline,
    *,
    restart: bool,
    strategy: str,
    overrides: dict | None,
    variant: str | None,
    log,
) -> None:
    start = time.monotonic()
    exp, cfg, folder = resolve(name, profile, overrides, None, variant)
    cfg = plan.apply(name, profile, cfg, log)
    try:
        timings = run_experiment(
            exp,
            cfg,
            folder,
            restart=restart,
            strategy=strategy,
            log=log,
            on_stage=lambda stage: tracker.stage(name, stage),
        )
        summary["experiments"][name] = {"status": "ok", "seconds": timings}
        plan.finished(name, timings)
        tracker.done(name, f"{folder.name}.html", time.monotonic() - start)
    except UserError as exc:
        log(f"{name} failed: {exc}")
        summary["experiments"][name] = {"status": "failed", "error": str(exc)}
        tracker.failed(name, str(exc))


LEARNING_ON_MARK = "learning_on.json"  # in runs/: the suite finished and its video models learn on


def learn_on(
    profile: str, names: list[str], rebuild: Callable[[], None], *, strategy: str = "default", log=print
) -> None:
    """After a suite: train its video models on from their saved weights, round after round (mnist-predict
    every other round), evaluating, rendering and rebuilding the site after each, until Ctrl+C."""
    from frameforecast.stages import video_improve

    order = [name for name in LEARNING_ON_ORDER if name in names and (RUNS / name / "model.keras").exists()]
    if not order:
        return
    write_json(RUNS / LEARNING_ON_MARK, {"profile": profile, "order": list(names)})
    minutes = video_improve.round_minutes(profile)
    log(
        f"learning on: training {', '.join(dict.fromkeys(order))} further in {minutes:g}-minute rounds; each "
        "page updates after its round (Ctrl+C stops; the same command continues)"
    )
    for turn in itertools.count():
        name = order[turn % len(order)]
        exp, cfg, folder = resolve(name, profile)
        saved = experiments.saved_config(folder) or cfg
        with runlock.writer(folder):
            points = video_improve.improve(saved, folder, minutes, round_minutes=minutes, strategy=strategy, log=log)
        interrupt.check()
        if not points:  # a round too short to train: nothing changed, nothing to publish
            raise UserError(f"learning on: a {minutes:g}-minute round is too short to train {name}")
        rebuild()


def learning_on_continues(profile: str, names: list[str]) -> bool:
    """Whether the last suite of these experiments finished and went on learning: the next run continues it."""
    path = RUNS / LEARNING_ON_MARK
    try:
        mark = json.loads(path.read_text()) if path.exists() else {}
    except ValueError:
        return False
    return mark.get("profile") == profile and mark.get("order") == list(names)


def stage_estimates(profile: str) -> dict:
    """(experiment, stage) → seconds it took in this machine's last suite run of the same profile."""
    path = RUNS / "run_summary.json"
    try:
        last = json.loads(path.read_text()) if path.exists() else {}
    except ValueError:
        return {}
    if last.get("profile") != profile:
        return {}
    return {
        (name, stage): timing["seconds"]
        for name, entry in last.get("experiments", {}).items()
        for stage, timing in (entry.get("seconds") or {}).items()
    }


def finished_by_interrupted_run(names: list[str], profile: str) -> dict[str, str]:
    """experiment → page, for those an interrupted run of this same suite finished (their results still there)."""
    status = progress.read_status(RUNS)
    if not status or status.get("profile") != profile or status.get("order") != names:
        return {}
    entries = status.get("experiments", {})
    if all(entries.get(name, {}).get("state") in ("done", "failed") for name in names) and not (
        learning_on_continues(profile, names)
    ):
        return {}  # that run ended: this one runs everything again
    return {
        name: entries[name]["page"]
        for name in names
        if entries.get(name, {}).get("state") == "done"
        and (RUNS / entries[name]["page"][: -len(".html")] / "metrics.json").exists()
    }
