"""network version counter

The road graph is cached per *network version*. That version used to be an aggregate over
the whole ``road_segments`` table (count, sum of versions, max id, last update), read at the
start of every route request: 0.6 ms on the seed, 172–196 ms at 423k segments. It is now a
counter in a one-row table, ``network_state``, read by primary key.

Triggers bump the counter in the same transaction as every write to what the graph is
built from — ``road_segments``, ``segment_corridors``, ``corridors`` and ``provinces``
(edges carry their province), any column but the seed's bookkeeping (``seeded``) and the
row's timestamps and optimistic-lock ``version`` —
whoever writes: the ORM, the importers' bulk statements, or SQL typed by hand. A rolled
back write rolls the counter back with it, so a version always names one network.

Each bump also writes a random ``stamp``: a write that is rolled back takes its counter
value back, and the next write reaches the same value again, so the counter alone could
name two networks (a graph built inside the rolled-back transaction, or in another
database); the stamp tells them apart. The version is ``<counter>-<stamp>``.

SQLite fires row triggers, with ``WHEN`` so that an UPDATE changing nothing (or only
``seeded``) leaves the counter alone. PostgreSQL fires one trigger per *statement*, with
transition tables, so a bulk import of 400k rows bumps once, and an UPDATE that changed
no row (a lost optimistic race) bumps nothing.

The trigger lists the columns of ``road_segments`` as they are at this revision: a later
revision that adds a column must recreate the triggers
(``tests/api/test_network_version.py`` fails until it does).

Revision ID: 3c9d0e7a5b21
Revises: 0b7e2d4c9a13
Create Date: 2026-12-06 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c9d0e7a5b21"
down_revision: str | None = "0b7e2d4c9a13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables the graph is built from.
_WATCHED = ("road_segments", "segment_corridors", "corridors", "provinces")
# Columns whose change alone does not change the graph: the seed's bookkeeping and the
# row's own timestamps and optimistic-lock counter (an ORM update that changes anything
# real changes another column too).
_IGNORED = ("seeded", "created_at", "updated_at", "version")
_BUMP_SQLITE = (
    "UPDATE network_state SET version = version + 1, stamp = lower(hex(randomblob(6))) WHERE id = 1"
)
_BUMP_POSTGRES = (
    "UPDATE network_state SET version = version + 1, stamp = substr(md5(random()::text), 1, 12) "
    "WHERE id = 1"
)


def _columns(table: str) -> list[str]:
    ignored = set(_IGNORED)
    names = [c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)]
    return [n for n in names if n not in ignored]


def _sqlite_triggers(table: str) -> None:
    changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in _columns(table))
    for event, when in (("INSERT", ""), ("DELETE", ""), ("UPDATE", f" WHEN {changed}")):
        op.execute(
            f"CREATE TRIGGER network_version_{table}_{event.lower()} AFTER {event} ON {table}"
            f"{when} BEGIN {_BUMP_SQLITE}; END"
        )


def _postgres_triggers(table: str) -> None:
    ignored = "".join(f" - '{c}'" for c in _IGNORED)
    # to_jsonb of a row spells every column, geometries included, so the comparison sees any
    # change of any column but the ignored ones.
    bodies = {
        "insert": "IF EXISTS (SELECT 1 FROM new_rows) THEN {bump}; END IF;",
        "delete": "IF EXISTS (SELECT 1 FROM old_rows) THEN {bump}; END IF;",
        # Some row's new image is not among the old ones: something really changed.
        "update": (
            "IF EXISTS (SELECT to_jsonb(n){ignored} FROM new_rows n EXCEPT ALL "
            "SELECT to_jsonb(o){ignored} FROM old_rows o) THEN {bump}; END IF;"
        ),
    }
    referencing = {
        "insert": "REFERENCING NEW TABLE AS new_rows",
        "delete": "REFERENCING OLD TABLE AS old_rows",
        "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    }
    for event, body in bodies.items():
        function = f"network_version_{table}_{event}"
        op.execute(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            + body.format(bump=_BUMP_POSTGRES, ignored=ignored)
            + " RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {function} AFTER {event.upper()} ON {table} "
            f"{referencing[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )


def upgrade() -> None:
    op.create_table(
        "network_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("stamp", sa.String(16), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_network_state_one_row"),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(
            "INSERT INTO network_state (id, version, stamp) "
            "VALUES (1, 1, substr(md5(random()::text), 1, 12))"
        )
    else:
        op.execute(
            "INSERT INTO network_state (id, version, stamp) "
            "VALUES (1, 1, lower(hex(randomblob(6))))"
        )
    if postgres:  # TRUNCATE has no rows to compare: it always changes the network
        op.execute(
            "CREATE OR REPLACE FUNCTION network_version_bump() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {_BUMP_POSTGRES}; RETURN NULL; END $$"
        )
    for table in _WATCHED:
        if postgres:
            _postgres_triggers(table)
            op.execute(
                f"CREATE TRIGGER network_version_{table}_truncate AFTER TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION network_version_bump()"
            )
        else:
            _sqlite_triggers(table)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in _WATCHED:
        for event in ("insert", "delete", "update"):
            name = f"network_version_{table}_{event}"
            if postgres:
                op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                op.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {name}")
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS network_version_{table}_truncate ON {table}")
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS network_version_bump()")
    op.drop_table("network_state")
