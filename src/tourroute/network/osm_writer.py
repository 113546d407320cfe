"""Writing the roads read from an OpenStreetMap file as road segments, and reporting it.

This module exists so the database side of ``tourroute import osm`` stays apart from file
reading (:mod:`.osm_reader`) and tag rules (:mod:`.osm_tags`): it alone knows the
``road_segment`` and ``segment_corridor`` tables.

:func:`upsert_osm` upserts the segments by key (``osm:w<way id>``) in the caller's
transaction, inside a SAVEPOINT: any error or an interrupt rolls back every row this import
wrote and leaves the caller's transaction usable.  Rows are written with bulk
``INSERT``/``UPDATE`` statements in chunks, not one ORM object per way.

* ``scenic`` is editorial: 0 for a new segment, and an update never overwrites it.
* Corridors are not guessed: with ``corridor=`` every imported segment joins that (existing)
  corridor; without it no membership is added or removed.
* ``replace=True`` deletes ``osm:`` segments that are not in the file; without it they are
  kept.
* A row is updated, and its ``version`` bumped, only when one of its columns, its geometry or
  its corridor membership actually changes, so re-importing the same file changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, cast

from shapely.geometry import LineString
from sqlalchemy import CursorResult, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session
from tqdm import tqdm

from tourroute.db.base import utcnow
from tourroute.db.spatial import shape_of, to_element
from tourroute.network.models import Corridor, RoadSegment, SegmentCorridor
from tourroute.network.osm_reader import (
    KEY_PREFIX,
    OsmExtract,
    OsmImportError,
    OsmRoad,
    progress_bar,
)
from tourroute.network.osm_tags import RoadTags

__all__ = [
    "CHUNK_ROWS",
    "OsmImportReport",
    "OsmWriteCounts",
    "upsert_osm",
]

CHUNK_ROWS = 500

_ROAD_CLASSES = ("motorway", "trunk", "primary", "secondary", "tertiary", "unclassified")


@dataclass
class OsmWriteCounts:
    """Segments written by :func:`upsert_osm`."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


@dataclass
class OsmImportReport:
    """What one ``tourroute import osm`` read, kept, skipped and wrote."""

    file: str
    ways_read: int = 0
    kept: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    length_km: float = 0.0
    seconds: float = 0.0

    @classmethod
    def of(cls, extract: OsmExtract, counts: OsmWriteCounts, *, seconds: float) -> OsmImportReport:
        """The report of one import.

        Parameters
        ----------
        extract
            What :func:`~tourroute.network.osm_reader.read_osm` read.
        counts
            What :func:`upsert_osm` wrote.
        seconds
            How long the whole import took.

        Returns
        -------
        OsmImportReport
            The counts, with road classes that kept nothing left out.
        """
        return cls(
            file=extract.file.name,
            ways_read=extract.ways_read,
            kept={k: n for k, n in extract.kept.items() if n},
            skipped=dict(extract.skipped),
            inserted=counts.inserted,
            updated=counts.updated,
            unchanged=counts.unchanged,
            deleted=counts.deleted,
            length_km=round(extract.length_m / 1000, 3),
            seconds=round(seconds, 3),
        )

    @property
    def segments(self) -> int:
        """The road segments the file holds after the import (inserted, updated, unchanged)."""
        return self.inserted + self.updated + self.unchanged

    def summary(self) -> str:
        """The report as the CLI prints it.

        Returns
        -------
        str
            Five lines: ways read, kept by road class, skipped by reason, segments written,
            time taken.
        """
        kept = ", ".join(f"{c} {self.kept.get(c, 0):,}" for c in _ROAD_CLASSES)
        skipped = ", ".join(f"{r} {n:,}" for r, n in sorted(self.skipped.items())) or "none"
        return "\n".join(
            [
                f"OSM file {self.file}: {self.ways_read:,} highway ways read",
                f"kept {sum(self.kept.values()):,} ways, {self.length_km:,.1f} km: {kept}",
                f"skipped {sum(self.skipped.values()):,}: {skipped}",
                f"road segments: {self.inserted:,} inserted, {self.updated:,} updated, "
                f"{self.unchanged:,} unchanged, {self.deleted:,} deleted",
                f"took {self.seconds:.1f} s",
            ]
        )


_T = TypeVar("_T")


def _chunks(items: Sequence[_T], size: int = CHUNK_ROWS) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_VALUE_COLUMNS = (*RoadTags("unclassified").columns(), "source")
# Core tables (typed as Table): rows are written in bulk, not as ORM objects.
_SEGMENTS = RoadSegment.metadata.tables[RoadSegment.__tablename__]
_MEMBERS = SegmentCorridor.metadata.tables[SegmentCorridor.__tablename__]


@dataclass
class _Plan:
    """What :func:`upsert_osm` will write: rows to insert, update values, ids to delete."""

    new: list[OsmRoad] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    vanished: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.new) + len(self.changed) + len(self.vanished)


def _same(stored: dict[str, Any], road: OsmRoad) -> bool:
    if any(stored[k] != v for k, v in road.columns().items()):
        return False
    coords = tuple((float(x), float(y)) for x, y in shape_of(stored["geom"]).coords)
    return len(coords) == len(road.coords) and all(
        abs(a[0] - b[0]) <= 1e-9 and abs(a[1] - b[1]) <= 1e-9
        for a, b in zip(coords, road.coords, strict=True)
    )


