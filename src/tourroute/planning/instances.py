"""Instance files: the planner's JSON format (read and write) and the classic TOPTW text.

The JSON format (``"format": "tourroute-planning/1"``) is documented in
``src/tourroute/planning/README.md``.  In short::

    {"format": "tourroute-planning/1", "name": "...",
     "days": [{"start_s": 28800, "end_s": 64800, "max_driving_s": null}, ...],
         # or "tours": m with "tour_window_s": [open, close]  (m identical days)
     "start": {"id": "vinh", "lon": 105.68, "lat": 18.67},  "end": {...} (omitted = loop),
     "travel": {"metric": "haversine", "speed_kph": 45, "detour": 1.3}
             | {"metric": "euclidean", "speed": 1, "round_up_decimals": 2}
             | {"metric": "matrix", "durations_s": [[...]], "distances_m": [[...]]},
     "stops": [{"id": "kim-lien", "lon": .., "lat": .., "score": 8, "service_s": 3600,
                "windows": [[27000, 41400], [48600, 61200]]      # every day, or
                "windows_by_day": [[[27000, 61200]], [], null],  # per day ([] closed)
                "must_visit": false, "name": "Khu di tích Kim Liên",
                "nights": 0}],                 # > 0: a multi-day visit (must_visit only)
     "overnights": [{"id": "cua-lo", "lon": .., "lat": .., "motorhome_ok": true}],
     "max_daily_driving_s": 21600, "driver_rules": "coach" | {...} | null,
     "motorhome": false}

>>> inst = read_json_text(
...     '{"format": "tourroute-planning/1", "tours": 1, "tour_window_s": [0, 100],'
...     ' "start": {"id": "d", "x": 0, "y": 0},'
...     ' "travel": {"metric": "euclidean", "round_up_decimals": 2},'
...     ' "stops": [{"id": "a", "x": 3, "y": 4, "score": 1}]}'
... )
>>> inst.problem.travel(0, 2, 0), inst.problem.end_id
(5.0, 'd')
>>> read_json_text(write_json_text(inst)).problem.travel(2, 1, 0)
5.0
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tourroute.planning.model import (
    COACH_RULES,
    Day,
    DriverRules,
    Overnight,
    PlanningError,
    Problem,
    Stop,
    Window,
)

__all__ = [
    "FORMAT",
    "Instance",
    "read_json",
    "read_json_text",
    "read_toptw",
    "read_toptw_text",
    "travel_matrices",
    "write_json",
    "write_json_text",
]

FORMAT = "tourroute-planning/1"
EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class Instance:
    """A problem with what built it: coordinates per node id and the travel model."""

    problem: Problem
    coords: dict[str, tuple[float, float]] = field(default_factory=dict)
    travel: dict[str, Any] = field(default_factory=dict)


# -- travel models ---------------------------------------------------------------------------
def _round_up(x: float, decimals: int | None) -> float:
    if decimals is None:
        return x
    f = 10.0**decimals
    # the tolerance keeps exact values (12.34 stored as 12.3400000001) from rounding up
    return math.ceil(x * f - 1e-7) / f


def _haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def travel_matrices(
    points: Sequence[tuple[float, float]], travel: dict[str, Any]
) -> tuple[list[list[float]], list[list[float]] | None]:
    """(durations_s, distances_m or None) between ``points`` under a coordinate metric.

    ``euclidean``: distance = plane distance; time = distance / ``speed`` (default 1),
    rounded up to ``round_up_decimals`` decimals if given (``2`` reproduces the published
    TOPTW optima).  ``haversine``: points are (lon, lat); distance = great-circle metres ×
    ``detour`` (default 1); time = distance / (``speed_kph`` / 3.6).

    Parameters
    ----------
    points
        One point per travel node, in node order (start, end, stops, overnight places).
    travel
        The instance's ``travel`` object: ``metric`` and that metric's options.

    Returns
    -------
    durations : list of list of float
        Seconds (``haversine``) or the instance's own unit (``euclidean``).
    distances : list of list of float or None
        Metres for ``haversine``; ``None`` for ``euclidean``.

    Raises
    ------
    PlanningError
        A metric other than these two (``matrix`` comes with its matrices), a speed
        ≤ 0 or a detour < 1.

    Examples
    --------
    >>> travel_matrices([(0, 0), (1, 1)], {"metric": "euclidean", "round_up_decimals": 2})[0]
    [[0.0, 1.42], [1.42, 0.0]]
    """
    metric = travel.get("metric")
    n = len(points)
    if metric == "euclidean":
        speed = float(travel.get("speed", 1.0))
        dec = travel.get("round_up_decimals")
        if speed <= 0:
            raise PlanningError("travel.speed must be > 0")
        dist = [[math.dist(points[i], points[j]) for j in range(n)] for i in range(n)]
        dur = [[_round_up(dist[i][j] / speed, dec) for j in range(n)] for i in range(n)]
        return dur, None
    if metric == "haversine":
        kph = float(travel.get("speed_kph", 0))
        detour = float(travel.get("detour", 1.0))
        if kph <= 0 or detour < 1:
            raise PlanningError("travel.speed_kph must be > 0 and travel.detour >= 1")
        dist = [[_haversine_m(points[i], points[j]) * detour for j in range(n)] for i in range(n)]
        dur = [[dist[i][j] / (kph / 3.6) for j in range(n)] for i in range(n)]
        return dur, dist
    raise PlanningError(f"travel.metric must be euclidean, haversine or matrix, got {metric!r}")


# -- JSON -----------------------------------------------------------------------------------
def _num(obj: dict[str, Any], key: str, where: str, default: float | None = None) -> float:
    v = obj.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise PlanningError(f"{where}.{key} must be a finite number, got {v!r}")
    return float(v)


def _nights(obj: dict[str, Any], where: str) -> int:
    v = obj.get("nights", 0)
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise PlanningError(f"{where}.nights must be a whole number >= 0, got {v!r}")
    return v


def _opt_num(obj: dict[str, Any], key: str, where: str) -> float | None:
    return None if obj.get(key) is None else _num(obj, key, where)


def _windows(raw: Any, where: str) -> tuple[Window, ...]:
    if not isinstance(raw, list) or not all(
        isinstance(w, list) and len(w) == 2 and all(isinstance(x, int | float) for x in w)
        for w in raw
    ):
        raise PlanningError(f"{where} must be a list of [open_s, close_s] pairs, got {raw!r}")
    return tuple((float(o), float(c)) for o, c in raw)


def _point(obj: dict[str, Any], metric: str, where: str) -> tuple[float, float] | None:
    if metric == "matrix":
        return None
    keys = ("lon", "lat") if metric == "haversine" else ("x", "y")
    return (_num(obj, keys[0], where), _num(obj, keys[1], where))


def _dict(v: Any, where: str) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise PlanningError(f"{where} must be an object")
    return v


def _list(v: Any, where: str) -> list[Any]:
    if not isinstance(v, list):
        raise PlanningError(f"{where} must be a list")
    return v


def instance_from_dict(doc: dict[str, Any]) -> Instance:
    """Build an :class:`Instance` from a parsed JSON document (see the module docstring).

    Reads the structure and the numbers; whether the problem makes sense as a whole is
    left to :meth:`Problem.validate <tourroute.planning.model.Problem.validate>`, which
    the solver calls.  The names before 2026-12 (``caravan``, ``caravan_ok``) are still
    read as ``motorhome``, ``motorhome_ok``.

    Parameters
    ----------
    doc
        The decoded JSON object.

    Returns
    -------
    Instance
        The problem, with the coordinates per node id and the travel model when the
        metric is a coordinate one (``{"metric": "matrix"}`` otherwise).

    Raises
    ------
    PlanningError
        A wrong ``format``, a missing or mistyped member (named with its path, e.g.
        ``stops[3].score``), an unknown metric, or a matrix of the wrong shape.
    """
    # the steps run in the order of the document's checks, so the first defect is reported
    doc = _dict(doc, "instance")
    if doc.get("format", FORMAT) != FORMAT:
        raise PlanningError(f"format must be {FORMAT!r}, got {doc.get('format')!r}")
    days = _read_days(doc)
    travel, metric = _read_travel_model(doc)
    start_id, end_id, points = _read_ends(doc, metric)
    stops = _read_stops(doc, days, metric, points)
    overnights = _read_overnights(doc, metric, points)
    ids = [start_id, end_id, *(s.id for s in stops), *(o.id for o in overnights)]
    durations, distances, coords = _read_travel(travel, metric, points, ids)
    rules = _read_driver_rules(doc.get("driver_rules"))
    problem = Problem(
        stops=stops,
        days=days,
        travel_s=durations,
        distance_m=distances,
        overnights=overnights,
        start_id=start_id,
        end_id=end_id,
        max_daily_driving_s=_opt_num(doc, "max_daily_driving_s", "instance"),
        driver_rules=rules,
        # "caravan"/"caravan_ok" are the names before 2026-12 (they meant a motorhome): still read.
        motorhome=bool(doc.get("motorhome", doc.get("caravan", False))),
        name=str(doc.get("name", "")),
    )
    return Instance(problem, coords, dict(travel) if metric != "matrix" else {"metric": "matrix"})


def _read_days(doc: dict[str, Any]) -> tuple[Day, ...]:
    """The days, written out one by one (``days``) or as ``tours`` identical ones."""
    if "days" in doc:
        return tuple(
            _read_day(_dict(x, f"days[{k}]"), f"days[{k}]")
            for k, x in enumerate(_list(doc["days"], "days"))
        )
    if "tours" in doc:
        m = doc["tours"]
        if isinstance(m, bool) or not isinstance(m, int):
            raise PlanningError(f"tours must be an integer, got {m!r}")
        win = _windows([doc.get("tour_window_s")], "tour_window_s")[0]
        return tuple(Day(*win) for _ in range(m))
    raise PlanningError("the instance needs 'days' (or 'tours' with 'tour_window_s')")


def _read_day(d: dict[str, Any], where: str) -> Day:
    """One entry of ``days``: its window and optional driving cap."""
    return Day(
        _num(d, "start_s", where), _num(d, "end_s", where), _opt_num(d, "max_driving_s", where)
    )


def _read_travel_model(doc: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The ``travel`` object and its metric, refused early if the metric is unknown."""
    travel = _dict(doc.get("travel"), "travel")
    metric = travel.get("metric")
    if metric not in ("euclidean", "haversine", "matrix"):
        raise PlanningError(f"travel.metric must be euclidean, haversine or matrix, got {metric!r}")
    return travel, str(metric)


