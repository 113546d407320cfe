"""Plain renderings of a :class:`~tourroute.planning.model.Solution`: text and a JSON dict.

>>> fmt_time(30600.0, clock=True), fmt_time(12.5, clock=False)
('08:30', '12.50')
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from tourroute.planning.model import Problem, Solution

__all__ = ["fmt_time", "format_solution", "solution_to_dict"]


def fmt_time(t: float, *, clock: bool) -> str:
    """``hh:mm`` for seconds of a day, else the plain number (abstract benchmark units).

    Parameters
    ----------
    t
        Seconds from the day's origin, or a time in an instance's own abstract unit.
    clock
        Render as a clock time (rounded to the minute) rather than a number.

    Returns
    -------
    str
        ``"08:30"`` with ``clock``, else the number with two decimals.
    """
    if not clock:
        return f"{t:.2f}"
    m = round(t / 60)
    return f"{m // 60:02d}:{m % 60:02d}"


def solution_to_dict(solution: Solution) -> dict[str, Any]:
    """The solution as plain JSON-ready data.

    Parameters
    ----------
    solution
        A plan.

    Returns
    -------
    dict
        Its fields as nested dicts (``dataclasses.asdict``), days and visits included;
        times in seconds, distances in metres, as in the model.  ``tourroute plan solve
        --json`` prints it.
    """
    return asdict(solution)


def format_solution(problem: Problem, solution: Solution) -> str:
    """A readable day-by-day plan ending with the score line.

    Parameters
    ----------
    problem
        The instance: its name and size head the text, and if every day lasts at least an
        hour, times are shown as clock times (otherwise as plain numbers, for the abstract
        units of benchmark instances).
    solution
        The plan.

    Returns
    -------
    str
        One line per day and per visit, must-visit stops left out with their reasons, and
        a last line ``score: …`` with iterations, seconds and seed.
    """
    clock = all(d.end_s - d.start_s >= 3600 for d in problem.days)

    def t(x: float) -> str:
        return fmt_time(x, clock=clock)

    lines = [
        f"instance: {problem.name or '(unnamed)'}, {problem.n_days} day(s), "
        f"{problem.n_stops} candidate stops"
    ]
    for day in solution.days:
        lines.append(
            f"day {day.day + 1}: {day.start_id} {t(day.departure_s)} → {day.end_id} "
            f"{t(day.arrival_s)}; driving {t(day.driving_s) if clock else f'{day.driving_s:.2f}'}"
            + (f", {day.distance_m / 1000:.1f} km" if day.distance_m is not None else "")
            + f"; score {day.score:g}"
            + (f"; overnight {day.overnight}" if day.overnight else "")
        )
        for v in day.visits:
            wait = f" (wait {t(v.wait_s) if clock else f'{v.wait_s:.2f}'})" if v.wait_s > 0 else ""
            lines.append(
                f"  arrive {t(v.arrival_s)}{wait}, visit {t(v.start_s)}–{t(v.departure_s)}  "
                f"{v.stop_id}  (score {v.score:g})"
            )
    for u in solution.unplaced:
        lines.append(f"must-visit not placed: {u.stop_id}: {u.reason}")
    flags = []
    if solution.timed_out:
        flags.append("time limit reached: best plan found so far")
    if solution.optimal:
        flags.append("optimal")
    lines.append(
        f"score: {solution.score:g}  (iterations {solution.iterations}, "
        f"{solution.elapsed_s:.2f} s, seed {solution.seed}"
        + (f"; {'; '.join(flags)}" if flags else "")
        + ")"
    )
    return "\n".join(lines)
