"""Import OpenStreetMap accommodation (``.osm`` / ``.osm.pbf``) as lodging and campsites.

Like :mod:`tourroute.network.osm_import`, the import runs in two phases.  *Reading* streams
the file with pyosmium (node locations cached in memory), maps the tags of every node and
way tagged ``tourism=*`` with the pure functions below and keeps the result in memory; the
database is not written, so a corrupt, truncated or unreadable file fails before anything
is.  *Writing* creates the new sites in the caller's transaction, inside a SAVEPOINT: any
error or an interrupt rolls back every row this import wrote and leaves the caller's
transaction usable.  Each new site goes through :class:`~tourroute.sites.schemas.SiteCreate`
(the seed's and the curators' validation), gets its search keys from the same code as the
seed and the curation service, a workflow entry (none → its status) and an audit entry
(``site.create``), both by the principal ``import osm-places``.

Identity and re-import: every imported site carries ``external_ref`` = ``osm:n<node id>`` or
``osm:w<way id>``.  A POI whose ``external_ref`` is already in the database is **kept as it
is** and counted as *already present*: the importer never updates or deletes a site, since
curators may have edited (renamed, moved, re-flagged, published or archived) it since, and
their work wins over the next extract; an archived one stays archived, so a POI a curator
rejected does not come back.  So re-importing the same file creates nothing and changes
nothing; a newer extract adds only the POIs that are new.  Changes in OSM to a POI
already imported must be carried over by a curator.

What is kept and how tags map (the rules the unit tests pin down):

* ``tourism`` (first of ``;``): ``hotel``, ``motel``, ``hostel``, ``guest_house``,
  ``apartment`` and ``chalet`` → kind ``lodging``; ``camp_site`` and ``caravan_site`` →
  ``campsite``.  Any other value is skipped ("not accommodation"), as are relations
  (multipolygons) and anything not tagged ``tourism``.
* ``motorhome_overnight`` (a motorhome may stay the night): a ``caravan_site``, unless
  ``motorhome=no`` (or, without a ``motorhome`` tag, ``caravans=no``); a ``camp_site`` only
  if ``motorhome`` (or, without it, ``caravans``) is ``yes``/``designated``.  The project's
  caravan is a motorhome, so ``motorhome`` is the more specific tag and wins.  Lodging never.
* ``motorhome_parking``: the same as ``motorhome_overnight``.  OSM has no established tag for
  motorhome *parking* at a hotel or camp site (parking is mapped as separate
  ``amenity=parking`` objects), so nothing else sets it.
* ``coach_parking``: always false, for the same reason (``bus=*`` is an access tag of roads,
  not a statement about an accommodation's car park).  Curators set it.
* Names: ``name_vi`` = ``name:vi``, else ``name``, else ``name:en``; ``name_en`` =
  ``name:en``, else ``name``, else ``name:vi``; NFC, whitespace collapsed, cut to 300
  characters.  A POI with none of the three is skipped ("no name").
* ``opening_hours``: copied when the site schema's parser accepts it
  (:func:`~tourroute.sites.schemas.validate_opening_hours`); otherwise dropped (counted)
  and the site is imported without it.
* Fixed values, as the seed's lodging records have them: ``visit_duration_min`` 0 (a place
  to sleep, not to visit); ``interest_score`` 40 (the lower half of the seed's hand-rated
  lodging, 35–55: an unreviewed POI should not outrank curated ones); ``categories`` empty
  (they are themes — beach, heritage … — that tags do not tell; curators add them);
  ``district`` none; no description, footprint, price or ``motorbike_only_access``.
* Position: a node's location (``coord_confidence`` ``high``); for a way, the centroid of
  its outline if it is closed and encloses an area, else the mean of its distinct node
  positions (``medium``).  Ways with a node missing from the file are skipped ("missing node
  locations").
* Province: the province of the database whose outline holds the point, with the seed
  loader's 2 km tolerance (:data:`~tourroute.provinces.outline.PROVINCE_TOLERANCE_M`; the
  nearest one if the outlines overlap there).  Farther from all of them: skipped ("outside
  the served provinces").
* ``slug``: the folded ``name_vi`` in lower-case words joined by ``-``, then
  ``-osm-n<id>``/``-osm-w<id>`` (unique per OSM object), within 120 characters.  If a
  curated site has taken that slug already the POI is skipped ("slug in use").
* ``source``: ``OpenStreetMap node|way <id> (© OpenStreetMap contributors, ODbL); file
  <name>``.
* ``status``: ``draft`` by default (curators review before publishing), or ``published``.

The same object twice in one file (a history or merged file): the last one wins.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import osmium
import osmium.filter
from pydantic import ValidationError
from shapely.geometry import Point, Polygon
from sqlalchemy import select
from sqlalchemy.orm import Session

from tourroute.db.audit import AuditTrail
from tourroute.db.spatial import to_element
from tourroute.network.osm_reader import OsmImportError, check_readable
from tourroute.network.osm_reader import progress_bar as _progress
from tourroute.routing.graph import Coord
from tourroute.sites.domain import SiteKind, SiteStatus
from tourroute.sites.import_common import province_of as _province_of
from tourroute.sites.import_common import province_outlines as _outlines
from tourroute.sites.import_common import record_creation, slug_words
from tourroute.sites.models import Site
from tourroute.sites.repository import SiteRepository
from tourroute.sites.schemas import SiteCreate, validate_opening_hours
from tourroute.sites.values import site_values

__all__ = [
    "IMPORT_PRINCIPAL",
    "INTEREST_SCORE",
    "KEY_PREFIX",
    "OsmImportError",
    "OsmPlace",
    "PlaceExtract",
    "PlaceImportReport",
    "PlaceSkip",
    "PlaceTags",
    "import_osm_places",
    "map_place_tags",
    "place_slug",
    "read_osm_places",
    "write_places",
]

KEY_PREFIX = "osm:"
# Who the audit log and the workflow history name as the author of an imported site.
IMPORT_PRINCIPAL = "import osm-places"
# The seed's lodging is rated 35–55 by hand; an unreviewed POI sits in the lower half.
INTEREST_SCORE = 40

_KIND_OF = {
    "hotel": SiteKind.lodging,
    "motel": SiteKind.lodging,
    "hostel": SiteKind.lodging,
    "guest_house": SiteKind.lodging,
    "apartment": SiteKind.lodging,
    "chalet": SiteKind.lodging,
    "camp_site": SiteKind.campsite,
    "caravan_site": SiteKind.campsite,
}
_YES = {"yes", "designated"}
_NAME_LEN = 300
_SLUG_LEN = 120
_SPACES = re.compile(r"\s+")


class PlaceSkip(StrEnum):
    not_accommodation = "not accommodation"
    unnamed = "no name"
    missing_nodes = "missing node locations"
    outside = "outside the served provinces"
    slug_in_use = "slug in use"
    invalid = "not a valid site"


@dataclass(frozen=True)
class PlaceTags:
    """The site columns read from one POI's tags."""

    kind: SiteKind
    name_vi: str
    name_en: str
    opening_hours: str | None = None
    hours_dropped: bool = False  # an opening_hours tag was present but not valid
    motorhome_overnight: bool = False
    motorhome_parking: bool = False
    coach_parking: bool = False


