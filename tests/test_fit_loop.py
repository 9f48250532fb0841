"""The fit loop: backups (every epoch for workers that must agree, at a bounded cost in time otherwise), a
resumed run's history cut back to the epoch it resumes after, and outputs that no trainable weight can change
left out of training."""

from __future__ import annotations

import numpy as np
import pytest

from frameforecast import callbacks
from frameforecast.training import FitSettings, _steps_per_call, fit, keep_history_rows, trained_outputs


def tiny_model():
    import keras

    inputs = keras.Input((3,))
    return keras.Model(inputs, keras.layers.Dense(1)(inputs))


def backed_up_epochs(backup_dir, every_epoch: bool, epochs: int = 40) -> list[int]:
    """The epoch the backup would resume from after each of `epochs` instant epochs."""
    backup = callbacks.Backup(backup_dir, None, every_epoch)
    backup.set_model(tiny_model())
    backup.on_train_begin()
    seen = []
    for epoch in range(epochs):
        backup.on_epoch_end(epoch)
        seen.append(callbacks.backups(backup_dir)[0][0])
    return seen


def test_a_fit_alone_skips_backups_that_would_cost_more_than_their_share_of_its_time(tmp_path):
    seen = backed_up_epochs(tmp_path / "backup", every_epoch=False)
    assert seen[0] == 1  # the first epoch is always backed up
    assert len(set(seen)) < 40 / 2, seen
    assert seen == sorted(seen)


def test_workers_back_up_every_epoch(tmp_path):
    assert backed_up_epochs(tmp_path / "backup", every_epoch=True) == list(range(1, 41))


def test_a_fit_with_sparse_backups_logs_every_epoch_once(tmp_path):
    rng = np.random.default_rng(0)
    fit(
        tiny_model, tmp_path, FitSettings(epochs=30, loss="mse", learning_rate=1e-2, seed=0, batch_size=8),
        x=rng.random((8, 3)), y=rng.random((8, 1)), log=lambda _: None, verbose=0,
    )  # fmt: skip
    epochs = [line.split(",")[0] for line in (tmp_path / "history.csv").read_text().splitlines()[1:]]
    assert epochs == [str(e) for e in range(30)]
    assert not (tmp_path / "backup").exists()  # a finished fit leaves no backup behind


@pytest.mark.parametrize(
    "epochs,expected", [(0, None), (2, "epoch,loss\n0,1\n1,2\n"), (5, "epoch,loss\n0,1\n1,2\n2,3\n")]
)
def test_a_resumed_history_keeps_only_the_epochs_before_its_backup(tmp_path, epochs, expected):
    path = tmp_path / "history.csv"
    path.write_text("epoch,loss\n0,1\n1,2\n2,3\n")
    keep_history_rows(path, epochs)
    assert (path.read_text() if path.exists() else None) == expected


def two_outputs(frozen: bool):
    import keras

    inputs = keras.Input((3,))
    fixed = keras.layers.Dense(1, name="fixed")
    model = keras.Model(inputs, {"free": keras.layers.Dense(1, name="free")(inputs), "fixed": fixed(inputs)})
    fixed.trainable = not frozen
    return model


def test_outputs_of_fixed_layers_are_not_trained_and_the_whole_model_is_saved(tmp_path):
    import keras

    from frameforecast.training import load_model

    assert trained_outputs(two_outputs(frozen=False)) is None
    assert trained_outputs(two_outputs(frozen=True)) == ["free"]
    rng = np.random.default_rng(0)
    x, y = rng.random((8, 3)), {"free": rng.random((8, 1)), "fixed": rng.random((8, 1))}
    logged = []
    result = fit(
        lambda: two_outputs(frozen=True), tmp_path,
        FitSettings(epochs=3, loss={"free": "mse", "fixed": "mse"}, learning_rate=1e-2, seed=0, batch_size=8),
        x=x, y=y, log=logged.append, verbose=0,
    )  # fmt: skip
    assert any("training free only" in line for line in logged)
    assert "fixed_loss" not in result.history  # constant: the fixed output is not trained
    saved = load_model(tmp_path / "model.keras")
    assert set(saved.output) == {"free", "fixed"}
    keras.utils.set_random_seed(0)  # fit's seed: the same initial weights
    untouched = two_outputs(frozen=True)
    assert np.array_equal(saved.get_layer("fixed").get_weights()[0], untouched.get_layer("fixed").get_weights()[0])
    assert not np.array_equal(saved.get_layer("free").get_weights()[0], untouched.get_layer("free").get_weights()[0])


@pytest.mark.parametrize("epochs,budget,stopped_by", [(100_000, 1.5, "time-budget"), (40, 600.0, "epochs")])
def test_a_cosine_rate_ends_annealed_whether_the_time_budget_or_the_planned_steps_end_first(
    tmp_path, epochs, budget, stopped_by
):
    rng = np.random.default_rng(0)
    settings = FitSettings(
        epochs=epochs, loss="mse", learning_rate=1e-2, lr_schedule="cosine", seed=0, batch_size=8, time_budget=budget
    )
    result = fit(
        tiny_model, tmp_path, settings, x=rng.random((8, 3)), y=rng.random((8, 1)), log=lambda _: None, verbose=0
    )  # fmt: skip
    assert result.stopped_by == stopped_by
    final = float(result.model.optimizer.learning_rate.numpy())
    assert 0.05 * 1e-2 <= final < 0.1 * 1e-2, final  # decayed to near alpha × the rate either way


@pytest.mark.parametrize(
    ("per_call", "steps", "streamed", "expected"),
    [(10, 15, True, 5), (10, 30, True, 10), (10, 1, True, 1), (8, 12, True, 6), (16, 7, True, 7), (16, 15, False, 16)],
)
def test_a_streamed_epoch_is_made_of_whole_compiled_calls(per_call, steps, streamed, expected):
    """Keras runs whole compiled calls over a stream of batches: an epoch of 15 steps at 10 a call would train 20
    and read batches of the next epoch (so a resumed run would differ from one that was never stopped: the
    signals' resume test). Arrays end each epoch themselves."""
    settings = FitSettings(
        epochs=2, steps_per_epoch=steps, loss="mse", learning_rate=1e-3, seed=0, steps_per_execution=per_call
    )
    assert _steps_per_call(settings, streamed) == expected
