"""Import points of interest from a GeoJSON file (OpenMapTiles ``poi`` classes) as sites.

``tourroute import places FILE.geojson`` and ``tourroute seed load`` (``seed/places/``) read
a FeatureCollection of points with the properties ``name`` (may be null), ``class`` and
``subclass`` (OpenMapTiles' class and the original OSM tag value), as
``shared/data/region/pois/osm2021-pois.geojson`` has them, and a top-level ``metadata``
object with ``source`` and ``licence``.

Two phases, like :mod:`tourroute.sites.osm_places`.  *Reading* parses and checks the whole
file without touching the database: not JSON, not a FeatureCollection, a feature that is
not a Point, coordinates that are not two finite numbers in range, or no licence → a
:class:`PlacesImportError` naming every offending feature (its index, from 1, and name).
*Writing* happens in a SAVEPOINT of the caller's transaction: first every kept feature is
placed in a province (one outside the served provinces is an error: nothing is written),
then the new sites are created, each validated by :class:`SiteCreate`, with a workflow
entry and an audit entry by the principal ``import places`` (the seed loader, like the
rest of the seed, writes neither).

What is kept (everything else is skipped and counted by class):

========================================  ==========  ==================================
class / subclass                          kind        subtype
========================================  ==========  ==================================
lodging / hotel, motel, guest_house,      lodging     the same, or ``homestay`` when
hostel                                                the name says "homestay" /
                                                      "home stay" (any case, accents)
lodging / alpine_hut, chalet              lodging     hut, chalet
campsite / camp_site                      campsite    camp_site
fuel                                      service     fuel
restaurant, cafe, fast_food               service     meal
attraction or museum / attraction,        attraction  none; ALWAYS draft (curators
viewpoint, museum                                     review), categories: nature for a
                                                      viewpoint, museum for a museum,
                                                      else city-landmark
========================================  ==========  ==================================

Fixed values (the tiles carry no hours, prices or parking): ``visit_duration_min`` 0 for
places to stay, 20 for fuel, 60 for a restaurant, 30 for a café or fast food, 30/60/90 for
a viewpoint/attraction/museum; ``interest_score`` 40 for places to stay (as
``import osm-places``), 10 for services, 30 for attractions (below every curated one);
``coord_confidence`` high (positions are quantised to about 2.4 m); no categories except
for attractions.  ``source`` = the metadata's source (or ``--source``) + ``; class/subclass``
+ the file name; ``licence`` = the metadata's licence (or ``--licence``).

**Identity without OSM ids.**  ``external_ref`` = ``osmpoi:<h>:<lon>,<lat>`` where ``<h>`` is
the first 12 hex digits of SHA-256 over ``class|subclass|folded name`` and the position is
rounded to 4 decimals (about 11 m): at most 7 + 12 + 1 + 9 + 1 + 8 = 38 characters, within
the column's 64.  A feature is *the same place* as an imported site when its key is that
site's, or when the ``<h>`` parts agree (same class, subclass and folded name) and the
feature lies within 30 m (UTM 48N metres) of the position in the site's key or of the
site's current point.  Such a feature is counted *already present* and the site is **never
updated**: curators' edits (names, points, status, archiving) win over the next extract.
So a re-import changes nothing; a feature moved by 20 m is the same place, by 100 m a new
one.  Within one file only the same key is a duplicate ("duplicate in file"): two
features of one extract are two places, however close.  A named feature
within 300 m of a site from elsewhere (the seed's curated sites, a curator's, an
``osm-places`` import) with the same folded name (Vietnamese or English, or its part before
a parenthesis) is that site and is left out too (the POI "Thành Nhà Hồ" is the seed's
``thanh-nha-ho``, "Thành nhà Hồ (Thành Tây Đô)").

**Names.**  A named feature: ``name_vi`` = ``name_en`` = the name (NFC, whitespace
collapsed).  An unnamed one gets a descriptive name in both languages after the nearest
settlement within 15 km ("Khách sạn ở Mường Xén" / "Hotel in Mường Xén"; distances are
divided by a weight per settlement class, so a hotel in a city is named after the city
rather than after a hamlet beside it), else after the nearest published attraction
("… gần Pù Luông" / "… near Pù Luông"), else after the province; ``name_generated`` true.
Settlements come from ``seed/places/settlements.geojson`` (the path is passed in).

**Slugs**: the folded ``name_vi`` in words joined by ``-`` (120 characters at most); taken
already (in the database or earlier in the file) → ``-2``, ``-3`` … appended.

**Status**: the caller's (``draft`` by default, ``published`` for the seed's policy) for
places to stay and services; attractions are always drafts.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pyproj import Transformer
from shapely.geometry import Point
from sqlalchemy import select
from sqlalchemy.orm import Session

from tourroute.db.audit import AuditTrail
from tourroute.db.spatial import shape_of, to_element
from tourroute.network.osm_reader import OsmImportError
from tourroute.sites.domain import Category, SiteKind, SiteStatus, SiteType
from tourroute.sites.import_common import (
    province_of,
    province_outlines,
    record_creation,
    slug_words,
)
from tourroute.sites.models import Site, SiteCategory
from tourroute.sites.repository import SiteRepository
from tourroute.sites.schemas import SiteCreate
from tourroute.sites.values import site_values
from tourroute.text import folded_key

__all__ = [
    "IMPORT_PRINCIPAL",
    "KEY_PREFIX",
    "SAME_PLACE_M",
    "SETTLEMENT_RADIUS_M",
    "PlacesFile",
    "PlacesImportError",
    "PlacesImportReport",
    "Poi",
    "PoiRule",
    "Settlement",
    "describe",
    "import_places",
    "place_key",
    "read_places",
    "read_settlements",
    "rule_for",
    "write_places",
]

KEY_PREFIX = "osmpoi:"
IMPORT_PRINCIPAL = "import places"
SAME_PLACE_M = 30.0  # a feature this close to an imported site of the same key is that site
SETTLEMENT_RADIUS_M = 15_000.0  # farther from every settlement: named after an attraction
# A named feature this close to a site from elsewhere (the seed, a curator, osm-places) with
# the same folded name is that site: seed coordinates may be off by a few hundred metres.
SAME_NAMED_SITE_M = 300.0
_NAME_LEN = 300
_SLUG_LEN = 120
_MAX_LISTED = 20
_SPACES = re.compile(r"\s+")
_HOMESTAY = re.compile(r"\bhome ?stay\b")
_TO_UTM = Transformer.from_crs(4326, 32648, always_xy=True).transform
# Settlement class → weight: a distance is divided by it, so bigger places reach farther.
_SETTLEMENT_WEIGHT = {
    "city": 5.0,
    "town": 2.5,
    "suburb": 1.5,
    "quarter": 1.5,
    "village": 1.0,
    "neighbourhood": 1.0,
    "hamlet": 0.8,
    "isolated_dwelling": 0.5,
    "locality": 0.5,
}


class PlacesImportError(OsmImportError):
    """A file that cannot be imported; nothing has been written."""


# --- the mapping: pure ---------------------------------------------------------------------


@dataclass(frozen=True)
class PoiRule:
    kind: SiteKind
    subtype: SiteType | None
    label_vi: str  # what an unnamed one is called: "Khách sạn" ở …
    label_en: str
    visit_duration_min: int
    interest_score: int
    categories: tuple[Category, ...] = ()
    always_draft: bool = False


def _stay(subtype: SiteType, vi: str, en: str) -> PoiRule:
    return PoiRule(SiteKind.lodging, subtype, vi, en, 0, 40)


def _sight(vi: str, en: str, minutes: int, category: Category) -> PoiRule:
    return PoiRule(SiteKind.attraction, None, vi, en, minutes, 30, (category,), True)


_LODGING = {
    "hotel": _stay(SiteType.hotel, "Khách sạn", "Hotel"),
    "motel": _stay(SiteType.motel, "Nhà nghỉ ven đường", "Motel"),
    "guest_house": _stay(SiteType.guest_house, "Nhà nghỉ", "Guest house"),
    "hostel": _stay(SiteType.hostel, "Nhà trọ", "Hostel"),
    "alpine_hut": _stay(SiteType.hut, "Nhà nghỉ trên núi", "Mountain hut"),
    "chalet": _stay(SiteType.chalet, "Nhà gỗ nghỉ dưỡng", "Chalet"),
}
_HOMESTAY_RULE = _stay(SiteType.homestay, "Homestay", "Homestay")
_NAMED_HOMESTAY_FROM = {"hotel", "motel", "guest_house", "hostel"}
_BY_CLASS = {
    "campsite": PoiRule(SiteKind.campsite, SiteType.camp_site, "Khu cắm trại", "Campsite", 0, 40),
    "fuel": PoiRule(SiteKind.service, SiteType.fuel, "Cây xăng", "Fuel station", 20, 10),
    "restaurant": PoiRule(SiteKind.service, SiteType.meal, "Nhà hàng", "Restaurant", 60, 10),
    "cafe": PoiRule(SiteKind.service, SiteType.meal, "Quán cà phê", "Café", 30, 10),
    "fast_food": PoiRule(SiteKind.service, SiteType.meal, "Quán ăn nhanh", "Fast food", 30, 10),
}
_SIGHTS = {
    "attraction": _sight("Điểm tham quan", "Attraction", 60, Category.city_landmark),
    "viewpoint": _sight("Điểm ngắm cảnh", "Viewpoint", 30, Category.nature),
    "museum": _sight("Bảo tàng", "Museum", 90, Category.museum),
}


def rule_for(cls: str, subclass: str, name: str | None) -> PoiRule | None:
    """How a feature becomes a site, or None when it is not imported.

    >>> rule_for("lodging", "guest_house", "Hoa Thu Home Stay").subtype
    <SiteType.homestay: 'homestay'>
    >>> rule_for("lodging", "alpine_hut", None).subtype, rule_for("bank", "bank", "X")
    (<SiteType.hut: 'hut'>, None)
    >>> r = rule_for("museum", "museum", "Bảo tàng Nghệ An"); r.kind.value, r.always_draft
    ('attraction', True)
    """
    if cls == "lodging":
        rule = _LODGING.get(subclass)
        named_homestay = name is not None and _HOMESTAY.search(folded_key(name)) is not None
        if rule is not None and subclass in _NAMED_HOMESTAY_FROM and named_homestay:
            return _HOMESTAY_RULE
        return rule
    if cls in ("attraction", "museum"):
        return _SIGHTS.get(subclass)
    if cls == "campsite":
        return _BY_CLASS["campsite"] if subclass == "camp_site" else None
    return _BY_CLASS.get(cls)


def _identity(cls: str, subclass: str, name: str | None) -> str:
    """The name part of a key: 12 hex digits of SHA-256 over class, subclass, folded name."""
    text = f"{cls}|{subclass}|{folded_key(name or '')}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def place_key(cls: str, subclass: str, name: str | None, lon: float, lat: float) -> str:
    """The ``external_ref`` of a feature (≤ 64 characters; see the module docstring).

    >>> place_key("lodging", "hotel", "Khách sạn Mường Thanh", 105.69, 18.67)
    'osmpoi:6daf976dbf4d:105.6900,18.6700'
    >>> place_key("lodging", "hotel", "KHACH SAN muong thanh", 105.69, 18.67)[:19]
    'osmpoi:6daf976dbf4d'
    """
    return f"{KEY_PREFIX}{_identity(cls, subclass, name)}:{lon:.4f},{lat:.4f}"


def _parse_key(ref: str) -> tuple[str, float, float] | None:
    """(identity, lon, lat) of a key made by :func:`place_key`, or None."""
    try:
        identity, position = ref.removeprefix(KEY_PREFIX).split(":")
        lon, lat = position.split(",")
        return identity, float(lon), float(lat)
    except ValueError:
        return None


def _text(value: str | None) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value or "")).strip()[:_NAME_LEN].strip()


# --- reading the file --------------------------------------------------------------------


@dataclass(frozen=True)
class Poi:
    index: int  # 1-based position in the file's features
    name: str | None
    cls: str
    subclass: str
    lon: float
    lat: float
    rule: PoiRule

    @property
    def ref(self) -> str:
        return place_key(self.cls, self.subclass, self.name, self.lon, self.lat)

    @property
    def identity(self) -> str:
        return _identity(self.cls, self.subclass, self.name)

    @property
    def label(self) -> str:
        return f"feature #{self.index} ({self.name or 'unnamed'} {self.cls}/{self.subclass})"


@dataclass
class PlacesFile:
    path: Path
    source: str | None
    licence: str | None
    features_read: int = 0
    pois: list[Poi] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # class → features not imported


def _feature_label(index: int, props: Any) -> str:
    name = props.get("name") if isinstance(props, dict) else None
    return f"feature #{index} ({name if isinstance(name, str) and name else 'unnamed'})"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def read_places(path: Path, *, source: str | None = None, licence: str | None = None) -> PlacesFile:
    """Parse and check the whole file; raise :class:`PlacesImportError` naming every bad
    feature.  ``source``/``licence`` override the file's metadata."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlacesImportError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise PlacesImportError(f"{path}: not GeoJSON (not valid JSON: {exc})") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise PlacesImportError(f"{path}: not a GeoJSON FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list):
        raise PlacesImportError(f"{path}: the FeatureCollection has no 'features' list")
    metadata: dict[str, Any] = doc["metadata"] if isinstance(doc.get("metadata"), dict) else {}
    meta_source = metadata.get("source") if isinstance(metadata.get("source"), str) else None
    meta_licence = metadata.get("licence") if isinstance(metadata.get("licence"), str) else None
    out = PlacesFile(
        path,
        _text(source) or _text(meta_source) or None,
        _text(licence) or _text(meta_licence) or None,
        features_read=len(features),
    )
    problems: list[str] = []
    if out.licence is None:
        problems.append("no licence: the file's metadata has no 'licence' (or pass --licence)")
    for i, feature in enumerate(features, start=1):
        problem = _read_feature(out, i, feature)
        if problem:
            problems.append(problem)
    if problems:
        raise PlacesImportError(_problems_text(path, problems))
    return out


