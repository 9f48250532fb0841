"""What a video experiment's page and card show: a table per output (model, baselines), the verdict, the
published numbers with where they were measured."""

from __future__ import annotations

from frameforecast import video_tasks
from frameforecast.report.tables import fmt, row, verdict, verdict_detail

VIDEO_COLUMNS = [
    ("mse_per_frame", "MSE / frame ↓"),
    ("mae_per_frame", "MAE / frame ↓"),
    ("ssim", "SSIM ↑"),
    ("psnr", "PSNR dB ↑"),
    ("bce_nats_per_frame", "BCE nats / frame ↓"),
]
BCE_NOTE = (
    "BCE ∞: some predicted pixel is exactly 0 or 1 where the target disagrees (an all-black or copied frame "
    "does this), so the cross-entropy is infinite; no epsilon is added to hide it. A perfect prediction of "
    "these grayscale targets would still score {floor} nats/frame: their own entropy."
)


class Video:
    @staticmethod
    def headline(metrics: dict) -> dict:
        res = metrics["results"][metrics["headline_output"]]
        baselines = {k: v for k, v in res.items() if k != "model"}
        if video_tasks.get(metrics["task"]).binary:
            key, label, better = "binary_accuracy", "binary pixel accuracy", max
        else:
            key, label, better = "mse_per_frame", "MSE per frame", min
        beats, note, winners = verdict_detail(res["model"], baselines, _columns(metrics))
        # the alternative named beside the model is one that beats it when the verdict is red (not one it beats)
        best = winners[0] if winners else better(baselines, key=lambda n: baselines[n][key])
        model = res["model"][key]
        return {
            "label": f"{label} ({metrics['headline_output']}, {metrics['test_set']['name']} test set)",
            "model": model,
            "baseline": best,
            "baseline_value": baselines[best][key],
            "beats": beats,
            "verdict_note": note,
            "extra": f"SSIM {fmt(res['model']['ssim'])}",
        }

    @staticmethod
    def page(card: dict, metrics: dict) -> dict:
        return {
            "tables": _video_tables(metrics),
            "published": _published_video(card, metrics),
            "browser": _browser(metrics),
        }


def _browser(metrics: dict) -> dict | None:
    """The sequence browser's data: per browsed test sequence, its sprite and each method's MSE/frame (the
    mean over frames of its squared error per frame) and the per-frame values."""
    browse = metrics.get("browse")
    if not browse or not browse["sequences"]:
        return None
    by_frame = browse["mse_by_frame"]
    sequences = [
        {
            "index": i,
            "sprite": f"browse/seq-{i:03d}.png",
            "mse": {name: sum(rows[i]) / len(rows[i]) for name, rows in by_frame.items()},
            "by_frame": {name: rows[i] for name, rows in by_frame.items()},
        }
        for i in range(browse["sequences"])
    ]
    return {"output": browse["output"], "methods": list(by_frame), "sequences": sequences}


def _columns(metrics: dict) -> list:
    extra = [("binary_accuracy", "binary pixel accuracy ↑")] if video_tasks.get(metrics["task"]).binary else []
    return VIDEO_COLUMNS + extra


def _video_tables(metrics: dict) -> list[dict]:
    tables = []
    columns = _columns(metrics)
    test = metrics["test_set"]
    for output, res in metrics["results"].items():
        beats, note = verdict(res["model"], {k: v for k, v in res.items() if k != "model"}, columns)
        rows = [row("model", "model" if beats else "model loses", res["model"], columns, note)]
        rows += [row(name, "baseline", scores, columns) for name, scores in res.items() if name != "model"]
        caption = test["origin"]
        flow = res.get("optical flow", {}).get("mse_per_frame")
        if not video_tasks.get(metrics["task"]).binary and flow is not None and flow < res["model"]["mse_per_frame"]:
            caption += (
                f". Optical flow beats the model here ({fmt(flow)} against {fmt(res['model']['mse_per_frame'])}"
                " MSE/frame): it has learned less than constant-velocity motion"
            )
        if "bce_floor_nats_per_frame" in res["model"]:
            caption += ". " + BCE_NOTE.format(floor=fmt(res["model"]["bce_floor_nats_per_frame"]))
        tables.append(
            {
                "title": f"{output}: {test['name']} test set, {test['size']} sequences",
                "caption": caption,
                "columns": [c for _, c in columns],
                "rows": rows,
            }
        )
    if "shipped_checkpoint" in metrics:
        tables.append(_shipped_table(metrics, columns))
    if "training_data_results" in metrics:
        tr = metrics["training_data_results"]
        cols = [
            ("binary_accuracy", "binary pixel accuracy"),
            ("mse_per_frame", "MSE / frame"),
            ("bce_nats_per_frame", "BCE nats / frame"),
        ]
        tables.append(
            {
                "title": f"the original's protocol: scored on {tr['sequences']} of its own training sequences",
                "caption": "This is how the original got its 95 % 'accuracy': the all-black frame scores "
                "almost the same.",
                "columns": [c for _, c in cols],
                "rows": [
                    row("model", "model", tr["model"], cols),
                    row("all-black frame", "baseline", tr["all-black frame"], cols),
                ],
            }
        )
    return tables


def _shipped_table(metrics: dict, columns: list) -> dict:
    """The checkpoint that ships with the project, scored by this run on its test set, beside the model trained
    on the reader's machine."""
    ship, out, test = metrics["shipped_checkpoint"], metrics["headline_output"], metrics["test_set"]
    card = ship["card"]
    return {
        "title": f"the shipped checkpoint beside the model trained here ({out}, the same {test['size']} sequences)",
        "caption": (
            f"The checkpoint in src/frameforecast/checkpoints/ trained {card['minutes']:.0f} min ({card['steps']} "
            f"steps) on {card['device']}, commit {card['commit'][:10]}: {card['command']}. This run scored it "
            "again; no number here is copied from its card."
        ),
        "columns": [c for _, c in columns],
        "terms": ["shipped checkpoint"],
        "rows": [
            row("model trained on this machine", "model", metrics["results"][out]["model"], columns),
            row(f"shipped checkpoint ({card['minutes']:.0f} min)", "shipped", ship["results"][out], columns),
        ],
    }


def _published_video(card: dict, metrics: dict) -> dict:
    standard = metrics["test_set"]["name"] == "standard"
    return {
        "comparable": standard,
        "rows": card["published"],
        "note": (
            "Our numbers above are on the standard file, as these are."
            if standard
            else "Our numbers above come from a generated test set, not the standard file: they are not in "
            "the same column as these and are not directly comparable."
        ),
    }