_Points = list[tuple[float, float] | None]


def _read_ends(doc: dict[str, Any], metric: str) -> tuple[str, str, _Points]:
    """The start and end ids and their points (no ``end``, or ``null``: a loop)."""
    start = _dict(doc.get("start"), "start")
    end = _dict(doc["end"], "end") if doc.get("end") is not None else None
    points: _Points = [_point(start, metric, "start"), _point(end or start, metric, "end")]
    start_id = str(start.get("id", "start"))
    end_id = str(end.get("id", "end")) if end is not None else start_id
    return start_id, end_id, points


def _read_stops(
    doc: dict[str, Any], days: tuple[Day, ...], metric: str, points: _Points
) -> tuple[Stop, ...]:
    """The ``stops``, their points appended to ``points`` (travel nodes in order)."""
    stops: list[Stop] = []
    for k, raw in enumerate(_list(doc.get("stops", []), "stops")):
        s = _dict(raw, f"stops[{k}]")
        where = f"stops[{k}]"
        if "id" not in s:
            raise PlanningError(f"{where}.id is missing")
        windows = _stop_windows(s, where, days)  # checked before the numbers, as ever
        stops.append(
            Stop(
                id=str(s["id"]),
                score=_num(s, "score", where),
                service_s=_num(s, "service_s", where, 0.0),
                windows=windows,
                must_visit=bool(s.get("must_visit", False)),
                name=str(s.get("name", "")),
                nights=_nights(s, where),
            )
        )
        points.append(_point(s, metric, where))
    return tuple(stops)