def _problems_text(path: Path, problems: list[str]) -> str:
    listed = "\n".join(f"  - {p}" for p in problems[:_MAX_LISTED])
    more = f"\n  … and {len(problems) - _MAX_LISTED} more" if len(problems) > _MAX_LISTED else ""
    return f"{path}: {len(problems)} problem(s):\n{listed}{more}"


def _read_feature(out: PlacesFile, index: int, feature: Any) -> str | None:
    """Check one feature and keep it if it maps to a site; the problem, if any."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return f"feature #{index}: not a GeoJSON Feature"
    props = feature.get("properties")
    label = _feature_label(index, props)
    if not isinstance(props, dict):
        return f"{label}: no properties"
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        return f"{label}: geometry is {kind}, not a Point"
    coords = geometry.get("coordinates")
    if not isinstance(coords, list) or len(coords) not in (2, 3):
        return f"{label}: coordinates must be [lon, lat]"
    lon, lat = _number(coords[0]), _number(coords[1])
    if lon is None or lat is None:
        return f"{label}: coordinates {coords!r} are not numbers"
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return f"{label}: coordinates {lon},{lat} are out of range (lon,lat order)"
    cls, subclass, name = props.get("class"), props.get("subclass"), props.get("name")
    if not isinstance(cls, str) or not cls:
        return f"{label}: no 'class'"
    subclass = subclass if isinstance(subclass, str) else ""
    if name is not None and not isinstance(name, str):
        return f"{label}: 'name' must be a string or null"
    name = _text(name) or None
    rule = rule_for(cls, subclass, name)
    if rule is None:
        out.skipped[cls] += 1
        return None
    out.pois.append(Poi(index, name, cls, subclass, lon, lat, rule))
    return None


# --- settlements and names ----------------------------------------------------------------


@dataclass(frozen=True)
class Settlement:
    name: str
    cls: str
    x: float  # UTM 48N metres
    y: float


def read_settlements(path: Path) -> list[Settlement]:
    """The settlements of ``seed/places/settlements.geojson`` (name, class, point)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        out = []
        for f in doc["features"]:
            lon, lat = f["geometry"]["coordinates"][:2]
            x, y = _TO_UTM(float(lon), float(lat))
            props = f["properties"]
            out.append(Settlement(_text(props["name"]), str(props.get("class", "")), x, y))
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise PlacesImportError(f"{path}: not a settlements GeoJSON file: {exc}") from exc
    return [s for s in out if s.name]


