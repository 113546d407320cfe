"""The tour catalogue on both backends: the seeded promoted tours, public search and exports,
authenticated writes (authorization matrix, If-Match, versions, audit) and bad input."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import gpxpy
import icalendar
import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.api.conftest import OWN, Accounts
from tests.api.tour_fixtures import (
    OPERATORS,
    OTHER_AGENCY,
    OWN_AGENCY,
    create_tour,
    created,
    etag_of,
    published,
    tour_body,
    with_second_agency,
)
from tests.builders import add_site, assert_problem
from tests.conftest import SEED_DIR, Database
from tourroute.db.audit import AuditEntry
from tourroute.seed import SeedError, load_seed
from tourroute.sites.domain import SiteStatus
from tourroute.tours.models import Tour, TourVersion
from tourroute.tours.service import TourWriter

PROMOTED = yaml.safe_load((SEED_DIR / "tours" / "promoted.yaml").read_text(encoding="utf-8"))[
    "tours"
]
HERITAGE = "di-san-thanh-hoa-nghe-an-ha-tinh"
ECO = "ve-nguon-pu-luong-pu-xai-lai-leng-hai-thuong"
CARAVAN = "caravan-duong-ho-chi-minh"


@pytest.fixture
def tour_accounts(accounts: Accounts, session: Session, database: Database) -> Accounts:
    return with_second_agency(accounts, session, database)


def _slugs(client: TestClient, **params: Any) -> list[str]:
    response = client.get("/v1/tours", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return [t["slug"] for t in response.json()["items"]]


def _write(
    client: TestClient,
    accounts: Accounts,
    role: str,
    slug: str,
    step: str,
    etag: str | None,
    body: dict[str, Any] | None = None,
) -> Any:
    headers = accounts.headers(role, **({"If-Match": etag} if etag else {}))
    if step == "patch":
        return client.patch(f"/v1/tours/{slug}", json=body or {}, headers=headers)
    return client.post(f"/v1/tours/{slug}/{step}", headers=headers)


def _count(session: Session, model: Any, **where: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model).filter_by(**where)) or 0)


# --- the seeded promoted tours --------------------------------------------------------------


def test_the_three_promoted_tours_are_published_official_tours(client: TestClient) -> None:
    assert sorted(_slugs(client)) == sorted(t["slug"] for t in PROMOTED)
    for entry in PROMOTED:
        tour = client.get(f"/v1/tours/{entry['slug']}").json()
        assert tour["status"] == "published"
        assert tour["operator"]["kind"] == "province"
        assert tour["operator"]["province"]["code"] == entry["catalogue"]["operator"]["province"]
        assert tour["vehicle"] == entry["request"]["vehicle"]
        assert tour["duration_days"] == entry["request"]["days"] == len(tour["itinerary"]["days"])
        assert tour["start_date"] == entry["request"]["start_date"]
        assert tour["title_vi"] == entry["title_vi"]
        assert tour["provinces"] == ["VN-21", "VN-22", "VN-23"]  # derived from the stops
        assert tour["price"] == {"min_vnd": None, "max_vnd": None, "currency": "VND"}
        must = set(entry["request"]["must_visit"])
        assert must <= set(tour["sites"]), must - set(tour["sites"])
        for day in tour["itinerary"]["days"]:
            for stop in day["stops"]:
                assert stop["arrival"] <= stop["visit_start"] <= stop["departure"]
            for leg in day["legs"]:
                assert leg["geometry"]["type"] == "LineString"
                assert leg["distance_m"] >= 0


def _visiting(site: str) -> list[str]:
    """The promoted tours whose catalogue days (as written in the seed) visit ``site``."""
    return sorted(
        t["slug"]
        for t in PROMOTED
        if any(
            (s if isinstance(s, str) else s["site"]) == site
            for day in t["catalogue"]["days"]
            for s in day["stops"]
        )
    )


@pytest.mark.parametrize("q", ["thanh nha ho", "Thành nhà Hồ", "THANH NHA HO"])
def test_promoted_heritage_tour_is_found_without_accents(client: TestClient, q: str) -> None:
    found = _slugs(client, q=q)
    assert HERITAGE in found  # its title names the citadel
    assert set(_visiting("thanh-nha-ho")) <= set(found)


def test_a_site_search_finds_every_tour_that_visits_it(client: TestClient) -> None:
    assert set(_visiting("kim-lien")) <= set(_slugs(client, q="kim lien"))
    assert HERITAGE in _visiting("kim-lien")


@pytest.mark.parametrize("site", ["kim-lien", "pu-xai-lai-leng", "lam-kinh", "thien-cam"])
def test_the_site_filter_lists_the_tours_that_visit_it(client: TestClient, site: str) -> None:
    assert _slugs(client, site=site) == _visiting(site) != []


@pytest.mark.parametrize("slug", [HERITAGE, ECO, CARAVAN])
def test_promoted_tours_export_in_all_four_formats(client: TestClient, slug: str) -> None:
    tour = client.get(f"/v1/tours/{slug}").json()
    days = tour["itinerary"]["days"]
    visits = sum(len(d["stops"]) for d in days)

    geo = client.get(f"/v1/tours/{slug}.geojson")
    assert geo.status_code == 200
    assert geo.headers["content-type"].startswith("application/geo+json")
    kinds = [f["properties"]["kind"] for f in geo.json()["features"]]
    assert kinds.count("visit") == visits
    assert kinds.count("leg") == sum(len(d["legs"]) for d in days)

    gpx = client.get(f"/v1/tours/{slug}.gpx")
    assert gpx.status_code == 200
    parsed = gpxpy.parse(gpx.text)
    assert len([r for r in parsed.routes if r.type == "day"]) == len(days)
    assert len([w for w in parsed.waypoints if w.type == "visit"]) == visits

    ics = client.get(f"/v1/tours/{slug}.ics")
    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    assert len(events) == visits
    assert len({str(e["uid"]) for e in events}) == visits  # a repeat visit is its own event

    ld = client.get(f"/v1/tours/{slug}.jsonld")
    assert ld.status_code == 200
    assert ld.headers["content-type"].startswith("application/ld+json")
    _check_jsonld(ld.json(), days)
    assert ld.json()["provider"]["@type"] == "GovernmentOrganization"
    assert ld.json()["provider"]["areaServed"]["identifier"] == OWN


def _check_jsonld(doc: dict[str, Any], days: list[dict[str, Any]]) -> None:
    assert doc["@context"] == "https://schema.org"
    assert doc["@type"] == "TouristTrip"
    assert doc["name"]
    assert len(doc["subTrip"]) == len(days)
    everything = [s for d in days for s in d["stops"]]
    assert doc["itinerary"]["@type"] == "ItemList"
    assert doc["itinerary"]["numberOfItems"] == len(everything)
    for sub, day in zip(doc["subTrip"], days, strict=True):
        assert sub["@type"] == "TouristTrip"
        assert sub["departureTime"] == day["start"]["departure"]
        elements = sub["itinerary"]["itemListElement"]
        assert [e["position"] for e in elements] == list(range(1, len(day["stops"]) + 1))
        for element, stop in zip(elements, day["stops"], strict=True):
            item = element["item"]
            assert item["@type"] in ("TouristAttraction", "Place")
            assert item["identifier"] == stop["site"]
            assert item["geo"]["@type"] == "GeoCoordinates"
            assert [item["geo"]["longitude"], item["geo"]["latitude"]] == stop["location"]
    assert doc["provider"]["@type"] in ("TravelAgency", "GovernmentOrganization")


def test_exports_can_be_redated(client: TestClient) -> None:
    ics = client.get(f"/v1/tours/{HERITAGE}.ics", params={"start_date": "2027-02-05"})
    starts = sorted(
        e.decoded("dtstart").date()
        for e in icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    )
    assert starts[0] == date(2027, 2, 5)
    assert starts[-1] == date(2027, 2, 7)
    ld = client.get(f"/v1/tours/{HERITAGE}.jsonld", params={"start_date": "2027-02-05"}).json()
    assert ld["departureTime"] == "2027-02-05T08:00:00+07:00"
    nominal = client.get(f"/v1/tours/{HERITAGE}.geojson").json()
    visits = [f for f in nominal["features"] if f["properties"]["kind"] == "visit"]
    assert visits[0]["properties"]["arrival"] == "2027-01-08T08:00:00+07:00"
    assert_problem(client.get(f"/v1/tours/{HERITAGE}.ics", params={"start_date": "soon"}), 422)


def test_reloading_the_seed_changes_no_tour(session: Session) -> None:
    before = {t.slug: (t.version, t.plan) for t in session.scalars(select(Tour))}
    report = load_seed(session, SEED_DIR)
    assert (report.tours_created, report.tours_updated) == (0, 0)
    session.expire_all()
    assert {t.slug: (t.version, t.plan) for t in session.scalars(select(Tour))} == before
    assert _count(session, TourVersion) == 3


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target, ignore=shutil.ignore_patterns("*.osm.pbf"))
    return target


def _edit_tours(seed_dir: Path, change: Any) -> None:
    path = seed_dir / "tours" / "promoted.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc["tours"][0])
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_an_edited_seed_tour_is_updated_with_a_new_version(
    session: Session, seed_copy: Path
) -> None:
    def change(entry: dict[str, Any]) -> None:
        entry["catalogue"]["price_min_vnd"] = 3_000_000
        entry["catalogue"]["days"][2]["stops"] = ["nguyen-du", "thien-cam"]

    _edit_tours(seed_copy, change)
    report = load_seed(session, seed_copy)
    assert (report.tours_created, report.tours_updated) == (0, 1)
    tour = session.scalars(select(Tour).where(Tour.slug == HERITAGE)).one()
    assert tour.version == 2
    assert tour.price_min_vnd == 3_000_000
    assert [s["site"] for s in tour.plan["days"][2]["stops"]] == ["nguyen-du", "thien-cam"]
    latest = session.scalars(
        select(TourVersion).where(TourVersion.tour_id == tour.id, TourVersion.version == 2)
    ).one()
    assert latest.principal_name == "seed"
    assert latest.document["price"]["min_vnd"] == 3_000_000


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda e: e["catalogue"]["days"][0]["stops"].append("no-such-site"), "stops.6"),
        (lambda e: e["catalogue"].update(themes=["casino"]), "catalogue.themes.0"),
        (lambda e: e["catalogue"]["days"][0].update(overnight="kim-lien"), "overnight"),
        (lambda e: e["catalogue"].pop("operator"), "catalogue.operator"),
    ],
)
def test_a_broken_seed_tour_is_rejected_naming_file_record_and_field(
    session: Session, seed_copy: Path, change: Any, field: str
) -> None:
    _edit_tours(seed_copy, change)
    before = _count(session, TourVersion)
    with pytest.raises(SeedError) as caught:
        load_seed(session, seed_copy)
    message = str(caught.value)
    assert "tours/promoted.yaml" in message
    assert HERITAGE in message
    assert field in message
    assert _count(session, TourVersion) == before


# --- public search ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"vehicle": "motorhome"}, []),
        ({"vehicle": "coach"}, []),
        ({"theme": "mountain-adventure"}, [ECO]),
        ({"theme": "beach"}, [CARAVAN, HERITAGE]),
        ({"days_max": 3}, [HERITAGE]),
        ({"days_min": 4}, [CARAVAN, ECO]),
        ({"days_min": 3, "days_max": 3}, [HERITAGE]),
        ({"q": "pu luong"}, [ECO]),
        ({"q": "caravan", "theme": "beach"}, [CARAVAN]),
        ({"province": "ha-tinh", "vehicle": "car"}, [CARAVAN, HERITAGE, ECO]),
    ],
)
def test_search_filters(client: TestClient, params: dict[str, Any], expected: list[str]) -> None:
    assert _slugs(client, **params) == expected


def test_province_filter_uses_the_stops_provinces(
    client: TestClient, tour_accounts: Accounts
) -> None:
    # A Nghệ An-only tour operated by Thanh Hóa's department: provinces come from stops.
    published(
        client,
        tour_accounts,
        "mot-ngay-xu-nghe",
        days=[{"stops": [{"site": "kim-lien"}, {"site": "hoang-tru"}]}],
    )
    tour = client.get("/v1/tours/mot-ngay-xu-nghe").json()
    assert tour["provinces"] == ["VN-22"]
    assert "mot-ngay-xu-nghe" in _slugs(client, province="VN-22")
    assert "mot-ngay-xu-nghe" in _slugs(client, province="nghe-an")
    assert "mot-ngay-xu-nghe" not in _slugs(client, province=OWN)
    assert "mot-ngay-xu-nghe" in _slugs(client, site="hoang-tru")


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"province": "VN-99"}, "province"),
        ({"theme": "casino"}, "theme"),
        ({"vehicle": "bicycle"}, "vehicle"),
        ({"days_min": 0}, "days_min"),
        ({"days_max": 15}, "days_max"),
        ({"days_min": 4, "days_max": 2}, "days_max"),
        ({"site": "no-such-site"}, "site"),
        ({"site": "Not A Slug"}, "site"),
        ({"q": ""}, "q"),
        ({"limit": 0}, "limit"),
        ({"cursor": "forged.cursor"}, "cursor"),
    ],
)
def test_bad_search_parameters_are_422(
    client: TestClient, params: dict[str, Any], parameter: str
) -> None:
    assert_problem(client.get("/v1/tours", params=params), 422, parameter)


def test_pages_follow_next_and_lists_carry_etags(client: TestClient) -> None:
    seen: list[str] = []
    response = client.get("/v1/tours", params={"limit": 1})
    first = response
    while True:
        body = response.json()
        assert body["count"] == len(body["items"]) <= 1
        seen.extend(t["slug"] for t in body["items"])
        if not body["next"]:
            break
        assert 'rel="next"' in response.headers["link"]
        response = client.get(body["next"])
    assert seen == sorted(t["slug"] for t in PROMOTED)
    cursor = first.json()["next"].split("cursor=")[1]
    assert_problem(client.get("/v1/tours", params={"limit": 1, "cursor": cursor, "q": "x"}), 422)
    etag = first.headers["etag"]
    again = client.get("/v1/tours", params={"limit": 1}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    one = client.get(f"/v1/tours/{HERITAGE}")
    assert one.headers["etag"].startswith('"v1-')
    assert (
        client.get(
            f"/v1/tours/{HERITAGE}", headers={"If-None-Match": one.headers["etag"]}
        ).status_code
        == 304
    )
    gpx = client.get(f"/v1/tours/{HERITAGE}.gpx")
    assert (
        client.get(
            f"/v1/tours/{HERITAGE}.gpx", headers={"If-None-Match": gpx.headers["etag"]}
        ).status_code
        == 304
    )


def test_language_follows_accept_language(client: TestClient) -> None:
    vi = client.get(f"/v1/tours/{HERITAGE}", headers={"Accept-Language": "vi"}).json()
    assert vi["title"] == vi["title_vi"]
    en = client.get("/v1/tours", headers={"Accept-Language": "en"}).json()["items"][0]
    assert en["title"] == en["title_en"]
    ld = client.get(f"/v1/tours/{HERITAGE}.jsonld", headers={"Accept-Language": "vi"}).json()
    assert ld["name"] == vi["title_vi"]
    assert ld["subTrip"][0]["name"] == "Ngày 1"


@pytest.mark.parametrize("suffix", ["", ".geojson", ".gpx", ".ics", ".jsonld"])
def test_unknown_tours_are_404(client: TestClient, suffix: str) -> None:
    assert_problem(client.get(f"/v1/tours/no-such-tour{suffix}"), 404)


# --- writes: the authorization matrix ------------------------------------------------------

_CREATE_EXPECTED = {
    # role → the operators it may create tours for (201); others 403
    "admin": set(OPERATORS),
    "agency": {"own-agency"},
    "agency-other": {"other-agency"},
    "curator-own": {"official-own"},
    "curator-other": {"official-other"},
}


@pytest.mark.parametrize("role", ["anonymous", "bad-token", "expired", "revoked"])
def test_writes_need_a_valid_token(client: TestClient, tour_accounts: Accounts, role: str) -> None:
    response = create_tour(client, tour_accounts, "khong-duoc", role=role)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")
    for step in ("patch", "publish", "archive"):
        etag = '"v1-0123456789abcdef"'
        assert_problem(_write(client, tour_accounts, role, HERITAGE, step, etag), 401)
    assert_problem(
        client.get(f"/v1/tours/{HERITAGE}/versions", headers=tour_accounts.headers(role)), 401
    )


@pytest.mark.parametrize("role", sorted(_CREATE_EXPECTED))
@pytest.mark.parametrize("target", sorted(OPERATORS))
def test_create_matrix(client: TestClient, tour_accounts: Accounts, role: str, target: str) -> None:
    response = create_tour(
        client, tour_accounts, "tour-ma-tran", role=role, operator=OPERATORS[target]
    )
    if target in _CREATE_EXPECTED[role]:
        assert response.status_code == 201, response.text
        assert response.json()["status"] == "draft"
        assert response.headers["location"].endswith("/v1/tours/tour-ma-tran")
    else:
        assert_problem(response, 403)


@pytest.mark.parametrize("step", ["patch", "publish", "archive"])
def test_write_matrix(client: TestClient, tour_accounts: Accounts, step: str) -> None:
    tags = {
        target: created(client, tour_accounts, f"muc-tieu-{target}", operator=operator)
        for target, operator in OPERATORS.items()
    }
    for role, allowed in _CREATE_EXPECTED.items():
        if role == "admin":
            continue
        for target in OPERATORS:
            slug = f"muc-tieu-{target}"
            body = {"title_en": f"Edited by {role}"}
            response = _write(client, tour_accounts, role, slug, step, tags[target], body)
            if target in allowed:
                assert response.status_code == 200, (role, target, response.text)
                assert response.json()["version"] == 2
                tags[target] = response.headers["etag"]
            else:
                assert_problem(response, 403)
    # admins may act on every tour (a second publish or archive is refused by the workflow)
    for target in OPERATORS:
        response = _write(client, tour_accounts, "admin", f"muc-tieu-{target}", step, tags[target])
        if step == "patch":
            assert response.status_code == 200, response.text
        else:
            assert response.status_code in (200, 409), response.text


# --- writes: behaviour -----------------------------------------------------------------------


def test_create_routes_legs_and_fills_in_times(client: TestClient, tour_accounts: Accounts) -> None:
    response = create_tour(client, tour_accounts, "mot-ngay", role="curator-own")
    assert response.status_code == 201, response.text
    assert response.headers["etag"].startswith('"v1-')
    assert response.headers["cache-control"].startswith("private")
    tour = response.json()
    day = tour["itinerary"]["days"][0]
    assert [s["site"] for s in day["stops"]] == ["thanh-nha-ho", "lam-kinh"]
    assert day["stops"][0]["arrival"] == "2026-12-11T08:30:00+07:00"
    assert day["stops"][0]["departure"] == "2026-12-11T10:30:00+07:00"  # 120 min visit
    (leg,) = day["legs"]
    assert (leg["from"], leg["to"]) == ("thanh-nha-ho", "lam-kinh")
    assert leg["distance_m"] > 10_000
    assert len(leg["geometry"]["coordinates"]) > 2
    arrival = date.fromisoformat(day["date"])
    assert arrival == date(2026, 12, 11)
    # computed arrival: departure + drive, rounded up to 5 minutes
    assert day["stops"][1]["arrival"][14:16] in {f"{m:02d}" for m in range(0, 60, 5)}
    assert tour["provinces"] == [OWN]
    assert tour["duration_days"] == 1
    assert tour["operator"]["province"]["code"] == OWN
    # drafts are not public, but their managers can read them
    assert_problem(client.get("/v1/tours/mot-ngay"), 404)
    assert_problem(client.get("/v1/tours/mot-ngay.jsonld"), 404)
    assert "mot-ngay" not in _slugs(client)
    own = client.get("/v1/tours/mot-ngay", headers=tour_accounts.headers("curator-own"))
    assert own.status_code == 200
    assert own.headers["etag"] == response.headers["etag"]
    other = client.get("/v1/tours/mot-ngay", headers=tour_accounts.headers("agency"))
    assert_problem(other, 404)
    assert_problem(
        client.get("/v1/tours/mot-ngay", headers=tour_accounts.headers("bad-token")), 401
    )


def test_an_agency_tour_publishes_with_its_provider_and_prices(
    client: TestClient, tour_accounts: Accounts
) -> None:
    response = create_tour(
        client,
        tour_accounts,
        "xu-thanh-2-ngay",
        role="agency",
        operator={"agency": OWN_AGENCY},
        price_min_vnd=1_500_000,
        price_max_vnd=2_900_000,
        days=[
            {"stops": [{"site": "thanh-nha-ho"}], "overnight": "flc-luxury-resort-sam-son"},
            {"stops": [{"site": "sam-son-beach"}, {"site": "den-ba-trieu", "depart": "16:00"}]},
        ],
    )
    assert response.status_code == 201, response.text
    etag = response.headers["etag"]
    response = _write(client, tour_accounts, "agency", "xu-thanh-2-ngay", "publish", etag)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "published"
    assert "xu-thanh-2-ngay" in _slugs(client, days_min=2, days_max=2)
    tour = client.get("/v1/tours/xu-thanh-2-ngay").json()
    days = tour["itinerary"]["days"]
    assert days[1]["start"]["site"] == "flc-luxury-resort-sam-son"  # day 2 starts at the hotel
    assert [leg["to"] for leg in days[0]["legs"]] == ["flc-luxury-resort-sam-son"]
    assert days[1]["stops"][1]["departure"].endswith("T16:00:00+07:00")
    assert tour["operator"] == {
        "kind": "agency",
        "agency": {"slug": OWN_AGENCY, "name": "Du lịch xứ Thanh"},
        "province": None,
    }
    ld = client.get("/v1/tours/xu-thanh-2-ngay.jsonld").json()
    _check_jsonld(ld, days)
    assert ld["provider"] == {
        "@type": "TravelAgency",
        "identifier": OWN_AGENCY,
        "name": "Du lịch xứ Thanh",
    }
    assert ld["offers"] == {
        "@type": "AggregateOffer",
        "priceCurrency": "VND",
        "lowPrice": 1_500_000,
        "highPrice": 2_900_000,
    }


def test_if_match_is_required_and_must_be_current(
    client: TestClient, tour_accounts: Accounts
) -> None:
    etag = created(client, tour_accounts, "dong-thoi")
    for step in ("patch", "publish", "archive"):
        assert_problem(_write(client, tour_accounts, "admin", "dong-thoi", step, None), 428)
        assert_problem(_write(client, tour_accounts, "admin", "dong-thoi", step, "*"), 428)
    first = _write(client, tour_accounts, "admin", "dong-thoi", "patch", etag, {"title_en": "One"})
    assert first.status_code == 200
    assert first.headers["etag"].startswith('"v2-')
    # a second editor still holding the first ETag cannot overwrite the change
    second = _write(client, tour_accounts, "admin", "dong-thoi", "patch", etag, {"title_en": "Two"})
    assert_problem(second, 412)
    assert_problem(_write(client, tour_accounts, "admin", "dong-thoi", "publish", etag), 412)
    weak = "W/" + first.headers["etag"]
    assert_problem(_write(client, tour_accounts, "admin", "dong-thoi", "publish", weak), 412)
    assert etag_of(client, tour_accounts, "dong-thoi") == first.headers["etag"]


def test_the_version_counter_stops_a_race_the_etag_check_missed(
    client: TestClient,
    session: Session,
    tour_accounts: Accounts,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another transaction commits between our If-Match check and our UPDATE."""
    etag = created(client, tour_accounts, "dua-tranh")
    original = TourWriter.apply

    def racing_apply(self: TourWriter, tour: Tour, *args: Any, **kwargs: Any) -> bool:
        # The other writer: a plain Core UPDATE, invisible to this session's identity map.
        table = Tour.__table__
        self.session.execute(
            update(table).where(table.c.id == tour.id).values(version=table.c.version + 1)
        )
        return original(self, tour, *args, **kwargs)

    monkeypatch.setattr(TourWriter, "apply", racing_apply)
    response = _write(client, tour_accounts, "admin", "dua-tranh", "patch", etag, {"title_en": "x"})
    assert "changed by someone else" in assert_problem(response, 412)["detail"]
    monkeypatch.undo()
    assert etag_of(client, tour_accounts, "dua-tranh") == etag
    assert _count(session, AuditEntry, resource_id="dua-tranh", action="tour.update") == 0


