"""TensorFlow's C++ start-up lines (absl, CUDA probing on a machine without a GPU) kept off the console.

They are written straight to file descriptor 2 before Python can filter them, so the first import of
keras or tensorflow runs with fd 2 pointed at a temporary file: shown if the import fails, dropped if not.
TensorFlow's Python logger is set to errors only. FRAMEFORECAST_VERBOSE=1 (the --verbose flag) leaves
everything on the console.
"""

from __future__ import annotations

import gc
import importlib.abc
import os
import sys
import tempfile

SILENCED = ("keras", "tensorflow")


def _import_tensorflow_silently() -> None:
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            import tensorflow as tf

            tf.config.list_physical_devices()  # the CUDA probe logs here, once
            # its Python logger's advice (e.g. "triggered tf.function retracing" when the seeds' models are
            # evaluated one after another) is for TensorFlow developers, not for a user of the suite
            tf.get_logger().setLevel("ERROR")
            # its modules live as long as the process: out of every later full collection's walk
            gc.collect()
            gc.freeze()
        except BaseException:
            os.dup2(saved, 2)
            sink.seek(0)
            sys.stderr.write(sink.read().decode("utf-8", "replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class _QuietFirstImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in SILENCED:
            sys.meta_path.remove(self)
            if os.environ.get("KERAS_BACKEND", "tensorflow") == "tensorflow":
                _import_tensorflow_silently()
        return None  # the normal finders do the import


def install() -> None:
    verbose = os.environ.get("FRAMEFORECAST_VERBOSE", "") not in ("", "0")
    if verbose or any(name in sys.modules for name in SILENCED):
        return
    if not any(isinstance(finder, _QuietFirstImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _QuietFirstImport())


def uninstall() -> None:
    """--verbose: TensorFlow logs everything it logs, from its first import on."""
    os.environ["FRAMEFORECAST_VERBOSE"] = "1"
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "0"
    sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, _QuietFirstImport)]
