"""The five model families, registered once: each names its typed config, its stage module (prepare, train,
evaluate, render) and its report (headline and page tables for the site), and which `evaluate` options it
reads. Modules load on first use, so a command that fails on its input, and the site, need no TensorFlow."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from frameforecast.config import classes
from frameforecast.config.classes import RunSettings
from frameforecast.errors import UserError


@dataclass(frozen=True)
class Family:
    name: str
    config: type  # the typed config (config/classes.py)
    stages: str  # module with train(cfg, run_dir, …), evaluate(cfg, run_dir, …), render(cfg, run_dir)
    data: str  # "module:function" that loads a config's bundled data once (the suite's data stage)
    report: str  # "module:Object" with headline(metrics) and page(card, metrics) for the site
    template: str  # the page template
    evaluate_options: dict = field(default_factory=dict)  # evaluate's command-line option → keyword argument
    check: str | None = None  # "module:function" that refuses a config the family cannot run, in one line

    def checked(self, settings: dict, where: str) -> RunSettings:
        """The family's typed config from plain data (the table's merged row, or a saved config.json)."""
        cfg = classes.build(self.config, settings, where)
        if self.check:
            try:
                resolve(self.check)(cfg)
            except UserError as exc:
                raise UserError(f"{where}: {exc}") from None
        return cfg

    def stage_module(self):
        return importlib.import_module(self.stages)

    def report_view(self):
        return resolve(self.report)

    def load_data(self, cfg: RunSettings) -> None:
        resolve(self.data)(cfg)


def resolve(target: str):
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


SERIES_DATA = "frameforecast.datasets.series:load_for"

FAMILIES = {
    family.name: family
    for family in (
        Family(
            "video",
            classes.VideoConfig,
            "frameforecast.stages.video",
            "frameforecast.datasets.moving_mnist:load_for",
            "frameforecast.report.video_view:Video",
            "video",
            {"test_set": "test_set", "limit": "limit", "standard_file": "standard_path"},
            "frameforecast.video_tasks:check",
        ),
        Family(
            "lookback",
            classes.LookbackConfig,
            "frameforecast.stages.lookback",
            SERIES_DATA,
            "frameforecast.report.series_view:Lookback",
            "series",
        ),
        Family(
            "seq2seq",
            classes.Seq2seqConfig,
            "frameforecast.stages.seq2seq",
            SERIES_DATA,
            "frameforecast.report.series_view:Seq2seq",
            "series",
        ),
        Family(
            "signals",
            classes.SignalsConfig,
            "frameforecast.stages.signals",
            SERIES_DATA,
            "frameforecast.report.series_view:Signals",
            "series",
        ),
        Family(
            "panel",
            classes.PanelConfig,
            "frameforecast.stages.panel",
            "frameforecast.datasets.panels:load_for",
            "frameforecast.report.panel_view:PanelView",
            "panel",
        ),
    )
}


def get(name: str) -> Family:
    if name not in FAMILIES:
        raise UserError(f"unknown model family {name!r}; one of {', '.join(FAMILIES)}")
    return FAMILIES[name]
