"""Typed configurations: one dataclass per family, holding exactly the settings that family's code reads.

The values live in the one experiments table (experiments.py); these classes say which settings exist
and of what type. A merged configuration with an unknown, missing or mistyped setting is one clear error.
A series family's faithful and corrected modes are two configs of the same mode class.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Literal

from frameforecast import video_tasks
from frameforecast.errors import UserError


@dataclass(frozen=True, kw_only=True)
class RunSettings:
    """What every family's config has besides its settings: where it runs. The pipeline fills these in."""

    profile: str = ""
    experiment: str = ""
    run_name: str = ""
    variant: str = ""  # a run with other settings than the profile's, kept beside it (runs/<experiment>--<variant>)

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)

    def as_json(self) -> dict:
        return dataclasses.asdict(self)

    def mode(self, name: str):
        """The settings of one of this experiment's modes (faithful, corrected, tuned)."""
        if name not in self.modes:
            raise UserError(f"{self.experiment}: no {name!r} mode; its modes are {', '.join(self.modes)}")
        return getattr(self, name)


@dataclass(frozen=True, kw_only=True)
class VideoConfig(RunSettings):
    task: str  # a task registered in video_tasks.py (predict, reconstruct, composite, original, …)
    canvas: int
    digits: str | None  # Moving MNIST digit source; None for your own clips
    data: str | None  # your clips (train video --data)
    clip_split: tuple  # training, validation, test fractions of your clips
    in_frames: int
    out_frames: int
    patch: int
    patch_embedding: int | None  # 1 × 1 conv width for the patches the input frames feed a ConvLSTM (None: raw)
    filters: int
    kernel: int
    cell: Literal["conv", "fc"]
    forecaster: Literal["next-frame", "encoder-decoder"]
    kernel_grid: int | None
    head: Literal["dynamic", "generative"]
    dynamic_kernel: int
    fc_units: int
    reconstruction_decoder: Literal["drawn", "moving"]
    loss: Literal["mse", "binary_crossentropy"] | dict
    optimizer: Literal["adam", "rmsprop", "sgd"]
    learning_rate: float
    lr_schedule: Literal["constant", "cosine"]
    batch_size: int
    epochs: int
    steps_per_epoch: int
    time_budget: float | None
    patience: int | None
    warm_start: str | None
    freeze_warm_start: bool  # the warm-started layers stay as copied; only the new ones train
    train_sequences: int | None  # the original's fixed training set
    validation_split: float | None
    mixed_precision: bool
    test_set: Literal["generated", "standard"]
    test_size: int
    gif_count: int
    seed: int
    scaled_down: str | None  # said on the page when a profile shrinks the original's protocol

    def __post_init__(self):
        video_tasks.get(self.task)  # refuses a task nothing registered, naming the choices


@dataclass(frozen=True, kw_only=True)
class SeriesData(RunSettings):
    """Where a series comes from: a bundled series, or your CSV (file or URL)."""

    series: str | None
    csv: str | None
    url: str | None
    time_column: str | None
    date_order: Literal["auto", "day-first", "month-first"]  # numeric dates such as 01.02.2015
    season: int | None
    fill: bool


@dataclass(frozen=True, kw_only=True)
class LookbackMode:
    look_back: int
    units: int
    epochs: int
    batch_size: int
    learning_rate: float
    patience: int | None
    features: Literal["raw", "seasonal-difference"]
    # the forecast the corrected network starts from and learns a correction to ("validation": whichever of
    # seasonal naive + last change and the statsforecast peers does best on the validation part)
    anchor: Literal["none", "seasonal-naive", "AutoARIMA", "AutoETS", "AutoTheta", "validation"]


@dataclass(frozen=True, kw_only=True)
class LookbackConfig(SeriesData):
    column: str | None
    test_fraction: float
    val_fraction: float
    holdout: int | None  # the multi-step hold-out's H (None: two seasons)
    seeds: int
    seed: int
    steps_per_execution: int
    # the corrected mode's network: "module:function" called as f(look_back, features, units, zero_start=…)
    # → a Keras model with one output; the faithful mode is the tutorial's LSTM
    network: str
    network_label: str  # how the pages name it
    modes: tuple
    faithful: LookbackMode
    corrected: LookbackMode

    def __post_init__(self):
        module, _, function = self.network.partition(":")
        if not (module and function):
            raise UserError(f"network = {self.network!r} should be 'module:function'")


