"""signals-1…4 stages: seq2seq GRU/LSTM on the synthetic generators (v1–v3) or a 2-column price CSV (4)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from frameforecast import metrics
from frameforecast.atomic import write_json
from frameforecast.datasets.signals import GENERATORS
from frameforecast.datasets.streaming import batch_seed, indexed_batches
from frameforecast.datasets.windows import require_length
from frameforecast.errors import UserError
from frameforecast.stages import read_json
from frameforecast.stages.series_common import load_configured
from frameforecast.training import fit, load_model

TEST_SEED = 4242
SCALE_SAMPLE = 1000  # training-stream windows that define the MASE scale of generated signals
EPOCHS = 10  # iterations are reported as EPOCHS epochs of iterations / EPOCHS steps (one backup per epoch)


class PriceWindows:
    """signals-4: random training windows from the training part of a standardised multi-column series."""

    def __init__(self, cfg: dict):
        columns = list(cfg["columns"]) if cfg.get("columns") else None
        if not columns:
            raise UserError("signals-4 needs --columns A,B (two numeric columns) and --csv PATH or --url URL")
        series = load_configured(cfg, columns, needs_season=False)
        self.source, self.columns = series.source, columns
        self.n_in, self.n_out = cfg["n_in"], cfg["n_out"]
        window = self.n_in + self.n_out
        fraction = cfg["test_fraction"]
        needed = max(int(np.ceil(self.n_out / fraction)), int(np.ceil((window + 10) / (1 - fraction))))
        require_length(
            len(series),
            needed,
            f"{self.n_in} → {self.n_out} windows with a {cfg['test_fraction']:.0%} test part",
            series.source,
        )
        self.split = int(len(series) * (1 - cfg["test_fraction"]))
        train = series.values[: self.split]
        self.mean, self.std = train.mean(axis=0), train.std(axis=0) + 1e-8  # training rows only
        self.scaled = (series.values - self.mean) / self.std
        self.train_starts = np.arange(0, self.split - window + 1)
        self.test_starts = np.arange(self.split - self.n_in, len(series) - window + 1, self.n_out)

    def batch(self, size: int, rng: np.random.Generator):
        starts = rng.choice(self.train_starts, size)
        x = np.stack([self.scaled[s : s + self.n_in] for s in starts])
        y = np.stack([self.scaled[s + self.n_in : s + self.n_in + self.n_out] for s in starts])
        return x, y

    def test(self):
        x = np.stack([self.scaled[s : s + self.n_in] for s in self.test_starts])
        y = np.stack([self.scaled[s + self.n_in : s + self.n_in + self.n_out] for s in self.test_starts])
        return x, y

    def to_units(self, values):
        return values * self.std + self.mean

    def mase_scale(self) -> tuple[float | None, str]:
        train = self.to_units(self.scaled[: self.split])
        return (
            metrics.seasonal_naive_scale(train.ravel(order="F"), 1),
            f"in-sample MAE of the lag-1 naive forecast on the training part ({self.split} rows, each column)",
        )


def _generator_scale(generator, cfg: dict) -> tuple[float | None, str]:
    """MASE's scale for generated signals: the lag-1 naive MAE within a sample of training-stream windows."""
    x, y = generator(SCALE_SAMPLE, batch_seed(cfg["seed"], 0))
    windows = np.concatenate([x, y], axis=1)
    scale = float(np.mean(np.abs(np.diff(windows, axis=1))))
    return scale or None, (
        f"in-sample MAE of the lag-1 naive forecast within {SCALE_SAMPLE} windows of the training stream"
    )


def source(cfg: dict):
    """(make_batch(size, rng) -> (x, y), test (x, y), to_units, description, (MASE scale, its description))."""
    if cfg["version"] == 4:
        prices = PriceWindows(cfg)
        return prices.batch, prices.test(), prices.to_units, prices.source, prices.mase_scale()
    generator = GENERATORS[cfg["version"]]
    test = generator(cfg["test_size"], np.random.default_rng(TEST_SEED))
    return (
        generator,
        test,
        (lambda v: v),
        f"generator v{cfg['version']} (test set: seed {TEST_SEED})",
        _generator_scale(generator, cfg),
    )


def _steps(cfg: dict) -> int:
    return max(1, int(np.ceil(cfg["iterations"] / EPOCHS)))


