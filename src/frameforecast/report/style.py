"""The site's one style table: every method's colour, used by every plot. The model is red, drawn on top and
thicker; the truth black; every other method has its own colour, the same on every page."""

from __future__ import annotations

MODEL = "model"
MODEL_Z = 10  # the model is drawn above every other line
COLOURS = {
    MODEL: "#d62728",
    "truth": "#000000",
    "input": "#6baed6",
    "shipped checkpoint": "#843c39",
    # video baselines
    "all-black frame": "#393b79",
    "copy last frame": "#7f7f7f",
    "mean input frame": "#17becf",
    "optical flow": "#2ca02c",
    # series baselines and peers
    "persistence": "#bcbd22",
    "drift": "#9467bd",
    "seasonal naive": "#1f77b4",
    "seasonal naive + last change": "#98df8a",
    "Holt-Winters": "#ff7f0e",
    "AutoARIMA": "#8c564b",
    "AutoETS": "#e377c2",
    "AutoTheta": "#637939",
    # signal baselines
    "zero": "#dbdb8d",
    "training mean": "#c49c94",
    "input mean": "#9edae5",
    "linear least-squares map": "#ffbb78",
    "per-window AR(4) extrapolation": "#7b4173",
}
SPARE = ("#e7ba52", "#5254a3", "#cedb9c", "#ad494a", "#3182bd", "#fd8d3c")  # methods the table does not name


def colour(name: str) -> str:
    """The colour of a method on every plot of the site (a name the table lacks gets a spare one, never the
    model's)."""
    if name in COLOURS:
        return COLOURS[name]
    return SPARE[sum(name.encode()) % len(SPARE)]


def model_line(**extra) -> dict:
    """Matplotlib keywords of the model's line: its colour, thick, on top."""
    return {"color": COLOURS[MODEL], "lw": 2.4, "zorder": MODEL_Z, **extra}
