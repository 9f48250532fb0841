"""The green mark: beats the best alternative on every metric shown, in each metric's own direction."""

from __future__ import annotations

from frameforecast.report.tables import verdict

VIDEO = [("mse_per_frame", "MSE / frame ↓"), ("ssim", "SSIM ↑"), ("bce_nats_per_frame", "BCE nats / frame ↓")]


def test_a_model_that_wins_on_mse_but_loses_on_ssim_is_red_and_says_by_how_much():
    alternatives = {"all-black frame": {"mse_per_frame": 120.0, "ssim": 0.80, "bce_nats_per_frame": None}}
    beats, note = verdict({"mse_per_frame": 90.0, "ssim": 0.70, "bce_nats_per_frame": 400.0}, alternatives, VIDEO)
    assert not beats
    assert note == "loses on SSIM 0.700 against all-black frame's 0.800 (+0.100, 12.5% worse)"


def test_an_infinite_cross_entropy_never_wins_and_an_unknown_value_is_not_compared():
    alternatives = {"copy last frame": {"mse_per_frame": 200.0, "ssim": 0.5, "bce_nats_per_frame": None}}
    beats, _ = verdict({"mse_per_frame": 90.0, "ssim": 0.7, "bce_nats_per_frame": 400.0}, alternatives, VIDEO)
    assert beats  # the baseline's ∞ BCE loses to any finite one
    beats, note = verdict({"mse_per_frame": 90.0, "ssim": 0.7, "bce_nats_per_frame": None}, alternatives, VIDEO)
    assert not beats and "BCE nats / frame ∞" in note
    beats, _ = verdict({"mse_per_frame": 90.0, "ssim": None}, {"x": {"mse_per_frame": 95.0, "ssim": 0.9}}, VIDEO[:2])
    assert beats


def test_a_tie_is_not_a_win_and_the_best_of_several_alternatives_is_named():
    columns = [("rmse", "RMSE ↓"), ("mae", "MAE ↓")]
    alternatives = {"AutoARIMA": {"rmse": 14.6, "mae": 11.0}, "seasonal naive": {"rmse": 41.8, "mae": 10.0}}
    beats, note = verdict({"rmse": 14.6, "mae": 9.0}, alternatives, columns)
    assert not beats and note.startswith("ties on RMSE 14.60, equal to AutoARIMA's")
    beats, note = verdict({"rmse": 14.5, "mae": 10.5}, alternatives, columns)
    assert not beats and "MAE 10.50 against seasonal naive's 10.00" in note
    assert verdict({"rmse": 14.5, "mae": 9.9}, alternatives, columns) == (
        True,
        "beats every alternative on every metric shown",
    )


def test_no_percentage_of_an_alternative_that_is_exact():
    """signals-1's linear map scores ~1e-17: a percentage of it read '403853635141196.1% worse'."""
    columns = [("rmse", "RMSE ↓")]
    beats, note = verdict({"rmse": 0.0018}, {"linear map": {"rmse": 4.4e-18}}, columns)
    assert not beats and "%" not in note and "linear map is exact here" in note
    beats, note = verdict({"rmse": 0.30}, {"linear map": {"rmse": 0.20}}, columns)
    assert "50.0% worse" in note
