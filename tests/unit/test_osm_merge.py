"""The merge of OSM ways with curated segments (tourroute.network.osm_merge), geometry only."""

from __future__ import annotations

import numpy as np
import pytest

from tourroute.network.osm_merge import CuratedLine, CuratedNetwork, MergeRules, WayIn

LAT = 19.0
M_LAT = 1 / 111_195  # degrees of latitude per metre (mean Earth radius)
M_LON = M_LAT / np.cos(np.radians(LAT))  # degrees of longitude per metre at 19° N

# A curated road running east, a vertex every 500 m: x = 0, 500, 1000 m.
ROAD = [(105.0 + x * M_LON, LAT) for x in (0, 500, 1000)]


def at(x_m: float, y_m: float) -> tuple[float, float]:
    """The position x_m metres east and y_m metres north of the curated road's start."""
    return (105.0 + x_m * M_LON, LAT + y_m * M_LAT)


def way(*points: tuple[float, float], motorway: bool = False) -> WayIn:
    return WayIn(np.array([at(x, y) for x, y in points]), motorway)


def metres_off_road(position: np.ndarray) -> float:
    """How far a position lies from the curated road (the parallel at 19° N), in metres."""
    return abs(float(position[1]) - LAT) / M_LAT


@pytest.fixture
def net() -> CuratedNetwork:
    return CuratedNetwork([CuratedLine(ROAD)])


def test_a_way_far_from_the_curated_network_comes_back_as_it_came(net: CuratedNetwork) -> None:
    far = way((0, 200), (1000, 200))
    [merged] = net.merge([far])
    assert not merged.changed
    assert merged.pieces[0] is far.coords
    assert (merged.replaced_m, merged.joined, merged.on_line) == (0, 0, 0)


def test_a_way_along_the_curated_road_is_replaced_whole(net: CuratedNetwork) -> None:
    [merged] = net.merge([way((0, 3), (250, 4), (700, 2), (1000, 3))])
    assert merged.dropped
    assert merged.replaced_m == pytest.approx(1000, abs=15)


def test_a_short_piece_along_the_road_is_replaced_by_its_share(net: CuratedNetwork) -> None:
    # 30 m: under min_duplicate_m, but all of it lies alongside (a bridge between two seams).
    [merged] = net.merge([way((600, 2), (630, 2))])
    assert merged.dropped


def test_a_way_overshooting_the_curated_end_by_a_few_metres_is_dropped_whole(
    net: CuratedNetwork,
) -> None:
    [merged] = net.merge([way((200, 2), (1006, 2))])
    assert merged.dropped


def test_a_way_leaving_the_road_keeps_the_rest_from_a_curated_vertex(net: CuratedNetwork) -> None:
    # Along the road from 0 to 1000 m, then 1 km on eastwards: cut at the curated end.
    [merged] = net.merge([way((0, 2), (1000, 2), (2000, 2))])
    assert merged.trimmed
    assert merged.replaced_m == pytest.approx(1000, abs=25)
    [piece] = merged.pieces
    assert tuple(piece[0]) == ROAD[-1]  # exactly the curated vertex: a junction
    assert tuple(piece[-1]) == pytest.approx(at(2000, 2))
    assert merged.joined == 1


def test_a_way_over_the_whole_road_keeps_both_ends_in_order(net: CuratedNetwork) -> None:
    [merged] = net.merge([way((-800, 1), (0, 1), (1000, 1), (1900, 1))])
    assert merged.trimmed
    west, east = merged.pieces
    assert tuple(west[0]) == pytest.approx(at(-800, 1))
    assert tuple(west[-1]) == ROAD[0]
    assert tuple(east[0]) == ROAD[-1]
    assert tuple(east[-1]) == pytest.approx(at(1900, 1))


def test_a_side_road_ending_near_a_curated_vertex_is_moved_onto_it(net: CuratedNetwork) -> None:
    [merged] = net.merge([way((510, -300), (510, -4))])
    [piece] = merged.pieces
    assert tuple(piece[-1]) == ROAD[1]
    assert (merged.joined, merged.on_line, merged.replaced_m) == (1, 0, 0)


def test_a_side_road_ending_between_vertices_is_moved_onto_the_curated_line(
    net: CuratedNetwork,
) -> None:
    # Ends 3 m off the road, 150 m from the nearest curated vertex: the end moves onto the
    # curated line (its foot, 650 m along), nothing is added along the curated road.
    [merged] = net.merge([way((650, -300), (650, -3))])
    [piece] = merged.pieces
    assert len(piece) == 2
    assert tuple(piece[0]) == pytest.approx(at(650, -300))
    assert metres_off_road(piece[-1]) < 1e-6
    assert tuple(piece[-1]) == pytest.approx(at(650, 0), abs=1e-9)  # ~0.1 mm
    assert (merged.joined, merged.on_line, merged.replaced_m) == (1, 1, 0)


def test_a_vertex_already_on_the_curated_line_stays_as_it_is(net: CuratedNetwork) -> None:
    # The side road above, merged again: its end is a junction already.
    [first] = net.merge([way((650, -300), (650, -3))])
    [again] = net.merge([WayIn(first.pieces[0])])
    assert not again.changed
    assert again.joined == 0


def test_a_side_road_ending_off_a_diagonal_curated_road_lands_on_it() -> None:
    # A curated road running north-east; a side road ending 10 m off its middle.
    net = CuratedNetwork([CuratedLine([at(0, 0), at(1000, 1000)])])
    [merged] = net.merge([way((200, 900), (500 - 7.07, 500 + 7.07))])
    end = merged.pieces[0][-1]
    x, y = (end[0] - 105.0) / M_LON, (end[1] - LAT) / M_LAT
    assert abs(x - y) / np.sqrt(2) < 1e-6  # on the line y = x, to a micrometre
    assert (x, y) == pytest.approx((500, 500), abs=0.1)  # its foot: the vertex moved ~10 m
    assert merged.on_line == 1


