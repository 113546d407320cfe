"""The plan document: the typed days → visits → legs of a composed itinerary or a tour.

:mod:`tourroute.itineraries` (the composer) and :mod:`tourroute.tours` (a tour's days as
written) store a plan in one document shape; :mod:`tourroute.exports` renders it. The shape
is :class:`~tourroute.plans.document.Plan`: a stored document is validated against it where
it is read (``Plan.model_validate(row.plan)``), so a producer that drifts from it is caught.
"""

from tourroute.plans.document import (
    Break,
    Breakdown,
    Day,
    DayEnd,
    DayStart,
    DayTotals,
    LeftOutSite,
    Leg,
    LineStringGeometry,
    Overnight,
    Plan,
    PlanConvoy,
    PlanMeals,
    PlanPlace,
    PlanTotals,
    SolverStats,
    StopWarning,
    Visit,
)

__all__ = [
    "Break",
    "Breakdown",
    "Day",
    "DayEnd",
    "DayStart",
    "DayTotals",
    "LeftOutSite",
    "Leg",
    "LineStringGeometry",
    "Overnight",
    "Plan",
    "PlanConvoy",
    "PlanMeals",
    "PlanPlace",
    "PlanTotals",
    "SolverStats",
    "StopWarning",
    "Visit",
]
