"""Every metric against values computed by hand on small arrays."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frameforecast import metrics


def test_mse_per_frame_sums_over_pixels_and_averages_over_frames():
    true = np.zeros((2, 2, 2, 2))
    pred = np.zeros((2, 2, 2, 2))
    pred[0, 0] = 1.0  # one frame fully wrong: 4 pixels × 1² = 4
    pred[1, 1, 0, 0] = 0.5  # another frame: one pixel × 0.25
    # per-frame sums: 4, 0, 0, 0.25 → mean over the 4 frames = 1.0625
    assert metrics.mse_per_frame(pred, true) == pytest.approx(1.0625)
    assert metrics.mse_per_frame(pred, true) == pytest.approx(np.mean((pred - true) ** 2, axis=(0, 1)).sum())


def test_mae_per_frame():
    true = np.zeros((1, 2, 2, 2))
    pred = np.full((1, 2, 2, 2), -0.5)  # unclipped: |−0.5| × 4 pixels = 2 per frame
    assert metrics.mae_per_frame(pred, true) == pytest.approx(2.0)


def test_channel_axis_is_accepted():
    true = np.zeros((1, 1, 2, 2, 1))
    pred = np.ones((1, 1, 2, 2, 1))
    assert metrics.mse_per_frame(pred, true) == pytest.approx(4.0)


def test_psnr_is_taken_of_the_mean_error_so_an_exact_frame_cannot_dominate():
    true = np.zeros((1, 2, 2, 2))
    pred = np.zeros((1, 2, 2, 2))
    pred[0, 0] = 0.1  # frame mse 0.01
    pred[0, 1] = 0.0  # an exact frame: 100 dB on its own, which a mean of per-frame PSNRs would average in
    assert metrics.psnr(pred, true) == pytest.approx(-10 * np.log10(0.005))  # 23.0 dB, not (20 + 100) / 2


def test_psnr_clips_predictions():
    true = np.ones((1, 1, 2, 2))
    assert metrics.psnr(np.full((1, 1, 2, 2), 3.0), true) == pytest.approx(100.0)  # clipped to 1 → error 0 → floor


def test_bce_nats_per_frame_sums_pixels():
    true = np.array([[[[1.0, 0.0]]]])  # 1 sequence, 1 frame, 1 × 2 pixels
    pred = np.array([[[[0.5, 0.25]]]])
    expected = -np.log(0.5) - np.log(0.75)  # summed over the 2 pixels
    assert metrics.bce_nats_per_frame(pred, true) == pytest.approx(expected)
    # Shi et al.'s number sums over 10 frames: 10 × the per-frame value
    ten = np.repeat(true, 10, axis=1), np.repeat(pred, 10, axis=1)
    assert 10 * metrics.bce_nats_per_frame(ten[1], ten[0]) == pytest.approx(10 * expected)


def test_bce_is_infinite_where_an_exact_0_or_1_meets_a_disagreeing_target():
    true = np.array([[[[0.0, 0.3]]]])
    assert metrics.bce_nats_per_frame(np.zeros_like(true), true) == np.inf  # the all-black frame
    assert metrics.bce_nats_per_frame(np.array([[[[0.0, 1.0]]]]), np.array([[[[0.0, 1.0]]]])) == 0.0
    frames = np.full((1, 1, 8, 8), 0.3)
    acc = metrics.VideoAccumulator()
    acc.add(np.zeros_like(frames), frames)
    assert acc.result()["bce_nats_per_frame"] is None  # JSON-safe "infinite"


def test_bce_floor_is_the_targets_entropy():
    true = np.array([[[[0.5, 0.0, 1.0, 0.2]]]])
    entropy = np.log(2) - (0.2 * np.log(0.2) + 0.8 * np.log(0.8))
    assert metrics.bce_floor_nats_per_frame(true) == pytest.approx(entropy)
    assert metrics.bce_nats_per_frame(true, true) == pytest.approx(entropy)


def test_binary_accuracy_binarises_uint8_targets_at_128():
    true = np.array([[[[200, 127, 128, 1]]]], dtype=np.uint8)  # at 128: 1, 0, 1, 0
    pred = np.array([[[[0.6, 0.6, 0.6, 0.6]]]])
    assert metrics.binary_accuracy(pred, true) == pytest.approx(0.5)
    assert metrics.binary_accuracy(pred, true.astype(float) / 255) == pytest.approx(0.5)


def test_binary_accuracy_threshold_and_binarised_targets():
    true = np.array([[[[200 / 255, 100 / 255, 0.0, 1.0]]]])  # binarised at 128: 1, 0, 0, 1
    pred = np.array([[[[0.6, 0.6, 0.4, 0.4]]]])  # > 0.5: 1, 1, 0, 0
    assert metrics.binary_accuracy(pred, true) == pytest.approx(0.5)


def test_ssim_identical_is_one_and_uses_data_range():
    rng = np.random.default_rng(0)
    frames = rng.random((1, 2, 16, 16))
    assert metrics.ssim(frames, frames) == pytest.approx(1.0)
    noisy = np.clip(frames + rng.normal(0, 0.2, frames.shape), 0, 1)
    assert metrics.ssim(noisy, frames, data_range=2.0) > metrics.ssim(noisy, frames, data_range=1.0)


@settings(max_examples=40, deadline=None)
@given(
    sequences=st.integers(1, 3),
    frames=st.integers(1, 11),
    side=st.integers(7, 40),
    sparsity=st.floats(0.0, 1.0),
    noise=st.floats(0.0, 0.5),
    seed=st.integers(0, 2**16),
    data_range=st.sampled_from([1.0, 2.0]),
)
def test_ssim_is_scikit_images_structural_similarity_frame_by_frame(
    sequences, frames, side, sparsity, noise, seed, data_range
):
    from skimage.metrics import structural_similarity

    rng = np.random.default_rng(seed)
    true = (rng.random((sequences, frames, side, side + 3)) < sparsity) * rng.random(
        (sequences, frames, side, side + 3)
    )
    pred = true + rng.normal(0, noise, true.shape)  # outside [0, 1] too: both clip it
    ours = metrics.ssim_per_frame(pred, true, data_range)
    theirs = np.array(
        [
            [structural_similarity(np.clip(p, 0, 1), t, data_range=data_range) for p, t in zip(ps, ts)]
            for ps, ts in zip(pred, true)
        ]
    )
    assert ours.shape == (sequences, frames)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


def test_accumulator_equals_whole_array_functions():
    rng = np.random.default_rng(1)
    true = (rng.random((6, 3, 16, 16)) > 0.8).astype(float)
    pred = np.clip(true + rng.normal(0, 0.3, true.shape), 0.01, 0.99)  # no exact 0/1: a finite BCE
    acc = metrics.VideoAccumulator(with_accuracy=True)
    acc.add(pred[:4], true[:4])
    acc.add(pred[4:], true[4:])
    r = acc.result()
    assert r["mse_per_frame"] == pytest.approx(metrics.mse_per_frame(pred, true))
    assert r["mae_per_frame"] == pytest.approx(metrics.mae_per_frame(pred, true))
    assert r["psnr"] == pytest.approx(metrics.psnr(pred, true))
    assert r["ssim"] == pytest.approx(metrics.ssim(pred, true))
    assert r["bce_nats_per_frame"] == pytest.approx(metrics.bce_nats_per_frame(pred, true))
    assert r["binary_accuracy"] == pytest.approx(metrics.binary_accuracy(pred, true))
    curve = metrics.per_timestep(pred, true)
    assert r["per_timestep"]["mse"] == pytest.approx(curve["mse"])
    assert r["per_timestep"]["ssim"] == pytest.approx(curve["ssim"])


def test_series_metrics_by_hand():
    true = np.array([10.0, 20.0, 30.0])
    pred = np.array([12.0, 18.0, 30.0])
    assert metrics.rmse(pred, true) == pytest.approx(np.sqrt((4 + 4 + 0) / 3))
    assert metrics.mae(pred, true) == pytest.approx(4 / 3)
    expected_smape = np.mean([200 * 2 / 22, 200 * 2 / 38, 0.0])
    assert metrics.smape(pred, true) == pytest.approx(expected_smape)


def test_smape_zero_over_zero_counts_as_zero():
    assert metrics.smape(np.array([0.0, 1.0]), np.array([0.0, 1.0])) == 0.0


def test_mase_scaled_by_in_sample_seasonal_naive():
    train = np.array([1.0, 2.0, 3.0, 5.0, 6.0, 8.0])  # season 2: |3−1|, |5−2|, |6−3|, |8−5| → mean 2.75
    assert metrics.seasonal_naive_scale(train, 2) == pytest.approx(2.75)
    assert metrics.mase(np.array([10.0]), np.array([12.75]), train, 2) == pytest.approx(1.0)


def test_mase_is_undefined_not_a_division_by_zero():
    constant = np.full(30, 7.0)
    assert metrics.mase(np.full(3, 8.0), np.full(3, 7.0), constant, 12) is None
    assert "scale is 0" in metrics.mase_note(constant, 12)
    short = np.arange(10.0)
    assert metrics.seasonal_naive_scale(short, 12) is None  # no silent lag-1 fallback
    assert "not longer than one season" in metrics.mase_note(short, 12)
