"""The fit loop every experiment uses: callbacks, checkpoints, resume, seeds, distribution strategy."""

from __future__ import annotations

import dataclasses
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from frameforecast import progress
from frameforecast.atomic import atomic_path, write_json
from frameforecast.callbacks import (
    Backup,
    CosineOverBudget,
    EarlyStoppingPerOutput,
    ProgressReport,
    StopOnCtrlC,
    StopOnNonFinite,
    TimeBudget,
    usable_backup,
)
from frameforecast.distribution import for_multiworker_fit, get_strategy, is_chief, on_tensorflow
from frameforecast.errors import UserError, filesystem_error


def seed_everything(seed: int) -> None:
    import keras

    keras.utils.set_random_seed(seed % 2**32)  # a seed's ensemble members count up from it: wrap, never overflow
    if on_tensorflow():
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


@dataclass
class FitResult:
    model: object
    history: dict
    resumed_from_epoch: int
    seconds: float
    global_batch: int  # the batch size training used: per replica × replicas
    stopped_by: str  # "epochs" | "early-stopping" | "time-budget"
    steps: int = 0  # optimizer steps of the whole training, the epochs before a resume included


def trained_outputs(model) -> list[str] | None:
    """The outputs of a dict-output model that some trainable weight can change; None when that is every one."""
    import keras

    if not isinstance(model.output, dict) or not model.trainable_weights:
        return None
    names = [name for name, out in model.output.items() if keras.Model(model.inputs, out).trainable_weights]
    return names if len(names) < len(model.output) else None


def _only(value, names: list[str]):
    """A per-output dict (outputs, losses, loss weights, targets) cut down to `names`; anything else as is."""
    return {name: value[name] for name in names} if isinstance(value, dict) else value


def _only_batches(dataset: Callable, names: list[str]) -> Callable:
    return lambda *args: dataset(*args).map(lambda x, y: (x, _only(y, names)))


def keep_history_rows(history_path: Path, epochs: int) -> None:
    """Cut history.csv back to the epochs a resumed run starts after (it may log epochs past the last
    backup); no epochs: remove it."""
    if epochs == 0:
        history_path.unlink()
        return
    lines = history_path.read_text().splitlines(keepends=True)
    if len(lines) > epochs + 1:
        with atomic_path(history_path, suffix=".csv") as tmp:
            Path(tmp).write_text("".join(lines[: epochs + 1]))


def make_optimizer(name: str, learning_rate: float, schedule: str, total_steps: int, clipnorm: float | None = None):
    import keras

    rate = learning_rate
    if schedule == "cosine" and total_steps > 1:
        rate = keras.optimizers.schedules.CosineDecay(learning_rate, total_steps, alpha=0.05)
    kwargs = {"clipnorm": clipnorm} if clipnorm else {}
    optimizers = {"adam": keras.optimizers.Adam, "rmsprop": keras.optimizers.RMSprop, "sgd": keras.optimizers.SGD}
    return optimizers[name](learning_rate=rate, **kwargs)


@dataclasses.dataclass(frozen=True, kw_only=True)
class FitSettings:
    """Everything the fit loop reads of a run's settings, in one object (each family makes it from its config)."""

    epochs: int
    loss: object
    learning_rate: float
    seed: int
    optimizer: str = "adam"
    lr_schedule: str = "constant"
    steps_per_epoch: int | None = None
    batch_size: int | None = None  # per replica; the global batch is batch_size × replicas
    validation_split: float | None = None
    patience: int | None = None
    time_budget: float | None = None
    clipnorm: float | None = None
    steps_per_execution: int = 1  # several batches per graph call: the same updates, less Python overhead
    mixed_precision: bool = False

    def replace(self, **changes) -> FitSettings:
        return dataclasses.replace(self, **changes)