@dataclass(frozen=True)
class _Landmark:
    name_vi: str
    name_en: str
    x: float
    y: float


def describe(
    rule: PoiRule,
    x: float,
    y: float,
    settlements: list[Settlement],
    attractions: list[_Landmark],
    province: tuple[str, str],
) -> tuple[str, str]:
    """A (vi, en) name for an unnamed place at UTM (x, y); see the module docstring."""
    best: tuple[float, str] | None = None
    for s in settlements:
        d = math.hypot(s.x - x, s.y - y)
        if d <= SETTLEMENT_RADIUS_M:
            score = d / _SETTLEMENT_WEIGHT.get(s.cls, 1.0)
            if best is None or (score, s.name) < best:
                best = (score, s.name)
    if best is not None:
        return f"{rule.label_vi} ở {best[1]}", f"{rule.label_en} in {best[1]}"
    if attractions:
        near = min(attractions, key=lambda a: (math.hypot(a.x - x, a.y - y), a.name_vi))
        return f"{rule.label_vi} gần {near.name_vi}", f"{rule.label_en} near {near.name_en}"
    return f"{rule.label_vi} ở {province[0]}", f"{rule.label_en} in {province[1]}"


# --- writing --------------------------------------------------------------------------------


@dataclass
class PlacesImportReport:
    file: str
    status: str = SiteStatus.draft.value
    features_read: int = 0
    # province code → kind → status → sites created
    created: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    province_names: dict[str, str] = field(default_factory=dict)
    names_generated: int = 0
    already_present: int = 0
    matched_by_distance: int = 0  # of already_present: same place, key position differs
    same_as_other_site: int = 0  # named like a site from elsewhere, within 300 m
    duplicates_in_file: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # class → features not imported
    seconds: float = 0.0

    @property
    def created_total(self) -> int:
        return sum(self.created_by_kind().values())

    def created_by_kind(self) -> dict[str, int]:
        out: Counter[str] = Counter()
        for kinds in self.created.values():
            for kind, statuses in kinds.items():
                out[kind] += sum(statuses.values())
        return dict(out)

    def kind_lines(self) -> list[str]:
        """One line per kind: created by status, and by province."""
        lines = []
        kinds = sorted({k for kinds in self.created.values() for k in kinds})
        for kind in kinds:
            statuses: Counter[str] = Counter()
            provinces = []
            for code, by_kind in sorted(self.created.items()):
                if kind in by_kind:
                    statuses.update(by_kind[kind])
                    provinces.append(f"{code} {sum(by_kind[kind].values()):,}")
            status = ", ".join(f"{n:,} {s}" for s, n in sorted(statuses.items()))
            lines.append(f"  {kind}: {sum(statuses.values()):,} created ({status}; ")
            lines[-1] += ", ".join(provinces) + ")"
        return lines

    def summary(self) -> str:
        skipped = ", ".join(f"{c} {n:,}" for c, n in sorted(self.skipped.items())) or "none"
        return "\n".join(
            [
                f"places file {self.file}: {self.features_read:,} features read",
                f"sites created: {self.created_total:,} "
                f"({self.names_generated:,} of them with a generated name)",
                *self.kind_lines(),
                f"already present (kept as they are): {self.already_present:,} "
                f"({self.matched_by_distance:,} matched within {SAME_PLACE_M:.0f} m)",
                f"same name as another site within {SAME_NAMED_SITE_M:.0f} m (left out): "
                f"{self.same_as_other_site:,}",
                f"duplicates in the file: {self.duplicates_in_file:,}",
                f"not imported, by class: {sum(self.skipped.values()):,} ({skipped})",
                f"took {self.seconds:.1f} s",
            ]
        )


