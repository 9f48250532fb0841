"""The documentation pages of the site: methodology (from the built models), reference (from the argparse
parser and pdoc), related work."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path, PurePath

from frameforecast.config import experiments

METRIC_DOCS = [
    (
        "MSE per frame",
        "mean over sequences and frames of Σ_pixels (pred − true)²  — np.mean((p − t)**2, axis=(0, 1)).sum()",
        "OpenSTL's convention, on unclipped predictions. Sums over 4096 pixels, so numbers are in the tens or hundreds. "
        "Rewards blur: an uncertain model hedges towards grey.",
    ),
    ("MAE per frame", "mean over sequences and frames of Σ_pixels |pred − true|", "Same convention as MSE."),
    (
        "SSIM",
        "scikit-image's structural_similarity per frame (7 × 7 uniform window), data_range 1.0, averaged",
        "Structure, not intensity. OpenSTL's published SSIMs correspond to data_range 2.0 (an old skimage default), "
        "which gives higher values: compare with care.",
    ),
    (
        "PSNR",
        "−10 · log10(mean over frames of each frame's mean over pixels (clip(pred) − true)²); 100 dB at MSE 0",
        "A log view of per-pixel MSE; dominated by the black background. Taken of the mean error, not averaged "
        "over per-frame PSNRs, so one exactly reproduced frame (100 dB) cannot dominate it.",
    ),
    (
        "BCE nats per frame",
        "−Σ_pixels [t·ln p + (1 − t)·ln(1 − p)], averaged over frames and sequences; predictions "
        "clipped to [0, 1], no epsilon",
        "Srivastava et al.'s unit. Shi et al.'s table sums over the 10 predicted frames (= 10 × this). A pixel "
        "predicted exactly 0 or 1 against a disagreeing target costs ln 0 = −∞: the all-black and copy-last frames "
        "do this, so their BCE is shown as ∞ (any epsilon would make it a number set by the epsilon, not by the "
        "baseline). Floor: on grayscale targets even a perfect prediction (p = t) scores Σ_pixels H(t), the targets' "
        "own binary entropy, not 0 — each table states that floor; only binarised targets have a floor of 0.",
    ),
    (
        "binary pixel accuracy",
        "mean over pixels of [(pred > 0.5) = (true ≥ 128)] — 128 on uint8 targets, 128/255 on [0, 1] targets",
        "Only to compare with the frame-forecast original. Frames are ≈ 95 % black, so an all-black frame already "
        "scores ≈ 95 %: the number says almost nothing on its own.",
    ),
    (
        "RMSE, MAE",
        "√mean (F − A)², mean |F − A| in the series' original units",
        "Scale-dependent: compare only on the same series and test points.",
    ),
    ("sMAPE", "mean of 200 · |F − A| / (|A| + |F|), in percent", "Undefined-ish near zero; fine for positive series."),
    (
        "MASE",
        "MAE / in-sample MAE of the seasonal naive forecast y[t − m] on the training part (the one definition "
        "everywhere; m is the season shown with each table, 1 for series without one; for generated signals the "
        "training part is a 1000-window sample of the training stream)",
        "Below 1: better than last season's value was in-sample. Scale-free, so comparable across series. Shown as — "
        "when the scale is 0 (a constant or exactly seasonal training part) or the training part is not longer "
        "than one season: nothing is divided by zero.",
    ),
    (
        "MAPE",
        "mean over the hold-out's points of 100 · |forecast − actual| / |actual|, in percent (sktime's and Darts' "
        "definition, as their published airline results use)",
        "Undefined when an actual value is 0, and then shown as —. On the multi-step hold-out, where the published "
        "numbers are MAPE, and on the panels (Tourism's own metric), per series then averaged over the series.",
    ),
    (
        "OWA",
        "½ · (sMAPE / sMAPE of Naive2 + MASE / MASE of Naive2), each the mean over the panel's series of its "
        "per-series value (the M4 competition's overall weighted average); Naive2 is naive on the seasonally "
        "adjusted series (classical multiplicative decomposition when the lag-m autocorrelation passes the 90 % "
        "test), re-seasonalised",
        "Panels only. Below 1: better than the competitions' reference on both metrics together. On the panels, "
        "sMAPE and MASE too are computed per series and averaged over the series, as the M3, M4 and Tourism "
        "tables are (sMAPE on the 0–200 scale; utilsforecast's smape is half of it).",
    ),
]

BASELINE_DOCS = [
    ("all-black frame", "predicts zeros", "what per-pixel metrics give for free on mostly black frames"),
    ("copy last frame", "repeats the last input frame", "any motion model must beat standing still"),
    ("mean input frame", "repeats the mean of the input frames", "a blurry 'where digits have been' guess"),
    (
        "optical flow",
        "OpenCV Farnebäck flow between the last two input frames; the last frame moved k times that "
        "motion for frame k (cv2.remap), uncovered pixels black; for reconstruction, moved backwards in time",
        "the classical computer-vision answer: an LSTM that does not beat it has learned no more than motion",
    ),
    ("persistence", "y[t − 1]", "a model that only lags the truth by one step scores about this"),
    (
        "seasonal naive",
        "y[t − m] (m = the season: given by --season, or from the timestamps: hourly 24, daily 7, "
        "weekly 52, monthly 12, quarterly 4)",
        "'same month last year'; refused (left out, with the reason) at an origin with less than one season of history",
    ),
    ("seasonal naive + last change", "y[t − m] + y[t − 1] − y[t − m − 1]", "last season shifted to today's level"),
    ("drift", "y[t − 1] + h · (y[t − 1] − y[0]) / (t − 1)", "the average trend carried forward"),
    (
        "Holt-Winters",
        "additive trend and season, fitted on the training part, re-run (not re-fit) to each origin; "
        "left out when a test origin lies inside the part it was fitted on (shuffled splits)",
        "the classical statistical forecaster",
    ),
]

RELATED = [
    (
        "Srivastava, Mansimov, Salakhutdinov (2015). Unsupervised Learning of Video Representations using LSTMs. ICML.",
        "LSTM autoencoders on Moving MNIST (reconstruction, future prediction, composite); introduced the dataset "
        "and the standard test file. Composite + conditional decoder: 341.2 nats/frame.",
        "mnist-reconstruct, mnist-composite; we report BCE nats/frame on a generated test set (not comparable).",
    ),
    (
        "Shi et al. (2015). Convolutional LSTM Network: A Machine Learning Approach for Precipitation Nowcasting. NeurIPS.",
        "ConvLSTM encoder–forecaster; Moving MNIST cross-entropy summed over 10 frames: FC-LSTM 4832.49, best ConvLSTM 3670.85.",
        "mnist-predict is a ConvLSTM that reads the 10 frames and forecasts 10 (one network trained next-frame, "
        "as OpenSTL trains ConvLSTM; separate encoder and forecaster: --forecaster encoder-decoder); divide their "
        "numbers by 10 to compare with nats/frame.",
    ),
    (
        "OpenSTL (Tan et al. 2023). A Comprehensive Benchmark of Spatio-Temporal Predictive Learning. NeurIPS D&B.",
        "MSE/frame and SSIM on the standard file: ConvLSTM-S 29.80 / 0.9288, PredRNN 23.97 / 0.9462 (200 epochs), "
        "PredRNN++ 14.07 / 0.9698 (2000 epochs).",
        "The quick profile trains for minutes on a CPU, not 200 epochs on a GPU; the paper profile follows their protocol.",
    ),
    (
        "De Brabandere et al. (2016). Dynamic Filter Networks. NeurIPS.",
        "Predicts per-location filters that move the previous frame; strong on Moving MNIST with few parameters.",
        "mnist-predict's forecaster head (separable dynamic local filters).",
    ),
    (
        "frame-forecast (the original)",
        "ConvLSTM autoencoder; reported 95.3 % / 95.5 % 'accuracy' evaluated on its training data.",
        "frame-forecast-original reproduces it and shows the all-black frame's ≈ 95 %.",
    ),
    (
        "Simple LSTM (kushalsharma/keras-lstm) and Brownlee's LSTM tutorial",
        "look_back 1 LSTM on monthly milk (test RMSE 47.65) and airline passengers (47.53).",
        "milk-lookback, airline-lookback: seasonal naive scores 24.45 on milk — the original LSTM loses to it.",
    ),
    (
        "Multivariate Seq2Seq LSTM (berkantcnrgl)",
        "24 h → 6 h seq2seq with attention on an hourly user count; printed one forecast, never scored its test split.",
        "usercount-seq2seq scores it and reports MASE.",
    ),
    (
        "seq2seq-signal-prediction (G. Chevalier)",
        "seq2seq GRU exercises on synthetic signals and BTC prices.",
        "signals-1 … signals-4.",
    ),
]


def methodology(collected: dict) -> dict:
    """Per experiment: its settings and profiles, and the layer table of the model its run trained."""
    rows = []
    for name, exp in experiments.EXPERIMENTS.items():
        if exp.user_template:
            continue
        run = collected.get(name)
        profile = run["metrics"]["profile"] if run else "quick"
        cfg = run["config"] if run and run["config"] else exp.config(profile)
        summary = run["model_summary"] if run else None
        schedules = {p: dict(exp.profiles.get(p, {})) for p in experiments.PROFILES}
        rows.append(
            {
                "name": name,
                "exp": exp,
                "profile": profile,
                "summary": summary,
                "schedules": schedules,
                "loss": getattr(cfg, "loss", "mse"),  # the series families train on MSE
                "settings": {
                    k: PurePath(v).name if k in ("csv", "data") and v else v
                    for k, v in cfg.as_json().items()
                    if not isinstance(v, (list, tuple))
                },
            }
        )
    return {"experiments": rows, "metric_docs": METRIC_DOCS, "baseline_docs": BASELINE_DOCS, "term_docs": TERM_DOCS}


# the words the tables and verdicts use, each defined once (methodology.html#term-…)
TERM_DOCS = [
    (
        "verdict",
        "Green only when the model beats the best alternative on every metric shown, in every protocol the claim "
        "covers; a tie is not a win. Otherwise it names each protocol and metric it loses on, to which "
        "alternative, and by how much (no percentage of an alternative that is exact: its error is ~0).",
    ),
    ("one-step", "Every test point forecast from the actual values before it (the original tutorials' protocol)."),
    (
        "hold-out",
        "The last H points forecast at once from one origin, each forecast fed back as input; the peers and "
        "baselines are fit on every point before that origin.",
    ),
    (
        "backtest",
        "A rolling-origin evaluation: from each of many origins in the test part, the next h points are forecast "
        "from the data before it; the table shows the mean and sd over origins of each origin's RMSE.",
    ),
    (
        "5-seed ensemble",
        "The mean of five independently initialised networks' forecasts. Averaging cancels each seed's own error "
        "only where the seeds disagree; when they share a bias the ensemble can score worse than the seeds' mean "
        "score, since the mean of scores and the score of the mean differ (RMSE is not linear).",
    ),
    (
        "λ (shrinkage)",
        "forecast = anchor + λ · (ensemble − anchor), λ ∈ [0, 1] fit by least squares on the last training windows. "
        "λ = 0: the forecast IS the anchor (the network adds nothing); λ = 1: not shrunk at all.",
    ),
    (
        "conformal interval",
        "Split-conformal: at each step ahead, the ⌈(n + 1) · level⌉-th smallest absolute error of the n backtest "
        "origins. Its coverage is measured leave-one-origin-out; “—” when the origins are too few for that level.",
    ),
    (
        "spread",
        "How much a forecast varies across test windows against the truth (mean over steps of the sd over windows, "
        "divided by the truth's). Below the constant threshold the model outputs one shape whatever its input: a "
        "failed model, whatever its RMSE.",
    ),
    (
        "competition protocol",
        "The M3 and Tourism competitions' own: each series' held-out horizon forecast from its own history, every "
        "metric computed per series and averaged over the series. The published figures were measured on the full "
        "set; a sample is compared with the peers computed here alone.",
    ),
    (
        "global LSTM",
        "One network trained across every series of a panel (each window divided by its own mean), outputting a "
        "correction to seasonal naive for the whole horizon at once; five members, averaged; shrunk toward the mean "
        "of ETS, ARIMA and Theta by one λ (steps of 0.1) chosen on a validation horizon cut from each series' "
        "training part. Its interval: ± the 80 % quantile of its scaled validation errors, per step ahead.",
    ),
    (
        "peers",
        "statsforecast's AutoARIMA, AutoETS, AutoTheta (season from the timestamps), fit on the training part: "
        "what a practitioner would use instead.",
    ),
    (
        "exact baselines (signals)",
        "A sum of sines without noise satisfies a linear recurrence, so the linear least-squares map of the window "
        "and per-window AR(4) extrapolation forecast it exactly (RMSE ~0). A neural network is not expected to "
        "match them there; they show what the exercise can be solved to.",
    ),
    (
        "shipped checkpoint",
        "mnist-predict trained far longer than a suite can, shipped with the project with a card (commands, commit, "
        "device, minutes); every run scores it again on its own test set. It is the same model trained longer, "
        "never an alternative in a verdict.",
    ),
]


def term_anchor(name: str) -> str:
    """The methodology page's id for a term's definition."""
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in name.lower()).split()
    return "term-" + "-".join(words)


# a table column's label → the METRIC_DOCS entry that defines it
COLUMN_DOCS = {
    "MSE / frame ↓": "MSE per frame",
    "MAE / frame ↓": "MAE per frame",
    "SSIM ↑": "SSIM",
    "PSNR dB ↑": "PSNR",
    "BCE nats / frame ↓": "BCE nats per frame",
    "binary pixel accuracy ↑": "binary pixel accuracy",
    "RMSE ↓": "RMSE, MAE",
    "MAE ↓": "RMSE, MAE",
    "mean RMSE over origins ↓": "RMSE, MAE",
    "sMAPE % ↓": "sMAPE",
    "MASE ↓": "MASE",
    "MAPE % ↓": "MAPE",
    "OWA ↓": "OWA",
}


def metric_anchor(name: str) -> str:
    """The methodology page's id for a metric's definition."""
    return "metric-" + "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


def column_link(label: str) -> str:
    """methodology.html#… for a table column that is a metric ('' for one that is not)."""
    name = COLUMN_DOCS.get(label) or COLUMN_DOCS.get(label.split(" (")[0])  # "… ↓ (± sd)"
    return f"methodology.html#{metric_anchor(name)}" if name else ""


