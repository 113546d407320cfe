"""OSM tag mapping: pure functions, no file and no database."""

from __future__ import annotations

from typing import get_args

import pytest

from tourroute.network.osm_tags import (
    RoadTags,
    SkipReason,
    map_tags,
    normalise_ref,
    parse_length_m,
    parse_maxspeed_kph,
    parse_weight_t,
)
from tourroute.network.schemas import RoadClass
from tourroute.routing.profiles import ROAD_CLASSES


def _road(tags: dict[str, str]) -> RoadTags:
    mapped = map_tags(tags)
    assert isinstance(mapped, RoadTags), mapped
    return mapped


@pytest.mark.parametrize(
    ("highway", "road_class"),
    [
        ("motorway", "motorway"),
        ("motorway_link", "motorway"),
        ("trunk", "trunk"),
        ("trunk_link", "trunk"),
        ("primary", "primary"),
        ("primary_link", "primary"),
        ("secondary", "secondary"),
        ("secondary_link", "secondary"),
        ("tertiary", "tertiary"),
        ("tertiary_link", "tertiary"),
        ("unclassified", "unclassified"),
        ("road", "unclassified"),
        ("residential", "residential"),
        ("living_street", "living_street"),
        ("service", "service"),
        ("track", "track"),
    ],
)
def test_road_classes(highway: str, road_class: str) -> None:
    assert _road({"highway": highway}).road_class == road_class


def test_every_mapped_class_is_a_routing_class_and_a_schema_class() -> None:
    highways = (*ROAD_CLASSES, "road", "motorway_link", "tertiary_link")
    mapped = {_road({"highway": h}).road_class for h in highways}
    assert mapped == set(ROAD_CLASSES)
    assert get_args(RoadClass) == ROAD_CLASSES  # same classes, same order


def test_residential_lanes_keep_their_class_and_service_roads_their_kind() -> None:
    lane = _road({"highway": "residential", "name": "Ngõ 5", "surface": "concrete"})
    assert (lane.road_class, lane.surface, lane.name) == ("residential", "paved", "Ngõ 5")
    alley = _road({"highway": "service", "service": "alley"})
    assert alley.road_class == "service"
    assert map_tags({"highway": "service", "service": "driveway"}) is SkipReason.minor_service


@pytest.mark.parametrize(
    "tags",
    [
        {"highway": "track"},
        {"highway": "track", "surface": "asphalt"},
        {"highway": "track", "tracktype": "grade1"},
        {"highway": "track", "surface": "concrete", "tracktype": "grade1"},
    ],
)
def test_tracks_are_kept_and_always_unpaved(tags: dict[str, str]) -> None:
    track = _road(tags)
    assert (track.road_class, track.surface) == ("track", "unpaved")


def test_a_track_closed_to_motor_vehicles_is_skipped() -> None:
    tags = {"highway": "track", "motor_vehicle": "agricultural;forestry"}
    assert map_tags(tags) is SkipReason.no_motor_access


@pytest.mark.parametrize(
    ("tags", "reason"),
    [
        ({"highway": "footway"}, SkipReason.not_motor_road),
        ({"highway": "path"}, SkipReason.not_motor_road),
        ({"highway": "cycleway"}, SkipReason.not_motor_road),
        ({"highway": "steps"}, SkipReason.not_motor_road),
        ({"highway": "pedestrian"}, SkipReason.not_motor_road),
        ({"highway": "bus_stop"}, SkipReason.not_motor_road),
        ({"highway": ""}, SkipReason.not_motor_road),
        ({"highway": "bridleway"}, SkipReason.not_motor_road),
        ({"highway": "construction", "construction": "primary"}, SkipReason.not_built),
        ({"highway": "proposed"}, SkipReason.not_built),
        ({"highway": "service", "service": "parking_aisle"}, SkipReason.minor_service),
        ({"highway": "service", "service": "driveway"}, SkipReason.minor_service),
        ({"highway": "residential", "area": "yes"}, SkipReason.area),
        ({"highway": "service", "access": "private"}, SkipReason.no_motor_access),
        ({"highway": "unclassified", "access": "no"}, SkipReason.no_motor_access),
        ({"highway": "tertiary", "motor_vehicle": "no"}, SkipReason.no_motor_access),
        ({"highway": "tertiary", "vehicle": "agricultural;forestry"}, SkipReason.no_motor_access),
    ],
)
def test_skipped_ways(tags: dict[str, str], reason: SkipReason) -> None:
    assert map_tags(tags) is reason


