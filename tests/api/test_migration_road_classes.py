"""Migration d100fbe3c651: the road classes the OSM import keeps, on SpatiaLite.

The CHECK constraint of ``road_segments`` is widened in place (no rebuild of the spatial
table), so its triggers and R*Tree index survive; going down gives the new classes back
their old class, ``unclassified``.  A database of its own (it migrates down and up); PostGIS
runs the same migration on every test session's empty schema, where the change is a plain
ALTER.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tests.osm_files import write_osm_xml
from tourroute.config import Settings
from tourroute.db import migrate
from tourroute.db.engine import create_db_engine
from tourroute.network.osm_import import import_osm

BEFORE = "3c9d0e7a5b21"  # the revision before d100fbe3c651
NODES = {1: (107.50, 17.50), 2: (107.51, 17.50), 3: (107.52, 17.50), 4: (107.52, 17.51)}
WAYS = {
    1: ([1, 2], {"highway": "tertiary"}),
    2: ([2, 3], {"highway": "residential"}),
    3: ([3, 4], {"highway": "track"}),
}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("migration")
    return Settings(data_dir=data_dir, database_url="")


def _spatial(conn: Connection) -> tuple[set[str], int, int]:
    triggers = set(
        conn.execute(
            text(
                "SELECT name FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'road_segments'"
            )
        ).scalars()
    )
    rows = conn.execute(text("SELECT count(*) FROM road_segments")).scalar_one()
    boxes = conn.execute(text("SELECT count(*) FROM idx_road_segments_geom")).scalar_one()
    return triggers, rows, boxes


def _classes(conn: Connection) -> dict[str, str]:
    rows = conn.execute(text("SELECT key, road_class FROM road_segments ORDER BY key"))
    return dict(rows.all())


def test_road_class_migration_keeps_segments_and_spatial_index(
    settings: Settings, tmp_path: Path
) -> None:
    migrate.upgrade(settings)
    engine = create_db_engine(settings)
    try:
        with Session(engine) as session, session.begin():
            import_osm(session, write_osm_xml(tmp_path / "roads.osm", NODES, WAYS))
        with engine.begin() as conn:
            before = _spatial(conn)
            assert _classes(conn) == {
                "osm:w1": "tertiary",
                "osm:w2": "residential",
                "osm:w3": "track",
            }
            assert before[1] == before[2] == 3
            assert len(before[0]) >= 8  # geometry checks, R*Tree upkeep, statistics

        migrate.downgrade(settings, BEFORE)
        with engine.begin() as conn:
            assert _spatial(conn) == before
            assert set(_classes(conn).values()) == {"tertiary", "unclassified"}
            track = conn.execute(
                text("SELECT surface FROM road_segments WHERE key = 'osm:w3'")
            ).scalar_one()
            assert track == "unpaved"
            with pytest.raises(IntegrityError, match="CHECK"), conn.begin_nested():
                conn.execute(text("UPDATE road_segments SET road_class = 'track'"))

        migrate.upgrade(settings)
        with engine.begin() as conn:
            assert _spatial(conn) == before
            for road_class in ("residential", "living_street", "service", "track"):
                conn.execute(
                    text("UPDATE road_segments SET road_class = :c WHERE key = 'osm:w2'"),
                    {"c": road_class},
                )
            with pytest.raises(IntegrityError, match="CHECK"), conn.begin_nested():
                conn.execute(text("UPDATE road_segments SET road_class = 'footway'"))
    finally:
        engine.dispose()
