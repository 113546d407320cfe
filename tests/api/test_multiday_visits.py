"""A must-visit longer than the day window (the Pu Xai Lai Leng climb, 32 h: two days with a
night on the mountain) is a multi-day visit: its day ends on site, the night is spent there,
the next day leaves when it ends."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import gpxpy
import icalendar
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.builders import _check_plan
from tourroute.sites.domain import SiteKind
from tourroute.sites.models import Site

TREK = "pu-xai-lai-leng"  # visit_duration_min 1920 in the seed: one night on site
REQUEST: dict[str, Any] = {
    "start": "quang-truong-hcm-vinh",
    "start_date": "2027-01-08",
    "days": 4,
    # The climb starts at dawn: 08:00 + 32 h leaves no time to come down by 18:00.
    "day_start": "06:30",
    "vehicle": "car",
    "must_visit": [TREK],
    "max_driving_hours": 8,
}


def test_the_trek_spends_its_nights_on_site(client: TestClient) -> None:
    response = client.post("/v1/itineraries", json=REQUEST)
    assert response.status_code == 201, response.text
    plan = response.json()
    assert plan["unplaced"] == []
    _check_plan(client, plan, cap_h=8, day_start="06:30")
    days = plan["days"]
    k = next(i for i, d in enumerate(days) if any(s["site"] == TREK for s in d["stops"]))
    trek = days[k]["stops"][-1]
    assert trek["site"] == TREK  # the day's last visit
    assert days[k]["end"]["id"] == days[k]["overnight"]["id"] == TREK
    start = datetime.fromisoformat(trek["visit_start"])
    end = datetime.fromisoformat(trek["departure"])
    assert end - start == timedelta(hours=32)
    assert trek["visit_s"] == 32 * 3600
    leave = days[k + 1]  # one night on the mountain: the next day comes down
    assert leave["start"]["id"] == TREK
    assert datetime.fromisoformat(leave["start"]["departure"]) >= end

    ics = client.get(f"/v1/itineraries/{plan['id']}.ics")
    assert ics.status_code == 200
    events = [
        e
        for e in icalendar.Calendar.from_ical(ics.text).walk("VEVENT")
        if TREK in str(e.get("location", "")) + str(e.get("summary", "")) + str(e.get("url", ""))
        or "Pu Xai Lai Leng" in str(e.get("summary", ""))
    ]
    assert len(events) == 1
    assert events[0].decoded("dtend") - events[0].decoded("dtstart") == timedelta(hours=32)
    gpx = gpxpy.parse(client.get(f"/v1/itineraries/{plan['id']}.gpx").text)
    assert any("Pu Xai Lai Leng" in (w.name or "") for w in gpx.waypoints)


def test_a_trip_too_short_for_the_trek_is_refused_with_the_reason(client: TestClient) -> None:
    response = client.post("/v1/itineraries", json=REQUEST | {"days": 1})
    assert response.status_code == 422
    body = response.json()
    assert body["type"].endswith("invalid-parameter")
    assert "1 night(s) on site: a trip of at least 2 days" in body["detail"]


def test_a_motorhome_cannot_stay_on_a_site_without_motorhome_overnight(
    client: TestClient, session: Session
) -> None:
    # Counterfactual, in this test's transaction only: the seeded places to stay take
    # motorhomes, so the motorhome trip itself is possible; the trek site does not.
    session.execute(
        update(Site).where(Site.kind == SiteKind.lodging).values(motorhome_overnight=True)
    )
    session.flush()
    response = client.post("/v1/itineraries", json=REQUEST | {"vehicle": "motorhome"})
    assert response.status_code == 422
    assert "a motorhome may not stay there overnight" in response.json()["detail"]


def test_a_long_day_visit_that_does_not_fit_is_not_turned_into_a_night(
    client: TestClient,
) -> None:
    # Pù Luông is an 8 h visit: at a relaxed pace (× 1.3) it outgrows a 08:00–17:00 day, but
    # it is a day visit, so the answer is that it does not fit, not a night in the reserve.
    response = client.post(
        "/v1/itineraries",
        json=REQUEST
        | {"must_visit": ["pu-luong"], "pace": "relaxed", "day_end": "17:00", "days": 3},
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "'pu-luong' cannot be visited on any day" in detail
    assert "night" not in detail
