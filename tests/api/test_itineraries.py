"""POST /v1/itineraries on the seeded region, the stored plan and its exports (both backends)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import gpxpy
import icalendar
import pytest
from fastapi.testclient import TestClient

from tests.builders import _check_plan

HERITAGE = {
    "start": "thanh-nha-ho",
    "end": "thien-cam",
    "start_date": "2026-12-04",
    "days": 3,
    "must_visit": ["kim-lien"],
    "themes": {"heritage": 2, "revolutionary-history": 1},
    "max_candidates": 40,
}


def _compose(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/itineraries", json=body)
    assert response.status_code == 201, response.text
    assert response.headers["location"].endswith(response.json()["id"])
    out: dict[str, Any] = response.json()
    return out


def test_heritage_itinerary_is_feasible_stored_and_exported(client: TestClient) -> None:
    plan = _compose(client, **HERITAGE)
    assert [d["day"] for d in plan["days"]] == [1, 2, 3]
    assert plan["days"][0]["start"]["site"] == "thanh-nha-ho"
    assert plan["days"][-1]["end"]["site"] == "thien-cam"
    assert "kim-lien" in [s["site"] for d in plan["days"] for s in d["stops"]]
    assert plan["unplaced"] == []
    _check_plan(client, plan, cap_h=6)

    stored = client.get(f"/v1/itineraries/{plan['id']}")
    assert stored.status_code == 200
    assert stored.json()["days"] == plan["days"]
    again = client.get(
        f"/v1/itineraries/{plan['id']}", headers={"If-None-Match": stored.headers["etag"]}
    )
    assert again.status_code == 304

    geo = client.get(plan["links"]["geojson"])
    assert geo.headers["content-type"].startswith("application/geo+json")
    kinds = [f["properties"]["kind"] for f in geo.json()["features"]]
    assert kinds.count("visit") == plan["totals"]["visits"]
    assert kinds.count("overnight") == 2
    assert kinds.count("leg") == sum(len(d["legs"]) for d in plan["days"])

    gpx = gpxpy.parse(client.get(plan["links"]["gpx"]).text)
    days = [r for r in gpx.routes if r.type == "day"]
    assert len(days) == 3
    assert len(gpx.waypoints) == plan["totals"]["visits"] + 2
    assert all(len(r.points) > 2 for r in days)

    cal = icalendar.Calendar.from_ical(client.get(plan["links"]["ics"]).content)
    events = list(cal.walk("VEVENT"))
    assert len(events) == plan["totals"]["visits"]
    assert all(e.get("geo") is not None for e in events)
    # A real time zone, not a fixed offset: TZID=Asia/Ho_Chi_Minh with its VTIMEZONE, and
    # the aware times read back equal the plan's (so apps elsewhere show the right hour).
    (zone,) = list(cal.walk("VTIMEZONE"))
    assert str(zone["TZID"]) == "Asia/Ho_Chi_Minh"
    raw = client.get(plan["links"]["ics"]).text
    assert "DTSTART;TZID=Asia/Ho_Chi_Minh:" in raw
    planned = {s["id"]: s for d in plan["days"] for s in d["stops"]}
    for event in events:
        start = event.decoded("dtstart")
        assert start.tzinfo is not None
        assert start.utcoffset() == timedelta(hours=7)
        stop = planned[str(event["uid"]).split("-", 2)[2].split("@")[0]]
        assert start == datetime.fromisoformat(stop["visit_start"])


def test_same_seed_same_plan(client: TestClient) -> None:
    # The wall-clock safety net out of the way: on a loaded machine it could cut one of the
    # two searches short, and the counted budget alone is what makes a seed's plan the same.
    body = HERITAGE | {"days": 2, "end": None, "max_candidates": 25, "time_limit_s": 60}
    a, b = _compose(client, **body), _compose(client, **body)
    assert a["id"] != b["id"]
    assert a["days"] == b["days"]


def test_motorbike_itinerary_keeps_off_the_expressway(client: TestClient) -> None:
    plan = _compose(client, **(HERITAGE | {"vehicle": "motorbike", "days": 2, "end": None}))
    for day in plan["days"]:
        for leg in day["legs"]:
            if leg["breakdown"]:
                assert "CT.01" not in {r["ref"] for r in leg["breakdown"]["by_ref"]}
    _check_plan(client, plan, cap_h=5)


def test_coach_respects_driver_limits(client: TestClient) -> None:
    plan = _compose(
        client,
        start="thanh-nha-ho",
        end="thien-cam",
        start_date="2026-12-04",
        days=2,
        vehicle="coach",
        max_driving_hours=12,
        max_candidates=30,
    )
    for day in plan["days"]:
        assert day["totals"]["driving_s"] <= 10 * 3600 + 1  # legal daily limit beats 12 h
        assert day["totals"]["max_continuous_driving_s"] <= 4 * 3600 + 1


def test_corridor_leg_prefers_the_named_road(client: TestClient) -> None:
    def hcm_km(**extra: Any) -> float:
        plan = _compose(
            client,
            start="lam-kinh",
            end="kim-lien",
            start_date="2026-12-04",
            days=1,
            max_candidates=2,
            provinces=["VN-22"],
            **extra,
        )
        return (
            sum(
                row["distance_m"]
                for leg in plan["days"][0]["legs"]
                if leg["breakdown"]
                for row in leg["breakdown"]["by_corridor"]
                if row["corridor"] == "hcm-road"
            )
            / 1000
        )

    plain = hcm_km()
    along = hcm_km(corridor_legs=[{"corridor": "hcm-road", "days": [1]}])
    assert along >= 40
    assert along > plain + 30


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"days": 0}, "days"),
        ({"days": 15}, "days"),
        ({"day_start": "18:00", "day_end": "08:00"}, "day_end"),
        # an offset other than the region's (found by schemathesis: it used to be a 500)
        ({"day_start": "08:00Z"}, "local times"),
        ({"day_end": "18:00:00-05:00"}, "local times"),
        ({"must_visit": ["no-such-site"]}, "no-such-site"),
        ({"must_visit": ["vinpearl-cua-hoi"]}, "not a place to visit"),
        ({"provinces": ["VN-99"]}, "VN-99"),
        ({"corridor_legs": [{"corridor": "nope", "days": [1]}]}, "nope"),
        ({"corridor_legs": [{"corridor": "hcm-road", "days": [5]}]}, "beyond"),
        ({"max_candidates": 301}, "max_candidates"),
        ({"budget": "forever"}, "budget"),
        ({"time_limit_s": 0}, "time_limit_s"),
        ({"vehicle": "caravan"}, "no longer a vehicle"),
        ({"vehicle": "motorhome"}, "motorhome-suitable"),
        ({"convoy": {"cars": 0, "motorbikes": 0}}, "at least one"),
        ({"convoy": {"cars": 2}, "vehicle": "coach"}, "convoy sets its own vehicles"),
        ({"meals": {"lunch": {"earliest": "12:00", "latest": "12:30"}}}, "shorter than the meal"),
        ({"start": "200,19"}, "start"),
        ({"start_date": "2026-13-01"}, "start_date"),
        # Was a 500 (the trip's last date overflowed): beyond the horizon is a 422 now.
        ({"start_date": "9999-12-30"}, "within 5 years"),
        ({"themes": {"heritage": 9}}, "theme"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_itinerary_requests_are_422(
    client: TestClient, change: dict[str, Any], needle: str
) -> None:
    response = client.post("/v1/itineraries", json=HERITAGE | change)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert needle in response.text


def test_day_times_may_carry_the_local_offset(client: TestClient) -> None:
    body = HERITAGE | {"max_candidates": 5, "day_start": "08:30+07:00"}
    plan = _compose(client, **body)
    assert plan["days"][0]["start"]["departure"] == "2026-12-04T08:30:00+07:00"


@pytest.mark.parametrize("itinerary_id", ["0" * 32, "not-an-id", "A" * 32])
def test_unknown_itinerary_is_404(client: TestClient, itinerary_id: str) -> None:
    for suffix in ("", ".gpx", ".ics", ".geojson"):
        response = client.get(f"/v1/itineraries/{itinerary_id}{suffix}")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")


def test_stored_legs_keep_their_summary_in_both_languages(client: TestClient) -> None:
    plan = _compose(client, **HERITAGE)
    legs = [leg for d in plan["days"] for leg in d["legs"] if leg["breakdown"]]
    long = [leg for leg in legs if leg["breakdown"]["summary_en"]]
    assert long
    for leg in long:
        b = leg["breakdown"]
        assert b["summary"] == b["summary_en"]
        assert len(b["summary_vi"]) == len(b["summary_en"])
        assert all(" km trên " in s for s in b["summary_vi"])


def test_a_past_start_is_planned_with_a_warning(client: TestClient) -> None:
    past = _compose(
        client,
        **(HERITAGE | {"start_date": "2025-12-05", "days": 1, "end": None, "must_visit": []}),
    )
    assert len(past["warnings"]) == 1
    assert "in the past" in past["warnings"][0]
    future = _compose(
        client,
        **(HERITAGE | {"start_date": "2027-01-08", "days": 1, "end": None, "must_visit": []}),
    )
    assert future["warnings"] == []


def test_gpx_and_ics_exports_are_cacheable(client: TestClient) -> None:
    plan = _compose(
        client, **(HERITAGE | {"days": 1, "end": None, "max_candidates": 10, "must_visit": []})
    )
    for link in (plan["links"]["gpx"], plan["links"]["ics"]):
        first = client.get(link)
        assert first.status_code == 200
        etag = first.headers["etag"]
        assert etag.startswith('"')
        again = client.get(link, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert client.get(link, headers={"If-None-Match": '"other"'}).status_code == 200
