"""``tourroute import osm-places``: accommodation from a small hand-written OSM file, on both
backends, then used as a caravan's overnight place by the itinerary composer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from geoalchemy2.shape import to_shape
from shapely.geometry import MultiPolygon, shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.api.conftest import Accounts
from tests.builders import etag_of
from tests.conftest import SEED_DIR
from tests.osm_files import Way, garbage_pbf, truncated_copy, write_osm_xml
from tourroute import cli
from tourroute.config import Settings
from tourroute.db import migrate
from tourroute.db.audit import AuditEntry
from tourroute.db.engine import create_db_engine
from tourroute.db.spatial import to_element
from tourroute.network.osm_reader import OsmImportError
from tourroute.provinces.models import Province
from tourroute.sites import osm_places
from tourroute.sites.domain import SiteKind, SiteStatus
from tourroute.sites.models import Site, SiteTransition
from tourroute.sites.osm_places import IMPORT_PRINCIPAL, PlaceImportReport, import_osm_places
from tourroute.sites.values import search_keys

NODES: dict[int, tuple[float, float]] = {
    # Tagged POIs (tags in POI_TAGS)
    1: (105.69, 18.67),  # hotel in Vinh, Nghệ An
    2: (106.09, 18.28),  # camp site near Thiên Cầm, Hà Tĩnh
    3: (105.695, 18.675),  # an unnamed guest house in Vinh
    4: (105.85, 21.03),  # a hotel in Hà Nội: outside the served provinces
    5: (105.60, 20.08),  # a museum: not accommodation
    6: (105.70, 18.68),  # a hotel whose opening_hours the parser rejects
    # Untagged nodes of ways: a caravan site in Thanh Hóa city (closed) ...
    11: (105.770, 19.800),
    12: (105.773, 19.800),
    13: (105.773, 19.803),
    14: (105.770, 19.803),
    # ... and a guest house drawn as an open line in Hà Tĩnh city
    21: (105.900, 18.340),
    22: (105.902, 18.342),
}
POI_TAGS: dict[int, dict[str, str]] = {
    1: {
        "tourism": "hotel",
        "name": "Khách sạn Sông Lam",
        "name:en": "Song Lam Hotel",
        "opening_hours": "24/7",
    },
    2: {"tourism": "camp_site", "name": "Bãi cắm trại Thiên Cầm", "caravans": "yes"},
    3: {"tourism": "guest_house"},
    4: {"tourism": "hotel", "name": "Khách sạn Hà Nội"},
    5: {"tourism": "museum", "name": "Bảo tàng"},
    6: {"tourism": "hotel", "name": "Khách sạn Cửa Nam", "opening_hours": "cả ngày"},
}
WAYS: dict[int, Way] = {
    100: (
        [11, 12, 13, 14, 11],
        {"tourism": "caravan_site", "name": "Bãi xe nhà di động Hạc Thành"},
    ),
    101: ([21, 22], {"tourism": "guest_house", "name": "Nhà nghỉ Trần Phú"}),
    102: ([21, 999], {"tourism": "hotel", "name": "Khách sạn thiếu nút"}),  # node 999 missing
}
CREATED = {"osm:n1", "osm:n2", "osm:n6", "osm:w100", "osm:w101"}


def write_osm(path: Path, ways: dict[int, Way] | None = None) -> Path:
    """An OSM XML file with the test nodes (tagged ones with POI_TAGS) and ``ways``."""
    return write_osm_xml(path, NODES, WAYS if ways is None else ways, POI_TAGS)


@pytest.fixture
def osm_file(tmp_path: Path) -> Path:
    return write_osm(tmp_path / "places.osm")


def _imported(session: Session) -> dict[str, Site]:
    # osm-places keys only (the seed also holds places imported by `import places`).
    rows = session.scalars(select(Site).where(Site.external_ref.like(f"{osm_places.KEY_PREFIX}%")))
    return {row.external_ref or "": row for row in rows}


def _count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _snapshot(session: Session) -> dict[str, Any]:
    session.expire_all()
    rows = session.execute(
        select(
            Site.slug,
            Site.external_ref,
            Site.version,
            Site.name_en,
            Site.status,
            Site.motorhome_overnight,
        )
    )
    return {
        "sites": sorted(tuple(str(v) for v in r) for r in rows),
        "audit": _count(session, AuditEntry),
        "transitions": _count(session, SiteTransition),
    }


def test_import_creates_lodging_and_campsites(session: Session, osm_file: Path) -> None:
    sites_before = _count(session, Site)
    report = import_osm_places(session, osm_file)

    assert (report.nodes_read, report.ways_read) == (6, 3)
    assert report.created == {
        "VN-21": {"campsite": 1},
        "VN-22": {"lodging": 2},
        "VN-23": {"campsite": 1, "lodging": 1},
    }
    assert report.motorhome_overnight == 2
    assert report.already_present == 0
    assert report.skipped == {
        "no name": 1,
        "not accommodation": 1,
        "outside the served provinces": 1,
        "missing node locations": 1,
    }
    assert report.hours_dropped == 1
    rows = _imported(session)
    assert set(rows) == CREATED
    assert _count(session, Site) == sites_before + len(CREATED)

    hotel = rows["osm:n1"]
    assert hotel.slug == "khach-san-song-lam-osm-n1"
    assert (hotel.name_vi, hotel.name_en) == ("Khách sạn Sông Lam", "Song Lam Hotel")
    assert (hotel.kind, hotel.province_code, hotel.status) == (
        SiteKind.lodging,
        "VN-22",
        SiteStatus.draft,
    )
    assert hotel.opening_hours == "24/7"
    assert (hotel.visit_duration_min, hotel.interest_score) == (0, osm_places.INTEREST_SCORE)
    assert hotel.categories == []
    assert hotel.district is None
    assert hotel.coord_confidence == "high"
    assert (hotel.motorhome_overnight, hotel.motorhome_parking, hotel.coach_parking) == (
        False,
        False,
        False,
    )
    assert hotel.source == (
        "OpenStreetMap node 1 (© OpenStreetMap contributors, ODbL); file places.osm"
    )
    point = to_shape(hotel.geom)
    assert (round(point.x, 6), round(point.y, 6)) == NODES[1]
    # Search keys come from the same code as the seed's and the curators' sites.
    assert (hotel.search_exact, hotel.search_folded) == search_keys(hotel)
    assert "khach san song lam" in hotel.search_folded

    camp = rows["osm:n2"]
    assert (camp.kind, camp.province_code) == (SiteKind.campsite, "VN-23")
    assert (camp.motorhome_overnight, camp.motorhome_parking, camp.coach_parking) == (
        True,
        True,
        False,
    )

    caravan_site = rows["osm:w100"]
    assert (caravan_site.kind, caravan_site.province_code) == (SiteKind.campsite, "VN-21")
    assert caravan_site.motorhome_overnight
    assert caravan_site.coord_confidence == "medium"
    assert caravan_site.slug == "bai-xe-nha-di-dong-hac-thanh-osm-w100"
    centre = to_shape(caravan_site.geom)
    assert (round(centre.x, 6), round(centre.y, 6)) == (105.7715, 19.8015)
    assert caravan_site.source.startswith("OpenStreetMap way 100 ")

    line = rows["osm:w101"]
    assert (line.kind, line.province_code, line.coord_confidence) == (
        SiteKind.lodging,
        "VN-23",
        "medium",
    )
    mid = to_shape(line.geom)
    assert (round(mid.x, 6), round(mid.y, 6)) == (105.901, 18.341)

    bad_hours = rows["osm:n6"]
    assert bad_hours.opening_hours is None  # dropped, the site kept

    # One audit entry and one workflow step per created site, by the importer.
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.principal_name == IMPORT_PRINCIPAL)
    ).all()
    assert sorted(e.resource_id for e in entries) == sorted(r.slug for r in rows.values())
    assert {e.action for e in entries} == {"site.create"}
    assert all(e.before is None and e.after is not None for e in entries)
    by_slug = {e.resource_id: e for e in entries}
    assert by_slug[hotel.slug].province_code == "VN-22"
    assert by_slug[hotel.slug].after is not None
    assert by_slug[hotel.slug].after["suitability"]["motorhome_overnight"] is False
    steps = session.scalars(
        select(SiteTransition).where(SiteTransition.principal_name == IMPORT_PRINCIPAL)
    ).all()
    assert len(steps) == len(CREATED)
    assert {(s.from_status, s.to_status) for s in steps} == {(None, SiteStatus.draft)}


def test_published_status(session: Session, osm_file: Path) -> None:
    report = import_osm_places(session, osm_file, status=SiteStatus.published)
    assert report.status == "published"
    assert {s.status for s in _imported(session).values()} == {SiteStatus.published}


def test_reimport_creates_nothing_and_changes_nothing(session: Session, osm_file: Path) -> None:
    import_osm_places(session, osm_file)
    before = _snapshot(session)
    stamps = {k: r.updated_at for k, r in _imported(session).items()}
    report = import_osm_places(session, osm_file, status=SiteStatus.published)
    assert report.created == {}
    assert report.already_present == len(CREATED)
    assert _snapshot(session) == before
    assert {k: r.updated_at for k, r in _imported(session).items()} == stamps


def test_a_newer_extract_adds_only_the_new_pois(
    session: Session, tmp_path: Path, osm_file: Path
) -> None:
    import_osm_places(session, osm_file)
    ways = dict(WAYS)
    ways[103] = ([11, 13], {"tourism": "motel", "name": "Nhà nghỉ mới"})
    report = import_osm_places(session, write_osm(tmp_path / "newer.osm", ways))
    assert report.created_total == 1
    assert report.already_present == len(CREATED)
    assert set(_imported(session)) == CREATED | {"osm:w103"}


def test_a_curators_edit_survives_a_reimport(
    session: Session, client: TestClient, accounts: Accounts, osm_file: Path
) -> None:
    import_osm_places(session, osm_file)
    session.commit()
    slug = _imported(session)["osm:n2"].slug
    patch = {"name_en": "Thiên Cầm Camping (checked)", "motorhome_overnight": False}
    response = client.patch(
        f"/v1/sites/{slug}",
        json=patch,
        headers=accounts.headers("admin", **{"If-Match": etag_of(client, accounts, slug)}),
    )
    assert response.status_code == 200, response.text
    edited = client.get(f"/v1/curation/sites/{slug}", headers=accounts.headers("admin")).json()

    session.expire_all()
    report = import_osm_places(session, osm_file)
    assert report.created_total == 0
    session.commit()
    again = client.get(f"/v1/curation/sites/{slug}", headers=accounts.headers("admin")).json()
    assert again == edited
    assert again["name_en"] == "Thiên Cầm Camping (checked)"
    assert again["suitability"]["motorhome_overnight"] is False
    assert again["version"] == 2


def test_a_curated_site_holding_the_slug_is_left_alone(session: Session, osm_file: Path) -> None:
    camp = Site(
        slug="bai-cam-trai-thien-cam-osm-n2",
        name_vi="Điểm của người biên tập",
        name_en="A curator's place",
        province_code="VN-23",
        kind=SiteKind.attraction,
        geom=to_element(shape({"type": "Point", "coordinates": [106.1, 18.29]})),
        source="curated",
    )
    camp.search_exact, camp.search_folded = search_keys(camp)
    session.add(camp)
    session.flush()
    report = import_osm_places(session, osm_file)
    assert report.skipped["slug in use"] == 1
    assert "osm:n2" not in _imported(session)
    session.refresh(camp)
    assert (camp.name_en, camp.external_ref, camp.version) == ("A curator's place", None, 1)


def _truncated(tmp_path: Path) -> Path:
    return truncated_copy(write_osm(tmp_path / "good.osm"), tmp_path / "truncated.osm")


def _garbage_pbf(tmp_path: Path) -> Path:
    return garbage_pbf(tmp_path / "garbage.osm.pbf")


def _missing(tmp_path: Path) -> Path:
    return tmp_path / "nowhere.osm.pbf"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_truncated, "cannot read OSM data"),
        (_garbage_pbf, "cannot read OSM data"),
        (_missing, "no such file"),
    ],
)
def test_a_bad_file_changes_nothing(
    session: Session, tmp_path: Path, osm_file: Path, make: Any, message: str
) -> None:
    before = _snapshot(session)
    with pytest.raises(OsmImportError, match=message):
        import_osm_places(session, make(tmp_path))
    assert _snapshot(session) == before


def test_an_interrupt_while_writing_rolls_everything_back(
    session: Session, osm_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(session)
    calls = 0

    def interrupted(*args: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:  # sites flushed, two of them audited
            raise KeyboardInterrupt
        real(*args)

    real = osm_places._record
    monkeypatch.setattr(osm_places, "_record", interrupted)
    with pytest.raises(KeyboardInterrupt):
        import_osm_places(session, osm_file)
    assert _snapshot(session) == before
    # The caller's transaction is still usable.
    monkeypatch.undo()
    assert import_osm_places(session, osm_file).created_total == len(CREATED)


def test_a_published_caravan_site_is_a_motorhome_overnight_place(
    session: Session, client: TestClient, osm_file: Path
) -> None:
    trip = {
        "start": "thien-cam",
        "start_date": "2026-12-04",
        "days": 2,
        "vehicle": "motorhome",
        "provinces": ["VN-23"],
        "max_candidates": 10,
    }
    refused = client.post("/v1/itineraries", json=trip)
    assert refused.status_code == 422, refused.text
    assert "motorhome-suitable" in refused.text

    import_osm_places(session, osm_file, status=SiteStatus.published)
    session.commit()
    camp = _imported(session)["osm:n2"].slug
    response = client.post("/v1/itineraries", json=trip)
    assert response.status_code == 201, response.text
    plan = response.json()
    first = plan["days"][0]
    assert first["overnight"]["site"] == camp
    assert first["end"]["site"] == camp
    assert plan["days"][1]["start"]["site"] == camp


# --- the command line (SpatiaLite in tmp_path) ------------------------------------------


def _add_provinces(settings: Settings) -> None:
    """The seed's three provinces, without the rest of the seed."""
    data = json.loads((SEED_DIR / "provinces.geojson").read_text(encoding="utf-8"))
    engine = create_db_engine(settings)
    try:
        with Session(engine) as s, s.begin():
            for feature in data["features"]:
                props = feature["properties"]
                outline = shape(feature["geometry"])
                if not isinstance(outline, MultiPolygon):
                    outline = MultiPolygon([outline])
                s.add(
                    Province(
                        code=props["code"],
                        slug=props["slug"],
                        name_vi=props["name_vi"],
                        name_en=props["name_en"],
                        source=props["source"],
                        boundary=to_element(outline),
                    )
                )
    finally:
        engine.dispose()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("TOURROUTE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TOURROUTE_DATABASE_URL", "")
    monkeypatch.setenv("SPATIALITE_LIBRARY_PATH", "mod_spatialite")
    settings = Settings()
    migrate.upgrade(settings)
    _add_provinces(settings)
    return settings


