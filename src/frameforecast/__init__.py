"""frame-forecast: classic LSTM sequence models, reproduced and measured honestly."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
if os.environ.get("FRAMEFORECAST_VERBOSE", "") in ("", "0"):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's C++ log lines (set before it is imported)

from frameforecast import quiet  # noqa: E402  (after the environment it reads)

quiet.install()

__version__ = "0.1.0"