def test_a_crossing_road_joins_at_a_curated_vertex_close_by_but_is_not_cut(
    net: CuratedNetwork,
) -> None:
    [merged] = net.merge([way((505, -400), (505, 1), (505, 400))])
    [piece] = merged.pieces
    assert len(piece) == 3
    assert tuple(piece[1]) == ROAD[1]
    assert merged.replaced_m == 0
    assert merged.joined == 1


def test_a_crossing_road_far_from_curated_vertices_is_moved_onto_the_line_not_cut(
    net: CuratedNetwork,
) -> None:
    # Crosses 250 m from the nearest curated vertex: the crossing vertex moves 1 m onto
    # the curated line; the road still runs straight through it, in one piece.
    [merged] = net.merge([way((250, -400), (250, 1), (250, 400))])
    [piece] = merged.pieces
    assert len(piece) == 3
    assert tuple(piece[0]) == pytest.approx(at(250, -400))
    assert metres_off_road(piece[1]) < 1e-6
    assert tuple(piece[1]) == pytest.approx(at(250, 0), abs=1e-9)
    assert tuple(piece[2]) == pytest.approx(at(250, 400))
    assert (merged.joined, merged.on_line, merged.replaced_m) == (1, 1, 0)


def test_a_crossing_road_moves_only_its_vertex_closest_to_the_line(
    net: CuratedNetwork,
) -> None:
    # Three vertices within join_m of the road (-12, 2 and 11 m): one junction, at the
    # middle one; the others stay where they are.
    [merged] = net.merge([way((250, -400), (250, -12), (251, 2), (252, 11), (252, 400))])
    [piece] = merged.pieces
    assert tuple(piece[1]) == pytest.approx(at(250, -12))
    assert metres_off_road(piece[2]) < 1e-6
    assert tuple(piece[2]) == pytest.approx(at(251, 0), abs=1e-9)
    assert tuple(piece[3]) == pytest.approx(at(252, 11))
    assert (merged.joined, merged.on_line) == (1, 1)


def test_a_way_leaving_the_road_between_vertices_is_cut_onto_the_line(
    net: CuratedNetwork,
) -> None:
    # Along the road from 0 to 700 m, then north: the kept rest starts on the curated
    # line where the duplicate ends (no curated vertex within snap_m of it).
    [merged] = net.merge([way((0, 2), (700, 2), (700, 500))])
    [piece] = merged.pieces
    assert metres_off_road(piece[0]) < 1e-6
    assert (piece[0][0] - 105.0) / M_LON == pytest.approx(700, abs=10)
    assert tuple(piece[-1]) == pytest.approx(at(700, 500))
    assert (merged.joined, merged.on_line) == (1, 1)


def test_ways_sharing_a_junction_vertex_still_share_it(net: CuratedNetwork) -> None:
    # Two side roads meeting each other at a node 5 m off the road, by a curated vertex.
    a, b = net.merge([way((480, -300), (497, -5)), way((497, -5), (530, -200))])
    assert tuple(a.pieces[0][-1]) == tuple(b.pieces[0][0]) == ROAD[1]


def test_a_curated_motorway_replaces_and_joins_motorways_only() -> None:
    net = CuratedNetwork([CuratedLine(ROAD, motorway=True)])
    local, crossing, carriageway = net.merge(
        [
            way((0, 2), (1000, 2)),
            way((505, -400), (505, 1), (505, 400)),
            way((0, 2), (1000, 2), motorway=True),
        ]
    )
    assert not local.changed  # a local road under the expressway's line is kept
    assert not crossing.changed  # and a road crossing it is not a junction
    assert carriageway.dropped


def test_the_result_does_not_depend_on_the_batch(net: CuratedNetwork) -> None:
    ways = [
        way((0, 2), (1000, 2), (2000, 2)),
        way((650, -300), (650, -3)),
        way((505, -400), (505, 1), (505, 400)),
        way((250, -400), (250, 1), (250, 400)),
        way((0, 200), (1000, 200)),
    ]
    together = net.merge(ways)
    alone = [net.merge([w])[0] for w in reversed(ways)][::-1]
    for x, y in zip(together, alone, strict=True):
        assert x.changed == y.changed
        assert [p.tolist() for p in x.pieces] == [p.tolist() for p in y.pieces]


def test_an_empty_network_changes_nothing() -> None:
    [merged] = CuratedNetwork([]).merge([way((0, 2), (1000, 2))])
    assert not merged.changed


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"near_m": 0}, "positive"),
        ({"snap_m": float("nan")}, "positive"),
        ({"parallel_deg": 95}, "between 0 and 90"),
        ({"duplicate_share": 1.5}, r"\(0, 1\]"),
        ({"join_m": 20, "near_m": 15}, "join_m <= near_m"),
        ({"sample_m": 60}, "shorter than min_duplicate_m"),
    ],
)
def test_bad_tolerances_are_refused(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MergeRules(**kwargs)


def test_bad_lines_are_refused(net: CuratedNetwork) -> None:
    with pytest.raises(ValueError, match="curated line #2"):
        CuratedNetwork([CuratedLine(ROAD), CuratedLine([(105.0, 19.0)])])
    with pytest.raises(ValueError, match="two or more positions"):
        net.merge([WayIn(np.array([(105.0, 19.0)]))])
