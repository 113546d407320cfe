"""One way to route a leg between two places, and to say why it cannot be routed.

Routes (``/v1/routes``), composed itineraries and catalogue tours all drive from place to
place on the shared road graph.  They do it through a :class:`LegBuilder`: one cost model
on one :class:`~tourroute.routes.graph_cache.NetworkGraph`, a cache of the legs already
routed (keyed by their endpoints), and :func:`routing_error`, the one translation of the
router's :class:`~tourroute.routing.SnapError` and :class:`~tourroute.routing.NoRoute`
into the domain errors of :mod:`tourroute.errors` — each caller says, with
:class:`ErrorNames`, what its message names (the request parameter, the places).

:func:`leg_document` renders the part of a leg that itineraries and tours store alike (a
:class:`tourroute.plans.Leg`, with its turn-by-turn steps: :meth:`LegBuilder.steps`);
:func:`breakdown_of` the distance of legs by road, corridor
and province (:func:`route_breakdown`: the same as ``/v1/routes`` answers it).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry.base import BaseGeometry

from tourroute.errors import InvalidParameter, NoRouteFound
from tourroute.i18n import Localized, Verbatim, localized_reason
from tourroute.i18n import messages as msgs
from tourroute.plans import (
    Breakdown,
    CorridorDistance,
    CorridorProvinceDistance,
    LegStep,
    LineStringGeometry,
    ProvinceDistance,
    RefDistance,
)
from tourroute.plans import Leg as PlanLeg
from tourroute.routes.graph_cache import NetworkGraph
from tourroute.routing import NoRoute, Preference, Route, Snap, SnapError, Vehicle
from tourroute.routing.directions import route_steps
from tourroute.routing.graph import Coord
from tourroute.routing.maneuvers import Step, Stretch, build_steps
from tourroute.routing.route import PREFERRED_CORRIDOR_FACTOR, Matrix, RouteCost

__all__ = [
    "ErrorNames",
    "Leg",
    "LegBuilder",
    "breakdown_of",
    "leg_document",
    "part_steps",
    "route_breakdown",
    "routing_error",
    "step_document",
]


@dataclass(frozen=True)
class ErrorNames:
    """What the domain error of a failed snap or route names.

    Parameters
    ----------
    detail
        The start of a :class:`~tourroute.errors.NoRouteFound` detail; the router's own
        reason follows after a colon (``"no route from a to b: <reason>"``).
    parameter
        The request parameter an unsnappable point (:class:`~tourroute.routing.SnapError`)
        is blamed on, as :class:`~tourroute.errors.InvalidParameter`; ``None`` makes it a
        :class:`~tourroute.errors.NoRouteFound` like any other failure.
    location
        Where ``parameter`` was given: ``query`` or ``body``.
    """

    detail: Localized
    parameter: str | None = None
    location: str = "query"

    @classmethod
    def leg(
        cls, between: Localized | str, parameter: str | None = None, location: str = "query"
    ) -> ErrorNames:
        """The names of a leg's failure: ``"no route " + between``.

        Parameters
        ----------
        between
            The leg in words, e.g. ``"from kim-lien to thien-cam for a car"``
            (:data:`tourroute.i18n.messages.LEG_FROM_TO_FOR`); a plain string is taken as
            it is.
        parameter, location
            As in :class:`ErrorNames`.

        Returns
        -------
        ErrorNames
        """
        leg = Verbatim(between) if isinstance(between, str) else between
        return cls(msgs.NO_ROUTE_LEG(between=leg), parameter, location)

    @classmethod
    def point(cls, query: str, parameter: str, location: str = "query") -> ErrorNames:
        """The names of a point's failure to snap: the point as asked for, and its parameter.

        Parameters
        ----------
        query
            The point as the request gave it (a site slug or ``lon,lat``).
        parameter, location
            As in :class:`ErrorNames`.

        Returns
        -------
        ErrorNames
        """
        return cls(Verbatim(query), parameter, location)


def routing_error(exc: SnapError | NoRoute, names: ErrorNames) -> InvalidParameter | NoRouteFound:
    """The domain error for a failure of the router: the one place they are translated.

    Parameters
    ----------
    exc
        What :meth:`~tourroute.routing.route.Router.snap` or ``route`` raised.
    names
        What the error names.

    Returns
    -------
    InvalidParameter or NoRouteFound
        :class:`~tourroute.errors.InvalidParameter` of ``names.parameter`` for a point with
        no usable road near it (when the caller names a parameter); otherwise
        :class:`~tourroute.errors.NoRouteFound` with ``names.detail`` and the reason.
    """
    if isinstance(exc, SnapError) and names.parameter is not None:
        return InvalidParameter(names.parameter, localized_reason(exc), names.location)
    return NoRouteFound(msgs.NO_ROUTE_REASON(what=names.detail, reason=localized_reason(exc)))


@dataclass(frozen=True)
class Leg:
    """A leg from one place to another under one cost model.

    Parameters
    ----------
    origin, destination
        The places' (lon, lat), as asked for (not snapped).
    route
        The routed :class:`~tourroute.routing.Route`; ``None`` when the two places
        coincide and there is nothing to drive.
    distance_m, duration_s
        The route's metres and seconds (0 for coinciding places).
    coords
        The line driven, from snapped point to snapped point; for coinciding places the
        place twice (a LineString needs two positions).
    """

    origin: Coord
    destination: Coord
    route: Route | None
    distance_m: float
    duration_s: float
    coords: tuple[Coord, ...]

    @classmethod
    def routed(cls, origin: Coord, destination: Coord, route: Route) -> Leg:
        """The leg that drives ``route``.

        Parameters
        ----------
        origin, destination
            The places' (lon, lat).
        route
            Their route.

        Returns
        -------
        Leg
        """
        coords = tuple(route.coords)
        return cls(origin, destination, route, route.distance_m, route.duration_s, coords)

    @classmethod
    def staying(cls, place: Coord) -> Leg:
        """The empty leg of a place to itself.

        Parameters
        ----------
        place
            Its (lon, lat).

        Returns
        -------
        Leg
            No route, 0 m, 0 s, ``place`` twice as its line.
        """
        return cls(place, place, None, 0.0, 0.0, (place, place))


@dataclass
class LegBuilder:
    """Snaps, routes and times legs on one road graph under one cost model.

    Routes are cached by their endpoints (failures too, so a second ask fails as fast and
    may name its places differently): build one per request and cost model.

    Parameters
    ----------
    graph
        The road graph of the network version the request reads.
    model
        The cost model every snap, route and matrix of this builder uses.
    """

    graph: NetworkGraph
    model: RouteCost
    _routes: dict[tuple[Coord, Coord], Route | SnapError | NoRoute] = field(
        default_factory=dict, init=False, repr=False
    )

    @classmethod
    def of(
        cls,
        graph: NetworkGraph,
        vehicle: Vehicle = Vehicle.car,
        preference: Preference = Preference.fastest,
        avoid: Collection[str] = (),
        prefer_corridor: str | None = None,
        excluded: BaseGeometry | None = None,
        prefer_factor: float = PREFERRED_CORRIDOR_FACTOR,
    ) -> LegBuilder:
        """A builder with the cost model of a vehicle, preference and avoidances.

        Parameters
        ----------
        graph
            The road graph.
        vehicle, preference, avoid, prefer_corridor, excluded, prefer_factor
            As in :meth:`tourroute.routing.route.Router.model`.

        Returns
        -------
        LegBuilder
        """
        model = graph.router.model(
            vehicle, preference, avoid, prefer_corridor, excluded, prefer_factor
        )
        return cls(graph, model)

    def snap(self, point: Coord, names: ErrorNames) -> Snap:
        """``point`` snapped onto the nearest road the model may use.

        Parameters
        ----------
        point
            (lon, lat).
        names
            What the error names if it cannot be snapped (usually :meth:`ErrorNames.point`).

        Returns
        -------
        Snap

        Raises
        ------
        InvalidParameter
            No usable road near the point, and ``names`` has a parameter.
        NoRouteFound
            The nearest usable road is cut off (or no road, without a parameter).
        """
        try:
            return self.graph.router.snap(point, self.model)
        except (SnapError, NoRoute) as exc:
            raise routing_error(exc, names) from None

    def try_snap(self, point: Coord) -> Snap | None:
        """``point`` snapped like :meth:`snap`, or ``None`` where that fails.

        Parameters
        ----------
        point
            (lon, lat).

        Returns
        -------
        Snap or None
        """
        return self.graph.router.try_snap(point, self.model)

    def matrix(self, origins: list[Snap], destinations: list[Snap], distances: bool) -> Matrix:
        """Travel times (and distances) between snapped points under the model.

        Parameters
        ----------
        origins, destinations
            Snapped points (:meth:`snap`, :meth:`try_snap`, maybe of another builder on
            the same graph).
        distances
            Also sum the metres of every path.

        Returns
        -------
        Matrix
            As :meth:`tourroute.routing.route.Router.matrix`.
        """
        return self.graph.router.matrix(origins, destinations, self.model, distances)

    def route(self, origin: Coord, destination: Coord, names: ErrorNames) -> Route:
        """The route from ``origin`` to ``destination``, routed once per pair.

        Parameters
        ----------
        origin, destination
            (lon, lat); routed even when they coincide (see :meth:`leg`).
        names
            What the error names if there is no route.

        Returns
        -------
        Route

        Raises
        ------
        InvalidParameter
            A point has no usable road near it, and ``names`` has a parameter.
        NoRouteFound
            No route (or an unsnappable point, without a parameter).
        """
        key = (origin, destination)
        found = self._routes.get(key)
        if found is None:
            try:
                found = self.graph.router.route(origin, destination, self.model)
            except (SnapError, NoRoute) as exc:
                found = exc.with_traceback(None)  # cached: keep no frames alive
            self._routes[key] = found
        if isinstance(found, Route):
            return found
        raise routing_error(found, names) from None

    def steps(self, route: Route) -> list[LegStep]:
        """The turn-by-turn steps of a route of this builder, as documents.

        Parameters
        ----------
        route
            A route of :meth:`route` (same graph, same cost model).

        Returns
        -------
        list of tourroute.plans.LegStep
            Depart, the maneuvers, arrive (:func:`step_document` of each).
        """
        return [step_document(s) for s in route_steps(self.graph.router, route, self.model)]

    def leg(self, origin: Coord, destination: Coord, names: ErrorNames) -> Leg:
        """The leg between two places: nothing to drive if they coincide, else the route.

        Parameters
        ----------
        origin, destination
            The places' (lon, lat).
        names
            What the error names if there is no route.

        Returns
        -------
        Leg

        Raises
        ------
        InvalidParameter
            A point has no usable road near it, and ``names`` has a parameter.
        NoRouteFound
            No route (or an unsnappable point, without a parameter).
        """
        if origin == destination:
            return Leg.staying(origin)
        return Leg.routed(origin, destination, self.route(origin, destination, names))


def step_document(step: Step) -> LegStep:
    """A step of :func:`~tourroute.routing.maneuvers.build_steps` as a document: metres
    and seconds to 0.1, the location to 1e-6°.

    Parameters
    ----------
    step
        The step.

    Returns
    -------
    tourroute.plans.LegStep
    """
    lon, lat = step.location
    return LegStep.model_validate(
        {
            "type": step.kind,
            "modifier": step.modifier,
            "road_ref": step.road_ref,
            "road_name": step.road_name,
            "instruction_vi": step.text_vi,
            "instruction_en": step.text_en,
            "distance_m": round(step.distance_m, 1),
            "duration_s": round(step.duration_s, 1),
            "location": (round(lon, 6), round(lat, 6)),
            "bearing_before": step.bearing_before,
            "bearing_after": step.bearing_after,
        }
    )


def part_steps(
    steps: list[LegStep],
    start_m: float,
    end_m: float,
    coords: Sequence[Coord],
    duration_s: float,
) -> list[LegStep]:
    """The steps of the part of a leg driven from ``start_m`` to ``end_m`` along it.

    A convoy's stop or a meal cuts a leg in parts, each a leg of the plan: a part that
    starts after the leg's start departs from where it starts (on the road driven there),
    one that ends before the leg's end arrives where it ends, and the step a cut falls in
    keeps only the metres on its side.  Durations are scaled to ``duration_s`` (the part's
    time, a convoy's slow-down included), so a part's steps add up to it.

    Parameters
    ----------
    steps
        The whole leg's steps (depart … arrive).
    start_m, end_m
        Where the part starts and ends along the leg, in metres.
    coords
        The part's line (its first and last points are where it departs and arrives).
    duration_s
        The part's driving time.

    Returns
    -------
    list of tourroute.plans.LegStep
    """
    total = sum(s.distance_m for s in steps)
    first = -math.inf if start_m <= 0.5 else start_m  # 0.5 m: the steps' rounding
    last = math.inf if end_m >= total - 0.5 else end_m
    arriving = build_steps([Stretch(tuple(coords), None, None, "unclassified", 0.0, 0.0)], [])[-1]
    kept: list[tuple[LegStep, float, float]] = []  # step, metres, seconds
    at = 0.0
    for step in steps[:-1]:
        lo, hi = at, at + step.distance_m
        at = hi
        if hi <= first or lo >= last:
            continue
        metres = min(hi, last) - max(lo, first)
        seconds = step.duration_s * metres / step.distance_m if step.distance_m else 0.0
        if lo < first:  # the part departs within this step, on its road
            step = _depart(step, coords)
        kept.append((step, metres, seconds))
    if not kept:
        kept.append((_depart(steps[0], coords), 0.0, 0.0))
    arrive = steps[-1]
    if last != math.inf:
        lon, lat = arriving.location
        arrive = arrive.model_copy(
            update={
                "location": (round(lon, 6), round(lat, 6)),
                "bearing_before": arriving.bearing_before,
            }
        )
    timed = sum(seconds for _, _, seconds in kept)
    scale = duration_s / timed if timed > 0 else 0.0
    out = [
        step.model_copy(
            update={"distance_m": round(metres, 1), "duration_s": round(seconds * scale, 1)}
        )
        for step, metres, seconds in kept
    ]
    return [*out, arrive]


def _depart(step: LegStep, coords: Sequence[Coord]) -> LegStep:
    """A departure on ``step``'s road from the start of ``coords``, heading along them."""
    road = Stretch(tuple(coords), step.road_ref, step.road_name, "unclassified", 0.0, 0.0)
    depart = build_steps([road], [])[0]
    lon, lat = depart.location
    return step.model_copy(
        update={
            "type": "depart",
            "modifier": None,
            "instruction_vi": depart.text_vi,
            "instruction_en": depart.text_en,
            "location": (round(lon, 6), round(lat, 6)),
            "bearing_before": 0.0,
            "bearing_after": depart.bearing_after,
        }
    )


def leg_document(legs: LegBuilder, leg: Leg, origin: str, destination: str) -> PlanLeg:
    """The part of a leg that itineraries and tours store alike, its steps included.

    Parameters
    ----------
    legs
        The builder that routed the leg (its graph names the corridors and provinces; its
        cost model times the steps).
    leg
        The leg.
    origin, destination
        The ids the plan knows the two places by.

    Returns
    -------
    tourroute.plans.Leg
        ``from``, ``to``, ``distance_m`` and ``duration_s`` (to 0.1), ``geometry`` (a
        GeoJSON LineString), ``breakdown`` (:func:`breakdown_of` in both languages;
        ``None`` for a place to itself) and ``steps`` (:meth:`LegBuilder.steps`; left
        out for a place to itself); no clock times.
    """
    doc = PlanLeg(
        from_=origin,
        to=destination,
        distance_m=round(leg.distance_m, 1),
        duration_s=round(leg.duration_s, 1),
        geometry=LineStringGeometry(type="LineString", coordinates=list(leg.coords)),
        breakdown=(
            None
            if leg.route is None
            else breakdown_of(legs.graph, [leg.route], "en", both_languages=True)
        ),
    )
    if leg.route is not None:
        doc.steps = legs.steps(leg.route)
    return doc


def _named(names: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    vi, en = names.get(key, (key, key))
    return vi if lang == "vi" else en


def _summary_line(km: float, corridor: str, province: str, lang: str) -> str:
    """One line of the breakdown's plain-language summary, in the response's language.

    >>> _summary_line(61.6, "Đường Hồ Chí Minh", "Nghệ An", "vi")
    '62 km trên Đường Hồ Chí Minh ở Nghệ An'
    >>> _summary_line(61.6, "Hồ Chí Minh road", "Nghe An", "en")
    '62 km on the Hồ Chí Minh road in Nghe An'
    """
    if lang == "vi":
        return f"{km:.0f} km trên {corridor} ở {province}"
    return f"{km:.0f} km on the {corridor} in {province}"


def route_breakdown(
    graph: NetworkGraph, legs: list[Route], lang: str, *, both_languages: bool = False
) -> dict[str, Any]:
    """:func:`breakdown_of` as the JSON object ``/v1/routes`` answers.

    Parameters
    ----------
    graph, legs, lang, both_languages
        As in :func:`breakdown_of`.

    Returns
    -------
    dict
        The breakdown's members (``summary_vi`` and ``summary_en`` only with
        ``both_languages``).
    """
    # The router builds its answer as plain JSON (routes/router.py): the typed rows are
    # dumped here, in the members' order.
    return breakdown_of(graph, legs, lang, both_languages=both_languages).model_dump(
        exclude_unset=True
    )


def breakdown_of(
    graph: NetworkGraph, legs: list[Route], lang: str, *, both_languages: bool = False
) -> Breakdown:
    """Distance by road, corridor, province and both, and a plain-language summary.

    A stored document (an itinerary, a tour) also keeps ``summary_vi`` and ``summary_en``,
    since it is answered later to readers of either language.

    Parameters
    ----------
    graph
        The road graph the legs were routed on (the corridors' and provinces' names).
    legs
        The routes to add up.
    lang
        ``vi`` or ``en``: the language of ``summary`` and of the rows' names.
    both_languages
        Also give ``summary_vi`` and ``summary_en``.

    Returns
    -------
    tourroute.plans.Breakdown
        ``by_ref``, ``by_corridor``, ``by_province`` and ``by_corridor_and_province``
        (metres to 0.1, longest first) and ``summary`` (a line per corridor and province
        of 1 km or more).
    """
    by_ref: dict[str, float] = {}
    by_corridor: dict[str, float] = {}
    by_province: dict[str, float] = {}
    by_both: dict[tuple[str, str], float] = {}
    for leg in legs:
        for target, source in (
            (by_ref, leg.by_ref),
            (by_corridor, leg.by_corridor),
            (by_province, leg.by_province),
        ):
            for k, v in source.items():
                target[k] = target.get(k, 0.0) + v
        for k2, v in leg.by_corridor_province.items():
            by_both[k2] = by_both.get(k2, 0.0) + v

    def longest_first(d: dict[str, float]) -> list[tuple[str, float]]:
        return sorted(d.items(), key=lambda kv: -kv[1])

    def named(names: dict[str, tuple[str, str]], key: str) -> str:
        return _named(names, key, lang)

    def summary(language: str) -> list[str]:
        return [
            _summary_line(
                v / 1000,
                _named(graph.corridor_names, c, language),
                _named(graph.province_names, p, language),
                language,
            )
            for (c, p), v in sorted(by_both.items(), key=lambda kv: -kv[1])
            if v >= 1000
        ]

    breakdown = Breakdown(
        by_ref=[RefDistance(ref=k, distance_m=round(v, 1)) for k, v in longest_first(by_ref)],
        by_corridor=[
            CorridorDistance(
                corridor=k, distance_m=round(v, 1), name=named(graph.corridor_names, k)
            )
            for k, v in longest_first(by_corridor)
        ],
        by_province=[
            ProvinceDistance(
                province=k, distance_m=round(v, 1), name=named(graph.province_names, k)
            )
            for k, v in longest_first(by_province)
        ],
        by_corridor_and_province=[
            CorridorProvinceDistance(corridor=c, province=p, distance_m=round(v, 1))
            for (c, p), v in sorted(by_both.items(), key=lambda kv: -kv[1])
        ],
        summary=summary(lang),
    )
    if both_languages:
        breakdown.summary_vi = summary("vi")
        breakdown.summary_en = summary("en")
    return breakdown
