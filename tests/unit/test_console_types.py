"""Drift guard: the web console's API types are generated from the API's OpenAPI document.

``make console-types`` dumps the document into ``src/web/src/api/openapi.json`` and
generates ``schema.d.ts`` from it (openapi-typescript); both are committed, so building the
console needs no Python. When the API changes, these tests fail until the types are
regenerated and committed along with the change: that is their point.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tourroute.app import create_app

REPO = Path(__file__).resolve().parents[2]
API_TYPES = REPO / "src" / "web" / "src" / "api"
DOCUMENT = API_TYPES / "openapi.json"
SCHEMA_TS = API_TYPES / "schema.d.ts"
STALE = "the console's API types are stale: run `make console-types`"


def _dump(document: dict[str, Any]) -> str:
    """The document exactly as the Makefile's console-types target writes it (print adds \\n)."""
    return json.dumps(document, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def _differences(committed: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Which paths and schemas differ, so the failure says where the API changed."""
    out = []
    for section, old, new in (
        ("path", committed.get("paths", {}), current.get("paths", {})),
        (
            "schema",
            committed.get("components", {}).get("schemas", {}),
            current.get("components", {}).get("schemas", {}),
        ),
    ):
        out += [f"new {section} {k}" for k in sorted(new.keys() - old.keys())]
        out += [f"removed {section} {k}" for k in sorted(old.keys() - new.keys())]
        out += [
            f"changed {section} {k}" for k in sorted(old.keys() & new.keys()) if old[k] != new[k]
        ]
    rest = {k for k in committed.keys() | current.keys() if committed.get(k) != current.get(k)}
    out += [f"changed {k}" for k in sorted(rest - {"paths", "components"})]
    return out


@pytest.fixture(scope="module")
def committed_text() -> str:
    if not DOCUMENT.is_file():
        pytest.fail(f"{STALE} (no {DOCUMENT.relative_to(REPO)})", pytrace=False)
    return DOCUMENT.read_text(encoding="utf-8")


def test_committed_openapi_document_is_the_apps(committed_text: str) -> None:
    current = create_app().openapi()
    if committed_text == _dump(current):
        return
    try:
        changes = _differences(json.loads(committed_text), current) or ["formatting only"]
    except json.JSONDecodeError as err:
        changes = [f"the committed file is not JSON ({err})"]
    shown = "\n  ".join(changes[:20]) + ("\n  …" if len(changes) > 20 else "")
    pytest.fail(f"{STALE}\n  {shown}", pytrace=False)


def test_generated_types_follow_the_committed_document(committed_text: str) -> None:
    """schema.d.ts was regenerated after the last dump: it names every path and schema."""
    if not SCHEMA_TS.is_file():
        pytest.fail(f"{STALE} (no {SCHEMA_TS.relative_to(REPO)})", pytrace=False)
    generated = SCHEMA_TS.read_text(encoding="utf-8")
    document = json.loads(committed_text)
    missing = [p for p in document.get("paths", {}) if f'"{p}": {{' not in generated]
    missing += [
        name
        for name in document.get("components", {}).get("schemas", {})
        if not re.search(rf'^\s+"?{re.escape(name)}"?: ', generated, re.MULTILINE)
    ]
    if missing:
        pytest.fail(f"{STALE}\n  not in schema.d.ts: {', '.join(missing[:20])}", pytrace=False)
