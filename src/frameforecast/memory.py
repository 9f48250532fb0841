"""Resident memory of this process, read from /proc/self/status (Linux), in MiB.

Peak is VmHWM, the high-water mark of this process's own address space. getrusage's ru_maxrss is not
used: across fork + exec it keeps the parent's peak, so a child started by a large parent would report
the parent's memory as its own.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import resource
import sys


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    current = _status_mb("VmRSS")
    return current if current is not None else peak_rss_mb()


def release_unused() -> None:
    """Give back what a finished stage left behind: collect reference cycles (Keras models and traced
    functions hold some), clear Keras's global state, and return freed heap pages to the system (glibc).

    What survives is frozen out of the garbage collector's view (gc.freeze): it is live, and mostly the
    half-million objects of TensorFlow's and Keras's modules, which every full collection would otherwise walk
    again (0.3-0.6 s each; Keras collects at every clear_session, i.e. at every fit)."""
    gc.collect()
    if "keras" in sys.modules:
        sys.modules["keras"].backend.clear_session()
    gc.freeze()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: its allocator keeps its own policy
        ctypes.CDLL("libc.so.6").malloc_trim(0)
