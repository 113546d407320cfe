"""Problem and solution model of the itinerary planner (pure dataclasses, no I/O).

Nodes
-----
Travel times are looked up by *node index*, always in this order::

    0 = start, 1 = end, 2 .. 2+n-1 = the n candidate stops, then the overnight candidates

A loop trip simply gives the end the start's location (a zero-time start↔end pair).
``Problem.travel_s`` is either a square matrix of seconds (the same every day) or a callable
``travel(i, j, day) -> seconds``; ``Problem.distance_m`` (optional) likewise, for reporting.
The solver only ever sees these two, so it runs on any instance.

Time
----
Times are seconds from the origin of *each day* (e.g. local midnight): day ``d`` runs from
``days[d].start_s`` (leave the start or last night's place) to ``days[d].end_s`` (arrive at
the end or tonight's place).  A stop's time windows are given per day index; a visit must
lie wholly inside one window, ``open_s <= start and start + service_s <= close_s`` (opening
hours).  ``windows=None`` means open all day every day; an empty tuple for a day means
closed that day.  Service starts as early as possible: arrive, wait for the window if
early, visit, leave.

Driver limits
-------------
Vietnam's Law on Road Traffic Order and Safety, Law No. 36/2024/QH15 (in force 1 Jan 2025),
Art. 64 on the working time of drivers of commercial and internal transport: at most
10 hours of driving per day, at most 4 hours of continuous driving, at most 48 hours per
week (it replaced Art. 65 of the 2008 Road Traffic Law, which had the same 10 h / 4 h).
The Traffic Police Department's guidance (January 2025) is that a rest of about 15 minutes
ends a continuous stretch.  :data:`COACH_RULES` models that: continuous driving is reset at
the start of each day, at the overnight place and by a visit whose service lasts at least
``min_break_s`` (15 min).  Waiting for a site to open is not counted as a break — a
conservative simplification: the plan stays legal either way.  The planner does not add
roadside rests: a coach leg longer than 4 h is not usable.

>>> p = Problem(
...     stops=(Stop("a", score=5, service_s=600),),
...     days=(Day(0, 3600),),
...     travel_s=[[0, 0, 60], [0, 0, 60], [60, 60, 0]],
... )
>>> p.n_stops, p.n_days, p.node_of_stop(0), p.travel(0, 2, 0)
(1, 1, 2, 60.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tourroute.i18n import Localized, Message

__all__ = [
    "COACH_RULES",
    "DAY_S",
    "EPS",
    "MAX_CANDIDATES",
    "MAX_DAYS",
    "Day",
    "DayPlan",
    "DriverRules",
    "Overnight",
    "PlanningError",
    "Problem",
    "Solution",
    "Stop",
    "TravelFn",
    "Unplaced",
    "Visit",
    "Window",
]

EPS = 1e-6  # tolerance on every time comparison (seconds), the same in solver and checker
DAY_S = 86_400.0  # one day's origin to the next (multi-day visits assume local midnights)
MAX_DAYS = 14
MAX_CANDIDATES = 300  # product limit (a 14-day trip: ~300 sites); benchmarks lift it

Window = tuple[float, float]
TravelFn = Callable[[int, int, int], float]
Matrix = Sequence[Sequence[float]]


class PlanningError(ValueError):
    """An instance the planner refuses, with a message that says which input and why.

    Refusals a user of the API can meet carry a catalogue message (``message``), so the
    422 is in the user's language; the rest (instance files, internal checks) plain English.
    """

    def __init__(self, message: str | Message) -> None:
        super().__init__(message)
        self.message: Localized | None = None if isinstance(message, str) else message


@dataclass(frozen=True)
class DriverRules:
    """Legal limits on the driver (see the module docstring for the source)."""

    max_daily_driving_s: float = 10 * 3600
    max_continuous_driving_s: float = 4 * 3600
    min_break_s: float = 15 * 60
    max_weekly_driving_s: float | None = 48 * 3600


COACH_RULES = DriverRules()


@dataclass(frozen=True)
class Day:
    """One day's time window (seconds from that day's origin) and optional driving cap."""

    start_s: float
    end_s: float
    max_driving_s: float | None = None


@dataclass(frozen=True)
class Stop:
    """A candidate visit.

    ``windows[d]`` lists the (open_s, close_s) windows of day ``d``, sorted; ``()`` =
    closed that day; ``windows=None`` = always open.

    ``nights > 0`` makes it a *multi-day visit* (a trek with camp nights, a retreat): the
    visit starts on some day ``k`` inside one of that day's windows, it is that day's last
    visit, the nights ``k .. k+nights-1`` are spent at the stop, and day ``k+nights``
    leaves the stop when the visit ends, at ``start + service_s - nights * DAY_S`` on that
    day's clock (or at the day's start if later).  Multi-day stops must be must-visit stops.
    """

    id: str
    score: float
    service_s: float = 0.0
    windows: tuple[tuple[Window, ...], ...] | None = None
    must_visit: bool = False
    name: str = ""
    nights: int = 0

    def windows_on(self, day: int) -> tuple[Window, ...] | None:
        """The windows of ``day`` (``None``: open all day).

        Parameters
        ----------
        day
            A day index of the trip (0 = the first day).

        Returns
        -------
        tuple of (float, float) or None
            The sorted ``(open_s, close_s)`` windows in seconds from that day's origin;
            ``()`` when closed that day; ``None`` when the stop is always open.
        """
        return None if self.windows is None else self.windows[day]


@dataclass(frozen=True)
class Overnight:
    """A place to spend a night (hotel, homestay, campsite)."""

    id: str
    motorhome_ok: bool = False
    name: str = ""


def _finite(x: float) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)


@dataclass(frozen=True)
class Problem:
    """A multi-day itinerary problem (see the module docstring for nodes and time).

    Without overnight candidates every day runs from ``start`` to ``end`` (a base-camp
    trip; with a loop this is the classic TOPTW).  With them, day ``k < last`` ends at an
    overnight place and day ``k+1`` starts there; the last day ends at ``end``.
    """

    stops: tuple[Stop, ...]
    days: tuple[Day, ...]
    travel_s: Matrix | TravelFn
    distance_m: Matrix | TravelFn | None = None
    overnights: tuple[Overnight, ...] = ()
    start_id: str = "start"
    end_id: str = "end"
    max_daily_driving_s: float | None = None
    driver_rules: DriverRules | None = None
    motorhome: bool = False
    name: str = ""
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stops", tuple(self.stops))
        object.__setattr__(self, "days", tuple(self.days))
        object.__setattr__(self, "overnights", tuple(self.overnights))
        self._index.update({s.id: i for i, s in enumerate(self.stops)})

    # -- shape ----------------------------------------------------------------------------
    @property
    def n_stops(self) -> int:
        """The number of candidate stops."""
        return len(self.stops)

    @property
    def n_days(self) -> int:
        """The number of days of the trip."""
        return len(self.days)

    @property
    def n_nodes(self) -> int:
        """The number of travel nodes: start, end, the stops and the overnight places."""
        return 2 + len(self.stops) + len(self.overnights)

    def node_of_stop(self, i: int) -> int:
        """The travel node of stop ``i``.

        Parameters
        ----------
        i
            An index into :attr:`stops`.

        Returns
        -------
        int
            ``2 + i``: the row and column of the stop in the travel matrices.
        """
        return 2 + i

    def node_of_overnight(self, k: int) -> int:
        """The travel node of overnight place ``k``.

        Parameters
        ----------
        k
            An index into :attr:`overnights`.

        Returns
        -------
        int
            ``2 + n_stops + k``: the overnight places come after the stops.
        """
        return 2 + len(self.stops) + k

    def stop_index(self, stop_id: str) -> int:
        """Index of a stop by id (``KeyError`` if unknown).

        Parameters
        ----------
        stop_id
            A :attr:`Stop.id`.

        Returns
        -------
        int
            Its index into :attr:`stops` (not its node: see :meth:`node_of_stop`).

        Raises
        ------
        KeyError
            No stop has this id.
        """
        return self._index[stop_id]

    def node_id(self, node: int) -> str:
        """The id of a node: start, end, a stop or an overnight place.

        Parameters
        ----------
        node
            A travel node, ``0 .. n_nodes - 1``.

        Returns
        -------
        str
            ``start_id``, ``end_id``, the stop's or the overnight place's id.

        Raises
        ------
        IndexError
            ``node`` lies beyond the last overnight place.
        """
        if node == 0:
            return self.start_id
        if node == 1:
            return self.end_id
        if node < 2 + self.n_stops:
            return self.stops[node - 2].id
        return self.overnights[node - 2 - self.n_stops].id

    def allowed_overnights(self) -> list[int]:
        """Node indices of the overnight places this vehicle may use.

        Returns
        -------
        list of int
            The nodes of every overnight place, or for a motorhome (:attr:`motorhome`)
            only of those marked ``motorhome_ok``; in the order of :attr:`overnights`.
        """
        return [
            self.node_of_overnight(k)
            for k, o in enumerate(self.overnights)
            if o.motorhome_ok or not self.motorhome
        ]

    # -- travel ---------------------------------------------------------------------------
    def travel(self, i: int, j: int, day: int) -> float:
        """Driving seconds from node ``i`` to node ``j`` on ``day``.

        Parameters
        ----------
        i, j
            Travel nodes (0 start, 1 end, then the stops, then the overnight places).
        day
            The day index; a matrix ignores it, a callable may not (a preferred corridor
            on some days).

        Returns
        -------
        float
            Seconds.
        """
        t = self.travel_s
        return float(t(i, j, day) if callable(t) else t[i][j])

    def distance(self, i: int, j: int, day: int) -> float | None:
        """Driving metres from node ``i`` to node ``j`` on ``day``, if known.

        Parameters
        ----------
        i, j
            Travel nodes.
        day
            The day index.

        Returns
        -------
        float or None
            Metres, for reporting only (the solver never reads them); ``None`` when the
            problem has no :attr:`distance_m`.
        """
        d = self.distance_m
        if d is None:
            return None
        return float(d(i, j, day) if callable(d) else d[i][j])

    def daily_cap_s(self, day: int) -> float:
        """The tightest driving cap of ``day`` (``inf`` if none).

        Parameters
        ----------
        day
            The day index.

        Returns
        -------
        float
            The least of :attr:`max_daily_driving_s`, the day's own ``max_driving_s``
            and the driver rules' daily limit, in seconds; ``math.inf`` when none is set.
        """
        caps = [self.max_daily_driving_s, self.days[day].max_driving_s]
        if self.driver_rules is not None:
            caps.append(self.driver_rules.max_daily_driving_s)
        return min((c for c in caps if c is not None), default=math.inf)

    def continuous_limit_s(self) -> float:
        """The most a driver may drive without a break, in seconds.

        Returns
        -------
        float
            The driver rules' ``max_continuous_driving_s``; ``math.inf`` without driver
            rules (a private car).
        """
        r = self.driver_rules
        return math.inf if r is None else r.max_continuous_driving_s

    def is_break(self, i: int) -> bool:
        """Whether a visit of stop ``i`` resets continuous driving.

        Parameters
        ----------
        i
            An index into :attr:`stops` (not a node).

        Returns
        -------
        bool
            ``True`` when there are driver rules and the visit (its ``service_s``, not
            any wait) lasts at least their ``min_break_s``.
        """
        r = self.driver_rules
        return r is not None and self.stops[i].service_s >= r.min_break_s - EPS

    # -- validation -----------------------------------------------------------------------
    def validate(self, max_candidates: int | None = MAX_CANDIDATES) -> None:
        """Raise :class:`PlanningError` on malformed input (structure only; see solver).

        Whether the trip can actually be driven (a day long enough for its mandatory
        drive, every must-visit stop fitting some day) is checked by
        :func:`tourroute.planning.solver.solve`, which calls this first.

        Parameters
        ----------
        max_candidates
            Refuse more candidate stops than this; ``None`` for no limit (benchmarks).

        Raises
        ------
        PlanningError
            Days not between 1 and :data:`MAX_DAYS`; too many stops; a day that is not
            finite or ends before it starts; a negative driving cap; a duplicate stop id or
            one shared with an overnight place; a negative or non-finite score or
            ``service_s``; ``nights`` out of range or on an optional stop; windows for the
            wrong number of days, unsorted, overlapping or inverted; non-positive driver
            limits; a travel or distance matrix that is not ``n_nodes`` square or holds a
            negative or non-finite entry.
        """
        _check_size(self, max_candidates)
        _check_days(self)
        _check_stops(self)
        if self.driver_rules is not None:
            r = self.driver_rules
            if r.max_continuous_driving_s <= 0 or r.max_daily_driving_s <= 0:
                raise PlanningError("driver limits must be positive")
        if not callable(self.travel_s):
            _check_matrix("travel_s", self.travel_s, self.n_nodes)
        if self.distance_m is not None and not callable(self.distance_m):
            _check_matrix("distance_m", self.distance_m, self.n_nodes)


def _check_size(p: Problem, max_candidates: int | None) -> None:
    """The trip's days and candidate stops within the product's limits."""
    if not 1 <= p.n_days <= MAX_DAYS:
        raise PlanningError(f"days must be between 1 and {MAX_DAYS}, got {p.n_days}")
    if max_candidates is not None and p.n_stops > max_candidates:
        raise PlanningError(f"too many candidate stops: {p.n_stops} (at most {max_candidates})")


def _check_days(p: Problem) -> None:
    """Every day a finite window that ends after it starts, and no negative driving cap."""
    for d, day in enumerate(p.days):
        if not (_finite(day.start_s) and _finite(day.end_s)):
            raise PlanningError(f"day {d + 1}: start and end must be finite numbers")
        if day.end_s <= day.start_s:
            raise PlanningError(
                f"day {d + 1}: end ({_hm(day.end_s)}) is not after start ({_hm(day.start_s)})"
            )
        if day.max_driving_s is not None and not day.max_driving_s >= 0:
            raise PlanningError(f"day {d + 1}: max_driving_s must be >= 0")
    if p.max_daily_driving_s is not None and not p.max_daily_driving_s >= 0:
        raise PlanningError("max_daily_driving_s must be >= 0")


def _check_stops(p: Problem) -> None:
    """Each stop well-formed, in order, and no id used twice by stops or overnight places."""
    seen: set[str] = set()
    for s in p.stops:
        if s.id in seen:
            raise PlanningError(f"duplicate stop id {s.id!r}")
        seen.add(s.id)
        _check_stop(s, p.n_days)
    for night in p.overnights:
        if night.id in seen:
            raise PlanningError(f"overnight id {night.id!r} is also a stop id")


def _check_stop(s: Stop, n_days: int) -> None:
    """A stop's score, service time, nights (multi-day only when a must-visit) and windows."""
    if not (_finite(s.score) and s.score >= 0):
        raise PlanningError(f"stop {s.id!r}: score must be a finite number >= 0")
    if not (_finite(s.service_s) and s.service_s >= 0):
        raise PlanningError(f"stop {s.id!r}: service_s must be a finite number >= 0")
    if not (isinstance(s.nights, int) and 0 <= s.nights < n_days):
        raise PlanningError(
            f"stop {s.id!r}: nights must be a whole number from 0 to {n_days - 1} "
            f"(the trip has {n_days} days), got {s.nights!r}"
        )
    if s.nights and not s.must_visit:
        raise PlanningError(
            f"stop {s.id!r}: a multi-day visit ({s.nights} nights) must be a must-visit stop"
        )
    if s.windows is not None:
        _check_windows(s, s.windows, n_days)


