"""The custom layers move frames the way their docstrings say, and the model options build, save and load."""

import sys
from pathlib import Path

import numpy as np
import pytest

from frameforecast import video_tasks
from frameforecast.config import experiments
from frameforecast.errors import UserError
from frameforecast.models.layers import DynamicLocalFilter
from frameforecast.training import load_model, save_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import keras_example  # noqa: E402  (the bench's reference model lives in scripts/)


def dot_frame(row=5, col=5, size=16):
    frame = np.zeros((1, size, size, 1), np.float32)
    frame[0, row, col, 0] = 1.0
    return frame


def test_dynamic_local_filter_one_hot_kernels_translate():
    logits = np.full((1, 4, 4, 18), -50.0, np.float32)
    logits[..., 4 + 2] = 50.0  # across: tap +2 of −4 … 4
    logits[..., 9 + 4 - 1] = 50.0  # down: tap −1
    out = np.asarray(DynamicLocalFilter(9, 4)([dot_frame(), logits]))[0, ..., 0]
    ((row, col),) = np.argwhere(out > 0.5)
    assert abs(row - 5) == 1 and abs(col - 5) == 2 and out.sum() == pytest.approx(1.0, abs=1e-4)


def _prediction(model, x):
    out = model.predict_on_batch(x)
    return np.asarray(out["prediction"] if isinstance(out, dict) else out)


@pytest.mark.parametrize(
    "options",
    [
        {"kernel_grid": 2},
        {"patch_embedding": 4},
        {"forecaster": "encoder-decoder"},
        {"forecaster": "encoder-decoder", "patch_embedding": 4},
        {"forecaster": "encoder-decoder", "cell": "fc"},
        {"forecaster": "encoder-decoder", "head": "generative"},
    ],
)
def test_forecaster_options_build_save_and_load(tmp_path, options):
    cfg = experiments.get("mnist-predict").config("smoke", {f"model.{k}": v for k, v in options.items()})
    model = video_tasks.build(cfg)
    x = np.random.default_rng(1).random((2, 10, cfg.canvas, cfg.canvas, 1)).astype(np.float32)
    save_model(model, tmp_path / "m.keras")
    again = load_model(tmp_path / "m.keras")
    out = _prediction(again, x)
    assert out.shape == (2, 10, cfg.canvas, cfg.canvas, 1)
    np.testing.assert_allclose(out, _prediction(model, x), atol=1e-5)
    if options.get("patch_embedding"):  # the ConvLSTMs' input convolutions read the embedding, not the patches
        lstms = [layer for layer in again.layers if type(layer).__name__ == "ConvLSTM2D"]
        assert lstms and all(layer.cell.kernel.shape[-2] == options["patch_embedding"] for layer in lstms)


def test_next_frame_forecaster_one_step_outputs_see_only_the_past():
    """observed_next[:, t] predicts frame t + 1 from frames 0…t: changing frame 9 leaves all nine unchanged,
    changing frame 4 changes observed_next[:, 4:] but not [:, :4]."""
    cfg = experiments.get("mnist-predict").config("smoke")
    assert video_tasks.next_frame(cfg)
    model = video_tasks.build(cfg)
    x = np.random.default_rng(2).random((2, 10, cfg.canvas, cfg.canvas, 1)).astype(np.float32)
    base = model.predict_on_batch(x)
    assert base["observed_next"].shape == (2, 9, cfg.canvas, cfg.canvas, 1)
    last_changed, middle_changed = x.copy(), x.copy()
    last_changed[:, 9] = 1 - last_changed[:, 9]
    middle_changed[:, 4] = 1 - middle_changed[:, 4]
    np.testing.assert_allclose(model.predict_on_batch(last_changed)["observed_next"], base["observed_next"], atol=1e-6)
    moved = model.predict_on_batch(middle_changed)["observed_next"]
    np.testing.assert_allclose(moved[:, :4], base["observed_next"][:, :4], atol=1e-6)
    assert np.abs(moved[:, 4] - base["observed_next"][:, 4]).max() > 1e-4


def test_next_frame_targets_are_the_observed_frames_shifted_by_one():
    from frameforecast.stages.video import example_spec, split_frames

    cfg = experiments.get("mnist-predict").config("smoke")
    videos = np.random.default_rng(3).integers(0, 256, (2, 20, cfg.canvas, cfg.canvas), dtype=np.uint8)
    inputs, targets = split_frames(videos, cfg)
    np.testing.assert_array_equal(targets["observed_next"], inputs[:, 1:])
    np.testing.assert_array_equal(targets["prediction"][..., 0], videos[:, 10:] / np.float32(255))
    assert example_spec(cfg)[1]["observed_next"] == targets["observed_next"].shape[1:]


