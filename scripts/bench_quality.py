"""`bench.py --quality`: the quick suite's quality figures, read from runs/; `--gpu-run`: a `paper` run's outputs
copied back from a GPU machine."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORIGINAL_RMSE = {"milk-lookback": 47.65, "airline-lookback": 47.53}


def site_verdicts(metrics: dict) -> dict:
    """The verdict the site shows for a run (its headline, as the index and the page draw it) and, for a series
    run, the verdict on each protocol: the README's "met" for these rows is read from here, never recomputed."""
    from frameforecast.report import series_view, summaries

    head = summaries.headline(metrics)
    out = {"headline": {"beats": head["beats"], "note": head["verdict_note"], "label": head["label"]}}
    if metrics.get("family") in ("lookback", "seq2seq"):
        mode = series_view.headline_mode(metrics)
        out["protocols"] = {v["protocol"].split(" ")[0]: v for v in series_view.protocol_verdicts(metrics, mode)}
    return out


def _budget(runs: Path, name: str, profile: str) -> dict:
    """The training budget the profile plans for a video model and the one the suite's deadline gave it."""
    from frameforecast.config import experiments

    given = json.loads((runs / name / "config.json").read_text())["time_budget"]
    return {"budget_planned": experiments.get(name).config(profile).time_budget, "budget_given": given}


def bench_quality(runs: Path = ROOT / "runs", profile: str = "quick") -> dict:
    """Quality figures from the quick suite's metrics (run `--suite quick` first, or together)."""

    def load(name):
        path = runs / name / "metrics.json"
        if not path.exists():
            raise SystemExit(f"{path} is missing: run `scripts/bench.py --suite quick` first")
        data = json.loads(path.read_text())
        if data.get("profile") != profile:
            raise SystemExit(f"{path} is from the {data.get('profile')} profile; run `--suite {profile}` first")
        return data

    out = {}
    predict = load("mnist-predict")
    head = predict["results"]["prediction"]
    info = json.loads((runs / "mnist-predict" / "train_info.json").read_text())
    out["mnist-predict"] = {
        "mse_per_frame": head["model"]["mse_per_frame"],
        "ssim": head["model"]["ssim"],
        "all_black": head["all-black frame"]["mse_per_frame"],
        "copy_last": head["copy last frame"]["mse_per_frame"],
        "train_seconds": info["seconds"],
        "test_set": predict["test_set"],
        **_budget(runs, "mnist-predict", profile),
    }
    if "shipped_checkpoint" in predict:  # as this run scored it on its own test set
        ship = predict["shipped_checkpoint"]
        out["mnist-predict"]["shipped_checkpoint"] = {
            "card": {k: ship["card"][k] for k in ("minutes", "steps", "device", "commit")},
            **{k: ship["results"]["prediction"][k] for k in ("mse_per_frame", "ssim")},
            "all_black_ssim": head["all-black frame"]["ssim"],
        }
    for name in ("mnist-reconstruct", "mnist-composite"):
        results = load(name)["results"]
        info = json.loads((runs / name / "train_info.json").read_text())
        out[name] = {
            output: {
                "mse_per_frame": r["model"]["mse_per_frame"],
                "ssim": r["model"]["ssim"],
                "mean_input": r["mean input frame"]["mse_per_frame"],
                "mean_input_ssim": r["mean input frame"]["ssim"],
            }
            for output, r in results.items()
        }
        out[name]["train_seconds"] = info["seconds"]
        out[name].update(_budget(runs, name, profile))
        out[name]["warm_start"] = info.get("warm_start") is not None
    for name in ("milk-lookback", "airline-lookback"):
        m = load(name)["modes"]
        alternatives = {**m["corrected"]["baselines"], **m["corrected"].get("peers", {})}
        best = min(alternatives.items(), key=lambda kv: kv[1]["rmse"])
        holdout = m["corrected"].get("holdout")
        out[name] = {
            "corrected_ensemble_rmse": m["corrected"]["ensemble"]["rmse"],
            "corrected_rmse": m["corrected"]["model"]["rmse"],
            "faithful_rmse": m["faithful"]["model"]["rmse"],
            "best_baseline": {"name": best[0], "rmse": best[1]["rmse"]},  # baselines and peers
            "peers_rmse": {p: r["rmse"] for p, r in m["corrected"].get("peers", {}).items()},
            "holdout": holdout
            and {
                "horizon": holdout["horizon"],
                "mape": holdout["model"]["mape"],
                "alternatives_mape": {k: v["mape"] for k, v in {**holdout["baselines"], **holdout["peers"]}.items()},
            },
            "shrinkage": m["corrected"]["shrinkage"],
            "faithful_persistence": m["faithful"]["baselines"]["persistence"]["rmse"],
            "seeds": m["corrected"]["seeds"],
            "original": ORIGINAL_RMSE[name],
            "site": site_verdicts(load(name)),
        }
    for name in ("signals-1", "signals-2", "signals-3"):
        m = load(name)
        info = json.loads((runs / name / "train_info.json").read_text())
        out[name] = {
            **{
                mode: {
                    "rmse": r["rmse"],
                    "rmse_other_seed": r["rmse_other_seed"],
                    "spread": r["spread"],
                    "constant": r["spread"] < m["constant_spread"],  # a failed model, whatever its RMSE
                }
                for mode, r in m["modes"].items()
            },
            "baselines_rmse": {b: r["rmse"] for b, r in m["baselines"].items()},
            "train_seconds": info["seconds"],
            "site": site_verdicts(m),
        }
    corrected = load("usercount-seq2seq")["modes"]["corrected"]
    users = load("usercount-seq2seq")
    out["usercount-seq2seq"] = {
        "ensemble_mase": corrected["ensemble"]["mase"],
        "mase": corrected["model"]["mase"],
        "snaive_mase": corrected["baselines"]["seasonal naive"]["mase"],
        "best_alternative": min(
            ((k, v["mase"]) for k, v in {**corrected["baselines"], **corrected.get("peers", {})}.items()),
            key=lambda kv: kv[1],
        ),
        "faithful_ensemble_mase": users["modes"]["faithful"]["ensemble"]["mase"],
        "next_hours": (users.get("next_hours") or {}).get("headline"),
        "site": site_verdicts(users),
    }
    return out


