"""Video evaluate (metrics.json beside every baseline) and render (GIFs, contact sheets, plots)."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from frameforecast import metrics, shipped, video_tasks
from frameforecast.atomic import atomic_path, write_json
from frameforecast.config.classes import VideoConfig
from frameforecast.datasets import moving_mnist as mm
from frameforecast.datasets import user_clips
from frameforecast.errors import UserError
from frameforecast.models import baselines
from frameforecast.stages import learning_curve, read_json
from frameforecast.stages.video_data import ORIGINAL_TRAIN_SEED, generator_config, split_frames, user_clip_parts
from frameforecast.training import load_model

# Two batches are in flight (one predicted, one scored); 25 sequences keep the scoring's temporaries small:
# mnist-predict's evaluation peaked at 1.23 GB against 1.49 GB with 50, and took 23.7 s against 25.3 s.
EVALUATION_BATCH = 25
BROWSE_SEQUENCES = 100  # test sequences the page's browser steps through


def _uint8(frames) -> np.ndarray:
    return np.round(np.clip(np.asarray(frames, np.float32)[..., 0], 0, 1) * 255).astype(np.uint8)


class BrowseSample:
    """The first test sequences of the headline output kept whole for the sequence browser: the inputs, the
    truth, the model's and every baseline's frames (uint8), and each one's squared error per frame (the sum over
    pixels, as MSE/frame is; its mean over frames is that sequence's MSE/frame)."""

    def __init__(self, limit: int, reverse: bool):
        self.limit, self.reverse, self.count = limit, reverse, 0
        self.frames: dict[str, list] = {}
        self.errors: dict[str, list] = {}

    def add(self, inputs, target, prediction) -> None:
        take = min(self.limit - self.count, len(inputs))
        if take <= 0:
            return
        x, t = inputs[:take], np.asarray(target[:take], np.float32)
        forecasts = {"model": np.asarray(prediction[:take], np.float32)} | {
            name: baseline(x, t.shape[1], reverse=self.reverse) for name, baseline in baselines.VIDEO_BASELINES.items()
        }
        for name, frames in {"input": x, "truth": t, **forecasts}.items():
            self.frames.setdefault(name, []).append(_uint8(frames))
        for name, frames in forecasts.items():
            self.errors.setdefault(name, []).append(((np.asarray(frames, np.float32) - t) ** 2).sum(axis=(2, 3, 4)))
        self.count += take

    def summary(self, output: str) -> dict:
        return {
            "output": output,
            "sequences": self.count,
            "mse_by_frame": {name: np.concatenate(e).tolist() for name, e in self.errors.items()},
        }

    def arrays(self) -> dict:
        return {name: np.concatenate(frames) for name, frames in self.frames.items()}


# ---------------------------------------------------------------- evaluate
def _test_set(cfg: VideoConfig, which: str | None, limit: int | None, standard_path: str | None) -> mm.TestSet:
    if cfg.data:
        if which not in (None, "yours"):
            raise UserError(f"--test-set {which}: a run on your clips is tested on its held-out clips only")
        return user_clips.test_set(cfg.data, user_clip_parts(cfg, log=lambda _: None), cfg.in_frames + cfg.out_frames)
    which = which or cfg.test_set
    size = limit or cfg.test_size
    if which == "standard":
        if cfg.canvas != 64:
            raise UserError(
                f"the standard test file is 64 × 64; this profile's canvas is {cfg.canvas} — use --test-set generated"
            )
        return mm.standard_test_set(standard_path, limit=size)
    if which == "generated":
        return mm.generated_test_set(size, cfg.digits, config=generator_config(cfg))
    raise UserError(f"unknown test set {which!r}; use standard or generated")


def _outputs(cfg: VideoConfig) -> list[str]:
    return list(video_tasks.get(cfg.task).outputs)


def _walks_back(cfg: VideoConfig, out: str) -> bool:
    """Whether that output's targets run backwards in time (Srivastava's reversed reconstruction)."""
    return video_tasks.get(cfg.task).reversed_output(out)


def _add_baseline(accumulator: metrics.VideoAccumulator, baseline, inputs, target, reverse: bool) -> None:
    accumulator.add(baseline(inputs, target.shape[1], reverse=reverse), target)