def test_keras_example_rollout_carries_state_and_matches_rerunning_the_whole_sequence():
    model = keras_example.build_keras_example(16, 4)
    rng = np.random.default_rng(3)
    for name in ("bn_0", "bn_1"):  # non-trivial inference statistics, so the step model must copy them
        gamma, beta, mean, var = model.get_layer(name).get_weights()
        model.get_layer(name).set_weights(
            [gamma + rng.random(4), beta + rng.random(4), rng.random(4), 1 + rng.random(4)]
        )
    observed = rng.random((3, 5, 16, 16, 1)).astype(np.float32)
    sequence = observed
    for _ in range(4):  # the reference: the whole growing sequence through the full causal model
        sequence = np.concatenate([sequence, model.predict(sequence, verbose=0)[:, -1:]], axis=1)
    rolled = keras_example.keras_example_rollout(keras_example.keras_example_stepper(model), observed, 4)
    assert rolled.shape == (3, 4, 16, 16, 1)
    np.testing.assert_allclose(rolled, sequence[:, 5:], atol=1e-5)


@pytest.mark.parametrize("k, block, size", [(5, 4, 8), (9, 8, 16), (9, 4, 8), (3, 1, 6)])
def test_dynamic_local_filter_matches_a_per_pixel_loop(k, block, size):
    rng = np.random.default_rng(7)
    frame = rng.random((2, size, size, 1)).astype(np.float32)
    logits = rng.normal(size=(2, size // block, size // block, 2 * k)).astype(np.float32)
    out = np.asarray(DynamicLocalFilter(k, block)([frame, logits]))

    def softmax(v):
        e = np.exp(v - v.max())
        return e / e.sum()

    def weights(b, r, c):
        cell = logits[b, r // block, c // block]
        return softmax(cell[:k]), softmax(cell[k:])

    def pixel(image, r, c):
        return image[r, c] if 0 <= r < size and 0 <= c < size else 0.0

    # separable: each pixel's horizontal taps, then each pixel's vertical taps over that result
    moved = np.zeros((2, size, size))
    expected = np.zeros((2, size, size))
    for b in range(2):
        for r in range(size):
            for c in range(size):
                moved[b, r, c] = sum(
                    weights(b, r, c)[0][j] * pixel(frame[b, ..., 0], r, c + j - k // 2) for j in range(k)
                )
        for r in range(size):
            for c in range(size):
                expected[b, r, c] = sum(weights(b, r, c)[1][i] * pixel(moved[b], r + i - k // 2, c) for i in range(k))
    np.testing.assert_allclose(out[..., 0], expected, atol=1e-5)


def _feeders(model, prefix: str) -> set[str]:
    """Names of the layers outside `prefix*` whose outputs feed a layer named `prefix*`."""
    inside = {layer.name for layer in model.layers if layer.name.startswith(prefix)}
    outside = set()
    for layer in model.layers:
        if layer.name not in inside:
            continue
        for node in layer._inbound_nodes:
            for tensor in node.input_tensors:
                source = tensor._keras_history.operation.name
                if source not in inside:
                    outside.add(source)
    return outside


@pytest.mark.parametrize("task,encoder", [("reconstruct", "encoder"), ("composite", "predictor_lstm")])
def test_reconstruction_decoder_sees_only_the_encoder_state(task, encoder, tmp_path):
    """Srivastava's autoencoder: the decoder starts from the encoder's final state and its own outputs;
    no input frame reaches it by another path. The model saves and loads."""
    cfg = experiments.get(f"mnist-{task}").config("smoke")
    model = video_tasks.build(cfg)
    assert _feeders(model, "reconstruction") == {encoder}
    x = np.random.default_rng(3).random((2, 10, cfg.canvas, cfg.canvas, 1)).astype(np.float32)
    save_model(model, tmp_path / "m.keras")
    again = load_model(tmp_path / "m.keras")
    out, back = model.predict_on_batch(x), again.predict_on_batch(x)
    out, back = (out["reconstruction"], back["reconstruction"]) if isinstance(out, dict) else (out, back)
    assert out.shape == (2, 10, cfg.canvas, cfg.canvas, 1)
    np.testing.assert_allclose(back, out, atol=1e-5)


@pytest.mark.parametrize("options", [{"cell": "fc"}, {"head": "generative"}])
def test_next_frame_forecaster_refuses_what_it_cannot_be(options):
    """mnist-predict is next-frame by default: asking it for another cell or head is an error, not a silent swap."""
    cfg = experiments.get("mnist-predict").config("smoke", {f"model.{k}": v for k, v in options.items()})
    with pytest.raises(UserError, match="needs --forecaster encoder-decoder"):
        video_tasks.build(cfg)


def test_keeping_warm_started_layers_fixed_needs_a_model_to_start_from():
    from frameforecast.stages.video_data import model_config

    cfg = experiments.get("mnist-composite").config("smoke").replace(warm_start=None)
    with pytest.raises(UserError, match="no warm_start model is named"):
        model_config(cfg)
    assert model_config(experiments.get("mnist-composite").config("smoke")).freeze_warm_start
