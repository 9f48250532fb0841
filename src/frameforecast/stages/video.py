"""Moving MNIST stages: train (streamed fresh sequences), evaluate (metrics.json), render (GIFs, plots)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from frameforecast import metrics
from frameforecast.atomic import atomic_path, write_json
from frameforecast.datasets import moving_mnist as mm
from frameforecast.datasets import user_clips
from frameforecast.errors import UserError
from frameforecast.models import baselines, video
from frameforecast.stages import read_json
from frameforecast.training import fit, load_model

ORIGINAL_TRAIN_SEED = 1000  # seed of the fixed training set the original protocol uses


def generator_config(cfg: dict) -> mm.GeneratorConfig:
    return mm.GeneratorConfig(canvas=cfg["canvas"], num_frames=max(20, cfg["in_frames"] + cfg["out_frames"])
                              if cfg["task"] != "original" else 20)


# ---------------------------------------------------------------- examples per task
def split_frames(videos: np.ndarray, cfg: dict):
    """uint8 (N, T, H, W) → (inputs, targets) in [0, 1] with a channel axis, for the experiment's task."""
    v = videos[..., None].astype(np.float32) / 255.0
    n_in, n_out = cfg["in_frames"], cfg["out_frames"]
    if cfg["task"] == "original":
        binary = (videos[:, :n_in] >= 128)[..., None].astype(np.float32)
        return binary, binary
    inputs = v[:, :n_in]
    reconstruction = inputs[:, ::-1]
    prediction = v[:, n_in:n_in + n_out]
    if video.is_next_frame(cfg):
        extra = {"reconstruction": reconstruction} if cfg["task"] == "composite" else {}
        return inputs, {"prediction": prediction, "observed_next": v[:, 1:n_in], **extra}
    if cfg["task"] == "predict":
        return inputs, prediction
    if cfg["task"] == "reconstruct":
        return inputs, reconstruction
    return inputs, {"prediction": prediction, "reconstruction": reconstruction}


def example_spec(cfg: dict):
    c = cfg["canvas"]
    frames_in = (cfg["in_frames"], c, c, 1)
    frames_out = (cfg["out_frames"], c, c, 1)
    if video.is_next_frame(cfg):
        extra = {"reconstruction": frames_in} if cfg["task"] == "composite" else {}
        return frames_in, {"prediction": frames_out, "observed_next": (cfg["in_frames"] - 1, c, c, 1), **extra}
    if cfg["task"] == "predict":
        return frames_in, frames_out
    if cfg["task"] in ("reconstruct", "original"):
        return frames_in, frames_in
    return frames_in, {"prediction": frames_out, "reconstruction": frames_in}


def model_config(cfg: dict) -> dict:
    if not cfg.get("data") and cfg["canvas"] < mm.DIGIT_SIZE:
        raise UserError(f"--canvas {cfg['canvas']} is smaller than a Moving MNIST digit ({mm.DIGIT_SIZE} px); "
                        f"use --canvas {mm.DIGIT_SIZE} or more")
    if cfg["canvas"] % cfg["patch"]:
        raise UserError(f"the canvas ({cfg['canvas']} px) is not a multiple of the patch size {cfg['patch']}; "
                        "pass a --patch that divides it")
    if cfg["kernel_grid"] and cfg["patch"] % cfg["kernel_grid"]:
        raise UserError(f"--kernel-grid {cfg['kernel_grid']} does not divide the patch size {cfg['patch']}; "
                        "pass a --kernel-grid that divides --patch")
    return cfg


# ---------------------------------------------------------------- train
def warm_start(model, cfg: dict, run_dir: Path, log=print) -> dict | None:
    """Copy the weights of every same-named, same-shaped layer from a trained run of cfg["warm_start"]
    (a sibling folder of run_dir). None, and training from scratch, when there is no such run."""
    if not cfg.get("warm_start"):
        return None
    source = run_dir.parent / cfg["warm_start"] / "model.keras"
    if not source.exists():
        log(f"no trained {cfg['warm_start']} at {source}: training {cfg['experiment']} from scratch")
        return None
    donor, copied = load_model(source), []
    for layer in model.layers:
        try:
            other = donor.get_layer(layer.name)
        except ValueError:
            continue
        if layer.weights and [w.shape for w in layer.weights] == [w.shape for w in other.weights]:
            layer.set_weights(other.get_weights())
            copied.append(layer.name)
    log(f"warm start: {len(copied)} layers from {cfg['warm_start']}/model.keras")
    return {"from": f"{cfg['warm_start']}/model.keras", "layers": copied} if copied else None


def user_clip_parts(cfg: dict, log=print) -> dict:
    """The user's clips (train video --data), split by clip into train, validation and test."""
    length = cfg["in_frames"] + cfg["out_frames"]
    return user_clips.split(user_clips.load(cfg["data"], cfg["canvas"], length, log), cfg["clip_split"], cfg["seed"])


