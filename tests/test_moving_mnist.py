"""The Moving MNIST generator, digit sources, test sets and the standard-file loader."""

import subprocess
import sys

import numpy as np
import pytest

from frameforecast.datasets import moving_mnist as mm
from frameforecast.errors import UserError

CONFIG = mm.GeneratorConfig()


def test_positions_stay_inside_the_canvas():
    positions, _ = mm.trajectories(500, CONFIG, np.random.default_rng(0))
    assert positions.min() >= 0 and positions.max() <= 1
    corners = (positions * (CONFIG.canvas - mm.DIGIT_SIZE)).astype(int)
    assert corners.min() >= 0 and corners.max() <= CONFIG.canvas - mm.DIGIT_SIZE


def test_every_digit_pixel_is_inside_the_canvas():
    digits = np.full((3, 28, 28), 255, np.uint8)  # solid squares: their whole area must be drawn
    videos = mm.generate(digits, 50, np.random.default_rng(1))
    per_frame = (videos > 0).sum(axis=(2, 3))
    assert per_frame.min() >= 28 * 28  # nothing clipped off the canvas
    assert per_frame.max() <= 2 * 28 * 28


def test_velocity_flips_exactly_at_the_walls():
    positions, velocities = mm.trajectories(300, CONFIG, np.random.default_rng(2))
    at_wall = (positions <= 0) | (positions >= 1)
    flipped = np.sign(velocities[:, :, 1:]) != np.sign(velocities[:, :, :-1])
    # a component flips between frames t−1 and t exactly when frame t reached a wall
    assert np.array_equal(flipped, at_wall[:, :, 1:])
    steps = np.diff(positions, axis=2)
    free = ~at_wall[:, :, 1:]
    assert np.allclose(steps[free], (velocities[:, :, :-1] * CONFIG.step)[free])


def test_same_seed_same_bytes_and_uint8():
    train, _, _ = mm.load_digits("bundled")
    a = mm.generate(train, 8, np.random.default_rng(42))
    b = mm.generate(train, 8, np.random.default_rng(42))
    c = mm.generate(train, 8, np.random.default_rng(43))
    assert a.dtype == np.uint8 and a.shape == (8, 20, 64, 64)
    assert a.tobytes() == b.tobytes()
    assert a.tobytes() != c.tobytes()


def test_other_sizes():
    digits = np.full((2, 28, 28), 255, np.uint8)
    config = mm.GeneratorConfig(canvas=48, num_digits=3, num_frames=7)
    assert mm.generate(digits, 4, np.random.default_rng(0), config).shape == (4, 7, 48, 48)


def test_bundled_train_and_test_digits_never_overlap_and_cover_every_class():
    images, labels = mm._bundled_digits()
    train_idx, test_idx = mm.split_by_class(images, labels, mm.BUNDLED_TEST_PER_CLASS)
    assert not set(train_idx) & set(test_idx)
    assert sorted(set(labels[test_idx])) == list(range(10))
    train_bytes = {images[i].tobytes() for i in train_idx}
    assert not any(images[i].tobytes() in train_bytes for i in test_idx)


def test_generated_test_set_is_deterministic_and_labelled():
    a = mm.generated_test_set(4, "bundled")
    b = mm.generated_test_set(4, "bundled")
    assert a.videos.tobytes() == b.videos.tobytes()
    assert a.name == "generated" and "held-out" in a.origin and "seed" in a.origin


def test_streaming_dataset_resumes_at_the_same_batch():
    train, _, _ = mm.load_digits("bundled")
    make = lambda v: (v[:, :10, ..., None] / 255.0, v[:, 10:, ..., None] / 255.0)  # noqa: E731
    spec = ((10, 64, 64, 1), (10, 64, 64, 1))
    full = [x.numpy() for x, _ in mm.training_dataset(train, 2, 0, 4, 7, make, spec)]
    tail = [x.numpy() for x, _ in mm.training_dataset(train, 2, 2, 2, 7, make, spec)]
    assert np.array_equal(full[2], tail[0]) and np.array_equal(full[3], tail[1])
    assert not np.array_equal(full[0], full[1])


def test_pydataset_stream_for_other_backends_gives_the_tf_data_batches():
    """Without TensorFlow (Keras on JAX on a GPU machine) batches come from a PyDataset: the same ones."""
    from frameforecast.datasets import streaming

    train, _, _ = mm.load_digits("bundled")
    make = lambda v: (v[:, :10, ..., None] / 255.0, v[:, 10:, ..., None] / 255.0)  # noqa: E731
    spec = ((10, 64, 64, 1), (10, 64, 64, 1))
    tf_batches = [x.numpy() for x, _ in mm.training_dataset(train, 2, 1, 3, 7, make, spec)]
    py = streaming._IndexedPyDataset(lambda i: make(mm.generate(train, 2, streaming.batch_seed(7, i))), spec, 1, 3)
    assert len(py) == 3
    for i, expected in enumerate(tf_batches):
        x, y = py[i]
        assert x.dtype == np.float32 and y.shape == (2, 10, 64, 64, 1)
        np.testing.assert_array_equal(x, expected)


def _write_standard_layout(path, n):
    array = np.lib.format.open_memmap(path, mode="w+", dtype=np.uint8, shape=(20, n, 64, 64))
    rng = np.random.default_rng(0)
    for start in range(0, n, 1000):
        array[:, start : start + 1000] = rng.integers(0, 256, (20, min(1000, n - start), 64, 64), dtype=np.uint8)
    array.flush()
    del array


def test_standard_loader_reads_batch_major_slices(tmp_path):
    path = tmp_path / "mnist_test_seq.npy"
    _write_standard_layout(path, 30)
    raw = np.load(path)
    data = mm.standard_test_set(path, limit=25)
    assert len(data) == 25 and data.name == "standard"
    batches = list(data.batches(10))
    assert [len(b) for b in batches] == [10, 10, 5]
    assert np.array_equal(batches[1][3], raw[:, 13])


@pytest.mark.slow
def test_standard_loader_10000_sequences_keeps_memory_low(tmp_path):
    path = tmp_path / "mnist_test_seq.npy"
    _write_standard_layout(path, 10000)
    script = (
        "import numpy as np\n"
        "from frameforecast.datasets import moving_mnist as mm\n"
        "from frameforecast.memory import current_rss_mb, peak_rss_mb\n"
        "before = current_rss_mb()\n"
        f"data = mm.standard_test_set({str(path)!r})\n"
        "total = 0\n"
        "for batch in data.batches(100):\n"
        "    total += int(batch[:, :, 0, 0].sum())\n"
        "print(len(data), peak_rss_mb() - before)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) == 10000
    assert float(out[1]) < 300, f"peak RSS grew by {out[1]} MB"


@pytest.mark.parametrize(
    "shape,dtype", [((20, 3, 32, 32), np.uint8), ((20, 3, 64, 64), np.float32), ((3, 64, 64), np.uint8)]
)
def test_standard_loader_rejects_wrong_layout(tmp_path, shape, dtype):
    path = tmp_path / "bad.npy"
    np.save(path, np.zeros(shape, dtype))
    with pytest.raises(UserError, match="expected \\(20, N, 64, 64\\) uint8"):
        mm.open_standard_file(path)


def test_standard_loader_rejects_truncated_file(tmp_path):
    path = tmp_path / "cut.npy"
    np.save(path, np.zeros((20, 4, 64, 64), np.uint8))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UserError, match="not a readable .npy"):
        mm.open_standard_file(path)
