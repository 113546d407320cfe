"""The network version: one primary-key read, bumped by the database in the same transaction
as every write to what the road graph is built from (migration 3c9d0e7a5b21)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, inspect, select, text, update
from sqlalchemy.orm import Session

from tourroute.network.models import Corridor, RoadSegment, SegmentCorridor
from tourroute.network.repository import NetworkRepository

pytestmark = pytest.mark.backend


def _version(session: Session) -> str:
    return NetworkRepository(session).version()


def _a_segment(session: Session) -> RoadSegment:
    return session.scalars(select(RoadSegment).order_by(RoadSegment.id).limit(1)).one()


def test_reading_the_version_is_one_primary_key_read(session: Session) -> None:
    statements: list[str] = []

    def capture(*args: Any) -> None:
        statements.append(str(args[2]))

    bind = session.connection()
    event.listen(bind, "before_cursor_execute", capture)
    try:
        _version(session)
    finally:
        event.remove(bind, "before_cursor_execute", capture)
    assert len(statements) == 1
    assert "network_state" in statements[0]
    assert "road_segments" not in statements[0]


def test_every_kind_of_network_write_moves_the_version(session: Session) -> None:
    seen = [_version(session)]
    segment = _a_segment(session)

    segment.name = "Đường đổi tên"  # an ORM update
    session.flush()
    seen.append(_version(session))

    session.execute(  # a bulk statement, as the importers write
        update(RoadSegment).where(RoadSegment.id == segment.id).values(scenic=3)
    )
    seen.append(_version(session))

    corridor = session.scalars(select(Corridor).limit(1)).one()
    session.add(SegmentCorridor(segment_id=segment.id, corridor_slug=corridor.slug))
    session.flush()
    seen.append(_version(session))

    corridor.name_en = "Renamed corridor"
    session.flush()
    seen.append(_version(session))

    session.execute(text("UPDATE provinces SET name_en = name_en || ' (renamed)'"))
    seen.append(_version(session))

    session.execute(
        text("DELETE FROM segment_corridors WHERE segment_id = :id"), {"id": segment.id}
    )
    seen.append(_version(session))

    assert len(set(seen)) == len(seen), seen


def test_the_seeds_bookkeeping_and_no_op_updates_leave_it_alone(session: Session) -> None:
    before = _version(session)
    segment = _a_segment(session)
    session.execute(
        update(RoadSegment)  # as db/seed_ownership.py records it
        .where(RoadSegment.id == segment.id)
        .values(seeded={"name": "x"}, updated_at=RoadSegment.updated_at)
    )
    session.execute(  # sets a column to the value it has (and updated_at): nothing changed
        update(RoadSegment).where(RoadSegment.id == segment.id).values(name=segment.name)
    )
    session.execute(update(RoadSegment).where(RoadSegment.id == -1).values(scenic=5))
    assert _version(session) == before


def test_every_column_but_bookkeeping_is_watched(session: Session) -> None:
    """A later migration that adds a column to ``road_segments`` must recreate the triggers
    (on SQLite a batch rebuild of the table even drops them): this fails until it does."""
    segment = _a_segment(session)
    values = (
        session.execute(text("SELECT * FROM road_segments WHERE id = :id"), {"id": segment.id})
        .one()
        ._asdict()
    )
    columns = [c["name"] for c in inspect(session.connection()).get_columns("road_segments")]
    assert "seeded" in columns
    for column in columns:
        if column in {"seeded", "created_at", "updated_at", "version", "id"}:
            continue
        before = _version(session)
        with session.begin_nested() as savepoint:
            if column == "geom":  # the same road drawn the other way round
                change: Any = func.ST_Reverse(RoadSegment.geom)
                session.execute(
                    update(RoadSegment).where(RoadSegment.id == segment.id).values(geom=change)
                )
            else:
                session.execute(
                    text(f'UPDATE road_segments SET "{column}" = :v WHERE id = :id'),  # noqa: S608 - our own columns
                    {"v": _other(column, values[column]), "id": segment.id},
                )
            assert _version(session) != before, f"changing {column} kept the version"
            savepoint.rollback()


# Columns whose values a CHECK constraint limits: another allowed value.
_ALTERNATIVES = {
    "status": {"published": "archived"},
    "road_class": {"trunk": "primary"},
    "surface": {"paved": "unpaved"},
}


def _other(column: str, value: Any) -> Any:
    """A different value the column accepts."""
    if column in _ALTERNATIVES:
        choices = _ALTERNATIVES[column]
        return choices.get(str(value), next(iter(choices)))
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, datetime):
        return value + timedelta(days=1)
    if value is None:
        return 1
    if column.endswith("_at"):  # SQLite hands timestamps back as text
        return "2001-01-01 00:00:00"
    return f"{value}-changed"


def test_a_rolled_back_write_never_lends_its_version_to_another(session: Session) -> None:
    segment = _a_segment(session)
    with session.begin_nested() as savepoint:
        segment.name = "Một tên"
        session.flush()
        first = _version(session)
        savepoint.rollback()
    with session.begin_nested():
        session.execute(
            update(RoadSegment).where(RoadSegment.id == segment.id).values(name="Tên khác")
        )
        second = _version(session)
    assert first.split("-")[0] == second.split("-")[0]  # the same counter value…
    assert first != second  # …and yet two versions: the stamp differs


def test_the_counter_bumped_is_the_changed_tables_own(session: Session, database: Any) -> None:
    """PostGIS resolves a trigger function's plain names by the caller's search path: a
    writer whose path does not show the table's schema (a copy being filled from
    ``public``, in the crash-safety tests) must still bump that schema's counter, never
    another's."""
    if database.backend != "postgis":
        pytest.skip("schemas and search paths are PostgreSQL's")
    before = _version(session)
    segment = _a_segment(session)
    session.execute(text("SET LOCAL search_path = pg_catalog"))
    session.execute(
        text("UPDATE public.road_segments SET scenic = scenic + 1 WHERE id = :id"),
        {"id": segment.id},
    )
    session.execute(text("SET LOCAL search_path = public"))
    assert _version(session) != before
