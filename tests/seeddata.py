"""The seed as plain records, read straight from the files: an oracle independent of the API.

Two sources: the curated sites of ``seed/sites/*.yaml`` (:func:`seed_sites`, identified by
slug), and the OpenStreetMap points of interest of ``seed/places/*.geojson``
(:func:`seed_places`), which the seed imports with generated slugs — and, for unnamed
places, generated names — so the oracle knows a place by what it can read from the file:
kind, province, position and name.  :func:`identity` and :func:`served_identity` put both
on one footing, so a test compares the API with :func:`published_everything`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pyproj import Geod

SEED_DIR = Path(__file__).resolve().parents[1] / "seed"
PLACES_FILE = SEED_DIR / "places" / "osm2021-pois.geojson"

_GEOD = Geod(ellps="WGS84")
_SPACES = re.compile(r"\s+")

# The seed's policy for points of interest (seed/README, tourroute.sites.places_import):
# OpenMapTiles class → the subclasses kept and the kind; places to stay, campsites and
# services are published, attractions always drafts (curators review them).  Any other
# class or subclass is not imported.
_PUBLISHED_CLASSES: dict[str, tuple[frozenset[str], str]] = {
    "lodging": (
        frozenset({"hotel", "motel", "guest_house", "hostel", "alpine_hut", "chalet"}),
        "lodging",
    ),
    "campsite": (frozenset({"camp_site"}), "campsite"),
    "fuel": (frozenset({"fuel"}), "service"),
    "restaurant": (frozenset({"restaurant"}), "service"),
    "cafe": (frozenset({"cafe"}), "service"),
    "fast_food": (frozenset({"fast_food"}), "service"),
}
_DRAFT_CLASSES: dict[str, frozenset[str]] = {
    "attraction": frozenset({"attraction", "viewpoint", "museum"}),
    "museum": frozenset({"attraction", "viewpoint", "museum"}),
}
# A named point of interest this close to a curated site with the same folded name (Vietnamese
# or English, or its part before a parenthesis) *is* that site, and the importer leaves it out
# (places_import.SAME_NAMED_SITE_M): the POI "Thành Nhà Hồ", 25 m from the seed's
# ``thanh-nha-ho`` "Thành nhà Hồ (Thành Tây Đô)", is the one feature of the file this drops.
SAME_NAMED_SITE_M = 300.0


@cache
def seed_sites() -> tuple[dict[str, Any], ...]:
    """The curated sites of ``seed/sites/*.yaml``, in any status."""
    records = []
    for path in sorted((SEED_DIR / "sites").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rec in doc["sites"]:
            records.append({"province": doc["province"], **rec})
    return tuple(records)


def published() -> list[dict[str, Any]]:
    """The curated sites that are published."""
    return [r for r in seed_sites() if r["status"] == "published"]


def fold(text: str) -> str:
    """Case, diacritics (``đ`` → ``d``) and spacing ignored: how names are compared."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", bare.casefold()).strip()


def _clean_name(value: Any) -> str | None:
    """A feature's name as a site name: NFC, whitespace collapsed; None when there is none."""
    if not isinstance(value, str):
        return None
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip() or None


def _is_curated_site(name: str, lon: float, lat: float) -> bool:
    """The importer's "same named site" rule, against every curated site (any status)."""
    folded = fold(name)
    for site in seed_sites():
        names = {fold(site["name_vi"]), fold(site["name_en"])}
        names |= {n.split(" (")[0].strip() for n in names}
        if (
            folded in names
            and _GEOD.inv(lon, lat, site["lon"], site["lat"])[2] <= SAME_NAMED_SITE_M
        ):
            return True
    return False


@cache
def seed_places() -> tuple[dict[str, Any], ...]:
    """The points of interest the seed imports, read with plain json.

    Each record: ``feature`` (its 1-based index in the file), ``name`` (None for an
    unnamed place, which the API serves with a generated name), ``class``, ``subclass``,
    ``kind``, ``status``, ``province`` (the file's own point-in-polygon ``province``
    property), ``lon``, ``lat``.  No slug: the importer makes those up.
    """
    doc = json.loads(PLACES_FILE.read_text(encoding="utf-8"))
    records = []
    seen: set[tuple[str, str, str, float, float]] = set()
    for index, feature in enumerate(doc["features"], start=1):
        props = feature["properties"]
        cls, subclass = props["class"], props["subclass"]
        name = _clean_name(props["name"])
        lon, lat = (float(c) for c in feature["geometry"]["coordinates"][:2])
        if cls in _PUBLISHED_CLASSES and subclass in _PUBLISHED_CLASSES[cls][0]:
            kind, status = _PUBLISHED_CLASSES[cls][1], "published"
        elif subclass in _DRAFT_CLASSES.get(cls, ()):
            kind, status = "attraction", "draft"
        else:
            continue
        if name is not None and _is_curated_site(name, lon, lat):
            continue
        # The importer keeps only the first of two features with the same class, subclass,
        # folded name and position to 4 decimals; the oracle does not model that, so it
        # insists that the file has none.
        key = (cls, subclass, fold(name or ""), round(lon, 4), round(lat, 4))
        assert key not in seen, f"feature #{index} duplicates an earlier one: {key}"
        seen.add(key)
        records.append(
            {
                "feature": index,
                "name": name,
                "class": cls,
                "subclass": subclass,
                "kind": kind,
                "status": status,
                "province": props["province"],
                "lon": lon,
                "lat": lat,
            }
        )
    return tuple(records)


def published_places() -> list[dict[str, Any]]:
    return [r for r in seed_places() if r["status"] == "published"]


def published_everything() -> list[dict[str, Any]]:
    """Every published record of the seed: curated sites and points of interest."""
    return [*published(), *published_places()]


# --- one identity for a record of the oracle and a site as the API serves it -------------

Identity = tuple[Any, ...]


def identity(record: dict[str, Any]) -> Identity:
    """A curated site by its slug; a place by kind, province, position and name ("" when
    unnamed: the API serves a generated one).  Positions have at most 6 decimals in the
    file and are served as stored, so they are compared to 6 decimals (~0.1 m)."""
    if "slug" in record:
        return ("site", record["slug"])
    return (
        "place",
        record["kind"],
        record["province"],
        round(record["lon"], 6),
        round(record["lat"], 6),
        record["name"] or "",
    )


@cache
def curated_slugs() -> frozenset[str]:
    return frozenset(r["slug"] for r in seed_sites())


def served_identity(item: dict[str, Any]) -> Identity:
    """The :func:`identity` of a site as served: an item of ``/v1/sites`` (JSON) or a
    GeoJSON feature (``/v1/sites`` as GeoJSON, OGC API items)."""
    if item.get("type") == "Feature":
        slug, props = item["id"], item["properties"]
        lon, lat = item["geometry"]["coordinates"]
    else:
        slug, props = item["slug"], item
        lon, lat = item["location"]["coordinates"]
    if slug in curated_slugs():
        return ("site", slug)
    # A named place is served under its name in both languages; an unnamed one is flagged.
    name = "" if props["name_generated"] else props["name_vi"]
    if name and props["name_en"] != name:
        name = f"{props['name_vi']} / {props['name_en']}"
    return ("place", props["kind"], props["province"]["code"], round(lon, 6), round(lat, 6), name)
