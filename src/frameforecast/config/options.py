"""Command-line options, generated from the settings classes: each option is a settings field marked
`option=True` (config/classes.py, frameforecast/methods/), with the field's type, choices and help, so a setting is
written once. `frameforecast train EXPERIMENT --help` lists exactly the options that experiment's code reads."""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from typing import Literal

from frameforecast import families
from frameforecast.config import classes, experiments, parsers
from frameforecast.distribution import STRATEGIES
from frameforecast.errors import UserError

FLAG = dict(action="store_true", default=None)  # None when absent: the profile's value stands


@dataclasses.dataclass(frozen=True)
class Option:
    name: str  # the option without its dashes, with underscores (look_back)
    target: str  # the setting it sets, dotted inside nested settings (corrected.look_back, model.filters)
    field: dataclasses.Field
    hint: object

    def spec(self) -> dict:
        """argparse keyword arguments, from the field's type, choices and help."""
        meta, hint = self.field.metadata, self.hint
        args = [a for a in typing.get_args(hint) if a is not type(None)] if _is_union(hint) else [hint]
        if meta.get("parse"):
            spec = dict(type=meta["parse"])
        elif args == [bool]:
            spec = dict(FLAG)
        elif all(typing.get_origin(a) is Literal for a in args):
            hidden = meta.get("not_offered", ())
            spec = dict(choices=[c for c in classes.choices_of(hint) if c not in hidden])
        elif args == [int]:
            spec = dict(type=parsers.positive_int)
        elif args == [float]:
            spec = dict(type=parsers.positive_float)
        else:
            spec = {}
        return {**spec, "help": meta["help"]}


def _is_union(hint) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType)


def _marked(cls, prefix: str = "") -> list[Option]:
    hints = classes.type_hints(cls)
    return [
        Option(f.metadata.get("flag", f.name), prefix + f.name, f, hints[f.name])
        for f in classes.settings_fields(cls).values()
        if f.metadata.get("option")
    ]


def all_options(exp: experiments.Experiment) -> list[Option]:
    """Every option of an experiment's settings: its family's, its tuned mode's and its method's."""
    cls = families.get(exp.family).config
    found = _marked(cls)
    if cls.TUNED_MODE:
        found += _marked(classes.type_hints(cls)[cls.TUNED_MODE], cls.TUNED_MODE + ".")
    if "method" in classes.settings_fields(cls):
        found += _marked(classes.method_module(exp.method).Settings, "model.")
    names = [o.name for o in found]
    clash = next((n for n in names if names.count(n) > 1), None)
    if clash:
        raise UserError(f"{exp.name}: two settings would both be --{clash.replace('_', '-')}; rename one")
    return found


def training_options(exp: experiments.Experiment) -> dict[str, Option]:
    """option → Option, for the training options this experiment offers (its row may offer fewer)."""
    return {
        o.name: o for o in all_options(exp) if not o.field.metadata.get("input") and o.name not in exp.without_options
    }


def input_options(exp: experiments.Experiment) -> dict[str, Option]:
    """Its "your data" options: only an experiment that needs your data offers them."""
    if not exp.needs_input:
        return {}
    return {
        o.name: o
        for o in all_options(exp)
        if o.field.metadata.get("input") and (exp.data_options is None or o.name in exp.data_options)
    }


def every_input_option() -> dict[str, Option]:
    """The data options of every experiment (evaluate and render name a run of your data by them)."""
    out = {}
    for exp in experiments.EXPERIMENTS.values():
        out.update({o.name: o for o in all_options(exp) if o.field.metadata.get("input")})
    return out


def flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _target_note(target: str) -> str:
    mode, _, _ = target.rpartition(".")
    return {
        "corrected": " (the corrected mode; the faithful mode keeps the original's)",
        "tuned": " (the tuned mode; the faithful mode keeps the original's)",
        "faithful": " (the faithful mode)",
    }.get(mode, "")


def add_strategy(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--strategy", default="default", choices=STRATEGIES, help="tf.distribute strategy (default: default)"
    )


def add_data_options(p: argparse.ArgumentParser, skip: tuple = ()) -> None:
    group = p.add_argument_group("your data (name the run of your data)")
    for name, option in every_input_option().items():
        if name in skip:
            continue
        group.add_argument(flag(name), **{**option.spec(), "default": None})