def test_versions_are_kept_and_retrievable(client: TestClient, tour_accounts: Accounts) -> None:
    role = "curator-own"
    etag = created(client, tour_accounts, "lich-su")
    patched = _write(
        client,
        tour_accounts,
        role,
        "lich-su",
        "patch",
        etag,
        {"title_en": "Renamed", "days": [{"stops": [{"site": "lam-kinh"}]}]},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["sites"] == ["lam-kinh"]
    assert patched.json()["itinerary"]["days"][0]["legs"] == []
    done = _write(client, tour_accounts, role, "lich-su", "publish", patched.headers["etag"])
    assert done.status_code == 200, done.text

    listing = client.get("/v1/tours/lich-su/versions", headers=tour_accounts.headers(role))
    assert listing.status_code == 200, listing.text
    items = listing.json()["items"]
    assert [(v["version"], v["action"], v["by"]) for v in items] == [
        (1, "tour.create", "test-admin"),
        (2, "tour.update", "curator-th"),
        (3, "tour.publish", "curator-th"),
    ]
    assert all(v["at"].endswith("+07:00") for v in items)
    first = client.get("/v1/tours/lich-su/versions/1", headers=tour_accounts.headers(role)).json()
    assert first["document"]["title_en"] == "A day in Thanh Hóa"
    assert first["document"]["sites"] == ["thanh-nha-ho", "lam-kinh"]
    assert first["document"]["itinerary"]["days"][0]["legs"][0]["geometry"]["type"] == "LineString"
    second = client.get("/v1/tours/lich-su/versions/2", headers=tour_accounts.headers(role)).json()
    assert (second["document"]["title_en"], second["document"]["status"]) == ("Renamed", "draft")
    third = client.get("/v1/tours/lich-su/versions/3", headers=tour_accounts.headers(role)).json()
    assert third["document"]["status"] == "published"
    assert third["document"]["version"] == 3
    # history is for those who manage the tour
    assert_problem(
        client.get("/v1/tours/lich-su/versions/9", headers=tour_accounts.headers(role)), 404
    )
    assert_problem(
        client.get("/v1/tours/lich-su/versions", headers=tour_accounts.headers("agency")), 403
    )
    assert_problem(
        client.get("/v1/tours/lich-su/versions", headers=tour_accounts.headers("curator-other")),
        403,
    )
    assert_problem(
        client.get("/v1/tours/no-such/versions", headers=tour_accounts.headers("admin")), 404
    )
    assert_problem(
        client.get("/v1/tours/lich-su/versions/0", headers=tour_accounts.headers("admin")), 422
    )
    # the seeded tours have their first version, by the seed
    seeded = client.get(f"/v1/tours/{HERITAGE}/versions", headers=tour_accounts.headers("admin"))
    assert [(v["version"], v["by"]) for v in seeded.json()["items"]] == [(1, "seed")]


def test_writes_are_audited_in_the_same_transaction(
    client: TestClient, session: Session, tour_accounts: Accounts
) -> None:
    etag = created(client, tour_accounts, "nhat-ky", operator={"province": OWN})
    edited = _write(
        client, tour_accounts, "curator-own", "nhat-ky", "patch", etag, {"price_max_vnd": 900_000}
    )
    assert edited.status_code == 200
    archived = _write(
        client, tour_accounts, "curator-own", "nhat-ky", "archive", edited.headers["etag"]
    )
    assert archived.status_code == 200
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.resource_type == "tour", AuditEntry.resource_id == "nhat-ky")
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.principal_name) for e in entries] == [
        ("tour.create", "test-admin"),
        ("tour.update", "curator-th"),
        ("tour.archive", "curator-th"),
    ]
    create, update, archive = entries
    assert create.before is None
    assert create.after is not None
    assert create.after["status"] == "draft"
    assert "itinerary" not in create.after  # the routed geometry lives in the versions
    assert update.before is not None
    assert update.after is not None
    assert (update.before["price"]["max_vnd"], update.after["price"]["max_vnd"]) == (None, 900_000)
    assert archive.after is not None
    assert archive.after["status"] == "archived"
    assert {e.province_code for e in entries} == {OWN}
    # curators read them in their province's audit log
    response = client.get(
        "/v1/audit", params={"action": "tour.update"}, headers=tour_accounts.headers("curator-own")
    )
    assert [e["resource"] for e in response.json()["items"]] == [{"type": "tour", "id": "nhat-ky"}]


