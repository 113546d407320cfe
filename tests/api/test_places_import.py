"""``tourroute import places``: points of interest from a small crafted GeoJSON file, on both
backends: kinds, types and statuses, identity without OSM ids, bad files, generated names,
and the ``type`` filter and attribution of ``GET /v1/sites``."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import SEED_DIR
from tourroute.db.audit import AuditEntry
from tourroute.sites.domain import SiteKind, SiteStatus, SiteType
from tourroute.sites.models import Site, SiteTransition
from tourroute.sites.places_import import (
    IMPORT_PRINCIPAL,
    KEY_PREFIX,
    PlacesImportError,
    import_places,
    place_key,
    read_places,
    write_places,
)
from tourroute.sites.schemas import SiteCreate, SiteUpdate

SETTLEMENTS = SEED_DIR / "places" / "settlements.geojson"
LICENCE = "ODbL 1.0, (c) OpenStreetMap contributors"
METADATA = {"source": "test extract of OpenStreetMap", "licence": LICENCE}

# (name, class, subclass, lon, lat): unique names, so nothing matches the seed's places.
POIS: list[tuple[str | None, str, str, float, float]] = [
    ("Khách sạn Thử Nghiệm Sông Lam", "lodging", "hotel", 105.6950, 18.6810),  # Vinh
    ("Nhà Thử Home Stay", "lodging", "guest_house", 105.1010, 20.4520),  # Pù Luông
    (None, "campsite", "camp_site", 105.3000, 20.2000),  # Thanh Hóa
    (None, "fuel", "fuel", 104.1550, 19.3950),  # Mường Xén, Nghệ An
    ("Quán Thử Bánh Cuốn", "restaurant", "restaurant", 105.9005, 18.3355),  # Hà Tĩnh city
    ("Cà phê Thử Nghiệm", "cafe", "cafe", 105.7800, 19.8050),  # Thanh Hóa city
    ("Điểm Ngắm Thử Đèo", "attraction", "viewpoint", 104.5000, 19.3000),  # Nghệ An
    ("Bảo tàng Thử Nghiệm", "museum", "museum", 105.6920, 18.6700),  # Vinh
    ("Ngân hàng Thử", "bank", "bank", 105.6930, 18.6720),  # not imported
]
CREATED = 8
M_PER_DEG_LAT = 111_320.0


def feature(name: str | None, cls: str, subclass: str, lon: float, lat: float) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"name": name, "class": cls, "subclass": subclass},
    }


def write_file(
    path: Path,
    pois: list[tuple[str | None, str, str, float, float]] | None = None,
    metadata: dict[str, Any] | None = None,
    extra: list[dict[str, Any]] | None = None,
) -> Path:
    doc = {
        "type": "FeatureCollection",
        "metadata": METADATA if metadata is None else metadata,
        "features": [feature(*p) for p in (POIS if pois is None else pois)] + (extra or []),
    }
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def places_file(tmp_path: Path) -> Path:
    return write_file(tmp_path / "pois.geojson")


def _import(session: Session, path: Path, **kwargs: Any) -> Any:
    kwargs.setdefault("settlements", SETTLEMENTS)
    return import_places(session, path, **kwargs)


def _ours(session: Session) -> dict[str, Site]:
    """The sites this test imported (the seed's places are imported too, with other names)."""
    session.expire_all()
    names = {p[0] for p in POIS if p[0]} | {"%"}
    rows = session.scalars(select(Site).where(Site.external_ref.like(f"{KEY_PREFIX}%")))
    ours = {}
    keys = {place_key(c, s, n, lon, lat) for n, c, s, lon, lat in POIS}
    for site in rows:
        if site.external_ref in keys or site.name_vi in names:
            ours[site.external_ref or ""] = site
    return ours


def _snapshot(session: Session) -> dict[str, Any]:
    session.expire_all()
    rows = session.execute(
        select(Site.slug, Site.external_ref, Site.version, Site.name_en, Site.status)
    )
    return {
        "sites": sorted(tuple(str(v) for v in r) for r in rows),
        "audit": session.scalar(select(func.count(AuditEntry.id))),
        "transitions": session.scalar(select(func.count(SiteTransition.id))),
    }


def test_import_creates_sites_by_kind_type_and_status(session: Session, places_file: Path) -> None:
    report = _import(session, places_file, status=SiteStatus.published)
    assert report.created_total == CREATED
    assert report.created_by_kind() == {"lodging": 2, "campsite": 1, "service": 3, "attraction": 2}
    assert report.skipped.get("bank") == 1
    assert report.names_generated == 2
    statuses: dict[str, set[str]] = {}
    for by_kind in report.created.values():
        for kind, by_status in by_kind.items():
            statuses.setdefault(kind, set()).update(by_status)
    # Attractions are always drafts, whatever the status asked for.
    assert statuses == {
        "lodging": {"published"},
        "campsite": {"published"},
        "service": {"published"},
        "attraction": {"draft"},
    }
    sites = {s.name_vi: s for s in _ours(session).values()}
    hotel = sites["Khách sạn Thử Nghiệm Sông Lam"]
    assert (hotel.kind, hotel.subtype, hotel.province_code) == (
        SiteKind.lodging,
        SiteType.hotel,
        "VN-22",
    )
    assert hotel.name_en == hotel.name_vi
    assert not hotel.name_generated
    assert hotel.licence == LICENCE
    assert hotel.source.startswith("test extract of OpenStreetMap; lodging/hotel")
    assert hotel.slug == "khach-san-thu-nghiem-song-lam"
    assert len(hotel.external_ref or "") <= 64
    assert sites["Nhà Thử Home Stay"].subtype is SiteType.homestay
    museum = sites["Bảo tàng Thử Nghiệm"]
    assert (museum.kind, museum.subtype, museum.status) == (
        SiteKind.attraction,
        None,
        SiteStatus.draft,
    )
    assert [c.value for c in museum.categories] == ["museum"]
    assert [c.value for c in sites["Điểm Ngắm Thử Đèo"].categories] == ["nature"]
    meal = sites["Quán Thử Bánh Cuốn"]
    assert (meal.kind, meal.subtype, meal.visit_duration_min, meal.province_code) == (
        SiteKind.service,
        SiteType.meal,
        60,
        "VN-23",
    )
    # Audited and in the workflow history, by the import command.
    slugs = [s.slug for s in sites.values()]
    entries = session.scalars(select(AuditEntry).where(AuditEntry.resource_id.in_(slugs))).all()
    assert len(entries) == CREATED
    assert {(e.action, e.principal_name) for e in entries} == {("site.create", IMPORT_PRINCIPAL)}


def test_default_status_is_draft(session: Session, places_file: Path) -> None:
    _import(session, places_file)
    assert {s.status for s in _ours(session).values()} == {SiteStatus.draft}


def test_reimport_creates_nothing_and_changes_nothing(session: Session, places_file: Path) -> None:
    _import(session, places_file, status=SiteStatus.published)
    before = _snapshot(session)
    again = _import(session, places_file, status=SiteStatus.published)
    assert again.created_total == 0
    assert again.already_present == CREATED
    assert again.matched_by_distance == 0
    assert _snapshot(session) == before


def test_a_curators_edit_survives_a_reimport(session: Session, places_file: Path) -> None:
    _import(session, places_file, status=SiteStatus.published)
    hotel = next(s for s in _ours(session).values() if s.subtype is SiteType.hotel)
    hotel.name_en = "Song Lam Test Hotel (checked by a curator)"
    hotel.status = SiteStatus.archived
    session.flush()
    version = hotel.version
    report = _import(session, places_file, status=SiteStatus.published)
    assert report.created_total == 0
    session.refresh(hotel)
    assert hotel.name_en == "Song Lam Test Hotel (checked by a curator)"
    assert hotel.status is SiteStatus.archived
    assert hotel.version == version


@pytest.mark.parametrize(("moved_m", "same"), [(20.0, True), (100.0, False)])
def test_a_moved_feature_is_the_same_place_within_30_m(
    session: Session, tmp_path: Path, places_file: Path, moved_m: float, same: bool
) -> None:
    _import(session, places_file, status=SiteStatus.published)
    name, cls, subclass, lon, lat = POIS[0]
    moved_lat = lat + moved_m / M_PER_DEG_LAT
    moved: list[tuple[str | None, str, str, float, float]] = [(name, cls, subclass, lon, moved_lat)]
    # The key's position part differs.
    assert place_key(cls, subclass, name, lon, moved_lat) != place_key(
        cls, subclass, name, lon, lat
    )
    before = _snapshot(session)
    report = _import(session, write_file(tmp_path / "moved.geojson", moved))
    if same:
        assert (report.created_total, report.already_present) == (0, 1)
        assert report.matched_by_distance == 1
        assert _snapshot(session) == before
    else:
        assert (report.created_total, report.already_present) == (1, 0)
        hotels = [s for s in _ours(session).values() if s.name_vi == name]
        assert sorted(s.slug for s in hotels) == [
            "khach-san-thu-nghiem-song-lam",
            "khach-san-thu-nghiem-song-lam-2",
        ]


def test_an_unnamed_place_moved_by_20_m_is_the_same_place(
    session: Session, tmp_path: Path, places_file: Path
) -> None:
    _import(session, places_file, status=SiteStatus.published)
    _, cls, subclass, lon, lat = POIS[3]
    east = 20.0 / (M_PER_DEG_LAT * math.cos(math.radians(lat)))
    report = _import(
        session, write_file(tmp_path / "m.geojson", [(None, cls, subclass, lon + east, lat)])
    )
    assert (report.created_total, report.matched_by_distance) == (0, 1)


def _outside(path: Path) -> Path:
    hanoi = ("Khách sạn Hà Nội", "lodging", "hotel", 105.85, 21.03)
    return write_file(path, [*POIS, hanoi])


def _line(path: Path) -> Path:
    line = {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [[105.7, 18.7], [105.71, 18.71]]},
        "properties": {"name": "Đường Thử", "class": "lodging", "subclass": "hotel"},
    }
    return write_file(path, extra=[line])


