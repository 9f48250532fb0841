"""Stages per experiment family: train → evaluate → render, each reading and writing runs/<experiment>/."""

from __future__ import annotations

import json
from pathlib import Path

from frameforecast.errors import UserError


def read_json(path: Path) -> dict:
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path} does not exist; run the stage before it first (train → evaluate → render)")
    try:
        return json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path} is not valid JSON ({exc}); re-run the stage that writes it") from exc