def test_a_patch_that_changes_nothing_saves_no_version(
    client: TestClient, session: Session, tour_accounts: Accounts
) -> None:
    etag = created(client, tour_accounts, "khong-doi")
    same = _write(
        client,
        tour_accounts,
        "admin",
        "khong-doi",
        "patch",
        etag,
        {"title_vi": "Một ngày xứ Thanh"},
    )
    assert same.status_code == 200
    assert same.headers["etag"] == etag
    tour_id = session.scalar(select(Tour.id).where(Tour.slug == "khong-doi"))
    assert _count(session, TourVersion, tour_id=tour_id) == 1
    assert _count(session, AuditEntry, resource_id="khong-doi") == 1


def test_workflow_states(client: TestClient, tour_accounts: Accounts) -> None:
    etag = published(client, tour_accounts, "trang-thai")
    assert "trang-thai" in _slugs(client)
    assert_problem(_write(client, tour_accounts, "admin", "trang-thai", "publish", etag), 409)
    archived = _write(client, tour_accounts, "admin", "trang-thai", "archive", etag)
    assert archived.status_code == 200
    etag = archived.headers["etag"]
    assert "trang-thai" not in _slugs(client)
    assert_problem(client.get("/v1/tours/trang-thai"), 404)
    assert_problem(
        _write(client, tour_accounts, "admin", "trang-thai", "patch", etag, {"title_en": "x"}), 409
    )
    assert_problem(_write(client, tour_accounts, "admin", "trang-thai", "archive", etag), 409)
    assert_problem(_write(client, tour_accounts, "admin", "trang-thai", "publish", etag), 409)
    assert_problem(create_tour(client, tour_accounts, "trang-thai"), 409)  # slugs stay taken


