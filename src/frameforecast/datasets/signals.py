"""Synthetic signals of seq2seq-signal-prediction (G. Chevalier), exercises 1–3, reproduced in behaviour.

Each generator returns (x, y) batch-major: (batch, seq_length, features).
"""

from __future__ import annotations

import numpy as np


def sin_cos_pair(batch: int, rng: np.random.Generator, seq_length: int = 10):
    """v1: a sine and a cosine with a random phase over 3π, 10 steps in → 10 out, 2 features."""
    phase = rng.random((batch, 1)) * 2 * np.pi
    grid = np.linspace(0.0, 3.0 * np.pi, seq_length * 2)[None, :] + phase
    signal = np.stack([np.sin(grid), np.cos(grid)], axis=-1)
    return signal[:, :seq_length], signal[:, seq_length:]


def two_frequencies(batch: int, rng: np.random.Generator, seq_length: int = 15):
    """v2: the sum of a sine and a cosine of random frequency, amplitude and phase; 1 feature."""
    total = np.zeros((batch, seq_length * 2))
    for wave, amplitude in ((np.sin, rng.random((batch, 1)) + 0.1), (np.cos, rng.random((batch, 1)) * 1.2)):
        phase = rng.random((batch, 1)) * 2 * np.pi
        freq = (rng.random((batch, 1)) - 0.5) / 1.5 * 15 + 0.5
        grid = np.linspace(0.0, 3.0 * np.pi, seq_length * 2)[None, :] * (seq_length / 15.0) * freq + phase
        total += amplitude * wave(grid)
    signal = total[..., None]
    return signal[:, :seq_length], signal[:, seq_length:]


def noisy_two_frequencies(batch: int, rng: np.random.Generator, seq_length: int = 30):
    """v3: v2 with 30 steps, noise on the input only, both normalised by the input's mean and std / 2.5."""
    x, y = two_frequencies(batch, rng, seq_length)
    x = x + (rng.random() * 0.15 + 0.10) * rng.standard_normal(x.shape)
    mean, std = x.mean(), x.std() + 1e-4
    return (x - mean) / std / 2.5, (y - mean) / std / 2.5


GENERATORS = {1: sin_cos_pair, 2: two_frequencies, 3: noisy_two_frequencies}