class _Identities:
    """Imported places by identity (class, subclass, folded name), with their points."""

    def __init__(self) -> None:
        self.refs: set[str] = set()
        self.points: dict[str, list[tuple[float, float]]] = {}

    def add(self, ref: str, points: Iterable[tuple[float, float]]) -> None:
        self.refs.add(ref)
        parsed = _parse_key(ref)
        if parsed is None:
            return
        identity, lon, lat = parsed
        spots = self.points.setdefault(identity, [])
        spots.append(_TO_UTM(lon, lat))
        spots.extend(points)

    def near(self, identity: str, x: float, y: float) -> bool:
        return any(
            math.hypot(px - x, py - y) <= SAME_PLACE_M for px, py in self.points.get(identity, ())
        )


def _existing(session: Session) -> _Identities:
    known = _Identities()
    rows = session.execute(
        select(Site.external_ref, Site.geom).where(Site.external_ref.like(f"{KEY_PREFIX}%"))
    )
    for ref, geom in rows:
        point = shape_of(geom)
        known.add(ref, [_TO_UTM(point.x, point.y)])
    return known


def _other_sites(session: Session) -> dict[str, list[tuple[float, float]]]:
    """Sites not imported by this importer, by folded name (both languages): UTM points."""
    rows = session.execute(
        select(Site.name_vi, Site.name_en, Site.geom).where(
            (Site.external_ref.is_(None)) | (Site.external_ref.not_like(f"{KEY_PREFIX}%"))
        )
    )
    out: dict[str, list[tuple[float, float]]] = {}
    for name_vi, name_en, geom in rows:
        point = shape_of(geom)
        xy = _TO_UTM(point.x, point.y)
        names = {folded_key(name_vi), folded_key(name_en)}
        # "Thành nhà Hồ (Thành Tây Đô)" is also "Thành nhà Hồ"
        names |= {n.split(" (")[0].strip() for n in names}
        for name in names:
            out.setdefault(name, []).append(xy)
    return out