def test_unknown_tours_are_404_for_writers(client: TestClient, tour_accounts: Accounts) -> None:
    for step in ("patch", "publish", "archive"):
        etag = '"v1-0123456789abcdef"'
        assert_problem(_write(client, tour_accounts, "admin", "no-such-tour", step, etag), 404)


def test_operator_can_be_handed_over_only_within_scope(
    client: TestClient, tour_accounts: Accounts
) -> None:
    etag = created(client, tour_accounts, "ban-giao", operator={"agency": OWN_AGENCY})
    away = {"operator": {"agency": OTHER_AGENCY}}
    assert_problem(_write(client, tour_accounts, "agency", "ban-giao", "patch", etag, away), 403)
    moved = _write(client, tour_accounts, "admin", "ban-giao", "patch", etag, away)
    assert moved.status_code == 200, moved.text
    assert moved.json()["operator"]["agency"]["slug"] == OTHER_AGENCY
    etag = moved.headers["etag"]
    back = {"title_en": "Now theirs"}
    assert_problem(_write(client, tour_accounts, "agency", "ban-giao", "patch", etag, back), 403)
    ok = _write(client, tour_accounts, "agency-other", "ban-giao", "patch", etag, back)
    assert ok.status_code == 200, ok.text


def test_an_agency_cannot_probe_agency_slugs(
    client: TestClient, session: Session, tour_accounts: Accounts
) -> None:
    """Naming another agency is 403 whether it exists or not: the answer tells nothing."""
    own = create_tour(
        client, tour_accounts, "cua-minh", role="agency", operator={"agency": OWN_AGENCY}
    )
    assert own.status_code == 201, own.text
    tours, audit = _count(session, Tour), _count(session, AuditEntry)
    bodies = []
    for slug in (OTHER_AGENCY, "no-such-agency"):
        response = create_tour(
            client, tour_accounts, "tham-do", role="agency", operator={"agency": slug}
        )
        body = assert_problem(response, 403)
        assert slug not in body["detail"]
        bodies.append(body)
    assert bodies[0] == bodies[1]
    # The same through a patch of the agency's own tour.
    etag = own.headers["etag"]
    patched = []
    for slug in (OTHER_AGENCY, "no-such-agency"):
        move = {"operator": {"agency": slug}}
        response = _write(client, tour_accounts, "agency", "cua-minh", "patch", etag, move)
        patched.append(assert_problem(response, 403))
    assert patched[0] == patched[1]
    assert {k: v for k, v in patched[0].items() if k != "instance"} == {
        k: v for k, v in bodies[0].items() if k != "instance"
    }
    assert (_count(session, Tour), _count(session, AuditEntry)) == (tours, audit)
    # Those who may name any agency still learn that a slug is unknown (a 422 on the field).
    for role in ("admin", "curator-own"):
        unknown = create_tour(
            client, tour_accounts, "tham-do", role=role, operator={"agency": "no-such-agency"}
        )
        assert_problem(unknown, 422, "operator.agency")


