"""Build ``tests/data/basemap-sam-son.pmtiles`` from the region's base map (run once;
its output is committed, since CI has no copy of the region archive).

Real tiles, copied unchanged: every tile of a 4 × 4 km box around Sầm Sơn beach and Độc
Cước temple (Sầm Sơn, Thanh Hóa) at zooms 0–14, with the box as the archive's bounds
(26 tiles, 348 KB). The offline-pack tests plan a tour between the two
(tests/api/test_offline.py); the box is the seed network's road between them plus a
1.5 km margin, more than the tests' corridor.

    python tests/data/build_basemap_fixture.py /path/to/osm2021-region.pmtiles
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pmtiles.tile import zxy_to_tileid

from tourroute.offline.tiles import TileArchive, extract, tiles_of_bbox

BOX = (105.88, 19.72, 105.92, 19.76)  # lon/lat: the tour's roads and a ~1.5 km margin
OUT = Path(__file__).with_name("basemap-sam-son.pmtiles")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", type=Path, help="the region archive (osm2021-region.pmtiles)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    ids = sorted(zxy_to_tileid(z, x, y) for z in range(15) for x, y in tiles_of_bbox(BOX, z))
    with TileArchive(args.source) as source:
        stats = extract(source, ids, args.out, BOX, center_zoom=12)
    print(f"{args.out}: {stats.tiles} tiles, {stats.bytes} bytes")


if __name__ == "__main__":
    main()
