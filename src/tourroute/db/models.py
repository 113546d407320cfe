"""Import every ORM model so that ``Base.metadata`` is complete (Alembic, tests)."""

from tourroute.db.base import Base
from tourroute.itineraries.models import Itinerary
from tourroute.network.models import Corridor, RoadSegment, SegmentCorridor
from tourroute.provinces.models import Province
from tourroute.sites.models import Site, SiteCategory

__all__ = [
    "Base",
    "Corridor",
    "Itinerary",
    "Province",
    "RoadSegment",
    "SegmentCorridor",
    "Site",
    "SiteCategory",
]