def evaluate(
    cfg: VideoConfig,
    run_dir: Path,
    *,
    test_set: str | None = None,
    limit: int | None = None,
    standard_path: str | None = None,
    batch_size: int = EVALUATION_BATCH,
    log=print,
) -> dict:
    model = load_model(run_dir / "model.keras")
    data = _test_set(cfg, test_set, limit, standard_path)
    accuracy = video_tasks.get(cfg.task).binary
    outputs = _outputs(cfg)
    acc = {
        out: {
            "model": metrics.VideoAccumulator(accuracy),
            **{name: metrics.VideoAccumulator(accuracy) for name in baselines.VIDEO_BASELINES},
        }
        for out in outputs
    }
    browse = BrowseSample(BROWSE_SEQUENCES, _walks_back(cfg, outputs[0]))
    ship = shipped.fitting(cfg, model)
    ship_acc = {out: metrics.VideoAccumulator(accuracy) for out in outputs} if ship else {}
    start = time.monotonic()
    kept = _score_batches(model, data, cfg, outputs, acc, browse, batch_size, ship and (ship[0], ship_acc))
    seconds = time.monotonic() - start
    results = {out: {name: a.result() for name, a in table.items()} for out, table in acc.items()}
    report = {
        "experiment": cfg.experiment,
        "family": "video",
        "task": cfg.task,
        "profile": cfg.profile,
        "test_set": data.describe(),
        "headline_output": outputs[0],
        "results": results,
        "ssim_data_range": metrics.SSIM_DATA_RANGE,
        "evaluation_seconds": seconds,
        "browse": browse.summary(outputs[0]),
    }
    if ship:  # scored here on this test set, beside the model trained on this machine
        report["shipped_checkpoint"] = {
            "card": {k: ship[1].get(k) for k in shipped.CARD_FIELDS},
            "results": {out: a.result() for out, a in ship_acc.items()},
        }
    if accuracy:
        report["training_data_results"] = _original_on_training_data(model, cfg)
    with atomic_path(run_dir / "predictions.npz", suffix=".npz") as tmp, open(tmp, "wb") as handle:
        np.savez_compressed(handle, **kept)
    with atomic_path(run_dir / "browse.npz", suffix=".npz") as tmp, open(tmp, "wb") as handle:
        np.savez_compressed(handle, **browse.arrays())
    write_json(run_dir / "metrics.json", report)
    if test_set is None and limit is None and learning_curve.learnable(cfg):  # the run's own test set: a point
        learning_curve.record_point(run_dir, report)
    head = results[outputs[0]]
    log(
        f"{cfg.experiment} on {data.name} test set ({len(data)} sequences): MSE/frame "
        f"{head['model']['mse_per_frame']:.1f} (all-black {head['all-black frame']['mse_per_frame']:.1f}, "
        f"copy-last {head['copy last frame']['mse_per_frame']:.1f}), SSIM {head['model']['ssim']:.3f}"
    )
    if ship:
        again, card = report["shipped_checkpoint"]["results"][outputs[0]], ship[1]
        log(
            f"  the shipped checkpoint ({card['minutes']:.0f} min on {card['device']}): MSE/frame "
            f"{again['mse_per_frame']:.1f}, SSIM {again['ssim']:.3f} on the same test set"
        )
    if accuracy:
        log(
            f"  binary pixel accuracy {head['model']['binary_accuracy']:.4f} vs all-black "
            f"{head['all-black frame']['binary_accuracy']:.4f} on the same held-out data"
        )
    return report


def _as_outputs(preds, targets, outputs: list) -> tuple[dict, dict]:
    if isinstance(preds, dict):
        return preds, targets
    return {outputs[0]: preds}, targets if isinstance(targets, dict) else {outputs[0]: targets}


def _score_batches(
    model, data, cfg: VideoConfig, outputs: list, acc: dict, browse: BrowseSample, batch_size: int, ship=None
):
    """Predict the test set batch by batch and feed every accumulator and the browse sample; returns the first
    batch's first `gif_count` sequences (inputs, truths, predictions) for the GIFs. `ship`: (the shipped
    checkpoint, an accumulator per output) when it is scored too.

    Scoring (SSIM, BCE, the baselines) runs on a thread pool while the model predicts the next batch; each
    accumulator gets its batches in order (a batch's jobs finish before the next batch's are submitted)."""
    kept, pending = None, []
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for videos in data.batches(batch_size):
            inputs, targets = split_frames(videos, cfg)
            # one graph call per batch: flat memory over 10 000 sequences
            preds, truths = _as_outputs(model.predict_on_batch(inputs), targets, outputs)
            shipped_preds = ship and _as_outputs(ship[0].predict_on_batch(inputs), targets, outputs)[0]
            targets = truths
            browse.add(inputs, targets[outputs[0]], preds[outputs[0]])
            for job in pending:
                job.result()
            pending = (
                [pool.submit(acc[out]["model"].add, preds[out], targets[out]) for out in outputs]
                + [pool.submit(ship[1][out].add, shipped_preds[out], targets[out]) for out in outputs if ship]
                + [
                    pool.submit(_add_baseline, acc[out][name], baseline, inputs, targets[out], _walks_back(cfg, out))
                    for out in outputs
                    for name, baseline in baselines.VIDEO_BASELINES.items()
                ]
            )
            if kept is None:
                count = cfg.gif_count
                kept = {
                    "inputs": inputs[:count, ..., 0],
                    **{f"{o}_truth": targets[o][:count, ..., 0] for o in outputs},
                    **{f"{o}_pred": np.asarray(preds[o][:count, ..., 0], np.float32) for o in outputs},
                }
        for job in pending:
            job.result()
    return kept


