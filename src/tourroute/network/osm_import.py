"""Import OpenStreetMap highways (``.osm`` / ``.osm.pbf``) as road segments.

The import runs in two phases.  *Reading* streams the file with pyosmium (node locations
cached in memory), maps each ``highway=*`` way's tags to road-segment columns with the pure
functions below and keeps the result in memory; nothing touches the database, so a corrupt,
truncated or unreadable file fails before anything is written.  *Writing* upserts the
segments by key (``osm:w<way id>``) in the caller's transaction, inside a SAVEPOINT: any
error or an interrupt rolls back every row this import wrote and leaves the caller's
transaction usable.  Rows are written with bulk ``INSERT``/``UPDATE`` statements in chunks,
not one ORM object per way.

Ways are not split: one way is one segment (the routing graph splits segments at shared
vertices anyway), so every key is ``osm:w<id>``.

What is kept and how tags map (the rules the unit tests pin down):

* ``highway``: ``motorway``, ``trunk``, ``primary``, ``secondary``, ``tertiary`` and their
  ``*_link`` roads map to that class; ``unclassified``, ``residential``, ``living_street``,
  ``road`` and ``service`` map to ``unclassified``.  Service roads tagged
  ``service=parking_aisle|driveway|drive-through|emergency_access`` are skipped (they add
  segments, not connections).  ``track`` is skipped: farm and forest tracks are not roads a
  tour should be sent down.  ``construction``, ``proposed`` (and ``planned``, ``abandoned``,
  ``disused``, ``razed``) are skipped as not built; every other value (``footway``, ``path``,
  ``cycleway``, ``steps``, ``pedestrian``, ``bridleway`` …) as not a motor road; and
  ``area=yes`` as an area, not a line.
* Access: ``motorcar > motor_vehicle > vehicle > access`` decides for cars and
  ``motorcycle > motor_vehicle > vehicle > access`` for motorbikes, the most specific tag
  present winning.  ``no``, ``private``, ``agricultural``, ``forestry``, ``delivery``,
  ``emergency`` and ``military`` deny.  A way neither may use is skipped.
* ``ref``: the first of ``ref`` split on ``;``, NFC-normalised; a letter prefix followed by
  a number loses the spaces and dots between them and the prefix is upper-cased (``QL 1A``,
  ``QL.1A``, ``ql1A`` → ``QL1A``); ``TL``/``DT`` become ``ĐT`` (provincial roads, as in the
  seed), and ``CT`` keeps its official dot (``CT 01`` → ``CT.01``).  Other refs keep their
  text with runs of spaces collapsed (``CG-1``).  ``FIXME`` or longer than 32 characters →
  none.
* ``name``: ``name``, NFC-normalised, cut to 200 characters.
* ``surface``: ``unpaved`` for ``unpaved``, ``gravel``, ``fine_gravel``, ``compacted``,
  ``dirt``, ``earth``, ``ground``, ``soil``, ``clay``, ``sand``, ``mud``, ``grass``,
  ``pebblestone``, ``rock`` and ``woodchips`` (or, without ``surface``, ``tracktype``
  ``grade2``–``grade5``); everything else, including no tag at all, is ``paved``.
* ``oneway``: ``yes``/``1``/``true``; ``-1``/``reverse`` reverses the geometry and is one way;
  ``no``/``false``/``0`` is two way even on a motorway or roundabout; without the tag,
  ``junction=roundabout|circular`` and ``motorway``/``motorway_link`` are one way.
  ``reversible``/``alternating`` are stored as two way (passable both ways, at times).
* ``toll``: ``toll`` or ``toll:motorcar`` is ``yes``.
* ``maxspeed_kph``: a number, optionally with ``km/h``, ``kmh``, ``kph``, ``mph`` or
  ``knots`` (first of ``;``); symbolic values (``VN:urban``, ``walk``, ``none``) and anything
  outside 0–130 are none.
* ``motorbike_forbidden``: motorbikes are denied (above) or the road is a motorway (Law
  36/2024/QH15 Art. 25(3) bars motorcycles from expressways).
* ``max_height_m`` (``maxheight``: ``3.5``, ``3.5 m``, ``350 cm``, ``11'6"``, ``11 ft``;
  0–10 m) and ``max_weight_t`` (``maxweight``: ``7``, ``7 t``, ``7500 kg``, ``15 st``,
  ``16000 lbs``; 0–100 t); anything else is none.
* ``motorhome_unsuitable``: ``hgv``, ``motorhome``, ``caravan`` or ``trailer`` denied, a
  ``maxheight`` under 3.5 m, a ``maxweight`` under 3.5 t (the caravan profile is a goods
  vehicle over 3.5 t), a ``maxwidth`` under 2.5 m, or a way cars may not use (kept only for
  motorbikes: the schema has no car ban, so this is the closest flag).
* ``scenic`` is editorial: 0 for a new segment, and an update never overwrites it.
* ``source``: ``OpenStreetMap way <id> (© OpenStreetMap contributors, ODbL); file <name>``.
* Ways with a node whose location is missing from the file, or with fewer than two distinct
  positions, are skipped and counted.

Corridors are not guessed: with ``corridor=`` every imported segment joins that (existing)
corridor; without it no membership is added or removed.  ``replace=True`` deletes ``osm:``
segments that are not in the file; without it they are kept.  A row is updated, and its
``version`` bumped, only when one of its columns, its geometry or its corridor membership
actually changes, so re-importing the same file changes nothing.
"""

