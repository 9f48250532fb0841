"""Your own video: train video --data on clips written with OpenCV, predict on an MP4 and a GIF, bad inputs."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from PIL import Image
from test_bad_input import run_cli

from frameforecast import cli
from frameforecast.datasets import video_files
from frameforecast.stages import video_predict

IN_FRAMES, OUT_FRAMES = 10, 10


def moving_square(frames: int, height: int = 48, width: int = 80, seed: int = 0) -> np.ndarray:
    """A colour (BGR) clip of a square bouncing inside a wide frame: (frames, H, W, 3) uint8."""
    rng = np.random.default_rng(seed)
    pos, vel = rng.uniform([5, 5], [height - 15, width - 15]), rng.uniform(-3, 3, 2)
    clip = np.zeros((frames, height, width, 3), np.uint8)
    for t in range(frames):
        pos += vel
        for axis, limit in enumerate((height - 12, width - 12)):
            if not 0 <= pos[axis] <= limit:
                vel[axis] *= -1
                pos[axis] = np.clip(pos[axis], 0, limit)
        y, x = pos.astype(int)
        cv2.rectangle(clip[t], (x, y), (x + 10, y + 10), (40, 200, 255), -1)
    return clip


def write_mp4(path, clip, fps=10):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (clip.shape[2], clip.shape[1]))
    for frame in clip:
        writer.write(frame)
    writer.release()
    return path


def write_gif(path, clip):
    images = [Image.fromarray(frame[..., ::-1]) for frame in clip]
    images[0].save(path, save_all=True, append_images=images[1:], duration=100, loop=0)
    return path


def mp4_frame_count(path) -> int:
    capture, count = cv2.VideoCapture(str(path)), 0
    while capture.read()[0]:
        count += 1
    capture.release()
    return count


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A smoke `train video --data` on a folder of six MP4 clips, evaluated and rendered (the model predict uses)."""
    import os

    root = tmp_path_factory.mktemp("own-video")
    clips = root / "clips"
    clips.mkdir()
    for i in range(6):
        write_mp4(clips / f"clip{i}.mp4", moving_square(30, seed=i))
    old = os.getcwd()
    os.chdir(root)
    try:
        assert (
            cli.main(["train", "video", "--data", "clips", "--profile", "smoke", "--run-dir", "runs/video-clips"]) == 0
        )
        for stage in ("evaluate", "render"):
            assert cli.main([stage, "video", "--run-dir", "runs/video-clips"]) == 0
    finally:
        os.chdir(old)
    return root


def test_train_video_on_a_folder_of_clips_scores_beside_every_baseline(trained):
    run = trained / "runs" / "video-clips"
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["test_set"]["name"] == "your clips" and "held-out clips of clips" in metrics["test_set"]["origin"]
    head = metrics["results"]["prediction"]
    assert set(head) == {"model", "all-black frame", "copy last frame", "mean input frame", "optical flow"}
    for scores in head.values():
        assert {"mse_per_frame", "mae_per_frame", "ssim", "psnr"} <= set(scores)
        assert len(scores["per_timestep"]["mse"]) == OUT_FRAMES
    info = json.loads((run / "train_info.json").read_text())
    assert info["digits"].startswith("your clips: 4 for training, 1 for validation, 1 for test")
    assert (run / "prediction-per-timestep.png").exists() and (run / "prediction-0.gif").exists()


@pytest.mark.parametrize("maker", [write_mp4, write_gif])
def test_predict_on_an_mp4_and_a_gif(trained, maker, monkeypatch):
    monkeypatch.chdir(trained)
    video = maker(trained / f"street{'.mp4' if maker is write_mp4 else '.gif'}", moving_square(25, seed=9))
    assert cli.main(["predict", "video-clips", "--video", video.name]) == 0
    out = trained / "runs" / "video-clips" / video_predict.folder_name(trained / video.name)
    info = json.loads((out / "info.json").read_text())
    assert info["source"] == video.name and info["input_frames"] == [15, 24] and info["frames_read"] == 25
    assert "prediction only" in info["note"]
    stored = np.load(out / "frames.npz")
    canvas = json.loads((trained / "runs" / "video-clips" / "config.json").read_text())["canvas"]
    assert stored["inputs"].shape == (IN_FRAMES, canvas, canvas) and stored["prediction"].shape == (
        OUT_FRAMES,
        canvas,
        canvas,
    )
    assert Image.open(out / "prediction.gif").n_frames == IN_FRAMES + OUT_FRAMES
    assert mp4_frame_count(out / "prediction.mp4") == IN_FRAMES + OUT_FRAMES
    assert cli.main(["site"]) == 0
    index = (trained / "site" / "index.html").read_text()
    assert "Your videos" in index and f"video-clips/{out.name}/prediction.gif" in index
    assert (trained / "site" / "video-clips" / out.name / "prediction.mp4").exists()
    page = (trained / "site" / "video-clips.html").read_text()
    assert "optical flow" in page and str(trained) not in page + index


def test_predict_from_a_chosen_start_frame(trained, monkeypatch):
    monkeypatch.chdir(trained)
    write_mp4(trained / "long.mp4", moving_square(40, seed=3))
    assert cli.main(["predict", "video-clips", "--video", "long.mp4", "--start", "5"]) == 0
    info = json.loads(
        (trained / "runs" / "video-clips" / video_predict.folder_name(trained / "long.mp4") / "info.json").read_text()
    )
    assert info["input_frames"] == [5, 14]