def _check_windows(s: Stop, windows: tuple[tuple[Window, ...], ...], n_days: int) -> None:
    """One list of windows per day, each sorted, non-overlapping and not inverted."""
    if len(windows) != n_days:
        raise PlanningError(
            f"stop {s.id!r}: windows for {len(windows)} days, the trip has {n_days}"
        )
    for d, wins in enumerate(windows):
        last = -math.inf
        for o, c in wins:
            if not (_finite(o) and _finite(c)) or c < o or o < last:
                raise PlanningError(
                    f"stop {s.id!r}, day {d + 1}: windows must be sorted, "
                    f"non-overlapping (open, close) pairs with close >= open, "
                    f"got {list(wins)}"
                )
            last = c


def _check_matrix(name: str, m: Matrix, n: int) -> None:
    if len(m) != n or any(len(row) != n for row in m):
        raise PlanningError(
            f"{name} must be a {n}×{n} matrix (start, end, stops, overnights), got {len(m)} rows"
        )
    for row in m:
        for x in row:
            if not (_finite(x) and x >= 0):
                raise PlanningError(f"{name} entries must be finite numbers >= 0, got {x!r}")


def _hm(t: float) -> str:
    """Seconds as h:mm (for messages)."""
    sign = "-" if t < 0 else ""
    m = round(abs(t) / 60)
    return f"{sign}{m // 60}:{m % 60:02d}"


