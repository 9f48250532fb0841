"""signals-1…4 stages: seq2seq GRU/LSTM on the synthetic generators (v1–v3) or a 2-column price CSV (4)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from frameforecast import metrics
from frameforecast.atomic import write_json
from frameforecast.config.classes import SignalsConfig
from frameforecast.datasets.signals import GENERATORS
from frameforecast.datasets.streaming import batch_seed, indexed_batches
from frameforecast.datasets.windows import require_length
from frameforecast.errors import UserError
from frameforecast.models.baselines import AR_ORDER
from frameforecast.stages import read_json
from frameforecast.stages.series_common import load_configured
from frameforecast.training import FitSettings, fit, load_model

TEST_SEED = 20261201  # never used in training or in choosing the tuned settings (validation: seed 4242)
OTHER_TEST_SEED = 777  # a second test set, to check that the scores hold on windows of another seed
CONSTANT_SPREAD = 0.05  # a forecast that varies less than this across windows (see `spread`) is constant
LINEAR_MAP_WINDOWS = 20_000  # generated training windows the linear least-squares baseline is fit on
LINEAR_MAP_STREAM = 2**31 - 1  # their batch index in the training stream: one that training never reaches
SCALE_SAMPLE = 1000  # training-stream windows that define the MASE scale of generated signals
EPOCHS = 10  # iterations are reported as EPOCHS epochs of iterations / EPOCHS steps (one backup per epoch)


class PriceWindows:
    """signals-4: random training windows from the training part of a standardised multi-column series."""

    def __init__(self, cfg: SignalsConfig):
        columns = list(cfg.columns) if cfg.columns else None
        if not columns:
            raise UserError("signals-4 needs --columns A,B (two numeric columns) and --csv PATH or --url URL")
        series = load_configured(cfg, columns, needs_season=False)
        self.source, self.columns = series.source, columns
        self.n_in, self.n_out = cfg.n_in, cfg.n_out
        window = self.n_in + self.n_out
        fraction = cfg.test_fraction
        needed = max(int(np.ceil(self.n_out / fraction)), int(np.ceil((window + 10) / (1 - fraction))))
        require_length(
            len(series),
            needed,
            f"{self.n_in} → {self.n_out} windows with a {cfg.test_fraction:.0%} test part",
            series.source,
        )
        self.split = int(len(series) * (1 - cfg.test_fraction))
        train = series.values[: self.split]
        self.mean, self.std = train.mean(axis=0), train.std(axis=0) + 1e-8  # training rows only
        self.scaled = (series.values - self.mean) / self.std
        self.train_starts = np.arange(0, self.split - window + 1)
        self.test_starts = np.arange(self.split - self.n_in, len(series) - window + 1, self.n_out)

    def batch(self, size: int, rng: np.random.Generator):
        return self.windows(rng.choice(self.train_starts, size))

    def windows(self, starts) -> tuple[np.ndarray, np.ndarray]:
        x = np.stack([self.scaled[s : s + self.n_in] for s in starts])
        y = np.stack([self.scaled[s + self.n_in : s + self.n_in + self.n_out] for s in starts])
        return x, y

    def test(self):
        return self.windows(self.test_starts)

    def to_units(self, values):
        return values * self.std + self.mean

    def mase_scale(self) -> tuple[float | None, str]:
        train = self.to_units(self.scaled[: self.split])
        return (
            metrics.seasonal_naive_scale(train.ravel(order="F"), 1),
            f"in-sample MAE of the lag-1 naive forecast on the training part ({self.split} rows, each column)",
        )


def _generator_scale(generator, cfg: SignalsConfig) -> tuple[float | None, str]:
    """MASE's scale for generated signals: the lag-1 naive MAE within a sample of training-stream windows."""
    x, y = generator(SCALE_SAMPLE, batch_seed(cfg.seed, 0))
    windows = np.concatenate([x, y], axis=1)
    scale = float(np.mean(np.abs(np.diff(windows, axis=1))))
    return scale or None, (
        f"in-sample MAE of the lag-1 naive forecast within {SCALE_SAMPLE} windows of the training stream"
    )


