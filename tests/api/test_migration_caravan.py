"""Migration d4e5a1c0f2b7: stored "caravan" (a motorhome) becomes "motorhome", nothing lost.

On SpatiaLite the tours table is rebuilt to change its vehicle CHECK, and dropping the old
table would cascade into the tour's stops, themes and versions: this test proves they are
kept.  A database of its own (it migrates down and up); PostGIS runs the same migration
on every test session's empty schema, where the CHECK swap is a plain ALTER.
"""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tests.seeddata import SEED_DIR
from tourroute.config import Settings
from tourroute.db import migrate
from tourroute.db.engine import create_db_engine
from tourroute.seed import load_seed

BEFORE = "c8cb4dcfc783"
CARAVAN = "caravan-duong-ho-chi-minh"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("migration")
    return Settings(data_dir=data_dir, database_url="", seed_dir=SEED_DIR)


def test_stored_caravans_become_motorhomes_and_nothing_else_changes(settings: Settings) -> None:
    migrate.upgrade(settings)
    engine = create_db_engine(settings)
    try:
        with Session(engine) as session, session.begin():
            load_seed(session, SEED_DIR)
        migrate.downgrade(settings, BEFORE)
        itinerary_id = uuid.uuid4().hex
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE tours SET vehicle = 'caravan' WHERE slug = :slug"), {"slug": CARAVAN}
            )
            conn.execute(
                text(
                    "INSERT INTO itineraries (id, vehicle, days, score, network_version, request,"
                    " plan, created_at, updated_at, version) VALUES (:id, 'caravan', 2, 1.0,"
                    " 'v', :request, :plan, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
                ),
                {
                    "id": itinerary_id,
                    "request": json.dumps({"start": "lam-kinh", "vehicle": "caravan"}),
                    "plan": json.dumps({"vehicle": "caravan", "days": []}),
                },
            )
            columns = {r[1] for r in conn.execute(text("PRAGMA table_info(sites)"))}
            assert "caravan_overnight" in columns
            before = {
                table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608 - table names are constants here
                for table in ("tour_stops", "tour_themes", "tour_versions", "tours")
            }
        migrate.upgrade(settings)
        with engine.begin() as conn:
            vehicle = conn.execute(
                text("SELECT vehicle FROM tours WHERE slug = :slug"), {"slug": CARAVAN}
            ).scalar_one()
            assert vehicle == "motorhome"
            row = conn.execute(
                text("SELECT vehicle, request, plan FROM itineraries WHERE id = :id"),
                {"id": itinerary_id},
            ).one()
            assert row.vehicle == "motorhome"
            assert json.loads(row.request)["vehicle"] == "motorhome"
            assert json.loads(row.plan)["vehicle"] == "motorhome"
            after = {
                table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608 - table names are constants here
                for table in before
            }
            assert after == before  # the rebuild kept every child row
            columns = {r[1] for r in conn.execute(text("PRAGMA table_info(sites)"))}
            assert {"motorhome_overnight", "motorhome_parking"} <= columns
            assert "caravan_overnight" not in columns
            # The new CHECK refuses the retired name.
            with pytest.raises(IntegrityError, match="CHECK"), conn.begin_nested():
                conn.execute(text("UPDATE tours SET vehicle = 'caravan'"))
    finally:
        engine.dispose()
