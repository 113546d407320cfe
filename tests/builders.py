"""Plain helpers shared by the test modules: request bodies, rows, checks, problem generators.

Fixtures live in the ``conftest.py`` files; everything here is an ordinary function, imported
explicitly (no test module imports from another ``test_*`` module).
"""

from __future__ import annotations

import itertools
import math
import random
from datetime import date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.api.conftest import OWN, Accounts
from tourroute.db.spatial import point_element
from tourroute.itineraries.windows import windows
from tourroute.planning import Day, DriverRules, Overnight, Problem, Stop
from tourroute.sites.domain import Category, SiteKind, SiteStatus
from tourroute.sites.models import Site, SiteCategory
from tourroute.sites.values import search_keys

# --- accounts and problem responses -------------------------------------------------------


def secret_of(token: str) -> str:
    """The 43 random characters after ``trt_<prefix>_`` (they may contain '_' themselves)."""
    secret = token[len("trt_0123456789ab_") :]
    assert len(secret) == 43
    return secret


def assert_problem(response: Any, status: int, parameter: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["type"]
    if parameter is not None:
        assert parameter in {e["name"] for e in body["errors"]}, body
        assert parameter in body["detail"]
    return body


# --- sites --------------------------------------------------------------------------------


def add_site(
    session: Session,
    slug: str,
    status: SiteStatus = SiteStatus.draft,
    province: str = OWN,
    lon_lat: tuple[float, float] | None = None,
    *,
    name_vi: str = "Điểm thử",
    name_en: str = "Test place",
    categories: tuple[Category, ...] = (Category.museum,),
    source: str = "test fixture",
    commit: bool = True,
) -> Site:
    """A site written straight to the database (the matrix needs every starting state).

    In the test's rolled-back transaction; ``commit=False`` only flushes it.
    """
    lon, lat = lon_lat or ((105.78, 19.81) if province == OWN else (105.69, 18.67))
    site = Site(
        slug=slug,
        name_vi=name_vi,
        name_en=name_en,
        province_code=province,
        kind=SiteKind.attraction,
        geom=point_element(lon, lat),
        status=status,
        source=source,
    )
    site.search_exact, site.search_folded = search_keys(site)
    site.category_rows = [SiteCategory(category=c) for c in categories]
    session.add(site)
    if commit:
        session.commit()
    else:
        session.flush()
    return site


def etag_of(client: TestClient, accounts: Accounts, slug: str) -> str:
    """The current ETag of a site, read the way a curator would (any status)."""
    response = client.get(f"/v1/curation/sites/{slug}", headers=accounts.headers("admin"))
    assert response.status_code == 200, response.text
    return response.headers["etag"]


def new_site_body(slug: str, **changes: Any) -> dict[str, Any]:
    """A valid POST /v1/sites body for Thanh Hóa (Hàm Rồng, Thanh Hóa city)."""
    body: dict[str, Any] = {
        "slug": slug,
        "name_vi": "Điểm mới Hàm Rồng",
        "name_en": "New place at Hàm Rồng",
        "province": OWN,
        "kind": "attraction",
        "categories": ["heritage"],
        "location": {"type": "Point", "coordinates": [105.7905, 19.8398]},
        "source": "test: created through the API",
    }
    body.update(changes)
    return body


# --- composed itineraries -----------------------------------------------------------------


def _seconds(iso: str) -> float:
    t = datetime.fromisoformat(iso)
    return t.hour * 3600 + t.minute * 60 + t.second


def _check_plan(
    client: TestClient,
    plan: dict[str, Any],
    cap_h: float,
    day_start: str = "08:00",
    day_end: str = "18:00",
) -> None:
    """The invariants every composed plan must satisfy, checked from the response alone."""
    sites = {}
    for day in plan["days"]:
        for stop in day["stops"]:
            slug = stop["site"]
            if slug not in sites:
                sites[slug] = client.get(f"/v1/sites/{slug}").json()
            spec = sites[slug].get("opening_hours")
            start, end = _seconds(stop["visit_start"]), _seconds(stop["departure"])
            assert start <= end
            if spec:
                (wins,) = windows(spec, [date.fromisoformat(day["date"])]) or ((),)
                assert any(o - 1 <= start and end <= c + 1 for o, c in wins), (slug, wins)
            assert _seconds(stop["arrival"]) <= start
        assert day["totals"]["driving_s"] <= cap_h * 3600 + 1
        assert day["start"]["departure"][11:16] >= day_start
        assert day["end"]["arrival"][11:16] <= day_end
    for a, b in zip(plan["days"], plan["days"][1:], strict=False):
        assert a["end"]["id"] == b["start"]["id"]  # day k ends where day k+1 starts
        assert a["overnight"]["id"] == a["end"]["id"]
    visited = [s["site"] for d in plan["days"] for s in d["stops"]]
    assert len(visited) == len(set(visited))
    assert plan["score"] == pytest.approx(sum(s["score"] for d in plan["days"] for s in d["stops"]))
    for day in plan["days"]:
        legs = day["legs"]
        if day.get("breaks"):
            # Detours to fuel stations and meal stops add legs; the day stays in time order.
            assert len(legs) >= len(day["stops"]) + 1
            moments = sorted(
                [(_seconds(x["departure"]), _seconds(x["arrival"])) for x in legs]
                + [(_seconds(x["arrival"]), _seconds(x["departure"])) for x in day["stops"]]
                + [(_seconds(b["start"]), _seconds(b["end"])) for b in day["breaks"]]
            )
            for (_, end), (start, _) in itertools.pairwise(moments):
                assert end <= start + 1, (end, start)
        else:
            assert len(legs) == len(day["stops"]) + 1
        assert day["totals"]["distance_m"] == pytest.approx(sum(x["distance_m"] for x in legs))


# --- planning problems --------------------------------------------------------------------

SPEED_KMH = 50.0


def random_problem(
    seed: int,
    n: int = 10,
    days: int = 2,
    *,
    hotels: int = 0,
    coach: bool = False,
    motorhome: bool = False,
    lunch: bool = False,
    must: int = 0,
    cap_s: float | None = None,
) -> Problem:
    """A seeded random trip on a 60 × 60 km map (Euclidean km at 50 km/h)."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data)

    def pt() -> tuple[float, float]:
        return (rng.uniform(0, 60), rng.uniform(0, 60))

    start = pt()
    end = start if rng.random() < 0.5 else pt()
    pts = [start, end, *(pt() for _ in range(n)), *(pt() for _ in range(hotels))]
    travel = [[round(math.dist(a, b) / SPEED_KMH * 3600) for b in pts] for a in pts]
    day_list = tuple(Day(8 * 3600, rng.choice([13, 14, 15]) * 3600) for _ in range(days))
    stops = []
    for i in range(n):
        service = rng.choice([600, 1200, 1800, 2700, 3600])
        per_day = []
        for _ in range(days):
            r = rng.random()
            if r < 0.15:
                per_day.append(())
            elif lunch and r < 0.5:
                per_day.append(((7.5 * 3600, 11.5 * 3600), (13.5 * 3600, 17 * 3600)))
            else:
                o = rng.uniform(7, 11) * 3600
                per_day.append(((o, o + rng.uniform(1.5, 5) * 3600),))
        stops.append(Stop(f"s{i}", float(rng.randint(1, 10)), float(service), tuple(per_day)))
    for i in rng.sample(range(n), must):
        s = stops[i]
        stops[i] = Stop(s.id, s.score, s.service_s, None, must_visit=True)
    overnights = tuple(Overnight(f"h{k}", motorhome_ok=rng.random() < 0.6) for k in range(hotels))
    if motorhome and overnights and not any(o.motorhome_ok for o in overnights):
        overnights = (Overnight("h0", motorhome_ok=True), *overnights[1:])
    rules = (
        DriverRules(
            max_daily_driving_s=3 * 3600,
            max_continuous_driving_s=3600,
            min_break_s=1800,
            max_weekly_driving_s=None,
        )
        if coach
        else None
    )
    return Problem(
        stops=tuple(stops),
        days=day_list,
        travel_s=travel,
        overnights=overnights,
        max_daily_driving_s=cap_s,
        driver_rules=rules,
        motorhome=motorhome,
        name=f"random-{seed}",
    )