def training_windows(cfg: SignalsConfig) -> tuple[np.ndarray, np.ndarray]:
    """The training windows the linear map baseline is fit on: all of signals-4's, or generated ones."""
    if cfg.version == 4:
        prices = PriceWindows(cfg)
        return prices.windows(prices.train_starts)
    return GENERATORS[cfg.version](LINEAR_MAP_WINDOWS, batch_seed(cfg.seed, LINEAR_MAP_STREAM))


def source(cfg: SignalsConfig):
    """(make_batch(size, rng) -> (x, y), test (x, y), to_units, description, (MASE scale, its description))."""
    if cfg.version == 4:
        prices = PriceWindows(cfg)
        return prices.batch, prices.test(), prices.to_units, prices.source, prices.mase_scale()
    generator = GENERATORS[cfg.version]
    test = generator(cfg.test_size, np.random.default_rng(TEST_SEED))
    return (
        generator,
        test,
        (lambda v: v),
        f"generator v{cfg.version} (test set: seed {TEST_SEED})",
        _generator_scale(generator, cfg),
    )


def _steps(mode) -> int:
    return max(1, int(np.ceil(mode.iterations / EPOCHS)))


def train(cfg: SignalsConfig, run_dir: Path, *, restart: bool = False, strategy: str = "default", log=print) -> dict:
    """Trains each mode (faithful, tuned) into run_dir/<mode>/."""
    make_batch, (x_test, y_test), _, described, _ = source(cfg)  # before Keras: a bad CSV stops with one line
    from frameforecast import progress
    from frameforecast.models.series import build_signal_seq2seq

    n_in, n_out, f_in, f_out = x_test.shape[1], y_test.shape[1], x_test.shape[2], y_test.shape[2]
    info = {"data": described, "config": cfg, "modes": {}}
    progress.plan_fits(len(cfg.modes))
    for name in cfg.modes:
        mode = cfg.mode(name)

        def dataset(start, count, global_batch):
            make = lambda index: make_batch(global_batch, batch_seed(cfg.seed, index))  # noqa: E731
            return indexed_batches(make, ((n_in, f_in), (n_out, f_out)), global_batch, start, count)

        result = fit(
            lambda mode=mode: build_signal_seq2seq(
                n_in, n_out, f_in, f_out, mode.rnn, mode.units, mode.layers, mode.l2
            ),
            run_dir / name,
            FitSettings(
                steps_per_epoch=_steps(mode),
                epochs=EPOCHS,
                loss="mse",
                optimizer=mode.optimizer,
                learning_rate=mode.learning_rate,
                lr_schedule=mode.lr_schedule,
                clipnorm=mode.clipnorm,
                batch_size=mode.batch_size,
                seed=cfg.seed,
                steps_per_execution=cfg.steps_per_execution,
            ),
            dataset=dataset,
            strategy=strategy,
            restart=restart,
            log=log,
        )
        info["modes"][name] = {
            "seconds": result.seconds,
            "resumed_from_epoch": result.resumed_from_epoch,
            "iterations": EPOCHS * _steps(mode),
            "global_batch_size": result.global_batch,
            "settings": cfg.mode(name),
        }
        log(f"trained {cfg.experiment} ({name}) in {result.seconds:.0f} s ({EPOCHS * _steps(mode)} iterations)")
    info["seconds"] = sum(m["seconds"] for m in info["modes"].values())
    write_json(run_dir / "train_info.json", info)
    return info


def spread(pred: np.ndarray, truth: np.ndarray) -> float:
    """How much a forecast varies across windows, against the truth: mean over steps and features of the
    standard deviation over windows, divided by the truth's. Below CONSTANT_SPREAD it is a constant output."""
    truth_sd = float(np.mean(np.std(truth, axis=0)))
    return float(np.mean(np.std(pred, axis=0))) / truth_sd if truth_sd else 0.0


