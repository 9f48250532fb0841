"""Every metric of the project, one definition each (formulas in DESIGN §5 and the README).

Video arrays are (N, T, H, W[, C]) with values in [0, 1]. Series metrics take arrays in original units.
"""

from __future__ import annotations

import numpy as np

SSIM_DATA_RANGE = 1.0  # the textbook value; OpenSTL's published SSIMs correspond to 2.0 (an old skimage default)


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


PSNR_FLOOR = 1e-10  # the mean squared error of a perfect forecast: PSNR 100 dB instead of ∞


def psnr(pred, true) -> float:
    """−10·log10 of the mean over frames of each frame's mean squared error (predictions clipped to [0, 1]).

    From the mean error, not the mean of per-frame PSNRs: a frame reproduced exactly (MSE 0, so 100 dB) would
    otherwise dominate the average, as copy-last's first reconstructed frame does."""
    mse = np.mean((np.clip(_frames(pred), 0, 1) - _frames(true)) ** 2)
    return float(-10 * np.log10(max(mse, PSNR_FLOOR)))


# scikit-image's structural_similarity defaults, which every SSIM here is (tests/test_metrics.py holds them equal)
SSIM_WINDOW, SSIM_K1, SSIM_K2 = 7, 0.01, 0.03
SSIM_FRAMES_AT_ONCE = 8  # frames filtered together: few Python calls, arrays that stay in the CPU's cache


def ssim_per_frame(pred, true, data_range: float = SSIM_DATA_RANGE) -> np.ndarray:
    """SSIM of every frame (clipped predictions), shape (N, T): scikit-image's structural_similarity (a 7 × 7
    uniform window with reflected edges, sample covariance, the border of 3 pixels left out of the mean),
    computed for several frames per call, 1.7× faster than calling it frame by frame, with the same values."""
    pred, true = np.clip(_frames(pred), 0, 1), _frames(true)
    shape, (h, w) = pred.shape[:-2], pred.shape[-2:]
    pred, true = pred.reshape(-1, h, w), true.reshape(-1, h, w)
    out = np.concatenate(
        [
            _ssim_frames(pred[i : i + SSIM_FRAMES_AT_ONCE], true[i : i + SSIM_FRAMES_AT_ONCE], data_range)
            for i in range(0, len(pred), SSIM_FRAMES_AT_ONCE)
        ]
        or [np.empty(0)]
    )
    return out.reshape(shape)


def _ssim_frames(x: np.ndarray, y: np.ndarray, data_range: float) -> np.ndarray:
    """structural_similarity(x[i], y[i], data_range=data_range) for each frame i of two (F, H, W) float64 stacks:
    its local means, variances and covariance from scipy's uniform_filter (size 7 along each image axis, mode
    reflect), its constants and its crop."""
    from scipy.ndimage import uniform_filter1d

    def local_mean(image):
        return uniform_filter1d(uniform_filter1d(image, SSIM_WINDOW, axis=-1), SSIM_WINDOW, axis=-2)

    ux, uy, uxx, uyy, uxy = (local_mean(a) for a in (x, y, x * x, y * y, x * y))
    cov_norm = SSIM_WINDOW**2 / (SSIM_WINDOW**2 - 1)  # sample covariance
    vx, vy, vxy = cov_norm * (uxx - ux * ux), cov_norm * (uyy - uy * uy), cov_norm * (uxy - ux * uy)
    c1, c2 = (SSIM_K1 * data_range) ** 2, (SSIM_K2 * data_range) ** 2
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux**2 + uy**2 + c1) * (vx + vy + c2))
    pad = (SSIM_WINDOW - 1) // 2
    return s[:, pad:-pad, pad:-pad].mean(axis=(-2, -1), dtype=np.float64)


def ssim(pred, true, data_range: float = SSIM_DATA_RANGE) -> float:
    return float(ssim_per_frame(pred, true, data_range).mean())


def _bce_terms(pred: np.ndarray, true: np.ndarray) -> np.ndarray:
    """−(t·ln p + (1 − t)·ln(1 − p)) per pixel; +inf where p is exactly 0 or 1 and the target disagrees.

    A term whose weight is 0 counts 0 (0 · ln 0 = 0), so an exact 0 against a target of exactly 0 costs nothing.
    No epsilon: clipping would turn "infinitely wrong" into a number set by the epsilon.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        on = np.where(true > 0, true * np.log(pred), 0.0)
        off = np.where(true < 1, (1 - true) * np.log1p(-pred), 0.0)
    return -(on + off)


def bce_nats_per_frame(pred, true) -> float:
    """Srivastava: Bernoulli cross-entropy in nats summed over the pixels of a frame, averaged over frames.

    Predictions are clipped to [0, 1] first; the result is inf when any pixel is exactly 0 or 1 against a
    disagreeing target (the site shows ∞).
    """
    terms = _bce_terms(np.clip(_frames(pred), 0, 1), _frames(true))
    return float(terms.sum(axis=(2, 3)).mean())


def bce_floor_nats_per_frame(true) -> float:
    """The BCE of a perfect prediction (pred = true): the targets' own binary entropy, 0 only for 0/1 pixels."""
    t = _frames(true)
    return float(_bce_terms(t, t).sum(axis=(2, 3)).mean())


def binarise_targets(true) -> np.ndarray:
    """Targets as booleans at 128: uint8 pixels ≥ 128, or [0, 1] floats ≥ 128/255."""
    true = np.asarray(true)
    frames = true[..., 0] if true.ndim == 5 and true.shape[-1] == 1 else true
    return frames >= 128 if frames.dtype == np.uint8 else frames >= 128 / 255