# -- solution ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Visit:
    """One scheduled visit; ``drive_s``/``distance_m`` are those of the leg that leads to it."""

    stop_id: str
    arrival_s: float
    wait_s: float
    start_s: float
    departure_s: float
    score: float
    drive_s: float
    distance_m: float | None = None


@dataclass(frozen=True)
class DayPlan:
    """One day: from ``start_id`` at ``departure_s`` through ``visits`` to ``end_id``."""

    day: int
    start_id: str
    end_id: str
    departure_s: float
    arrival_s: float
    visits: tuple[Visit, ...]
    last_leg_drive_s: float
    last_leg_distance_m: float | None
    driving_s: float
    distance_m: float | None
    score: float
    max_continuous_driving_s: float
    overnight: str | None  # end_id unless this is the last day


@dataclass(frozen=True)
class Unplaced:
    """A must-visit stop that is not in the plan, and why."""

    stop_id: str
    reason: str


@dataclass(frozen=True)
class Solution:
    """A plan. ``optimal`` is ``True`` only from the exact solver, ``None`` if unknown."""

    days: tuple[DayPlan, ...]
    score: float
    unplaced: tuple[Unplaced, ...] = ()
    iterations: int = 0
    elapsed_s: float = 0.0
    timed_out: bool = False
    optimal: bool | None = None
    seed: int | None = None
    # the search's counted work (units ≈ µs of the reference machine): what the budget
    # limits, and what a benchmark reports beside the wall-clock of a loaded machine
    work: float = 0.0

    def visited(self) -> list[str]:
        """Ids of the visited stops, in trip order.

        Returns
        -------
        list of str
            Day by day, each day's visits in order (a multi-day visit once, on the day
            it starts).
        """
        return [v.stop_id for d in self.days for v in d.visits]

    @property
    def driving_s(self) -> float:
        """The trip's total driving time over every day, in seconds."""
        return sum(d.driving_s for d in self.days)
