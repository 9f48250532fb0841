"""Streams batches by global batch index, so a resumed run sees the same batches.

tf.data on the TensorFlow backend (the default); a keras.utils.PyDataset on the others (JAX on a GPU
machine without TensorFlow: see README, "On a GPU").
"""

from __future__ import annotations

import numpy as np

# Batches are made by numpy under the GIL, so more parallel calls than cores gain nothing. A fixed count with
# tf.data's autotuning off: with it, the iterator's deletion at the end of a fit waited for a pool thread
# (most likely autotuning's model thread) for up to a minute (0–57 s between the last epoch and fit's return).
PARALLEL_BATCHES = 2


def batch_seed(base_seed: int, index: int) -> np.random.Generator:
    """The generator for global batch `index`: the same batch whether a run was resumed or not."""
    return np.random.default_rng([base_seed, int(index)])


def indexed_batches(make_batch, example_spec, batch_size: int, start_batch: int, num_batches: int):
    """tf.data of make_batch(i) for i in start_batch … start_batch + num_batches − 1.

    `make_batch(index)` returns numpy arrays nested like `example_spec` (tuples/dicts of per-example shapes).
    """
    import keras

    if keras.backend.backend() != "tensorflow":
        return _IndexedPyDataset(make_batch, example_spec, start_batch, num_batches)
    import tensorflow as tf

    specs = _leaves(example_spec)

    def make(index):
        return _float32_leaves(make_batch(int(index)))

    def wrapped(index):
        arrays = tf.numpy_function(make, [index], [tf.float32] * len(specs))
        for array, shape in zip(arrays, specs):
            array.set_shape((batch_size,) + tuple(shape))
        return _rebuild(example_spec, list(arrays))

    options = tf.data.Options()
    options.autotune.enabled = False
    dataset = tf.data.Dataset.range(start_batch, start_batch + num_batches).with_options(options)
    return dataset.map(wrapped, num_parallel_calls=PARALLEL_BATCHES, deterministic=True).prefetch(2)


def _IndexedPyDataset(make_batch, example_spec, start_batch: int, num_batches: int):  # noqa: N802 - a class factory
    import keras

    class IndexedPyDataset(keras.utils.PyDataset):
        def __len__(self):
            return num_batches

        def __getitem__(self, i):
            return _rebuild(example_spec, _float32_leaves(make_batch(start_batch + int(i))))

    return IndexedPyDataset(workers=2, use_multiprocessing=False, max_queue_size=4)


def _float32_leaves(structure) -> list:
    return [np.asarray(a, dtype=np.float32) for a in _leaves(structure)]


def _leaves(structure):
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in _leaves(structure[key])]
    if isinstance(structure, (tuple, list)) and structure and not isinstance(structure[0], int):
        return [leaf for item in structure for leaf in _leaves(item)]
    return [structure]


def _rebuild(structure, leaves: list):
    if isinstance(structure, dict):
        return {key: _rebuild(structure[key], leaves) for key in sorted(structure)}
    if isinstance(structure, (tuple, list)) and structure and not isinstance(structure[0], int):
        return tuple(_rebuild(item, leaves) for item in structure)
    return leaves.pop(0)