from __future__ import annotations

import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar, cast

import osmium
import osmium.filter
from geoalchemy2.shape import to_shape
from shapely.geometry import LineString
from sqlalchemy import CursorResult, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session
from tqdm import tqdm

from tourroute.db.base import utcnow
from tourroute.db.spatial import to_element
from tourroute.network.models import Corridor, RoadSegment, SegmentCorridor
from tourroute.routing.graph import Coord, line_length_m

__all__ = [
    "KEY_PREFIX",
    "OsmExtract",
    "OsmImportError",
    "OsmImportReport",
    "OsmRoad",
    "OsmWriteCounts",
    "RoadTags",
    "SkipReason",
    "check_readable",
    "import_osm",
    "map_tags",
    "normalise_ref",
    "parse_length_m",
    "parse_maxspeed_kph",
    "parse_weight_t",
    "read_osm",
    "upsert_osm",
]

KEY_PREFIX = "osm:"
CHUNK_ROWS = 500

_CLASS_OF = {
    "motorway": "motorway",
    "motorway_link": "motorway",
    "trunk": "trunk",
    "trunk_link": "trunk",
    "primary": "primary",
    "primary_link": "primary",
    "secondary": "secondary",
    "secondary_link": "secondary",
    "tertiary": "tertiary",
    "tertiary_link": "tertiary",
    "unclassified": "unclassified",
    "residential": "unclassified",
    "living_street": "unclassified",
    "road": "unclassified",
    "service": "unclassified",
}
_NOT_BUILT = {"construction", "proposed", "planned", "abandoned", "disused", "razed"}
_MINOR_SERVICE = {"parking_aisle", "driveway", "drive-through", "emergency_access"}
_DENIED = {"no", "private", "agricultural", "forestry", "delivery", "emergency", "military"}
_UNPAVED = {
    "unpaved",
    "gravel",
    "fine_gravel",
    "compacted",
    "dirt",
    "earth",
    "ground",
    "soil",
    "clay",
    "sand",
    "mud",
    "grass",
    "pebblestone",
    "rock",
    "woodchips",
}
_UNPAVED_TRACKTYPES = {"grade2", "grade3", "grade4", "grade5"}
_YES = {"yes", "1", "true"}
_NO = {"no", "0", "false"}
_CAR_ACCESS = ("motorcar", "motor_vehicle", "vehicle", "access")
_MOTORBIKE_ACCESS = ("motorcycle", "motor_vehicle", "vehicle", "access")

# Caravan profile limits (a motorhome treated as a goods vehicle over 3.5 t).
MOTORHOME_HEIGHT_M = 3.5
MOTORHOME_WEIGHT_T = 3.5
MOTORHOME_WIDTH_M = 2.5
# The ranges RoadSegmentCreate accepts; values outside are treated as unknown.
_MAX_SPEED_KPH = 130.0
_MAX_HEIGHT_M = 10.0
_MAX_WEIGHT_T = 100.0
_REF_LEN = 32
_NAME_LEN = 200

