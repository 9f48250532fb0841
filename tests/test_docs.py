"""The documentation pages stay true: the reference page lists exactly the parser's options, the
methodology page's parameter counts are the built models' count_params()."""

from __future__ import annotations

import re

import pytest

from frameforecast.cli import build_parser
from frameforecast.config import experiments, options
from frameforecast.training import load_model, members_of


def parser_options() -> set[tuple[str, str]]:
    """(command, option) for every command and every `train EXPERIMENT`, read from the parser."""
    return {(c["name"].replace(" ", "-"), o["flags"]) for c in options.reference(build_parser()) for o in c["options"]}


def page_options(html: str) -> set[tuple[str, str]]:
    found = set()
    for section in re.finditer(r'<section id="cmd-([a-z0-9-]+)">(.*?)</section>', html, re.S):
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


def test_api_reference_leaves_no_temporary_folder(tmp_path, monkeypatch):
    """The command ends with os._exit, which runs no clean-up: the rendering's own folder must be gone at once."""
    import tempfile

    from frameforecast.report import docs

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    docs._rendered_api.cache_clear()
    try:
        docs.api_reference(tmp_path / "site" / "api")
    finally:
        docs._rendered_api.cache_clear()
    assert (tmp_path / "site" / "api" / "frameforecast" / "metrics.html").exists()
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("name", [n for n, e in experiments.EXPERIMENTS.items() if not e.user_template])
def test_methodology_parameter_counts_are_the_trained_models(smoke_suite, name):
    """The site never builds a model: the count it shows comes from the run's model_summary.json, which must be
    the saved model's own count_params()."""
    html = (smoke_suite / "site" / "methodology.html").read_text()
    shown = re.search(rf'data-experiment="{re.escape(name)}">(\d+)<', html)
    run = smoke_suite / "runs" / name
    models = sorted(run.glob("**/model.keras"), key=lambda p: ("corrected" not in str(p), len(p.parts), str(p)))
    if not models:
        assert shown is None and "Not run yet" in html
        return
    model = load_model(models[0])
    members = members_of(model)  # a series run's seeds train as members of one model: the page counts one
    assert int(shown.group(1)) == (members[0] if members else model).count_params()


def test_every_train_experiment_has_its_own_reference_section(smoke_suite):
    html = (smoke_suite / "site" / "reference.html").read_text()
    for name in experiments.EXPERIMENTS:
        assert f'id="cmd-train-{name}"' in html
    milk = dict(page_options(html))
    assert ("train-milk-lookback", "--time-budget") not in page_options(html) and "train-milk-lookback" in milk
