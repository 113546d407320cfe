"""The heuristic against the exact DP on small random instances (≤ 12 stops, 1–3 days).

``random_problem`` is also the generator of the property tests: a seeded random trip with
time windows per day (some days closed, some with a lunch break), driving caps, overnight
candidates (some motorhome-suitable), coach driver limits tightened so that they bind on a
small map, and must-visit stops.
"""

from __future__ import annotations

import math
import random

import pytest

from tests.builders import random_problem
from tourroute.planning import (
    Day,
    PlanningError,
    Problem,
    Solution,
    Stop,
    check_solution,
    solve,
)
from tourroute.planning.exact import solve_exact

N_INSTANCES = 30


def instance_params(k: int) -> dict[str, object]:
    """The k-th exactness instance: a spread of sizes and features."""
    rng = random.Random(1000 + k)  # noqa: S311
    return {
        "seed": k,
        "n": rng.randint(6, 12),
        "days": rng.randint(1, 3),
        "hotels": rng.choice([0, 0, 2, 3]),
        "coach": k % 4 == 1,
        "motorhome": k % 5 == 2,
        "lunch": k % 3 == 0,
        "must": rng.choice([0, 0, 1, 2]),
        "cap_s": rng.choice([None, None, 2.5 * 3600]),
    }


def _key(problem: Problem, sol: Solution) -> tuple[int, float]:
    musts = {s.id for s in problem.stops if s.must_visit}
    return (len(musts & set(sol.visited())), round(sol.score, 6))


def test_heuristic_reaches_the_optimum_on_most_small_instances() -> None:
    optimal = 0
    tried = 0
    misses = []
    for k in range(N_INSTANCES):
        params = instance_params(k)
        problem = random_problem(**params)  # type: ignore[arg-type]
        try:
            heur = solve(problem, seed=k)
        except PlanningError:
            with pytest.raises(PlanningError):
                solve_exact(problem)
            continue
        exact = solve_exact(problem)
        tried += 1
        assert exact.optimal is True
        assert check_solution(problem, exact) == [], params
        assert check_solution(problem, heur) == [], params
        assert heur.optimal is None
        assert _key(problem, heur) <= _key(problem, exact), ("exact is not optimal", params)
        if _key(problem, heur) == _key(problem, exact):
            optimal += 1
        else:
            misses.append((params, heur.score, exact.score))
    assert tried >= N_INSTANCES - 3  # the generator makes (nearly) only valid trips
    assert optimal >= math.ceil(0.9 * tried), misses


def test_exact_refuses_large_instances() -> None:
    with pytest.raises(PlanningError, match="at most 14"):
        solve_exact(random_problem(1, n=15, days=1))


def test_exact_and_heuristic_agree_on_a_hand_made_case() -> None:
    # a: 10 points but far; b + c: 6 + 6 close together; only one of the two fits.
    t = [
        [0, 0, 3000, 600, 700],
        [0, 0, 3000, 600, 700],
        [3000, 3000, 0, 3000, 3000],
        [600, 600, 3000, 0, 100],
        [700, 700, 3000, 100, 0],
    ]
    p = Problem(
        stops=(Stop("a", 10, 600), Stop("b", 6, 600), Stop("c", 6, 600)),
        days=(Day(0, 6000),),
        travel_s=t,
    )
    exact = solve_exact(p)
    heur = solve(p, seed=3)
    assert exact.score == heur.score == 12
    assert sorted(heur.visited()) == ["b", "c"]
