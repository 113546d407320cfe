"""The offline pack's tile cover on lines whose tiles were worked out by hand, and the
PMTiles cut on the committed fixture (tests/data/basemap-sam-son.pmtiles).

At zoom 12 a tile is 360/4096 = 0.087890625° wide. Longitude 105.0 is tile column
(105 + 180) / 360 × 4096 = 3242.67 and 105.5 is 3248.36, so a line between them crosses
columns 3242–3248. Tile row 1831 spans latitudes 18.646245–18.729502 (y = (1 − asinh(tan
φ)/π)/2 × 4096); a tile there is 0.087890625 × 111.32 km × cos 18.69° ≈ 9.27 km wide and
0.0833° × 110.62 km ≈ 9.21 km tall.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pmtiles.reader import MmapSource, Reader, all_tiles
from pmtiles.tile import tileid_to_zxy, zxy_to_tileid

from tourroute.offline.tiles import (
    TileArchive,
    extract,
    lonlat_to_tile,
    tile_bounds,
    tiles_for_trip,
    tiles_intersecting,
    trip_area,
)

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "basemap-sam-son.pmtiles"


def _z12(area: object) -> set[tuple[int, int]]:
    return {(x, y) for z, x, y in tiles_intersecting(area, 12, 12)}  # type: ignore[arg-type]  # any shapely geometry


def test_row_1831_edges_as_worked_out() -> None:
    west, south, east, north = tile_bounds(12, 3242, 1831)
    assert (west, east) == (104.94140625, 105.029296875)
    assert south == pytest.approx(18.646245, abs=1e-6)
    assert north == pytest.approx(18.729502, abs=1e-6)
    assert lonlat_to_tile(105.0, 18.69, 12) == (3242, 1831)
    assert lonlat_to_tile(105.5, 18.69, 12) == (3248, 1831)


def test_a_line_mid_row_stays_in_its_row() -> None:
    # Latitude 18.69 is 4.37 km below the row's north edge and 4.84 km above its south
    # edge; the west end is 6.2 km into column 3242, the east end 3.3 km into 3248: a
    # 3 km corridor crosses no other edge.
    area = trip_area([[(105.0, 18.69), (105.5, 18.69)]], [], 3000.0, 0.0)
    assert _z12(area) == {(x, 1831) for x in range(3242, 3249)}


def test_a_line_near_a_row_edge_takes_the_next_row() -> None:
    # Latitude 18.725 is 0.5 km below row 1831's north edge: the 3 km corridor reaches
    # row 1830 along the whole line, and stays 2.6 km clear of row 1832.
    area = trip_area([[(105.0, 18.725), (105.5, 18.725)]], [], 3000.0, 0.0)
    assert _z12(area) == {(x, y) for x in range(3242, 3249) for y in (1830, 1831)}


def test_a_thin_line_takes_only_the_tiles_it_crosses() -> None:
    area = trip_area([[(105.0, 18.69), (105.5, 18.69)]], [], 1.0, 0.0)
    assert _z12(area) == {(x, 1831) for x in range(3242, 3249)}


def test_a_site_radius() -> None:
    # 105.2 is column 3244.94: 0.56 km from the edge with 3245; 18.69 is 4.37 km from
    # row 1830 and 4.84 km from row 1832 (corners 4.41 and 4.87 km): 5 km reaches all six.
    area = trip_area([], [(105.2, 18.69)], 0.0, 5000.0)
    assert _z12(area) == {(x, y) for x in (3244, 3245) for y in (1830, 1831, 1832)}
    # 4 km reaches neither row edge, only the column edge 0.56 km away.
    area = trip_area([], [(105.2, 18.69)], 0.0, 4000.0)
    assert _z12(area) == {(3244, 1831), (3245, 1831)}


def test_children_follow_their_parents() -> None:
    area = trip_area([[(105.0, 18.69), (105.5, 18.69)]], [], 3000.0, 0.0)
    found = tiles_intersecting(area, 9, 14)
    by_zoom = {z: {(x, y) for zz, x, y in found if zz == z} for z in range(9, 15)}
    for z in range(10, 15):
        assert by_zoom[z]
        assert {(x // 2, y // 2) for x, y in by_zoom[z]} <= by_zoom[z - 1]


def test_low_zooms_cover_the_region_whole() -> None:
    region = (103.8, 17.75, 106.9, 20.75)
    area = trip_area([[(105.0, 18.69), (105.01, 18.69)]], [], 100.0, 0.0)
    ids = tiles_for_trip(area, region, 8, 10)
    zxy = [tileid_to_zxy(i) for i in ids]
    assert ids == sorted(ids)
    at8 = {(x, y) for z, x, y in zxy if z == 8}
    x0, y0 = lonlat_to_tile(103.8, 20.75, 8)
    x1, y1 = lonlat_to_tile(106.9, 17.75, 8)
    assert at8 == {(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)}
    assert sum(1 for z, _, _ in zxy if z == 0) == 1
    # Above zoom 8 only the short line's corridor: a handful of tiles per zoom.
    assert 1 <= sum(1 for z, _, _ in zxy if z == 10) <= 4


def test_an_empty_trip_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        trip_area([[(105.0, 18.0)]], [], 1000.0, 0.0)


def test_extract_copies_the_tiles_it_is_asked_for(tmp_path: Path) -> None:
    with FIXTURE.open("rb") as f:
        source_tiles = dict(all_tiles(MmapSource(f)))
        source_meta = Reader(MmapSource(f)).metadata()
    wanted = sorted(zxy_to_tileid(*zxy) for zxy in source_tiles if zxy[0] in (0, 13, 14))
    absent = zxy_to_tileid(14, 0, 0)
    target = tmp_path / "cut.pmtiles"
    with TileArchive(FIXTURE) as source:
        stats = extract(source, [absent, *wanted], target, (105.89, 19.73, 105.91, 19.75), 13)
    assert stats.tiles == len(wanted)
    assert stats.bytes == target.stat().st_size
    with target.open("rb") as f:
        reader = Reader(MmapSource(f))
        header = reader.header()
        assert reader.metadata() == source_meta
        cut = dict(all_tiles(MmapSource(f)))
    assert cut == {tileid_to_zxy(i): source_tiles[tileid_to_zxy(i)] for i in wanted}
    assert (header["min_zoom"], header["max_zoom"], header["center_zoom"]) == (0, 14, 13)
    assert header["min_lon_e7"] == 1058900000
    assert header["max_lat_e7"] == 197500000


def test_extract_refuses_an_empty_archive(tmp_path: Path) -> None:
    with TileArchive(FIXTURE) as source, pytest.raises(ValueError, match="none of the tiles"):
        extract(source, [zxy_to_tileid(14, 0, 0)], tmp_path / "x.pmtiles", (0, 0, 1, 1), 0)
