"""Moving MNIST: the Srivastava et al. (2015) generator, digit sources, the standard test file.

Layout inside the project is batch-major: (N, T, H, W) uint8. The standard file
is time-major (20, N, 64, 64); `standard_test_set` hands out batch-major slices
of a memory-mapped copy, never the whole array.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from frameforecast.config.classes import VideoConfig
from frameforecast.datasets.streaming import batch_seed, indexed_batches
from frameforecast.errors import UserError

DIGIT_SIZE = 28
BUNDLED_DIGITS = "mnist_5k.csv.gz"
BUNDLED_TEST_PER_CLASS = 100  # the last 100 digits of each class are held out for testing
STANDARD_URL = "http://www.cs.toronto.edu/~nitish/unsupervised_video/mnist_test_seq.npy"
STANDARD_FILENAME = "mnist_test_seq.npy"
STANDARD_SHA256 = "c2a3e8d3939c001ab77bf543f130157424efa486bb4d0974d2cebb773b13f8b3"
GENERATED_TEST_SEED = 2015


@dataclass(frozen=True)
class GeneratorConfig:
    """Srivastava's conventions: 64 × 64 canvas, 2 digits, 20 frames, step 0.1 of the free range per frame."""

    canvas: int = 64
    num_digits: int = 2
    num_frames: int = 20
    step: float = 0.1


def trajectories(n: int, config: GeneratorConfig, rng: np.random.Generator):
    """Positions in [0, 1] of shape (n, digits, frames, 2) as (y, x), and the velocities used at each frame.

    Each step moves by (sin θ, cos θ) · step; a coordinate that reaches 0 or 1 is clamped there
    and its velocity component flips (Srivastava's bounce). The first frame is recorded after one step.
    """
    shape = (n, config.num_digits)
    pos = rng.random(shape + (2,))
    theta = rng.random(shape) * 2 * np.pi
    vel = np.stack([np.sin(theta), np.cos(theta)], axis=-1)
    positions = np.empty(shape + (config.num_frames, 2))
    velocities = np.empty_like(positions)
    for t in range(config.num_frames):
        pos += vel * config.step
        low, high = pos <= 0, pos >= 1
        pos[low], pos[high] = 0.0, 1.0
        vel[low | high] *= -1
        positions[:, :, t] = pos
        velocities[:, :, t] = vel
    return positions, velocities


def generate(
    digits: np.ndarray, n: int, rng: np.random.Generator, config: GeneratorConfig = GeneratorConfig()
) -> np.ndarray:
    """Generate n sequences (n, frames, canvas, canvas) uint8 from digit images (M, 28, 28) uint8."""
    digit_size = digits.shape[-1]
    free = config.canvas - digit_size
    if free < 0:
        raise UserError(
            f"canvas {config.canvas} is smaller than the digits ({digit_size}); use --canvas ≥ {digit_size}"
        )
    positions, _ = trajectories(n, config, rng)
    corners = (positions * free).astype(np.int64)  # int(36 · x), as the original
    chosen = digits[rng.integers(0, len(digits), size=(n, config.num_digits))]
    video = np.zeros((n, config.num_frames, config.canvas, config.canvas), dtype=np.uint8)
    offsets = np.arange(digit_size)
    seq = np.arange(n)[:, None, None]
    for t in range(config.num_frames):
        frame = video[:, t]
        for d in range(config.num_digits):
            rows = (corners[:, d, t, 0][:, None] + offsets)[:, :, None]
            cols = (corners[:, d, t, 1][:, None] + offsets)[:, None, :]
            # the first digit lands on an empty frame, so plain assignment equals the maximum
            frame[seq, rows, cols] = chosen[:, d] if d == 0 else np.maximum(frame[seq, rows, cols], chosen[:, d])
    return video