def add_experiment_parsers(train, parser_class) -> None:
    """One `train EXPERIMENT` parser per experiment, with exactly the options that experiment reads."""
    sub = train.add_subparsers(dest="experiment", required=True, metavar="EXPERIMENT", parser_class=parser_class)
    for name, exp in experiments.EXPERIMENTS.items():
        p = sub.add_parser(name, help=exp.title, description=f"Train {name}: {exp.title}. {exp.summary}")
        p.add_argument("--profile", default="quick", choices=experiments.PROFILES, help="(default: quick)")
        p.add_argument("--run-dir", help="write this folder instead of runs/<experiment>/")
        add_strategy(p)
        p.add_argument("--restart", action="store_true", help="discard the backup and start training over")
        inputs = input_options(exp)
        if inputs:
            group = p.add_argument_group("your data")
            for option in inputs.values():
                group.add_argument(flag(option.name), **option.spec())
        group = p.add_argument_group("training (each sets the setting named in its help)")
        for option in training_options(exp).values():
            spec = option.spec()
            spec["help"] = f"{spec['help']}{_target_note(option.target)}; sets {option.target}"
            group.add_argument(flag(option.name), **spec)


def add_run_training_options(p: argparse.ArgumentParser) -> None:
    """`run EXPERIMENT` takes that experiment's training options too (the same as `train EXPERIMENT`), and keeps
    the result beside the profile's run as a variant. One option may have other choices in another experiment:
    the union is offered here, and the experiment's own settings check the value."""
    group = p.add_argument_group("other settings, for one experiment (see frameforecast train EXPERIMENT --help)")
    group.add_argument("--variant", help="name the run with other settings (default: made from them, e.g. units-35)")
    specs: dict[str, dict] = {}
    for exp in experiments.EXPERIMENTS.values():
        for option in training_options(exp).values():
            spec = option.spec()
            if option.name in specs and "choices" in spec:
                spec["choices"] = list(dict.fromkeys(specs[option.name].get("choices", []) + spec["choices"]))
            specs[option.name] = spec
    for name, spec in specs.items():
        group.add_argument(flag(name), **{"default": None, **spec})


def _run_options() -> dict[str, None]:
    return {o: None for exp in experiments.EXPERIMENTS.values() for o in training_options(exp)}


def run_overrides(args) -> tuple[dict, str | None]:
    """(setting → value, variant name) for `run`; ({}, None) when it runs with the profile's settings. Your data
    (--csv …) names its own run folder; other training settings make a variant."""
    given = {option: getattr(args, option) for option in _run_options() if getattr(args, option, None) is not None}
    data = {name: getattr(args, name) for name in every_input_option() if getattr(args, name, None) is not None}
    if not given and not data and not args.variant:
        return {}, None
    if len(args.experiments) != 1:
        raise UserError(
            "other settings, your data (and --variant) are for one experiment at a time: frameforecast run "
            "EXPERIMENT " + " ".join(flag(o) for o in [*given, *data] or ["units"]) + " …"
        )
    exp = experiments.get(args.experiments[0])
    offered = training_options(exp)
    unknown = [option for option in given if option not in offered]
    if unknown:
        raise UserError(
            f"{flag(unknown[0])} is not a training option of {exp.name}; its options are "
            + ", ".join(flag(o) for o in offered)
        )
    offered_data = input_options(exp)
    _refuse_other_data(list(data), exp)
    overrides = {offered[option].target: value for option, value in given.items()}
    overrides.update({offered_data[name].target: value for name, value in data.items()})
    variant = args.variant or ("-".join(f"{option.replace('_', '-')}-{v}" for option, v in given.items()) or None)
    return overrides, variant


def training_overrides(args) -> dict:
    """setting → value for the options given to `train EXPERIMENT` (None where an option was not given)."""
    exp = experiments.get(args.experiment)
    out = {o.target: getattr(args, name) for name, o in training_options(exp).items()}
    out.update({o.target: getattr(args, name) for name, o in input_options(exp).items()})
    return out


def data_overrides(args, own: tuple = ()) -> dict:
    """The data options of evaluate/render/forecast that the experiment offers, which name the run folder of user
    data (`own`: options the command itself defines, such as forecast's --horizon, which are not data options)."""
    exp = experiments.get(args.experiment)
    given = [name for name in every_input_option() if name not in own and getattr(args, name, None) is not None]
    _refuse_other_data(given, exp)
    return {o.target: getattr(args, name, None) for name, o in input_options(exp).items() if name not in own}


def _refuse_other_data(given: list[str], exp: experiments.Experiment) -> None:
    """UserError naming the first of `given` (data options) that `exp` does not offer."""
    offered = input_options(exp)
    unknown = [name for name in given if name not in offered]
    if unknown:
        said = f"its data options are {', '.join(map(flag, offered))}" if offered else "it reads no data of yours"
        raise UserError(f"{flag(unknown[0])} is not a data option of {exp.name}; {said}")


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