_NUMBER = r"([0-9]+(?:[.,][0-9]+)?)"  # ASCII digits only: float() takes others too
_SPEED_RE = re.compile(rf"^{_NUMBER}\s*(km/h|kmh|kph|mph|knots)?$", re.IGNORECASE)
_SPEED_FACTOR = {"": 1.0, "km/h": 1.0, "kmh": 1.0, "kph": 1.0, "mph": 1.609344, "knots": 1.852}
_METRIC_LENGTH_RE = re.compile(rf"^{_NUMBER}\s*(m|cm)?$", re.IGNORECASE)
_DECIMAL = r"([0-9]+(?:\.[0-9]+)?)"
_FEET_RE = re.compile(rf"^{_DECIMAL}\s*(?:'|ft)\s*(?:{_DECIMAL}\s*(?:\"|in))?$")
_WEIGHT_RE = re.compile(rf"^{_NUMBER}\s*(t|kg|st|lbs)?$", re.IGNORECASE)
_WEIGHT_FACTOR = {"": 1.0, "t": 1.0, "kg": 0.001, "st": 0.90718474, "lbs": 0.00045359237}
_REF_RE = re.compile(r"^([^\W\d_]+)[\s.]*(\d\w*)$")
_REF_PREFIX = {"TL": "ĐT", "DT": "ĐT"}


class OsmImportError(Exception):
    """The file cannot be imported (missing, unreadable, corrupt) or an option is invalid."""


class SkipReason(StrEnum):
    not_motor_road = "not a motor road"
    track = "track"
    not_built = "construction/proposed"
    minor_service = "parking aisle/driveway"
    area = "area"
    no_motor_access = "no motor access"
    missing_nodes = "missing node locations"
    degenerate = "degenerate geometry"


@dataclass(frozen=True)
class RoadTags:
    """The road-segment columns read from one way's tags (``reverse``: flip the geometry)."""

    road_class: str
    ref: str | None = None
    name: str | None = None
    surface: str = "paved"
    oneway: bool = False
    reverse: bool = False
    toll: bool = False
    maxspeed_kph: float | None = None
    motorbike_forbidden: bool = False
    motorhome_unsuitable: bool = False
    max_height_m: float | None = None
    max_weight_t: float | None = None

    def columns(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "name": self.name,
            "road_class": self.road_class,
            "surface": self.surface,
            "oneway": self.oneway,
            "toll": self.toll,
            "maxspeed_kph": self.maxspeed_kph,
            "motorbike_forbidden": self.motorbike_forbidden,
            "motorhome_unsuitable": self.motorhome_unsuitable,
            "max_height_m": self.max_height_m,
            "max_weight_t": self.max_weight_t,
        }


# --- tag parsing: pure functions ---------------------------------------------------------


def _first(value: str | None) -> str:
    """The first of a ``;``-separated OSM value, stripped ('' when absent)."""
    return (value or "").split(";")[0].strip()


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def normalise_ref(raw: str | None) -> str | None:
    """The first road number of an OSM ``ref``, in the seed's spelling.

    >>> [normalise_ref(r) for r in ("QL 1A", "QL.1A;QL.15", "tl 505", "CT 01", "CG-1", "")]
    ['QL1A', 'QL1A', 'ĐT505', 'CT.01', 'CG-1', None]
    """
    text = " ".join(unicodedata.normalize("NFC", _first(raw)).split())
    if not text or text.lower() == "fixme":
        return None
    match = _REF_RE.match(text)
    if match:
        prefix = match.group(1).upper()
        prefix = _REF_PREFIX.get(prefix, prefix)
        text = f"{prefix}{'.' if prefix == 'CT' else ''}{match.group(2)}"
    return text if len(text) <= _REF_LEN else None