@dataclass(frozen=True, kw_only=True)
class Seq2seqMode:
    units: int
    dropout: float
    epochs: int
    batch_size: int
    learning_rate: float
    patience: int | None
    val_fraction: float


@dataclass(frozen=True, kw_only=True)
class Seq2seqConfig(SeriesData):
    columns: list | tuple | None
    target: str
    n_in: int
    n_out: int
    test_fraction: float
    clipnorm: float | None
    seeds: int
    seed: int
    horizon_hours: int
    faithful_split: Literal["chronological", "shuffled"]  # shuffled: the original's; corrected is chronological
    steps_per_execution: int
    modes: tuple
    faithful: Seq2seqMode
    corrected: Seq2seqMode


@dataclass(frozen=True, kw_only=True)
class SignalsMode:
    cell: Literal["gru", "lstm"]
    units: int
    layers: int
    optimizer: Literal["adam", "rmsprop", "sgd"]
    learning_rate: float
    lr_schedule: Literal["constant", "cosine"]
    clipnorm: float | None
    l2: float
    batch_size: int
    iterations: int


@dataclass(frozen=True, kw_only=True)
class SignalsConfig(SeriesData):
    version: int
    columns: list | tuple | None
    modes: tuple
    faithful: SignalsMode
    tuned: SignalsMode
    test_size: int
    n_in: int | None
    n_out: int | None
    test_fraction: float
    seed: int
    plot_windows: int


def _matches(value, hint) -> bool:
    if hint is typing.Any:
        return True
    if typing.get_origin(hint) is Literal:
        return value in typing.get_args(hint)
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, arg) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if dataclasses.is_dataclass(hint):
        return isinstance(value, hint)
    return isinstance(value, origin or hint)


def build(cls, settings: dict, where: str):
    """An instance of `cls` from plain data (the table, or a saved config.json); nested mode dicts become their
    mode class, lists their tuples. UserError on any unknown, missing or mistyped setting, naming it and `where`
    it was given."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = [key for key in settings if key not in fields]
    if unknown:
        raise UserError(
            f"{where}: {unknown[0]!r} is not a setting of this experiment; its settings are {', '.join(fields)}"
        )
    required = [name for name, f in fields.items() if f.default is dataclasses.MISSING]
    missing = [name for name in required if name not in settings]
    if missing:
        raise UserError(f"{where}: no value for {missing[0]!r}")
    values = {}
    for name, value in settings.items():
        hint = hints[name]
        if dataclasses.is_dataclass(hint) and isinstance(value, dict):
            value = build(hint, value, f"{where}, {name} mode")
        if hint is tuple and isinstance(value, list):
            value = tuple(value)
        if typing.get_origin(hint) is Literal and not _matches(value, hint):
            choices = ", ".join(repr(c) for c in typing.get_args(hint))
            raise UserError(f"{where}: {name} = {value!r} is not one of the choices: {choices}")
        if not _matches(value, hint):
            choices = _choices(hint)
            expected = f"one of the choices: {choices}" if choices else getattr(hint, "__name__", hint)
            raise UserError(f"{where}: {name} = {value!r} should be {expected}")
        values[name] = value
    try:
        return cls(**values)
    except UserError as exc:  # a check of the class itself (a registered video task)
        raise UserError(f"{where}: {exc}") from None


def _choices(hint) -> str:
    """The fixed choices inside a hint such as Literal["mse", "bce"] | dict, as text ('' if none)."""
    literals = (
        [hint]
        if typing.get_origin(hint) is Literal
        else [arg for arg in typing.get_args(hint) if typing.get_origin(arg) is Literal]
    )
    return ", ".join(repr(c) for lit in literals for c in typing.get_args(lit))
