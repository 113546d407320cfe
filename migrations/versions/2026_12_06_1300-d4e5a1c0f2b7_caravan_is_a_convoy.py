"""caravan is a convoy, the motorhome keeps its own name

Until now ``caravan`` named a motorhome profile (a goods vehicle over 3.5 t kept off
unsuitable roads, sleeping at motorhome pitches).  In Vietnam a *caravan* tour is a
self-drive convoy of private cars, so the motorhome gets its true name everywhere:

* columns ``sites.caravan_parking`` / ``caravan_overnight`` → ``motorhome_parking`` /
  ``motorhome_overnight``; ``road_segments.caravan_unsuitable`` → ``motorhome_unsuitable``
  (``ALTER TABLE … RENAME COLUMN`` on both backends: no copy of the spatial tables);
* stored data: tours, itineraries (and their stored requests and plans) whose vehicle was
  ``caravan`` were planned with the motorhome rules, so they become ``motorhome`` — what
  they really are; the tour's vehicle CHECK lists ``motorhome`` instead of ``caravan``.

On SQLite a CHECK can only change by rebuilding the table.  ``tours`` has no spatial
column, but dropping the old table during the rebuild runs an implicit DELETE whose ON
DELETE CASCADE would empty the tour's children, so they are kept aside and put back.

Revision ID: d4e5a1c0f2b7
Revises: c8cb4dcfc783
Create Date: 2026-12-06 13:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "d4e5a1c0f2b7"
down_revision: str | None = "c8cb4dcfc783"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RENAMES = [
    ("sites", "caravan_parking", "motorhome_parking"),
    ("sites", "caravan_overnight", "motorhome_overnight"),
    ("road_segments", "caravan_unsuitable", "motorhome_unsuitable"),
]
_TOUR_CHILDREN = ("tour_themes", "tour_stops", "tour_versions")
_CHECK = "vehicle IN ('car', 'coach', 'motorbike', '{}')"


def _swap_vehicle_check(new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_tours_tour_vehicle"), "tours", type_="check")
        op.create_check_constraint(op.f("ck_tours_tour_vehicle"), "tours", _CHECK.format(new))
        return
    for child in _TOUR_CHILDREN:
        op.execute(f"CREATE TEMP TABLE keep_{child} AS SELECT * FROM {child}")  # noqa: S608 - table names are constants here
    with op.batch_alter_table("tours", recreate="always") as batch:
        batch.drop_constraint(op.f("ck_tours_tour_vehicle"), type_="check")
        batch.create_check_constraint(op.f("ck_tours_tour_vehicle"), _CHECK.format(new))
    for child in _TOUR_CHILDREN:
        op.execute(f"DELETE FROM {child}")  # noqa: S608 - table names are constants here
        op.execute(f"INSERT INTO {child} SELECT * FROM keep_{child}")  # noqa: S608 - table names are constants here
        op.execute(f"DROP TABLE keep_{child}")


def _rename_vehicle(old: str, new: str) -> None:
    """Stored rows (and the JSON they keep) whose vehicle is ``old`` get ``new``."""
    bind = op.get_bind()
    itineraries = sa.table(
        "itineraries",
        sa.column("id", sa.String),
        sa.column("vehicle", sa.String),
        sa.column("request", sa.JSON),
        sa.column("plan", sa.JSON),
    )
    rows = bind.execute(
        sa.select(itineraries.c.id, itineraries.c.request, itineraries.c.plan).where(
            itineraries.c.vehicle == old
        )
    ).all()
    for row in rows:
        request: dict[str, Any] = dict(row.request or {})
        plan: dict[str, Any] = dict(row.plan or {})
        request["vehicle"] = new
        plan["vehicle"] = new
        bind.execute(
            itineraries.update()
            .where(itineraries.c.id == row.id)
            .values(vehicle=new, request=request, plan=plan)
        )
    op.execute(
        sa.text("UPDATE tours SET vehicle = :new WHERE vehicle = :old").bindparams(new=new, old=old)
    )


def upgrade() -> None:
    for table, old, new in _RENAMES:
        op.execute(f"ALTER TABLE {table} RENAME COLUMN {old} TO {new}")
    # Allow both names while the rows change, then only the new one.
    _swap_vehicle_check("caravan', 'motorhome")
    _rename_vehicle("caravan", "motorhome")
    _swap_vehicle_check("motorhome")


def downgrade() -> None:
    _swap_vehicle_check("caravan', 'motorhome")
    _rename_vehicle("motorhome", "caravan")
    _swap_vehicle_check("caravan")
    for table, old, new in _RENAMES:
        op.execute(f"ALTER TABLE {table} RENAME COLUMN {new} TO {old}")