# ---------------------------------------------------------------- a paper-profile run made on a GPU machine
def bench_gpu_run(folder: Path) -> dict:
    """Read a `paper` run's outputs (metrics.json, train_info.json, device.txt) copied back from a GPU machine."""
    folder = Path(folder)
    try:
        metrics = json.loads((folder / "metrics.json").read_text())
        info = json.loads((folder / "train_info.json").read_text())
        device = (folder / "device.txt").read_text().strip()
    except (OSError, json.JSONDecodeError) as exc:
        raise SystemExit(f"--gpu-run {folder}: {exc}; it needs metrics.json, train_info.json and device.txt") from None
    head = metrics["results"][metrics["headline_output"]]
    return {
        "experiment": metrics["experiment"],
        "profile": metrics["profile"],
        "device": device,
        "train_seconds": info["seconds"],
        "epochs": info["epochs_run"],
        "steps_per_epoch": info["config"]["steps_per_epoch"],
        "batch_size": info["config"]["batch_size"],
        "sequences": info["sequences_seen_this_session"],
        "parameters": info["parameters"],
        "mse_per_frame": head["model"]["mse_per_frame"],
        "ssim": head["model"]["ssim"],
        "all_black": head["all-black frame"]["mse_per_frame"],
        "copy_last": head["copy last frame"]["mse_per_frame"],
        "test_set": metrics["test_set"],
        "folder": str(folder),
    }


def bench_seed_run(folder: Path) -> dict:
    """Read a mnist-predict run trained with another seed (`frameforecast run mnist-predict --seed S …`, e.g. for
    the step count the quick suite reached): its seed, steps and metrics on its test set."""
    folder = Path(folder)
    try:
        metrics = json.loads((folder / "metrics.json").read_text())
        info = json.loads((folder / "train_info.json").read_text())
        config = json.loads((folder / "config.json").read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise SystemExit(
            f"--seed-run {folder}: {exc}; it needs metrics.json, train_info.json and config.json"
        ) from None
    head = metrics["results"][metrics["headline_output"]]
    return {
        "experiment": metrics["experiment"],
        "profile": metrics["profile"],
        "seed": config["seed"],
        "steps": info["steps"],
        "train_seconds": info["seconds"],
        "mse_per_frame": head["model"]["mse_per_frame"],
        "ssim": head["model"]["ssim"],
        "all_black_ssim": head["all-black frame"]["ssim"],
        "test_set": metrics["test_set"],
        "folder": str(folder),
    }