def test_access_most_specific_tag_wins() -> None:
    motorbike_only = _road({"highway": "unclassified", "access": "no", "motorcycle": "yes"})
    assert not motorbike_only.motorbike_forbidden
    assert motorbike_only.motorhome_unsuitable  # cars are barred: kept for motorbikes only
    cars_too = _road({"highway": "service", "access": "private", "motor_vehicle": "yes"})
    assert not cars_too.motorbike_forbidden
    assert not cars_too.motorhome_unsuitable
    no_motorbikes = _road({"highway": "primary", "motorcycle": "no"})
    assert no_motorbikes.motorbike_forbidden
    destination = _road({"highway": "residential", "access": "destination"})
    assert not destination.motorbike_forbidden
    assert not destination.motorhome_unsuitable


def test_motorways_bar_motorbikes_unless_nothing() -> None:
    assert _road({"highway": "motorway"}).motorbike_forbidden
    assert _road({"highway": "motorway_link", "motorcycle": "yes"}).motorbike_forbidden
    assert not _road({"highway": "trunk"}).motorbike_forbidden


@pytest.mark.parametrize(
    ("tags", "oneway", "reverse"),
    [
        ({"highway": "primary"}, False, False),
        ({"highway": "primary", "oneway": "yes"}, True, False),
        ({"highway": "primary", "oneway": "1"}, True, False),
        ({"highway": "primary", "oneway": "true"}, True, False),
        ({"highway": "primary", "oneway": "-1"}, True, True),
        ({"highway": "primary", "oneway": "no"}, False, False),
        ({"highway": "primary", "oneway": "reversible"}, False, False),
        ({"highway": "primary", "junction": "roundabout"}, True, False),
        ({"highway": "primary", "junction": "circular"}, True, False),
        ({"highway": "primary", "junction": "roundabout", "oneway": "no"}, False, False),
        ({"highway": "motorway"}, True, False),
        ({"highway": "motorway_link"}, True, False),
        ({"highway": "motorway", "oneway": "no"}, False, False),
        ({"highway": "motorway", "oneway": "-1"}, True, True),
    ],
)
def test_oneway(tags: dict[str, str], oneway: bool, reverse: bool) -> None:
    road = _road(tags)
    assert (road.oneway, road.reverse) == (oneway, reverse)


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        (None, "paved"),
        ("asphalt", "paved"),
        ("concrete", "paved"),
        ("paving_stones", "paved"),
        ("something_odd", "paved"),
        ("unpaved", "unpaved"),
        ("gravel", "unpaved"),
        ("dirt", "unpaved"),
        ("ground", "unpaved"),
        ("earth", "unpaved"),
        ("sand", "unpaved"),
        ("mud", "unpaved"),
        ("grass", "unpaved"),
        ("compacted", "unpaved"),
        ("Gravel;asphalt", "unpaved"),
    ],
)
def test_surface(surface: str | None, expected: str) -> None:
    tags = {"highway": "tertiary"} | ({"surface": surface} if surface else {})
    assert _road(tags).surface == expected


def test_tracktype_without_surface_means_unpaved() -> None:
    assert _road({"highway": "service", "tracktype": "grade3"}).surface == "unpaved"
    assert _road({"highway": "service", "tracktype": "grade1"}).surface == "paved"


def test_toll() -> None:
    assert _road({"highway": "motorway", "toll": "yes"}).toll
    assert _road({"highway": "primary", "toll:motorcar": "yes"}).toll
    assert not _road({"highway": "primary", "toll": "no"}).toll
    assert not _road({"highway": "primary"}).toll


@pytest.mark.parametrize(
    ("raw", "kph"),
    [
        ("50", 50.0),
        ("50 km/h", 50.0),
        ("80kmh", 80.0),
        ("30 mph", 48.3),
        ("60;80", 60.0),
        ("7.5", 7.5),
        ("VN:urban", None),
        ("VN:rural", None),
        ("walk", None),
        ("none", None),
        ("signals", None),
        ("0", None),
        ("250", None),
        ("", None),
        (None, None),
        ("-5", None),
        ("50 furlongs", None),
    ],
)
def test_maxspeed(raw: str | None, kph: float | None) -> None:
    assert parse_maxspeed_kph(raw) == kph


