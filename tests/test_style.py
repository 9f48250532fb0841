"""The site's one style table (issue 40): every method its own colour, and every plot draws the model in the
model's colour, on top of the other lines."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_hex

from frameforecast.forecasters import peers, statistical
from frameforecast.models.baselines import VIDEO_BASELINES
from frameforecast.report import plots, style


def test_every_method_of_the_project_has_its_own_colour():
    names = [*VIDEO_BASELINES, *statistical.BASELINES, *peers.PEERS, "zero", "training mean", "input mean"]
    names += ["linear least-squares map", "per-window AR(4) extrapolation", "model", "truth", "shipped checkpoint"]
    assert all(name in style.COLOURS for name in names), [n for n in names if n not in style.COLOURS]
    assert len(set(style.COLOURS.values())) == len(style.COLOURS)
    assert style.COLOURS["model"] not in style.SPARE
    assert style.colour("a method nobody named") != style.COLOURS["model"]


def _figure_of(monkeypatch, draw):
    drawn = []
    monkeypatch.setattr(plots, "_save", lambda fig, path: drawn.append(fig))
    draw()
    return drawn[0]


def _series(n=40):
    return np.sin(np.arange(n) / 3.0) + 2


PLOTS = {
    "per_timestep_plot": lambda p: plots.per_timestep_plot(
        p,
        {name: {"per_timestep": {"mse": [1.0, 2.0], "ssim": [0.9, 0.8]}} for name in ("model", *VIDEO_BASELINES)},
        "t",
    ),
    "learning_on": lambda p: plots.learning_on(
        p,
        [{"minutes": 1.0, "mse_per_frame": 90.0, "ssim": 0.7}, {"minutes": 2.0, "mse_per_frame": 80.0, "ssim": 0.75}],
        {name: {"mse_per_frame": 100.0, "ssim": 0.6} for name in VIDEO_BASELINES},
        "t",
    ),
    "series_overview": lambda p: plots.series_overview(
        p,
        None,
        _series(),
        30,
        np.arange(30, 40),
        {"model": _series()[30:], "AutoARIMA": _series()[30:] + 0.1, "persistence": _series()[29:39]},
        "t",
        "y",
        peers=("AutoARIMA",),
    ),
    "series_zoom": lambda p: plots.series_zoom(p, None, _series(), np.arange(30, 40), _series()[30:], "t"),
    "signal_windows": lambda p: plots.signal_windows(
        p, np.zeros((2, 5, 1)), np.ones((2, 3, 1)), np.ones((2, 3, 1)), "t", {"zero": np.zeros((2, 3, 1))}
    ),
    "future_with_intervals": lambda p: plots.future_with_intervals(
        p,
        None,
        _series(),
        {
            "forecast": [1.0, 2.0],
            "lo80": [0.5, 1.5],
            "hi80": [1.5, 2.5],
            "lo95": [0.0, 1.0],
            "hi95": [2.0, 3.0],
            "times": ["a", "b"],
        },  # fmt: skip
        "t",
        "y",
    ),
}


@pytest.mark.parametrize("name", sorted(PLOTS))
def test_every_plot_draws_the_model_in_its_colour_on_top(monkeypatch, tmp_path, name):
    fig = _figure_of(monkeypatch, lambda: PLOTS[name](tmp_path / "plot.png"))
    lines = [line for ax in fig.axes for line in ax.get_lines()]
    model = [line for line in lines if line.get_label() in ("model", "forecast")]
    assert model, [line.get_label() for line in lines]
    for line in model:
        assert to_hex(line.get_color()) == style.COLOURS["model"], name
        assert line.get_zorder() == max(other.get_zorder() for other in lines), name
    others = [line for line in lines if line not in model and not line.get_label().startswith("_")]
    assert all(to_hex(line.get_color()) != style.COLOURS["model"] for line in others), name
