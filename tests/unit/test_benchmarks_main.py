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


def test_runs_in_worker_processes_score_as_in_this_one(capsys: pytest.CaptureFixture[str]) -> None:
    """``--jobs 2`` hands the solves to two processes: the same scores, in the same order,
    as one by one here (the counted budget, not time, stops each solve)."""
    from tourroute.planning.generator import generate

    insts = [("g25", 2, generate(25, 2, seed=3)), ("g30", 1, generate(30, 1, seed=4))]
    here = planning._run_set(insts, ["interactive"], 2, "test")
    there = planning._run_set(insts, ["interactive"], 2, "test", jobs=2)
    scores = [[x[0] for x in r.runs["interactive"]] for r in here]
    assert scores == [[x[0] for x in r.runs["interactive"]] for r in there]
    assert [r.name for r in there] == ["g25", "g30"]
    assert "2 runs at a time" in capsys.readouterr().out
