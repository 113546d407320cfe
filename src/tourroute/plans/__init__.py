"""The plan document: the typed days → visits → legs of a composed itinerary or a tour.

:mod:`tourroute.itineraries` (the composer) and :mod:`tourroute.tours` (a tour's days as
written) store a plan in one document shape; :mod:`tourroute.exports` renders it. The shape
is :class:`~tourroute.plans.document.Plan`: the producers build these models and store
:func:`~tourroute.plans.document.plan_document` of them, and a stored document is validated
against it where it is read (``Plan.model_validate(row.plan)``).
"""

from tourroute.plans.document import (
    Break,
    Breakdown,
    CorridorDistance,
    CorridorProvinceDistance,
    Day,
    DayEnd,
    DayStart,
    DayTotals,
    LeftOutSite,
    Leg,
    LegStep,
    LineStringGeometry,
    Overnight,
    Plan,
    PlanConvoy,
    PlanMeals,
    PlanMealWindow,
    PlanPlace,
    PlanTotals,
    ProvinceDistance,
    RefDistance,
    SolverStats,
    StopWarning,
    Visit,
    plan_document,
    without_steps,
)

__all__ = [
    "Break",
    "Breakdown",
    "CorridorDistance",
    "CorridorProvinceDistance",
    "Day",
    "DayEnd",
    "DayStart",
    "DayTotals",
    "LeftOutSite",
    "Leg",
    "LegStep",
    "LineStringGeometry",
    "Overnight",
    "Plan",
    "PlanConvoy",
    "PlanMealWindow",
    "PlanMeals",
    "PlanPlace",
    "PlanTotals",
    "ProvinceDistance",
    "RefDistance",
    "SolverStats",
    "StopWarning",
    "Visit",
    "plan_document",
    "without_steps",
]
