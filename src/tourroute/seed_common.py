"""What every step of ``tourroute seed load`` shares when reading ``seed/``: the problems
it reports (:class:`SeedProblem`, :class:`SeedError`) and NFC normalisation of the parsed
files (:func:`nfc`).

Imported by the loader (:mod:`tourroute.seed`) and by the domain packages' own seed steps
(``network/seed.py``, ``tours/seed.py``); it imports no domain package itself.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

__all__ = ["SeedError", "SeedProblem", "nfc"]


@dataclass(frozen=True)
class SeedProblem:
    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: record {self.record}: field '{self.field}': {self.message}"


class SeedError(Exception):
    def __init__(self, problems: list[SeedProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(
            f"seed rejected, nothing written ({len(problems)} problems):\n{lines}{more}"
        )


def nfc(value: Any) -> Any:
    """NFC-normalise every string in a parsed YAML/JSON value (seed text may be NFD)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: nfc(v) for k, v in value.items()}
    return value