def _attractions(session: Session) -> list[_Landmark]:
    rows = session.scalars(
        select(Site).where(
            Site.kind == SiteKind.attraction,
            Site.status == SiteStatus.published,
            Site.name_generated.is_(False),
        )
    )
    out = []
    for site in rows:
        point = shape_of(site.geom)
        x, y = _TO_UTM(point.x, point.y)
        out.append(_Landmark(site.name_vi, site.name_en, x, y))
    return out


def _slug(name: str, taken: set[str]) -> str:
    base = slug_words(name)[: _SLUG_LEN - 4].rstrip("-")
    if len(base) < 2:
        base = "place"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def write_places(
    session: Session,
    places: PlacesFile,
    *,
    status: SiteStatus = SiteStatus.draft,
    settlements: list[Settlement] | None = None,
    audit: bool = True,
    principal: str = "",
) -> PlacesImportReport:
    """Create the file's new sites in a SAVEPOINT of the caller's transaction.

    Each creation is audited by ``principal`` (default: the import command) unless
    ``audit`` is off.

    Raises :class:`PlacesImportError` (nothing written) for a feature outside the served
    provinces, a database without provinces, or a feature the site schema rejects.
    """
    if places.licence is None:  # read_places refuses this; a hand-made PlacesFile may not
        raise PlacesImportError(f"{places.path}: no licence")
    report = PlacesImportReport(
        file=places.path.name,
        status=status.value,
        features_read=places.features_read,
        skipped=dict(places.skipped),
    )
    sites = SiteRepository(session)
    log = AuditTrail(session)
    session.flush()
    with session.begin_nested():
        outlines = province_outlines(session)
        if not outlines:
            raise PlacesImportError("the database has no provinces; run `tourroute seed load`")
        report.province_names = {o.province.code: o.province.name_vi for o in outlines}
        provinces = {o.province.code: o.province for o in outlines}
        known = _existing(session)  # imported before
        # New in this file. Only the same key is a duplicate here: two features of one
        # extract are two places (Mường Xén has two unnamed hotels 32 m apart).
        in_file: set[str] = set()
        others = _other_sites(session)
        new: list[tuple[Poi, str, float, float]] = []  # poi, province code, UTM x, y
        problems: list[str] = []
        for poi in places.pois:
            province = province_of(outlines, poi.lon, poi.lat)
            if province is None:
                problems.append(
                    f"{poi.label}: point {poi.lon},{poi.lat} lies outside the served "
                    f"provinces ({', '.join(sorted(provinces))})"
                )
                continue
            x, y = _TO_UTM(poi.lon, poi.lat)
            ref, identity = poi.ref, poi.identity
            if ref in known.refs or known.near(identity, x, y):
                report.already_present += 1
                report.matched_by_distance += ref not in known.refs
                continue
            if ref in in_file:
                report.duplicates_in_file += 1
                continue
            if poi.name and any(
                math.hypot(px - x, py - y) <= SAME_NAMED_SITE_M
                for px, py in others.get(folded_key(poi.name), ())
            ):
                report.same_as_other_site += 1
                continue
            in_file.add(ref)
            new.append((poi, province.code, x, y))
        if problems:
            raise PlacesImportError(_problems_text(places.path, problems))
        created = _create(session, places, new, provinces, status, settlements or [], report)
        session.flush()  # ids, timestamps and versions for the history and the audit log
        for site in created:
            if audit:
                record_creation(sites, log, site, principal or IMPORT_PRINCIPAL)
            by_kind = report.created.setdefault(site.province_code, {})
            by_status = by_kind.setdefault(site.kind.value, {})
            by_status[site.status.value] = by_status.get(site.status.value, 0) + 1
        session.flush()
    return report