def binary_accuracy(pred, true_uint8_or_unit, threshold: float = 0.5) -> float:
    """Per-pixel accuracy of pred > threshold against targets binarised at 128 (uint8) or 128/255 (floats)."""
    return float(np.mean((_frames(pred) > threshold) == binarise_targets(true_uint8_or_unit)))


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
        self.sq = self.abs = self.bce = self.bce_floor = self.psnr = self.ssim = self.acc = 0.0
        self.sq_t = self.ssim_t = None

    def add(self, pred, true):
        pred, true = _frames(pred), _frames(true)
        n, t = pred.shape[:2]
        err = pred - true
        sq_frame = (err**2).sum(axis=(2, 3))  # (n, t)
        self.sq += sq_frame.sum()
        self.abs += np.abs(err).sum()
        clipped = np.clip(pred, 0, 1)
        self.bce += _bce_terms(clipped, true).sum()
        soft = true[(true > 0) & (true < 1)]  # a 0 or 1 target pixel adds exactly 0 to the floor
        self.bce_floor += _bce_terms(soft, soft).sum()
        mse_clipped = np.mean((clipped - true) ** 2, axis=(2, 3))
        self.psnr += mse_clipped.sum()  # each frame's mean squared error: PSNR is taken of their mean
        ssim_frames = ssim_per_frame(clipped, true)
        self.ssim += ssim_frames.sum()
        if self.with_accuracy:
            self.acc += np.mean((pred > 0.5) == binarise_targets(true), axis=(2, 3)).sum()
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
            "psnr": float(-10 * np.log10(max(self.psnr / frames, PSNR_FLOOR))),
            "bce_nats_per_frame": self.bce / frames if np.isfinite(self.bce) else None,
            "bce_floor_nats_per_frame": self.bce_floor / frames,
            "per_timestep": {
                "mse": (self.sq_t / self.sequences).tolist(),
                "ssim": (self.ssim_t / self.sequences).tolist(),
            },
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


def mape(pred, true) -> float | None:
    """MAPE in percent, as sktime and Darts compute it: mean of 100·|F − A| / |A|; None ("—") when some A = 0."""
    pred, true = np.asarray(pred, float), np.asarray(true, float)
    if np.any(true == 0):
        return None
    return float(np.mean(100 * np.abs(pred - true) / np.abs(true)))


def seasonal_naive_scale(train, season: int) -> float | None:
    """MASE's one denominator: in-sample MAE of the seasonal naive forecast y[t − m] on the training part.

    None when the training part is not longer than one season (there is no in-sample forecast to score).
    """
    train, m = np.asarray(train, float), season or 1
    if len(train) <= m:
        return None
    return float(np.mean(np.abs(train[m:] - train[:-m])))


def mase_note(train, season: int) -> str | None:
    """Why MASE is shown as "—" for this training part, or None when it is defined."""
    m = season or 1
    scale = seasonal_naive_scale(train, m)
    if scale is None:
        return f"MASE —: the training part ({len(train)} points) is not longer than one season ({m})"
    if scale == 0:
        return f"MASE —: the lag-{m} seasonal naive forecast is exact on the training part, so its scale is 0"
    return None


def mase(pred, true, train, season: int) -> float | None:
    scale = seasonal_naive_scale(train, season)
    return mae(pred, true) / scale if scale else None


def series_scores(pred, true, train, season: int) -> dict:
    return {
        "rmse": rmse(pred, true),
        "mae": mae(pred, true),
        "smape": smape(pred, true),
        "mase": mase(pred, true, train, season),
    }


def best_of(scores: dict, key: str) -> tuple[str | None, float | None]:
    """The entry of {name: {key: value}} with the lowest value of `key`; a "—" (None) value never wins."""
    ranked = [name for name in scores if scores[name].get(key) is not None]
    if not ranked:
        return None, None
    name = min(ranked, key=lambda n: scores[n][key])
    return name, scores[name][key]


def percent(share: float | None) -> str:
    """A share for the console and the page: "81%", or "—" where it could not be measured."""
    return "—" if share is None else f"{share:.0%}"


def competition_scores(forecasts: dict, history, future, season: int, reference: str | None = None) -> dict:
    """model → the competitions' aggregates over a panel, each computed per series and then averaged over the
    series, as the M3/M4 and Tourism tables do: sMAPE on the 0–200 scale, MASE (each series' mean absolute error
    over its own in-sample seasonal-naive MAE at lag m), MAPE (None when some actual is 0); with `reference`
    (Naive2), OWA = ½ · (sMAPE / sMAPE_ref + MASE / MASE_ref) of those means. A series whose MASE scale is 0
    is left out of every model's MASE alike, and counted."""
    scales = [seasonal_naive_scale(h, season) for h in history]
    usable = [i for i, s in enumerate(scales) if s]
    out = {}
    for model, predicted in forecasts.items():
        apes = [mape(p, f) for p, f in zip(predicted, future)]
        out[model] = {
            "smape": float(np.mean([smape(p, f) for p, f in zip(predicted, future)])),
            "mase": float(np.mean([mae(predicted[i], future[i]) / scales[i] for i in usable])) if usable else None,
            "mape": None if any(a is None for a in apes) else float(np.mean(apes)),
            "series": len(future),
            "mase_series": len(usable),
        }
    if reference in out:
        ref = out[reference]
        for scores in out.values():
            scores["owa"] = (
                0.5 * (scores["smape"] / ref["smape"] + scores["mase"] / ref["mase"])
                if ref["smape"] and ref["mase"] and scores["mase"] is not None
                else None
            )
    return out