def fit(
    build_model: Callable,
    run_dir: Path,
    settings: FitSettings,
    *,
    dataset: Callable | None = None,
    x=None,
    y=None,
    validation_data=None,
    strategy: str = "default",
    restart: bool = False,
    verbose: int | None = None,
    log=print,
) -> FitResult:
    """Build (inside the strategy's scope), compile and fit a model; resumable from run_dir/backup.

    Either `dataset(start_batch, num_batches, global_batch_size)` returns a tf.data pipeline of freshly
    generated batches — seeded by global batch index, so a resumed run sees the same data — or x/y arrays.
    """
    import keras

    run_dir = Path(run_dir)
    backup_dir, history_path = run_dir / "backup", run_dir / "history.csv"
    backup, resumed_from = _resume_point(run_dir, backup_dir, history_path, restart, log)

    keras.backend.clear_session()  # models of earlier experiments in this process are not needed any more
    seed_everything(settings.seed)
    dist = get_strategy(strategy)
    global_batch = (settings.batch_size or 1) * dist.num_replicas_in_sync
    total_steps = settings.epochs * (settings.steps_per_epoch or 1)
    # under a time budget the cosine follows the budget too (a callback); otherwise Keras's CosineDecay
    over_budget = settings.lr_schedule == "cosine" and settings.time_budget is not None and total_steps > 1
    with dist.scope():
        model = _build(build_model, settings.mixed_precision)
        compile_args = {
            "optimizer": make_optimizer(
                settings.optimizer,
                settings.learning_rate,
                "constant" if over_budget else settings.lr_schedule,
                total_steps,
                settings.clipnorm,
            ),
            "loss": settings.loss,
            "steps_per_execution": _steps_per_call(settings, dataset is not None),
        }
        trainee, y, dataset, validation_data = _compiled_trainee(
            model, compile_args, strategy, y, dataset, validation_data, log
        )

    monitor = "val_loss" if (validation_data is not None or settings.validation_split) else "loss"
    budget = TimeBudget(settings.time_budget) if settings.time_budget else None
    early = None
    if settings.patience and members_of(model):  # independent members: each stops and keeps its best on its own
        early = EarlyStoppingPerOutput(settings.patience, list(model.output_names), monitor == "val_loss")
    elif settings.patience:
        early = keras.callbacks.EarlyStopping(monitor=monitor, patience=settings.patience, restore_best_weights=True)
    callbacks = [StopOnCtrlC(), StopOnNonFinite(settings.learning_rate)]
    if over_budget:
        callbacks.append(CosineOverBudget(settings.learning_rate, total_steps, settings.time_budget))
    callbacks += _callbacks(run_dir, backup_dir, history_path, backup, strategy, [early, budget])
    tracker = progress.active()
    if tracker is not None:
        callbacks.append(ProgressReport(tracker, resumed_from, settings.time_budget))

    verbose = verbose if verbose is not None else 1 if sys.stdout.isatty() else 2
    start = time.monotonic()
    with dist.scope():  # fit's steps run in the strategy that built the model
        if dataset is not None:
            remaining = max(settings.epochs - resumed_from, 0) * settings.steps_per_epoch
            data = dataset(resumed_from * settings.steps_per_epoch, max(remaining, 1), global_batch)
            history = trainee.fit(
                data,
                epochs=settings.epochs,
                steps_per_epoch=settings.steps_per_epoch,
                callbacks=callbacks,
                validation_data=validation_data,
                shuffle=False,
                verbose=verbose,
            )  # batches are fresh
        else:
            history = trainee.fit(
                x,
                y,
                batch_size=global_batch,
                epochs=settings.epochs,
                callbacks=callbacks,
                shuffle=True,
                validation_data=validation_data,
                validation_split=settings.validation_split or 0.0,
                verbose=verbose,
            )
    seconds = time.monotonic() - start
    if is_chief(strategy):
        save_model(model, run_dir / "model.keras")
        write_json(run_dir / "model_summary.json", model_summary(model))
    shutil.rmtree(backup_dir, ignore_errors=True)  # only now: a kill before the save resumes from it
    optimizer = getattr(trainee, "optimizer", None)  # this process's steps; a resume starts a new optimizer
    steps = int(optimizer.iterations.numpy()) if optimizer is not None else 0
    steps += resumed_from * (settings.steps_per_epoch or 0)
    return FitResult(model, history.history, resumed_from, seconds, global_batch, _stopped_by(budget, early), steps)


def _steps_per_call(settings: FitSettings, streamed: bool) -> int:
    """Batches per compiled call. Over a stream of batches Keras runs whole calls, so an epoch of 15 steps at 10
    a call would train 20: there it is the largest divisor of the epoch's steps not above the setting."""
    if streamed and settings.steps_per_epoch:
        per_call = max(1, min(settings.steps_per_execution, settings.steps_per_epoch))
        return max(d for d in range(1, per_call + 1) if settings.steps_per_epoch % d == 0)
    return settings.steps_per_execution


def _resume_point(run_dir: Path, backup_dir: Path, history_path: Path, restart: bool, log):
    """(the usable backup or None, the epoch it resumes from); history.csv cut back to that epoch."""
    if restart:
        shutil.rmtree(backup_dir, ignore_errors=True)
    backup = usable_backup(backup_dir, log)
    resumed_from = backup[0] if backup else 0
    if history_path.exists():
        keep_history_rows(history_path, resumed_from)
    run_dir.mkdir(parents=True, exist_ok=True)
    if resumed_from:
        log(f"resuming from epoch {resumed_from + 1} (backup in {backup_dir}); --restart starts over")
    return backup, resumed_from


def _build(build_model: Callable, mixed_precision: bool):
    import keras

    policy = keras.mixed_precision.global_policy()
    if mixed_precision:  # layers keep the policy they were built with; later models start from float32
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        return build_model()
    finally:
        keras.mixed_precision.set_global_policy(policy)


