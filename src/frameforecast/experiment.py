"""One experiment: its settings per profile, merged and checked against its family's typed config (configs.py),
and the command-line options it offers, each naming the setting it changes."""

from __future__ import annotations

from dataclasses import dataclass, field

from frameforecast import configs, families
from frameforecast.errors import UserError
from frameforecast.settings import FAMILY_DEFAULTS, MODE_KEYS, PROFILES

# ------------------------------------------------------------------ command-line training options
# option → the setting it changes. The series families tune their corrected (signals: tuned) mode; the faithful
# mode keeps the
# original's settings (it is a reproduction), except --split, which is the original's own choice.
VIDEO_TARGETS = {
    name: name
    for name in (
        "epochs",
        "steps_per_epoch",
        "batch_size",
        "learning_rate",
        "time_budget",
        "seed",
        "filters",
        "kernel",
        "patch",
        "kernel_grid",
        "forecaster",
        "head",
        "cell",
        "digits",
        "mixed_precision",
        "canvas",
        "in_frames",
        "out_frames",
    )
}
OPTION_TARGETS = {
    "video": VIDEO_TARGETS,
    "lookback": {
        "epochs": "corrected.epochs",
        "batch_size": "corrected.batch_size",
        "learning_rate": "corrected.learning_rate",
        "look_back": "corrected.look_back",
        "units": "corrected.units",
        "seed": "seed",
        "seeds": "seeds",
    },
    "seq2seq": {
        "epochs": "corrected.epochs",
        "batch_size": "corrected.batch_size",
        "learning_rate": "corrected.learning_rate",
        "units": "corrected.units",
        "seed": "seed",
        "seeds": "seeds",
        "split": "faithful_split",
    },
    "signals": {
        "iterations": "tuned.iterations",
        "batch_size": "tuned.batch_size",
        "learning_rate": "tuned.learning_rate",
        "units": "tuned.units",
        "seed": "seed",
    },
}
DATA_OPTIONS = {
    "lookback": ("csv", "url", "column", "time_column", "date_order", "season", "fill"),
    "seq2seq": ("csv", "url", "columns", "time_column", "date_order", "season", "fill"),
    "signals": ("csv", "url", "columns", "time_column", "date_order", "fill"),
    "video": ("data",),
}


def merge_layers(*layers: dict) -> dict:
    """Later layers win; a mode (faithful, corrected) merges key by key."""
    merged: dict = {}
    for layer in layers:
        for key, value in layer.items():
            merged[key] = {**merged[key], **value} if key in MODE_KEYS and key in merged else value
    return merged


@dataclass(frozen=True)
class Experiment:
    name: str
    family: str
    title: str
    original: str
    summary: str
    settings: dict = field(default_factory=dict)
    profiles: dict = field(default_factory=dict)
    published: tuple = ()
    needs_input: bool = False  # True: no bundled data, the user must pass --csv/--url/--data
    user_template: bool = False  # True: each run on user data is its own folder and page (lookback-…, video-…)
    options: tuple | None = None  # the training options it offers (default: all of its family's)
    data_options: tuple | None = None  # the data options it offers (default: none with bundled data)

    @property
    def training_options(self) -> dict:
        """option → setting, for the options this experiment offers on the command line."""
        targets = OPTION_TARGETS[self.family]
        return {name: targets[name] for name in (self.options or targets)}

    @property
    def input_options(self) -> tuple:
        return (
            self.data_options
            if self.data_options is not None
            else (DATA_OPTIONS[self.family] if self.needs_input else ())
        )

    def config(self, profile: str, overrides: dict | None = None):
        """The checked configuration; `overrides` maps settings (dotted for a mode: corrected.epochs) to values."""
        if profile not in PROFILES:
            raise UserError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
        merged = merge_layers(FAMILY_DEFAULTS[self.family], self.settings, self.profiles.get(profile, {}))
        for key, value in (overrides or {}).items():
            if value is None:
                continue
            *modes, leaf = key.split(".")
            target = merged
            for mode in modes:
                target[mode] = dict(target[mode])
                target = target[mode]
            target[leaf] = value
        merged.update(profile=profile, experiment=self.name)
        return configs.build(families.get(self.family).config, merged, f"{self.name}, {profile} profile")