# ---------------------------------------------------------------- reading any input
def test_letterbox_keeps_the_aspect_ratio_on_black():
    frame = np.full((48, 96), 200, np.uint8)
    boxed = video_files.letterbox(frame, 64)
    assert boxed.shape == (64, 64)
    rows = np.flatnonzero(boxed.max(axis=1) > 0)
    assert (rows.min(), rows.max()) == (16, 47)  # 96 → 64 wide, 48 → 32 high, centred
    assert boxed[:16].max() == 0 and boxed[48:].max() == 0


@pytest.mark.parametrize("kind", ["rgb-npy", "rgba-npy", "uint16-npy", "uint16-png-folder", "huge-resolution"])
def test_colour_16_bit_and_huge_inputs_are_converted_not_refused(tmp_path, kind):
    rng = np.random.default_rng(0)
    if kind == "rgb-npy":
        path, array = tmp_path / "c.npy", rng.integers(0, 256, (12, 30, 40, 3), dtype=np.uint8)
    elif kind == "rgba-npy":
        path, array = tmp_path / "c.npy", rng.integers(0, 256, (12, 30, 40, 4), dtype=np.uint8)
    elif kind == "uint16-npy":
        path, array = tmp_path / "c.npy", rng.integers(0, 65536, (12, 30, 40), dtype=np.uint16)
    elif kind == "huge-resolution":
        path, array = tmp_path / "c.npy", np.full((12, 2160, 3840), 255, np.uint8)
    if kind.endswith("npy") or kind == "huge-resolution":
        np.save(path, array)
    else:
        path = tmp_path / "frames"
        path.mkdir()
        for t in range(12):
            cv2.imwrite(str(path / f"{t:03d}.png"), np.full((30, 40), 257 * (t + 1), np.uint16))
    frames, first, read = video_files.read_window(path, 32, 10)
    assert frames.shape == (10, 32, 32) and frames.dtype == np.uint8 and (first, read) == (2, 12)
    if kind == "uint16-png-folder":
        assert frames[-1].max() == 12  # 16-bit 257 · 12 scales to 8-bit 12
    if kind == "huge-resolution":
        assert frames[0, 7:25].min() == 255 and frames[0, :7].max() == frames[0, 25:].max() == 0  # 16:9: 18 rows of 32


# ---------------------------------------------------------------- bad input: one line, status 2, nothing written
def predict(video, *extra):
    return ["predict", "video-clips", "--video", str(video), *extra]


def test_bad_videos_are_one_line(trained, capsys, monkeypatch):
    monkeypatch.chdir(trained)
    (trained / "corrupt.mp4").write_bytes(b"not a video at all" * 50)
    (trained / "empty").mkdir(exist_ok=True)
    np.save(trained / "none.npy", np.zeros((0, 20, 20), np.uint8))
    write_gif(trained / "short.gif", moving_square(6, seed=1))
    (trained / "notes.txt").write_text("hello")
    np.save(trained / "floats.npy", np.zeros((12, 20, 20), np.float32))
    cases = {
        "missing.mp4": "does not exist",
        "corrupt.mp4": "cannot decode corrupt.mp4",
        "empty": "has no frames",
        "none.npy": "has no frames",
        "short.gif": "short.gif has 6 frames; the model needs 10 input frames",
        "notes.txt": "unsupported file type .txt",
        "floats.npy": "dtype float32",
    }
    for video, expected in cases.items():
        line = run_cli(predict(video), capsys, trained)
        assert expected in line, (video, line)
    write_gif(trained / "twelve.gif", moving_square(12, seed=2))
    line = run_cli(predict("twelve.gif", "--start", "35"), capsys, trained)
    assert "twelve.gif has 12 frames; the model needs 10 input frames from frame 35" in line
    line = run_cli(predict("twelve.gif", "--start", "5"), capsys, trained)
    assert "pass --start ≤ 2" in line


def test_predict_refuses_a_model_that_does_not_forecast(trained, capsys, monkeypatch):
    monkeypatch.chdir(trained)
    folder = trained / "runs" / "recon"
    folder.mkdir(parents=True, exist_ok=True)
    from frameforecast.config import experiments

    saved = experiments.get("mnist-reconstruct").config("smoke").replace(canvas=32, run_name="recon")
    (folder / "config.json").write_text(json.dumps(saved.as_json()))
    write_gif(trained / "fine.gif", moving_square(12))
    assert "does not forecast" in run_cli(predict("fine.gif", "--run-dir", str(folder)), capsys, trained)
    assert "has no trained model" in run_cli(["predict", "nothing-here", "--video", "fine.gif"], capsys, trained)


def test_bad_training_clips_are_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    two = tmp_path / "two"
    two.mkdir()
    for i in range(2):
        write_mp4(two / f"c{i}.mp4", moving_square(25, seed=i))
    images = tmp_path / "images"
    images.mkdir()
    for t in range(25):
        cv2.imwrite(str(images / f"{t:03d}.png"), np.zeros((20, 20), np.uint8))
    np.save(tmp_path / "clips.npy", np.zeros((2, 25, 20, 20), np.uint8))
    write_mp4(tmp_path / "one.mp4", moving_square(25))
    cases = {
        "missing": "does not exist",
        "two": "two has 2 clips of at least 20 frames",
        "images": "holds images, which make one clip",
        "clips.npy": "clips.npy has 2 clips",
        "one.mp4": "one.mp4 is one file",
    }
    for data, expected in cases.items():
        line = run_cli(["train", "video", "--profile", "smoke", "--data", data], capsys, tmp_path)
        assert expected in line, (data, line)
    assert "--data two: not an option" in run_cli(["train", "mnist-predict", "--data", "two"], capsys, tmp_path)
