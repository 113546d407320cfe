"""One-off: extract the settlements (OpenMapTiles ``place`` layer) of the three provinces
from the region's vector base map into ``seed/places/settlements.geojson``.

The importer of places (``tourroute import places``, ``tourroute seed load``) names a POI
that has no name after the nearest settlement ("Khách sạn ở Mường Xén" / "Hotel in Mường
Xén"); this file is where those settlement names come from.

Not a project dependency: run it by hand after installing two PyPI packages into the venv::

    .venv/bin/pip install pmtiles mapbox-vector-tile
    .venv/bin/python seed/places/extract_settlements.py \
        ../shared/data/region/tiles/osm2021-region.pmtiles

What it does: reads every zoom-14 tile of the archive (the highest zoom, where the
``place`` layer holds villages and hamlets as well as towns), keeps the point features of
layer ``place`` whose position lies inside their own tile (a tile's buffer repeats its
neighbours' labels), converts tile coordinates to WGS84 (rounded to 6 decimals), takes the
name from ``name:latin`` (else ``name``), drops exact duplicates (same name, class and
position), and keeps a settlement when it lies in Thanh Hóa, Nghệ An or Hà Tĩnh
(``seed/provinces.geojson``, with the seed's 2 km tolerance; the nearest if several).
Classes are OpenMapTiles': city, town, village, suburb, quarter, neighbourhood, hamlet,
isolated_dwelling, locality (``state``, ``province``, ``country`` and ``island`` are dropped:
they are not settlements).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
import unicodedata
from pathlib import Path
from typing import Any

import mapbox_vector_tile  # type: ignore[import-untyped]
import shapely
from pmtiles import reader as pmtiles_reader
from pyproj import Transformer
from shapely.geometry import Point, shape

HERE = Path(__file__).resolve().parent
SEED = HERE.parent
ZOOM = 14
TOLERANCE_M = 2_000.0
KEEP = {
    "city",
    "town",
    "village",
    "suburb",
    "quarter",
    "neighbourhood",
    "hamlet",
    "isolated_dwelling",
    "locality",
}
SOURCE = (
    "OpenStreetMap, as of about 2021-08-06: layer 'place' (zoom 14) of the OpenMapTiles-schema "
    "vector tiles shared/data/region/tiles/osm2021-region.pmtiles, copied unchanged from the "
    "public GitHub repository tokenless-tiles/vietnam, branch gh-pages, commit "
    "dcfed9ab4689ee4eac3d67e984b2beea2bfe84fc (built by tilemaker from the Geofabrik "
    "vietnam-latest.osm.pbf extract); extracted by seed/places/extract_settlements.py"
)
LICENCE = "ODbL 1.0, (c) OpenStreetMap contributors"
_TO_UTM = Transformer.from_crs(4326, 32648, always_xy=True).transform


def tile_to_lonlat(
    z: int, x: int, y: int, px: float, py: float, extent: int
) -> tuple[float, float]:
    """Tile-local coordinates (origin bottom-left, as mapbox-vector-tile decodes) to WGS84."""
    n = 2**z
    fx = (x + px / extent) / n
    fy = (y + (extent - py) / extent) / n
    lon = fx * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * fy))))
    return lon, lat


def provinces() -> list[tuple[str, Any]]:
    doc = json.loads((SEED / "provinces.geojson").read_text(encoding="utf-8"))
    out = []
    for f in doc["features"]:
        geom = shapely.transform(shape(f["geometry"]), _TO_UTM, interleaved=False)
        out.append((f["properties"]["code"], geom))
    return out


def province_of(outlines: list[tuple[str, Any]], lon: float, lat: float) -> str | None:
    p = Point(_TO_UTM(lon, lat))
    best = min((float(g.distance(p)), code) for code, g in outlines)
    return best[1] if best[0] <= TOLERANCE_M else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pmtiles", type=Path)
    parser.add_argument("--out", type=Path, default=HERE / "settlements.geojson")
    args = parser.parse_args(argv)
    outlines = provinces()
    seen: set[tuple[str, str, float, float]] = set()
    features: list[dict[str, Any]] = []
    tiles = 0
    with args.pmtiles.open("rb") as fh:
        pm: Any = pmtiles_reader  # untyped package
        reader = pm.Reader(pm.MmapSource(fh))
        for (z, x, y), data in pm.all_tiles(reader.get_bytes):
            if z != ZOOM:
                continue
            tiles += 1
            raw = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
            layer = mapbox_vector_tile.decode(raw).get("place")
            if not layer:
                continue
            extent = int(layer.get("extent", 4096))
            for feat in layer["features"]:
                geom, props = feat["geometry"], feat["properties"]
                if geom["type"] != "Point" or props.get("class") not in KEEP:
                    continue
                px, py = geom["coordinates"]
                if not (0 <= px < extent and 0 <= py < extent):
                    continue  # a neighbour's label in this tile's buffer
                name = props.get("name:latin") or props.get("name")
                if not name:
                    continue
                name = " ".join(unicodedata.normalize("NFC", str(name)).split())
                lon, lat = tile_to_lonlat(z, x, y, px, py, extent)
                lon, lat = round(lon, 6), round(lat, 6)
                key = (name, props["class"], lon, lat)
                if key in seen:
                    continue
                seen.add(key)
                code = province_of(outlines, lon, lat)
                if code is None:
                    continue
                features.append(
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [lon, lat]},
                        "properties": {"name": name, "class": props["class"], "province": code},
                    }
                )
    features.sort(
        key=lambda f: (
            f["properties"]["province"],
            f["properties"]["class"],
            f["properties"]["name"],
            f["geometry"]["coordinates"],
        )
    )
    doc: dict[str, Any] = {
        "type": "FeatureCollection",
        "metadata": {
            "source": SOURCE,
            "licence": LICENCE,
            "zoom": ZOOM,
            "tiles_read": tiles,
            "provinces": "seed/provinces.geojson (geoBoundaries ADM1), 2 km tolerance",
        },
        "features": features,
    }
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    # one feature a line: reviewable diffs
    text = text.replace('"features":[{"type":"Feature"', '"features":[\n{"type":"Feature"')
    text = text.replace(',{"type":"Feature"', ',\n{"type":"Feature"')
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"{len(features)} settlements from {tiles} zoom-{ZOOM} tiles → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
