"""The documentation pages stay true: the reference page lists exactly the parser's options, the
methodology page's parameter counts are the built models' count_params()."""

from __future__ import annotations

import argparse
import re

import keras
import pytest

from frameforecast import experiments
from frameforecast.cli import build_parser
from frameforecast.report import docs


def parser_options() -> set[tuple[str, str]]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    found = set()
    for name, p in sub.choices.items():
        for action in p._actions:
            if not isinstance(action, argparse._HelpAction):
                found.add((name, ", ".join(action.option_strings) or action.dest))
    return found


def page_options(html: str) -> set[tuple[str, str]]:
    found = set()
    for section in re.finditer(r'<section id="cmd-([a-z]+)">(.*?)</section>', html, re.S):
        for option in re.findall(r'<code class="option">(.*?)</code>', section.group(2)):
            found.add((section.group(1), option))
    return found


def test_reference_page_lists_exactly_the_parser_options(smoke_suite):
    html = (smoke_suite / "site" / "reference.html").read_text()
    assert page_options(html) == parser_options()
    assert len(parser_options()) > 30


def test_reference_check_would_catch_a_missing_option(smoke_suite):
    html = (smoke_suite / "site" / "reference.html").read_text()
    trimmed = html.replace('<code class="option">--time-budget</code>', "", 1)
    assert page_options(trimmed) != parser_options()


def test_api_reference_generated_by_pdoc(smoke_suite):
    api = smoke_suite / "site" / "api"
    assert (api / "index.html").exists()
    text = (api / "frameforecast" / "metrics.html").read_text()
    assert "mse_per_frame" in text and "OpenSTL" in text


@pytest.mark.parametrize("name", [n for n in experiments.EXPERIMENTS if n != "lookback"])
def test_methodology_parameter_counts_match_the_built_models(smoke_suite, name):
    import json

    html = (smoke_suite / "site" / "methodology.html").read_text()
    shown = int(re.search(rf'data-experiment="{re.escape(name)}">(\d+)<', html).group(1))
    config_path = smoke_suite / "runs" / name / "config.json"
    cfg = json.loads(config_path.read_text()) if config_path.exists() else experiments.get(name).config("quick")
    keras.backend.clear_session()
    assert shown == docs.model_for(name, cfg).count_params()
