"""Import every ORM model so that ``Base.metadata`` is complete (Alembic, tests)."""

from tourroute.accounts.models import Agency, ApiToken, Principal
from tourroute.db.audit import AuditEntry
from tourroute.db.base import Base
from tourroute.itineraries.models import Itinerary
from tourroute.network.models import Corridor, RoadSegment, SegmentCorridor
from tourroute.provinces.models import Province
from tourroute.sites.models import Site, SiteCategory, SiteTransition
from tourroute.tours.models import Tour, TourStop, TourTheme, TourVersion

__all__ = [
    "Agency",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Corridor",
    "Itinerary",
    "Principal",
    "Province",
    "RoadSegment",
    "SegmentCorridor",
    "Site",
    "SiteCategory",
    "SiteTransition",
    "Tour",
    "TourStop",
    "TourTheme",
    "TourVersion",
]
