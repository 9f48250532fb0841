#!/usr/bin/env python3
"""Ship a long-trained video model with the project: copy RUN_DIR/model.keras into
src/frameforecast/checkpoints/<experiment>.keras and write its card (<experiment>.json) from the run itself: the
command that trained it, this commit and machine, the minutes and steps of its learning curve, its metrics from
the run's last evaluation on the full test set, and a 50-sequence evaluation the tests repeat.

    scripts/ship_checkpoint.py runs/mnist-predict --command "frameforecast run mnist-predict; frameforecast improve …"
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from frameforecast import host, shipped  # noqa: E402
from frameforecast.atomic import atomic_path, write_json  # noqa: E402
from frameforecast.config import experiments  # noqa: E402
from frameforecast.stages.learning_curve import curve  # noqa: E402
from frameforecast.stages.video_results import score_model  # noqa: E402

MAX_MB = 10
CHECK_SEQUENCES = 50


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--command", required=True, help="the commands that trained the model, as a user runs them")
    args = parser.parse_args()
    cfg = experiments.saved_config(args.run_dir)
    model, report = args.run_dir / "model.keras", json.loads((args.run_dir / "metrics.json").read_text())
    if model.stat().st_size > MAX_MB * 2**20:
        sys.exit(f"{model} is {model.stat().st_size / 2**20:.1f} MB; a shipped checkpoint is at most {MAX_MB} MB")
    learned = curve(args.run_dir)
    last = learned["points"][-1]
    if abs(last["mse_per_frame"] - report["results"][report["headline_output"]]["model"]["mse_per_frame"]) > 1e-6:
        sys.exit(f"{args.run_dir}: metrics.json is not the learning curve's last point; evaluate the run again")
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    card = {
        "experiment": cfg.experiment,
        "task": cfg.task,
        "profile": cfg.profile,
        "command": args.command,
        "commit": commit,
        "device": last.get("machine") or host.machine(),
        "minutes": last["minutes"],
        "steps": last["steps"],
        "shipped": time.strftime("%Y-%m-%d", time.gmtime()),
        "metrics": {
            "test_set": report["test_set"]["origin"],
            "sequences": report["test_set"]["size"],
            "results": {
                out: {k: res["model"][k] for k in ("mse_per_frame", "ssim")} for out, res in report["results"].items()
            },
            "all_black_ssim": report["results"][report["headline_output"]]["all-black frame"]["ssim"],
            f"first_{CHECK_SEQUENCES}": {
                out: {k: res[k] for k in ("mse_per_frame", "ssim")}
                for out, res in score_model(cfg, model, CHECK_SEQUENCES).items()
            },
        },
    }
    shipped.FOLDER.mkdir(exist_ok=True)
    with atomic_path(shipped.model_path(cfg.experiment), suffix=".keras") as tmp:
        shutil.copyfile(model, tmp)
    write_json(shipped.FOLDER / f"{cfg.experiment}.json", card)
    print(json.dumps(card, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
