"""A model's memory, estimated from its settings before anything is allocated, against the memory there is.

Rough on purpose: it catches settings that cannot fit (--units 100000 is 160 GB of LSTM weights) with one
line before TensorFlow tries, not the last few percent. Weights count four times (the weights, their
gradients and Adam's two moments); activations once per time step of a batch, kept for backpropagation.
"""

from __future__ import annotations

import resource
from pathlib import Path

from frameforecast.config.classes import LookbackConfig, Seq2seqConfig, SignalsConfig, VideoConfig, method_module
from frameforecast.errors import UserError

BYTES = 4  # float32
ADAM_COPIES = 4
USABLE = 0.8  # of the memory available, the rest for the data, TensorFlow itself and the evaluation


def _lstm(units: int, inputs: int) -> int:
    return 4 * units * (units + inputs + 1)


def _series_modes(cfg) -> list:
    return [cfg.mode(name) for name in cfg.modes]


def model_bytes(cfg) -> int:
    """Estimated training memory of the largest model a config builds."""
    if isinstance(cfg, VideoConfig):
        size = getattr(method_module(cfg.method), "parameters", None)  # a method without it is not estimated
        if size is None:
            return 0
        params, activations = size(cfg)
        steps = cfg.in_frames + cfg.out_frames
        return ADAM_COPIES * BYTES * params + BYTES * cfg.batch_size * steps * activations
    if isinstance(cfg, (LookbackConfig, Seq2seqConfig, SignalsConfig)):
        largest = 0
        for mode in _series_modes(cfg):
            layers = getattr(mode, "layers", 2)
            steps = getattr(mode, "look_back", None) or getattr(cfg, "n_in", None) or 64
            params = layers * _lstm(mode.units, mode.units)
            activations = mode.batch_size * steps * mode.units * 8 * layers
            largest = max(largest, ADAM_COPIES * BYTES * params + BYTES * activations)
        return largest
    return 0


def disk_bytes(cfg) -> int:
    """What a run writes while it trains: the model file and two backups of its weights (the optimizer's state
    included), estimated from the same count as the memory."""
    return 3 * model_bytes(cfg) // 2


def available_bytes() -> int | None:
    """Memory this process may still use: the least of MemAvailable, the cgroup's limit and RLIMIT_AS."""
    limits = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                limits.append(int(line.split()[1]) * 1024)
    except OSError:
        pass
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 1 << 60:
            limits.append(int(text))
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        limits.append(soft)
    return min(limits) if limits else None


def check_fits(cfg) -> None:
    """UserError when the settings' model cannot fit in the memory there is."""
    needed, there = model_bytes(cfg), available_bytes()
    if there is None:
        return
        return
    if needed > USABLE * there:
        raise UserError(
            f"{cfg.experiment}: these settings need about {needed / 2**30:,.1f} GiB to train and "
            f"{there / 2**30:,.1f} GiB is available; use smaller settings (--units, --filters, --batch-size) "
            "or a machine with more memory"
        )
