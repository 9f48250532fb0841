"""Cutting a series into model windows (look-back and seq2seq), and the length check that comes first."""

from __future__ import annotations

import numpy as np

from frameforecast.errors import UserError


def rows_for_training_part(training_rows: int, test_fraction: float) -> int:
    """The fewest rows of a whole series whose training part (the first int(L · (1 − test_fraction)) rows)
    has `training_rows`, with at least one test row."""
    rows = max(int(np.ceil(training_rows / (1 - test_fraction))), training_rows + 1)
    while int(rows * (1 - test_fraction)) < training_rows:
        rows += 1
    return rows


def require_length(series_length: int, needed: int, what: str, source: str) -> None:
    """`needed` is the length of the whole series (see rows_for_training_part), as the user counts rows."""
    if series_length < needed:
        raise UserError(
            f"{source}: {series_length} rows is too few for {what}; at least {needed} rows are needed "
            "(use a shorter window or a longer series)"
        )


def lookback_windows(values: np.ndarray, look_back: int, faithful: bool = False):
    """X[i] = values[i : i + look_back], y[i] = values[i + look_back].

    faithful=True reproduces the tutorial's `range(len - look_back - 1)`, which drops the last window.
    """
    count = len(values) - look_back - (1 if faithful else 0)
    if count <= 0:
        return np.empty((0, look_back) + values.shape[1:]), np.empty((0,) + values.shape[1:])
    X = np.stack([values[i : i + look_back] for i in range(count)])
    y = np.stack([values[i + look_back] for i in range(count)])
    return X, y


def seq2seq_windows(values: np.ndarray, n_in: int, n_out: int, stride: int = 1):
    """Windows of n_in inputs followed by n_out targets: X (n, n_in, F), Y (n, n_out, F)."""
    values = values if values.ndim == 2 else values[:, None]
    starts = range(0, len(values) - n_in - n_out + 1, stride)
    X = np.stack([values[s : s + n_in] for s in starts]) if len(starts) else np.empty((0, n_in, values.shape[1]))
    Y = (
        np.stack([values[s + n_in : s + n_in + n_out] for s in starts])
        if len(starts)
        else np.empty((0, n_out, values.shape[1]))
    )
    return X, Y
