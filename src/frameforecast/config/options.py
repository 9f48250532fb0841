"""Command-line options as data: their types and help, which experiment offers which, and the reference
the site shows. `frameforecast train EXPERIMENT --help` lists exactly the options that experiment's code reads."""

from __future__ import annotations

import argparse
import math

from frameforecast.config import experiments
from frameforecast.distribution import STRATEGIES
from frameforecast.errors import UserError


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text[:80]!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def non_negative_int(text: str) -> int:
    return positive_int(text) if text.strip() != "0" else 0


def seed_number(text: str) -> int:
    """A random seed: NumPy and TensorFlow take 0 … 2**32 - 1."""
    value = non_negative_int(text)
    if value > 2**32 - 1:
        raise argparse.ArgumentTypeError(f"must be at most {2**32 - 1} (2**32 - 1), got {value}")
    return value


def port_number(text: str) -> int:
    value = positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"a port is 1 … 65535, got {value}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text[:80]!r}") from None
    if not math.isfinite(value) or not value > 0:
        raise argparse.ArgumentTypeError(f"must be a finite number greater than 0, got {text[:80]}")
    return value


def column_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


FLAG = dict(action="store_true", default=None)  # None when absent: the profile's value stands

TRAINING = {
    "epochs": dict(type=positive_int, help="number of epochs"),
    "steps_per_epoch": dict(type=positive_int, help="batches per epoch (freshly generated)"),
    "batch_size": dict(type=positive_int, help="batch size per replica"),
    "learning_rate": dict(type=positive_float, help="initial learning rate"),
    "time_budget": dict(type=positive_float, help="stop training after this many seconds"),
    "seed": dict(type=seed_number, help="random seed (0 … 2**32 - 1)"),
    "seeds": dict(type=positive_int, help="number of seeds (the headline is their ensemble)"),
    "look_back": dict(type=positive_int, help="look-back window length"),
    "units": dict(type=positive_int, help="recurrent units"),
    "anchor": dict(
        choices=["seasonal-naive", "AutoARIMA", "AutoETS", "AutoTheta", "validation"],
        help="the forecast the network corrects (validation: the best of them on the validation part)",
    ),
    "iterations": dict(type=positive_int, help="training iterations"),
    "split": dict(choices=["chronological", "shuffled"], help="train/test split (shuffled is the original's)"),
    "filters": dict(type=positive_int, help="ConvLSTM filters"),
    "kernel": dict(type=positive_int, help="ConvLSTM kernel size"),
    "patch": dict(type=positive_int, help="pixels per ConvLSTM cell side (space-to-depth block)"),
    "kernel_grid": dict(type=positive_int, help="pixels per predicted dynamic kernel side; divides --patch"),
    "forecaster": dict(
        choices=["next-frame", "encoder-decoder"],
        help="one ConvLSTM over all transitions that moves each frame into the next, or a separate "
        "encoder and forecaster (needed by --cell fc and --head generative)",
    ),
    "head": dict(
        choices=["dynamic", "generative"], help="an encoder-decoder's frames: moved by dynamic kernels, or drawn"
    ),
    "cell": dict(choices=["conv", "fc"], help="ConvLSTM, or Srivastava's fully connected LSTM"),
    "digits": dict(choices=["auto", "mnist", "bundled"], help="the digit source of the Moving MNIST generator"),
    "mixed_precision": dict(FLAG, help="train in mixed_bfloat16"),
    "canvas": dict(type=positive_int, help="frame side in pixels"),
    "in_frames": dict(type=positive_int, help="frames the model reads"),
    "out_frames": dict(type=positive_int, help="frames the model predicts"),
}
DATA = {
    "csv": dict(help="your CSV file"),
    "url": dict(help="a CSV to download (cached) instead of --csv"),
    "column": dict(help="the value column"),
    "columns": dict(type=column_list, help="comma-separated value columns"),
    "time_column": dict(help="the time column (optional; gives the season)"),
    "date_order": dict(
        choices=["auto", "day-first", "month-first"],
        help="how to read numeric dates such as 01.02.2015 (default: auto, from a value above 12)",
    ),
    "season": dict(type=positive_int, help="season length in rows (12 monthly, 24 hourly)"),
    "fill": dict(FLAG, help="interpolate missing values instead of failing"),
    "data": dict(
        help="your clips: a folder of videos, GIFs, .npy files or image sub-folders, or an (N, T, H, W) uint8 .npy"
    ),
}


def flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _target_note(target: str) -> str:
    mode, _, _ = target.rpartition(".")
    return {
        "corrected": " (the corrected mode; the faithful mode keeps the original's)",
        "faithful": " (the faithful mode)",
    }.get(mode, "")