def pages(collected: dict, reference: list | None) -> dict:
    return {
        "methodology": methodology(collected),
        "reference": {"commands": reference or []},
        "related": {"related": RELATED},
    }


API_MODULES = (
    "frameforecast.metrics",
    "frameforecast.datasets.moving_mnist",
    "frameforecast.datasets.series",
    "frameforecast.datasets.signals",
    "frameforecast.datasets.video_files",
    "frameforecast.models.video",
    "frameforecast.models.series",
    "frameforecast.models.baselines",
    "frameforecast.training",
)


def api_reference(out: Path) -> None:
    """The public Python API (data loaders, model builders, metrics) rendered by pdoc from docstrings: once per
    process (the suite rebuilds the site after every experiment), then written from memory."""
    for relative, content in _rendered_api().items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


@functools.cache
def _rendered_api() -> dict[str, bytes]:
    """Each API page's path (under api/) and bytes; nothing when pdoc is not installed. Rendered in a temporary
    folder removed at once: the command ends with os._exit, which runs no clean-up."""
    try:
        import pdoc
    except ImportError:  # runtime installs without dev dependencies: the reference page says so
        return {}
    import importlib

    modules = []
    for name in API_MODULES:
        try:  # a site built where Keras is not installed documents the modules that do not need it
            importlib.import_module(name)
        except ImportError:
            continue
        modules.append(name)
    pages = {}
    with tempfile.TemporaryDirectory(prefix="frameforecast-api-") as folder:
        out = Path(folder) / "api"
        pdoc.pdoc(*modules, output_directory=out)
        for page in sorted(p for p in out.rglob("*") if p.is_file()):
            content = page.read_bytes()
            if page.suffix == ".html":  # every API page links back to the site it is part of
                up = "../" * len(page.relative_to(out.parent).parts[:-1])
                link = f'<p style="margin:.5rem 1rem"><a href="{up}reference.html">← back to the frame-forecast site</a></p>'
                content = content.replace(b"<body>", b"<body>" + link.encode(), 1)
            pages[page.relative_to(out).as_posix()] = content
    return pages
