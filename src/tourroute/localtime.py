"""Local time of the region (Asia/Ho_Chi_Minh, UTC+07:00, no daylight saving): the one place.

Every timestamp the API answers with is ISO 8601 in +07:00 (the API conventions). The
database keeps instants in UTC — SQLite hands them back naive, PostGIS aware — and
:func:`to_local` turns either into local time; response models declare such members as
:data:`LocalDateTime`, documents stored as JSON (audit before/after, tour versions) as
:data:`LocalDocument`, so no endpoint has to remember it.

Itinerary windows and planned visit times are wall-clock times in the three provinces. A
client may send ``08:00`` or ``08:00+07:00``; any other offset is refused with a message
rather than silently shifted (and never compared with a naive time, which would raise).
An instant a client sends (the audit log's ``since``) may be naive, meaning local time, or
carry any offset: :func:`as_local_instant`.

The API's local time is +07:00 on every date. The IANA zone also records Saigon's +08:00
before 1975, which the provinces served (in the North then) never used; so the datetimes
made here carry the fixed offset, and :data:`LOCAL_ZONE` is for naming the zone (calendar
apps read its TZID), not for arithmetic on dates long past.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, PlainSerializer

from tourroute.i18n import LocalizedValueError
from tourroute.i18n import messages as msgs

__all__ = [
    "LOCAL_OFFSET",
    "LOCAL_ZONE",
    "LocalDateTime",
    "LocalDocument",
    "LocalTime",
    "as_local_instant",
    "as_local_time",
    "local_datetime",
    "localize_document",
    "now_local",
    "to_local",
    "today_local",
]

LOCAL_OFFSET = timedelta(hours=7)
# The IANA zone, for what calendar apps read (iCalendar TZID + VTIMEZONE); the tzdata
# package supplies it where the system has no zoneinfo database.
LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# What every local datetime made here carries: +07:00 whatever the date (see above).
_LOCAL = timezone(LOCAL_OFFSET, "ICT")


def to_local(moment: datetime) -> datetime:
    """``moment`` in local time (+07:00); naive means UTC, as the database stores it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_LOCAL)


def as_local_instant(moment: datetime) -> datetime:
    """An instant a client sent, in local time: naive means local, an offset is honoured."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=_LOCAL)
    return moment.astimezone(_LOCAL)


def now_local() -> datetime:
    """The current instant in local time."""
    return datetime.now(_LOCAL)


def today_local() -> date:
    """Today's date in the region (it may already be tomorrow there while it is not in UTC)."""
    return now_local().date()


def local_datetime(day: date, at: time = time()) -> datetime:
    """The aware local datetime of wall-clock time ``at`` (naive, local) on ``day``."""
    return datetime.combine(day, at, _LOCAL)


def _serialize(moment: datetime) -> datetime:
    return to_local(moment)


# A timestamp member of a response model: whatever it is given (a naive UTC datetime from
# SQLite, an aware one from PostGIS or a fresh write, an ISO string), it holds and writes
# the instant in +07:00. Not for input from clients (naive there means local: see above).
LocalDateTime = Annotated[
    datetime,
    AfterValidator(to_local),
    PlainSerializer(_serialize, return_type=datetime),
]

# An ISO 8601 date-time with an offset (or Z), as written into stored JSON documents.
_ISO_INSTANT = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})$"
)


def localize_document(value: Any) -> Any:
    """``value`` with every date-time string that carries an offset re-expressed in +07:00.

    For JSON documents kept as they were written (the audit log's before/after, a tour's
    saved versions), some of which were written in UTC: the same instants, in the API's
    offset. Naive date-times and everything else are left as they are.
    """
    if isinstance(value, dict):
        return {k: localize_document(v) for k, v in value.items()}
    if isinstance(value, list):
        return [localize_document(v) for v in value]
    if isinstance(value, str) and _ISO_INSTANT.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:  # e.g. a 25th hour: not a date-time after all
            return value
        return moment.astimezone(_LOCAL).isoformat()
    return value


LocalDocument = Annotated[dict[str, Any], AfterValidator(localize_document)]


def as_local_time(value: time) -> time:
    """The naive local time of ``value``; an explicit +07:00 is accepted, others refused."""
    if value.tzinfo is None:
        return value
    if value.utcoffset() != LOCAL_OFFSET:
        raise LocalizedValueError(msgs.LOCAL_TIME_OFFSET())
    return value.replace(tzinfo=None)


LocalTime = Annotated[time, AfterValidator(as_local_time)]