def parse_maxspeed_kph(raw: str | None) -> float | None:
    """A ``maxspeed`` in km/h, or ``None`` for symbolic, unparseable or implausible values.

    >>> [parse_maxspeed_kph(v) for v in ("50", "30 mph", "VN:urban", "none", "60;80", "300")]
    [50.0, 48.3, None, None, 60.0, None]
    """
    match = _SPEED_RE.match(_first(raw))
    if not match:
        return None
    kph = round(_number(match.group(1)) * _SPEED_FACTOR[(match.group(2) or "").lower()], 1)
    return kph if 0 < kph <= _MAX_SPEED_KPH else None


def parse_length_m(raw: str | None) -> float | None:
    """A length (``maxheight``, ``maxwidth``) in metres: ``3.5``, ``3.5 m``, ``11'6"``.

    >>> [parse_length_m(v) for v in ("3.5", "4,2 m", "350 cm", "11'6\\"", "12 ft", "default")]
    [3.5, 4.2, 3.5, 3.51, 3.66, None]
    """
    text = _first(raw)
    metres: float
    if match := _METRIC_LENGTH_RE.match(text):
        metres = _number(match.group(1)) * (0.01 if (match.group(2) or "").lower() == "cm" else 1)
    elif match := _FEET_RE.match(text):
        metres = float(match.group(1)) * 0.3048 + float(match.group(2) or 0) * 0.0254
    else:
        return None
    metres = round(metres, 2)
    return metres if metres > 0 else None


def parse_weight_t(raw: str | None) -> float | None:
    """A ``maxweight`` in tonnes, or ``None``.

    >>> [parse_weight_t(v) for v in ("7", "7.5 t", "3500 kg", "none", "500")]
    [7.0, 7.5, 3.5, None, None]
    """
    match = _WEIGHT_RE.match(_first(raw))
    if not match:
        return None
    tonnes = round(_number(match.group(1)) * _WEIGHT_FACTOR[(match.group(2) or "").lower()], 2)
    return tonnes if 0 < tonnes <= _MAX_WEIGHT_T else None


def _denied(value: str) -> bool:
    parts = [p.strip() for p in value.split(";") if p.strip()]
    return bool(parts) and all(p in _DENIED for p in parts)


def _allowed(tags: Mapping[str, str], chain: Sequence[str]) -> bool:
    """The most specific access tag present decides; no tag at all means allowed."""
    for key in chain:
        value = tags.get(key)
        if value is not None:
            return not _denied(value)
    return True


def _oneway(tags: Mapping[str, str], highway: str) -> tuple[bool, bool]:
    """(one way, reverse the geometry)."""
    value = tags.get("oneway", "").strip().lower()
    if value in _YES:
        return True, False
    if value in ("-1", "reverse"):
        return True, True
    if value in _NO or value in ("reversible", "alternating"):
        return False, False
    implied = tags.get("junction") in ("roundabout", "circular") or highway in (
        "motorway",
        "motorway_link",
    )
    return implied, False


def _surface(tags: Mapping[str, str]) -> str:
    surface = _first(tags.get("surface")).lower()
    if surface:
        return "unpaved" if surface in _UNPAVED else "paved"
    return "unpaved" if tags.get("tracktype") in _UNPAVED_TRACKTYPES else "paved"


