"""Exports of a stored plan: GeoJSON for maps, GPX for GPS units, iCalendar for calendars.

All three are built from the stored plan document, so an export always matches what the
API answered, whatever happened to the network since.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import gpxpy.gpx
import icalendar

from tourroute.localtime import LOCAL_ZONE


def _stops(plan: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return [(day["day"], stop) for day in plan["days"] for stop in day["stops"]]


def to_geojson(itinerary_id: str, plan: dict[str, Any]) -> dict[str, Any]:
    """A FeatureCollection: one LineString per leg, one Point per visit and overnight."""
    features: list[dict[str, Any]] = []
    for day in plan["days"]:
        for i, leg in enumerate(day["legs"]):
            features.append(
                {
                    "type": "Feature",
                    "id": f"day{day['day']}-leg{i + 1}",
                    "geometry": leg["geometry"],
                    "properties": {
                        "kind": "leg",
                        "day": day["day"],
                        "from": leg["from"],
                        "to": leg["to"],
                        "distance_m": leg["distance_m"],
                        "duration_s": leg["duration_s"],
                    },
                }
            )
        for order, stop in enumerate(day["stops"], start=1):
            features.append(
                {
                    "type": "Feature",
                    "id": f"day{day['day']}-stop{order}",
                    "geometry": {"type": "Point", "coordinates": stop["location"]},
                    "properties": {
                        "kind": "visit",
                        "day": day["day"],
                        "order": order,
                        "site": stop.get("site"),
                        "name": stop.get("name_en"),
                        "name_vi": stop.get("name_vi"),
                        "arrival": stop["arrival"],
                        "departure": stop["departure"],
                    },
                }
            )
        if day.get("overnight"):
            night = day["overnight"]
            features.append(
                {
                    "type": "Feature",
                    "id": f"day{day['day']}-overnight",
                    "geometry": {"type": "Point", "coordinates": night["location"]},
                    "properties": {
                        "kind": "overnight",
                        "day": day["day"],
                        "site": night.get("site"),
                        "name": night.get("name_en"),
                    },
                }
            )
    return {
        "type": "FeatureCollection",
        "id": itinerary_id,
        "features": features,
        "properties": {"score": plan["score"], "vehicle": plan["vehicle"]},
        "attribution": "Map data © OpenStreetMap contributors (ODbL)",
    }


def to_gpx(itinerary_id: str, plan: dict[str, Any]) -> str:
    """GPX 1.1: one route per day (its legs' shape points, visits as named route points)
    and a waypoint per visit and overnight, which GPS tools list and navigate to."""
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "tourroute"
    gpx.name = f"tourroute itinerary {itinerary_id}"
    for day in plan["days"]:
        route = gpxpy.gpx.GPXRoute(name=f"Day {day['day']} ({day['date']})")
        names = {s["id"]: s.get("name_en") or s["id"] for s in day["stops"]}
        for leg in day["legs"]:
            coords = leg["geometry"]["coordinates"]
            if route.points:
                coords = coords[1:]
            for lon, lat in coords:
                route.points.append(gpxpy.gpx.GPXRoutePoint(latitude=lat, longitude=lon))
            if route.points and leg["to"] in names:
                route.points[-1].name = names[leg["to"]]
        gpx.routes.append(route)
        for stop in day["stops"]:
            lon, lat = stop["location"]
            gpx.waypoints.append(
                gpxpy.gpx.GPXWaypoint(
                    latitude=lat,
                    longitude=lon,
                    name=stop.get("name_en") or stop["id"],
                    description=f"Day {day['day']}: {stop['arrival']} – {stop['departure']}",
                    type="visit",
                    time=datetime.fromisoformat(stop["arrival"]),
                )
            )
        if day.get("overnight"):
            night = day["overnight"]
            lon, lat = night["location"]
            gpx.waypoints.append(
                gpxpy.gpx.GPXWaypoint(
                    latitude=lat,
                    longitude=lon,
                    name=night.get("name_en") or night["id"],
                    description=f"Night after day {day['day']}",
                    type="overnight",
                )
            )
    return str(gpx.to_xml(version="1.1"))


def to_ics(itinerary_id: str, plan: dict[str, Any], created: datetime) -> bytes:
    """iCalendar: one VEVENT per visit, with its place, coordinates and the day's plan."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//tourroute//itinerary//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"tourroute itinerary {itinerary_id}")
    for day_no, stop in _stops(plan):
        event = icalendar.Event()
        event.add("uid", f"{itinerary_id}-{day_no}-{stop['id']}@tourroute")
        event.add("dtstamp", created)
        # In the region's IANA zone (TZID=Asia/Ho_Chi_Minh, with its VTIMEZONE below), not
        # a bare offset: calendar apps elsewhere then show the visit at the right time.
        event.add("dtstart", datetime.fromisoformat(stop["visit_start"]).astimezone(LOCAL_ZONE))
        event.add("dtend", datetime.fromisoformat(stop["departure"]).astimezone(LOCAL_ZONE))
        event.add("summary", stop.get("name_en") or stop["id"])
        lon, lat = stop["location"]
        event.add("location", f"{stop.get('name_vi') or stop['id']} ({lat:.6f}, {lon:.6f})")
        event.add("geo", (lat, lon))
        if stop.get("opening_hours"):
            event.add("description", f"Day {day_no}. Opening hours: {stop['opening_hours']}")
        else:
            event.add("description", f"Day {day_no}.")
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