def training_source(cfg: dict, log=print):
    """(dataset factory, validation data or None, description) for streamed training: Moving MNIST or your clips."""
    spec = example_spec(cfg)

    def to_example(videos):
        return split_frames(videos, cfg)

    if cfg.get("data"):
        parts = user_clip_parts(cfg, log)
        length = cfg["in_frames"] + cfg["out_frames"]

        def dataset(start, count, global_batch):
            return user_clips.training_dataset(parts["train"], length, global_batch, start, count, cfg["seed"],
                                               to_example, spec)

        sizes = {part: len(clips.arrays) for part, clips in parts.items()}
        return dataset, to_example(parts["validation"].windows(length)), (
            f"your clips: {sizes['train']} for training, {sizes['validation']} for validation, {sizes['test']} for test")
    train_digits, _, described = mm.load_digits(cfg["digits"])

    def dataset(start, count, global_batch):
        return mm.training_dataset(train_digits, global_batch, start, count, cfg["seed"], to_example, spec,
                                   generator_config(cfg))

    return dataset, None, described


def train(cfg: dict, run_dir: Path, *, restart: bool = False, strategy: str = "default", log=print) -> dict:
    model_config(cfg)
    warm = {}

    def build():
        model = video.build(cfg["task"], cfg)
        warm["start"] = warm_start(model, cfg, run_dir, log)
        return model

    common = dict(epochs=cfg["epochs"], loss=cfg["loss"], learning_rate=cfg["learning_rate"], seed=cfg["seed"],
                  optimizer=cfg["optimizer"], lr_schedule=cfg["lr_schedule"], patience=cfg["patience"],
                  time_budget=cfg["time_budget"], strategy=strategy, restart=restart, log=log,
                  batch_size=cfg["batch_size"], loss_weights=cfg["loss_weights"],
                  mixed_precision=cfg["mixed_precision"])
    if cfg["task"] == "original":
        train_digits, _, described = mm.load_digits(cfg["digits"])
        videos = mm.generate(train_digits, cfg["train_sequences"], np.random.default_rng(ORIGINAL_TRAIN_SEED),
                             generator_config(cfg))
        x, y = split_frames(videos, cfg)
        result = fit(build, run_dir, x=x, y=y, validation_split=cfg["validation_split"], **common)
        sequences_seen = int(len(x) * (1 - cfg["validation_split"])) * len(result.history.get("loss", []))
    else:
        dataset, validation, described = training_source(cfg, log)
        result = fit(build, run_dir, dataset=dataset, steps_per_epoch=cfg["steps_per_epoch"],
                     validation_data=validation, **common)
        sequences_seen = len(result.history.get("loss", [])) * cfg["steps_per_epoch"] * cfg["batch_size"]
    info = {
        "seconds": result.seconds, "epochs_run": len(result.history.get("loss", [])),
        "global_batch_size": result.global_batch, "seed": cfg["seed"],
        "resumed_from_epoch": result.resumed_from_epoch, "stopped_by": result.stopped_by,
        "sequences_seen_this_session": sequences_seen, "parameters": int(result.model.count_params()),
        "final_loss": float(result.history["loss"][-1]) if result.history.get("loss") else None,
        "digits": described, "strategy": strategy, "config": cfg, "warm_start": warm.get("start"),
    }
    write_json(run_dir / "train_info.json", info)
    log(f"trained {cfg['experiment']} in {result.seconds:.0f} s ({info['epochs_run']} epochs, "
        f"stopped by {result.stopped_by}); model: {run_dir / 'model.keras'}")
    return info


# ---------------------------------------------------------------- evaluate
def _test_set(cfg: dict, which: str | None, limit: int | None, standard_path: str | None) -> mm.TestSet:
    if cfg.get("data"):
        if which not in (None, "yours"):
            raise UserError(f"--test-set {which}: a run on your clips is tested on its held-out clips only")
        return user_clips.test_set(cfg["data"], user_clip_parts(cfg, log=lambda _: None),
                                   cfg["in_frames"] + cfg["out_frames"])
    which = which or cfg["test_set"]
    size = limit or cfg["test_size"]
    if which == "standard":
        if cfg["canvas"] != 64:
            raise UserError("the standard test file is 64 × 64; this profile's canvas is "
                            f"{cfg['canvas']} — use --test-set generated")
        return mm.standard_test_set(standard_path, limit=size)
    if which == "generated":
        return mm.generated_test_set(size, cfg["digits"], config=generator_config(cfg))
    raise UserError(f"unknown test set {which!r}; use standard or generated")


def _outputs(cfg: dict) -> list[str]:
    return ["prediction", "reconstruction"] if cfg["task"] == "composite" else [
        {"predict": "prediction", "reconstruct": "reconstruction", "original": "reconstruction"}[cfg["task"]]]