def _baselines(cfg: SignalsConfig, x: np.ndarray, y: np.ndarray, train_windows, to_units) -> dict:
    """Every baseline's forecast of the test windows, in units (the zero predictor is the training mean for
    standardised prices)."""
    from frameforecast.models.baselines import LinearWindowMap, ar_extrapolation

    x_u, horizon = to_units(x), y.shape[1]
    steps = np.arange(1, horizon + 1)[None, :, None]
    forecasts = {
        "zero" if cfg.version != 4 else "training mean": to_units(np.zeros_like(y)),
        "persistence": np.repeat(x_u[:, -1:], horizon, axis=1),
        "input mean": np.repeat(x_u.mean(axis=1, keepdims=True), horizon, axis=1),
        "drift": x_u[:, -1:] + steps * (x_u[:, -1:] - x_u[:, :1]) / max(x.shape[1] - 1, 1),
        "linear least-squares map": to_units(LinearWindowMap(*train_windows).predict(x)),
        f"per-window AR({AR_ORDER}) extrapolation": to_units(ar_extrapolation(x, horizon)),
    }
    return forecasts


def evaluate(cfg: SignalsConfig, run_dir: Path, log=print, **_) -> dict:
    _, (x, y), to_units, described, (scale, scale_described) = source(cfg)
    y_u = to_units(y)

    def scores(forecast):
        error = metrics.mae(forecast, y_u)
        return {"rmse": metrics.rmse(forecast, y_u), "mae": error, "mase": error / scale if scale else None}

    baseline_forecasts = _baselines(cfg, x, y, training_windows(cfg), to_units)
    modes = {}
    for name in cfg.modes:
        model = load_model(run_dir / name / "model.keras")
        pred = to_units(model.predict(x, verbose=0))
        modes[name] = {
            **scores(pred),
            "spread": spread(pred, y_u),
            "settings": cfg.mode(name),
            "prediction": pred[: cfg.plot_windows].tolist(),
        }
        if cfg.version != 4:
            x_other, y_other = GENERATORS[cfg.version](cfg.test_size, np.random.default_rng(OTHER_TEST_SEED))
            other = model.predict(x_other, verbose=0)
            modes[name]["rmse_other_seed"] = metrics.rmse(other, y_other)
    report = {
        "experiment": cfg.experiment,
        "family": "signals",
        "profile": cfg.profile,
        "data": described,
        "test_windows": len(x),
        "n_in": int(x.shape[1]),
        "n_out": int(y.shape[1]),
        "modes": modes,
        "baselines": {name: scores(f) for name, f in baseline_forecasts.items()},
        "constant_spread": CONSTANT_SPREAD,
        "other_test_seed": OTHER_TEST_SEED if cfg.version != 4 else None,
        "mase_scale": scale_described if scale else f"{scale_described} is 0: MASE is shown as —",
        "plot_windows": {
            "past": to_units(x[: cfg.plot_windows]).tolist(),
            "future": y_u[: cfg.plot_windows].tolist(),
            "baselines": {n: f[: cfg.plot_windows].tolist() for n, f in baseline_forecasts.items()},
        },
    }
    write_json(run_dir / "metrics.json", report)
    best, best_value = metrics.best_of(report["baselines"], "rmse")
    log(
        f"{cfg.experiment}: test RMSE "
        + ", ".join(f"{name} {res['rmse']:.3f}" for name, res in modes.items())
        + f" (best baseline {best} {best_value:.3f})"
    )
    return report


def render(cfg: SignalsConfig, run_dir: Path, log=print) -> list[str]:
    from frameforecast.report import plots

    report = read_json(run_dir / "metrics.json")
    w = report["plot_windows"]
    written = []
    for name, res in report["modes"].items():
        plots.signal_windows(
            run_dir / f"windows-{name}.png",
            np.array(w["past"]),
            np.array(w["future"]),
            np.array(res["prediction"]),
            f"{cfg.experiment}, {name} GRU: test windows (baselines dashed)",
            {n: np.array(f) for n, f in w["baselines"].items()},
        )
        written.append(f"windows-{name}.png")
        if (run_dir / name / "history.csv").exists():
            plots.training_curves(run_dir / name / "history.csv", run_dir / f"training-{name}.png")
            written.append(f"training-{name}.png")
    log(f"rendered {len(written)} plots into {run_dir}")
    return written