def _not_numbers(path: Path) -> Path:
    bad = feature("Khách sạn Chữ", "lodging", "hotel", 0, 0)
    bad["geometry"]["coordinates"] = ["105.7", "18.7"]
    return write_file(path, extra=[bad])


def _not_json(path: Path) -> Path:
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    return path


def _not_collection(path: Path) -> Path:
    path.write_text(json.dumps(feature("X", "fuel", "fuel", 105.7, 18.7)), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_not_json, "not GeoJSON"),
        (_not_collection, "not a GeoJSON FeatureCollection"),
        (_line, r"feature #10 \(Đường Thử\): geometry is LineString, not a Point"),
        (_not_numbers, r"feature #10 \(Khách sạn Chữ\): coordinates .* are not numbers"),
        (_outside, r"feature #10 \(Khách sạn Hà Nội lodging/hotel\): point .* outside"),
        (lambda p: write_file(p, metadata={"source": "x"}), "no licence"),
    ],
    ids=["not-json", "not-collection", "linestring", "not-numbers", "outside", "no-licence"],
)
def test_a_bad_file_names_the_feature_and_changes_nothing(
    session: Session, tmp_path: Path, make: Any, message: str
) -> None:
    before = _snapshot(session)
    count = session.scalar(select(func.count(Site.id)))
    with pytest.raises(PlacesImportError, match=message):
        _import(session, make(tmp_path / "bad.geojson"), status=SiteStatus.published)
    assert _snapshot(session) == before
    assert session.scalar(select(func.count(Site.id))) == count


