"""Bad input anywhere: one line naming the thing and the fix, exit status 2, no traceback, nothing written."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pytest
from conftest import write_monthly_csv

from frameforecast import cli


def run_cli(args, capsys, project):
    """Run the CLI in `project`; assert exit 2, one line on stderr, and no file created or changed."""
    before = {p: p.stat().st_mtime_ns for p in project.rglob("*")}
    code = cli.main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    after = {p: p.stat().st_mtime_ns for p in project.rglob("*")}
    assert after == before, "files were created or changed"
    return lines[0]


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_monthly_csv(tmp_path / "good.csv")
    return tmp_path


def lookback(csv, column="sales", *extra):
    return ["train", "lookback", "--profile", "smoke", "--csv", str(csv), "--column", column, *extra]


def test_missing_file(project, capsys):
    line = run_cli(lookback("nope.csv"), capsys, project)
    assert "nope.csv" in line and "not found" in line


def test_unknown_column(project, capsys):
    line = run_cli(lookback("good.csv", "price"), capsys, project)
    assert "'price'" in line and "'sales'" in line and "--column" in line


def test_non_numeric_cell(project, capsys):
    text = (project / "good.csv").read_text().splitlines()
    text[5] = text[5].split(",")[0] + ",twelve"
    (project / "bad.csv").write_text("\n".join(text) + "\n")
    line = run_cli(lookback("bad.csv"), capsys, project)
    assert "'twelve'" in line and "line 6" in line


def test_too_few_rows_says_how_many_are_needed(project, capsys):
    text = (project / "good.csv").read_text().splitlines()
    (project / "short.csv").write_text("\n".join(text[:12]) + "\n")
    line = run_cli(lookback("short.csv", "sales", "--season", "12"), capsys, project)
    assert "too few" in line and "at least" in line and "rows are needed" in line


def test_empty_file(project, capsys):
    (project / "empty.csv").write_text("")
    line = run_cli(lookback("empty.csv"), capsys, project)
    assert "empty" in line


def test_header_only(project, capsys):
    (project / "header.csv").write_text("month,sales\n")
    assert "no data rows" in run_cli(lookback("header.csv"), capsys, project)


def test_unreadable_csv(project, capsys):
    (project / "binary.csv").write_bytes(bytes(range(256)) * 4)
    line = run_cli(lookback("binary.csv"), capsys, project)
    assert "binary.csv" in line


def test_nan_in_series_says_where_and_fill_interpolates(project, capsys):
    text = (project / "good.csv").read_text().splitlines()
    text[8] = text[8].split(",")[0] + ","
    (project / "gap.csv").write_text("\n".join(text) + "\n")
    line = run_cli(lookback("gap.csv"), capsys, project)
    assert "missing" in line and "line 9" in line and "--fill" in line
    from frameforecast.datasets import series

    filled = series.load_csv(project / "gap.csv", ["sales"], fill=True)
    assert not np.isnan(filled.values).any()


def test_look_back_longer_than_series(project, capsys):
    line = run_cli(lookback("good.csv", "sales", "--look-back", "500", "--time-column", "month"), capsys, project)
    assert "look_back 500" in line and "rows are needed" in line


@pytest.mark.parametrize(
    "args,expected",
    [
        (["train", "no-such-experiment"], "invalid choice: 'no-such-experiment'"),
        (["train", "mnist-predict", "--profile", "huge"], "invalid choice: 'huge'"),
        (["train", "mnist-predict", "--epochs", "-1"], "must be at least 1"),
        (["train", "mnist-predict", "--batch-size", "0"], "must be at least 1"),
        (["train", "mnist-predict", "--learning-rate", "abc"], "expected a number"),
        (["train", "mnist-predict", "--strategy", "magic"], "invalid choice: 'magic'"),
        (
            ["train", "milk-lookback", "--time-budget", "5"],
            "--time-budget 5: not an option of this command (see frameforecast train milk-lookback --help)",
        ),
        (["train", "signals-1", "--seeds", "3"], "--seeds 3: not an option"),
        (["evaluate", "milk-lookback", "--test-set", "standard"], "--test-set is for the video experiments"),
        (["train", "mnist-predict", "--canvas", "24"], "--canvas 24 is smaller than a Moving MNIST digit"),
        (["train", "mnist-predict", "--data", "clips"], "--data clips: not an option"),
        (["evaluate", "mnist-predict", "--profile", "smoke"], "train"),
    ],
)
def test_bad_cli_values(project, capsys, args, expected):
    assert expected in run_cli(args, capsys, project)


def test_port_in_use(project, capsys):
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("<html></html>")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        line = run_cli(["serve", "--port", str(port)], capsys, project)
    assert f"port {port}" in line and "already in use" in line


@pytest.mark.parametrize("command", ["evaluate", "render"])
def test_a_stage_before_training_names_the_train_command(command, project, capsys):
    line = run_cli([command, "mnist-predict", "--profile", "smoke"], capsys, project)
    assert line == (
        "frameforecast: error: runs/mnist-predict has no trained model; "
        "run: frameforecast train mnist-predict --profile smoke"
    )


@pytest.mark.parametrize(
    "name, overrides, expected",
    [
        ("signals-2", {"tuned.rnn": "gruu"}, "tuned mode: rnn = 'gruu' is not one of the choices: 'gru', 'lstm'"),
        ("signals-2", {"tuned.lr_schedule": "cosin"}, "lr_schedule = 'cosin' is not one of the choices"),
        ("signals-2", {"tuned.colour": 1}, "'colour' is not a setting of this experiment; its settings are "),
        ("milk-lookback", {"date_order": "dayfirst"}, "date_order = 'dayfirst' is not one of the choices"),
    ],
)
def test_a_misspelt_choice_or_an_unknown_setting_is_one_line_naming_the_choices(name, overrides, expected):
    from frameforecast.config import experiments
    from frameforecast.errors import UserError

    with pytest.raises(UserError) as refused:
        experiments.get(name).config("quick", overrides)
    assert expected in str(refused.value) and "\n" not in str(refused.value)


def _choice_fields():
    """(experiment, setting, its choices) for every field with fixed choices, in every family's config and
    mode class, and the video task (checked against the task registry)."""
    import dataclasses
    import typing

    from frameforecast import families, video_tasks
    from frameforecast.config import classes, experiments

    found = [("mnist-predict", "task", tuple(video_tasks.TASKS))]
    for family in ("video", "lookback", "seq2seq", "signals"):
        name = next(n for n, e in experiments.EXPERIMENTS.items() if e.family == family and not e.needs_input)
        cls = families.get(family).config
        hints = typing.get_type_hints(cls)
        owners = [("", cls)] + [(f"{f}.", hints[f]) for f in hints if dataclasses.is_dataclass(hints[f])]
        if "method" in hints:  # the model's own settings, of the class its method module declares
            method = experiments.get(name).config("quick").method
            owners.append(("model.", classes.method_module(method).Settings))
        for prefix, klass in owners:
            for field, hint in typing.get_type_hints(klass).items():
                choices = classes.choices_of(hint)
                if choices:
                    found.append((name, prefix + field, choices))
    return found


@pytest.mark.parametrize("name, setting, choices", _choice_fields(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_setting_with_choices_refuses_a_misspelt_one_naming_the_field_and_the_choices(name, setting, choices):
    from frameforecast.config import experiments
    from frameforecast.errors import UserError

    misspelt = choices[0][:-1] + choices[0][-1] * 2 + "x"
    with pytest.raises(UserError) as refused:
        experiments.get(name).config("quick", {setting: misspelt})
    message = str(refused.value)
    assert "\n" not in message and f"{setting.split('.')[-1]} = {misspelt!r}" in message
    assert all(repr(choice) in message for choice in choices), message


def test_a_misspelt_choice_on_the_command_line_is_one_line_and_status_2(project, capsys):
    from frameforecast import cli

    assert cli.main(["train", "mnist-predict", "--profile", "smoke", "--forecaster", "next-frme"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "next-frme" in err and "next-frame" in err, err
    assert not Path("runs").exists() or not any(Path("runs").iterdir())  # nothing half-made


def _commands() -> list[list[str]]:
    import argparse

    sub = next(a for a in cli.build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return [[]] + [[name] for name in sub.choices]


@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c) or "frameforecast")
def test_every_command_prints_its_help(command, capsys):
    """A '%' in a help text is argparse's format character: --help once ended in a TypeError."""
    try:
        code = cli.main([*command, "--help"])
    except SystemExit as stopped:
        code = stopped.code
    assert code in (0, None)
    assert "usage: frameforecast" in capsys.readouterr().out
