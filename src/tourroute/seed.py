"""Load the region's seed (``seed/``) into the database: validated first, written atomically.

Every record of every file is validated before anything is written; a single problem
anywhere aborts the load with a message naming the file, the record and the field, and the
database is left exactly as it was.  Records are upserted by their natural key (province
code, site slug, segment id, tour slug), so loading the same seed twice changes nothing —
not even version counters.  Sites, road segments and tours are updated only while no one
changed them since the seed last wrote them (:mod:`tourroute.db.seed_ownership`): curators'
and operators' work wins, ``seed load --force`` overwrites it, and the seed's every write is
audited.  Records removed from the seed are *not* deleted from the database: curators may
have created them, and deletion is an explicit, audited act.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity
from sqlalchemy import select
from sqlalchemy.orm import Session

from tourroute.db.audit import AuditTrail
from tourroute.db.base import utcnow
from tourroute.db.changes import apply_changes, same_geometry
from tourroute.db.seed_ownership import (
    SEED_ACTOR,
    SeedTally,
    Verdict,
    judge,
    plain,
    row_values,
    write_record,
)
from tourroute.db.spatial import to_element
from tourroute.network.seed import read_network, upsert_network
from tourroute.provinces.models import Province
from tourroute.provinces.outline import PROVINCE_TOLERANCE_M, ProvinceSeed
from tourroute.seed_common import SeedError, SeedProblem, nfc
from tourroute.sites.curation import site_snapshot
from tourroute.sites.domain import Category, SiteStatus
from tourroute.sites.models import Site, SiteCategory
from tourroute.sites.places_import import (
    PlacesImportError,
    read_places,
    read_settlements,
    write_places,
)
from tourroute.sites.schemas import SiteCreate
from tourroute.sites.values import site_values
from tourroute.tours.seed import read_tours, upsert_tours

__all__ = ["SeedError", "SeedProblem", "SeedReport", "load_seed", "read_seed"]


@dataclass
class SeedData:
    provinces: list[ProvinceSeed]
    sites: list[SiteCreate]
    network: Any = None  # tourroute.network.seed.NetworkSeed, when seed/roads exists
    tours: Any = None  # list[tourroute.tours.seed.TourSeed], when seed/tours exists
    # list[tourroute.sites.places_import.PlacesFile], when seed/places exists
    places: list[Any] = field(default_factory=list)
    settlements: Path | None = None


@dataclass
class SeedReport:
    provinces_created: int = 0
    provinces_updated: int = 0
    # Created, updated, unchanged, and those someone changed since the seed wrote them:
    # left as they are (or, with ``force``, overwritten), by key (tourroute.db.seed_ownership).
    sites: SeedTally = field(default_factory=SeedTally)
    segments: SeedTally = field(default_factory=SeedTally)
    tours: SeedTally = field(default_factory=SeedTally)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # tourroute.sites.places_import.PlacesImportReport per file of seed/places
    places: list[Any] = field(default_factory=list)

    # The flat names of the first reports.
    @property
    def sites_created(self) -> int:
        return self.sites.created

    @property
    def sites_updated(self) -> int:
        return self.sites.updated

    @property
    def sites_unchanged(self) -> int:
        return self.sites.unchanged

    @property
    def sites_kept(self) -> list[str]:
        return self.sites.kept

    @property
    def sites_forced(self) -> list[str]:
        return self.sites.forced

    @property
    def segments_created(self) -> int:
        return self.segments.created

    @property
    def segments_updated(self) -> int:
        return self.segments.updated

    @property
    def tours_created(self) -> int:
        return self.tours.created

    @property
    def tours_updated(self) -> int:
        return self.tours.updated

    def summary(self) -> str:
        tallies = [("sites", self.sites), ("road segments", self.segments), ("tours", self.tours)]
        lines = [f"provinces: {self.provinces_created} created, {self.provinces_updated} updated"]
        lines += [tally.line(label) for label, tally in tallies]
        for label, tally in tallies:
            lines += tally.details(label)
        for code, kinds in sorted(self.counts.items()):
            lines.append(f"  {code}: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
        for places in self.places:
            lines.append(
                f"places/{places.file}: {places.created_total} created, "
                f"{places.already_present} already present (kept as they are)"
            )
            lines.extend(places.kind_lines())
        return "\n".join(lines)


def _read_provinces(path: Path, problems: list[SeedProblem]) -> list[ProvinceSeed]:
    name = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(SeedProblem(name, "-", "-", f"cannot read GeoJSON: {exc}"))
        return []
    out = []
    for i, feature in enumerate(data.get("features", [])):
        props = nfc(feature.get("properties") or {})
        record = props.get("code") or f"#{i + 1}"
        missing = [k for k in ("code", "slug", "name_vi", "name_en", "source") if not props.get(k)]
        for key in missing:
            problems.append(SeedProblem(name, record, key, "required"))
        try:
            geometry = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            problems.append(SeedProblem(name, record, "geometry", f"not a geometry: {exc}"))
            continue
        if isinstance(geometry, Polygon):
            geometry = MultiPolygon([geometry])
        if not isinstance(geometry, MultiPolygon):
            problems.append(SeedProblem(name, record, "geometry", "must be a (Multi)Polygon"))
            continue
        if not geometry.is_valid:
            problems.append(
                SeedProblem(name, record, "geometry", f"invalid: {explain_validity(geometry)}")
            )
            continue
        if not missing:
            out.append(
                ProvinceSeed(
                    props["code"],
                    props["slug"],
                    props["name_vi"],
                    props["name_en"],
                    props["source"],
                    geometry,
                )
            )
    return out


def _read_sites(
    path: Path, provinces: dict[str, ProvinceSeed], problems: list[SeedProblem]
) -> list[SiteCreate]:
    name = str(path.relative_to(path.parent.parent)) if path.parent.name == "sites" else path.name
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(SeedProblem(name, "-", "-", f"cannot parse YAML: {exc}"))
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get("sites"), list):
        problems.append(SeedProblem(name, "-", "sites", "expected a mapping with a 'sites' list"))
        return []
    file_province = doc.get("province")
    out = []
    for i, raw in enumerate(doc["sites"]):
        if not isinstance(raw, dict):
            problems.append(SeedProblem(name, f"#{i + 1}", "-", "a record must be a mapping"))
            continue
        raw = nfc(dict(raw))
        record = f"#{i + 1} ({raw.get('slug', '?')})"
        raw.setdefault("province", file_province)
        lon, lat = raw.pop("lon", None), raw.pop("lat", None)
        if "location" not in raw:
            raw["location"] = {"type": "Point", "coordinates": [lon, lat]}
        try:
            site = SiteCreate.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                if loc.startswith("location.coordinates"):
                    loc = {"location.coordinates.0": "lon", "location.coordinates.1": "lat"}.get(
                        loc, "lon/lat"
                    )
                problems.append(SeedProblem(name, record, loc or "-", err["msg"]))
            continue
        province = provinces.get(site.province)
        if province is None:
            problems.append(SeedProblem(name, record, "province", f"unknown '{site.province}'"))
            continue
        off = province.distance_outside_m(site.location.lon, site.location.lat)
        if off > PROVINCE_TOLERANCE_M:
            problems.append(
                SeedProblem(
                    name,
                    record,
                    "lon/lat",
                    f"point {site.location.lon},{site.location.lat} lies "
                    f"{off / 1000:.1f} km outside {province.name_en} ({province.code})",
                )
            )
            continue
        out.append(site)
    return out


def read_seed(seed_dir: Path) -> SeedData:
    """Parse and validate the whole seed; raise :class:`SeedError` listing every problem."""
    problems: list[SeedProblem] = []
    provinces_path = seed_dir / "provinces.geojson"
    if not provinces_path.is_file():
        raise SeedError([SeedProblem(str(provinces_path), "-", "-", "file not found")])
    provinces = _read_provinces(provinces_path, problems)
    by_code = {p.code: p for p in provinces}
    site_files = sorted((seed_dir / "sites").glob("*.yaml"))
    if not site_files:
        problems.append(SeedProblem(str(seed_dir / "sites"), "-", "-", "no *.yaml files"))
    sites: list[SiteCreate] = []
    first_seen: dict[str, str] = {}
    for path in site_files:
        for site in _read_sites(path, by_code, problems):
            if site.slug in first_seen:
                problems.append(
                    SeedProblem(
                        f"sites/{path.name}",
                        site.slug,
                        "slug",
                        f"duplicate slug (first defined in {first_seen[site.slug]})",
                    )
                )
                continue
            first_seen[site.slug] = f"sites/{path.name}"
            sites.append(site)
    network = None
    if (seed_dir / "roads").is_dir():
        network = read_network(seed_dir / "roads", problems)
    tours = None
    if (seed_dir / "tours").is_dir():
        tours = read_tours(seed_dir / "tours", sites, problems)
    places, settlements = _read_places(seed_dir / "places", problems)
    if problems:
        raise SeedError(problems)
    return SeedData(provinces, sites, network, tours, places, settlements)


PLACES_SETTLEMENTS = "settlements.geojson"


def _read_places(places_dir: Path, problems: list[SeedProblem]) -> tuple[list[Any], Path | None]:
    """``seed/places/*.geojson``: points of interest (tourroute.sites.places_import), and
    ``settlements.geojson``, the names unnamed places are given after."""
    if not places_dir.is_dir():
        return [], None
    settlements = places_dir / PLACES_SETTLEMENTS
    out = []
    for path in sorted(places_dir.glob("*.geojson")):
        if path.name == PLACES_SETTLEMENTS:
            continue
        try:
            out.append(read_places(path))
        except PlacesImportError as exc:
            problems.append(SeedProblem(f"places/{path.name}", "-", "-", str(exc)))
    return out, settlements if settlements.is_file() else None


def _upsert_provinces(
    session: Session, provinces: Iterable[ProvinceSeed], report: SeedReport
) -> None:
    existing = {p.code: p for p in session.scalars(select(Province))}
    for seed in provinces:
        values = {
            "slug": seed.slug,
            "name_vi": seed.name_vi,
            "name_en": seed.name_en,
            "source": seed.source,
        }
        row = existing.get(seed.code)
        if row is None:
            session.add(Province(code=seed.code, boundary=to_element(seed.boundary), **values))
            report.provinces_created += 1
            continue
        changed = apply_changes(row, values)
        if not same_geometry(row.boundary, seed.boundary):
            row.boundary = to_element(seed.boundary)
            changed = True
        report.provinces_updated += changed


def _seeded(
    values: dict[str, Any], point: BaseGeometry, footprint: Any, cats: Any
) -> dict[str, Any]:
    """What the seed writes into a site: the record kept beside it (``Site.seeded``), so a
    later load can tell the seed's values from a curator's."""
    doc = {k: plain(v) for k, v in values.items()}
    doc["geom"] = plain(point)
    doc["footprint"] = plain(footprint)
    doc["categories"] = sorted(plain(c) for c in cats)
    return doc


# The site's values in the shape of its record: categories as a set (sorted).
_SITE_DERIVED = {"categories": lambda row: sorted(plain(c) for c in row.categories)}


def _upsert_sites(
    session: Session, sites: Iterable[SiteCreate], report: SeedReport, *, force: bool = False
) -> None:
    """Insert new sites; update only those no one changed since the seed wrote them.

    Curators' edits, archived or unpublished states and sites they created always win
    (``report.sites.kept``); ``force`` overwrites them too.  Every change is audited
    (actor ``seed``, or ``seed --force``).
    """
    audit = AuditTrail(session)
    existing = {s.slug: s for s in session.scalars(select(Site))}
    for seed in sites:
        point = Point(seed.location.lon, seed.location.lat)
        footprint = shape(seed.footprint.as_dict()) if seed.footprint else None
        values = site_values(seed)
        record = _seeded(values, point, footprint, seed.categories)
        row = existing.get(seed.slug)
        kinds = report.counts.setdefault(seed.province, {})
        kinds[seed.kind.value] = kinds.get(seed.kind.value, 0) + 1
        if row is None:
            row = Site(
                slug=seed.slug,
                geom=to_element(point),
                footprint=to_element(footprint) if footprint else None,
                seeded=record,
                **values,
            )
            row.category_rows = [SiteCategory(category=c) for c in seed.categories]
            session.add(row)
            session.flush()
            audit.record(
                None,
                "site.create",
                "site",
                row.slug,
                before=None,
                after=site_snapshot(row),
                province_code=row.province_code,
                system_name=SEED_ACTOR,
            )
            report.sites.created += 1
            continue
        verdict = judge(
            session,
            "site",
            row.slug,
            record=record,
            seeded=row.seeded,
            current=partial(row_values, row, derived=_SITE_DERIVED),
            force=force,
        )
        report.sites.note(verdict, row.slug)
        if verdict is Verdict.unchanged and row.seeded != record:
            write_record(session, row, record)  # same values, first record of them
        if verdict in (Verdict.unchanged, Verdict.keep):
            continue
        before = site_snapshot(row)
        apply_changes(row, values)
        if not same_geometry(row.geom, point):
            row.geom = to_element(point)
        if not same_geometry(row.footprint, footprint):
            row.footprint = to_element(footprint) if footprint else None
        if {Category(c) for c in row.categories} != set(seed.categories):
            row.category_rows = [SiteCategory(category=c) for c in sorted(seed.categories)]
        row.seeded = record
        row.updated_at = utcnow()
        session.flush()
        audit.record(
            None,
            "site.update",
            "site",
            row.slug,
            before=before,
            after=site_snapshot(row),
            province_code=row.province_code,
            system_name=verdict.actor,
        )


def _import_places(session: Session, data: SeedData, report: SeedReport) -> None:
    """The seed's points of interest, by the seed's policy: places to stay, campsites and
    services published, attractions drafts; places imported before are kept as they are
    (curators' edits win), so loading twice changes nothing.  Each creation is audited,
    by ``seed``, like the seed's own sites."""
    try:
        towns = read_settlements(data.settlements) if data.settlements else []
        for places in data.places:
            report.places.append(
                write_places(
                    session,
                    places,
                    status=SiteStatus.published,
                    settlements=towns,
                    principal=SEED_ACTOR,
                )
            )
    except PlacesImportError as exc:
        raise SeedError([SeedProblem("places", "-", "-", str(exc))]) from exc


def load_seed(session: Session, seed_dir: Path, *, force: bool = False) -> SeedReport:
    """Validate the seed, then upsert it in the caller's transaction (flush, no commit).

    Sites, road segments and tours someone changed since the seed wrote them are left
    alone unless ``force`` (tourroute.db.seed_ownership).
    """
    data = read_seed(seed_dir)
    report = SeedReport()
    _upsert_provinces(session, data.provinces, report)
    session.flush()
    _upsert_sites(session, data.sites, report, force=force)
    session.flush()
    if data.places:
        _import_places(session, data, report)
    if data.network is not None:
        report.segments = upsert_network(session, data.network, force=force)
    if data.tours:
        # Last: tours name sites and are routed on the network written just above.
        session.flush()
        report.tours = upsert_tours(session, data.tours, force=force)
    return report