def add_strategy(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--strategy", default="default", choices=STRATEGIES, help="tf.distribute strategy (default: default)"
    )


def add_experiment_parsers(train, parser_class) -> None:
    """One `train EXPERIMENT` parser per experiment, with exactly the options that experiment reads."""
    sub = train.add_subparsers(dest="experiment", required=True, metavar="EXPERIMENT", parser_class=parser_class)
    for name, exp in experiments.EXPERIMENTS.items():
        p = sub.add_parser(name, help=exp.title, description=f"Train {name}: {exp.title}. {exp.summary}")
        p.add_argument("--profile", default="quick", choices=experiments.PROFILES, help="(default: quick)")
        p.add_argument("--run-dir", help="write this folder instead of runs/<experiment>/")
        add_strategy(p)
        p.add_argument("--restart", action="store_true", help="discard the backup and start training over")
        if exp.input_options:
            group = p.add_argument_group("your data")
            for option in exp.input_options:
                group.add_argument(flag(option), **DATA[option])
        group = p.add_argument_group("training (each sets the setting named in its help)")
        for option, target in exp.training_options.items():
            spec = dict(TRAINING[option])
            spec["help"] = f"{spec['help']}{_target_note(target)}; sets {target}"
            group.add_argument(flag(option), **spec)


def add_run_training_options(p: argparse.ArgumentParser) -> None:
    """`run EXPERIMENT` takes that experiment's training options too (the same as `train EXPERIMENT`), and keeps
    the result beside the profile's run as a variant."""
    group = p.add_argument_group("other settings, for one experiment (see frameforecast train EXPERIMENT --help)")
    group.add_argument("--variant", help="name the run with other settings (default: made from them, e.g. units-35)")
    for option, spec in TRAINING.items():
        group.add_argument(flag(option), **{"default": None, **spec})


def run_overrides(args) -> tuple[dict, str | None]:
    """(setting → value, variant name) for `run`; ({}, None) when it runs with the profile's settings."""
    given = {option: getattr(args, option) for option in TRAINING if getattr(args, option, None) is not None}
    if not given and not args.variant:
        return {}, None
    if len(args.experiments) != 1:
        raise UserError(
            "other settings (and --variant) are for one experiment at a time: frameforecast run EXPERIMENT "
            + " ".join(flag(o) for o in given or ["units"])
            + " …"
        )
    exp = experiments.get(args.experiments[0])
    unknown = [option for option in given if option not in exp.training_options]
    if unknown:
        raise UserError(
            f"{flag(unknown[0])} is not a training option of {exp.name}; its options are "
            + ", ".join(flag(o) for o in exp.training_options)
        )
    overrides = {exp.training_options[option]: value for option, value in given.items()}
    return overrides, args.variant or "-".join(f"{option.replace('_', '-')}-{v}" for option, v in given.items())


def training_overrides(args) -> dict:
    """setting → value for the options given to `train EXPERIMENT` (None where an option was not given)."""
    exp = experiments.get(args.experiment)
    out = {target: getattr(args, option) for option, target in exp.training_options.items()}
    out.update({option: getattr(args, option) for option in exp.input_options})
    return out


def data_overrides(args) -> dict:
    """The data options of evaluate/render, which name the run folder of user data."""
    return {option: getattr(args, option, None) for option in DATA}


def _options_of(p: argparse.ArgumentParser) -> list[dict]:
    return [
        {
            "flags": ", ".join(a.option_strings) or a.dest,
            "help": a.help or "",
            "default": a.default if a.default not in (None, False, argparse.SUPPRESS) else "",
        }
        for a in p._actions
        if not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction))
    ]


def reference(parser: argparse.ArgumentParser) -> list[dict]:
    """Every command (and `train EXPERIMENT`) with its options, read from the parser itself: data for the site."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands = []
    for name, p in sub.choices.items():
        nested = next((a for a in p._actions if isinstance(a, argparse._SubParsersAction)), None)
        commands.append(
            {
                "name": name,
                "description": p.description,
                "usage": p.format_usage().strip(),
                "epilog": p.epilog,
                "options": _options_of(p),
            }
        )
        for child, q in nested.choices.items() if nested else ():
            commands.append(
                {
                    "name": f"{name} {child}",
                    "description": q.description,
                    "usage": q.format_usage().strip(),
                    "epilog": None,
                    "options": _options_of(q),
                }
            )
    for command in commands:  # `train` has no options of its own: each `train EXPERIMENT` has them
        command["children"] = [c["name"] for c in commands if c["name"].startswith(command["name"] + " ")]
    return commands