def evaluate(cfg: dict, run_dir: Path, *, test_set: str | None = None, limit: int | None = None,
             standard_path: str | None = None, batch_size: int = 50, log=print) -> dict:
    model = load_model(run_dir / "model.keras")
    data = _test_set(cfg, test_set, limit, standard_path)
    accuracy = cfg["task"] == "original"
    outputs = _outputs(cfg)
    acc = {out: {"model": metrics.VideoAccumulator(accuracy),
                 **{name: metrics.VideoAccumulator(accuracy) for name in baselines.VIDEO_BASELINES}}
           for out in outputs}
    kept = None
    start = time.monotonic()
    for videos in data.batches(batch_size):
        inputs, targets = split_frames(videos, cfg)
        preds = model.predict_on_batch(inputs)  # one graph call per batch: flat memory over 10 000 sequences
        if not isinstance(preds, dict):
            preds, targets = {outputs[0]: preds}, {outputs[0]: targets}
        for out in outputs:
            acc[out]["model"].add(preds[out], targets[out])
            frames_out, reverse = targets[out].shape[1], out == "reconstruction" and cfg["task"] != "original"
            for name, baseline in baselines.VIDEO_BASELINES.items():
                acc[out][name].add(baseline(inputs, frames_out, reverse=reverse), targets[out])
        if kept is None:
            count = cfg["gif_count"]
            kept = {"inputs": inputs[:count, ..., 0], **{f"{o}_truth": targets[o][:count, ..., 0] for o in outputs},
                    **{f"{o}_pred": np.asarray(preds[o][:count, ..., 0], np.float32) for o in outputs}}
    seconds = time.monotonic() - start
    results = {out: {name: a.result() for name, a in table.items()} for out, table in acc.items()}
    report = {
        "experiment": cfg["experiment"], "family": "video", "task": cfg["task"], "profile": cfg["profile"],
        "test_set": data.describe(), "headline_output": outputs[0], "results": results,
        "ssim_data_range": metrics.SSIM_DATA_RANGE, "evaluation_seconds": seconds,
    }
    if accuracy:
        report["training_data_results"] = _original_on_training_data(model, cfg)
    with atomic_path(run_dir / "predictions.npz", suffix=".npz") as tmp, open(tmp, "wb") as handle:
        np.savez_compressed(handle, **kept)
    write_json(run_dir / "metrics.json", report)
    head = results[outputs[0]]
    log(f"{cfg['experiment']} on {data.name} test set ({len(data)} sequences): MSE/frame "
        f"{head['model']['mse_per_frame']:.1f} (all-black {head['all-black frame']['mse_per_frame']:.1f}, "
        f"copy-last {head['copy last frame']['mse_per_frame']:.1f}), SSIM {head['model']['ssim']:.3f}")
    if accuracy:
        log(f"  binary pixel accuracy {head['model']['binary_accuracy']:.4f} vs all-black "
            f"{head['all-black frame']['binary_accuracy']:.4f} on the same held-out data")
    return report


def _original_on_training_data(model, cfg: dict) -> dict:
    """The original's own protocol: scored on (a sample of) the data it trained on."""
    train_digits, _, _ = mm.load_digits(cfg["digits"])
    videos = mm.generate(train_digits, cfg["train_sequences"], np.random.default_rng(ORIGINAL_TRAIN_SEED),
                         generator_config(cfg))[:200]
    inputs, targets = split_frames(videos, cfg)
    model_acc, black_acc = metrics.VideoAccumulator(True), metrics.VideoAccumulator(True)
    model_acc.add(model.predict(inputs, verbose=0), targets)
    black_acc.add(baselines.all_black(inputs, targets.shape[1]), targets)
    return {"sequences": len(videos), "model": model_acc.result(), "all-black frame": black_acc.result()}


# ---------------------------------------------------------------- render
def render(cfg: dict, run_dir: Path, log=print) -> list[str]:
    from frameforecast.report import gifs, plots

    report = read_json(run_dir / "metrics.json")
    path = run_dir / "predictions.npz"
    if not path.exists():
        raise UserError(f"{path} does not exist; run: frameforecast evaluate {cfg['experiment']}")
    with np.load(path, allow_pickle=False) as stored:
        arrays = {k: stored[k] for k in stored.files}
    written = []
    for out in _outputs(cfg):
        for i in range(len(arrays["inputs"])):
            name = f"{out}-{i}.gif"
            gifs.write_strip_gif(run_dir / name, arrays["inputs"][i], arrays[f"{out}_truth"][i],
                                 arrays[f"{out}_pred"][i], title=f"{cfg['experiment']} · {out} · test #{i}")
            written.append(name)
        sheet = f"{out}-sheet.png"
        gifs.write_contact_sheet(run_dir / sheet, arrays["inputs"], arrays[f"{out}_truth"], arrays[f"{out}_pred"])
        written.append(sheet)
        curve = f"{out}-per-timestep.png"
        plots.per_timestep_plot(run_dir / curve, report["results"][out], title=f"{out}: error by frame ahead")
        written.append(curve)
    if (run_dir / "history.csv").exists():
        plots.training_curves(run_dir / "history.csv", run_dir / "training.png")
        written.append("training.png")
    log(f"rendered {len(written)} files into {run_dir}")
    return written
