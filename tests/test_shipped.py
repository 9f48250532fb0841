"""The long-trained checkpoint that ships with the project (issue 37): small enough to ship, loadable by the
current code, its card's numbers reproduced by a fresh evaluation, and every fitting run scores it again on its
own test set and shows it beside the model trained on the reader's machine."""

from __future__ import annotations

import json
import math
import shutil

from frameforecast import cli, shipped
from frameforecast.config import experiments
from frameforecast.stages.video_results import evaluate, score_model

CARD_KEYS = {"experiment", "task", "profile", "command", "commit", "device", "minutes", "steps", "metrics"}


def test_the_mnist_predict_checkpoint_ships_small_with_a_full_card():
    card = shipped.card("mnist-predict")
    assert card is not None, f"no checkpoint in {shipped.FOLDER}"
    assert shipped.model_path("mnist-predict").stat().st_size <= 10 * 2**20
    assert set(card) >= CARD_KEYS
    assert len(card["commit"]) == 40 and card["minutes"] > 0 and card["steps"] > 0


def test_the_checkpoint_loads_with_the_current_code_and_a_50_sequence_evaluation_matches_its_card():
    card = shipped.card("mnist-predict")
    cfg = experiments.get("mnist-predict").config(card["profile"])
    again = score_model(cfg, shipped.model_path("mnist-predict"), 50)
    for out, recorded in card["metrics"]["first_50"].items():
        assert math.isclose(again[out]["mse_per_frame"], recorded["mse_per_frame"], rel_tol=0.01), (out, again)
        assert math.isclose(again[out]["ssim"], recorded["ssim"], abs_tol=0.005), (out, again)


def test_a_fitting_run_scores_the_shipped_checkpoint_itself_and_its_page_shows_it(smoke_suite, tmp_path, monkeypatch):
    runs = tmp_path / "runs"
    shutil.copytree(smoke_suite / "runs" / "mnist-predict", runs / "mnist-predict")
    folder = tmp_path / "checkpoints"
    folder.mkdir()
    # the smoke run's own model, shipped: a run scoring the checkpoint must then find its own numbers again
    shutil.copy(runs / "mnist-predict" / "model.keras", folder / "mnist-predict.keras")
    card = {"experiment": "mnist-predict", "task": "predict", "profile": "smoke", "command": "frameforecast run",
            "commit": "0" * 40, "device": "a test", "minutes": 1.0, "steps": 7, "metrics": {}}  # fmt: skip
    (folder / "mnist-predict.json").write_text(json.dumps(card))
    monkeypatch.setattr(shipped, "FOLDER", folder)
    cfg = experiments.saved_config(runs / "mnist-predict")
    report = evaluate(cfg, runs / "mnist-predict", log=lambda _: None)
    mine, theirs = report["results"]["prediction"]["model"], report["shipped_checkpoint"]["results"]["prediction"]
    assert theirs["mse_per_frame"] == mine["mse_per_frame"] and theirs["ssim"] == mine["ssim"]
    monkeypatch.chdir(tmp_path)
    assert cli.main(["site"]) == 0
    page = (tmp_path / "site" / "mnist-predict.html").read_text()
    assert "shipped checkpoint (1 min)" in page and "model trained on this machine" in page


def test_a_run_on_other_frames_does_not_score_the_checkpoint(monkeypatch, tmp_path):
    import keras

    other = experiments.get("mnist-predict").config("smoke").replace(in_frames=5)
    frames = keras.Input((5, other.canvas, other.canvas, 1))
    model = keras.Model(frames, keras.layers.Identity(name="prediction")(frames))
    assert shipped.fitting(other, model) is None
