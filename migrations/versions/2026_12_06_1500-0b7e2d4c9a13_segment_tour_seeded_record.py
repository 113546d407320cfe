"""segment and tour seeded record

Road segments and tours get ``seeded`` too: the values the seed last wrote into them, as
sites have since f1a2b3c4d5e6.  ``tourroute seed load`` updates a segment or a tour only
while it still holds that record, so a curator's edit, an archived segment, an agency's or
a province's changes to its tour, or a record someone created is never overwritten by a
restart.  Rows seeded before this column existed get their record on the next load when
they still hold the seed's values; otherwise their audit trail decides who owns them.

Nullable columns: a plain ``ALTER TABLE … ADD COLUMN`` on both backends (no rebuild of the
spatial ``road_segments`` table, nor of ``tours`` and the children its rebuild would empty).

Revision ID: 0b7e2d4c9a13
Revises: f1a2b3c4d5e6
Create Date: 2026-12-06 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0b7e2d4c9a13"
down_revision: str | None = "f1a2b3c4d5e6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("road_segments", "tours")


def upgrade() -> None:
    for table in _TABLES:
        op.add_column(table, sa.Column("seeded", sa.JSON(), nullable=True))


def downgrade() -> None:
    for table in reversed(_TABLES):
        op.execute(f"ALTER TABLE {table} DROP COLUMN seeded")
