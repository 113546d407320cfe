"""The composer's travel times: the whole day matrices it hands the planner are exactly its
pairwise answers (corridor days, nights bound to a place), and the planner uses them."""

from __future__ import annotations

import random

import numpy as np

from tourroute.itineraries.composer import UNREACHABLE_S, _travel
from tourroute.planning import Day, Overnight, Problem, Stop, check_solution, solve
from tourroute.planning._core import Compiled


def _matrix(n: int, seed: int) -> list[list[float]]:
    rng = random.Random(seed)  # noqa: S311 (test data)
    return [[0.0 if i == j else rng.uniform(600, 5400) for j in range(n)] for i in range(n)]


def test_day_matrices_equal_the_pairwise_travel_times() -> None:
    n, first_night = 9, 6  # start, end, 4 stops, 3 overnight places
    matrices = {None: _matrix(n, 1), "hcm-road": _matrix(n, 2)}
    travel = _travel(matrices, [None, "hcm-road", None], {1: {2}}, first_night)
    for d in range(3):
        whole = travel.day_matrix(d)  # type: ignore[attr-defined]  # set on the travel function
        expected = [[travel(i, j, d) for j in range(n)] for i in range(n)]
        assert np.array_equal(whole, np.array(expected))
    assert (travel.day_matrix(1)[:, first_night : first_night + 2] == UNREACHABLE_S).all()  # type: ignore[attr-defined]  # as above
    assert travel.day_matrix(0) is travel.day_matrix(2)  # type: ignore[attr-defined]  # as above


def test_the_planner_compiles_them_without_pairwise_calls() -> None:
    n = 2 + 4 + 2
    travel = _travel({None: _matrix(n, 3)}, [None, None], {}, 6)
    problem = Problem(
        stops=tuple(Stop(f"s{i}", 5.0 + i, 1800.0) for i in range(4)),
        days=(Day(8 * 3600.0, 18 * 3600.0), Day(8 * 3600.0, 18 * 3600.0)),
        travel_s=travel,
        overnights=(Overnight("h0"), Overnight("h1")),
    )
    compiled = Compiled(problem)
    assert compiled.T[0] is compiled.T[1]  # one array for days alike, one list copy
    assert compiled.TL[0] is compiled.TL[1]
    solution = solve(problem, seed=0, iterations=50)
    assert check_solution(problem, solution) == []
    assert solution.score > 0