def map_tags(tags: Mapping[str, str]) -> RoadTags | SkipReason:
    """Map one way's tags to road-segment columns, or say why the way is skipped.

    >>> map_tags({"highway": "footway"})
    <SkipReason.not_motor_road: 'not a motor road'>
    >>> t = map_tags({"highway": "motorway_link", "ref": "CT 01", "toll": "yes"})
    >>> t.road_class, t.ref, t.oneway, t.toll, t.motorbike_forbidden
    ('motorway', 'CT.01', True, True, True)
    """
    highway = tags.get("highway", "").strip()
    road_class = _CLASS_OF.get(highway)
    if road_class is None:
        if highway in _NOT_BUILT:
            return SkipReason.not_built
        return SkipReason.track if highway == "track" else SkipReason.not_motor_road
    if highway == "service" and tags.get("service") in _MINOR_SERVICE:
        return SkipReason.minor_service
    if tags.get("area") == "yes":
        return SkipReason.area
    car = _allowed(tags, _CAR_ACCESS)
    motorbike = _allowed(tags, _MOTORBIKE_ACCESS)
    if not car and not motorbike:
        return SkipReason.no_motor_access
    oneway, reverse = _oneway(tags, highway)
    height = parse_length_m(tags.get("maxheight"))
    height = height if height is not None and height <= _MAX_HEIGHT_M else None
    weight = parse_weight_t(tags.get("maxweight"))
    width = parse_length_m(tags.get("maxwidth"))
    motorhome_unsuitable = (
        not car
        or any(_denied(tags[k]) for k in ("hgv", "motorhome", "caravan", "trailer") if k in tags)
        or (height is not None and height < MOTORHOME_HEIGHT_M)
        or (weight is not None and weight < MOTORHOME_WEIGHT_T)
        or (width is not None and width < MOTORHOME_WIDTH_M)
    )
    name = unicodedata.normalize("NFC", tags.get("name", "").strip())[:_NAME_LEN].strip()
    return RoadTags(
        road_class=road_class,
        ref=normalise_ref(tags.get("ref")),
        name=name or None,
        surface=_surface(tags),
        oneway=oneway,
        reverse=reverse,
        toll=tags.get("toll") in _YES or tags.get("toll:motorcar") in _YES,
        maxspeed_kph=parse_maxspeed_kph(tags.get("maxspeed")),
        motorbike_forbidden=not motorbike or road_class == "motorway",
        motorhome_unsuitable=motorhome_unsuitable,
        max_height_m=height,
        max_weight_t=weight,
    )


def _clean_line(coords: Iterable[Coord]) -> tuple[Coord, ...] | None:
    """Drop consecutive repeated positions; ``None`` if fewer than two remain."""
    out: list[Coord] = []
    for c in coords:
        if not out or out[-1] != c:
            out.append(c)
    return tuple(out) if len(out) >= 2 else None


# --- reading the file ---------------------------------------------------------------------


@dataclass(frozen=True)
class OsmRoad:
    key: str
    way_id: int
    tags: RoadTags
    coords: tuple[Coord, ...]
    source: str

    def columns(self) -> dict[str, Any]:
        return {**self.tags.columns(), "source": self.source}


@dataclass
class OsmExtract:
    """What one file holds: the roads to write and the counts for the report."""

    file: Path
    roads: dict[str, OsmRoad] = field(default_factory=dict)
    ways_read: int = 0
    kept: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    length_m: float = 0.0


def check_readable(path: Path) -> None:
    """Raise :class:`OsmImportError` unless ``path`` is a readable file."""
    if not path.exists():
        raise OsmImportError(f"{path}: no such file")
    if not path.is_file():
        raise OsmImportError(f"{path}: not a file")
    try:
        with path.open("rb") as f:
            f.read(1)
    except OSError as exc:
        raise OsmImportError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _progress(enabled: bool, **kwargs: Any) -> tqdm[Any]:
    return tqdm(disable=not enabled or not sys.stderr.isatty(), file=sys.stderr, **kwargs)


def read_osm(path: Path, *, progress: bool = False) -> OsmExtract:
    """Read every ``highway=*`` way of an OSM file and map it; raise on an unreadable file."""
    check_readable(path)
    extract = OsmExtract(path)
    processor = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
        .with_filter(osmium.filter.KeyFilter("highway"))
    )
    bar = _progress(progress, desc="reading highways", unit=" ways")
    try:
        for way in processor:
            if not isinstance(way, osmium.osm.Way):
                continue
            bar.update()
            extract.ways_read += 1
            _keep_way(extract, way)
    except RuntimeError as exc:  # pyosmium reports open, format and parse errors this way
        raise OsmImportError(f"{path}: cannot read OSM data: {exc}") from exc
    finally:
        bar.close()
    return extract


