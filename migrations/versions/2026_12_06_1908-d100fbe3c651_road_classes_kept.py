"""road classes kept: residential, living_street, service, track

``tourroute import osm`` used to fold ``residential``, ``living_street`` and ``service``
into ``unclassified`` and to skip ``track``; the road network now keeps these classes, so
``ck_road_segments_road_class`` lists them too.

On PostgreSQL the constraint is dropped and re-created.  On SQLite a CHECK cannot be
altered, and a batch "copy and move" of ``road_segments`` would drop its SpatiaLite
triggers, geometry metadata and R*Tree index (c18e71cc60b0, 205122a738f2, d4e5a1c0f2b7 all
keep this table out of a rebuild) and copy every imported segment; so, as c18e71cc60b0 does
for ``sites``, the CHECK text is edited in ``sqlite_master`` by the procedure SQLite
documents for changing constraints (https://www.sqlite.org/lang_altertable.html#otheralter):
``writable_schema``, bump ``schema_version``, ``integrity_check``, in one transaction.  The
table, its triggers and its spatial index are untouched.  Widening an IN-list cannot
invalidate stored rows.

Downgrade narrows the list again, after giving the segments of the new classes the class
they had before: ``unclassified`` (a track keeps its ``unpaved`` surface).  Alembic does not
compare CHECK constraints; tests write every class on SpatiaLite and migrate down and up.

Revision ID: d100fbe3c651
Revises: 3c9d0e7a5b21
Create Date: 2026-12-06 19:08:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "d100fbe3c651"
down_revision: str | None = "3c9d0e7a5b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_CLASSES = ("motorway", "trunk", "primary", "secondary", "tertiary", "unclassified")
_NEW_CLASSES = (*_OLD_CLASSES, "residential", "living_street", "service", "track")
_NAME = "ck_road_segments_road_class"


def _class_check(classes: tuple[str, ...]) -> str:
    # The spelling the road-network revision (27a061569a38) created: no spaces.
    return "road_class IN (" + ",".join(f"'{c}'" for c in classes) + ")"


def _set_road_classes(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    """Replace the CHECK constraint ``ck_road_segments_road_class`` (see the docstring)."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(_NAME), "road_segments", type_="check")
        op.create_check_constraint(op.f(_NAME), "road_segments", _class_check(new))
        return
    before = f"CONSTRAINT {_NAME} CHECK ({_class_check(old)})"
    after = f"CONSTRAINT {_NAME} CHECK ({_class_check(new)})"
    schema_version = int(bind.exec_driver_sql("PRAGMA schema_version").scalar_one())
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        changed = bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = replace(sql, ?, ?) "
            "WHERE type = 'table' AND name = 'road_segments' AND instr(sql, ?) > 0",
            (before, after, before),
        ).rowcount
        if changed != 1:
            raise RuntimeError(
                f"road_segments has no constraint {before!r}; schema not as expected"
            )
        bind.exec_driver_sql(f"PRAGMA schema_version = {schema_version + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    problems = [row[0] for row in bind.exec_driver_sql("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise RuntimeError(f"integrity_check after the schema edit: {problems}")


def upgrade() -> None:
    _set_road_classes(_OLD_CLASSES, _NEW_CLASSES)


def downgrade() -> None:
    dropped = ", ".join(f"'{c}'" for c in _NEW_CLASSES if c not in _OLD_CLASSES)
    op.execute(
        f"UPDATE road_segments SET road_class = 'unclassified' WHERE road_class IN ({dropped})"  # noqa: S608 - the classes are constants of this revision
    )
    _set_road_classes(_NEW_CLASSES, _OLD_CLASSES)
