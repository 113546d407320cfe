"""site external ref

Sites get ``external_ref``: the key of the record a site was imported from (``osm:n123``,
``osm:w456``; ``tourroute import osm-places``), NULL for curated and seeded sites.  It is
unique, so a re-import recognises the sites it created and never makes a second one.

A nullable column without a default is a plain ``ALTER TABLE … ADD COLUMN`` on both
backends; no batch "copy and move" of ``sites`` (which would break SpatiaLite's spatial
metadata, triggers and R*Tree index, see c18e71cc60b0).  Uniqueness is a unique *index*,
not a constraint: SQLite cannot add a UNIQUE constraint to an existing table, but both
backends create a unique index in place, and NULLs never collide in either.

Revision ID: c8cb4dcfc783
Revises: 205122a738f2
Create Date: 2026-11-22 03:40:12.519204
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c8cb4dcfc783"
down_revision: str | None = "205122a738f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("sites", sa.Column("external_ref", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_sites_external_ref"), "sites", ["external_ref"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_sites_external_ref"), table_name="sites")
    # SQLite (3.35+) drops a column without constraints of its own without rebuilding the table.
    op.execute("ALTER TABLE sites DROP COLUMN external_ref")