# --- tag mapping: pure functions ----------------------------------------------------------


def _text(value: str | None) -> str:
    """NFC, whitespace collapsed, cut to the site schema's name length ('' when absent)."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", value or "")).strip()
    return text[:_NAME_LEN].strip()


def _motorhome_welcome(tags: Mapping[str, str], *, default: bool) -> bool:
    """Whether a motorhome may stay: ``motorhome`` decides, else ``caravans``, else default."""
    for key in ("motorhome", "caravans"):
        value = tags.get(key, "").split(";")[0].strip().lower()
        if value:
            return value in _YES
    return default


def map_place_tags(tags: Mapping[str, str]) -> PlaceTags | PlaceSkip:
    """Map one POI's tags to site columns, or say why the POI is skipped.

    >>> map_place_tags({"tourism": "museum", "name": "Bảo tàng"})
    <PlaceSkip.not_accommodation: 'not accommodation'>
    >>> t = map_place_tags({"tourism": "camp_site", "name": "Bãi cắm trại", "caravans": "yes"})
    >>> t.kind.value, t.name_vi, t.name_en, t.motorhome_overnight, t.coach_parking
    ('campsite', 'Bãi cắm trại', 'Bãi cắm trại', True, False)
    """
    tourism = tags.get("tourism", "").split(";")[0].strip()
    kind = _KIND_OF.get(tourism)
    if kind is None:
        return PlaceSkip.not_accommodation
    name, name_vi, name_en = (_text(tags.get(k)) for k in ("name", "name:vi", "name:en"))
    vi = name_vi or name or name_en
    en = name_en or name or name_vi
    if not vi:
        return PlaceSkip.unnamed
    hours: str | None = None
    dropped = False
    if tags.get("opening_hours", "").strip():
        try:
            hours = validate_opening_hours(tags["opening_hours"])
        except ValueError:
            dropped = True
    if tourism == "caravan_site":
        overnight = _motorhome_welcome(tags, default=True)
    elif tourism == "camp_site":
        overnight = _motorhome_welcome(tags, default=False)
    else:
        overnight = False
    return PlaceTags(
        kind=kind,
        name_vi=vi,
        name_en=en,
        opening_hours=hours,
        hours_dropped=dropped,
        motorhome_overnight=overnight,
        motorhome_parking=overnight,
    )


def place_slug(name: str, ref: str) -> str:
    """A site slug from a name and an external ref, unique per OSM object.

    >>> place_slug("Khách sạn Mường Thanh Grand Phương Đông", "osm:n123")
    'khach-san-muong-thanh-grand-phuong-dong-osm-n123'
    >>> place_slug("宾馆 ★", "osm:w7"), place_slug("!!!", "osm:w7")
    ('bin-guan-osm-w7', 'osm-w7')
    """
    suffix = "osm-" + ref.removeprefix(KEY_PREFIX)
    base = slug_words(name)
    base = base[: _SLUG_LEN - len(suffix) - 1].rstrip("-")
    return f"{base}-{suffix}" if base else suffix


def _centroid(positions: list[Coord]) -> Coord:
    """A closed way's area centroid, else the mean of its distinct positions."""
    distinct = list(dict.fromkeys(positions))
    if len(positions) >= 4 and positions[0] == positions[-1] and len(distinct) >= 3:
        outline = Polygon(positions)
        if outline.is_valid and outline.area > 0:
            c = outline.centroid
            return (float(c.x), float(c.y))
    n = len(distinct)
    return (sum(p[0] for p in distinct) / n, sum(p[1] for p in distinct) / n)