@pytest.mark.parametrize(
    ("raw", "metres"),
    [
        ("3.5", 3.5),
        ("3.5 m", 3.5),
        ("3.5m", 3.5),
        ("4,2", 4.2),
        ("420 cm", 4.2),
        ("11'6\"", 3.51),
        ("11' 6\"", 3.51),
        ("12'", 3.66),
        ("12 ft", 3.66),
        ("default", None),
        ("below_default", None),
        ("none", None),
        ("0", None),
        ("", None),
        (None, None),
        ("3.5 yards", None),
    ],
)
def test_lengths(raw: str | None, metres: float | None) -> None:
    assert parse_length_m(raw) == metres


@pytest.mark.parametrize(
    ("raw", "tonnes"),
    [
        ("7", 7.0),
        ("7.5 t", 7.5),
        ("7.5t", 7.5),
        ("3500 kg", 3.5),
        ("10 st", 9.07),
        ("none", None),
        ("1000", None),
        ("", None),
        (None, None),
    ],
)
def test_weights(raw: str | None, tonnes: float | None) -> None:
    assert parse_weight_t(raw) == tonnes


def test_out_of_range_height_is_unknown() -> None:
    assert _road({"highway": "primary", "maxheight": "25"}).max_height_m is None


@pytest.mark.parametrize(
    ("raw", "ref"),
    [
        ("QL 1A", "QL1A"),
        ("QL.1A", "QL1A"),
        ("ql1A", "QL1A"),
        ("QL1A", "QL1A"),
        ("QL.1A;QL.15", "QL1A"),
        (" QL  48C ", "QL48C"),
        ("ĐT.537C", "ĐT537C"),
        ("đt 537", "ĐT537"),
        ("TL 505", "ĐT505"),
        ("DT505", "ĐT505"),
        ("CT.01", "CT.01"),
        ("CT 01", "CT.01"),
        ("AH 13", "AH13"),
        ("CG-1", "CG-1"),
        ("N 260 a", "N 260 a"),
        ("507", "507"),
        ("FIXME", None),
        ("", None),
        (None, None),
        (";", None),
        ("X" * 40, None),
    ],
)
def test_ref_normalisation(raw: str | None, ref: str | None) -> None:
    assert normalise_ref(raw) == ref


def test_name_is_nfc_and_bounded() -> None:
    decomposed = "Đường Hồ Chí Minh".replace("ồ", "ô\u0300")  # NFD-ish input
    assert _road({"highway": "trunk", "name": decomposed}).name == "Đường Hồ Chí Minh"
    assert _road({"highway": "trunk", "name": "  "}).name is None
    long_name = _road({"highway": "trunk", "name": "x" * 500}).name
    assert long_name is not None
    assert len(long_name) == 200


@pytest.mark.parametrize(
    "tags",
    [
        {"hgv": "no"},
        {"motorhome": "no"},
        {"caravan": "no"},
        {"trailer": "no"},
        {"maxheight": "3.2"},
        {"maxweight": "2.5"},
        {"maxwidth": "2.2"},
        {"maxwidth": "6'"},
    ],
)
def test_motorhome_unsuitable(tags: dict[str, str]) -> None:
    assert _road({"highway": "tertiary", **tags}).motorhome_unsuitable


@pytest.mark.parametrize(
    "tags",
    [{}, {"hgv": "yes"}, {"hgv": "destination"}, {"maxheight": "4"}, {"maxwidth": "3"}],
)
def test_caravan_suitable(tags: dict[str, str]) -> None:
    assert not _road({"highway": "tertiary", **tags}).motorhome_unsuitable


def test_a_full_motorway_way() -> None:
    road = _road(
        {
            "highway": "motorway",
            "ref": "CT.01",
            "name": "Cao tốc Bắc – Nam",
            "toll": "yes",
            "maxspeed": "120",
            "maxheight": "4.75",
            "maxweight": "40",
            "surface": "asphalt",
        }
    )
    assert road.columns() == {
        "ref": "CT.01",
        "name": "Cao tốc Bắc – Nam",
        "road_class": "motorway",
        "surface": "paved",
        "oneway": True,
        "toll": True,
        "maxspeed_kph": 120.0,
        "motorbike_forbidden": True,
        "motorhome_unsuitable": False,
        "max_height_m": 4.75,
        "max_weight_t": 40.0,
    }


def test_garbage_never_crashes() -> None:
    odd = {
        "highway": "primary",
        "oneway": "perhaps",
        "maxspeed": "∞",
        "maxheight": "'\"",
        "maxweight": "t",
        "maxwidth": ";;",
        "ref": "\u0301",
        "access": ";",
        "surface": ";",
    }
    road = _road(odd)
    assert road.maxspeed_kph is None
    assert road.max_height_m is None
    assert road.max_weight_t is None
    assert not road.oneway
