"""The seed as plain records, read straight from the YAML: an oracle independent of the API."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

SEED_DIR = Path(__file__).resolve().parents[1] / "seed"


@cache
def seed_sites() -> tuple[dict[str, Any], ...]:
    records = []
    for path in sorted((SEED_DIR / "sites").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rec in doc["sites"]:
            records.append({"province": doc["province"], **rec})
    return tuple(records)


def published() -> list[dict[str, Any]]:
    return [r for r in seed_sites() if r["status"] == "published"]