# --- reading the file ---------------------------------------------------------------------


@dataclass(frozen=True)
class OsmPlace:
    ref: str  # osm:n<id> / osm:w<id>
    tags: PlaceTags
    lon: float
    lat: float
    coord_confidence: str
    source: str


@dataclass
class PlaceExtract:
    """What one file holds: the accommodation POIs to write and the counts for the report."""

    file: Path
    places: dict[str, OsmPlace] = field(default_factory=dict)
    nodes_read: int = 0
    ways_read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    hours_dropped: int = 0


def read_osm_places(path: Path, *, progress: bool = False) -> PlaceExtract:
    """Read every node and way tagged ``tourism`` and map it; raise on an unreadable file."""
    check_readable(path)
    extract = PlaceExtract(path)
    processor = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.KeyFilter("tourism"))
    )
    bar = _progress(progress, desc="reading tourism POIs", unit=" objects")
    try:
        for obj in processor:
            bar.update()
            if isinstance(obj, osmium.osm.Node):
                extract.nodes_read += 1
                _keep_node(extract, obj)
            elif isinstance(obj, osmium.osm.Way):
                extract.ways_read += 1
                _keep_way(extract, obj)
    except RuntimeError as exc:  # pyosmium reports open, format and parse errors this way
        raise OsmImportError(f"{path}: cannot read OSM data: {exc}") from exc
    finally:
        bar.close()
    extract.hours_dropped = sum(p.tags.hours_dropped for p in extract.places.values())
    return extract


