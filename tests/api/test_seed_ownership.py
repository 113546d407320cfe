"""A seed load never undoes a curator's work (both backends).

The reported defect: after a curator changed a site and archived ``thac-may``, a restart
(``make run`` runs ``seed load``) wrote the seed's values back, published it again and
left the audit trail saying "archived".  Now the seed updates only what no one changed
since it wrote it, says what it left alone, audits what it changes, and ``--force``
overwrites on purpose, audited too.  Road segments (a curator's edit, an archived segment)
and tours (their operator's edit, an archived tour) are owned the same way, and a segment
or a tour someone created is never the seed's, even under a key the seed later claims.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.api.conftest import Accounts
from tests.api.tour_fixtures import tour_body
from tests.builders import etag_of
from tests.seeddata import SEED_DIR
from tourroute.db.audit import AuditEntry
from tourroute.network.models import RoadSegment, SegmentStatus
from tourroute.seed import load_seed
from tourroute.sites.domain import SiteStatus
from tourroute.sites.models import Site
from tourroute.tours.domain import TourStatus
from tourroute.tours.models import Tour, TourVersion

CURATOR = "curator-own"  # Thanh Hóa, where thac-may and lam-kinh are


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target, ignore=shutil.ignore_patterns("*.osm.pbf"))
    return target


def _edit(seed_dir: Path, slug: str, **values: Any) -> None:
    path = seed_dir / "sites" / "thanh-hoa.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    next(r for r in doc["sites"] if r["slug"] == slug).update(values)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _site(session: Session, slug: str) -> Site:
    session.expire_all()
    return session.scalars(select(Site).where(Site.slug == slug)).one()


def _audit(session: Session, slug: str, resource_type: str = "site") -> list[tuple[str, str]]:
    rows = session.execute(
        select(AuditEntry.principal_name, AuditEntry.action)
        .where(AuditEntry.resource_type == resource_type, AuditEntry.resource_id == slug)
        .order_by(AuditEntry.id)
    )
    return [(r.principal_name, r.action) for r in rows]


def test_a_restart_keeps_curators_edits_and_updates_the_rest(
    client: TestClient, accounts: Accounts, session: Session, seed_copy: Path
) -> None:
    headers = accounts.headers(CURATOR, **{"If-Match": etag_of(client, accounts, "thac-may")})
    patched = client.patch("/v1/sites/thac-may", json={"visit_duration_min": 95}, headers=headers)
    assert patched.status_code == 200, patched.text
    archived = client.post(
        "/v1/sites/thac-may/archive",
        headers=accounts.headers(CURATOR, **{"If-Match": patched.headers["etag"]}),
    )
    assert archived.status_code == 200, archived.text
    version = _site(session, "thac-may").version
    lam_kinh_version = _site(session, "lam-kinh").version

    # The seed changes both: the curator's site and one nobody touched.
    _edit(seed_copy, "thac-may", visit_duration_min=150, interest_score=61)
    _edit(seed_copy, "lam-kinh", interest_score=66)
    report = load_seed(session, seed_copy)

    assert report.sites_kept == ["thac-may"]
    assert report.sites_updated == 1
    assert "left alone, a curator owns them" in report.summary()
    kept = _site(session, "thac-may")
    assert (kept.status, kept.visit_duration_min, kept.version) == (
        SiteStatus.archived,
        95,
        version,
    )
    updated = _site(session, "lam-kinh")
    assert (updated.interest_score, updated.version) == (66, lam_kinh_version + 1)
    assert _audit(session, "lam-kinh")[-1] == ("seed", "site.update")

    # Loading again changes nothing more.
    again = load_seed(session, seed_copy)
    assert (again.sites_updated, again.sites_created, again.sites_kept) == (0, 0, ["thac-may"])

    # An operator who wants the seed back says so; that is audited as such.
    forced = load_seed(session, seed_copy, force=True)
    assert forced.sites_forced == ["thac-may"]
    back = _site(session, "thac-may")
    assert (back.status, back.visit_duration_min, back.interest_score) == (
        SiteStatus.published,
        150,
        61,
    )
    assert _audit(session, "thac-may")[-1] == ("seed --force", "site.update")
    # ... and from then on the seed owns it again.
    assert load_seed(session, seed_copy).sites_kept == []


def test_a_site_a_curator_changed_back_to_the_seed_values_is_the_seeds_again(
    client: TestClient, accounts: Accounts, session: Session, seed_copy: Path
) -> None:
    etag = etag_of(client, accounts, "lam-kinh")
    original = _site(session, "lam-kinh").interest_score
    headers = accounts.headers(CURATOR, **{"If-Match": etag})
    first = client.patch("/v1/sites/lam-kinh", json={"interest_score": 12}, headers=headers)
    assert first.status_code == 200, first.text
    headers = accounts.headers(CURATOR, **{"If-Match": first.headers["etag"]})
    undo = client.patch("/v1/sites/lam-kinh", json={"interest_score": original}, headers=headers)
    assert undo.status_code == 200, undo.text
    _edit(seed_copy, "lam-kinh", interest_score=70)
    report = load_seed(session, seed_copy)
    assert report.sites_kept == []
    assert _site(session, "lam-kinh").interest_score == 70


# --- road segments ---------------------------------------------------------------------------

SEGMENTS = "/v1/roads/segments"
EDITED_SEGMENT = "ct01-0002"  # in Thanh Hóa: curator-own may edit it
ARCHIVED_SEGMENT = "coast-0002"
UNTOUCHED_SEGMENT = "coast-0001"


def _segments_file(seed_dir: Path) -> tuple[Path, dict[str, Any]]:
    path = seed_dir / "roads" / "segments.geojson"
    return path, json.loads(path.read_text(encoding="utf-8"))


def _edit_segment(seed_dir: Path, key: str, **values: Any) -> None:
    path, doc = _segments_file(seed_dir)
    next(f for f in doc["features"] if f["properties"]["id"] == key)["properties"].update(values)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _segment(session: Session, key: str) -> RoadSegment:
    session.expire_all()
    return session.scalars(select(RoadSegment).where(RoadSegment.key == key)).one()


def _segment_etag(client: TestClient, accounts: Accounts, key: str) -> str:
    response = client.get(f"{SEGMENTS}/{key}", headers=accounts.headers("admin"))
    assert response.status_code == 200, response.text
    return response.headers["etag"]


def test_a_restart_keeps_curators_segments_and_updates_the_rest(
    client: TestClient, accounts: Accounts, session: Session, seed_copy: Path
) -> None:
    etag = _segment_etag(client, accounts, EDITED_SEGMENT)
    patched = client.patch(
        f"{SEGMENTS}/{EDITED_SEGMENT}",
        json={"maxspeed_kph": 50},
        headers=accounts.headers(CURATOR, **{"If-Match": etag}),
    )
    assert patched.status_code == 200, patched.text
    etag = _segment_etag(client, accounts, ARCHIVED_SEGMENT)
    archived = client.post(
        f"{SEGMENTS}/{ARCHIVED_SEGMENT}/archive",
        headers=accounts.headers("admin", **{"If-Match": etag}),
    )
    assert archived.status_code == 200, archived.text
    keys = (EDITED_SEGMENT, ARCHIVED_SEGMENT, UNTOUCHED_SEGMENT)
    versions = {key: _segment(session, key).version for key in keys}

    # The seed changes all three: the curator's, the archived one and one nobody touched.
    for key in keys:
        _edit_segment(seed_copy, key, name="Đường ven biển mới", maxspeed_kph=70)
    report = load_seed(session, seed_copy)

    assert sorted(report.segments.kept) == sorted([EDITED_SEGMENT, ARCHIVED_SEGMENT])
    assert (report.segments.created, report.segments.updated) == (0, 1)
    assert "road segments left alone, a curator owns them" in report.summary()
    edited = _segment(session, EDITED_SEGMENT)
    assert (edited.maxspeed_kph, edited.version) == (50, versions[EDITED_SEGMENT])
    assert edited.name != "Đường ven biển mới"
    gone = _segment(session, ARCHIVED_SEGMENT)
    assert (gone.status, gone.version) == (SegmentStatus.archived, versions[ARCHIVED_SEGMENT])
    updated = _segment(session, UNTOUCHED_SEGMENT)
    assert (updated.name, updated.maxspeed_kph, updated.version) == (
        "Đường ven biển mới",
        70,
        versions[UNTOUCHED_SEGMENT] + 1,
    )
    assert _audit(session, UNTOUCHED_SEGMENT, "segment")[-1] == ("seed", "segment.update")

    # Loading again changes nothing more.
    again = load_seed(session, seed_copy)
    assert (again.segments.created, again.segments.updated) == (0, 0)
    assert sorted(again.segments.kept) == sorted([EDITED_SEGMENT, ARCHIVED_SEGMENT])

    # --force puts the seed's values back, published, audited as such ...
    forced = load_seed(session, seed_copy, force=True)
    assert sorted(forced.segments.forced) == sorted([EDITED_SEGMENT, ARCHIVED_SEGMENT])
    assert "road segments overwritten by --force" in forced.summary()
    for key in (EDITED_SEGMENT, ARCHIVED_SEGMENT):
        back = _segment(session, key)
        assert (back.status, back.name, back.maxspeed_kph) == (
            SegmentStatus.published,
            "Đường ven biển mới",
            70,
        )
        assert _audit(session, key, "segment")[-1] == ("seed --force", "segment.update")
    # ... and from then on the seed owns them again.
    assert load_seed(session, seed_copy).segments.kept == []


# --- tours -----------------------------------------------------------------------------------

HERITAGE = "di-san-thanh-hoa-nghe-an-ha-tinh"
ECO = "ve-nguon-pu-luong-pu-xai-lai-leng-hai-thuong"
CARAVAN = "caravan-duong-ho-chi-minh"
AGENCY = "du-lich-xu-thanh"  # the `agency` principal's
PRICES = {"price_min_vnd": 1_000_000, "price_max_vnd": 2_000_000}


def _tours_file(seed_dir: Path) -> tuple[Path, dict[str, Any]]:
    path = seed_dir / "tours" / "promoted.yaml"
    return path, yaml.safe_load(path.read_text(encoding="utf-8"))


def _write_tours(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _edit_tour(seed_dir: Path, slug: str, **catalogue: Any) -> None:
    path, doc = _tours_file(seed_dir)
    next(t for t in doc["tours"] if t["slug"] == slug)["catalogue"].update(catalogue)
    _write_tours(path, doc)


def _tour(session: Session, slug: str) -> Tour:
    session.expire_all()
    return session.scalars(select(Tour).where(Tour.slug == slug)).one()


def _tour_etag(client: TestClient, slug: str) -> str:
    """The ETag of a published tour, read as the public reads it."""
    response = client.get(f"/v1/tours/{slug}")
    assert response.status_code == 200, response.text
    return response.headers["etag"]


def test_a_restart_keeps_operators_tours_and_updates_the_rest(
    client: TestClient, accounts: Accounts, session: Session, seed_copy: Path
) -> None:
    # The seed hands the caravan tour to an agency: still the seed's tour, so it follows.
    _edit_tour(seed_copy, CARAVAN, operator={"agency": AGENCY})
    handed = load_seed(session, seed_copy)
    assert (handed.tours.updated, handed.tours.kept) == (1, [])
    assert _tour(session, CARAVAN).operator_agency_id is not None
    # Its agency edits it, an admin archives another, and nobody touches the third.
    edited = client.patch(
        f"/v1/tours/{CARAVAN}",
        json={"summary_en": "Our own words."},
        headers=accounts.headers("agency", **{"If-Match": _tour_etag(client, CARAVAN)}),
    )
    assert edited.status_code == 200, edited.text
    archived = client.post(
        f"/v1/tours/{ECO}/archive",
        headers=accounts.headers("admin", **{"If-Match": _tour_etag(client, ECO)}),
    )
    assert archived.status_code == 200, archived.text
    versions = {slug: _tour(session, slug).version for slug in (CARAVAN, ECO, HERITAGE)}
    seed_summary = next(t for t in _tours_file(seed_copy)[1]["tours"] if t["slug"] == CARAVAN)[
        "catalogue"
    ]["summary_en"]

    # The seed changes all three.
    for slug in (CARAVAN, ECO, HERITAGE):
        _edit_tour(seed_copy, slug, **PRICES)
    report = load_seed(session, seed_copy)

    assert sorted(report.tours.kept) == sorted([CARAVAN, ECO])
    assert (report.tours.created, report.tours.updated) == (0, 1)
    assert "tours left alone, a curator owns them" in report.summary()
    caravan = _tour(session, CARAVAN)
    assert (caravan.summary_en, caravan.price_min_vnd, caravan.version) == (
        "Our own words.",
        None,
        versions[CARAVAN],
    )
    eco = _tour(session, ECO)
    assert (eco.status, eco.price_min_vnd, eco.version) == (
        TourStatus.archived,
        None,
        versions[ECO],
    )
    heritage = _tour(session, HERITAGE)
    assert (heritage.price_min_vnd, heritage.version) == (1_000_000, versions[HERITAGE] + 1)
    assert _audit(session, HERITAGE, "tour")[-1] == ("seed", "tour.update")
    saved = session.scalars(
        select(TourVersion).where(
            TourVersion.tour_id == heritage.id, TourVersion.version == heritage.version
        )
    ).one()
    assert saved.principal_name == "seed"

    # Loading again changes nothing more.
    again = load_seed(session, seed_copy)
    assert (again.tours.created, again.tours.updated) == (0, 0)
    assert sorted(again.tours.kept) == sorted([CARAVAN, ECO])

    # --force puts the seed's tours back, published, audited as such ...
    forced = load_seed(session, seed_copy, force=True)
    assert sorted(forced.tours.forced) == sorted([CARAVAN, ECO])
    caravan = _tour(session, CARAVAN)
    assert (caravan.summary_en, caravan.price_min_vnd, caravan.version) == (
        seed_summary,
        1_000_000,
        versions[CARAVAN] + 1,
    )
    eco = _tour(session, ECO)
    assert (eco.status, eco.price_min_vnd, eco.version) == (
        TourStatus.published,
        1_000_000,
        versions[ECO] + 1,
    )
    for slug in (CARAVAN, ECO):
        assert _audit(session, slug, "tour")[-1] == ("seed --force", "tour.update")
    # ... and from then on the seed owns them again.
    assert load_seed(session, seed_copy).tours.kept == []


# --- records someone created -----------------------------------------------------------------

MINE = "test-th-link"  # a segment and a tour created through the API, keys the seed then claims


def test_a_segment_or_a_tour_someone_created_is_never_the_seeds(
    client: TestClient, accounts: Accounts, session: Session, seed_copy: Path
) -> None:
    segment = client.post(
        SEGMENTS,
        json={
            "id": MINE,
            "name": "Đường thử",
            "road_class": "tertiary",
            "source": "test fixture",
            "coordinates": [[105.81108, 20.093315], [105.78, 20.10]],
        },
        headers=accounts.headers(CURATOR),
    )
    assert segment.status_code == 201, segment.text
    tour = client.post("/v1/tours", json=tour_body(MINE), headers=accounts.headers("admin"))
    assert tour.status_code == 201, tour.text

    # The seed, later, brings records of its own under those keys.
    path, doc = _segments_file(seed_copy)
    doc["features"].append(
        {
            "type": "Feature",
            "properties": {"id": MINE, "road_class": "secondary", "source": "the seed's own"},
            "geometry": {"type": "LineString", "coordinates": [[105.81, 20.09], [105.79, 20.1]]},
        }
    )
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    path, doc = _tours_file(seed_copy)
    doc["tours"].append({**next(t for t in doc["tours"] if t["slug"] == HERITAGE), "slug": MINE})
    _write_tours(path, doc)
    report = load_seed(session, seed_copy)

    assert (report.segments.created, report.segments.kept) == (0, [MINE])
    assert (report.tours.created, report.tours.kept) == (0, [MINE])
    mine = _segment(session, MINE)
    assert (mine.status, mine.road_class, mine.source, mine.version, mine.seeded) == (
        SegmentStatus.draft,
        "tertiary",
        "test fixture",
        1,
        None,
    )
    ours = _tour(session, MINE)
    assert (ours.status, ours.title_en, ours.version, ours.seeded) == (
        TourStatus.draft,
        "A day in Thanh Hóa",
        1,
        None,
    )
    assert [who for who, _ in _audit(session, MINE, "segment")] == ["curator-th"]
    assert [who for who, _ in _audit(session, MINE, "tour")] == ["test-admin"]
