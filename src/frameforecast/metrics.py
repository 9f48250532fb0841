"""Every metric of the project, one definition each (formulas in DESIGN §5 and the README).

Video arrays are (N, T, H, W[, C]) with values in [0, 1]. Series metrics take arrays in original units.
"""

from __future__ import annotations

import numpy as np

SSIM_DATA_RANGE = 1.0  # the textbook value; OpenSTL's published SSIMs correspond to 2.0 (an old skimage default)
BCE_EPS = 1e-7


def _frames(array: np.ndarray) -> np.ndarray:
    """(N, T, H, W[, 1]) → (N, T, H, W) float64."""
    array = np.asarray(array, dtype=np.float64)
    return array[..., 0] if array.ndim == 5 and array.shape[-1] == 1 else array


# ---------------------------------------------------------------- video
def mse_per_frame(pred, true) -> float:
    """OpenSTL: mean over sequences and frames of the squared error summed over pixels."""
    return float(np.mean((_frames(pred) - _frames(true)) ** 2, axis=(0, 1)).sum())


def mae_per_frame(pred, true) -> float:
    """OpenSTL: mean over sequences and frames of the absolute error summed over pixels."""
    return float(np.mean(np.abs(_frames(pred) - _frames(true)), axis=(0, 1)).sum())


def psnr(pred, true) -> float:
    """Per frame −10·log10(mean squared error), averaged over frames (predictions clipped to [0, 1])."""
    mse = np.mean((np.clip(_frames(pred), 0, 1) - _frames(true)) ** 2, axis=(2, 3))
    return float(np.mean(-10 * np.log10(np.maximum(mse, 1e-10))))


def ssim_per_frame(pred, true, data_range: float = SSIM_DATA_RANGE) -> np.ndarray:
    """scikit-image SSIM of every frame (clipped predictions), shape (N, T)."""
    from skimage.metrics import structural_similarity

    pred, true = np.clip(_frames(pred), 0, 1), _frames(true)
    out = np.empty(pred.shape[:2])
    for n in range(pred.shape[0]):
        for t in range(pred.shape[1]):
            out[n, t] = structural_similarity(pred[n, t], true[n, t], data_range=data_range)
    return out


def ssim(pred, true, data_range: float = SSIM_DATA_RANGE) -> float:
    return float(ssim_per_frame(pred, true, data_range).mean())


def bce_nats_per_frame(pred, true) -> float:
    """Srivastava: Bernoulli cross-entropy in nats summed over the pixels of a frame, averaged over frames."""
    p = np.clip(_frames(pred), BCE_EPS, 1 - BCE_EPS)
    t = _frames(true)
    per_pixel = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    return float(per_pixel.sum(axis=(2, 3)).mean())


def binary_accuracy(pred, true_uint8_or_unit, threshold: float = 0.5) -> float:
    """Per-pixel accuracy of pred > threshold against targets binarised at 128 (0.5 on a [0, 1] scale)."""
    return float(np.mean((_frames(pred) > threshold) == (_frames(true_uint8_or_unit) >= 128 / 255)))


def per_timestep(pred, true) -> dict:
    """Curves over the predicted frames (1 … T ahead): MSE per frame and SSIM."""
    pred_f, true_f = _frames(pred), _frames(true)
    mse_curve = np.mean((pred_f - true_f) ** 2, axis=0).sum(axis=(1, 2))
    ssim_curve = ssim_per_frame(pred_f, true_f).mean(axis=0)
    return {"mse": mse_curve.tolist(), "ssim": ssim_curve.tolist()}


class VideoAccumulator:
    """Streams batches and returns the same numbers as the whole-array functions above.

    Sums per-frame quantities so that evaluation over 10 000 memory-mapped sequences never
    holds more than one batch of predictions.
    """

    def __init__(self, with_accuracy: bool = False):
        self.with_accuracy = with_accuracy
        self.count = 0
        self.sq = self.abs = self.bce = self.psnr = self.ssim = self.acc = 0.0
        self.sq_t = self.ssim_t = None

    def add(self, pred, true):
        pred, true = _frames(pred), _frames(true)
        n, t = pred.shape[:2]
        err = pred - true
        sq_frame = (err ** 2).sum(axis=(2, 3))  # (n, t)
        self.sq += sq_frame.sum()
        self.abs += np.abs(err).sum()
        p = np.clip(pred, BCE_EPS, 1 - BCE_EPS)
        self.bce += (-(true * np.log(p) + (1 - true) * np.log(1 - p))).sum()
        clipped = np.clip(pred, 0, 1)
        mse_clipped = np.mean((clipped - true) ** 2, axis=(2, 3))
        self.psnr += (-10 * np.log10(np.maximum(mse_clipped, 1e-10))).sum()
        ssim_frames = ssim_per_frame(clipped, true)
        self.ssim += ssim_frames.sum()
        if self.with_accuracy:
            self.acc += np.mean((pred > 0.5) == (true >= 128 / 255), axis=(2, 3)).sum()
        self.sq_t = sq_frame.sum(axis=0) if self.sq_t is None else self.sq_t + sq_frame.sum(axis=0)
        self.ssim_t = ssim_frames.sum(axis=0) if self.ssim_t is None else self.ssim_t + ssim_frames.sum(axis=0)
        self.count += n * t
        self.sequences = getattr(self, "sequences", 0) + n

    def result(self) -> dict:
        frames = self.count
        out = {
            "mse_per_frame": self.sq / frames,
            "mae_per_frame": self.abs / frames,
            "ssim": self.ssim / frames,
            "psnr": self.psnr / frames,
            "bce_nats_per_frame": self.bce / frames,
            "per_timestep": {"mse": (self.sq_t / self.sequences).tolist(),
                             "ssim": (self.ssim_t / self.sequences).tolist()},
        }
        if self.with_accuracy:
            out["binary_accuracy"] = self.acc / frames
        return out


# ---------------------------------------------------------------- series
def rmse(pred, true) -> float:
    return float(np.sqrt(np.mean((np.asarray(pred, float) - np.asarray(true, float)) ** 2)))


def mae(pred, true) -> float:
    return float(np.mean(np.abs(np.asarray(pred, float) - np.asarray(true, float))))


def smape(pred, true) -> float:
    """Symmetric MAPE in percent: mean of 200·|F − A| / (|A| + |F|) (terms with A = F = 0 count as 0)."""
    pred, true = np.asarray(pred, float), np.asarray(true, float)
    denom = np.abs(true) + np.abs(pred)
    terms = np.where(denom == 0, 0.0, 200 * np.abs(pred - true) / np.where(denom == 0, 1, denom))
    return float(np.mean(terms))


def seasonal_naive_scale(train, season: int) -> float:
    """MASE's denominator: in-sample MAE of the seasonal naive forecast y[t − m] on the training part."""
    train = np.asarray(train, float)
    m = season if season and len(train) > season else 1
    return float(np.mean(np.abs(train[m:] - train[:-m])))


def mase(pred, true, train, season: int) -> float:
    return mae(pred, true) / seasonal_naive_scale(train, season)


def series_scores(pred, true, train, season: int) -> dict:
    return {"rmse": rmse(pred, true), "mae": mae(pred, true), "smape": smape(pred, true),
            "mase": mase(pred, true, train, season)}