def test_licence_given_on_the_command_line(session: Session, tmp_path: Path) -> None:
    path = write_file(tmp_path / "p.geojson", POIS[:1], metadata={})
    report = _import(session, path, licence="ODbL 1.0", source="hand-made extract")
    assert report.created_total == 1
    site = next(iter(_ours(session).values()))
    assert (site.licence, site.source.split(";")[0]) == ("ODbL 1.0", "hand-made extract")


def test_unnamed_places_are_named_after_the_nearest_settlement(
    session: Session, places_file: Path
) -> None:
    _import(session, places_file)
    generated = [s for s in _ours(session).values() if s.name_generated]
    assert len(generated) == 2
    fuel = next(s for s in generated if s.subtype is SiteType.fuel)
    assert fuel.name_vi.startswith("Cây xăng ở ")
    assert fuel.name_en.startswith("Fuel station in ")
    town = fuel.name_vi.removeprefix("Cây xăng ở ")
    assert fuel.name_en == f"Fuel station in {town}"
    assert fuel.slug.startswith("cay-xang-o-")
    camp = next(s for s in generated if s.kind is SiteKind.campsite)
    assert camp.name_vi.startswith("Khu cắm trại ở ")
    assert camp.name_en.startswith("Campsite in ")


def test_without_settlements_unnamed_places_are_named_after_an_attraction(
    session: Session, places_file: Path
) -> None:
    report = write_places(session, read_places(places_file), settlements=[])
    assert report.names_generated == 2
    fuel = next(s for s in _ours(session).values() if s.subtype is SiteType.fuel)
    assert fuel.name_vi.startswith("Cây xăng gần ")
    assert fuel.name_en.startswith("Fuel station near ")
    assert fuel.name_generated


