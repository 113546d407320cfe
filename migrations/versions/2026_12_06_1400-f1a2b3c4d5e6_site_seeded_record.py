"""site seeded record

Sites get ``seeded``: the values the seed last wrote into them.  ``tourroute seed load``
updates a site only while its values still equal that record, so a curator's edit, an
archived site or a site someone created is never overwritten by a restart (issue 13).
Sites seeded before this column existed get their record on the next load when they still
hold the seed's values; otherwise their audit trail decides who owns them.

A nullable column: a plain ``ALTER TABLE … ADD COLUMN`` on both backends.

Revision ID: f1a2b3c4d5e6
Revises: e7f1b2c3d4a5
Create Date: 2026-12-06 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f1a2b3c4d5e6"
down_revision: str | None = "e7f1b2c3d4a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("sites", sa.Column("seeded", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE sites DROP COLUMN seeded")
