"""The seed loader: idempotent upserts, and all-or-nothing rejection of a broken seed."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import SEED_DIR
from tests.seeddata import PLACES_FILE, identity, seed_places, seed_sites
from tourroute.seed import SeedError, load_seed, read_seed
from tourroute.sites.models import Site

Record = dict[str, Any]


def _snapshot(session: Session) -> dict[str, tuple[str, int, str]]:
    rows = session.execute(select(Site.slug, Site.name_en, Site.version, Site.source))
    return {slug: (name, version, source) for slug, name, version, source in rows}


def _load_rejected(session: Session, seed_dir: Path) -> str:
    """Load a broken seed: it must raise, and the database must be exactly as before."""
    before = _snapshot(session)
    with pytest.raises(SeedError) as caught:
        load_seed(session, seed_dir)
    session.expire_all()
    assert _snapshot(session) == before
    return str(caught.value)


POI_PREFIX = "osmpoi:"  # the external_ref of a site imported from seed/places


def _place_identity(site: Site) -> Any:
    """A site imported from seed/places as tests.seeddata.identity knows it."""
    point = to_shape(site.geom)
    if site.name_generated:
        name = ""
    elif site.name_en == site.name_vi:
        name = site.name_vi
    else:  # a named place has one name in both languages: this cannot match the oracle
        name = f"{site.name_vi} / {site.name_en}"
    record = {"kind": site.kind.value, "province": site.province_code, "name": name}
    return identity({**record, "lon": point.x, "lat": point.y})


def test_seed_is_loaded_with_every_record(session: Session) -> None:
    places = seed_places()
    assert session.scalar(select(func.count()).select_from(Site)) == len(seed_sites()) + len(places)
    # Curated sites by slug, in their status; points of interest by kind, province, position
    # and name, in the status of the seed's policy (tests.seeddata).
    curated = session.execute(
        select(Site.slug, Site.status).where(
            Site.external_ref.is_(None) | Site.external_ref.not_like(f"{POI_PREFIX}%")
        )
    ).all()
    assert sorted((slug, status.value) for slug, status in curated) == sorted(
        (r["slug"], r["status"]) for r in seed_sites()
    )
    imported = session.scalars(select(Site).where(Site.external_ref.like(f"{POI_PREFIX}%"))).all()
    loaded = sorted((_place_identity(site), site.status.value) for site in imported)
    assert loaded == sorted((identity(r), r["status"]) for r in places)


def test_loading_twice_changes_nothing(session: Session) -> None:
    before = _snapshot(session)
    report = load_seed(session, SEED_DIR)
    assert report.sites_created == 0
    assert report.sites_updated == 0
    assert report.sites_unchanged == len(seed_sites())
    assert report.provinces_created == 0
    assert report.provinces_updated == 0
    # Every point of interest is found again (by its key) and kept as it is.
    [places] = report.places
    assert places.created_total == 0
    assert places.already_present == len(seed_places())
    assert places.matched_by_distance == 0
    # The POI "Thành Nhà Hồ" is still the curated thanh-nha-ho, left out (tests.seeddata).
    assert places.same_as_other_site == 1
    assert f"places/{PLACES_FILE.name}: 0 created, {len(seed_places())} already present" in (
        report.summary()
    )
    session.expire_all()
    assert _snapshot(session) == before


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target, ignore=shutil.ignore_patterns("*.osm.pbf"))
    return target


def _edit_record(seed_dir: Path, file: str, slug: str, change: Callable[[Record], None]) -> None:
    path = seed_dir / "sites" / file
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    record = next(r for r in doc["sites"] if r["slug"] == slug)
    change(record)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_an_edited_record_is_updated_and_its_version_bumped(
    session: Session, seed_copy: Path
) -> None:
    _edit_record(
        seed_copy,
        "nghe-an.yaml",
        "kim-lien",
        lambda r: r.update(interest_score=77, categories=["heritage", "museum"]),
    )
    version = session.scalar(select(Site.version).where(Site.slug == "kim-lien"))
    report = load_seed(session, seed_copy)
    assert report.sites_updated == 1
    assert report.sites_created == 0
    assert [p.created_total for p in report.places] == [0]  # the places are all there
    site = session.scalars(select(Site).where(Site.slug == "kim-lien")).one()
    assert site.interest_score == 77
    assert set(site.categories) == {"heritage", "museum"}
    assert site.version == version + 1


def _bad_geometry(r: Record) -> None:
    r["lon"] = 250.0


def _outside_province(r: Record) -> None:
    r["lon"], r["lat"] = 105.7, 21.3  # north of Thanh Hóa, in Ninh Bình/Hòa Bình


def _bad_hours(r: Record) -> None:
    r["opening_hours"] = "Mo-Xx 25:00-26:00"


def _bad_footprint(r: Record) -> None:
    # a bow-tie: self-intersecting
    r["footprint"] = {
        "type": "Polygon",
        "coordinates": [
            [[105.60, 20.07], [105.61, 20.08], [105.61, 20.07], [105.60, 20.08], [105.60, 20.07]]
        ],
    }


def _bad_enum(r: Record) -> None:
    r["categories"] = ["heritage", "casino"]


def _unknown_field(r: Record) -> None:
    r["stars"] = 5


def _missing_source(r: Record) -> None:
    del r["source"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_bad_geometry, "lon"),
        (_outside_province, "lon/lat"),
        (_bad_hours, "opening_hours"),
        (_bad_footprint, "footprint"),
        (_bad_enum, "categories.1"),
        (_unknown_field, "stars"),
        (_missing_source, "source"),
    ],
)
def test_a_broken_record_is_rejected_naming_file_record_and_field_and_nothing_is_written(
    session: Session,
    seed_copy: Path,
    change: Callable[[Record], None],
    field: str,
) -> None:
    # A valid edit elsewhere proves that nothing at all is written, not just the bad record.
    _edit_record(seed_copy, "ha-tinh.yaml", "thien-cam", lambda r: r.update(name_en="CHANGED"))
    _edit_record(seed_copy, "thanh-hoa.yaml", "thanh-nha-ho", change)
    message = _load_rejected(session, seed_copy)
    assert "thanh-hoa.yaml" in message
    assert "thanh-nha-ho" in message
    assert f"field '{field}" in message


def test_duplicate_slug_is_rejected(session: Session, seed_copy: Path) -> None:
    path = seed_copy / "sites" / "ha-tinh.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    clone = dict(next(r for r in doc["sites"] if r["slug"] == "thien-cam"))
    clone["slug"] = "kim-lien"  # already defined in nghe-an.yaml
    doc["sites"].append(clone)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    message = _load_rejected(session, seed_copy)
    # Files are read in name order, so the copy in ha-tinh.yaml is seen first.
    assert "nghe-an.yaml: record kim-lien: field 'slug': duplicate slug" in message
    assert "first defined in sites/ha-tinh.yaml" in message


def test_unparseable_yaml_names_the_file(seed_copy: Path) -> None:
    (seed_copy / "sites" / "nghe-an.yaml").write_text("sites: [unclosed\n", encoding="utf-8")
    with pytest.raises(SeedError, match=r"nghe-an\.yaml.*cannot parse YAML"):
        read_seed(seed_copy)


def test_every_problem_is_reported_at_once(seed_copy: Path) -> None:
    _edit_record(seed_copy, "thanh-hoa.yaml", "thanh-nha-ho", _bad_hours)
    _edit_record(seed_copy, "ha-tinh.yaml", "thien-cam", _bad_geometry)
    with pytest.raises(SeedError) as caught:
        read_seed(seed_copy)
    assert len(caught.value.problems) == 2
    # A broken points-of-interest file is one more problem (naming the file), reported
    # with the others rather than instead of them.
    path = seed_copy / "places" / PLACES_FILE.name
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["features"][0]["geometry"]["coordinates"] = [250.0, 20.0]
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        read_seed(seed_copy)
    assert len(caught.value.problems) == 3
    assert f"places/{PLACES_FILE.name}" in str(caught.value)
