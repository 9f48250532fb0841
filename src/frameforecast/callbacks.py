"""Keras callbacks of the fit loop: a time budget, progress for the live site, and backups at a bounded cost."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from frameforecast.atomic import require_space
from frameforecast.errors import filesystem_error

# Backups of a fit that runs alone take at most about this share of its time (a tiny series model's epoch
# takes less time than writing its weights); an interrupted run loses at most the epochs since the last one.
BACKUP_TIME_SHARE = 0.1
WEIGHTS = "weights.weights.h5"


def TimeBudget(seconds: float):  # noqa: N802 - used like a Keras callback class
    """A callback that stops training once `seconds` have passed (checked after every batch)."""
    import keras

    class _TimeBudget(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start = time.monotonic()
            self.exhausted = False

        def on_train_batch_end(self, batch, logs=None):
            if time.monotonic() - self.start > seconds:
                self.exhausted = True
                self.model.stop_training = True

    return _TimeBudget()


def cosine_decay(done: float, alpha: float = 0.05) -> float:
    """The factor on the learning rate after a share `done` of the training: CosineDecay's, down to alpha."""
    import math

    return (1 - alpha) * 0.5 * (1 + math.cos(math.pi * min(max(done, 0.0), 1.0))) + alpha


def CosineOverBudget(learning_rate: float, total_steps: int, seconds: float, alpha: float = 0.05):  # noqa: N802
    """Cosine decay of the learning rate (as keras.optimizers.schedules.CosineDecay, to alpha × the rate) over
    whichever runs out first, the planned steps or the time budget: a training the time budget cuts short still
    ends annealed instead of stopping at a high rate. Set before every batch."""
    import keras

    class _CosineOverBudget(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start = time.monotonic()

        def on_train_batch_begin(self, batch, logs=None):
            step = int(self.model.optimizer.iterations.numpy())
            done = max(step / max(total_steps, 1), (time.monotonic() - self.start) / seconds)
            self.model.optimizer.learning_rate = learning_rate * cosine_decay(done, alpha)

    return _CosineOverBudget()


def EarlyStoppingPerOutput(patience: int, outputs: list[str], monitor_validation: bool):  # noqa: N802
    """Keras's EarlyStopping with restore_best_weights, for each output of a model of independent members (one
    output each, named as the member's layer): each member ends with its own best weights, and training stops
    once every member has gone `patience` epochs without improving on its own loss. The same as early-stopping
    each member trained alone (the epochs after its own stop are undone)."""
    import keras

    prefix = "val_" if monitor_validation else ""

    class _EarlyStoppingPerOutput(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.best = {name: float("inf") for name in outputs}
            self.weights = {name: None for name in outputs}
            self.wait = dict.fromkeys(outputs, 0)
            self.stopped_epoch = 0

        def on_epoch_end(self, epoch, logs=None):
            for name in outputs:
                value = (logs or {}).get(f"{prefix}{name}_loss")
                if value is not None and value < self.best[name]:
                    self.best[name], self.wait[name] = value, 0
                    self.weights[name] = self.model.get_layer(name).get_weights()
                else:
                    self.wait[name] += 1
            if all(self.wait[name] >= patience for name in outputs):
                self.stopped_epoch = epoch
                self.model.stop_training = True

        def on_train_end(self, logs=None):
            for name, weights in self.weights.items():
                if weights is not None:
                    self.model.get_layer(name).set_weights(weights)

    return _EarlyStoppingPerOutput()


def StopOnCtrlC():  # noqa: N802 - used like a Keras callback class
    """Raises KeyboardInterrupt after the batch in which Ctrl+C was pressed, if the press got lost where it
    landed (frameforecast.interrupt)."""
    import keras

    from frameforecast import interrupt

    class _StopOnCtrlC(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            interrupt.check()

        def on_test_batch_end(self, batch, logs=None):
            interrupt.check()

    return _StopOnCtrlC()


def StopOnNonFinite(learning_rate: float):  # noqa: N802 - used like a Keras callback class
    """Keras's TerminateOnNaN, but the run stops with one line saying where and what to change. It raises in
    the batch that diverged, before any backup of the non-finite weights is written."""
    import math

    import keras

    from frameforecast.errors import UserError

    class _StopOnNonFinite(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            loss = (logs or {}).get("loss")
            if loss is not None and not math.isfinite(float(loss)):
                self.model.stop_training = True
                raise UserError(
                    f"training diverged: the loss became {float(loss)} in epoch {getattr(self, 'epoch', 0) + 1}, "
                    f"batch {batch + 1}, with learning rate {learning_rate:g}; lower --learning-rate and run again"
                )

    return _StopOnNonFinite()


def ProgressReport(tracker, resumed_from: int, time_budget: float | None):  # noqa: N802 - a Keras callback class
    """Reports epochs and steps to the suite's progress tracker (the live site's status and ETA)."""
    import keras

    class _ProgressReport(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.epoch = resumed_from
            tracker.fit_begin(self.params["epochs"], self.params.get("steps"), resumed_from, time_budget)

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            tracker.batch_end(self.epoch, batch)

        def on_epoch_end(self, epoch, logs=None):
            tracker.epoch_end(epoch)

        def on_train_end(self, logs=None):
            tracker.fit_end()

    return _ProgressReport()


BACKUP_PREFIX = "epoch-"
BACKUPS_KEPT = 2


def backups(backup_dir: Path) -> list[tuple[int, Path]]:
    """The complete backups in `backup_dir`, newest first: (epochs done, folder).

    A backup is a folder `epoch-N` holding the weights (with the optimizer's state) and `state.json`. It is
    written under a temporary name and renamed when complete, so a kill at any instant leaves either the
    whole folder or a temporary one that is ignored (and removed by the next backup).
    """
    found = []
    for folder in Path(backup_dir).glob(f"{BACKUP_PREFIX}*"):
        try:
            state = json.loads((folder / "state.json").read_text())
            found.append((int(state["epoch"]), folder))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sorted(found, reverse=True)


def usable_backup(backup_dir: Path, log=print) -> tuple[int, Path] | None:
    """The newest backup whose weights file opens as HDF5: (epochs done, folder), or None. A damaged one is
    named in one line and removed, and the one before it is used."""
    import h5py

    for epoch, folder in backups(backup_dir):
        try:
            with h5py.File(folder / WEIGHTS, "r") as weights:
                if len(weights.keys()):
                    return epoch, folder
        except OSError:
            pass
        log(f"backup {folder} cannot be read (a damaged file); using the one before it")
        shutil.rmtree(folder, ignore_errors=True)
    return None


def Backup(backup_dir: Path, resume: tuple[int, Path] | None, every_epoch: bool):  # noqa: N802 - a callback class
    """keras.callbacks.BackupAndRestore with atomic backups (see `backups`), restoring `resume` (the backup
    `usable_backup` chose), that, unless every_epoch, skips an epoch's backup while the time since the last
    one is short against what writing one costs (BACKUP_TIME_SHARE)."""
    import keras

    backup_dir = Path(backup_dir)

    class _Backup(keras.callbacks.BackupAndRestore):
        def on_train_begin(self, logs=None):
            self._load_model()
            self.last_backup, self.backup_seconds = time.monotonic(), 0.0

        def _load_model(self):
            if resume is None:
                return
            if self.model.optimizer is not None and not self.model.optimizer.built:
                self.model.optimizer.build(self.model.trainable_variables)
            epoch, folder = resume
            self.model.load_weights(folder / WEIGHTS)
            self.model._initial_epoch = epoch

        def _save_model(self):  # BackupAndRestore's one writer, called at each epoch's end
            if not every_epoch and (time.monotonic() - self.last_backup) * BACKUP_TIME_SHARE < self.backup_seconds:
                return
            began = time.monotonic()
            backup_dir.mkdir(parents=True, exist_ok=True)
            final = backup_dir / f"{BACKUP_PREFIX}{self._current_epoch:05d}"
            require_space(backup_dir, 3 * 4 * self.model.count_params())
            tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=backup_dir))
            try:
                self.model.save_weights(tmp / WEIGHTS, overwrite=True)
                (tmp / "state.json").write_text(json.dumps({"epoch": self._current_epoch}))
            except OSError as exc:  # the previous backup stays: the same command resumes from it
                shutil.rmtree(tmp, ignore_errors=True)
                raise filesystem_error(exc, tmp / WEIGHTS) from exc
            shutil.rmtree(final, ignore_errors=True)
            os.replace(tmp, final)
            for stale in [p for p in backup_dir.iterdir() if p.name.startswith(".")]:
                shutil.rmtree(stale, ignore_errors=True)  # an earlier run's unfinished backup
            for _, old in backups(backup_dir)[BACKUPS_KEPT:]:
                shutil.rmtree(old, ignore_errors=True)
            self.last_backup = time.monotonic()
            self.backup_seconds = self.last_backup - began

        def on_train_end(self, logs=None):
            pass  # the fit loop removes the backups once the trained model is saved

    return _Backup(str(backup_dir), double_checkpoint=False, delete_checkpoint=False)
