"""A plan as GPX 1.1: a route per day and a waypoint per visit and overnight place."""

from __future__ import annotations

import gpxpy.gpx

from tourroute.plans import Plan

__all__ = ["GPX", "to_gpx"]

GPX = "application/gpx+xml"


def to_gpx(name: str, plan: Plan) -> bytes:
    """GPX 1.1: one route per day (its legs' shape points, visits as named route points)
    and a waypoint per visit and overnight, which GPS tools list and navigate to.

    ``name`` (an itinerary's id, a tour's slug) names the document.
    """
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "tourroute"
    gpx.name = f"tourroute itinerary {name}"
    for day in plan.days:
        route = gpxpy.gpx.GPXRoute(name=f"Day {day.day} ({day.date.isoformat()})")
        names = {s.id: s.name_en or s.id for s in day.stops}
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
                    name=stop.name_en or stop.id,
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
                    name=night.name_en or night.id,
                    description=f"Night after day {day.day}",
                    type="overnight",
                )
            )
    return str(gpx.to_xml(version="1.1")).encode()
