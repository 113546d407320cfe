"""Opening hours on actual dates → the planner's per-day time windows.

The planner counts seconds from each day's local midnight; sites publish OpenStreetMap
``opening_hours`` (parsed by ``opening-hours-py``, which knows weekdays, public-holiday
rules it can evaluate, seasons and "off" days).  A visit must fit inside one open interval.
Unknown hours (no value) mean open all day: we would rather propose a visit than hide a
site whose hours nobody recorded; the response flags such stops.

>>> from datetime import date
>>> windows("Mo-Fr 08:00-11:30,13:30-17:00; Sa 08:00-12:00", [date(2026, 12, 4), date(2026, 12, 6)])
(((28800.0, 41400.0), (48600.0, 61200.0)), ())
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from opening_hours import OpeningHours, State

__all__ = ["windows"]

Window = tuple[float, float]


def windows(spec: str | None, dates: Sequence[date]) -> tuple[tuple[Window, ...], ...] | None:
    """Open intervals of each date as seconds from local midnight; ``None`` = always open."""
    if not spec:
        return None
    hours = OpeningHours(spec)
    out: list[tuple[Window, ...]] = []
    for day in dates:
        midnight = datetime.combine(day, time())
        found: list[Window] = []
        for start, end, state, _comment in hours.intervals(midnight, midnight + timedelta(days=1)):
            if state != State.OPEN:
                continue
            a = (start - midnight).total_seconds()
            b = ((end or midnight + timedelta(days=1)) - midnight).total_seconds()
            if found and abs(found[-1][1] - a) < 1e-9:  # touching intervals: one window
                found[-1] = (found[-1][0], b)
            else:
                found.append((a, b))
        out.append(tuple(found))
    return tuple(out)
