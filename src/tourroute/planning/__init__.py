"""Pure itinerary planner: the Tourist Trip Design Problem (multi-day TOPTW + hotels).

Imports neither FastAPI nor SQLAlchemy.  :mod:`~tourroute.planning.model` holds the problem
and solution dataclasses, :mod:`~tourroute.planning.solver` the iterated local search,
:mod:`~tourroute.planning.feasibility` an independent checker,
:mod:`~tourroute.planning.exact` an exact reference for small instances and
:mod:`~tourroute.planning.instances` the JSON instance format and the classic TOPTW reader
(format documented there and in ``README.md`` beside this file).
"""

from tourroute.planning.feasibility import check_solution
from tourroute.planning.instances import Instance, read_json, read_toptw, write_json
from tourroute.planning.model import (
    COACH_RULES,
    MAX_CANDIDATES,
    MAX_DAYS,
    Day,
    DayPlan,
    DriverRules,
    Overnight,
    PlanningError,
    Problem,
    Solution,
    Stop,
    Unplaced,
    Visit,
)
from tourroute.planning.solver import BUDGETS, DEFAULT_BUDGET, SolverOptions, solve, warm_up

__all__ = [
    "BUDGETS",
    "COACH_RULES",
    "DEFAULT_BUDGET",
    "MAX_CANDIDATES",
    "MAX_DAYS",
    "Day",
    "DayPlan",
    "DriverRules",
    "Instance",
    "Overnight",
    "PlanningError",
    "Problem",
    "Solution",
    "SolverOptions",
    "Stop",
    "Unplaced",
    "Visit",
    "check_solution",
    "read_json",
    "read_toptw",
    "solve",
    "warm_up",
    "write_json",
]
