"""The multi-day itinerary solver (TOPTW with hotel selection): entry point and checks.

:func:`solve` validates the instance, refuses impossible trips with a message (a day too
short for its mandatory drive, a must-visit stop that fits no day even alone, no stop
reachable), runs the search of :mod:`tourroute.planning._search` and turns its days into a
:class:`~tourroute.planning.model.Solution` (timed visits, drives, overnights, and a reason
for every must-visit stop left out).

The search is ruin and recreate under simulated annealing on the insertion machinery of
Vansteenwegen et al. (2009), "Iterated local search for the team orienteering problem with
time windows" (``score² / shift`` insertion with O(1) wait/maxShift checks, vectorised with
numpy), with time-slice and string removals, same-slot replacements, local search on new
best plans (2-opt/or-opt, swaps between days, overnight re-selection, shift-replace, tail
exchanges between days) and — when all days are alike — a route pool recombined by set
packing; see that module for the details.  Its loop runs compiled with Numba
(:mod:`tourroute.planning._kernel`) for every trip without coach driving rules.

Determinism: all choices come from generators seeded by ``seed``, and the default stop is
a budget of counted work (not of time), so a seed gives the same plan on any machine;
``iterations`` sets a fixed number of iterations instead.  ``time_limit_s`` is only a
safety net: if it stops the search the plan is the best found so far and
``Solution.timed_out`` is set (and the result may then depend on machine speed).

>>> from tourroute.planning.model import Day, Problem, Stop
>>> t = [[0, 0, 600, 600], [0, 0, 600, 600], [600, 600, 0, 300], [600, 600, 300, 0]]
>>> p = Problem(
...     stops=(Stop("a", 10, 1800), Stop("b", 4, 1800)), days=(Day(0, 4000),), travel_s=t
... )
>>> sol = solve(p, seed=1)
>>> sol.score, sol.visited()
(10.0, ['a'])
"""

from __future__ import annotations

import time

from tourroute.planning._search import BUDGETS, DEFAULT_BUDGET, SolverOptions

# check_trip, must_misfits and day_plan moved to _toptw, which multiday shares without
# importing this module back (no import cycle); re-exported here where they used to live
from tourroute.planning._toptw import check_trip, must_misfits, solve_trip
from tourroute.planning._toptw import day_plan as day_plan
from tourroute.planning.model import MAX_CANDIDATES, PlanningError, Problem, Solution
from tourroute.planning.multiday import solve_multiday

__all__ = [
    "BUDGETS",
    "DEFAULT_BUDGET",
    "SolverOptions",
    "check_trip",
    "must_misfits",
    "solve",
    "warm_up",
]

# The wall-clock safety net per budget when none is given: several times what the budget
# takes on the reference machine, so that only a badly overloaded machine hits it.
SAFETY_NET_S = {"interactive": 30.0, "thorough": 300.0}


def solve(
    problem: Problem,
    *,
    seed: int = 0,
    iterations: int | None = None,
    budget: str = DEFAULT_BUDGET,
    time_limit_s: float | None = None,
    max_candidates: int | None = MAX_CANDIDATES,
    options: SolverOptions | None = None,
) -> Solution:
    """Plan the trip: maximise the total score of visited stops under all constraints.

    Parameters
    ----------
    problem
        The instance.
    seed
        Seed of the search's ``random.Random``; the same seed gives the same plan.
    iterations
        Search iterations (default: a budget of counted work instead, the same for every
        instance from 150 stop-days on and proportionally less below, about 1.5 s of the
        reference machine; see :func:`tourroute.planning._search.default_work`).
    budget
        The named effort level of that default budget: ``"interactive"`` (≈ 2 s at
        full size on the reference machine) or ``"thorough"`` (twelve times the work); see
        :data:`BUDGETS`.  Counted work, so still the same plan on any machine.
    time_limit_s
        Safety net on wall-clock time (default by budget: 30 s, 300 s); hitting it sets
        ``timed_out``.
    max_candidates
        Refuse more candidate stops than this (``None``: no limit).
    options
        Further knobs (overrides ``iterations`` and ``time_limit_s`` when given).

    Returns
    -------
    Solution
        The best plan found, with a reason for every must-visit stop left out.

    Raises
    ------
    PlanningError
        Malformed input, an unknown budget, an impossible trip (a day too short to reach
        tonight's place), a must-visit stop that cannot be visited on any day even alone.
    """
    t0 = time.perf_counter()
    if options is None:
        if budget not in BUDGETS:
            raise PlanningError(f"unknown budget {budget!r}: use one of {', '.join(BUDGETS)}")
        net = SAFETY_NET_S[budget] if time_limit_s is None else time_limit_s
        options = SolverOptions(iterations=iterations, budget=budget, time_limit_s=net)
    opts = options
    problem.validate(max_candidates)
    if any(s.nights for s in problem.stops):
        return solve_multiday(problem, seed=seed, options=opts, started=t0)
    return solve_trip(problem, seed=seed, options=opts, started=t0)


def warm_up() -> float:
    """Load the search's compiled loop (:mod:`tourroute.planning._kernel`) by solving a small
    generated instance, so that the first real request does not pay for it: ~0.5 s from
    Numba's on-disk cache, ~15 s the first time on a machine (it compiles then).  Returns
    the seconds it took."""
    from tourroute.planning.generator import generate  # only needed here

    started = time.perf_counter()
    solve(generate(20, 2, seed=0).problem, seed=0, iterations=3)
    return time.perf_counter() - started