def _stop_windows(
    s: dict[str, Any], where: str, days: tuple[Day, ...]
) -> tuple[tuple[Window, ...], ...] | None:
    """A stop's windows per day: the same every day (``windows``), per day, or none."""
    if s.get("windows") is not None:
        w = _windows(s["windows"], f"{where}.windows")
        return tuple(w for _ in days)
    if s.get("windows_by_day") is not None:
        by_day = _list(s["windows_by_day"], f"{where}.windows_by_day")
        windows = tuple(
            ((day.start_s, day.end_s),)
            if w is None
            else _windows(w, f"{where}.windows_by_day[{q}]")
            for q, (w, day) in enumerate(zip(by_day, days, strict=False))
        )
        if len(by_day) != len(days):
            raise PlanningError(
                f"{where}.windows_by_day has {len(by_day)} entries for {len(days)} days"
            )
        return windows
    return None


def _read_overnights(doc: dict[str, Any], metric: str, points: _Points) -> tuple[Overnight, ...]:
    """The ``overnights``, their points appended to ``points`` (after the stops')."""
    overnights: list[Overnight] = []
    for k, raw in enumerate(_list(doc.get("overnights", []), "overnights")):
        o = _dict(raw, f"overnights[{k}]")
        if "id" not in o:
            raise PlanningError(f"overnights[{k}].id is missing")
        overnights.append(
            Overnight(
                str(o["id"]),
                bool(o.get("motorhome_ok", o.get("caravan_ok", False))),
                str(o.get("name", "")),
            )
        )
        points.append(_point(o, metric, f"overnights[{k}]"))
    return tuple(overnights)


