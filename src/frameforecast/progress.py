"""The suite's progress: each experiment queued, running (stage, epoch k of n, elapsed, ETA), done, failed or
stopped; written atomically to runs/suite_status.json for the live site, and one terminal line per stage."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from frameforecast.atomic import write_json

STATUS_FILE = "suite_status.json"
WRITE_EVERY_SECONDS = 2.0  # the live page polls about this often

_active: SuiteProgress | None = None


def active() -> SuiteProgress | None:
    """The suite being tracked in this process, if any (training.fit reports its epochs to it)."""
    return _active


def plan_fits(count: int) -> None:
    """A train stage that fits several models one after another (seeds, modes) says how many, for its ETA."""
    if _active is not None:
        _active.plan_fits(count)


def clock(seconds: float) -> str:
    seconds = max(int(round(seconds)), 0)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def read_status(runs: Path) -> dict | None:
    try:
        return json.loads((Path(runs) / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


class SuiteProgress:
    """Tracks one suite run. `publish` (optional) is called after every write, to copy the status to the site."""

    def __init__(
        self, names: list[str], profile: str, runs: Path, *, estimates: dict | None = None, log=print, publish=None
    ):
        self.names, self.profile, self.runs, self.log = names, profile, Path(runs), log
        self.publish: Callable[[], None] | None = publish
        self.estimates = estimates or {}  # (experiment, stage) → seconds, from this machine's previous run
        self.started = time.monotonic()
        self.started_at = time.time()
        self.experiments = {name: {"state": "queued", "text": "queued"} for name in names}
        self.current: str | None = None
        self.finished = False
        self._fit: dict = {}
        self._last_write = 0.0

    # -- the suite's steps -------------------------------------------------------------------------
    def __enter__(self):
        global _active
        _active = self
        self.write()
        return self

    def __exit__(self, *exc):
        global _active
        _active = None

    def keep(self, name: str, page: str) -> None:
        """An experiment finished by an earlier, interrupted run of the same suite."""
        self.experiments[name] = {"state": "done", "page": page, "text": "done (kept from the interrupted run)"}
        self.log(f"[{self._position(name)}] {name} · done in the interrupted run, kept (--restart runs it again)")

    def stage(self, name: str, stage: str) -> None:
        now = time.monotonic()
        entry = self.experiments[name]
        if self.current != name:
            entry.update(started=now, resumed_from_epoch=0)
        self.current = name
        entry.update(state="running", stage=stage, epoch=None, epochs=None, eta_seconds=None)
        self._fit = {"fits_planned": 1, "fits_done": 0, "earlier_steps": 0, "fit_steps_done": 0, "train_seconds": 0.0}
        self._update_running()
        estimate = self.estimates.get((name, stage))
        left = f" · ~{clock(estimate)} left" if estimate else ""
        self.log(f"[{self._position(name)}] {name} · {stage} · {clock(now - self.started)} elapsed{left}")
        sys.stdout.flush()
        self.write()

    def done(self, name: str, page: str, seconds: float) -> None:
        entry = self.experiments[name]
        resumed = entry.get("resumed_from_epoch") or 0
        text = f"done in {clock(seconds)}" + (f" · resumed from epoch {resumed + 1}" if resumed else "")
        self.experiments[name] = {"state": "done", "page": page, "text": text, "resumed_from_epoch": resumed}
        self.write(publish=False)  # the caller rebuilds the site, which publishes it with the new page

    def failed(self, name: str, error: str) -> None:
        self.experiments[name] = {"state": "failed", "text": f"failed: {error}"}
        self.write(publish=False)

    def stopped(self) -> None:
        """Ctrl+C: the running experiment stops where it is; the next run resumes it from its backup."""
        if self.current and self.experiments[self.current]["state"] == "running":
            entry = self.experiments[self.current]
            where = f" at epoch {entry['epoch']} of {entry['epochs']}" if entry.get("epochs") else ""
            entry.update(state="stopped", text=f"stopped in {entry['stage']}{where}; run the same command to resume")
        self.finished = True
        self.write()

    def finish(self) -> None:
        self.finished = True
        self.write(publish=False)

    # -- training reports ----------------------------------------------------------------------------
    def plan_fits(self, count: int) -> None:
        """How many models the current train stage fits one after another (seeds, modes), for its ETA."""
        self._fit["fits_planned"] = max(int(count), 1)

    def fit_begin(self, epochs: int, steps: int | None, resumed_from: int, time_budget: float | None) -> None:
        entry = self.experiments[self.current]
        entry.update(epoch=resumed_from, epochs=epochs)
        if resumed_from:
            entry["resumed_from_epoch"] = resumed_from
        self._fit.update(
            epochs=epochs,
            steps=steps or 0,
            fit_steps_done=0,
            fit_started=time.monotonic(),
            epochs_left=epochs - resumed_from,
            time_budget=time_budget,
        )

    def batch_end(self, epoch: int, batch: int) -> None:
        """After batch `batch` (0-based, the last of a multi-step execution) of epoch `epoch` (0-based)."""
        fit = self._fit
        self.experiments[self.current]["epoch"] = epoch + 1
        fit["fit_steps_done"] = (epoch - (fit["epochs"] - fit["epochs_left"])) * fit["steps"] + batch + 1
        if time.monotonic() - self._last_write >= WRITE_EVERY_SECONDS:
            self._update_running()
            self.write()

    def epoch_end(self, epoch: int) -> None:
        self.experiments[self.current]["epoch"] = epoch + 1
        self._update_running()
        self.write()

    def fit_end(self) -> None:
        fit = self._fit
        fit["fits_done"] += 1
        fit["train_seconds"] += time.monotonic() - fit.get("fit_started", time.monotonic())
        fit["earlier_steps"] += fit["fit_steps_done"]
        fit["fit_steps_done"] = 0

    def _eta(self) -> float | None:
        """The profile's remaining steps × the step time measured so far in this stage (capped by a time budget)."""
        fit = self._fit
        in_fit = time.monotonic() - fit.get("fit_started", time.monotonic())
        steps_done = fit["earlier_steps"] + fit["fit_steps_done"]
        if not steps_done or not fit.get("steps"):
            return None
        step_seconds = (fit["train_seconds"] + in_fit) / steps_done
        fit_total = fit["epochs_left"] * fit["steps"]
        this_fit = max(fit_total - fit["fit_steps_done"], 0) * step_seconds
        if fit.get("time_budget"):  # the budget caps this fit's time
            this_fit = min(this_fit, max(fit["time_budget"] - in_fit, 0))
        later_fits = max(fit["fits_planned"] - fit["fits_done"] - 1, 0) * fit["epochs"] * fit["steps"] * step_seconds
        return this_fit + later_fits

    def _update_running(self) -> None:
        entry = self.experiments[self.current]
        entry["eta_seconds"] = self._eta()
        parts = ["running", entry["stage"]]
        fit = self._fit
        if fit["fits_planned"] > 1:
            parts.append(f"model {min(fit['fits_done'] + 1, fit['fits_planned'])} of {fit['fits_planned']}")
        if entry.get("epochs"):
            parts.append(f"epoch {entry['epoch'] or 0} of {entry['epochs']}")
        parts.append(f"{clock(time.monotonic() - entry['started'])} elapsed")
        if entry["eta_seconds"] is not None:
            parts.append(f"~{clock(entry['eta_seconds'])} left")
        if entry.get("resumed_from_epoch"):
            parts.append(f"resumed from epoch {entry['resumed_from_epoch'] + 1}")
        entry["text"] = " · ".join(parts)

    # -- output ------------------------------------------------------------------------------------------
    def _position(self, name: str) -> str:
        return f"{self.names.index(name) + 1}/{len(self.names)}"

    def snapshot(self) -> dict:
        now = time.monotonic()
        experiments = {}
        for name, entry in self.experiments.items():
            shown = {k: v for k, v in entry.items() if k != "started"}
            if entry.get("state") == "running":
                shown["elapsed_seconds"] = now - entry["started"]
            experiments[name] = shown
        return {
            "profile": self.profile,
            "order": self.names,
            "started_at": self.started_at,
            "elapsed_seconds": now - self.started,
            "finished": self.finished,
            "updated": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "experiments": experiments,
        }

    def write(self, publish: bool = True) -> None:
        self._last_write = time.monotonic()
        write_json(self.runs / STATUS_FILE, self.snapshot())
        if publish and self.publish is not None:
            self.publish()
