"""OpenStreetMap tags → road-segment columns, as pure functions.

This module exists so the rules that decide which ways become road segments, and with which
class, speed and restrictions, live apart from file reading (:mod:`.osm_reader`) and database
writing (:mod:`.osm_writer`): no file and no database are needed to test them, and each rule
is one named step of :func:`map_tags`.

What is kept and how tags map (the rules the unit tests pin down):

* ``highway``: ``motorway``, ``trunk``, ``primary``, ``secondary``, ``tertiary`` and their
  ``*_link`` roads map to that class; ``residential``, ``living_street``, ``service`` and
  ``track`` keep their own class (a residential lane is not a tertiary road); ``unclassified``
  and ``road`` (a road of unknown kind) map to ``unclassified``.  A track is always stored
  ``unpaved``, whatever its ``surface`` says: farm and forest tracks are what
  ``avoid=unpaved`` is for, and the routing profiles keep every vehicle but the motorbike
  off them.  Service roads tagged
  ``service=parking_aisle|driveway|drive-through|emergency_access`` are skipped (they add
  segments, not connections).  ``construction``, ``proposed`` (and ``planned``,
  ``abandoned``, ``disused``, ``razed``) are skipped as not built; every other value
  (``footway``, ``path``, ``cycleway``, ``steps``, ``pedestrian``, ``bridleway`` …) as not a
  motor road; and ``area=yes`` as an area, not a line.
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
  ``grade2``–``grade5``); everything else, including no tag at all, is ``paved``.  A
  ``track`` is ``unpaved`` whatever its tags say.
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
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "MOTORHOME_HEIGHT_M",
    "MOTORHOME_WEIGHT_T",
    "MOTORHOME_WIDTH_M",
    "RoadTags",
    "SkipReason",
    "map_tags",
    "normalise_ref",
    "parse_length_m",
    "parse_maxspeed_kph",
    "parse_weight_t",
]

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
    "road": "unclassified",
    "residential": "residential",
    "living_street": "living_street",
    "service": "service",
    "track": "track",
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
_TRAILER_ACCESS = ("hgv", "motorhome", "caravan", "trailer")

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


class SkipReason(StrEnum):
    """Why a ``highway=*`` way is not imported (the value is the report's wording)."""

    not_motor_road = "not a motor road"
    not_built = "construction/proposed"
    minor_service = "parking aisle/driveway"
    area = "area"
    no_motor_access = "no motor access"
    missing_nodes = "missing node locations"
    degenerate = "degenerate geometry"
    superseded = "earlier copy of a repeated way"


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
        """The ``road_segment`` column values these tags set.

        Returns
        -------
        dict[str, Any]
            Column name → value; ``reverse`` is not a column (it only orients the geometry).
        """
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


# --- value parsers ------------------------------------------------------------------------


def _first(value: str | None) -> str:
    """The first of a ``;``-separated OSM value, stripped ('' when absent)."""
    return (value or "").split(";")[0].strip()


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def normalise_ref(raw: str | None) -> str | None:
    """The first road number of an OSM ``ref``, in the seed's spelling.

    Parameters
    ----------
    raw
        The ``ref`` tag's value, or ``None`` when the way has none.

    Returns
    -------
    str or None
        The normalised ref, or ``None`` for no ref, ``FIXME`` or one over 32 characters.

    Examples
    --------
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
    """A ``maxspeed`` in km/h.

    Parameters
    ----------
    raw
        The ``maxspeed`` tag's value (the first of ``;`` counts), or ``None``.

    Returns
    -------
    float or None
        The speed rounded to 0.1 km/h, or ``None`` for symbolic, unparseable or implausible
        (not in 0–130 km/h) values.

    Examples
    --------
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

    Parameters
    ----------
    raw
        The tag's value (metres, centimetres, or feet and inches), or ``None``.

    Returns
    -------
    float or None
        The length rounded to the centimetre, or ``None`` when unparseable or not positive.
        No upper bound is applied here.

    Examples
    --------
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
    """A ``maxweight`` in tonnes.

    Parameters
    ----------
    raw
        The ``maxweight`` tag's value (``t``, ``kg``, ``st`` or ``lbs``), or ``None``.

    Returns
    -------
    float or None
        The weight rounded to 10 kg, or ``None`` when unparseable or not in 0–100 t.

    Examples
    --------
    >>> [parse_weight_t(v) for v in ("7", "7.5 t", "3500 kg", "none", "500")]
    [7.0, 7.5, 3.5, None, None]
    """
    match = _WEIGHT_RE.match(_first(raw))
    if not match:
        return None
    tonnes = round(_number(match.group(1)) * _WEIGHT_FACTOR[(match.group(2) or "").lower()], 2)
    return tonnes if 0 < tonnes <= _MAX_WEIGHT_T else None


# --- the steps of map_tags ----------------------------------------------------------------


def _skip_reason(highway: str) -> SkipReason:
    """Why a ``highway`` value with no road class is skipped."""
    return SkipReason.not_built if highway in _NOT_BUILT else SkipReason.not_motor_road


def _road_class(highway: str, tags: Mapping[str, str]) -> str | SkipReason:
    """The road class of a ``highway`` value, or why the way is not a road to keep."""
    road_class = _CLASS_OF.get(highway)
    if road_class is None:
        return _skip_reason(highway)
    if highway == "service" and tags.get("service") in _MINOR_SERVICE:
        return SkipReason.minor_service
    if tags.get("area") == "yes":
        return SkipReason.area
    return road_class


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


def _surface(tags: Mapping[str, str], road_class: str) -> str:
    """``paved`` or ``unpaved`` (see the module docstring); a track is always unpaved."""
    if road_class == "track":
        return "unpaved"
    surface = _first(tags.get("surface")).lower()
    if surface:
        return "unpaved" if surface in _UNPAVED else "paved"
    return "unpaved" if tags.get("tracktype") in _UNPAVED_TRACKTYPES else "paved"


def _name(tags: Mapping[str, str]) -> str | None:
    name = unicodedata.normalize("NFC", tags.get("name", "").strip())[:_NAME_LEN].strip()
    return name or None


def _toll(tags: Mapping[str, str]) -> bool:
    return tags.get("toll") in _YES or tags.get("toll:motorcar") in _YES


def _max_height_m(tags: Mapping[str, str]) -> float | None:
    """``maxheight`` in metres, ``None`` when unknown or above what the schema accepts."""
    height = parse_length_m(tags.get("maxheight"))
    return height if height is not None and height <= _MAX_HEIGHT_M else None


def _below(value: float | None, limit: float) -> bool:
    return value is not None and value < limit


def _trailer_denied(tags: Mapping[str, str]) -> bool:
    return any(_denied(tags[k]) for k in _TRAILER_ACCESS if k in tags)


def _motorhome_unsuitable(
    tags: Mapping[str, str], *, car: bool, height_m: float | None, weight_t: float | None
) -> bool:
    """Whether the caravan profile must avoid the way (see the module docstring)."""
    return (
        not car
        or _trailer_denied(tags)
        or _below(height_m, MOTORHOME_HEIGHT_M)
        or _below(weight_t, MOTORHOME_WEIGHT_T)
        or _below(parse_length_m(tags.get("maxwidth")), MOTORHOME_WIDTH_M)
    )


def _motorbike_forbidden(*, motorbike: bool, road_class: str) -> bool:
    """Motorbikes denied by the access tags, or on a motorway (barred by law)."""
    return not motorbike or road_class == "motorway"


def map_tags(tags: Mapping[str, str]) -> RoadTags | SkipReason:
    """Map one way's tags to road-segment columns, or say why the way is skipped.

    Parameters
    ----------
    tags
        The way's tags, key → value.

    Returns
    -------
    RoadTags or SkipReason
        The columns of the road segment, or why the way is not imported (not a built motor
        road, a minor service road, an area, or one neither cars nor motorbikes may use).

    Examples
    --------
    >>> map_tags({"highway": "footway"})
    <SkipReason.not_motor_road: 'not a motor road'>
    >>> t = map_tags({"highway": "motorway_link", "ref": "CT 01", "toll": "yes"})
    >>> t.road_class, t.ref, t.oneway, t.toll, t.motorbike_forbidden
    ('motorway', 'CT.01', True, True, True)
    """
    highway = tags.get("highway", "").strip()
    road_class = _road_class(highway, tags)
    if isinstance(road_class, SkipReason):
        return road_class
    car = _allowed(tags, _CAR_ACCESS)
    motorbike = _allowed(tags, _MOTORBIKE_ACCESS)
    if not car and not motorbike:
        return SkipReason.no_motor_access
    oneway, reverse = _oneway(tags, highway)
    height = _max_height_m(tags)
    weight = parse_weight_t(tags.get("maxweight"))
    return RoadTags(
        road_class=road_class,
        ref=normalise_ref(tags.get("ref")),
        name=_name(tags),
        surface=_surface(tags, road_class),
        oneway=oneway,
        reverse=reverse,
        toll=_toll(tags),
        maxspeed_kph=parse_maxspeed_kph(tags.get("maxspeed")),
        motorbike_forbidden=_motorbike_forbidden(motorbike=motorbike, road_class=road_class),
        motorhome_unsuitable=_motorhome_unsuitable(tags, car=car, height_m=height, weight_t=weight),
        max_height_m=height,
        max_weight_t=weight,
    )