def _read_travel(
    travel: dict[str, Any], metric: str, points: _Points, ids: list[str]
) -> tuple[list[list[float]], list[list[float]] | None, dict[str, tuple[float, float]]]:
    """(durations, distances, coordinates per node id): the given matrices, or computed."""
    if metric == "matrix":
        n_nodes = len(points)
        durations = _matrix(travel.get("durations_s"), n_nodes, "travel.durations_s")
        raw_d = travel.get("distances_m")
        distances = None if raw_d is None else _matrix(raw_d, n_nodes, "travel.distances_m")
        return durations, distances, {}
    pts = [p for p in points if p is not None]
    durations, distances = travel_matrices(pts, travel)
    return durations, distances, dict(zip(ids, pts, strict=True))


def _read_driver_rules(raw: Any) -> DriverRules | None:
    """``driver_rules``: none, ``"coach"`` (the legal coach limits) or an object."""
    if raw is None:
        return None
    if raw == "coach":
        return COACH_RULES
    r = _dict(raw, "driver_rules")
    return DriverRules(
        max_daily_driving_s=_num(r, "max_daily_driving_s", "driver_rules", 36000),
        max_continuous_driving_s=_num(r, "max_continuous_driving_s", "driver_rules", 14400),
        min_break_s=_num(r, "min_break_s", "driver_rules", 900),
        max_weekly_driving_s=_opt_num(r, "max_weekly_driving_s", "driver_rules"),
    )


def _matrix(raw: Any, n: int, where: str) -> list[list[float]]:
    rows = _list(raw, where)
    if len(rows) != n or any(not isinstance(r, list) or len(r) != n for r in rows):
        raise PlanningError(f"{where} must be {n}×{n} (start, end, stops, overnights)")
    out = [[float(x) for x in r] for r in rows]
    if any(not (math.isfinite(x) and x >= 0) for r in out for x in r):
        raise PlanningError(f"{where} entries must be finite numbers >= 0")
    return out


def instance_to_dict(inst: Instance) -> dict[str, Any]:
    """The JSON document of an instance (coordinates if it has them, else a matrix).

    Parameters
    ----------
    inst
        The instance.

    Returns
    -------
    dict
        A ``tourroute-planning/1`` document that :func:`instance_from_dict` reads back
        into the same problem; days are always written out one by one.

    Raises
    ------
    PlanningError
        Travel times that differ by day, which one matrix cannot hold.
    """
    p = inst.problem
    metric = inst.travel.get("metric", "matrix") if inst.coords else "matrix"
    doc: dict[str, Any] = {"format": FORMAT}
    if p.name:
        doc["name"] = p.name
    doc["days"] = [
        {"start_s": d.start_s, "end_s": d.end_s, "max_driving_s": d.max_driving_s} for d in p.days
    ]
    doc["start"] = _place(inst, metric, p.start_id, {})
    doc["end"] = _place(inst, metric, p.end_id, {})
    doc["travel"] = _matrix_travel(p) if metric == "matrix" else dict(inst.travel)
    doc["stops"] = [_place(inst, metric, s.id, _stop_members(s)) for s in p.stops]
    if p.overnights:
        doc["overnights"] = [
            _place(inst, metric, o.id, {"motorhome_ok": o.motorhome_ok, **_named(o.name)})
            for o in p.overnights
        ]
    doc.update(_vehicle_members(p))
    return doc


