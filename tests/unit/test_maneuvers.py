"""build_steps: turn-by-turn steps on hand-made junctions near Vinh (Nghệ An)."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

import pytest
from pyproj import Geod

from tourroute.routing.maneuvers import (
    Junction,
    Step,
    Stretch,
    build_steps,
    compass,
    modifier_for,
    road_label,
    turn_angle,
)

GEOD = Geod(ellps="WGS84")
START = (105.68, 18.67)
Coord = tuple[float, float]


def length(coords: Sequence[Coord]) -> float:
    lon, lat = zip(*coords, strict=True)
    return float(GEOD.line_length(lon, lat))


def stretch(
    coords: Sequence[Coord],
    ref: str | None = None,
    name: str | None = None,
    *,
    roundabout: bool = False,
) -> Stretch:
    dist = length(coords)
    return Stretch(tuple(coords), ref, name, "primary", dist, dist / 10.0, roundabout)


def line(start: Coord, bearing: float, length_m: float, n: int = 6) -> list[Coord]:
    """n vertices from ``start`` along ``bearing`` over ``length_m``."""
    out = [start]
    for i in range(1, n):
        lon, lat, _ = GEOD.fwd(start[0], start[1], bearing, length_m * i / (n - 1))
        out.append((float(lon), float(lat)))
    return out


def chain(*legs: tuple[float, float, str | None, str | None]) -> list[Stretch]:
    """Straight stretches (bearing, length, ref, name), each starting where the last ended."""
    out: list[Stretch] = []
    at = START
    for bearing, length_m, ref, name in legs:
        coords = line(at, bearing, length_m)
        out.append(stretch(coords, ref, name))
        at = coords[-1]
    return out


def turn_at_one_junction(
    bearing_in: float,
    bearing_out: float,
    others: tuple[float, ...],
    ref_in: str | None = "QL46",
    ref_out: str | None = "QL7",
    name_out: str | None = None,
) -> list[Step]:
    route = chain((bearing_in, 500.0, ref_in, None), (bearing_out, 400.0, ref_out, name_out))
    return build_steps(route, [Junction(others)])


def nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


# --- angles, modifiers, labels ------------------------------------------------------------


@pytest.mark.parametrize(
    ("angle", "modifier"),
    [
        (0.0, "straight"),
        (19.9, "straight"),
        (-20.0, "slight left"),
        (44.9, "slight right"),
        (45.0, "right"),
        (-134.9, "left"),
        (135.0, "sharp right"),
        (-170.0, "sharp left"),
        (170.1, "uturn"),
        (-179.0, "uturn"),
    ],
)
def test_modifier_thresholds(angle: float, modifier: str) -> None:
    assert modifier_for(angle) == modifier


def test_turn_angle_wraps_through_north() -> None:
    assert turn_angle(350.0, 80.0) == pytest.approx(90.0)
    assert turn_angle(80.0, 350.0) == pytest.approx(-90.0)


@pytest.mark.parametrize(
    ("bearing", "vi", "en"),
    [
        (0.0, "bắc", "north"),
        (45.0, "đông bắc", "northeast"),
        (90.0, "đông", "east"),
        (135.0, "đông nam", "southeast"),
        (180.0, "nam", "south"),
        (225.0, "tây nam", "southwest"),
        (270.0, "tây", "west"),
        (315.0, "tây bắc", "northwest"),
        (359.0, "bắc", "north"),
    ],
)
def test_depart_names_the_compass_direction(bearing: float, vi: str, en: str) -> None:
    assert compass(bearing) == (vi, en)
    steps = build_steps(chain((bearing, 300.0, "QL46", None)), [])
    assert steps[0].text_vi == f"Khởi hành trên QL46 về hướng {vi}"
    assert steps[0].text_en == f"Head {en} on QL46"


def test_road_label_prefers_ref_then_name_then_generic() -> None:
    assert road_label("QL1A", "Đường Lê Duẩn") == ("QL1A", "QL1A")
    assert road_label(None, "Lê Lợi") == ("đường Lê Lợi", "Lê Lợi")
    assert road_label(None, "Đường Lê Lợi") == ("đường Lê Lợi", "Đường Lê Lợi")
    assert road_label(None, "Cầu Bến Thủy") == ("cầu Bến Thủy", "Cầu Bến Thủy")
    assert road_label(None, "Phan Đình Phùng") == ("đường Phan Đình Phùng", "Phan Đình Phùng")
    assert road_label(None, None) == ("đường không tên", "unnamed road")


# --- turns --------------------------------------------------------------------------------


def test_right_turn() -> None:
    steps = turn_at_one_junction(90.0, 180.0, others=(90.0, 0.0))
    assert [s.kind for s in steps] == ["depart", "turn", "arrive"]
    turn = steps[1]
    assert turn.modifier == "right"
    assert turn.road_ref == "QL7"
    assert turn.text_vi == "Rẽ phải vào QL7"
    assert turn.text_en == "Turn right onto QL7"
    assert turn.bearing_before == pytest.approx(90.0, abs=0.1)
    assert turn.bearing_after == pytest.approx(180.0, abs=0.1)


def test_left_turn_onto_a_named_street() -> None:
    steps = turn_at_one_junction(90.0, 0.0, others=(90.0,), ref_out=None, name_out="Lê Lợi")
    turn = steps[1]
    assert (turn.kind, turn.modifier) == ("turn", "left")
    assert (turn.road_ref, turn.road_name) == (None, "Lê Lợi")
    assert turn.text_vi == "Rẽ trái vào đường Lê Lợi"
    assert turn.text_en == "Turn left onto Lê Lợi"


def test_left_turn_onto_an_unnamed_road() -> None:
    steps = turn_at_one_junction(90.0, 0.0, others=(), ref_out=None)
    assert steps[1].text_vi == "Rẽ trái vào đường không tên"
    assert steps[1].text_en == "Turn left onto unnamed road"


def test_straight_on_at_a_crossing_onto_another_road_is_continue() -> None:
    steps = turn_at_one_junction(90.0, 95.0, others=(0.0, 180.0), ref_out="QL1A")
    step = steps[1]
    assert (step.kind, step.modifier) == ("continue", "straight")
    assert step.text_vi == "Đi thẳng vào QL1A"
    assert step.text_en == "Continue onto QL1A"


def test_fork_is_keep_left_or_right() -> None:
    right = turn_at_one_junction(90.0, 115.0, others=(65.0, 270.0))[1]
    assert (right.kind, right.modifier) == ("continue", "slight right")
    assert right.text_vi == "Giữ bên phải vào QL7"
    assert right.text_en == "Keep right onto QL7"

    # our branch is straight ahead but another leaves 30° right of it: keep left
    left = turn_at_one_junction(90.0, 90.0, others=(120.0,))[1]
    assert (left.kind, left.modifier) == ("continue", "slight left")
    assert left.text_vi == "Giữ bên trái vào QL7"
    assert left.text_en == "Keep left onto QL7"


def test_middle_of_a_three_way_fork_is_continue() -> None:
    step = turn_at_one_junction(90.0, 90.0, others=(60.0, 120.0))[1]
    assert (step.kind, step.modifier) == ("continue", "straight")


def test_slight_turn_without_a_fork() -> None:
    step = turn_at_one_junction(90.0, 120.0, others=(0.0,))[1]
    assert (step.kind, step.modifier) == ("turn", "slight right")
    assert step.text_vi == "Chếch phải vào QL7"
    assert step.text_en == "Turn slightly right onto QL7"
    step = turn_at_one_junction(90.0, 60.0, others=())[1]
    assert step.text_vi == "Chếch trái vào QL7"


def test_sharp_turns() -> None:
    right = turn_at_one_junction(90.0, 245.0, others=(90.0,))[1]
    assert (right.kind, right.modifier) == ("turn", "sharp right")
    assert right.text_vi == "Rẽ ngoặt phải vào QL7"
    assert right.text_en == "Turn sharp right onto QL7"
    left = turn_at_one_junction(90.0, 295.0, others=(90.0,))[1]
    assert (left.kind, left.modifier) == ("turn", "sharp left")
    assert left.text_vi == "Rẽ ngoặt trái vào QL7"


def test_u_turn_is_announced_even_on_the_same_road() -> None:
    steps = turn_at_one_junction(90.0, 268.0, others=(), ref_out="QL46")
    assert [s.kind for s in steps] == ["depart", "turn", "arrive"]
    assert steps[1].modifier == "uturn"
    assert steps[1].text_vi == "Quay đầu"
    assert steps[1].text_en == "Make a U-turn"


def test_bearing_ignores_a_kink_at_the_junction_vertex() -> None:
    # The approach runs due east, but its last metre swerves 60° left (a digitising kink);
    # the exit runs due east.  Over the last 20 m this is straight on: continue, not keep.
    approach = line(START, 90.0, 300.0)
    lon, lat, _ = GEOD.fwd(*approach[-1], 30.0, 1.0)
    approach.append((float(lon), float(lat)))
    exit_ = line(approach[-1], 90.0, 300.0)
    steps = build_steps(
        [stretch(approach, "QL46"), stretch(exit_, "QL1A")], [Junction((0.0, 180.0))]
    )
    assert (steps[1].kind, steps[1].modifier) == ("continue", "straight")
    assert steps[1].bearing_before == pytest.approx(90.0, abs=5.0)


# --- merging ------------------------------------------------------------------------------


def test_same_road_through_crossings_merges_into_one_step() -> None:
    route = chain(
        (90.0, 400.0, "QL46", None),
        (92.0, 300.0, "QL46", "Đường Nguyễn Du"),  # new way, same ref
        (88.0, 500.0, "QL46", None),
        (0.0, 200.0, None, "Lê Lợi"),
        (3.0, 250.0, None, "Lê Lợi"),
    )
    junctions = [Junction((0.0, 180.0)), Junction((180.0,)), Junction((90.0,)), Junction((270.0,))]
    steps = build_steps(route, junctions)
    assert [s.kind for s in steps] == ["depart", "turn", "arrive"]
    assert steps[0].distance_m == pytest.approx(sum(s.distance_m for s in route[:3]))
    assert steps[1].distance_m == pytest.approx(route[3].distance_m + route[4].distance_m)
    assert steps[1].duration_s == pytest.approx(route[3].duration_s + route[4].duration_s)
    assert steps[1].text_vi == "Rẽ trái vào đường Lê Lợi"


def test_same_road_bend_merges_without_alternative_but_is_announced_at_a_junction() -> None:
    bend = chain((90.0, 400.0, "QL7", None), (150.0, 400.0, "QL7", None))
    assert [s.kind for s in build_steps(bend, [Junction(())])] == ["depart", "arrive"]
    # a slight bend with only sharper side roads: the driver just follows the road
    slight = chain((90.0, 400.0, "QL7", None), (120.0, 400.0, "QL7", None))
    assert [s.kind for s in build_steps(slight, [Junction((0.0,))])] == ["depart", "arrive"]
    # the same 30° bend while another road goes straight on: keep right to stay on QL7
    steps = build_steps(slight, [Junction((90.0,))])
    assert [s.kind for s in steps] == ["depart", "continue", "arrive"]
    assert steps[1].text_en == "Keep right onto QL7"
    # a 90° bend of QL7 with a road straight on: turn right
    corner = chain((90.0, 400.0, "QL7", None), (180.0, 400.0, "QL7", None))
    steps = build_steps(corner, [Junction((90.0,))])
    assert steps[1].text_vi == "Rẽ phải vào QL7"


def test_unnamed_roads_merge_by_name_when_there_is_no_ref() -> None:
    route = chain((0.0, 300.0, None, "Lê Lợi"), (0.0, 300.0, None, "Lê Lợi"))
    assert len(build_steps(route, [Junction((90.0, 270.0))])) == 2
    route = chain((0.0, 300.0, None, "Lê Lợi"), (0.0, 300.0, None, "Quang Trung"))
    steps = build_steps(route, [Junction((90.0, 270.0))])
    assert steps[1].text_vi == "Đi thẳng vào đường Quang Trung"


# --- roundabouts --------------------------------------------------------------------------


def arc(center: Coord, radius: float, az_from: float, az_to: float, n: int = 8) -> list[Coord]:
    """Points at ``radius`` around ``center``, the azimuth from the centre going from
    ``az_from`` down to ``az_to`` (counter-clockwise on the map, as traffic on the right)."""
    out = []
    for i in range(n):
        az = az_from + (az_to - az_from) * i / (n - 1)
        lon, lat, _ = GEOD.fwd(center[0], center[1], az, radius)
        out.append((float(lon), float(lat)))
    return out


def roundabout_route(exit_after_arcs: int) -> tuple[list[Stretch], list[Junction]]:
    """Approach northbound to the south point of a 40 m ring, leave outward after n quarters.

    Every quarter point of the ring has a road leaving outward (east, north, west), so
    leaving after n quarters is the n-th exit.
    """
    center = (START[0], START[1] + 0.01)
    lon, lat, _ = GEOD.fwd(center[0], center[1], 180.0, 40.0)
    south = (float(lon), float(lat))
    lon, lat, _ = GEOD.fwd(south[0], south[1], 180.0, 500.0)
    approach = stretch([*line((float(lon), float(lat)), 0.0, 500.0)[:-1], south], "QL1A")
    stretches = [approach]
    junctions = [Junction((270.0, 90.0))]  # the ring's own side of the entry has no exit
    az = 180.0
    for i in range(exit_after_arcs):
        coords = arc(center, 40.0, az, az - 90.0)
        stretches.append(stretch(coords, None, "Vòng xuyến Quang Trung", roundabout=True))
        az -= 90.0
        outward = az % 360.0
        if i < exit_after_arcs - 1:
            junctions.append(Junction((outward,)))  # an exit not taken
        else:
            junctions.append(Junction(()))
    leave = stretches[-1].coords[-1]
    stretches.append(stretch(line(leave, az % 360.0, 600.0), "QL15"))
    stretches.append(stretch(line(stretches[-1].coords[-1], az % 360.0, 300.0), "QL15"))
    junctions.append(Junction((0.0, 180.0) if az % 180 else (90.0, 270.0)))
    return stretches, junctions


@pytest.mark.parametrize(
    ("exits", "vi", "en", "modifier"),
    [
        (1, "thứ nhất", "1st", "right"),
        (2, "thứ 2", "2nd", "straight"),
        (3, "thứ 3", "3rd", "left"),
    ],
)
def test_roundabout_counts_the_exits(exits: int, vi: str, en: str, modifier: str) -> None:
    stretches, junctions = roundabout_route(exits)
    steps = build_steps(stretches, junctions)
    assert [s.kind for s in steps] == ["depart", "roundabout", "arrive"]
    ring = steps[1]
    assert ring.location == stretches[1].coords[0]
    assert ring.road_ref == "QL15"
    assert ring.modifier == modifier
    assert ring.text_vi == f"Vào vòng xuyến, đi theo lối ra {vi} vào QL15"
    assert ring.text_en == f"At the roundabout, take the {en} exit onto QL15"
    # the ring and the whole exit road are driven within the roundabout step
    assert ring.distance_m == pytest.approx(sum(s.distance_m for s in stretches[1:]))
    assert ring.duration_s == pytest.approx(sum(s.duration_s for s in stretches[1:]))


def test_route_ending_on_the_ring_enters_it() -> None:
    stretches, junctions = roundabout_route(2)
    steps = build_steps(stretches[:3], junctions[:2])
    assert [s.kind for s in steps] == ["depart", "roundabout", "arrive"]
    assert steps[1].modifier is None
    assert (steps[1].text_vi, steps[1].text_en) == ("Vào vòng xuyến", "Enter the roundabout")


def test_route_departing_on_the_ring_turns_off_it() -> None:
    stretches, junctions = roundabout_route(2)
    steps = build_steps(stretches[1:], junctions[1:])
    assert [s.kind for s in steps] == ["depart", "turn", "arrive"]
    assert steps[1].road_ref == "QL15"


# --- the whole route ----------------------------------------------------------------------


def long_route() -> tuple[list[Stretch], list[Junction]]:
    """Roundabout (2nd exit, QL15 northbound), then QL15 on, left, straight on, U-turn."""
    stretches, junctions = roundabout_route(2)
    at = stretches[-1].coords[-1]
    for bearing, length_m, ref, name in (
        (0.0, 400.0, "QL15", None),  # same road across a crossing: merges
        (270.0, 300.0, None, "Lê Lợi"),  # left
        (275.0, 300.0, None, "Quang Trung"),  # straight on, another road: continue
        (93.0, 200.0, None, None),  # U-turn
    ):
        coords = line(at, bearing, length_m)
        stretches.append(stretch(coords, ref, name))
        at = coords[-1]
    junctions += [Junction((90.0, 270.0)), Junction((0.0,)), Junction((0.0, 180.0)), Junction()]
    return stretches, junctions


def test_depart_and_arrive_are_at_the_ends() -> None:
    stretches, junctions = long_route()
    steps = build_steps(stretches, junctions)
    depart, arrive = steps[0], steps[-1]
    assert depart.kind == "depart"
    assert depart.location == stretches[0].coords[0]
    assert depart.modifier is None
    assert depart.text_vi == "Khởi hành trên QL1A về hướng bắc"
    assert depart.text_en == "Head north on QL1A"
    assert arrive.kind == "arrive"
    assert arrive.location == stretches[-1].coords[-1]
    assert (arrive.distance_m, arrive.duration_s) == (0.0, 0.0)
    assert (arrive.text_vi, arrive.text_en) == ("Đến nơi", "Arrive at your destination")


def test_step_distances_and_durations_sum_to_the_route() -> None:
    stretches, junctions = long_route()
    steps = build_steps(stretches, junctions)
    assert [s.kind for s in steps] == [
        "depart",
        "roundabout",
        "turn",
        "continue",
        "turn",
        "arrive",
    ]
    assert math.fsum(s.distance_m for s in steps) == pytest.approx(
        math.fsum(s.distance_m for s in stretches)
    )
    assert math.fsum(s.duration_s for s in steps) == pytest.approx(
        math.fsum(s.duration_s for s in stretches)
    )
    # each maneuver sits at the junction where its first stretch starts
    assert steps[2].location == stretches[-3].coords[0]
    assert steps[4].modifier == "uturn"


def test_vietnamese_texts_have_exact_diacritics() -> None:
    stretches, junctions = long_route()
    steps = build_steps(stretches, junctions)
    texts = [s.text_vi for s in steps]
    assert texts == [
        "Khởi hành trên QL1A về hướng bắc",
        "Vào vòng xuyến, đi theo lối ra thứ 2 vào QL15",
        "Rẽ trái vào đường Lê Lợi",
        "Đi thẳng vào đường Quang Trung",
        "Quay đầu",
        "Đến nơi",
    ]
    # precomposed (NFC) letters, as typed: "ở" is one code point, not "o" + hook + dot
    assert all(nfc(t) for t in texts)
    assert "\u1edf" in texts[0]  # ở
    assert "\u0110" in texts[3]  # Đ
    assert all(nfc(s.text_en) and s.text_en.isascii() for s in steps[:2])


def test_single_stretch_is_depart_and_arrive() -> None:
    route = chain((45.0, 1000.0, "QL46", None))
    steps = build_steps(route, [])
    assert [s.kind for s in steps] == ["depart", "arrive"]
    assert steps[0].distance_m == pytest.approx(route[0].distance_m)
    assert steps[0].bearing_after == pytest.approx(45.0, abs=0.1)
    assert steps[1].bearing_before == pytest.approx(45.0, abs=0.2)


def test_mismatched_junctions_are_refused() -> None:
    route = chain((0.0, 100.0, "QL7", None), (90.0, 100.0, "QL7", None))
    with pytest.raises(ValueError, match="junctions"):
        build_steps(route, [])
    with pytest.raises(ValueError, match="at least one stretch"):
        build_steps([], [])
