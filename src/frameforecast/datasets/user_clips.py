"""Your clips for `frameforecast train video --data`: a folder of clips or an (N, T, H, W) .npy, split by clip.

Every clip is letterboxed to the canvas once (small: 64 × 64 bytes a frame) and kept as uint8. Training
draws random windows of in + out frames from the training clips, seeded by batch index like Moving MNIST;
validation and test use consecutive non-overlapping windows of their own clips, so no clip is in two parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from frameforecast.datasets import video_files
from frameforecast.datasets.moving_mnist import TestSet
from frameforecast.datasets.streaming import batch_seed, indexed_batches
from frameforecast.errors import UserError

MIN_CLIPS = 3  # one each for training, validation and test
ACCEPTED = "a folder of clips (videos, GIFs, .npy files or sub-folders of images) or an (N, T, H, W) uint8 .npy"


@dataclass
class Clips:
    """Clips (T_i, canvas, canvas) uint8 and their names, in a fixed order."""

    arrays: list
    names: list

    def windows(self, length: int) -> np.ndarray:
        """Consecutive non-overlapping windows (N, length, H, W) of every clip."""
        out = [
            clip[start : start + length] for clip in self.arrays for start in range(0, len(clip) - length + 1, length)
        ]
        return np.stack(out)

    def sample(self, count: int, length: int, rng: np.random.Generator) -> np.ndarray:
        """`count` windows at random clips and random offsets."""
        picks = rng.integers(0, len(self.arrays), size=count)
        return np.stack([self._random_window(self.arrays[i], length, rng) for i in picks])

    @staticmethod
    def _random_window(clip: np.ndarray, length: int, rng: np.random.Generator) -> np.ndarray:
        start = int(rng.integers(0, len(clip) - length + 1))
        return clip[start : start + length]


def _clip_sources(folder: Path) -> list[Path]:
    entries = sorted(folder.iterdir())
    sources = [p for p in entries if p.is_dir() or p.suffix.lower() in video_files.VIDEO_SUFFIXES + (".npy",)]
    if not sources and any(p.suffix.lower() in video_files.IMAGE_SUFFIXES for p in entries):
        raise UserError(
            f"{folder.name}/ holds images, which make one clip; training needs several: put each "
            "clip's images in its own sub-folder"
        )
    return sources


def _frames_of(frames, canvas: int) -> np.ndarray:
    stacked = list(frames)
    return np.stack(stacked) if stacked else np.zeros((0, canvas, canvas), np.uint8)


def load(path: str | Path, canvas: int, length: int, log=print) -> Clips:
    """All clips of at least `length` frames, letterboxed to canvas; UserError if fewer than MIN_CLIPS."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path} does not exist; pass {ACCEPTED}")
    if path.is_dir():
        named = (
            (source.name, _frames_of(video_files.frames(source, canvas), canvas)) for source in _clip_sources(path)
        )
    elif path.suffix.lower() == ".npy":
        array = video_files.open_npy(path, (4,), "(N, T, H, W)")
        named = (
            (
                f"clip {i}",
                _frames_of(
                    (video_files.letterbox(frame, canvas) for frame in video_files.array_frames(array[i])), canvas
                ),
            )
            for i in range(array.shape[0])
        )
    else:
        raise UserError(f"{path.name} is one file; pass {ACCEPTED}")
    arrays, names, short = [], [], 0
    for name, clip in named:
        if len(clip) < length:
            short += 1
            continue
        arrays.append(clip)
        names.append(name)
    if len(arrays) < MIN_CLIPS:
        raise UserError(
            f"{path.name} has {len(arrays)} clips of at least {length} frames (in + out)"
            + (f" ({short} shorter ones left out)" if short else "")
            + f"; training needs {MIN_CLIPS} or more, split by clip into training, validation and test"
        )
    if short:  # said only once the clips are usable: a refusal is one line
        log(f"skipped {short} clips shorter than {length} frames (in + out)")
    return Clips(arrays, names)


def split(clips: Clips, fractions: tuple, seed: int) -> dict[str, Clips]:
    """Training, validation and test clips: shuffled with the seed, at least one clip in each part."""
    order = np.random.default_rng(seed).permutation(len(clips.arrays))
    n_val = max(1, round(fractions[1] * len(order)))
    n_test = max(1, round(fractions[2] * len(order)))
    parts = {"train": order[n_val + n_test :], "validation": order[:n_val], "test": order[n_val : n_val + n_test]}
    return {
        part: Clips([clips.arrays[i] for i in sorted(idx)], [clips.names[i] for i in sorted(idx)])
        for part, idx in parts.items()
    }


def training_dataset(
    clips: Clips, length: int, batch_size: int, start_batch: int, num_batches: int, seed: int, to_example, example_spec
):
    """Random training windows, batch i drawn from the generator seeded by (seed, i): resumable like Moving MNIST."""

    def make(index):
        return to_example(clips.sample(batch_size, length, batch_seed(seed, index)))

    return indexed_batches(make, example_spec, batch_size, start_batch, num_batches)


def test_set(path: str | Path, parts: dict[str, Clips], length: int) -> TestSet:
    test = parts["test"]
    windows = test.windows(length)
    return TestSet(
        windows,
        "your clips",
        f"{len(windows)} windows of {length} frames from {len(test.arrays)} held-out clips of "
        f"{Path(path).name} ({', '.join(test.names[:5])}{' …' if len(test.names) > 5 else ''}); "
        f"{len(parts['train'].arrays)} clips trained on, {len(parts['validation'].arrays)} validated on",
    )