def _place(inst: Instance, metric: str, pid: str, extra: dict[str, Any]) -> dict[str, Any]:
    """A place's object: its id, its coordinates under a coordinate metric, then ``extra``."""
    out: dict[str, Any] = {"id": pid}
    if metric != "matrix":
        keys = ("lon", "lat") if metric == "haversine" else ("x", "y")
        xy = inst.coords[pid]
        out[keys[0]], out[keys[1]] = xy[0], xy[1]
    out.update(extra)
    return out


def _named(name: str) -> dict[str, Any]:
    """``{"name": name}`` if there is a name, else nothing (names are optional members)."""
    return {"name": name} if name else {}


def _matrix_travel(p: Problem) -> dict[str, Any]:
    """The ``travel`` object of a matrix instance: day 0's matrices, which hold every day's."""
    nn = p.n_nodes
    if callable(p.travel_s) and p.n_days > 1:
        _check_same_travel_every_day(p)
    tr: dict[str, Any] = {
        "metric": "matrix",
        "durations_s": [[p.travel(i, j, 0) for j in range(nn)] for i in range(nn)],
    }
    if p.distance_m is not None:
        tr["distances_m"] = [[p.distance(i, j, 0) for j in range(nn)] for i in range(nn)]
    return tr


def _check_same_travel_every_day(p: Problem) -> None:
    """Refuse travel times that differ by day: one matrix cannot hold them."""
    nn = p.n_nodes
    t0 = [[p.travel(i, j, 0) for j in range(nn)] for i in range(nn)]
    if any(
        p.travel(i, j, d) != t0[i][j] for d in range(p.n_days) for i in range(nn) for j in range(nn)
    ):
        raise PlanningError("day-dependent travel times cannot be written as one matrix")


def _stop_members(s: Stop) -> dict[str, Any]:
    """A stop's members besides id and coordinates (optional ones only when set)."""
    extra: dict[str, Any] = {"score": s.score, "service_s": s.service_s}
    if s.windows is not None:
        extra.update(_stop_windows_doc(s.windows))
    if s.must_visit:
        extra["must_visit"] = True
    if s.nights:
        extra["nights"] = s.nights
    extra.update(_named(s.name))
    return extra


def _stop_windows_doc(windows: tuple[tuple[Window, ...], ...]) -> dict[str, Any]:
    """``windows`` when every day has the same, else ``windows_by_day``."""
    if all(w == windows[0] for w in windows):
        return {"windows": [list(w) for w in windows[0]]}
    return {"windows_by_day": [[list(w) for w in day] for day in windows]}


def _vehicle_members(p: Problem) -> dict[str, Any]:
    """The trip-wide optional members last in the document: driving cap, rules, motorhome."""
    out: dict[str, Any] = {}
    if p.max_daily_driving_s is not None:
        out["max_daily_driving_s"] = p.max_daily_driving_s
    if p.driver_rules is not None:
        out["driver_rules"] = _driver_rules_doc(p.driver_rules)
    if p.motorhome:
        out["motorhome"] = True
    return out


def _driver_rules_doc(r: DriverRules) -> str | dict[str, Any]:
    """``"coach"`` for the legal coach limits, else the rules' object."""
    if r == COACH_RULES:
        return "coach"
    return {
        "max_daily_driving_s": r.max_daily_driving_s,
        "max_continuous_driving_s": r.max_continuous_driving_s,
        "min_break_s": r.min_break_s,
        "max_weekly_driving_s": r.max_weekly_driving_s,
    }


def read_json_text(text: str) -> Instance:
    """Parse an instance from JSON text (``PlanningError`` on any defect).

    Parameters
    ----------
    text
        A ``tourroute-planning/1`` document.

    Returns
    -------
    Instance

    Raises
    ------
    PlanningError
        Not JSON, or not a valid instance (:func:`instance_from_dict`).
    """
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanningError(f"not valid JSON: {exc}") from exc
    return instance_from_dict(doc)


def write_json_text(inst: Instance) -> str:
    """The instance as JSON text (:func:`instance_to_dict`, UTF-8 names kept as they are).

    Parameters
    ----------
    inst
        The instance.

    Returns
    -------
    str
        Indented JSON, without a final newline.

    Raises
    ------
    PlanningError
        As :func:`instance_to_dict`.
    """
    return json.dumps(instance_to_dict(inst), ensure_ascii=False, indent=1)