def _compiled_trainee(model, compile_args: dict, strategy: str, y, dataset, validation_data, log):
    """The model that fit trains, compiled: the whole model, or (when some outputs cannot change) a model of
    the outputs that can, with targets, batches and validation data cut down to them. The whole model is
    compiled too, so that it is saved with the optimizer that trained it."""
    import keras

    trained, trainee, trainee_args = trained_outputs(model), model, compile_args
    if trained is not None:  # the other outputs' losses are constant: no trainable weight changes them
        log(f"training {', '.join(trained)} only: the layers of the other outputs are kept fixed")
        trainee = keras.Model(model.inputs, _only(model.output, trained), name=model.name)
        trainee_args = {**compile_args, "loss": _only(compile_args["loss"], trained)}
        y, dataset = _only(y, trained), dataset and _only_batches(dataset, trained)
        validation_data = validation_data and (validation_data[0], _only(validation_data[1], trained))
    if strategy == "multiworker":
        trainee = for_multiworker_fit(trainee, **trainee_args)
    else:
        model.compile(**compile_args)
        if trainee is not model:
            trainee.compile(**trainee_args)
    return trainee, y, dataset, validation_data


def _callbacks(run_dir: Path, backup_dir: Path, history_path: Path, backup, strategy: str, optional: list) -> list:
    import keras

    tensorboard = (
        keras.callbacks.TensorBoard(str(run_dir / "tensorboard"), write_graph=False, profile_batch=0)
        if on_tensorflow()
        else None
    )  # its summary writer is TensorFlow's
    return [
        # an epoch's history row is written before its backup, so a resumed history.csv is never short
        keras.callbacks.CSVLogger(str(history_path), append=True),
        # workers must agree on the epoch they resume from: every epoch; alone, at a bounded cost in time
        Backup(backup_dir, backup, every_epoch=strategy == "multiworker"),
    ] + [cb for cb in (tensorboard, *optional) if cb is not None]


def _stopped_by(budget, early) -> str:
    if budget is not None and budget.exhausted:
        return "time-budget"
    return "early-stopping" if early is not None and early.stopped_epoch > 0 else "epochs"


def members_of(model) -> list:
    """The member models of a model of independent members (layers named seed_0, seed_1, … that are models),
    in order; [] for any other model."""
    found = {layer.name: layer for layer in model.layers if layer.name.startswith("seed_") and hasattr(layer, "layers")}
    return [found[f"seed_{i}"] for i in range(len(found))]


def model_summary(model) -> dict:
    """Layers (name, type, output shape, parameters, and the sizes a user can set) for the site, which reads
    runs/ only and never builds a model. A model of members is summarised as one member, with their count."""
    members = members_of(model)
    if members:
        return {**model_summary(members[0]), "members": len(members)}
    sizes = ("filters", "units", "kernel_size", "block", "upsample")
    layers = []
    for layer in model.layers:
        try:
            shape = (
                str(layer.output.shape)
                if not isinstance(layer.output, (list, tuple))
                else str([o.shape for o in layer.output])
            )
        except (AttributeError, ValueError):
            shape = "—"
        config = layer.get_config()
        layers.append(
            {
                "name": layer.name,
                "type": type(layer).__name__,
                "shape": shape,
                "params": int(layer.count_params()),
                **{k: config[k] for k in sizes if k in config},
            }
        )
    return {
        "name": model.name,
        "parameters": int(model.count_params()),
        "dtype_policy": model.dtype_policy.name,
        "inputs": [str(tensor.shape) for tensor in model.inputs],
        "layers": layers,
    }


def save_model(model, path: Path) -> None:
    """model.keras, written atomically; a file system that refuses it (full, read-only) is one line."""
    try:
        with atomic_path(path, suffix=".keras") as tmp:
            model.save(tmp)
    except OSError as exc:  # h5py's errors often carry no errno: every one here is the file system's
        raise filesystem_error(exc, path) from exc


def load_model(path: Path, with_optimizer: bool = False):
    """A trained model, for inference or to copy weights from; its saved optimizer only when asked."""
    import keras

    import frameforecast.models.layers  # noqa: F401  (registers the custom layers)

    if not Path(path).exists():
        raise UserError(f"{path} does not exist; train first: frameforecast train <experiment>")
    try:
        return keras.saving.load_model(path, safe_mode=True, compile=with_optimizer)
    except Exception as exc:  # noqa: BLE001 - Keras raises ValueError, TypeError, OSError, zipfile errors …
        reason = " ".join(str(exc).split())[:160]
        raise UserError(
            f"{path} cannot be loaded as a model of this project ({type(exc).__name__}: {reason}); "
            "train it again with frameforecast train, or restore the file"
        ) from exc
