"""Named search budgets: each is counted work, so a seed gives the same plan under it; every
plan passes the independent checker; bad names are refused (library, CLI, API schema)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from tourroute.cli import build_parser
from tourroute.cli import main as cli_main
from tourroute.planning import (
    BUDGETS,
    DEFAULT_BUDGET,
    PlanningError,
    Solution,
    SolverOptions,
    check_solution,
    read_toptw,
    solve,
    write_json,
)
from tourroute.planning._core import Compiled
from tourroute.planning._search import compiled_reset_for, default_work
from tourroute.planning.generator import generate

TOPTW = Path(__file__).resolve().parents[1] / "toptw"


def _plan(sol: Solution) -> list[list[str]]:
    return [[v.stop_id for v in d.visits] for d in sol.days]


def test_same_seed_same_plan_and_feasible_under_each_budget() -> None:
    # small, so that the thorough budget (twelve times the work) stays a few seconds
    problem = generate(8, tours=2, kind="mixed", windows="tight", seed=5).problem
    plans = {}
    for budget in BUDGETS:
        first = solve(problem, seed=3, budget=budget)
        again = solve(problem, seed=3, budget=budget)
        assert not first.timed_out
        assert _plan(first) == _plan(again)
        assert first.score == again.score > 0
        assert check_solution(problem, first) == []
        plans[budget] = first
    assert DEFAULT_BUDGET == "interactive"
    # the thorough budget is really twelve times the counted work: many more iterations
    assert plans["thorough"].iterations > 3 * plans["interactive"].iterations


def test_unknown_budget_is_refused() -> None:
    problem = generate(10, tours=1, seed=0).problem
    with pytest.raises(PlanningError, match="unknown budget 'forever'"):
        solve(problem, budget="forever")
    with pytest.raises(PlanningError, match="interactive, thorough"):
        SolverOptions(budget="slow")


def test_cli_budget_choices_match_the_planner(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = build_parser()
    plan = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[
        "plan"
    ]
    solve_parser = next(
        a for a in plan._actions if isinstance(a, argparse._SubParsersAction)
    ).choices["solve"]
    budget = next(a for a in solve_parser._actions if a.dest == "budget")
    assert tuple(budget.choices or ()) == tuple(BUDGETS)
    assert budget.default == DEFAULT_BUDGET

    path = tmp_path / "pr01.json"
    write_json(read_toptw(TOPTW / "pr01.txt", 1), path)
    with pytest.raises(SystemExit) as exc:
        cli_main(["plan", "solve", str(path), "--budget", "forever"])
    assert exc.value.code == 2
    assert "invalid choice: 'forever'" in capsys.readouterr().err


def test_the_compiled_loop_resets_later_under_larger_budgets() -> None:
    """The idle stretch before going back to the best plan is the option's value at the
    interactive budget (and below), × √(budget ratio) above it (thorough: 12× the work,
    ≈ 3.5× the idle stretch)."""
    c = Compiled(generate(40, tours=2, kind="random", windows="loose", seed=1).problem)
    interactive = default_work(c, "interactive")
    assert compiled_reset_for(1500, interactive, c) == 1500
    assert compiled_reset_for(1500, interactive / 4, c) == 1500
    thorough = default_work(c, "thorough")
    assert thorough == pytest.approx(BUDGETS["thorough"] * interactive)
    assert compiled_reset_for(1500, thorough, c) == round(1500 * BUDGETS["thorough"] ** 0.5)
    assert compiled_reset_for(1500, 4 * interactive, c) == 3000
