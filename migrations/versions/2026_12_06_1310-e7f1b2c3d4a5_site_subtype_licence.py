"""site subtype, licence, generated names

Sites get ``subtype`` (the type of stay — hotel, guest house, homestay, … — or of service:
fuel, meal), ``licence`` (of imported data, credited where shown) and ``name_generated``
(an importer made the name up because the source had none).

Plain ``ALTER TABLE … ADD COLUMN`` on both backends (no batch copy of the spatial ``sites``
table, see c18e71cc60b0); the subtype's CHECK is inline on SQLite, a table constraint on
PostgreSQL (as in 205122a738f2).

Revision ID: e7f1b2c3d4a5
Revises: d4e5a1c0f2b7
Create Date: 2026-12-06 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e7f1b2c3d4a5"
down_revision: str | None = "d4e5a1c0f2b7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TYPES = (
    "hotel",
    "motel",
    "guest_house",
    "homestay",
    "hostel",
    "hut",
    "chalet",
    "camp_site",
    "fuel",
    "meal",
)
_CHECK = "subtype IN ({})".format(", ".join(f"'{t}'" for t in _TYPES))


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE sites ADD COLUMN subtype VARCHAR(32) "
            f"CONSTRAINT ck_sites_site_subtype CHECK ({_CHECK})"
        )
    else:
        op.add_column("sites", sa.Column("subtype", sa.String(length=32), nullable=True))
        op.create_check_constraint(op.f("ck_sites_site_subtype"), "sites", _CHECK)
    op.create_index(op.f("ix_sites_subtype"), "sites", ["subtype"], unique=False)
    op.add_column("sites", sa.Column("licence", sa.String(length=200), nullable=True))
    op.add_column(
        "sites",
        sa.Column("name_generated", sa.Boolean(), server_default="0", nullable=False),
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_sites_subtype"), table_name="sites")
    for column in ("name_generated", "licence", "subtype"):
        op.execute(f"ALTER TABLE sites DROP COLUMN {column}")
