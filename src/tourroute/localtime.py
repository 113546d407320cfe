"""Local clock times of the region (Asia/Ho_Chi_Minh, UTC+07:00, no daylight saving).

Itinerary windows and planned visit times are wall-clock times in the three provinces. A
client may send ``08:00`` or ``08:00+07:00``; any other offset is refused with a message
rather than silently shifted (and never compared with a naive time, which would raise).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator

__all__ = ["LOCAL_OFFSET", "LOCAL_ZONE", "LocalTime", "as_local_time", "today_local"]

LOCAL_OFFSET = timedelta(hours=7)
# The IANA zone, for what calendar apps read (iCalendar TZID + VTIMEZONE); the tzdata
# package supplies it where the system has no zoneinfo database.
LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def as_local_time(value: time) -> time:
    """The naive local time of ``value``; an explicit +07:00 is accepted, others refused."""
    if value.tzinfo is None:
        return value
    if value.utcoffset() != LOCAL_OFFSET:
        raise ValueError("times are local times (+07:00); send HH:MM without an offset")
    return value.replace(tzinfo=None)


LocalTime = Annotated[time, AfterValidator(as_local_time)]


def today_local() -> date:
    """Today's date in the region (it may already be tomorrow there while it is not in UTC)."""
    return datetime.now(LOCAL_ZONE).date()
