"""A published tour as an offline trip: what ``GET /v1/tours/{slug}/offline`` and
``tourroute offline sizes`` pack (the same files, so the sizes measured are those served)."""

from __future__ import annotations

from tourroute.accounts.domain import as_utc
from tourroute.offline.service import OfflineTrip, plan_files
from tourroute.plans import Plan
from tourroute.tours.documents import tour_read
from tourroute.tours.models import Tour

__all__ = ["tour_trip"]


def tour_trip(tour: Tour, language: str, base: str) -> OfflineTrip:
    """The tour on its nominal dates; ``plan.json`` is what ``GET base`` answers in
    ``language``, and the calendar is the one ``GET base.ics`` serves."""
    plan = Plan.model_validate(tour.plan)

    def files() -> dict[str, bytes]:
        document = tour_read(tour, language, base).model_dump(mode="json")
        calendar_id = f"{tour.slug}-{plan.start_date.isoformat()}"
        return plan_files(tour.slug, plan, document, calendar_id, as_utc(tour.updated_at))

    return OfflineTrip("tour", tour.slug, tour.version, base, plan, files)
