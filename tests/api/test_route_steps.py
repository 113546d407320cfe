"""Turn-by-turn steps on ``GET /v1/routes?steps=true``: on the seeded network and on a real
OpenStreetMap cut of Vinh merged with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tourroute.network.osm_import import import_osm

VINH = Path(__file__).resolve().parents[1] / "data" / "osm2021-vinh.osm.pbf"
# Thành nhà Hồ (Thanh Hóa) → Kim Liên (Nghệ An), over the seeded corridors.
TRIP = {"from": "thanh-nha-ho", "to": "kim-lien"}


def _route(client: TestClient, lang: str = "en", **params: Any) -> dict[str, Any]:
    response = client.get("/v1/routes", params=params, headers={"Accept-Language": lang})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _check_leg(leg: dict[str, Any]) -> list[dict[str, Any]]:
    """The leg's steps, checked for what every leg's steps keep."""
    steps: list[dict[str, Any]] = leg["steps"]
    assert steps[0]["type"] == "depart"
    assert steps[-1]["type"] == "arrive"
    assert steps[-1]["distance_m"] == 0
    assert all(s["type"] not in {"depart", "arrive"} for s in steps[1:-1])
    # Each step rounded to 0.1 m: the sum is the leg's within the rounding.
    total = sum(s["distance_m"] for s in steps)
    assert total == pytest.approx(leg["distance_m"], abs=0.05 * len(steps) + 0.1)
    seconds = sum(s["duration_s"] for s in steps)
    assert seconds == pytest.approx(leg["duration_s"], abs=0.05 * len(steps) + 0.1)
    for s in steps:
        assert set(s) >= {
            "type",
            "modifier",
            "road_ref",
            "road_name",
            "instruction",
            "instruction_vi",
            "instruction_en",
            "distance_m",
            "duration_s",
            "location",
            "bearing_before",
            "bearing_after",
        }
        assert 0 <= s["bearing_before"] < 360
        assert 0 <= s["bearing_after"] < 360
        lon, lat = s["location"]
        assert 102 < lon < 110
        assert 15 < lat < 21
    return steps


def test_steps_only_when_asked(client: TestClient) -> None:
    plain = _route(client, **TRIP)
    assert all("steps" not in leg for leg in plain["routes"][0]["legs"])
    with_steps = _route(client, **TRIP, steps="true")
    assert with_steps["routes"][0]["distance_m"] == plain["routes"][0]["distance_m"]
    assert with_steps["routes"][0]["geometry"] == plain["routes"][0]["geometry"]


def test_steps_on_the_seeded_network_add_up_to_the_route(client: TestClient) -> None:
    body = _route(client, **TRIP, steps="true", alternatives=1)
    for route in body["routes"]:
        for leg in route["legs"]:
            steps = _check_leg(leg)
            assert len(steps) >= 3  # a 150 km drive changes road at least once
            assert any(s["type"] in {"turn", "continue", "roundabout"} for s in steps)
        assert sum(s["distance_m"] for leg in route["legs"] for s in leg["steps"]) == (
            pytest.approx(route["distance_m"], abs=1.0)
        )
    # The steps are located on the route's own line: the first at its start, the last at
    # its end.
    first = body["routes"][0]
    line = first["geometry"]["coordinates"]
    steps = first["legs"][0]["steps"]
    assert steps[0]["location"] == pytest.approx(line[0], abs=1e-6)
    assert steps[-1]["location"] == pytest.approx(line[-1], abs=1e-6)


def test_instruction_follows_accept_language(client: TestClient) -> None:
    en = _route(client, **TRIP, steps="true")["routes"][0]["legs"][0]["steps"]
    vi = _route(client, "vi", **TRIP, steps="true")["routes"][0]["legs"][0]["steps"]
    assert [s["instruction"] for s in en] == [s["instruction_en"] for s in en]
    assert [s["instruction"] for s in vi] == [s["instruction_vi"] for s in vi]
    assert vi[0]["instruction"].startswith("Khởi hành trên ")
    assert vi[-1]["instruction"] == "Đến nơi"
    assert en[-1]["instruction"] == "Arrive at your destination"


def test_each_leg_between_via_points_has_its_steps(client: TestClient) -> None:
    body = _route(client, **TRIP, via="105.69,18.68", steps="true")
    legs = body["routes"][0]["legs"]
    assert len(legs) == 2
    for leg in legs:
        _check_leg(leg)
    assert legs[0]["steps"][-1]["location"] == pytest.approx(legs[1]["steps"][0]["location"])


def test_steps_must_be_a_boolean(client: TestClient) -> None:
    response = client.get("/v1/routes", params={**TRIP, "steps": "sometimes"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_real_turn_onto_a_named_street_in_vinh(client: TestClient, session: Session) -> None:
    import_osm(session, VINH)
    session.flush()
    # Up Quang Trung street (northbound) and right into Nguyễn Thái Học, where Lê Lợi goes on.
    body = _route(
        client,
        "vi",
        **{"from": "105.67415,18.6700", "to": "105.6758,18.67648"},
        steps="true",
    )
    steps = _check_leg(body["routes"][0]["legs"][0])
    assert [s["instruction_vi"] for s in steps] == [
        "Khởi hành trên đường Quang Trung về hướng bắc",
        "Rẽ phải vào đường Nguyễn Thái Học",
        "Đến nơi",
    ], "the staggered crossing with Phan Chu Trinh is driven straight through"
    turn = steps[1]
    assert (turn["type"], turn["modifier"], turn["road_name"]) == (
        "turn",
        "right",
        "Nguyễn Thái Học",
    )
    assert turn["instruction_en"] == "Turn right onto Nguyễn Thái Học"
    # The junction of Quang Trung, Lê Lợi and Nguyễn Thái Học, from the OSM file.
    assert turn["location"] == pytest.approx([105.6743735, 18.6765514], abs=2e-4)  # ~20 m
    change = (turn["bearing_after"] - turn["bearing_before"] + 180) % 360 - 180
    assert 45 <= change < 135  # a right turn


def test_a_roundabout_in_vinh_is_recognised_from_its_geometry(
    client: TestClient, session: Session
) -> None:
    """OSM way 143424 is a closed one-way ring of 226 m in south Vinh, not tagged as a
    roundabout in the cut; its shape makes it one."""
    import_osm(session, VINH)
    session.flush()
    body = _route(
        client, "vi", **{"from": "105.677,18.6608", "to": "105.683,18.6608"}, steps="true"
    )
    steps = _check_leg(body["routes"][0]["legs"][0])
    (ring,) = [s for s in steps if s["type"] == "roundabout"]
    assert ring["instruction_vi"].startswith("Vào vòng xuyến, đi theo lối ra thứ ")
    assert ring["instruction_en"].startswith("At the roundabout, take the ")
    assert ring["location"] == pytest.approx([105.6804, 18.6606], abs=8e-4)  # on the ring
