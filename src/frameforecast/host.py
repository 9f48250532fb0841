"""The machine a result was measured on, as the site, the learning curve and the bench records name it."""

from __future__ import annotations

import contextlib
import os
import platform
from pathlib import Path


def cpu_flags() -> set[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def machine() -> str:
    """CPU model, core count and widest vector extension (oneDNN's speed depends on it: AVX-512 vs AVX2)."""
    cpu, flags = platform.processor() or platform.machine(), cpu_flags()
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    vector = next(
        (
            name
            for flag, name in (("avx512_bf16", "AVX-512 BF16"), ("avx512f", "AVX-512"), ("avx2", "AVX2"))
            if flag in flags
        ),
        None,
    )
    capped = os.environ.get("ONEDNN_MAX_CPU_ISA")  # oneDNN's kernels use at most this ISA (e.g. AVX2)
    return (
        f"{cpu}, {os.cpu_count()} cores"
        + (f", {vector}" if vector else "")
        + (f" (oneDNN capped at {capped} by ONEDNN_MAX_CPU_ISA)" if capped else "")
    )