def test_subtype_must_fit_the_kind() -> None:
    body = {
        "slug": "thu",
        "name_vi": "Thử",
        "name_en": "Test",
        "province": "VN-21",
        "kind": "attraction",
        "subtype": "hotel",
        "location": {"type": "Point", "coordinates": [105.78, 19.81]},
        "source": "test",
    }
    with pytest.raises(ValidationError, match="subtype 'hotel' does not go with kind"):
        SiteCreate.model_validate(body)
    assert SiteCreate.model_validate({**body, "kind": "lodging"}).subtype is SiteType.hotel
    with pytest.raises(ValidationError, match="does not go with kind 'service'"):
        SiteUpdate.model_validate({"kind": "service", "subtype": "homestay"})


def test_type_filter_and_attribution(
    session: Session, client: TestClient, places_file: Path
) -> None:
    _import(session, places_file, status=SiteStatus.published)
    session.commit()
    homestays = client.get("/v1/sites", params={"type": "homestay", "limit": 500}).json()
    assert "nha-thu-home-stay" in {s["slug"] for s in homestays["items"]}
    assert {s["subtype"] for s in homestays["items"]} == {"homestay"}
    both = client.get("/v1/sites?type=homestay,hotel&limit=500").json()["items"]
    repeated = client.get("/v1/sites?type=homestay&type=hotel&limit=500").json()["items"]
    assert [s["slug"] for s in both] == [s["slug"] for s in repeated]
    assert {s["subtype"] for s in both} == {"homestay", "hotel"}
    fuel = client.get("/v1/sites", params={"kind": "service", "type": "fuel", "limit": 500})
    items = fuel.json()["items"]
    assert items
    assert {(s["kind"], s["subtype"]) for s in items} == {("service", "fuel")}
    assert any(s["name_generated"] and s["name_en"].startswith("Fuel station in ") for s in items)
    # Nothing is both a service and a homestay.
    assert client.get("/v1/sites?kind=service&type=homestay").json()["items"] == []
    bad = client.get("/v1/sites?type=castle")
    assert bad.status_code == 422
    assert "castle" in bad.text

    one = client.get("/v1/sites/khach-san-thu-nghiem-song-lam").json()
    assert one["licence"] == LICENCE
    assert one["attribution"] == "© OpenStreetMap contributors"
    assert (one["subtype"], one["name_generated"]) == ("hotel", False)
    curated = client.get("/v1/sites/thanh-nha-ho").json()
    assert (curated["licence"], curated["attribution"], curated["subtype"]) == (None, None, None)
    page = client.get("/v1/sites?type=hotel&limit=5").json()
    assert page["attribution"] == "© OpenStreetMap contributors"
    geo = client.get("/v1/sites?type=hotel&limit=5&f=geojson").json()
    assert geo["attribution"] == "© OpenStreetMap contributors"
    assert geo["features"][0]["properties"]["attribution"] == "© OpenStreetMap contributors"
    plain = client.get("/v1/sites?q=thanh%20nha%20ho&kind=attraction&f=geojson").json()
    assert plain["attribution"] is None