def read_json(path: str | Path) -> Instance:
    """Read a JSON instance file (``PlanningError`` if unreadable or malformed).

    Parameters
    ----------
    path
        A UTF-8 file holding a ``tourroute-planning/1`` document.

    Returns
    -------
    Instance

    Raises
    ------
    PlanningError
        The file cannot be read or decoded, or is not a valid instance.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanningError(f"cannot read {path}: {exc}") from exc
    return read_json_text(text)


def write_json(inst: Instance, path: str | Path) -> None:
    """Write the instance to ``path`` as UTF-8 JSON with a final newline.

    Parameters
    ----------
    inst
        The instance.
    path
        The file to create or replace.

    Raises
    ------
    PlanningError
        As :func:`instance_to_dict`.
    OSError
        The file cannot be written.
    """
    Path(path).write_text(write_json_text(inst) + "\n", encoding="utf-8")


# -- classic OPTW/TOPTW text ----------------------------------------------------------------
def read_toptw(path: str | Path, tours: int, *, round_up_decimals: int | None = 2) -> Instance:
    """Read a Cordeau/Solomon-style OPTW/TOPTW file as an instance with ``tours`` days.

    Layout (``k v N t`` / ``D Q`` / one line per vertex ``i x y d S f a [list] O C``):
    ``d`` service, ``S`` score, ``O``/``C`` earliest/latest *start* (always the last two
    tokens).  Vertex 0 is the depot; every tour runs within ``[O_0, C_0]`` (``Tmax = C_0``).
    Travel time = Euclidean distance rounded up to ``round_up_decimals`` decimals
    (``ceil(100 d) / 100`` by default, which reproduces the published optima; ``None`` keeps
    exact distances).  A latest start ``C`` becomes the window ``(O, C + d)`` of the visit.

    Parameters
    ----------
    path
        The instance file (e.g. ``pr01.txt``).
    tours
        The number of tours ``m``: identical days, each a loop from the depot.
    round_up_decimals
        Decimals the travel times are rounded up to; ``None`` keeps them exact.

    Returns
    -------
    Instance
        A loop from and to the depot (node id ``"0"``) named ``"<file stem> m=<tours>"``,
        with the points' coordinates and the Euclidean travel model.

    Raises
    ------
    PlanningError
        ``tours`` < 1, an unreadable file, or one not in this layout.
    """
    if tours < 1:
        raise PlanningError("tours must be >= 1")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanningError(f"cannot read {path}: {exc}") from exc
    return read_toptw_text(
        text, tours, name=Path(path).stem, round_up_decimals=round_up_decimals, where=str(path)
    )


def read_toptw_text(
    text: str,
    tours: int,
    *,
    name: str,
    round_up_decimals: int | None = 2,
    where: str | None = None,
) -> Instance:
    """:func:`read_toptw` on the text of a file (``name`` for the problem, ``where`` for
    messages; default the name)."""
    path = where or name
    if tours < 1:
        raise PlanningError("tours must be >= 1")
    lines = [ln.split() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    try:
        n = int(lines[0][2])
        verts = [
            (
                int(t[0]),
                float(t[1]),
                float(t[2]),
                float(t[3]),
                float(t[4]),
                float(t[-2]),
                float(t[-1]),
            )
            for t in lines[2:]
        ]
    except (IndexError, ValueError) as exc:
        raise PlanningError(f"{path}: not an OPTW/TOPTW file ({exc})") from exc
    if len(verts) != n + 1 or [v[0] for v in verts] != list(range(n + 1)):
        raise PlanningError(f"{path}: expected vertices 0..{n}, found {len(verts)} lines")
    depot = verts[0]
    day = Day(depot[5], depot[6])
    stops = tuple(
        Stop(str(i), score=sc, service_s=d, windows=tuple(((o, c + d),) for _ in range(tours)))
        for i, _, _, d, sc, o, c in verts[1:]
    )
    travel = {"metric": "euclidean", "speed": 1.0, "round_up_decimals": round_up_decimals}
    pts = [(v[1], v[2]) for v in verts]
    pts = [pts[0], pts[0], *pts[1:]]
    durations, _ = travel_matrices(pts, travel)
    problem = Problem(
        stops=stops,
        days=tuple(day for _ in range(tours)),
        travel_s=durations,
        start_id="0",
        end_id="0",
        name=f"{name} m={tours}",
    )
    coords = {"0": pts[0], **{s.id: pts[k + 2] for k, s in enumerate(stops)}}
    return Instance(problem, coords, travel)