def _create(
    session: Session,
    places: PlacesFile,
    new: list[tuple[Poi, str, float, float]],
    provinces: dict[str, Any],
    status: SiteStatus,
    settlements: list[Settlement],
    report: PlacesImportReport,
) -> list[Site]:
    """Build, validate and add the new sites; raise naming every feature the schema rejects."""
    slugs = set(session.scalars(select(Site.slug)))
    attractions = _attractions(session) if any(not p.name for p, *_ in new) else []
    created: list[Site] = []
    problems: list[str] = []
    base_source = places.source or "GeoJSON points of interest"
    for poi, code, x, y in new:
        rule = poi.rule
        generated = poi.name is None
        if poi.name:
            name_vi = name_en = poi.name
        else:
            province = provinces[code]
            name_vi, name_en = describe(
                rule, x, y, settlements, attractions, (province.name_vi, province.name_en)
            )
        slug = _slug(name_vi, slugs)
        try:
            data = SiteCreate.model_validate(
                {
                    "slug": slug,
                    "name_vi": name_vi,
                    "name_en": name_en,
                    "province": code,
                    "kind": rule.kind,
                    "subtype": rule.subtype,
                    "categories": list(rule.categories),
                    "location": {"type": "Point", "coordinates": [poi.lon, poi.lat]},
                    "coord_confidence": "high",
                    "visit_duration_min": rule.visit_duration_min,
                    "interest_score": rule.interest_score,
                    "status": SiteStatus.draft if rule.always_draft else status,
                    "source": f"{base_source}; {poi.cls}/{poi.subclass}; file {places.path.name}",
                }
            )
        except ValidationError as exc:
            problems.append(f"{poi.label}: not a valid site: {exc.errors()[0]['msg']}")
            continue
        site = Site(
            slug=slug,
            geom=to_element(Point(poi.lon, poi.lat)),
            footprint=None,
            external_ref=poi.ref,
            licence=places.licence,
            name_generated=generated,
            **site_values(data),
        )
        site.province = provinces[code]
        site.category_rows = [SiteCategory(category=c) for c in data.categories]
        session.add(site)
        slugs.add(slug)
        created.append(site)
        report.names_generated += generated
    if problems:
        raise PlacesImportError(_problems_text(places.path, problems))
    return created


def import_places(
    session: Session,
    path: Path,
    *,
    status: SiteStatus = SiteStatus.draft,
    source: str | None = None,
    licence: str | None = None,
    settlements: Path | None = None,
    audit: bool = True,
) -> PlacesImportReport:
    """Read ``path`` and create its new sites in the caller's transaction (flush, no
    commit); ``settlements`` is the GeoJSON file unnamed places are named after.

    Raises :class:`PlacesImportError` for a bad file or feature; then, as on any other error
    or an interrupt, nothing has been written.
    """
    started = time.perf_counter()
    places = read_places(path, source=source, licence=licence)
    towns = read_settlements(settlements) if settlements is not None else []
    report = write_places(session, places, status=status, settlements=towns, audit=audit)
    report.seconds = round(time.perf_counter() - started, 3)
    return report
