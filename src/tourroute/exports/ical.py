"""A plan as iCalendar: one event per visit, in the region's time zone."""

from __future__ import annotations

from datetime import datetime

import icalendar

from tourroute.localtime import LOCAL_ZONE
from tourroute.plans import Plan

__all__ = ["ICALENDAR", "to_ics"]

ICALENDAR = "text/calendar"


def to_ics(calendar_id: str, plan: Plan, created: datetime) -> bytes:
    """iCalendar: one VEVENT per visit, with its place, coordinates and the day's plan.

    ``calendar_id`` names the calendar and starts every event's UID; ``created`` is the
    events' DTSTAMP.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", "-//tourroute//itinerary//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"tourroute itinerary {calendar_id}")
    for day in plan.days:
        for stop in day.stops:
            event = icalendar.Event()
            event.add("uid", f"{calendar_id}-{day.day}-{stop.id}@tourroute")
            event.add("dtstamp", created)
            # In the region's IANA zone (TZID=Asia/Ho_Chi_Minh, with its VTIMEZONE below),
            # not a bare offset: calendar apps elsewhere then show the visit at the right time.
            event.add("dtstart", stop.visit_start.astimezone(LOCAL_ZONE))
            event.add("dtend", stop.departure.astimezone(LOCAL_ZONE))
            event.add("summary", stop.name_en or stop.id)
            lon, lat = stop.location
            event.add("location", f"{stop.name_vi or stop.id} ({lat:.6f}, {lon:.6f})")
            event.add("geo", (lat, lon))
            if stop.opening_hours:
                event.add("description", f"Day {day.day}. Opening hours: {stop.opening_hours}")
            else:
                event.add("description", f"Day {day.day}.")
            cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
