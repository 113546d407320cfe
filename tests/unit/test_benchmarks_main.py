"""``python -m benchmarks planning <options>`` hands the options to the planning benchmark
(the form its README documents) instead of reading them as section names."""

from __future__ import annotations

import pytest
from benchmarks import __main__ as entry
from benchmarks import planning


def test_planning_options_are_handed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    got: list[list[str]] = []
    monkeypatch.setattr(planning, "main", lambda argv=None: got.append(list(argv or [])))
    argv = ["planning", "--part", "published", "--budgets", "interactive", "--seeds", "3"]
    assert entry.main(argv) == 0
    assert got == [argv[1:]]


def test_unknown_sections_still_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main(["--part", "published"]) == 2
    assert "unknown section" in capsys.readouterr().err