def test_a_tour_from_a_composed_itinerary(client: TestClient, tour_accounts: Accounts) -> None:
    composed = client.post(
        "/v1/itineraries",
        json={
            "start": "thanh-nha-ho",
            "start_date": "2026-12-04",
            "days": 2,
            "provinces": ["VN-21"],
            "must_visit": ["lam-kinh"],
            "max_candidates": 8,
            "time_limit_s": 0.3,
        },
    )
    assert composed.status_code == 201, composed.text
    plan = composed.json()
    body = tour_body("tu-lich-trinh", days=None, from_itinerary=plan["id"])
    del body["days"], body["start_date"], body["vehicle"]
    response = client.post("/v1/tours", json=body, headers=tour_accounts.headers("curator-own"))
    assert response.status_code == 201, response.text
    tour = response.json()
    assert tour["start_date"] == plan["start_date"]
    assert tour["vehicle"] == plan["vehicle"]
    assert tour["duration_days"] == len(plan["days"])
    for mine, theirs in zip(tour["itinerary"]["days"], plan["days"], strict=True):
        assert [s["site"] for s in mine["stops"]] == [s["site"] for s in theirs["stops"]]
        assert [s["arrival"] for s in mine["stops"]] == [s["arrival"] for s in theirs["stops"]]
        assert [s["departure"] for s in mine["stops"]] == [s["departure"] for s in theirs["stops"]]
        assert (mine["overnight"] or {}).get("site") == (theirs["overnight"] or {}).get("site")