def _stored_osm_rows(session: Session) -> dict[str, dict[str, Any]]:
    t = _SEGMENTS
    columns = [t.c.id, t.c.key, t.c.version, t.c.geom, *(t.c[k] for k in _VALUE_COLUMNS)]
    rows = session.execute(select(*columns).where(t.c.key.startswith(KEY_PREFIX)))
    return {row.key: dict(row._mapping) for row in rows}


def _corridor_members(session: Session, corridor: str | None) -> set[int]:
    if corridor is None:
        return set()
    sc = _MEMBERS
    return set(session.scalars(select(sc.c.segment_id).where(sc.c.corridor_slug == corridor)))


def _update_values(row: dict[str, Any], road: OsmRoad, now: datetime) -> dict[str, Any]:
    """The bound values that update stored ``row`` to ``road`` (if its version still holds)."""
    return {
        "b_id": row["id"],
        "b_version": row["version"],
        **road.columns(),
        "geom": to_element(LineString(road.coords)),
        "version": row["version"] + 1,
        "updated_at": now,
    }


def _plan(session: Session, extract: OsmExtract, *, replace: bool, corridor: str | None) -> _Plan:
    """Compare the extract with the stored ``osm:`` segments."""
    stored = _stored_osm_rows(session)
    members = _corridor_members(session, corridor)
    plan = _Plan()
    now = utcnow()
    for road in extract.roads.values():
        row = stored.get(road.key)
        if row is None:
            plan.new.append(road)
            continue
        joins = corridor is not None and row["id"] not in members
        if _same(row, road) and not joins:
            plan.unchanged += 1
            continue
        plan.changed.append(_update_values(row, road, now))
    if replace:
        plan.vanished = [r["id"] for k, r in stored.items() if k not in extract.roads]
    return plan


def _insert_rows(session: Session, roads: Sequence[OsmRoad], bar: tqdm[Any]) -> None:
    now = utcnow()
    stmt = insert(_SEGMENTS)
    for chunk in _chunks(roads):
        rows = [
            {
                "key": r.key,
                **r.columns(),
                "scenic": 0,
                "geom": to_element(LineString(r.coords)),
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for r in chunk
        ]
        session.execute(stmt, rows)
        bar.update(len(chunk))


def _update_rows(session: Session, rows: Sequence[dict[str, Any]], bar: tqdm[Any]) -> None:
    t = _SEGMENTS
    stmt = update(t).where(t.c.id == bindparam("b_id"), t.c.version == bindparam("b_version"))
    sane = session.get_bind().dialect.supports_sane_multi_rowcount
    for chunk in _chunks(rows):
        result = cast("CursorResult[Any]", session.execute(stmt, list(chunk)))
        if sane and result.rowcount != len(chunk):
            raise OsmImportError("road segments were changed concurrently; nothing was written")
        bar.update(len(chunk))


def _delete_vanished(session: Session, ids: Sequence[int], bar: tqdm[Any]) -> None:
    t = _SEGMENTS
    for chunk in _chunks(ids):
        session.execute(delete(t).where(t.c.id.in_(chunk)))
        bar.update(len(chunk))


def _add_memberships(session: Session, corridor: str, keys: Iterable[str]) -> None:
    t = _SEGMENTS
    wanted = set(keys)
    ids = [
        row.id
        for row in session.execute(select(t.c.id, t.c.key).where(t.c.key.startswith(KEY_PREFIX)))
        if row.key in wanted
    ]
    members = _corridor_members(session, corridor)
    rows = [{"segment_id": i, "corridor_slug": corridor} for i in ids if i not in members]
    for chunk in _chunks(rows):
        session.execute(insert(_MEMBERS), list(chunk))


def upsert_osm(
    session: Session,
    extract: OsmExtract,
    *,
    replace: bool = False,
    corridor: str | None = None,
    progress: bool = False,
) -> OsmWriteCounts:
    """Write an extract's roads (upsert by key) in a SAVEPOINT of the caller's transaction.

    Parameters
    ----------
    session
        The caller's session; it is flushed, never committed.
    extract
        The roads :func:`~tourroute.network.osm_reader.read_osm` read.
    replace
        Also delete the ``osm:`` segments that are not in the extract.
    corridor
        Slug of an existing corridor every imported segment joins; ``None`` leaves
        memberships alone.
    progress
        Show a progress bar on standard error (when it is a terminal).

    Returns
    -------
    OsmWriteCounts
        The segments inserted, updated, left unchanged and deleted.

    Raises
    ------
    OsmImportError
        ``corridor`` does not exist, or a segment changed concurrently; the SAVEPOINT is
        rolled back, as on any other error or an interrupt, so nothing has been written.
    """
    session.flush()
    with session.begin_nested():
        if corridor is not None and session.get(Corridor, corridor) is None:
            raise OsmImportError(f"unknown corridor '{corridor}'")
        plan = _plan(session, extract, replace=replace, corridor=corridor)
        with progress_bar(progress, desc="writing segments", unit=" rows", total=plan.total) as bar:
            _insert_rows(session, plan.new, bar)
            _update_rows(session, plan.changed, bar)
            _delete_vanished(session, plan.vanished, bar)
        if corridor is not None:
            _add_memberships(session, corridor, extract.roads)
    # The rows were written behind the ORM's back: reload anything it holds.
    session.expire_all()
    return OsmWriteCounts(
        inserted=len(plan.new),
        updated=len(plan.changed),
        unchanged=plan.unchanged,
        deleted=len(plan.vanished),
    )
