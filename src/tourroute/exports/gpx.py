"""A plan as GPX 1.1: a route per day, a route of turn-by-turn directions per leg, and a
waypoint per visit and overnight place."""

from __future__ import annotations

import gpxpy.gpx

from tourroute.plans import Day, Leg, LegStep, Plan, PlanPlace

__all__ = ["GPX", "to_gpx"]

GPX = "application/gpx+xml"


def to_gpx(name: str, plan: Plan, lang: str = "en") -> bytes:
    """GPX 1.1: one route per day (its legs' shape points, visits as named route points,
    ``type`` ``day``), one route per leg with a route point at each turn-by-turn step
    (``type`` ``directions``: the instruction as its name, with the distance to the next
    step in its description, so a navigation app reads them out) and a waypoint per visit
    and overnight, which GPS tools list and navigate to.

    ``name`` (an itinerary's id, a tour's slug) names the document; ``lang`` (``vi`` or
    ``en``) is the language of the places' names and of the directions.  A leg stored
    before steps were kept has no directions route.
    """
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "tourroute"
    gpx.name = f"tourroute itinerary {name}"
    for day in plan.days:
        label = "Ngày" if lang == "vi" else "Day"
        route = gpxpy.gpx.GPXRoute(name=f"{label} {day.day} ({day.date.isoformat()})")
        route.type = "day"
        names = {s.id: _name(s, lang) for s in day.stops}
        for leg in day.legs:
            coords = leg.geometry.coordinates
            if route.points:
                coords = coords[1:]
            for lon, lat in coords:
                route.points.append(gpxpy.gpx.GPXRoutePoint(latitude=lat, longitude=lon))
            if route.points and leg.to in names:
                route.points[-1].name = names[leg.to]
        gpx.routes.append(route)
        for stop in day.stops:
            lon, lat = stop.location
            gpx.waypoints.append(
                gpxpy.gpx.GPXWaypoint(
                    latitude=lat,
                    longitude=lon,
                    name=_name(stop, lang),
                    description=(
                        f"Day {day.day}: {stop.arrival.isoformat()} – {stop.departure.isoformat()}"
                    ),
                    type="visit",
                    time=stop.arrival,
                )
            )
        if day.overnight is not None:
            night = day.overnight
            lon, lat = night.location
            gpx.waypoints.append(
                gpxpy.gpx.GPXWaypoint(
                    latitude=lat,
                    longitude=lon,
                    name=_name(night, lang),
                    description=f"Night after day {day.day}",
                    type="overnight",
                )
            )
    for day in plan.days:
        for leg in day.legs:
            if leg.steps:
                gpx.routes.append(_directions(day, leg, leg.steps, lang))
    return str(gpx.to_xml(version="1.1")).encode()


def _name(place: PlanPlace, lang: str) -> str:
    return (place.name_vi if lang == "vi" else place.name_en) or place.id


def _place_names(day: Day, lang: str) -> dict[str, str]:
    places: list[PlanPlace] = [day.start, *day.stops, day.end]
    if day.overnight is not None:
        places.append(day.overnight)
    return {p.id: _name(p, lang) for p in places}


def _directions(day: Day, leg: Leg, steps: list[LegStep], lang: str) -> gpxpy.gpx.GPXRoute:
    """A leg's steps as a GPX route: a route point per maneuver."""
    names = _place_names(day, lang)
    a, b = names.get(leg.from_, leg.from_), names.get(leg.to, leg.to)
    title = f"Ngày {day.day}: {a} → {b}" if lang == "vi" else f"Day {day.day}: {a} → {b}"
    route = gpxpy.gpx.GPXRoute(name=title)
    route.type = "directions"
    for step in steps:
        lon, lat = step.location
        text = step.instruction_vi if lang == "vi" else step.instruction_en
        point = gpxpy.gpx.GPXRoutePoint(latitude=lat, longitude=lon, name=text)
        point.type = step.type
        if step.type == "arrive":
            point.description = f"{text}: {b}"
        elif lang == "vi":
            point.description = f"{text}, rồi đi {_distance(step.distance_m, lang)}"
        else:
            point.description = f"{text}, then drive {_distance(step.distance_m, lang)}"
        route.points.append(point)
    return route


def _distance(metres: float, lang: str) -> str:
    """``350 m``, ``2.3 km`` (``2,3 km`` in Vietnamese), ``148 km``.

    >>> _distance(349.6, "en"), _distance(2340, "en"), _distance(2340, "vi")
    ('350 m', '2.3 km', '2,3 km')
    >>> _distance(148_108, "en")
    '148 km'
    """
    if metres < 1000:
        return f"{metres:.0f} m"
    text = f"{metres / 1000:.1f} km" if metres < 10_000 else f"{metres / 1000:.0f} km"
    return text.replace(".", ",") if lang == "vi" else text
