"""Keras callbacks of the fit loop: a time budget, progress for the live site, and backups at a bounded cost."""

from __future__ import annotations

import time
from pathlib import Path

# Backups of a fit that runs alone take at most about this share of its time (a tiny series model's epoch
# takes less time than writing its weights); an interrupted run loses at most the epochs since the last one.
BACKUP_TIME_SHARE = 0.1


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


def Backup(backup_dir: Path, every_epoch: bool):  # noqa: N802 - used like a Keras callback class
    """keras.callbacks.BackupAndRestore (double checkpoint) that, unless every_epoch, skips an epoch's
    backup while the time since the last one is short against what writing one costs (BACKUP_TIME_SHARE)."""
    import keras

    class _Backup(keras.callbacks.BackupAndRestore):
        def on_train_begin(self, logs=None):
            super().on_train_begin(logs)
            self.last_backup, self.backup_seconds = time.monotonic(), 0.0

        def _save_model(self):  # BackupAndRestore's one writer, called at each epoch's end
            if not every_epoch and (time.monotonic() - self.last_backup) * BACKUP_TIME_SHARE < self.backup_seconds:
                return
            began = time.monotonic()
            super()._save_model()
            self.last_backup = time.monotonic()
            self.backup_seconds = self.last_backup - began

    return _Backup(str(backup_dir), double_checkpoint=True)
