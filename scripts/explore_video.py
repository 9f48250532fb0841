#!/usr/bin/env python
"""Design exploration for mnist-predict: train one variant for a wall-clock budget, print test MSE/SSIM.

    .venv/bin/python scripts/explore_video.py --filters 64 --batch-size 8 --learning-rate 3e-3 --budget 420
    .venv/bin/python scripts/explore_video.py --dynamic-kernel 7 --set model.kernel_grid=8
    KERAS_BACKEND=jax python scripts/explore_video.py --filters 32 --steps 2280   # a CPU budget's steps, on a GPU

The numbers quoted in docs/design.md came from this script (1000 generated test sequences).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def _parse_setting(item: str):
    key, _, value = item.partition("=")
    for kind in (int, float):
        try:
            return key, kind(value)
        except ValueError:
            pass
    return key, value


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--filters", type=int, default=64)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--loss", default="mse")
    p.add_argument("--learning-rate", type=float, default=3e-3)
    p.add_argument("--budget", type=float, default=420.0, help="seconds of training")
    p.add_argument("--steps", type=int, help="train exactly this many steps instead (screening on a faster machine)")
    p.add_argument("--kernel", type=int, default=3, help="ConvLSTM kernel size")
    p.add_argument("--kernel-grid", type=int, default=4, help="pixels per predicted dynamic kernel (4 = one per patch)")
    p.add_argument("--dynamic-kernel", type=int, default=9)
    p.add_argument("--head", default="dynamic", choices=["dynamic", "generative"])
    p.add_argument("--mixed-precision", action="store_true")
    p.add_argument("--test-size", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0, help="weights and training stream")
    p.add_argument(
        "--set",
        nargs="*",
        default=[],
        metavar="KEY=VALUE",
        help="any other mnist-predict config value, e.g. patch=8 forecaster=next-frame",
    )
    args = p.parse_args()

    import budget_training
    import keras

    from frameforecast import video_tasks
    from frameforecast.config import experiments
    from frameforecast.datasets import moving_mnist as mm
    from frameforecast.training import make_optimizer, seed_everything

    if args.mixed_precision:
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
    cfg = experiments.get("mnist-predict").config(
        "quick",
        {
            "model.filters": args.filters,
            "model.kernel": args.kernel,
            "model.kernel_grid": args.kernel_grid,
            "batch_size": args.batch_size,
            "loss": args.loss,
            "model.head": args.head,
            "seed": args.seed,
            "learning_rate": args.learning_rate,
            "model.dynamic_kernel": args.dynamic_kernel,
            **dict(_parse_setting(item) for item in args.set),
        },
    )
    seed_everything(args.seed)
    model = video_tasks.build(cfg)
    steps = args.steps or int(args.budget * 18 / args.batch_size)  # ~18 sequences/s on the 2-core CPU
    run = budget_training.train_for(
        model,
        cfg,
        optimizer=make_optimizer("adam", args.learning_rate, "cosine", steps),
        loss=args.loss,
        steps=steps,
        budget=None if args.steps else args.budget,
    )
    r = budget_training.score(budget_training.forecast(model), mm.generated_test_set(args.test_size, cfg.digits))
    print(
        f"{vars(args)}: trained {run['train_seconds']:.0f} s, {run['steps']} steps; "
        f"test MSE/frame {r['mse_per_frame']:.1f}, SSIM {r['ssim']:.3f}; by frame "
        + " ".join(f"{v:.0f}" for v in r["per_timestep"]["mse"])
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
