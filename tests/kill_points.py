"""Run the frameforecast command with wide windows at the instants a kill test aims at.

`python tests/kill_points.py MARKER_DIR train …` runs `frameforecast train …`, and touches
MARKER_DIR/<point> then sleeps at each of these points, so that the test's SIGKILL lands there:
- `fit`: training has started, no backup is written yet;
- `backup-weights`: half-way through writing a backup's weights (a partial file);
- `backup-written`: a backup's weights are written, its state not yet;
- `final-save`: the trained model is being saved.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

PAUSE = 2.0
MARKERS = Path(sys.argv[1])


def mark(point: str) -> None:
    (MARKERS / point).touch()
    time.sleep(PAUSE)


def install() -> None:
    import keras

    fit, save_weights, save = keras.Model.fit, keras.Model.save_weights, keras.Model.save

    def slow_fit(self, *args, **kwargs):
        mark("fit")
        return fit(self, *args, **kwargs)

    def slow_save_weights(self, filepath, *args, **kwargs):
        Path(filepath).write_bytes(b"\x89HDF\r\n")  # the first bytes of a file being written
        mark("backup-weights")
        save_weights(self, filepath, *args, **kwargs)
        mark("backup-written")

    def slow_save(self, filepath, *args, **kwargs):
        save(self, filepath, *args, **kwargs)
        mark("final-save")

    keras.Model.fit, keras.Model.save_weights, keras.Model.save = slow_fit, slow_save_weights, slow_save


if __name__ == "__main__":
    install()
    import frameforecast.__main__ as command

    sys.argv = ["frameforecast", *sys.argv[2:]]
    command.run()
