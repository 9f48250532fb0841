"""Matplotlib (Agg) plots saved as PNG: per-timestep curves, training curves, series forecasts."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["text.parse_math"] = False  # a column named "$x$" is printed as written, not as mathtext
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from frameforecast.atomic import atomic_path  # noqa: E402
from frameforecast.report.style import colour, model_line  # noqa: E402

PEER_STYLE = dict(lw=1.3, ls="-.")


def _save(fig, path: Path) -> None:
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)


def per_timestep_plot(path: Path, results: dict, title: str) -> None:
    """MSE per frame and SSIM by frame ahead: the model and the best baseline (lowest mean MSE; the others are
    in the table and the sequence browser)."""
    fig, (ax_mse, ax_ssim) = plt.subplots(1, 2, figsize=(10, 3.6))
    others = {n: np.mean(r["per_timestep"]["mse"]) for n, r in results.items() if n != "model"}
    best = min(others, key=others.get) if others else None
    for name, scores in ((n, r) for n, r in results.items() if n in ("model", best)):
        curve = scores["per_timestep"]
        steps = np.arange(1, len(curve["mse"]) + 1)
        style = model_line() if name == "model" else dict(lw=1.2, ls="--", color=colour(name))
        ax_mse.plot(steps, curve["mse"], label=name, **style)
        ax_ssim.plot(steps, curve["ssim"], label=name, **style)
    ax_mse.set(xlabel="frame", ylabel="MSE per frame (sum over pixels)", title=title)
    ax_ssim.set(xlabel="frame", ylabel="SSIM (data_range 1.0)")
    ax_mse.grid(alpha=0.3)
    ax_ssim.grid(alpha=0.3)
    ax_ssim.legend(fontsize=8)
    _save(fig, path)


def learning_on(path: Path, points: list[dict], baselines: dict, title: str) -> None:
    """Test MSE/frame and SSIM of the model against the minutes it has trained, each baseline a flat line."""
    minutes = [p["minutes"] for p in points]
    fig, (ax_mse, ax_ssim) = plt.subplots(1, 2, figsize=(10, 3.4))
    for ax, key, label in ((ax_mse, "mse_per_frame", "test MSE per frame"), (ax_ssim, "ssim", "test SSIM")):
        for name, scores in baselines.items():
            if scores.get(key) is not None:
                ax.axhline(scores[key], color=colour(name), lw=1.1, ls="--", label=name)
        ax.plot(minutes, [p[key] for p in points], label="model", **model_line(marker="o"))
        ax.set(xlabel="minutes trained (all rounds)", ylabel=label)
        ax.grid(alpha=0.3)
    ax_mse.set_title(f"{title}: learning on")
    ax_ssim.legend(fontsize=8, loc="lower right")
    _save(fig, path)


def training_curves(history_csv: Path, path: Path) -> None:
    """Every loss column of a history.csv against integer epochs; for a model of independent seeds (columns
    seed_0_loss, …) each seed's loss thin and their mean bold, training solid and validation dashed."""
    from matplotlib.ticker import MaxNLocator

    history = pd.read_csv(history_csv)
    epochs = history["epoch"] + 1
    fig, ax = plt.subplots(figsize=(6, 3.4))
    seeds = sorted(c for c in history.columns if re.fullmatch(r"seed_\d+_loss", c))
    if seeds:
        for prefix, style, label in (("", "-", "training"), ("val_", "--", "validation")):
            columns = [prefix + c for c in seeds if prefix + c in history]
            if not columns:
                continue
            for column in columns:
                ax.plot(epochs, history[column], ls=style, color="0.6", lw=0.8)
            mean = history[columns].mean(axis=1)
            ax.plot(epochs, mean, label=f"{label} (mean of {len(columns)} seeds)", **model_line(ls=style, lw=2))
        shown = history[[c for c in history.columns if "seed_" in c]]
    else:
        for column in history.columns:
            if column.endswith("loss") and history[column].notna().any():
                ax.plot(epochs, history[column], marker="o", ms=3, label=column)
        shown = history.filter(like="loss")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set(xlabel="epoch", ylabel="loss (the training objective)", title="training curves")
    if (shown.dropna(how="all", axis=1) > 0).all().all():
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    _save(fig, path)