def _cli_state(settings: Settings) -> tuple[int, int]:
    engine = create_db_engine(settings)
    try:
        with Session(engine) as s:
            sites = s.scalar(select(func.count()).select_from(Site))
            audit = s.scalar(select(func.count()).select_from(AuditEntry))
            return int(sites or 0), int(audit or 0)
    finally:
        engine.dispose()


def test_cli_imports_and_prints_the_summary(
    cli_db: Settings, osm_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["import", "osm-places", str(osm_file), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "OSM file places.osm: 9 tourism objects read (6 nodes, 3 ways)" in out
    assert "sites created: 5 (draft), 2 of them caravan-overnight" in out
    assert "VN-21 Thanh Hóa: campsite 1" in out
    assert "VN-22 Nghệ An: lodging 2" in out
    assert "VN-23 Hà Tĩnh: campsite 1, lodging 1" in out
    assert "already present (kept as they are): 0" in out
    assert (
        "skipped 4: missing node locations 1, no name 1, not accommodation 1, "
        "outside the served provinces 1"
    ) in out
    assert "opening_hours dropped (not valid): 1" in out
    assert _cli_state(cli_db) == (5, 5)

    args = ["import", "osm-places", str(osm_file), "--quiet", "--status", "published"]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "sites created: 0 (published)" in out
    assert "already present (kept as they are): 5" in out
    assert _cli_state(cli_db) == (5, 5)


@pytest.mark.parametrize(
    ("make", "message"),
    [(_missing, "no such file"), (_garbage_pbf, "cannot read OSM data"), (_truncated, "cannot")],
)
def test_cli_rejects_a_bad_file_with_exit_code_2_and_writes_nothing(
    cli_db: Settings,
    tmp_path: Path,
    osm_file: Path,
    capsys: pytest.CaptureFixture[str],
    make: Any,
    message: str,
) -> None:
    assert cli.main(["import", "osm-places", str(osm_file), "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["import", "osm-places", str(make(tmp_path)), "--quiet"]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert "nothing" in captured.err or "no such file" in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert _cli_state(cli_db) == (5, 5)


def test_cli_unreadable_file_fails_before_the_database_is_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("TOURROUTE_DATA_DIR", str(data))
    monkeypatch.setenv("TOURROUTE_DATABASE_URL", "")
    assert cli.main(["import", "osm-places", str(tmp_path / "none.osm"), "--quiet"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert not data.exists()  # no SpatiaLite file was created


def test_cli_without_a_database_says_so_and_creates_none(
    tmp_path: Path,
    osm_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TOURROUTE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TOURROUTE_DATABASE_URL", "")
    monkeypatch.setenv("SPATIALITE_LIBRARY_PATH", "mod_spatialite")
    # No migrations, not even a file: refused before anything is opened or created.
    assert cli.main(["import", "osm-places", str(osm_file), "--quiet"]) == 2
    captured = capsys.readouterr()
    assert "tourroute db upgrade" in captured.err
    assert "Traceback" not in captured.err
    assert not (tmp_path / "data").exists()


def test_cli_needs_provinces(
    tmp_path: Path,
    osm_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TOURROUTE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TOURROUTE_DATABASE_URL", "")
    monkeypatch.setenv("SPATIALITE_LIBRARY_PATH", "mod_spatialite")
    migrate.upgrade(Settings())
    assert cli.main(["import", "osm-places", str(osm_file), "--quiet"]) == 2
    assert "no provinces" in capsys.readouterr().err


def test_report_summary_without_anything() -> None:
    text = PlaceImportReport(file="x.osm").summary()
    assert "sites created: 0 (draft), 0 of them caravan-overnight" in text
    assert "skipped 0: none" in text