def _mapped(extract: PlaceExtract, tags: Iterable[Any]) -> PlaceTags | None:
    mapped = map_place_tags({tag.k: tag.v for tag in tags})
    if isinstance(mapped, PlaceSkip):
        extract.skipped[mapped.value] += 1
        return None
    return mapped


def _add(extract: PlaceExtract, place: OsmPlace) -> None:
    extract.places.pop(place.ref, None)  # the same object twice: the last one wins
    extract.places[place.ref] = place


def _source(kind: str, osm_id: int, file: Path) -> str:
    return f"OpenStreetMap {kind} {osm_id} (© OpenStreetMap contributors, ODbL); file {file.name}"


def _keep_node(extract: PlaceExtract, node: osmium.osm.Node) -> None:
    mapped = _mapped(extract, node.tags)
    if mapped is None:
        return
    location = node.location
    if not location.valid():
        extract.skipped[PlaceSkip.missing_nodes.value] += 1
        return
    ref = f"{KEY_PREFIX}n{node.id}"
    source = _source("node", node.id, extract.file)
    _add(extract, OsmPlace(ref, mapped, location.lon, location.lat, "high", source))


def _keep_way(extract: PlaceExtract, way: osmium.osm.Way) -> None:
    mapped = _mapped(extract, way.tags)
    if mapped is None:
        return
    positions: list[Coord] = []
    for node in way.nodes:
        location = node.location
        if not location.valid():
            extract.skipped[PlaceSkip.missing_nodes.value] += 1
            return
        positions.append((location.lon, location.lat))
    if not positions:
        extract.skipped[PlaceSkip.missing_nodes.value] += 1
        return
    lon, lat = _centroid(positions)
    ref = f"{KEY_PREFIX}w{way.id}"
    source = _source("way", way.id, extract.file)
    _add(extract, OsmPlace(ref, mapped, lon, lat, "medium", source))


# --- writing ------------------------------------------------------------------------------


@dataclass
class PlaceImportReport:
    file: str
    status: str = SiteStatus.draft.value
    nodes_read: int = 0
    ways_read: int = 0
    # province code → kind → sites created
    created: dict[str, dict[str, int]] = field(default_factory=dict)
    province_names: dict[str, str] = field(default_factory=dict)
    motorhome_overnight: int = 0
    already_present: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    hours_dropped: int = 0
    seconds: float = 0.0

    @property
    def created_total(self) -> int:
        return sum(n for kinds in self.created.values() for n in kinds.values())

    def summary(self) -> str:
        skipped = ", ".join(f"{r} {n:,}" for r, n in sorted(self.skipped.items())) or "none"
        lines = [
            f"OSM file {self.file}: {self.nodes_read + self.ways_read:,} tourism objects read "
            f"({self.nodes_read:,} nodes, {self.ways_read:,} ways)",
            f"sites created: {self.created_total:,} ({self.status}), "
            f"{self.motorhome_overnight:,} of them caravan-overnight",
        ]
        for code, kinds in sorted(self.created.items()):
            name = self.province_names.get(code, code)
            counts = ", ".join(f"{k} {n:,}" for k, n in sorted(kinds.items()))
            lines.append(f"  {code} {name}: {counts}")
        lines += [
            f"already present (kept as they are): {self.already_present:,}",
            f"skipped {sum(self.skipped.values()):,}: {skipped}",
            f"opening_hours dropped (not valid): {self.hours_dropped:,}",
            f"took {self.seconds:.1f} s",
        ]
        return "\n".join(lines)


