"""The plan document's models on small hand-written documents: both producers' shapes,
drift caught, re-dating a plan."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from tourroute.exports.geojson import to_geojson
from tourroute.plans import Plan, StopWarning, plan_document

_PLACE = {
    "id": "kim-lien",
    "location": [105.6, 18.7],
    "site": "kim-lien",
    "name_vi": "Kim Liên",
    "name_en": "Kim Lien",
    "kind": "attraction",
}
_LEG = {
    "from": "kim-lien",
    "to": "kim-lien",
    "distance_m": 0.0,
    "duration_s": 0.0,
    "geometry": {"type": "LineString", "coordinates": [[105.6, 18.7], [105.6, 18.7]]},
    "breakdown": None,
}


def _tour_plan() -> dict[str, Any]:
    place = _PLACE | {"province": "VN-22"}
    return {
        "vehicle": "car",
        "start_date": "2026-12-04",
        "days": [
            {
                "day": 1,
                "date": "2026-12-04",
                "start": place | {"departure": "2026-12-04T08:00:00+07:00"},
                "stops": [
                    place
                    | {
                        "arrival": "2026-12-04T08:00:00+07:00",
                        "wait_s": 0,
                        "visit_start": "2026-12-04T08:00:00+07:00",
                        "departure": "2026-12-04T10:00:00+07:00",
                        "visit_s": 7200,
                        "opening_hours": None,
                    }
                ],
                "legs": [],
                "overnight": None,
                "end": place | {"arrival": "2026-12-04T10:00:00+07:00"},
                "totals": {"driving_s": 0.0, "distance_m": 0.0, "visits": 1},
            }
        ],
        "score": None,
        "totals": {"driving_s": 0.0, "distance_m": 0.0, "visits": 1},
        "provinces": ["VN-22"],
        "warnings": [{"day": 1, "stop": "kim-lien", "field": "days.0.stops.0", "message": "x"}],
        "network_version": "v1",
    }


def _itinerary_plan() -> dict[str, Any]:
    plan = _tour_plan()
    del plan["provinces"]
    day = plan["days"][0]
    for place in (day["start"], day["end"], *day["stops"]):
        del place["province"]
    day["stops"][0]["score"] = 1.5
    day["legs"] = [_LEG | {"departure": "2026-12-04T10:00:00+07:00"} | {"arrival": None}]
    day["breaks"] = [
        {
            "type": "fuel",
            "reason": "regroup",
            "start": "2026-12-04T10:00:00+07:00",
            "end": "2026-12-04T10:20:00+07:00",
            "duration_s": 1200,
            "place": {"id": "a>b@1000", "site": None, "location": None},
            "near_route": False,
            "note_en": "no fuel station within reach: regroup by the road",
            "note_vi": "không có cây xăng gần: đoàn tập hợp bên đường",
        }
    ]
    day["problems"] = []
    day["totals"] |= {"breaks": 1, "score": 1.5, "max_continuous_driving_s": 0.0}
    return plan | {
        "route_vehicle": "car",
        "convoy": {
            "cars": 2,
            "motorbikes": 0,
            "regroup_every_min": 120,
            "refuel_every_km": 150,
            "stop_min": 20,
            "vehicles": 2,
            "factor": 1.1,
        },
        "meals": {"lunch": None, "dinner": None},
        "score": 1.5,
        "unplaced": [],
        "skipped": [{"site": "lam-kinh", "reason": "too far"}],
        "warnings": ["start_date 2026-12-04 is in the past (today is 2026-12-06)"],
        "attribution": "Map data © OpenStreetMap contributors (ODbL)",
        "solver": {
            "seed": 0,
            "iterations": 10,
            "elapsed_s": 0.1,
            "timed_out": False,
            "candidates": 3,
            "overnight_candidates": 0,
        },
    }


def test_both_producers_shapes_validate() -> None:
    tour = Plan.model_validate(_tour_plan())
    assert tour.score is None
    assert isinstance(tour.warnings[0], StopWarning)
    itinerary = Plan.model_validate(_itinerary_plan())
    assert itinerary.days[0].breaks is not None
    assert itinerary.days[0].breaks[0].place.location is None
    assert itinerary.days[0].legs[0].from_ == "kim-lien"
    assert itinerary.warnings == ["start_date 2026-12-04 is in the past (today is 2026-12-06)"]


@pytest.mark.parametrize(
    "drift",
    [
        lambda p: p.update(colour="red"),
        lambda p: p["days"][0].update(weather="sunny"),
        lambda p: p["days"][0]["stops"][0].update(price=10),
        lambda p: p["days"][0]["stops"][0].pop("visit_start"),
        lambda p: p["days"][0]["legs"][0]["geometry"].update(type="Point"),
        lambda p: p["days"][0]["breaks"][0].update(type="picnic"),
        lambda p: p["totals"].pop("visits"),
    ],
)
def test_drift_is_caught(drift: Any) -> None:
    plan = copy.deepcopy(_itinerary_plan())
    drift(plan)
    with pytest.raises(ValidationError):
        Plan.model_validate(plan)


def test_redated_moves_every_date_and_time_by_whole_days() -> None:
    plan = Plan.model_validate(_itinerary_plan())
    moved = plan.redated(date(2027, 1, 2))
    assert moved.start_date == date(2027, 1, 2)
    day = moved.days[0]
    assert day.date == date(2027, 1, 2)
    assert day.start.departure.isoformat() == "2027-01-02T08:00:00+07:00"
    assert day.end.arrival.isoformat() == "2027-01-02T10:00:00+07:00"
    stop = day.stops[0]
    assert [stop.arrival.isoformat(), stop.visit_start.isoformat()] == [
        "2027-01-02T08:00:00+07:00",
        "2027-01-02T08:00:00+07:00",
    ]
    assert day.legs[0].departure is not None
    assert day.legs[0].departure.isoformat() == "2027-01-02T10:00:00+07:00"
    assert day.legs[0].arrival is None
    assert day.breaks is not None
    assert day.breaks[0].end.isoformat() == "2027-01-02T10:20:00+07:00"
    assert plan.start_date == date(2026, 12, 4)  # the original is unchanged
    assert plan.redated(plan.start_date) == plan


def test_geojson_of_a_plan() -> None:
    doc = to_geojson("abc", Plan.model_validate(_itinerary_plan())).model_dump(
        mode="json", by_alias=True
    )
    assert [f["id"] for f in doc["features"]] == ["day1-leg1", "day1-stop1"]
    assert doc["features"][0]["properties"]["from"] == "kim-lien"
    assert doc["features"][1]["properties"]["arrival"] == "2026-12-04T08:00:00+07:00"
    assert doc["properties"] == {"score": 1.5, "vehicle": "car"}


def test_plan_document_is_the_document_a_producer_wrote() -> None:
    written = _tour_plan()
    # A tour's day at one stop drives nothing: its totals (and the plan's, with no other
    # day) were written as a sum of no legs, 0.
    written["days"][0]["totals"] |= {"driving_s": 0, "distance_m": 0}
    written["totals"] |= {"driving_s": 0, "distance_m": 0}
    stored = plan_document(Plan.model_validate(written))
    assert json.dumps(stored) == json.dumps(written)
    assert stored["totals"]["driving_s"] == 0
    assert isinstance(stored["totals"]["driving_s"], int)


def test_plan_document_keeps_the_members_set_in_the_models_order() -> None:
    stored = plan_document(Plan.model_validate(_itinerary_plan()))
    assert list(stored)[:5] == ["vehicle", "route_vehicle", "convoy", "meals", "start_date"]
    assert "provinces" not in stored
    assert "request" not in stored
    (day,) = stored["days"]
    assert list(day) == [
        "day",
        "date",
        "start",
        "stops",
        "breaks",
        "legs",
        "overnight",
        "end",
        "problems",
        "totals",
    ]
    # A day with a leg: float totals; a regroup point by the road: id, site, location.
    assert isinstance(day["totals"]["driving_s"], float)
    assert list(day["breaks"][0]["place"]) == ["id", "site", "location"]
    place = ["id", "location", "site", "name_vi", "name_en", "kind"]
    assert list(day["start"]) == [*place, "departure"]
    assert day["legs"][0]["from"] == "kim-lien"
    assert Plan.model_validate(stored) == Plan.model_validate(_itinerary_plan())