def _keep_way(extract: OsmExtract, way: osmium.osm.Way) -> None:
    mapped = map_tags({tag.k: tag.v for tag in way.tags})
    if isinstance(mapped, SkipReason):
        extract.skipped[mapped.value] += 1
        return
    positions: list[Coord] = []
    for node in way.nodes:
        location = node.location
        if not location.valid():
            extract.skipped[SkipReason.missing_nodes.value] += 1
            return
        positions.append((location.lon, location.lat))
    coords = _clean_line(reversed(positions) if mapped.reverse else positions)
    if coords is None:
        extract.skipped[SkipReason.degenerate.value] += 1
        return
    key = f"{KEY_PREFIX}w{way.id}"
    if key in extract.roads:  # the same way twice (a history or merged file): last one wins
        old = extract.roads.pop(key)
        extract.kept[old.tags.road_class] -= 1
        extract.length_m -= line_length_m(old.coords)
    source = (
        f"OpenStreetMap way {way.id} (© OpenStreetMap contributors, ODbL); file {extract.file.name}"
    )
    extract.roads[key] = OsmRoad(key, way.id, mapped, coords, source)
    extract.kept[mapped.road_class] += 1
    extract.length_m += line_length_m(coords)


# --- writing ------------------------------------------------------------------------------


@dataclass
class OsmImportReport:
    file: str
    ways_read: int = 0
    kept: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    length_km: float = 0.0
    seconds: float = 0.0

    @property
    def segments(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def summary(self) -> str:
        road_classes = ("motorway", "trunk", "primary", "secondary", "tertiary", "unclassified")
        kept = ", ".join(f"{c} {self.kept.get(c, 0):,}" for c in road_classes)
        skipped = ", ".join(f"{r} {n:,}" for r, n in sorted(self.skipped.items())) or "none"
        return "\n".join(
            [
                f"OSM file {self.file}: {self.ways_read:,} highway ways read",
                f"kept {sum(self.kept.values()):,} ways, {self.length_km:,.1f} km: {kept}",
                f"skipped {sum(self.skipped.values()):,}: {skipped}",
                f"road segments: {self.inserted:,} inserted, {self.updated:,} updated, "
                f"{self.unchanged:,} unchanged, {self.deleted:,} deleted",
                f"took {self.seconds:.1f} s",
            ]
        )


@dataclass
class OsmWriteCounts:
    """Segments written by :func:`upsert_osm`."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


_T = TypeVar("_T")


def _chunks(items: Sequence[_T], size: int = CHUNK_ROWS) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_VALUE_COLUMNS = (*RoadTags("unclassified").columns(), "source")
# Core tables (typed as Table): rows are written in bulk, not as ORM objects.
_SEGMENTS = RoadSegment.metadata.tables[RoadSegment.__tablename__]
_MEMBERS = SegmentCorridor.metadata.tables[SegmentCorridor.__tablename__]


def _same(stored: dict[str, Any], road: OsmRoad) -> bool:
    if any(stored[k] != v for k, v in road.columns().items()):
        return False
    coords = tuple((float(x), float(y)) for x, y in to_shape(stored["geom"]).coords)
    return len(coords) == len(road.coords) and all(
        abs(a[0] - b[0]) <= 1e-9 and abs(a[1] - b[1]) <= 1e-9
        for a, b in zip(coords, road.coords, strict=True)
    )


def _stored_osm_rows(session: Session) -> dict[str, dict[str, Any]]:
    t = _SEGMENTS
    columns = [t.c.id, t.c.key, t.c.version, t.c.geom, *(t.c[k] for k in _VALUE_COLUMNS)]
    rows = session.execute(select(*columns).where(t.c.key.startswith(KEY_PREFIX)))
    return {row.key: dict(row._mapping) for row in rows}


def _corridor_members(session: Session, corridor: str | None) -> set[int]:
    if corridor is None:
        return set()
    sc = _MEMBERS
    return set(session.scalars(select(sc.c.segment_id).where(sc.c.corridor_slug == corridor)))


def _insert_rows(session: Session, roads: Sequence[OsmRoad], bar: tqdm[Any]) -> None:
    now = utcnow()
    stmt = insert(_SEGMENTS)
    for chunk in _chunks(roads):
        rows = [
            {
                "key": r.key,
                **r.columns(),
                "scenic": 0,
                "geom": to_element(LineString(r.coords)),
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for r in chunk
        ]
        session.execute(stmt, rows)
        bar.update(len(chunk))


def _update_rows(session: Session, rows: Sequence[dict[str, Any]], bar: tqdm[Any]) -> None:
    t = _SEGMENTS
    stmt = update(t).where(t.c.id == bindparam("b_id"), t.c.version == bindparam("b_version"))
    sane = session.get_bind().dialect.supports_sane_multi_rowcount
    for chunk in _chunks(rows):
        result = cast("CursorResult[Any]", session.execute(stmt, list(chunk)))
        if sane and result.rowcount != len(chunk):
            raise OsmImportError("road segments were changed concurrently; nothing was written")
        bar.update(len(chunk))


def _delete_vanished(session: Session, ids: Sequence[int], bar: tqdm[Any]) -> None:
    t = _SEGMENTS
    for chunk in _chunks(ids):
        session.execute(delete(t).where(t.c.id.in_(chunk)))
        bar.update(len(chunk))


def _add_memberships(session: Session, corridor: str, keys: Iterable[str]) -> None:
    t = _SEGMENTS
    wanted = set(keys)
    ids = [
        row.id
        for row in session.execute(select(t.c.id, t.c.key).where(t.c.key.startswith(KEY_PREFIX)))
        if row.key in wanted
    ]
    members = _corridor_members(session, corridor)
    rows = [{"segment_id": i, "corridor_slug": corridor} for i in ids if i not in members]
    for chunk in _chunks(rows):
        session.execute(insert(_MEMBERS), list(chunk))


def upsert_osm(
    session: Session,
    extract: OsmExtract,
    *,
    replace: bool = False,
    corridor: str | None = None,
    progress: bool = False,
) -> OsmWriteCounts:
    """Write an extract's roads (upsert by key) in a SAVEPOINT of the caller's transaction."""
    counts = OsmWriteCounts()
    session.flush()
    with session.begin_nested():
        if corridor is not None and session.get(Corridor, corridor) is None:
            raise OsmImportError(f"unknown corridor '{corridor}'")
        stored = _stored_osm_rows(session)
        members = _corridor_members(session, corridor)
        new: list[OsmRoad] = []
        changed: list[dict[str, Any]] = []
        now = utcnow()
        for road in extract.roads.values():
            row = stored.get(road.key)
            if row is None:
                new.append(road)
                continue
            joins = corridor is not None and row["id"] not in members
            if _same(row, road) and not joins:
                counts.unchanged += 1
                continue
            changed.append(
                {
                    "b_id": row["id"],
                    "b_version": row["version"],
                    **road.columns(),
                    "geom": to_element(LineString(road.coords)),
                    "version": row["version"] + 1,
                    "updated_at": now,
                }
            )
        vanished = [r["id"] for k, r in stored.items() if k not in extract.roads] if replace else []
        total = len(new) + len(changed) + len(vanished)
        with _progress(progress, desc="writing segments", unit=" rows", total=total) as bar:
            _insert_rows(session, new, bar)
            _update_rows(session, changed, bar)
            _delete_vanished(session, vanished, bar)
        if corridor is not None:
            _add_memberships(session, corridor, extract.roads)
        counts.inserted, counts.updated, counts.deleted = len(new), len(changed), len(vanished)
    # The rows were written behind the ORM's back: reload anything it holds.
    session.expire_all()
    return counts


def import_osm(
    session: Session,
    path: Path,
    *,
    replace: bool = False,
    corridor: str | None = None,
    progress: bool = False,
) -> OsmImportReport:
    """Read ``path`` and upsert its highways in the caller's transaction (flush, no commit).

    Raises :class:`OsmImportError` for a missing, unreadable or corrupt file or an unknown
    corridor; then, as on any other error or an interrupt, nothing has been written.
    """
    started = time.perf_counter()
    if corridor is not None and session.get(Corridor, corridor) is None:
        raise OsmImportError(f"unknown corridor '{corridor}'")
    extract = read_osm(path, progress=progress)
    counts = upsert_osm(session, extract, replace=replace, corridor=corridor, progress=progress)
    return OsmImportReport(
        file=path.name,
        ways_read=extract.ways_read,
        kept={k: n for k, n in extract.kept.items() if n},
        skipped=dict(extract.skipped),
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        deleted=counts.deleted,
        length_km=round(extract.length_m / 1000, 3),
        seconds=round(time.perf_counter() - started, 3),
    )
