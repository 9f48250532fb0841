"""The `frameforecast` command and `python -m frameforecast`."""

import logging
import os
import sys

from frameforecast.cli import main


def run() -> None:
    """Run the command line, then end the process without the interpreter's teardown. Every output is
    written by then, and TensorFlow's teardown (garbage-collecting its graphs and tf.data threads) takes
    seconds after Ctrl+C, and once kept a finished `run --serve` alive for over a minute."""
    code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