# --- bad input --------------------------------------------------------------------------------


def _day(*stops: Any, **extra: Any) -> dict[str, Any]:
    return {"stops": [s if isinstance(s, dict) else {"site": s} for s in stops], **extra}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"days": [_day("thanh-nha-ho", "no-such-site")]}, "days.0.stops.1.site"),
        ({"days": [_day("thanh-nha-ho"), _day("kim-lien", "ghost-site")]}, "days.1.stops.1.site"),
        ({"days": []}, "days"),
        ({"days": [_day("lam-kinh")] * 15}, "days"),
        ({"days": [_day()]}, "days"),
        ({"days": [_day("thanh-nha-ho", overnight="kim-lien")]}, "days.0.overnight"),
        (
            {"days": [_day({"site": "lam-kinh", "arrive": "10:00", "depart": "09:00"})]},
            "days.0.stops.0.depart",
        ),
        ({"days": [_day({"site": "lam-kinh", "arrive": "23:00"})]}, "days.0.stops.0.depart"),
        ({"days": [_day({"site": "lam-kinh", "arrive": "25:00"})]}, "days.0.stops.0.arrive"),
        (
            {"days": [_day("thanh-nha-ho", {"site": "lam-kinh", "arrive": "07:00"})]},
            "days.0.stops.1.arrive",
        ),
        ({"days": [_day("Lam Kinh")]}, "days.0.stops.0.site"),
        ({"operator": {"agency": OWN_AGENCY, "province": OWN}}, "operator"),
        ({"operator": {}}, "operator"),
        ({"operator": None}, "operator"),
        ({"operator": {"province": "VN-99"}}, "operator.province"),
        ({"operator": {"agency": "no-such-agency"}}, "operator.agency"),
        ({"themes": ["casino"]}, "themes.0"),
        ({"themes": ["heritage", "heritage"]}, "themes"),
        ({"vehicle": "bicycle"}, "vehicle"),
        ({"price_min_vnd": 2_000_000, "price_max_vnd": 1_000_000}, "price_max_vnd"),
        ({"price_min_vnd": -1}, "price_min_vnd"),
        ({"from_itinerary": "0123456789abcdef0123456789abcdef"}, "days"),
        ({"days": None, "from_itinerary": "0123456789abcdef0123456789abcdef"}, "from_itinerary"),
        ({"days": None}, "days"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"title_en": ""}, "title_en"),
        ({"stars": 5}, "stars"),
    ],
)
def test_bad_bodies_are_422_naming_the_field_and_write_nothing(
    client: TestClient,
    session: Session,
    tour_accounts: Accounts,
    changes: dict[str, Any],
    field: str,
) -> None:
    tours, audit = _count(session, Tour), _count(session, AuditEntry)
    body = tour_body("hong") | changes
    body = {k: v for k, v in body.items() if not (k == "days" and v is None)}
    response = client.post("/v1/tours", json=body, headers=tour_accounts.headers("admin"))
    assert_problem(response, 422, field)
    assert (_count(session, Tour), _count(session, AuditEntry)) == (tours, audit)


