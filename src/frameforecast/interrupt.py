"""Ctrl+C that is never lost: the SIGINT handler records the press as well as raising KeyboardInterrupt.

Python raises a signal's exception in whatever bytecode runs when it arrives; inside a weakref callback or a
__del__ it is printed as "Exception ignored" and dropped, and a served run then trained on. The training
loops call `check()` after every batch and between rounds, so a press lost that way stops them one batch
later.
"""

from __future__ import annotations

import signal
import sys
import threading

pressed = threading.Event()


def on_sigint(signum, frame):  # noqa: ARG001 - the signal module's signature
    pressed.set()
    raise KeyboardInterrupt


def _quiet_when_recorded(unraisable) -> None:
    """sys.unraisablehook: a Ctrl+C that landed in a weakref callback or __del__ is recorded and raised again at
    the next check(), so its "Exception ignored … Traceback" would only alarm; anything else as Python does."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt) and pressed.is_set():
        return
    sys.__unraisablehook__(unraisable)


def install() -> None:
    """Take SIGINT (Ctrl+C) as a KeyboardInterrupt that is also recorded, even when this process was started
    with it ignored (a background job or a CI runner); main thread only."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, on_sigint)
        sys.unraisablehook = _quiet_when_recorded


def check() -> None:
    """Raise KeyboardInterrupt if Ctrl+C was pressed (and perhaps swallowed where it first landed)."""
    if pressed.is_set():
        raise KeyboardInterrupt
