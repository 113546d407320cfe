"""segment status

Road segments get a curation status (``draft``, ``published``, ``archived``); only
published segments are routed on.  Every existing segment (seeded or imported) becomes
``published`` through the column's server default.

Adding a column with a constant default is a plain ``ALTER TABLE … ADD COLUMN`` on both
backends; no batch "copy and move" of ``road_segments`` (which would break SpatiaLite's
spatial metadata, triggers and R*Tree index, see c18e71cc60b0).  Alembic's ``add_column``
leaves out the CHECK of a non-native enum, so it is added explicitly: on PostgreSQL as a
table constraint, on SQLite inline in the ADD COLUMN (SQLite accepts a column CHECK there,
and cannot add one later).  Alembic does not compare CHECK constraints; tests write every
status on both backends.

Revision ID: 205122a738f2
Revises: c5dab8b38f4f
Create Date: 2026-11-22 03:12:38.089352
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "205122a738f2"
down_revision: str | None = "c5dab8b38f4f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHECK = "status IN ('draft', 'published', 'archived')"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE road_segments ADD COLUMN status VARCHAR(32) DEFAULT 'published' "
            f"NOT NULL CONSTRAINT ck_road_segments_segment_status CHECK ({_CHECK})"
        )
    else:
        op.add_column(
            "road_segments",
            sa.Column("status", sa.String(length=32), server_default="published", nullable=False),
        )
        op.create_check_constraint(op.f("ck_road_segments_segment_status"), "road_segments", _CHECK)
    op.create_index(op.f("ix_road_segments_status"), "road_segments", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_road_segments_status"), table_name="road_segments")
    # SQLite (3.35+) drops a column whose only CHECK is its own without rebuilding the table.
    op.execute("ALTER TABLE road_segments DROP COLUMN status")
