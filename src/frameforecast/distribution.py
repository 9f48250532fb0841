"""tf.distribute strategies for training, and the pieces Keras 3 needs to train under several workers."""

from __future__ import annotations

import contextlib
import json
import os

from frameforecast.errors import UserError

STRATEGIES = ("default", "mirrored", "multiworker")


def on_tensorflow() -> bool:
    import keras

    return keras.backend.backend() == "tensorflow"


class _SingleDevice:
    """The default strategy's interface on backends without tf.distribute (one device, as JAX places it)."""

    num_replicas_in_sync = 1

    def scope(self):
        return contextlib.nullcontext()


def get_strategy(name: str = "default"):
    """default: one device. mirrored: all local GPUs (or logical CPUs). multiworker: TF_CONFIG machines."""
    if name not in STRATEGIES:
        raise UserError(f"unknown strategy {name!r}; choose one of {', '.join(STRATEGIES)}")
    if not on_tensorflow():
        if name != "default":
            raise UserError(f"--strategy {name} needs the TensorFlow backend; unset KERAS_BACKEND")
        return _SingleDevice()
    import tensorflow as tf

    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    task = cluster_task()
    if task is None:
        raise UserError(
            "--strategy multiworker needs the TF_CONFIG environment variable on every machine "
            "(see README: 'Several machines')"
        )
    return tf.distribute.MultiWorkerMirroredStrategy()


def cluster_task() -> dict | None:
    """TF_CONFIG's task ({"type": "worker", "index": 0}), or None without TF_CONFIG."""
    raw = os.environ.get("TF_CONFIG")
    if not raw:
        return None
    try:
        config = json.loads(raw)
        task = config["task"]
        return {"type": str(task["type"]), "index": int(task["index"]), "cluster": config["cluster"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError(
            f"TF_CONFIG is not valid ({exc}); it needs a cluster and a task, e.g. "
            '{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 0}}'
        ) from exc


def is_chief(strategy: str) -> bool:
    """Whether this process writes the trained model: always, except the non-chief workers of multiworker
    (the chief is task type "chief", or worker 0 when the cluster names no chief)."""
    task = cluster_task() if strategy == "multiworker" else None
    if task is None:
        return True
    if "chief" in task["cluster"]:
        return task["type"] == "chief"
    return task["type"] == "worker" and task["index"] == 0


def for_multiworker_fit(model, **compile_args):
    """A compiled model that Keras 3's fit can train under MultiWorkerMirroredStrategy (keras-team/keras#20585),
    sharing `model`'s layers and weights (save `model`, not it); call it inside the strategy's scope.

    Keras 3 fails there twice. Before the first step it builds the model from a batch reduced with
    strategy.reduce, which cannot take an (x, y) pair: the functional model and the optimizer are built here,
    so fit has nothing left to build and skips that step. After each step it averages the replicas' logged
    losses with reduce(MEAN, axis=0), which fails on a scalar: each value is logged with shape (1,), so that
    reduce gives the mean over the replicas."""
    import keras

    class _ReplicatedTraining(keras.Model):
        def train_step(self, data):
            return {name: keras.ops.reshape(value, (1,)) for name, value in super().train_step(data).items()}

        def test_step(self, data):
            return {name: keras.ops.reshape(value, (1,)) for name, value in super().test_step(data).items()}

    wrapper = _ReplicatedTraining(inputs=model.inputs, outputs=model.outputs, name=model.name)
    wrapper.compile(**compile_args)
    wrapper.optimizer.build(wrapper.trainable_variables)
    wrapper._distribute_strategy = None  # fit then skips the failing build; it runs inside the scope
    return wrapper
