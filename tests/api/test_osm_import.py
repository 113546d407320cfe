"""``tourroute import osm``: highways from a small hand-written OSM file, on both backends."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.osm_files import Way, garbage_pbf, truncated_copy, write_osm_xml
from tourroute import cli
from tourroute.config import Settings
from tourroute.db import migrate
from tourroute.db.audit import AuditEntry
from tourroute.db.engine import create_db_engine
from tourroute.db.spatial import to_element
from tourroute.network import osm_reader, osm_writer
from tourroute.network.models import RoadSegment, SegmentCorridor
from tourroute.network.osm_import import import_osm
from tourroute.network.osm_merge import MergeRules
from tourroute.network.osm_reader import OsmImportError
from tourroute.network.osm_tags import RoadTags
from tourroute.network.osm_writer import OsmImportReport
from tourroute.network.repository import NetworkRepository
from tourroute.routing import Preference, Vehicle, build_graph, route

# At sea east of Hà Tĩnh: inside the served region, kilometres from every seeded road.
NODES = {
    1: (107.500, 17.500),
    2: (107.510, 17.500),
    3: (107.520, 17.500),
    4: (107.500, 17.510),
    5: (107.520, 17.510),
    6: (107.500, 17.520),
    7: (107.520, 17.520),
    8: (107.530, 17.510),
    9: (107.531, 17.511),
    10: (107.530, 17.512),
    11: (107.529, 17.511),
}
WAYS: dict[int, Way] = {
    100: (
        [1, 2, 3],
        {
            "highway": "motorway",
            "ref": "CT 01",
            "name": "Cao tốc",
            "toll": "yes",
            "maxspeed": "100",
        },
    ),
    # oneway=-1: drawn 4 → 5, driven 5 → 4 (westwards)
    101: ([4, 5], {"highway": "trunk", "ref": "QL.1A", "oneway": "-1", "maxspeed": "80"}),
    102: (
        [4, 6, 7, 5],
        {
            "highway": "residential",
            "name": "Phố Hàng Bạc",
            "surface": "gravel",
            "maxspeed": "20 mph",
        },
    ),
    103: ([1, 4], {"highway": "footway"}),
    104: ([2, 999], {"highway": "primary"}),  # node 999 is not in the file
    105: ([3, 5], {"highway": "tertiary", "maxheight": "11'6\"", "maxweight": "10 t"}),
    106: ([2, 4], {"highway": "service", "access": "private"}),
    107: ([8, 9, 10, 11, 8], {"highway": "primary", "junction": "roundabout"}),
    108: ([10, 7], {"highway": "unclassified", "access": "no", "motorcycle": "yes"}),
    109: ([1, 3], {"highway": "construction", "construction": "motorway"}),
    111: ([5, 8], {"highway": "secondary"}),
}
KEPT = {f"osm:w{i}" for i in (100, 101, 102, 105, 107, 108, 111)}


def write_osm(path: Path, ways: dict[int, Way] | None = None) -> Path:
    """Write an OSM XML file with the test nodes and ``ways`` (default: all of WAYS)."""
    return write_osm_xml(path, NODES, WAYS if ways is None else ways)


@pytest.fixture
def osm_file(tmp_path: Path) -> Path:
    return write_osm(tmp_path / "test.osm")


def _osm_rows(session: Session) -> dict[str, RoadSegment]:
    rows = session.scalars(select(RoadSegment).where(RoadSegment.key.startswith("osm:")))
    return {row.key: row for row in rows}


def _snapshot(session: Session) -> dict[str, Any]:
    session.expire_all()
    rows = session.execute(
        select(RoadSegment.key, RoadSegment.version, RoadSegment.maxspeed_kph, RoadSegment.name)
    )
    memberships = session.scalar(select(func.count()).select_from(SegmentCorridor))
    return {"rows": sorted(tuple(r) for r in rows), "memberships": memberships}


def _coords(row: RoadSegment) -> list[tuple[float, float]]:
    return [(round(x, 6), round(y, 6)) for x, y in to_shape(row.geom).coords]


def _metres(point: tuple[float, float], line: list[tuple[float, float]]) -> float:
    """How far ``point`` lies from ``line`` (or from a single position), in metres: in an
    equirectangular frame at the point, which is affine in lon/lat (lines stay lines)."""
    kx = 111_195.0 * math.cos(math.radians(point[1]))

    def xy(p: tuple[float, float]) -> tuple[float, float]:
        return ((p[0] - point[0]) * kx, (p[1] - point[1]) * 111_195.0)

    there = shapely.Point(0.0, 0.0)
    shape = (
        shapely.LineString([xy(p) for p in line]) if len(line) > 1 else shapely.Point(xy(line[0]))
    )
    return float(shape.distance(there))


def test_import_maps_tags_to_columns(session: Session, osm_file: Path) -> None:
    others = session.scalar(select(func.count()).select_from(RoadSegment)) or 0
    report = import_osm(session, osm_file)

    assert report.ways_read == len(WAYS)
    assert report.kept == {
        "motorway": 1,
        "trunk": 1,
        "primary": 1,
        "secondary": 1,
        "tertiary": 1,
        "unclassified": 1,
        "residential": 1,
    }
    assert set(report.length_km_by_class) == set(report.kept)
    assert sum(report.length_km_by_class.values()) == pytest.approx(report.length_km, abs=0.01)
    assert report.skipped == {
        "not a motor road": 1,
        "missing node locations": 1,
        "no motor access": 1,
        "construction/proposed": 1,
    }
    assert (report.inserted, report.updated, report.unchanged, report.deleted) == (7, 0, 0, 0)
    assert 12 < report.length_km < 13.5
    rows = _osm_rows(session)
    assert set(rows) == KEPT
    assert session.scalar(select(func.count()).select_from(RoadSegment)) == others + len(KEPT)

    motorway = rows["osm:w100"]
    assert (motorway.road_class, motorway.ref, motorway.name) == ("motorway", "CT.01", "Cao tốc")
    assert motorway.toll
    assert motorway.oneway
    assert motorway.maxspeed_kph == 100.0
    assert motorway.motorbike_forbidden
    assert not motorway.motorhome_unsuitable
    assert motorway.surface == "paved"
    assert motorway.scenic == 0
    assert motorway.version == 1
    assert motorway.source == (
        "OpenStreetMap way 100 (© OpenStreetMap contributors, ODbL); file test.osm"
    )
    assert _coords(motorway) == [NODES[1], NODES[2], NODES[3]]

    trunk = rows["osm:w101"]
    assert (trunk.road_class, trunk.ref, trunk.oneway) == ("trunk", "QL1A", True)
    assert _coords(trunk) == [NODES[5], NODES[4]]  # reversed: stored in driving direction
    assert not trunk.motorbike_forbidden

    street = rows["osm:w102"]
    assert (street.road_class, street.name, street.surface) == (
        "residential",
        "Phố Hàng Bạc",
        "unpaved",
    )
    assert street.maxspeed_kph == 32.2
    assert not street.oneway
    assert street.ref is None

    low_bridge = rows["osm:w105"]
    assert low_bridge.max_height_m == 3.51
    assert low_bridge.max_weight_t == 10.0
    assert not low_bridge.motorhome_unsuitable  # 3.51 m clears the 3.5 m caravan

    roundabout = rows["osm:w107"]
    assert roundabout.oneway
    assert roundabout.road_class == "primary"
    assert _coords(roundabout)[0] == _coords(roundabout)[-1]

    motorbikes_only = rows["osm:w108"]
    assert not motorbikes_only.motorbike_forbidden
    assert motorbikes_only.motorhome_unsuitable

    # No corridor is guessed.
    assert all(row.corridors == [] for row in rows.values())


def test_reimport_changes_nothing(session: Session, osm_file: Path) -> None:
    import_osm(session, osm_file)
    before = _snapshot(session)
    stamps = {k: r.updated_at for k, r in _osm_rows(session).items()}
    report = import_osm(session, osm_file)
    assert (report.inserted, report.updated, report.unchanged, report.deleted) == (0, 0, 7, 0)
    assert _snapshot(session) == before
    assert {k: r.updated_at for k, r in _osm_rows(session).items()} == stamps


def test_an_import_that_writes_is_audited_once(session: Session, osm_file: Path) -> None:
    def entries() -> list[AuditEntry]:
        return list(
            session.scalars(select(AuditEntry).where(AuditEntry.action == "network.import"))
        )

    assert entries() == []
    import_osm(session, osm_file)
    [entry] = entries()
    assert (entry.principal_name, entry.resource_type, entry.resource_id) == (
        "cli",
        "network",
        "test.osm",
    )
    assert entry.after is not None
    assert (entry.after["inserted"], entry.after["updated"], entry.after["deleted"]) == (7, 0, 0)
    import_osm(session, osm_file)  # changes nothing: no second entry
    assert len(entries()) == 1


def test_an_edited_way_is_updated_once_and_keeps_its_scenic_rating(
    session: Session, tmp_path: Path, osm_file: Path
) -> None:
    import_osm(session, osm_file)
    street = _osm_rows(session)["osm:w102"]
    street.scenic = 4  # a curator's rating: editorial, never from OSM
    session.flush()
    assert street.version == 2

    ways = dict(WAYS)
    refs, tags = ways[102]
    ways[102] = (refs[:-1], {**tags, "maxspeed": "30", "name": "Phố Mới"})  # shorter, renamed
    report = import_osm(session, write_osm(tmp_path / "test.osm", ways))
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 6)

    rows = _osm_rows(session)
    street = rows["osm:w102"]
    assert (street.name, street.maxspeed_kph, street.scenic, street.version) == (
        "Phố Mới",
        30.0,
        4,
        3,
    )
    assert _coords(street) == [NODES[4], NODES[6], NODES[7]]
    assert {r.version for k, r in rows.items() if k != "osm:w102"} == {1}


def test_replace_deletes_vanished_ways_only(
    session: Session, tmp_path: Path, osm_file: Path
) -> None:
    curated = session.scalar(
        select(func.count()).select_from(RoadSegment).where(~RoadSegment.key.startswith("osm:"))
    )
    import_osm(session, osm_file)
    smaller = write_osm(tmp_path / "smaller.osm", {k: v for k, v in WAYS.items() if k != 102})

    kept = import_osm(session, smaller)
    assert kept.deleted == 0
    assert set(_osm_rows(session)) == KEPT

    replaced = import_osm(session, smaller, replace=True)
    assert (replaced.inserted, replaced.updated, replaced.unchanged, replaced.deleted) == (
        0,
        0,
        6,
        1,
    )
    assert set(_osm_rows(session)) == KEPT - {"osm:w102"}
    assert (
        session.scalar(
            select(func.count()).select_from(RoadSegment).where(~RoadSegment.key.startswith("osm:"))
        )
        == curated
    )


def _corrupt_xml(tmp_path: Path) -> Path:
    return truncated_copy(write_osm(tmp_path / "good.osm"), tmp_path / "truncated.osm")


def _garbage_pbf(tmp_path: Path) -> Path:
    return garbage_pbf(tmp_path / "garbage.osm.pbf")


def _not_osm(tmp_path: Path) -> Path:
    path = tmp_path / "other.osm"
    path.write_text('<?xml version="1.0"?><gpx></gpx>', encoding="utf-8")
    return path


def _missing(tmp_path: Path) -> Path:
    return tmp_path / "nowhere.osm.pbf"


def _directory(tmp_path: Path) -> Path:
    return tmp_path


def _unknown_format(tmp_path: Path) -> Path:
    path = tmp_path / "roads.txt"
    path.write_text("highway=primary\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_corrupt_xml, "cannot read OSM data"),
        (_garbage_pbf, "cannot read OSM data"),
        (_not_osm, "cannot read OSM data"),
        (_missing, "no such file"),
        (_directory, "not a file"),
        (_unknown_format, "cannot read OSM data"),
    ],
)
def test_a_bad_file_changes_nothing(
    session: Session, tmp_path: Path, osm_file: Path, make: Any, message: str
) -> None:
    import_osm(session, osm_file)
    before = _snapshot(session)
    with pytest.raises(OsmImportError, match=message):
        import_osm(session, make(tmp_path), replace=True)
    assert _snapshot(session) == before


def test_an_interrupt_while_writing_rolls_everything_back(
    session: Session, tmp_path: Path, osm_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_osm(session, osm_file)
    before = _snapshot(session)
    ways = {k: v for k, v in WAYS.items() if k != 105}
    ways[102] = (WAYS[102][0], {**WAYS[102][1], "maxspeed": "40"})
    ways[110] = ([6, 7], {"highway": "secondary"})
    (tmp_path / "v2").mkdir()
    changed = write_osm(tmp_path / "v2" / "test.osm", ways)  # same name: same source text

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt  # after the inserts and updates, before the deletes finish

    monkeypatch.setattr(osm_writer, "_delete_vanished", interrupted)
    with pytest.raises(KeyboardInterrupt):
        import_osm(session, changed, replace=True)
    assert _snapshot(session) == before
    # The caller's transaction is still usable.
    monkeypatch.undo()
    report = import_osm(session, changed, replace=True)
    assert (report.inserted, report.updated, report.deleted) == (1, 1, 1)


def test_corridor_option_adds_memberships(session: Session, osm_file: Path) -> None:
    with pytest.raises(OsmImportError, match="unknown corridor 'no-such-road'"):
        import_osm(session, osm_file, corridor="no-such-road")
    assert _osm_rows(session) == {}

    report = import_osm(session, osm_file, corridor="ql1a")
    assert report.inserted == 7
    rows = _osm_rows(session)
    assert {tuple(r.corridors) for r in rows.values()} == {("ql1a",)}
    assert {r.version for r in rows.values()} == {1}

    again = import_osm(session, osm_file, corridor="ql1a")
    assert again.unchanged == 7
    joined = import_osm(session, osm_file, corridor="hcm-road")
    assert joined.updated == 7  # a new membership is a change: versions bump, graph rebuilds
    rows = _osm_rows(session)
    assert {tuple(r.corridors) for r in rows.values()} == {("hcm-road", "ql1a")}
    assert {r.version for r in rows.values()} == {2}
    plain = import_osm(session, osm_file)
    assert plain.unchanged == 7  # without --corridor, memberships are left alone


def test_the_imported_roads_route(session: Session, osm_file: Path) -> None:
    import_osm(session, osm_file)
    # Only the imported roads: they lie apart from the seeded network, and a route must start
    # on the main connected component.
    segments = [s for s in NetworkRepository(session).segments() if s.id.startswith("osm:")]
    assert len(segments) == len(KEPT)
    graph = build_graph(segments)
    east, west = (107.515, 17.5101), (107.505, 17.5101)

    westwards = route(graph, east, west, Vehicle.car)
    assert westwards.segment_ids == ["osm:w101"]
    assert 1_000 < westwards.distance_m < 1_100

    # The trunk is one way (oneway=-1): eastwards goes round by the residential loop.
    eastwards = route(graph, west, east, Vehicle.car)
    assert "osm:w102" in eastwards.segment_ids
    assert eastwards.distance_m > 5_000
    assert eastwards.by_ref.get("QL1A", 0) > 1_000

    # Motorbikes may use the motorbike-only lane 108 but never the motorway.
    by_motorbike = route(graph, (107.5301, 17.5121), (107.5201, 17.5199), Vehicle.motorbike)
    assert "osm:w108" in by_motorbike.segment_ids
    caravan = route(graph, (107.5301, 17.5121), (107.5201, 17.5199), Vehicle.motorhome)
    assert "osm:w108" not in caravan.segment_ids


# --- the command line (SpatiaLite in tmp_path) ------------------------------------------


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("TOURROUTE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TOURROUTE_DATABASE_URL", "")
    monkeypatch.setenv("SPATIALITE_LIBRARY_PATH", "mod_spatialite")
    settings = Settings()
    migrate.upgrade(settings)
    return settings


def _cli_osm_count(settings: Settings) -> int:
    engine = create_db_engine(settings)
    try:
        with Session(engine) as s:
            return int(
                s.scalar(
                    select(func.count())
                    .select_from(RoadSegment)
                    .where(RoadSegment.key.startswith("osm:"))
                )
                or 0
            )
    finally:
        engine.dispose()


def test_cli_imports_and_prints_the_summary(
    cli_db: Settings, osm_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["import", "osm", str(osm_file), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "OSM file test.osm: 11 highway ways read" in out
    assert "kept 7 ways" in out
    assert (
        "motorway 1, trunk 1, primary 1, secondary 1, tertiary 1, unclassified 1, "
        "residential 1, living_street 0, service 0, track 0"
    ) in out
    assert "km by road class: motorway " in out
    assert "missing node locations 1" in out
    assert "road segments: 7 inserted, 0 updated, 0 unchanged, 0 deleted" in out
    assert _cli_osm_count(cli_db) == 7

    assert cli.main(["import", "osm", str(osm_file), "--quiet", "--replace"]) == 0
    assert "0 inserted, 0 updated, 7 unchanged, 0 deleted" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        (_missing, [], "no such file"),
        (_garbage_pbf, [], "cannot read OSM data"),
        (_corrupt_xml, ["--replace"], "cannot read OSM data"),
        (lambda p: write_osm(p / "ok.osm"), ["--corridor", "nope"], "unknown corridor 'nope'"),
    ],
)
def test_cli_rejects_bad_input_with_exit_code_2_and_no_traceback(
    cli_db: Settings,
    tmp_path: Path,
    osm_file: Path,
    capsys: pytest.CaptureFixture[str],
    make: Any,
    args: list[str],
    message: str,
) -> None:
    assert cli.main(["import", "osm", str(osm_file), "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["import", "osm", str(make(tmp_path)), "--quiet", *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert "nothing" in captured.err or "no such file" in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert _cli_osm_count(cli_db) == 7


def test_report_summary_lists_every_class() -> None:
    report = OsmImportReport(file="x.osm", ways_read=3, kept={"trunk": 2}, skipped={"area": 1})
    text = report.summary()
    assert "motorway 0, trunk 2" in text
    assert "skipped 1: area 1" in text


# --- the classes the file carries, repeated ways, streaming --------------------------------

CLASS_WAYS: dict[int, Way] = {
    300: ([1, 2, 3], {"highway": "tertiary"}),
    301: ([1, 4], {"highway": "residential", "name": "Ngõ 3"}),
    302: ([4, 6], {"highway": "living_street"}),
    303: ([6, 7], {"highway": "service", "service": "alley"}),
    304: ([7, 5], {"highway": "service", "service": "driveway"}),
    305: ([1, 5], {"highway": "track", "surface": "concrete"}),  # cuts the corner
    306: ([5, 3], {"highway": "road"}),
}


def test_the_file_s_road_classes_are_kept_and_tracks_are_unpaved(
    session: Session, tmp_path: Path
) -> None:
    report = import_osm(session, write_osm(tmp_path / "classes.osm", CLASS_WAYS))
    assert report.kept == {
        "tertiary": 1,
        "residential": 1,
        "living_street": 1,
        "service": 1,
        "track": 1,
        "unclassified": 1,
    }
    assert report.skipped == {"parking aisle/driveway": 1}
    assert "residential 1, living_street 1, service 1, track 1" in report.summary()
    rows = _osm_rows(session)
    assert {k: (r.road_class, r.surface) for k, r in rows.items()} == {
        "osm:w300": ("tertiary", "paved"),
        "osm:w301": ("residential", "paved"),
        "osm:w302": ("living_street", "paved"),
        "osm:w303": ("service", "paved"),
        "osm:w305": ("track", "unpaved"),  # whatever its surface tag says
        "osm:w306": ("unclassified", "paved"),
    }

    segments = [s for s in NetworkRepository(session).segments() if s.id.startswith("osm:")]
    graph = build_graph(segments)
    start, end = NODES[1], NODES[5]
    assert "osm:w305" not in route(graph, start, end, Vehicle.car).segment_ids
    assert route(graph, start, end, Vehicle.motorbike, Preference.shortest).segment_ids == [
        "osm:w305"
    ]
    unpaved_avoided = route(
        graph, start, end, Vehicle.motorbike, Preference.shortest, avoid={"unpaved"}
    )
    assert "osm:w305" not in unpaved_avoided.segment_ids


def test_a_way_repeated_in_the_file_keeps_its_last_copy(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(osm_reader, "BATCH_ROWS", 2)  # the copies land in different batches
    ways: list[tuple[int, Way]] = [
        (400, ([1, 2], {"highway": "tertiary", "name": "Old"})),
        (401, ([2, 3], {"highway": "primary"})),
        (402, ([3, 5], {"highway": "secondary"})),
        (403, ([4, 5], {"highway": "trunk"})),
        (400, ([1, 2, 3], {"highway": "residential", "name": "New"})),
        (401, ([2, 3], {"highway": "footway"})),  # its last copy is not a road
    ]
    path = write_osm_xml(tmp_path / "history.osm", NODES, ways)
    report = import_osm(session, path)
    assert report.ways_read == 6
    assert report.skipped == {"earlier copy of a repeated way": 2, "not a motor road": 1}
    assert report.kept == {"residential": 1, "secondary": 1, "trunk": 1}
    assert (report.inserted, report.updated, report.unchanged) == (3, 0, 0)
    rows = _osm_rows(session)
    assert set(rows) == {"osm:w400", "osm:w402", "osm:w403"}
    last = rows["osm:w400"]
    assert (last.road_class, last.name, last.version) == ("residential", "New", 1)
    assert _coords(last) == [NODES[1], NODES[2], NODES[3]]

    again = import_osm(session, path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert {r.version for r in _osm_rows(session).values()} == {1}


def _spatial_state(session: Session) -> tuple[set[str], int, int]:
    """The insert triggers on road_segments, and the rows of the table and of its R*Tree."""
    conn = session.connection()
    triggers = set(
        conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'road_segments'"
        ).scalars()
    )
    rows = conn.exec_driver_sql("SELECT count(*) FROM road_segments").scalar_one()
    boxes = conn.exec_driver_sql("SELECT count(*) FROM idx_road_segments_geom").scalar_one()
    return triggers, rows, boxes


def test_streamed_batches_leave_triggers_and_spatial_index_whole(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SpatiaLite's triggers and R*Tree: PostGIS keeps its GiST index itself")
    monkeypatch.setattr(osm_reader, "BATCH_ROWS", 2)
    triggers, rows, boxes = _spatial_state(session)
    assert {"ggi_road_segments_geom", "gii_road_segments_geom", "tmi_road_segments_geom"} <= (
        triggers
    )
    assert rows == boxes

    # An interrupt in the middle of the load, while the insert triggers are set aside.
    calls = 0
    real_write = osm_writer._SegmentWriter.write

    def interrupted(self: Any, batch: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        real_write(self, batch)

    monkeypatch.setattr(osm_writer._SegmentWriter, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        import_osm(session, write_osm(tmp_path / "test.osm"))
    assert _spatial_state(session) == (triggers, rows, boxes)
    assert _osm_rows(session) == {}
    monkeypatch.setattr(osm_writer._SegmentWriter, "write", real_write)

    report = import_osm(session, write_osm(tmp_path / "test.osm"))
    assert report.inserted == len(KEPT)
    assert _spatial_state(session) == (triggers, rows + len(KEPT), boxes + len(KEPT))
    # The spatial index finds the imported segments where they lie.
    found = set(
        session.connection()
        .exec_driver_sql(
            "SELECT key FROM road_segments WHERE id IN (SELECT rowid FROM SpatialIndex "
            "WHERE f_table_name = 'road_segments' AND f_geometry_column = 'geom' "
            "AND search_frame = BuildMbr(107.49, 17.49, 107.54, 17.53, 4326))"
        )
        .scalars()
    )
    assert found == KEPT
    # An update moves a segment's box (the update trigger was never set aside).
    ways = dict(WAYS)
    ways[111] = ([5, 9], WAYS[111][1])
    import_osm(session, write_osm(tmp_path / "moved.osm", ways))
    box = (
        session.connection()
        .exec_driver_sql(
            "SELECT xmax FROM idx_road_segments_geom WHERE pkid = "
            "(SELECT id FROM road_segments WHERE key = 'osm:w111')"
        )
        .scalar_one()
    )
    assert box == pytest.approx(NODES[9][0], abs=1e-4)


def test_a_geometry_the_column_refuses_is_caught_with_the_triggers_set_aside(
    session: Session,
) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SpatiaLite's geometry-check trigger is set aside for the load")
    before = _spatial_state(session)
    point = shapely.to_wkb(shapely.Point(107.5, 17.5))
    road = osm_reader.OsmRoad("osm:w1", 1, RoadTags("primary"), point, 0.0, "test")
    with pytest.raises(OsmImportError, match="not EPSG:4326 lines"):
        osm_writer.upsert_osm(session, [[road]])
    assert _spatial_state(session) == before
    assert _osm_rows(session) == {}


# --- one network from two sources: curated segments and the OSM ways they duplicate --------

# A curated coastal-road segment at sea (far from every seeded road), vertices every ~1 km.
CURATED_KEY = "test-coast-merge"
CURATED = [(107.600, 17.600), (107.610, 17.600), (107.620, 17.600)]
MERGE_NODES = {
    # 500: the curated road again, 2 m north of it: replaced whole.
    1: (107.600, 17.60002),
    2: (107.604, 17.60002),
    3: (107.609, 17.60002),
    4: (107.615, 17.60002),
    5: (107.620, 17.60002),
    # 501: along the road's east half, then 1 km on east: trimmed, joined at the road's end.
    10: (107.612, 17.60001),
    11: (107.620, 17.60001),
    12: (107.625, 17.60001),
    13: (107.630, 17.60001),
    # 502: from 500 m west of the road, along all of it, to 500 m east: cut in two.
    20: (107.595, 17.59999),
    21: (107.605, 17.59999),
    22: (107.615, 17.59999),
    23: (107.625, 17.59998),
    # 503: a side road from the south, ending 4 m off the road 160 m from a curated vertex.
    30: (107.6085, 17.590),
    31: (107.6085, 17.59996),
    # 504: a side road from the north, ending 3 m from the curated vertex at 107.610.
    40: (107.6101, 17.610),
    41: (107.6101, 17.60003),
}
MERGE_WAYS: dict[int, Way] = {
    500: ([1, 2, 3, 4, 5], {"highway": "primary", "name": "Đường ven biển (OSM)"}),
    501: ([10, 11, 12, 13], {"highway": "tertiary"}),
    502: ([20, 21, 22, 23], {"highway": "unclassified"}),
    503: ([30, 31], {"highway": "residential", "name": "Ngõ Biển"}),
    504: ([40, 41], {"highway": "residential"}),
}


def _add_curated(session: Session) -> None:
    segment = RoadSegment(
        key=CURATED_KEY,
        road_class="secondary",
        scenic=4,
        source="test: a curated coastal road",
        geom=to_element(shapely.LineString(CURATED)),
    )
    segment.corridor_rows = [SegmentCorridor(corridor_slug="coastal-road")]
    session.add(segment)
    session.flush()


def _merge_file(tmp_path: Path) -> Path:
    return write_osm_xml(tmp_path / "merge.osm", MERGE_NODES, MERGE_WAYS)


def test_a_curated_segment_replaces_the_osm_ways_it_duplicates(
    session: Session, tmp_path: Path
) -> None:
    _add_curated(session)
    report = import_osm(session, _merge_file(tmp_path))

    rows = _osm_rows(session)
    assert set(rows) == {"osm:w501", "osm:w502.1", "osm:w502.2", "osm:w503", "osm:w504"}
    assert (report.merge.replaced_ways, report.merge.trimmed_ways) == (1, 2)
    # 500 whole (2.1 km), 501 along 0.85 km, 502 along 2.1 km.
    assert 4.8 < report.merge.replaced_m / 1000 < 5.2
    assert report.merge.junctions == 5  # 501 once, 502 twice, 503, 504; 500 is gone
    assert report.merge.junctions_on_line == 1  # 503
    assert report.kept["unclassified"] == 1  # 502 is one way, in two pieces
    assert "curated segments replace 1 ways whole and 2 in part, 5.1 km" in report.summary()
    assert (
        "5 junctions made: 4 joined onto curated vertices, 1 onto curated lines" in report.summary()
    )

    # The kept pieces start and end exactly on curated vertices.
    assert _coords(rows["osm:w501"]) == [CURATED[2], MERGE_NODES[12], MERGE_NODES[13]]
    assert _coords(rows["osm:w502.1"]) == [MERGE_NODES[20], CURATED[0]]
    assert _coords(rows["osm:w502.2"]) == [CURATED[2], MERGE_NODES[23]]
    assert rows["osm:w502.2"].source.endswith("; part 2 of 2")
    assert _coords(rows["osm:w504"]) == [MERGE_NODES[40], CURATED[1]]
    # 503 ends 160 m from a curated vertex: its end moved onto the curated line (no road
    # added along it), as stored to well under the graph's T-junction tolerance.
    side = to_shape(rows["osm:w503"].geom).coords
    assert len(side) == 2
    assert side[0] == pytest.approx(MERGE_NODES[30], abs=1e-9)
    assert _metres(side[-1], CURATED) < 0.05
    assert _metres(side[-1], [MERGE_NODES[31]]) <= MergeRules().join_m
    # The curated segment is as it was.
    curated = session.scalars(select(RoadSegment).where(RoadSegment.key == CURATED_KEY)).one()
    assert _coords(curated) == CURATED
    assert curated.version == 1

    # The test roads alone: they lie apart from the seeded network, and a route must start on
    # the main connected component.
    graph = build_graph(
        s
        for s in NetworkRepository(session).segments()
        if s.id.startswith("osm:") or s.id == CURATED_KEY
    )
    # Along the coast: the curated segment carries the route, its corridor named.
    along = route(graph, (107.6005, 17.6), (107.6195, 17.6), Vehicle.car)
    assert along.segment_ids == [CURATED_KEY]
    assert along.by_corridor["coastal-road"] == pytest.approx(along.distance_m)
    # From 504 in the north onto the corridor at its vertex, and along it westwards.
    north = route(graph, MERGE_NODES[40], (107.6005, 17.6), Vehicle.car)
    assert north.segment_ids == ["osm:w504", CURATED_KEY]
    # From the trimmed 501's far end westwards: onto the corridor at its end vertex.
    west = route(graph, MERGE_NODES[13], (107.6005, 17.6), Vehicle.car)
    assert west.segment_ids[0] in {"osm:w501", "osm:w502.2"}
    assert west.segment_ids[-1] == CURATED_KEY

    # The same file again changes nothing.
    before = _snapshot(session)
    again = import_osm(session, _merge_file(tmp_path))
    assert (again.inserted, again.updated, again.unchanged, again.deleted) == (0, 0, 5, 0)
    assert _snapshot(session) == before


def test_a_side_road_joined_onto_a_curated_line_routes_through_the_t_junction(
    session: Session, tmp_path: Path
) -> None:
    """503's end lies on the curated line between two of its vertices: the graph builder
    splits the curated segment there, so routes turn from one onto the other."""
    _add_curated(session)
    import_osm(session, _merge_file(tmp_path))
    graph = build_graph(
        s
        for s in NetworkRepository(session).segments()
        if s.id.startswith("osm:") or s.id == CURATED_KEY
    )
    # From the side road 503 onto the corridor and along it to the east end.
    inland = route(graph, MERGE_NODES[30], (107.6195, 17.6), Vehicle.car)
    assert inland.segment_ids == ["osm:w503", CURATED_KEY]
    assert inland.by_corridor["coastal-road"] > 1_000
    # From 504 in the north to 503 in the south: 160 m along the corridor between them.
    across = route(graph, MERGE_NODES[40], MERGE_NODES[30], Vehicle.car)
    assert across.segment_ids == ["osm:w504", CURATED_KEY, "osm:w503"]
    assert 150 < across.by_corridor["coastal-road"] < 175


def test_an_import_made_before_the_curated_segment_is_merged_by_the_next(
    session: Session, tmp_path: Path
) -> None:
    """OSM ways stored whole by an earlier import give way to the curated segment added
    since: the duplicate and the whole 502 go, with or without --replace."""
    first = import_osm(session, _merge_file(tmp_path))
    assert first.merge.replaced_ways == 0
    assert set(_osm_rows(session)) == {f"osm:w{i}" for i in MERGE_WAYS}

    _add_curated(session)
    report = import_osm(session, _merge_file(tmp_path))
    assert set(_osm_rows(session)) == {
        "osm:w501",
        "osm:w502.1",
        "osm:w502.2",
        "osm:w503",
        "osm:w504",
    }
    assert report.deleted == 2  # osm:w500 and the whole osm:w502
    assert (report.inserted, report.updated) == (2, 3)
