"""Every query about stored itineraries."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tourroute.itineraries.models import Itinerary

__all__ = ["ItineraryRepository"]


class ItineraryRepository:
    """Stored itineraries: composed plans, read back whole by id."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, itinerary_id: str) -> Itinerary | None:
        """The itinerary with this id.

        Parameters
        ----------
        itinerary_id
            Its id (32 hex digits).

        Returns
        -------
        Itinerary or None
            The row, or ``None`` if there is none.
        """
        return self.session.get(Itinerary, itinerary_id)

    def add(self, itinerary: Itinerary) -> None:
        """Add a composed itinerary to the session (the caller flushes).

        Parameters
        ----------
        itinerary
            The new row.
        """
        self.session.add(itinerary)
