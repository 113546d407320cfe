"""reach_area_grid: the raster isochrone area against the vector one (reach_area)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import Point

from tourroute.routing.isochrone import reach_area
from tourroute.routing.reach_grid import reach_area_grid, reach_area_lines, steps_as_lines

CENTER = (105.7, 19.0)
LOCAL = CRS.from_proj4(f"+proj=aeqd +lat_0={CENTER[1]} +lon_0={CENTER[0]} +datum=WGS84")
TO_LONLAT = Transformer.from_crs(LOCAL, "EPSG:4326", always_xy=True)
TO_LOCAL = Transformer.from_crs("EPSG:4326", LOCAL, always_xy=True)


def lonlat(xy: np.ndarray) -> np.ndarray:
    """Local metres (aeqd around CENTER) → (lon, lat)."""
    lon, lat = TO_LONLAT.transform(xy[:, 0], xy[:, 1])
    return np.column_stack((lon, lat))


def metric(area: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(area, TO_LOCAL.transform, interleaved=False)


def test_straight_road_reaches_the_margin_and_no_farther() -> None:
    # 10 km east–west through the centre, in 100 m steps.
    x = np.linspace(-5000.0, 5000.0, 101)
    points = lonlat(np.column_stack((x, np.zeros_like(x))))
    area = metric(reach_area_grid(points[:-1], points[1:], CENTER, 500.0, cell_m=25.0))

    for along in (-4000.0, -1234.0, 0.0, 2500.0, 4900.0):
        assert area.contains(Point(along, 400.0))
        assert area.contains(Point(along, -400.0))
        assert not area.contains(Point(along, 700.0))
        assert not area.contains(Point(along, -700.0))
    assert area.contains(Point(5300.0, 0.0))
    assert not area.contains(Point(5700.0, 0.0))

    vector = metric(reach_area([[tuple(p) for p in points]], CENTER, 500.0))
    assert area.area == pytest.approx(vector.area, rel=0.10)


def test_straight_road_with_the_default_cell() -> None:
    x = np.linspace(-5000.0, 5000.0, 101)
    points = lonlat(np.column_stack((x, np.zeros_like(x))))
    area = metric(reach_area_grid(points[:-1], points[1:], CENTER))
    assert area.contains(Point(0.0, 400.0))
    assert not area.contains(Point(0.0, 700.0))
    vector = metric(reach_area([[tuple(p) for p in points]], CENTER))
    assert area.area == pytest.approx(vector.area, rel=0.10)


def test_ring_road_keeps_the_unreached_middle_as_a_hole() -> None:
    angle = np.linspace(0.0, 2 * np.pi, 361)
    points = lonlat(5000.0 * np.column_stack((np.cos(angle), np.sin(angle))))
    area = reach_area_grid(points[:-1], points[1:], CENTER, 500.0)

    assert area.geom_type == "Polygon"
    assert area.is_valid
    assert len(area.interiors) == 1
    assert not area.contains(Point(CENTER))
    local = metric(area)
    assert local.contains(Point(5000.0, 0.0))
    assert local.contains(Point(0.0, -5400.0))
    assert not local.contains(Point(0.0, 4300.0))


def test_no_steps_gives_the_disc_around_the_centre() -> None:
    empty = np.empty((0, 2))
    area = reach_area_grid(empty, empty, CENTER, 500.0)

    assert area.geom_type == "Polygon"
    assert area.contains(Point(CENTER))
    assert metric(area).area == pytest.approx(np.pi * 500.0**2, rel=0.02)
    assert area.equals_exact(reach_area([], CENTER, 500.0), tolerance=1e-9)


def test_agrees_with_the_vector_area_on_a_random_network() -> None:
    rng = np.random.default_rng(7)
    # A few hundred short steps: 30 wandering roads of 10 steps of 150–400 m, 30 km across.
    heading = rng.uniform(0, 2 * np.pi, (30, 1)) + np.cumsum(rng.normal(0, 0.4, (30, 10)), 1)
    length = rng.uniform(150.0, 400.0, (30, 10))
    x = np.cumsum(np.column_stack((rng.uniform(-15e3, 15e3, 30), length * np.cos(heading))), 1)
    y = np.cumsum(np.column_stack((rng.uniform(-15e3, 15e3, 30), length * np.sin(heading))), 1)
    roads = [lonlat(np.column_stack((xs, ys))) for xs, ys in zip(x, y, strict=True)]
    starts = np.concatenate([r[:-1] for r in roads])
    ends = np.concatenate([r[1:] for r in roads])
    assert len(starts) == 300

    grid = metric(reach_area_grid(starts, ends, CENTER, 500.0))
    vector = metric(reach_area([[tuple(p) for p in r] for r in roads], CENTER, 500.0))

    assert grid.is_valid
    assert grid.symmetric_difference(vector).area / grid.union(vector).area <= 0.15


def test_steps_longer_than_a_cell_are_filled_in_between() -> None:
    # One 20 km step: only its ends are points, the samples between must mark the rest.
    points = lonlat(np.array([[-10_000.0, 3000.0], [10_000.0, -3000.0]]))
    area = metric(reach_area_grid(points[:1], points[1:], CENTER, 500.0))
    assert area.geom_type == "Polygon"
    assert area.contains(Point(0.0, 0.0))
    assert area.contains(Point(5000.0, -1500.0))


def test_rejects_a_bad_margin_or_shape() -> None:
    one = np.array([[105.7, 19.0]])
    with pytest.raises(ValueError, match="positive"):
        reach_area_grid(one, one, CENTER, 0.0)
    with pytest.raises(ValueError, match="shape"):
        reach_area_grid(one, np.empty((0, 2)), CENTER)


def test_polylines_draw_the_same_area_as_their_steps() -> None:
    """reach_area_lines (what a reach hands over: vertex runs) and reach_area_grid (steps)
    are one area: two roads, one bent, given either way."""
    x = np.linspace(-5000.0, 5000.0, 41)
    east = lonlat(np.column_stack((x, np.zeros_like(x))))
    bent = lonlat(np.array([[-2000.0, 3000.0], [0.0, 1500.0], [2500.0, 2500.0]]))
    starts = np.concatenate((east[:-1], bent[:-1]))
    ends = np.concatenate((east[1:], bent[1:]))
    vertices, first = steps_as_lines(starts, ends)
    assert len(vertices) == len(east) + len(bent)
    assert first.tolist() == [0, len(east)]
    by_steps = reach_area_grid(starts, ends, CENTER, 500.0)
    by_lines = reach_area_lines(vertices, first, CENTER, 500.0)
    assert by_lines.equals(by_steps)
    assert metric(by_lines).contains(Point(2500.0, 2400.0))  # the bent road's end is in


@pytest.mark.parametrize(
    "line_starts",
    [[1], [0, 0], [0, 3, 2], [0, 9]],
    ids=["not-from-0", "repeated", "decreasing", "beyond-the-vertices"],
)
def test_bad_line_starts_are_refused(line_starts: list[int]) -> None:
    vertices = lonlat(np.array([[0.0, 0.0], [100.0, 0.0], [200.0, 0.0], [300.0, 0.0]]))
    with pytest.raises(ValueError, match="line_starts"):
        reach_area_lines(vertices, np.array(line_starts), CENTER, 500.0)