def overlaid_curves(histories: dict, path: Path) -> None:
    """The training loss of several runs of one experiment on one plot (validation loss dashed, where a run
    has one), so that their settings can be compared."""
    fig, ax = plt.subplots(figsize=(7, 3.6))
    positive = True
    for number, (label, history_csv) in enumerate(histories.items()):
        history = pd.read_csv(history_csv)
        colour = f"C{number % 10}"
        ax.plot(history["epoch"] + 1, history["loss"], color=colour, lw=1.4, label=f"{label}: training")
        positive &= bool((history["loss"] > 0).all())
        if "val_loss" in history:
            ax.plot(
                history["epoch"] + 1, history["val_loss"], color=colour, ls="--", lw=1.2, label=f"{label}: validation"
            )
    ax.set(xlabel="epoch", ylabel="loss (the experiment's training loss)", title="learning curves of the variants")
    if positive:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    _save(fig, path)


def series_overview(
    path: Path,
    times,
    values: np.ndarray,
    train_end: int,
    test_index: np.ndarray,
    forecasts: dict,
    title: str,
    ylabel: str,
    peers=(),
) -> None:
    """The whole series with the training part shaded, the truth, the model's test forecasts and the best
    alternative's (the lowest RMSE on these points; a peer named in `peers` is drawn dash-dotted). The other
    alternatives are in the tables and the window browser, not on top of the model."""
    x = np.arange(len(values)) if times is None else np.asarray(times)
    truth = np.asarray(values, float)[test_index]
    others = {n: f for n, f in forecasts.items() if n != "model"}
    errors = {n: float(np.sqrt(np.nanmean((np.asarray(f, float) - truth) ** 2))) for n, f in others.items()}
    best = min(errors, key=errors.get) if errors else None
    shown = {n: f for n, f in forecasts.items() if n in ("model", best)}
    if len(others) > 1:
        title += f"\nbest alternative shown; the other {len(others) - 1} are in the tables and the window browser"
    fig, ax = plt.subplots(figsize=(10, 3.8))
    ax.axvspan(x[0], x[train_end - 1], color="#e8eef7", label="training part")
    ax.plot(x, values, color=colour("truth"), lw=1.4, label="truth")
    for name, forecast in shown.items():
        style = (
            model_line()
            if name == "model"
            else dict(PEER_STYLE, color=colour(name))
            if name in peers
            else dict(lw=1, ls="--", color=colour(name))
        )
        ax.plot(x[test_index], forecast, label=name, **style)
    ax.set(title=title, ylabel=ylabel, xlabel="time" if times is not None else "position in the series (rows)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=3)
    _save(fig, path)


def series_zoom(path: Path, times, values: np.ndarray, test_index: np.ndarray, model: np.ndarray, title: str) -> None:
    """The test part only, with the truth shifted by one step: a model that overlaps the shifted truth only lags."""
    x = np.arange(len(values)) if times is None else np.asarray(times)
    fig, ax = plt.subplots(figsize=(10, 3.4))
    ax.plot(x[test_index], values[test_index], color=colour("truth"), lw=1.6, label="truth")
    ax.plot(
        x[test_index],
        values[test_index - 1],
        color=colour("persistence"),
        ls=":",
        lw=1.4,
        label="truth one step late (persistence)",
    )
    ax.plot(x[test_index], model, label="model", **model_line())
    ax.set(title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    _save(fig, path)


def residual_histogram(path: Path, residuals: np.ndarray, title: str) -> None:
    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.hist(residuals, bins=20, color=colour("model"), alpha=0.8)
    ax.axvline(0, color="black", lw=1)
    ax.set(title=title, xlabel="truth − forecast (the series' units)", ylabel="count of test points")
    _save(fig, path)


def ratio_histogram(path: Path, ratios: np.ndarray, title: str) -> None:
    """Per-series ratios of the model's error to a peer's, on a log axis (1: a tie; left of it the model wins)."""
    fig, ax = plt.subplots(figsize=(7, 3.4))
    finite = ratios[np.isfinite(ratios) & (ratios > 0)]
    if len(finite):
        low, high = min(finite.min(), 0.5), max(finite.max(), 2.0)
        bins = np.geomspace(low, high, 40)
        ax.hist(finite, bins=bins, color=colour("model"), alpha=0.8)
        ax.set_xscale("log")
        ax.set_xticks([t for t in (0.125, 0.25, 0.5, 1, 2, 4, 8) if low <= t <= high])
        ax.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.axvline(1, color="black", lw=1)
        ax.axvline(float(np.median(finite)), color=colour("model"), lw=1.5, ls="--", label="median")
        ax.legend(frameon=False)
    ax.set(title=title, xlabel="model's error ÷ the peer's (log scale)", ylabel="series")
    ax.title.set_fontsize(9)
    _save(fig, path)


def signal_windows(
    path: Path, past: np.ndarray, future: np.ndarray, pred: np.ndarray, title: str, baselines: dict | None = None
) -> None:
    """The original's style: past (input), true future, the model's prediction and the best baseline's
    (dashed; lowest RMSE over these windows, the others are in the table), for a few test windows; one panel
    per window and feature."""
    baselines = baselines or {}
    if len(baselines) > 1:
        errors = {n: float(np.sqrt(np.mean((np.asarray(f) - future) ** 2))) for n, f in baselines.items()}
        best = min(errors, key=errors.get)
        baselines = {best: baselines[best]}
    count, n_in, features = past.shape
    fig, axes = plt.subplots(count, features, figsize=(5 + 3 * features, 2.1 * count), squeeze=False)
    ahead = range(n_in, n_in + future.shape[1])
    for i in range(count):
        for f in range(features):
            ax = axes[i, f]
            ax.plot(range(n_in), past[i, :, f], "o-", color=colour("input"), ms=3, lw=1, label="past (input)")
            ax.plot(ahead, future[i, :, f], "x-", color=colour("truth"), ms=4, lw=1.2, label="true future")
            for name, forecast in baselines.items():
                ax.plot(ahead, forecast[i, :, f], "--", color=colour(name), lw=0.9, alpha=0.8, label=name)
            ax.plot(ahead, pred[i, :, f], "o-", label="model", **model_line(ms=3, lw=1.8))
            ax.grid(alpha=0.3)
            ax.set_ylabel(f"value (window {i + 1})" if features == 1 else f"feature {f + 1}, window {i + 1}")
    for ax in axes[-1]:
        ax.set_xlabel("time step (input, then forecast)")
    axes[0, 0].set_title(title)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=7, loc="upper center", ncol=4, bbox_to_anchor=(0.5, 0.0))
    _save(fig, path)


def future_with_intervals(path: Path, times, values: np.ndarray, future: dict, title: str, ylabel: str) -> None:
    """The last part of the series, then the forecast with its 80 % and 95 % intervals."""
    shown = min(len(values), 4 * len(future["forecast"]))
    try:
        ahead = None if times is None else pd.to_datetime(future["times"])
    except (ValueError, pd.errors.OutOfBoundsDatetime):  # steps past 2262, the last year pandas can hold
        times = None
    if times is None:
        x = np.arange(len(values))[-shown:]
        ahead = np.arange(len(values), len(values) + len(future["forecast"]))
    else:
        x = np.asarray(times)[-shown:]
    fig, ax = plt.subplots(figsize=(10, 3.6))
    ax.plot(x, values[-shown:], color=colour("truth"), lw=1.4, label="observed")
    for level, alpha in ((95, 0.15), (80, 0.3)):
        low, high = (np.array(future[f"{side}{level}"], dtype=float) for side in ("lo", "hi"))  # None → nan: no band
        ax.fill_between(ahead, low, high, color=colour("model"), alpha=alpha, label=f"{level} % interval")
    ax.plot(ahead, future["forecast"], label="forecast", **model_line())
    ax.set(title=title, ylabel=ylabel, xlabel="time" if times is not None else "position in the series (rows)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    _save(fig, path)