def score_model(cfg: VideoConfig, model_path: Path, sequences: int) -> dict:
    """A model's metrics (per output) on the first `sequences` of this run's test set, without baselines: what
    a shipped checkpoint's card records and its test checks again."""
    model, data = load_model(model_path), _test_set(cfg, None, sequences, None)
    outputs = _outputs(cfg)
    acc = {out: metrics.VideoAccumulator(video_tasks.get(cfg.task).binary) for out in outputs}
    for videos in data.batches(EVALUATION_BATCH):
        inputs, targets = split_frames(videos, cfg)
        preds, targets = _as_outputs(model.predict_on_batch(inputs), targets, outputs)
        for out in outputs:
            acc[out].add(preds[out], targets[out])
    return {out: a.result() for out, a in acc.items()}


def _original_on_training_data(model, cfg: VideoConfig) -> dict:
    """The original's own protocol: scored on (a sample of) the data it trained on."""
    train_digits, _, _ = mm.load_digits(cfg.digits)
    videos = mm.generate(
        train_digits, cfg.train_sequences, np.random.default_rng(ORIGINAL_TRAIN_SEED), generator_config(cfg)
    )[:200]
    inputs, targets = split_frames(videos, cfg)
    model_acc, black_acc = metrics.VideoAccumulator(True), metrics.VideoAccumulator(True)
    model_acc.add(model.predict(inputs, verbose=0), targets)
    black_acc.add(baselines.all_black(inputs, targets.shape[1]), targets)
    return {"sequences": len(videos), "model": model_acc.result(), "all-black frame": black_acc.result()}


# ---------------------------------------------------------------- render
def render(cfg: VideoConfig, run_dir: Path, log=print) -> list[str]:
    from frameforecast.report import gifs, plots

    report = read_json(run_dir / "metrics.json")
    path = run_dir / "predictions.npz"
    if not path.exists():
        raise UserError(f"{path} does not exist; run: frameforecast evaluate {cfg.experiment}")
    with np.load(path, allow_pickle=False) as stored:
        arrays = {k: stored[k] for k in stored.files}
    written = []
    for out in _outputs(cfg):
        for i in range(len(arrays["inputs"])):
            name = f"{out}-{i}.gif"
            gifs.write_strip_gif(
                run_dir / name,
                arrays["inputs"][i],
                arrays[f"{out}_truth"][i],
                arrays[f"{out}_pred"][i],
                title=f"{cfg.experiment} · test sequence {i + 1}",
                output=out,
            )
            written.append(name)
        thumbnail = f"{out}-thumbnail.png"
        gifs.write_thumbnail(
            run_dir / thumbnail,
            arrays[f"{out}_truth"][0],
            arrays[f"{out}_pred"][0],
            f"{cfg.experiment} · test sequence 1",
            output=out,
        )
        written.append(thumbnail)
        sheet = f"{out}-sheet.png"
        gifs.write_contact_sheet(
            run_dir / sheet, arrays["inputs"], arrays[f"{out}_truth"], arrays[f"{out}_pred"], output=out
        )
        written.append(sheet)
        curve = f"{out}-per-timestep.png"
        plots.per_timestep_plot(run_dir / curve, report["results"][out], title=f"{out}: error by frame ahead")
        written.append(curve)
    written += _browse_sprites(run_dir, report, gifs)
    if (run_dir / "history.csv").exists():
        plots.training_curves(run_dir / "history.csv", run_dir / "training.png")
        written.append("training.png")
    learned = learning_curve.curve(run_dir)
    if learned["points"]:
        head = report["results"][report["headline_output"]]
        baselines = {name: scores for name, scores in head.items() if name != "model"}
        plots.learning_on(run_dir / "learning-curve.png", learned["points"], baselines, cfg.experiment)
        written.append("learning-curve.png")
    log(f"rendered {len(written)} files into {run_dir}")
    return written


def _browse_sprites(run_dir: Path, report: dict, gifs) -> list[str]:
    """browse/seq-NNN.png: each browsed test sequence as rows (input, truth, model, each baseline)."""
    path = run_dir / "browse.npz"
    if "browse" not in report or not path.exists():
        return []
    with np.load(path, allow_pickle=False) as stored:
        arrays = {k: stored[k] for k in stored.files}
    folder = run_dir / "browse"
    folder.mkdir(exist_ok=True)
    names = []
    for i in range(report["browse"]["sequences"]):
        name = f"browse/seq-{i:03d}.png"
        gifs.write_sequence_sprite(run_dir / name, {row: frames[i] for row, frames in arrays.items()})
        names.append(name)
    return names
