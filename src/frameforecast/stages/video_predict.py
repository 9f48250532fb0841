"""`frameforecast predict <video experiment> --video PATH`: the trained model on your own clip.

There is no ground truth for frames that have not happened, so this writes pictures and no metrics.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np

from frameforecast import names, video_tasks
from frameforecast.atomic import write_json
from frameforecast.config.classes import VideoConfig
from frameforecast.datasets import video_files
from frameforecast.errors import UserError

MP4_FPS = 4


def folder_name(video: str | Path) -> str:
    """predict-<file name>-<hash>: street.mp4 and street.gif, or 🎥.gif and 📹.gif, never share a folder; the
    same clip predicted again replaces its own earlier prediction."""
    return "predict-" + names.slug(Path(video).name, identity=str(Path(video).resolve()))


def write_mp4(path: Path, images) -> None:
    """PIL images (all the same size) as an MP4 (cv2.VideoWriter, mp4v)."""
    cv2 = video_files.opencv()
    width, height = images[0].size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), MP4_FPS, (width, height))
    if not writer.isOpened():
        raise UserError(f"OpenCV cannot write {path.name} (no mp4v encoder in this build)")
    try:
        for image in images:
            writer.write(cv2.cvtColor(np.asarray(image.convert("RGB")), cv2.COLOR_RGB2BGR))
    finally:
        writer.release()


def predict(cfg: VideoConfig, run_dir: Path, video: str, start: int | None = None, log=print) -> Path:
    """Read the clip (before Keras is imported), predict the next out_frames, write GIF, MP4 and info.json."""
    task = video_tasks.get(cfg.task)
    if not task.forecasts:
        raise UserError(
            f"{cfg.experiment} reconstructs its inputs and does not forecast; use one of the "
            "forecasting experiments (mnist-predict, mnist-composite, or your own video-… run)"
        )
    clip, first, read = video_files.read_window(video, cfg.canvas, cfg.in_frames, start)
    from frameforecast.report import gifs
    from frameforecast.training import load_model

    model = load_model(run_dir / "model.keras")
    inputs = clip[None, ..., None].astype(np.float32) / 255.0
    outputs = model.predict_on_batch(inputs)
    prediction = np.clip(
        np.asarray(outputs[task.outputs[0]] if isinstance(outputs, dict) else outputs)[0, ..., 0], 0, 1
    )
    name = Path(video).name
    target = run_dir / folder_name(video)
    info = {
        "experiment": cfg.experiment,
        "source": name,
        "frames_read": read,
        "input_frames": [first, first + cfg.in_frames - 1],
        "canvas": cfg.canvas,
        "out_frames": int(prediction.shape[0]),
        "note": "prediction only: these frames have not happened, so there is no ground truth and no metric",
    }
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=run_dir))
    try:
        images = gifs.forecast_frames(inputs[0, ..., 0], prediction, title=name)
        gifs.write_gif(tmp / "prediction.gif", images)
        write_mp4(tmp / "prediction.mp4", images)
        np.savez_compressed(tmp / "frames.npz", inputs=clip, prediction=(prediction * 255).round().astype(np.uint8))
        write_json(tmp / "info.json", info)
        if target.exists() and not (target / "info.json").is_file():  # not a prediction of ours: keep it
            raise UserError(f"{target} exists and was not written by frameforecast predict; move it away")
        if target.exists():
            shutil.rmtree(target)  # this clip's earlier prediction, replaced by the new one
        tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log(
        f"predicted {info['out_frames']} frames after frames {first}–{first + cfg.in_frames - 1} of {name} "
        f"({read} read); prediction only, no ground truth: {target}/prediction.gif, prediction.mp4"
    )
    return target
