"""Table cells and rows as the site shows them: numbers formatted, ∞ where a metric is unbounded."""

from __future__ import annotations

import math


def fmt(value, digits: int = 3) -> str:
    """Numbers for tables: 3 significant decimals for small values, 1 decimal for large ones."""
    if value is None:
        return "—"
    if isinstance(value, dict) and "mean" in value:
        return f"{fmt(value['mean'], digits)} ± {fmt(value['sd'], digits)}"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):  # counts (parameters, epochs, steps) are whole numbers
        return f"{value:,}"
    if abs(value) >= 100:
        return f"{value:.1f}"
    if abs(value) >= 10:
        return f"{value:.2f}"
    return f"{value:.{digits}f}"


UNBOUNDED = {"bce_nats_per_frame"}  # a None here means infinite, not unknown (metrics.bce_nats_per_frame)


def cell(scores: dict, key: str) -> str:
    if key in UNBOUNDED and key in scores and scores[key] is None:
        return "∞"
    return fmt(scores.get(key))


def row(label: str, kind: str, scores: dict, columns, note: str = "") -> dict:
    values = [scores.get(k) for k, _ in columns]
    return {
        "label": label,
        "kind": kind,
        "cells": [cell(scores, k) for k, _ in columns],
        "values": values,
        "note": note,
    }


def _decimals(largest: float) -> int:
    return 1 if largest >= 100 else 2 if largest >= 10 else 3


def one_precision_per_column(table: dict) -> dict:
    """The table with every column's numbers at one precision, set by the column's largest value (fmt's rule),
    so that "0.000 – 40.30" cannot happen; counts, text and ∞ are left as they are."""
    rows = table["rows"]
    if not rows or not all("values" in r for r in rows):
        return table

    def number(v):
        return isinstance(v, float) and math.isfinite(v)

    for j in range(len(table["columns"])):
        column = [r["values"][j] for r in rows]
        numbers = [abs(v) for v in column if number(v)]
        numbers += [abs(v["mean"]) for v in column if isinstance(v, dict) and number(v.get("mean"))]
        if not numbers:
            continue
        d = _decimals(max(numbers))
        for r, v in zip(rows, column, strict=True):
            if number(v):
                r["cells"][j] = f"{v:.{d}f}"
            elif isinstance(v, dict) and number(v.get("mean")) and number(v.get("sd")):
                r["cells"][j] = f"{v['mean']:.{d}f} ± {v['sd']:.{d}f}"
    return table


def higher_is_better(label: str) -> bool:
    """Column labels carry their direction: "SSIM ↑", "RMSE ↓"."""
    return label.rstrip().endswith("↑")


def _value(scores: dict, key: str) -> float | None:
    """A metric as a number: an unbounded metric's None is +∞; any other None is unknown."""
    if key in UNBOUNDED and key in scores and scores[key] is None:
        return math.inf
    return scores.get(key)


EXACT = 1e-6  # an alternative whose error is below this fraction of the model's is exact: no percentage of it
NEAR_ZERO = 0.01  # a ratio only of a reference well away from zero (at least 1 % of the model's value)


def verdict(model: dict, alternatives: dict, columns) -> tuple[bool, str]:
    """Green only when the model beats the best alternative on every metric shown; otherwise, for each metric it
    loses on, which alternative beats it and by how much. An unknown value ("—") is not compared; an unbounded
    one (∞ cross-entropy) never wins."""
    beats, note, _ = verdict_detail(model, alternatives, columns)
    return beats, note


def verdict_detail(model: dict, alternatives: dict, columns) -> tuple[bool, str, list[str]]:
    """verdict's (green, note) and the alternatives that beat or tie the model, in the note's order: the
    "best alternative" a card names is one of these when it is red."""
    losses, ties, winners = [], [], []
    for key, label in columns:
        up = higher_is_better(label)
        known = {n: v for n, v in ((n, _value(s, key)) for n, s in alternatives.items()) if v is not None}
        ours = _value(model, key)
        if not known or ours is None:
            continue
        best = (max if up else min)(known, key=known.get)
        gap = known[best] - ours if up else ours - known[best]
        if (gap == 0 and math.isfinite(ours)) or gap > 0 or (math.isinf(ours) and ours == known[best]):
            winners.append(best)
        if gap == 0 and math.isfinite(ours):
            ties.append(f"{label.rstrip(' ↑↓')} {cell(model, key)}, equal to {best}'s")
        elif gap > 0 or (math.isinf(ours) and ours == known[best]):
            how = f"+{fmt(gap)}" if math.isfinite(gap) else "∞"
            reference = abs(known[best])
            scale = max(abs(ours), abs(gap))
            if math.isfinite(gap) and reference <= EXACT * scale:
                how += f"; {best} is exact here, up to rounding"  # a percentage of ~0 means nothing
            elif math.isfinite(gap) and reference < NEAR_ZERO * scale:
                how += f"; {best} is near zero here, so no ratio"
            elif math.isfinite(gap):
                how += f", {gap / reference:.1%} worse"
            losses.append(
                f"{label.rstrip(' ↑↓')} {cell(model, key)} against {best}'s {cell(alternatives[best], key)} ({how})"
            )
    winners = list(dict.fromkeys(winners))
    if losses:
        return False, "loses on " + "; ".join(losses + ties), winners
    if ties:
        return False, "ties on " + "; ".join(ties), winners
    return True, "beats every alternative on every metric shown", []


def as_csv(table: dict) -> str:
    """A site table as CSV: one row per table row, the cells exactly as the page shows them."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "kind", *table["columns"], "note"])
    for r in table["rows"]:
        writer.writerow([r["label"], r["kind"], *r["cells"], r["note"]])
    return out.getvalue()


def as_json(table: dict) -> dict:
    """A site table as JSON: its title, caption, columns and rows (cells as shown)."""
    return {k: table[k] for k in ("title", "caption", "columns")} | {
        "rows": [
            {"row": r["label"], "kind": r["kind"], **dict(zip(table["columns"], r["cells"])), "note": r["note"]}
            for r in table["rows"]
        ]
    }