# ---------------------------------------------------------------- digit sources
def _bundled_digits() -> tuple[np.ndarray, np.ndarray]:
    path = resources.files("frameforecast.datasets") / "files" / BUNDLED_DIGITS
    with resources.as_file(path) as real, gzip.open(real, "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.uint8)
    images, labels = table[:, :784].reshape(-1, 28, 28), table[:, 784]
    return images, labels


def split_by_class(images: np.ndarray, labels: np.ndarray, test_per_class: int):
    """Hold out the last `test_per_class` digits of every class, so test digits cover all classes."""
    train_idx, test_idx = [], []
    for label in np.unique(labels):
        idx = np.flatnonzero(labels == label)
        train_idx.append(idx[:-test_per_class])
        test_idx.append(idx[-test_per_class:])
    return np.concatenate(train_idx), np.concatenate(test_idx)


def _keras_cached_mnist() -> Path | None:
    import os

    keras_home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    path = keras_home / "datasets" / "mnist.npz"
    return path if path.exists() else None


_DIGITS_CACHE: dict[str, tuple[np.ndarray, np.ndarray, str]] = {}


def load_digits(source: str = "auto") -> tuple[np.ndarray, np.ndarray, str]:
    """Return (train_digits, test_digits, description).

    source: "mnist" (full MNIST through keras, downloading if needed), "bundled"
    (the 5000-digit subset, split within each class), or "auto" (full MNIST if keras
    already has it cached, else bundled — never a network wait).
    """
    if source == "auto":
        source = "mnist" if _keras_cached_mnist() else "bundled"
    if source in _DIGITS_CACHE:
        return _DIGITS_CACHE[source]
    if source == "mnist":
        import keras

        try:
            (train, _), (test, _) = keras.datasets.mnist.load_data()
        except Exception as exc:
            raise UserError(
                f"could not load full MNIST through keras ({exc}); use --digits bundled to work offline"
            ) from exc
        result = (train, test, "full MNIST (train split for training, test split for the generated test set)")
    elif source == "bundled":
        images, labels = _bundled_digits()
        train_idx, test_idx = split_by_class(images, labels, BUNDLED_TEST_PER_CLASS)
        result = (
            images[train_idx],
            images[test_idx],
            f"bundled 5000-digit MNIST subset ({len(train_idx)} train / {len(test_idx)} held-out test digits, "
            f"{BUNDLED_TEST_PER_CLASS} per class)",
        )
    else:
        raise UserError(f"unknown digit source {source!r}; use one of auto, mnist, bundled")
    _DIGITS_CACHE[source] = result
    return result


def load_for(cfg: VideoConfig) -> None:
    """Load (and cache) a video config's digit source; nothing for your own clips."""
    if cfg.digits:
        load_digits(cfg.digits)


# ---------------------------------------------------------------- test sets
@dataclass
class TestSet:
    """A Moving MNIST test set: sequences (N, 20, 64, 64) uint8 (possibly memory-mapped) and its origin."""

    videos: np.ndarray
    name: str
    origin: str

    def __len__(self):
        return self.videos.shape[0]

    def batches(self, batch_size: int):
        for start in range(0, len(self), batch_size):
            yield np.ascontiguousarray(self.videos[start : start + batch_size])

    def describe(self) -> dict:
        return {"name": self.name, "size": len(self), "origin": self.origin}


def generated_test_set(
    n: int, digit_source: str = "auto", seed: int = GENERATED_TEST_SEED, config: GeneratorConfig = GeneratorConfig()
) -> TestSet:
    """A deterministic test set from held-out digits (never the training digits)."""
    _, test_digits, described = load_digits(digit_source)
    videos = generate(test_digits, n, np.random.default_rng(seed), config)
    return TestSet(videos, "generated", f"generated with seed {seed} from held-out digits: {described}")


def open_standard_file(path: str | Path) -> np.ndarray:
    """Open a file in the standard layout (20, N, 64, 64) uint8, memory-mapped; UserError if it is not one."""
    path = Path(path)
    if not path.exists():
        raise UserError(
            f"{path} does not exist; run `frameforecast data fetch moving-mnist-test` or pass --test-set generated"
        )
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except Exception as exc:
        raise UserError(f"{path} is not a readable .npy file ({exc}); delete it and fetch it again") from exc
    if (
        array.dtype != np.uint8
        or array.ndim != 4
        or array.shape[0] != 20
        or array.shape[2:] != (64, 64)
        or array.shape[1] == 0
    ):
        raise UserError(
            f"{path} has shape {array.shape} and dtype {array.dtype}; expected (20, N, 64, 64) uint8 "
            "(Srivastava's mnist_test_seq.npy); delete it and fetch it again"
        )
    return array


class _BatchMajor:
    """A batch-major view (N, T, H, W) of a time-major .npy file; each slice maps the file, copies, unmaps.

    Re-mapping per slice keeps resident memory to one batch: pages of a long-lived memmap would
    otherwise count towards the process's RSS as they are read.
    """

    def __init__(self, path: Path, count: int):
        self.path = path
        first = open_standard_file(path)
        self.shape = (min(count, first.shape[1]), first.shape[0]) + first.shape[2:]
        self.dtype = first.dtype
        del first

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError("only slices are supported")
        start, stop, _ = key.indices(self.shape[0])
        mapped = np.load(self.path, mmap_mode="r", allow_pickle=False)
        try:
            return np.ascontiguousarray(np.swapaxes(mapped[:, start:stop], 0, 1))
        finally:
            del mapped


def standard_test_set(path: str | Path | None = None, limit: int | None = None) -> TestSet:
    """The standard test file, memory-mapped (fetched into the cache if no path is given)."""
    path = Path(path) if path is not None else fetch_standard_file()
    view = _BatchMajor(path, limit or 10**9)
    return TestSet(view, "standard", f"standard file {path.name} (Srivastava et al. 2015), {view.shape[0]} sequences")


def standard_url() -> str:
    """$FRAMEFORECAST_STANDARD_URL (a mirror) or the University of Toronto original."""
    import os

    return os.environ.get("FRAMEFORECAST_STANDARD_URL", STANDARD_URL)


def fetch_standard_file() -> Path:
    from frameforecast.datasets.download import fetch

    return fetch(
        standard_url(),
        STANDARD_FILENAME,
        STANDARD_SHA256,
        offline_hint="offline, evaluate on the generated test set instead: --test-set generated",
    )


# ---------------------------------------------------------------- streaming training data
def training_dataset(
    train_digits: np.ndarray,
    batch_size: int,
    start_batch: int,
    num_batches: int,
    seed: int,
    to_example,
    example_spec,
    config: GeneratorConfig = GeneratorConfig(),
):
    """A tf.data pipeline of freshly generated batches start_batch … start_batch + num_batches − 1.

    `to_example(videos_uint8) -> (inputs, targets)` makes the model's arrays; `example_spec` is a
    matching nested structure of per-example shapes. Nothing is held in memory.
    """

    def make(index):
        return to_example(generate(train_digits, batch_size, batch_seed(seed, index), config))

    return indexed_batches(make, example_spec, batch_size, start_batch, num_batches)