def test_a_bad_patch_is_422_and_changes_nothing(
    client: TestClient, tour_accounts: Accounts
) -> None:
    etag = created(client, tour_accounts, "sua-sai")
    for patch, field in [
        ({"days": [_day("thanh-nha-ho", "no-such-site")]}, "days.0.stops.1.site"),
        ({"title_en": None}, "title_en"),
        ({"price_min_vnd": 5, "price_max_vnd": 1}, "price_max_vnd"),
        ({"slug": "renamed"}, "slug"),
        ({"status": "published"}, "status"),
    ]:
        response = _write(client, tour_accounts, "admin", "sua-sai", "patch", etag, patch)
        assert_problem(response, 422, field)
    assert etag_of(client, tour_accounts, "sua-sai") == etag


def test_a_stop_no_road_reaches_is_422_naming_it(
    client: TestClient, session: Session, tour_accounts: Accounts
) -> None:
    # 50 km out in the Gulf of Tonkin: no road within the 20 km a site may snap across.
    add_site(session, "dao-xa", SiteStatus.published, OWN, (106.5, 19.5))
    tours = _count(session, Tour)
    response = create_tour(
        client, tour_accounts, "ra-dao", days=[_day("thanh-nha-ho", "lam-kinh", "dao-xa")]
    )
    body = assert_problem(response, 422, "days.0.stops.2.site")
    assert "dao-xa" in body["errors"][0]["reason"]
    assert _count(session, Tour) == tours


def test_promoted_tours_carry_the_request_they_were_composed_from(client: TestClient) -> None:
    caravan = client.get(f"/v1/tours/{CARAVAN}").json()
    request = caravan["itinerary"]["request"]
    assert request["convoy"] == {"cars": 4, "motorbikes": 0}
    assert request["meals"]["lunch"]["earliest"] == "11:00"
    assert caravan["vehicle"] == "car"
    composed = client.post("/v1/itineraries", json=request)
    assert composed.status_code == 201, composed.text
    assert composed.json()["convoy"]["vehicles"] == 4