def train(cfg: dict, run_dir: Path, *, restart: bool = False, strategy: str = "default", log=print) -> dict:
    make_batch, (x_test, y_test), _, described, _ = source(cfg)  # before Keras: a bad CSV stops with one line
    from frameforecast.models.series import build_signal_seq2seq

    n_in, n_out, f_in, f_out = x_test.shape[1], y_test.shape[1], x_test.shape[2], y_test.shape[2]

    def dataset(start, count, global_batch):
        make = lambda index: make_batch(global_batch, batch_seed(cfg["seed"], index))  # noqa: E731
        return indexed_batches(make, ((n_in, f_in), (n_out, f_out)), global_batch, start, count)

    result = fit(
        lambda: build_signal_seq2seq(n_in, n_out, f_in, f_out, cfg["cell"], cfg["units"], cfg["layers"], cfg["l2"]),
        run_dir,
        dataset=dataset,
        steps_per_epoch=_steps(cfg),
        epochs=EPOCHS,
        loss="mse",
        optimizer=cfg["optimizer"],
        learning_rate=cfg["learning_rate"],
        batch_size=cfg["batch_size"],
        seed=cfg["seed"],
        strategy=strategy,
        restart=restart,
        log=log,
    )
    info = {
        "seconds": result.seconds,
        "resumed_from_epoch": result.resumed_from_epoch,
        "data": described,
        "iterations": EPOCHS * _steps(cfg),
        "global_batch_size": result.global_batch,
        "config": cfg,
    }
    write_json(run_dir / "train_info.json", info)
    log(f"trained {cfg['experiment']} in {result.seconds:.0f} s ({info['iterations']} iterations)")
    return info


def evaluate(cfg: dict, run_dir: Path, log=print, **_) -> dict:
    _, (x, y), to_units, described, (scale, scale_described) = source(cfg)
    model = load_model(run_dir / "model.keras")
    pred = to_units(model.predict(x, verbose=0))
    x_u, y_u = to_units(x), to_units(y)

    def scores(forecast):
        error = metrics.mae(forecast, y_u)
        return {"rmse": metrics.rmse(forecast, y_u), "mae": error, "mase": error / scale if scale else None}

    persistence = np.repeat(x_u[:, -1:], y.shape[1], axis=1)
    input_mean = np.repeat(x_u.mean(axis=1, keepdims=True), y.shape[1], axis=1)
    steps = np.arange(1, y.shape[1] + 1)[None, :, None]
    drift = x_u[:, -1:] + steps * (x_u[:, -1:] - x_u[:, :1]) / max(x.shape[1] - 1, 1)
    report = {
        "experiment": cfg["experiment"],
        "family": "signals",
        "profile": cfg["profile"],
        "data": described,
        "test_windows": len(x),
        "n_in": int(x.shape[1]),
        "n_out": int(y.shape[1]),
        "model": scores(pred),
        "baselines": {"persistence": scores(persistence), "input mean": scores(input_mean), "drift": scores(drift)},
        "mase_scale": scale_described if scale else f"{scale_described} is 0: MASE is shown as —",
        "plot_windows": {
            "past": x_u[: cfg["plot_windows"]].tolist(),
            "future": y_u[: cfg["plot_windows"]].tolist(),
            "prediction": pred[: cfg["plot_windows"]].tolist(),
        },
    }
    write_json(run_dir / "metrics.json", report)
    log(
        f"{cfg['experiment']}: test RMSE {report['model']['rmse']:.3f} (persistence "
        f"{report['baselines']['persistence']['rmse']:.3f}, input mean {report['baselines']['input mean']['rmse']:.3f})"
    )
    return report


def render(cfg: dict, run_dir: Path, log=print) -> list[str]:
    from frameforecast.report import plots

    report = read_json(run_dir / "metrics.json")
    w = report["plot_windows"]
    plots.signal_windows(
        run_dir / "windows.png",
        np.array(w["past"]),
        np.array(w["future"]),
        np.array(w["prediction"]),
        f"{cfg['experiment']}: test windows",
    )
    written = ["windows.png"]
    if (run_dir / "history.csv").exists():
        plots.training_curves(run_dir / "history.csv", run_dir / "training.png")
        written.append("training.png")
    log(f"rendered {len(written)} plots into {run_dir}")
    return written
