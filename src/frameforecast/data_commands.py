"""`frameforecast data list | fetch | verify | show`."""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from pathlib import Path

import numpy as np

from frameforecast.errors import UserError

DATASETS = {
    "moving-mnist-digits": "MNIST digits for the generator: full MNIST through keras when cached, else the bundled "
    "5000-digit subset (held-out test digits in every class)",
    "moving-mnist-test": "Srivastava's standard test file mnist_test_seq.npy (819 MB, download, sha256-checked)",
    "moving-mnist-generated": "the deterministic generated test set (seed 2015, held-out digits)",
    "milk": "monthly milk production (bundled)",
    "airline": "airline passengers (bundled)",
    "usercount": "hourly app users / sessions / new users (bundled)",
    "signals-1": "synthetic sine + cosine pair (generated)",
    "signals-2": "synthetic sum of two random sines (generated)",
    "signals-3": "synthetic noisy two-frequency signal (generated)",
}


def run(action: str, name: str | None, out: Path) -> int:
    if action == "list":
        for key, text in DATASETS.items():
            print(f"{key:24s} {text}")
        return 0
    if action == "verify":
        return verify()
    if not name:
        raise UserError(f"`frameforecast data {action}` needs a data set name; see `frameforecast data list`")
    if name not in DATASETS:
        raise UserError(f"unknown data set {name!r}; see `frameforecast data list`")
    return fetch(name) if action == "fetch" else show(name, out)


def _bundled_table() -> dict[str, str]:
    """file name → sha256 from the bundled SOURCES.md table."""
    text = (resources.files("frameforecast.datasets") / "files" / "SOURCES.md").read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in re.finditer(r"^\| (\S+) \| ([0-9a-f]{64}) \|", text, re.M)}


def verify() -> int:
    from frameforecast.datasets import moving_mnist as mm
    from frameforecast.datasets.download import cache_dir, sha256_of

    bad = 0
    for filename, expected in _bundled_table().items():
        path = Path(str(resources.files("frameforecast.datasets") / "files" / filename))
        actual = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
        ok = actual == expected
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {filename} (bundled)")
    cached = cache_dir() / "datasets" / mm.STANDARD_FILENAME
    if cached.exists():
        ok = sha256_of(cached) == mm.STANDARD_SHA256
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {cached}")
    else:
        print(f"--  {mm.STANDARD_FILENAME} not downloaded (frameforecast data fetch moving-mnist-test)")
    if bad:
        raise UserError(f"{bad} file(s) failed verification; reinstall the package or fetch again")
    return 0


def fetch(name: str) -> int:
    from frameforecast.datasets import moving_mnist as mm

    if name == "moving-mnist-test":
        print(f"ready: {mm.fetch_standard_file()}")
    elif name == "moving-mnist-digits":
        train, test, described = mm.load_digits("auto")
        print(f"ready: {described}")
    else:
        print(f"{name} is bundled or generated; nothing to fetch")
    return 0


def show(name: str, out: Path) -> int:
    from frameforecast.atomic import atomic_path
    from frameforecast.datasets import moving_mnist as mm
    from frameforecast.datasets import series, signals
    from frameforecast.report import plots

    out.mkdir(parents=True, exist_ok=True)
    png = out / f"{name}.png"
    if name.startswith("moving-mnist"):
        if name == "moving-mnist-test":
            data = mm.standard_test_set(limit=4).videos[0:4]
        elif name == "moving-mnist-digits":
            train, test, described = mm.load_digits("auto")
            print(f"{described}: train {train.shape}, test {test.shape}, {train.dtype}")
            data = mm.generate(train, 4, np.random.default_rng(0))
        else:
            data = mm.generated_test_set(4).videos
        from frameforecast.report.gifs import write_contact_sheet

        frames = data.astype(np.float32) / 255
        write_contact_sheet(png, frames[:, :10], frames[:, 10:], frames[:, 10:], scale=1)
        print(f"{name}: sequences of shape {data.shape[1:]} {data.dtype}; preview {png}")
    elif name.startswith("signals-"):
        x, y = signals.GENERATORS[int(name[-1])](3, np.random.default_rng(0))
        plots.signal_windows(png, x, y, y, f"{name}: 3 generated windows (prediction = truth)")
        print(f"{name}: input windows {x.shape[1:]}, output windows {y.shape[1:]}; preview {png}")
    else:
        s = series.load_builtin(name)
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(9, 3))
        for j, col in enumerate(s.columns):
            ax.plot(s.times, s.values[:, j], label=col)
        ax.legend()
        ax.set_title(series.BUILTIN[name].description)
        with atomic_path(png, suffix=".png") as tmp:
            fig.savefig(tmp, format="png", dpi=90, bbox_inches="tight")
        plt.close(fig)
        print(
            f"{name}: {len(s)} rows × {len(s.columns)} columns ({', '.join(s.columns)}), "
            f"{s.times[0]} … {s.times[-1]}; preview {png}"
        )
    return 0