def _site_create(place: OsmPlace, slug: str, province: str, status: SiteStatus) -> SiteCreate:
    """The POI as the seed and the curators write a site: validated by the same schema."""
    t = place.tags
    return SiteCreate.model_validate(
        {
            "slug": slug,
            "name_vi": t.name_vi,
            "name_en": t.name_en,
            "province": province,
            "kind": t.kind,
            "categories": [],
            "location": {"type": "Point", "coordinates": [place.lon, place.lat]},
            "coord_confidence": place.coord_confidence,
            "opening_hours": t.opening_hours,
            "visit_duration_min": 0,
            "interest_score": INTEREST_SCORE,
            "coach_parking": t.coach_parking,
            "motorhome_parking": t.motorhome_parking,
            "motorhome_overnight": t.motorhome_overnight,
            "status": status,
            "source": place.source,
        }
    )


def write_places(
    session: Session,
    extract: PlaceExtract,
    *,
    status: SiteStatus = SiteStatus.draft,
    progress: bool = False,
) -> PlaceImportReport:
    """Create the extract's new sites in a SAVEPOINT of the caller's transaction."""
    report = PlaceImportReport(
        file=extract.file.name,
        status=status.value,
        nodes_read=extract.nodes_read,
        ways_read=extract.ways_read,
        hours_dropped=extract.hours_dropped,
    )
    skipped = Counter(extract.skipped)
    sites = SiteRepository(session)
    audit = AuditTrail(session)
    session.flush()
    with session.begin_nested():
        outlines = _outlines(session)
        if not outlines:
            raise OsmImportError("the database has no provinces; run `tourroute seed load` first")
        report.province_names = {o.province.code: o.province.name_vi for o in outlines}
        present = set(
            session.scalars(select(Site.external_ref).where(Site.external_ref.is_not(None)))
        )
        slugs = set(session.scalars(select(Site.slug)))
        created: list[Site] = []
        with _progress(
            progress, desc="creating sites", unit=" sites", total=len(extract.places)
        ) as bar:
            for place in extract.places.values():
                bar.update()
                if place.ref in present:
                    report.already_present += 1
                    continue
                province = _province_of(outlines, place.lon, place.lat)
                if province is None:
                    skipped[PlaceSkip.outside.value] += 1
                    continue
                slug = place_slug(place.tags.name_vi, place.ref)
                if slug in slugs:
                    skipped[PlaceSkip.slug_in_use.value] += 1
                    continue
                try:
                    data = _site_create(place, slug, province.code, status)
                except ValidationError:
                    skipped[PlaceSkip.invalid.value] += 1
                    continue
                site = Site(
                    slug=slug,
                    geom=to_element(Point(place.lon, place.lat)),
                    footprint=None,
                    external_ref=place.ref,
                    **site_values(data),
                )
                site.province = province
                site.category_rows = []
                sites.add(site)
                slugs.add(slug)
                created.append(site)
        session.flush()  # ids, timestamps and versions for the history and the audit log
        for site in created:
            _record(sites, audit, site)
            kinds = report.created.setdefault(site.province_code, {})
            kinds[site.kind.value] = kinds.get(site.kind.value, 0) + 1
            report.motorhome_overnight += site.motorhome_overnight
        session.flush()
    report.skipped = dict(skipped)
    return report


def _record(sites: SiteRepository, audit: AuditTrail, site: Site) -> None:
    """The creation in the site's workflow history and in the audit log."""
    record_creation(sites, audit, site, IMPORT_PRINCIPAL)


def import_osm_places(
    session: Session,
    path: Path,
    *,
    status: SiteStatus = SiteStatus.draft,
    progress: bool = False,
) -> PlaceImportReport:
    """Read ``path`` and create its new accommodation sites in the caller's transaction
    (flush, no commit).

    Raises :class:`OsmImportError` for a missing, unreadable or corrupt file or a database
    without provinces; then, as on any other error or an interrupt, nothing has been written.
    """
    started = time.perf_counter()
    extract = read_osm_places(path, progress=progress)
    report = write_places(session, extract, status=status, progress=progress)
    report.seconds = round(time.perf_counter() - started, 3)
    return report
