"""Writing the roads read from an OpenStreetMap file as road segments, and reporting it.

This module exists so the database side of ``tourroute import osm`` stays apart from file
reading (:mod:`.osm_reader`) and tag rules (:mod:`.osm_tags`): it alone knows the
``road_segment`` and ``segment_corridor`` tables.

:func:`upsert_osm` upserts the segments by key (``osm:w<way id>``) in the caller's
transaction, inside a SAVEPOINT, batch by batch as the reader streams them: any error (a
file found corrupt half-way included) or an interrupt rolls back every row this import
wrote and leaves the caller's transaction usable.  Per batch there is one lookup query and
one bulk ``INSERT``/``UPDATE`` each, with plain tuples and the geometry passed as WKB
(``ST_GeomFromWKB``); never one ORM object or one round trip per way.  On SpatiaLite the
table's insert triggers (geometry check, spatial index, statistics) are set aside for the
load and their work is done once at the end, in bulk: the R*Tree is filled with one
``INSERT … SELECT`` (the same boxes the trigger's ``RTreeAlign`` gives).  The triggers are
put back before the SAVEPOINT is released; a rollback puts them back too (SQLite's schema
is transactional).

* ``scenic`` is editorial: 0 for a new segment, and an update never overwrites it.
* Corridors are not guessed: with ``corridor=`` every imported segment joins that (existing)
  corridor; without it no membership is added or removed.
* ``replace=True`` deletes ``osm:`` segments that are not in the file; without it they are
  kept.  A way that *is* in the file owns its keys whatever ``replace`` says: when curated
  segments replace it (:mod:`.osm_merge`) its stored segments go, and when it is cut into
  pieces (``osm:w<id>.1``, ``osm:w<id>.2`` …) so does any stored segment of it that is not
  one of them (:class:`WayLedger` tells which ways became how many pieces).
* A row is updated, and its ``version`` bumped, only when one of its columns, its geometry or
  its corridor membership actually changes, so re-importing the same file changes nothing.
* A key twice in one batch: the last one wins (the reader already keeps only the last copy
  of a way repeated in the file).

Memory stays bounded by a batch, plus 16 bytes per way read (its id and piece count), which
the end of the load needs to tell obsolete segments.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import shapely
from sqlalchemy import (
    Connection,
    CursorResult,
    LargeBinary,
    delete,
    func,
    insert,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session
from tqdm import tqdm

from tourroute.db.base import utcnow
from tourroute.db.spatial import WGS84
from tourroute.network.models import Corridor, RoadSegment, SegmentCorridor, SegmentStatus
from tourroute.network.osm_merge import CuratedLine
from tourroute.network.osm_reader import (
    KEY_PREFIX,
    OsmExtract,
    OsmImportError,
    OsmRoad,
    progress_bar,
)
from tourroute.network.osm_tags import RoadTags
from tourroute.routing.profiles import ROAD_CLASSES

__all__ = [
    "CHUNK_ROWS",
    "MergeTally",
    "OsmImportReport",
    "OsmWriteCounts",
    "WayLedger",
    "curated_lines",
    "upsert_osm",
]

CHUNK_ROWS = 500  # ids per DELETE and memberships per INSERT

_VALUE_COLUMNS = (*RoadTags("unclassified").columns(), "source")
# Core tables (typed as Table): rows are written in bulk, not as ORM objects.
_SEGMENTS = RoadSegment.metadata.tables[RoadSegment.__tablename__]
_MEMBERS = SegmentCorridor.metadata.tables[SegmentCorridor.__tablename__]
_INSERT_COLUMNS = (
    "key",
    *_VALUE_COLUMNS,
    "scenic",
    "geom",
    "version",
    "created_at",
    "updated_at",
    "status",
)
_WAY_KEY = re.compile(rf"^{KEY_PREFIX}w([0-9]+)(?:\.([0-9]+))?$")
_COORD_TOLERANCE = 1e-9  # degrees: a stored position this close is the same


@dataclass
class OsmWriteCounts:
    """Segments written by :func:`upsert_osm`, and the roads kept, by road class."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    kept: Counter[str] = field(default_factory=Counter)
    length_m: dict[str, float] = field(default_factory=dict)

    def keep(self, road_class: str, length_m: float, *, way: bool = True) -> None:
        """Count ``length_m`` metres of road of ``road_class``; and one more way kept
        unless ``way`` is False (a second or later piece of a way cut into several)."""
        self.kept[road_class] += way
        self.length_m[road_class] = self.length_m.get(road_class, 0.0) + length_m


@dataclass
class MergeTally:
    """What merging with the curated network (:mod:`.osm_merge`) did to the file's ways."""

    replaced_ways: int = 0
    trimmed_ways: int = 0
    replaced_m: float = 0.0
    junctions: int = 0
    junctions_on_line: int = 0  # of the junctions, those on a curated line between vertices

    @property
    def junctions_at_vertex(self) -> int:
        """The junctions made by moving a way's vertex onto a curated vertex."""
        return self.junctions - self.junctions_on_line


@dataclass
class WayLedger:
    """Every way read from the file that is a road, and how many segments it became: 0 when
    curated segments replace it whole, 1 for ``osm:w<id>``, n for ``osm:w<id>.1`` … ``.n``.

    The writer deletes the stored segments of these ways that are not among them, and
    (with ``replace``) those of ways not in the ledger.
    """

    ids: array[int] = field(default_factory=lambda: array("q"))
    pieces: array[int] = field(default_factory=lambda: array("q"))

    def note(self, way_id: int, pieces: int) -> None:
        """Record that way ``way_id`` became ``pieces`` segments."""
        self.ids.append(way_id)
        self.pieces.append(pieces)


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
    length_km_by_class: dict[str, float] = field(default_factory=dict)
    merge: MergeTally = field(default_factory=MergeTally)

    @classmethod
    def of(
        cls,
        extract: OsmExtract,
        counts: OsmWriteCounts,
        *,
        seconds: float,
        merge: MergeTally | None = None,
    ) -> OsmImportReport:
        """The report of one import.

        Parameters
        ----------
        extract
            What :func:`~tourroute.network.osm_reader.read_osm` read (ways read, skipped).
        counts
            What :func:`upsert_osm` kept and wrote.
        seconds
            How long the whole import took.
        merge
            What merging with the curated network did (none: nothing).

        Returns
        -------
        OsmImportReport
            The counts, with road classes that kept nothing left out.
        """
        kept = {k: n for k, n in counts.kept.items() if n}
        return cls(
            file=extract.file.name,
            ways_read=extract.ways_read,
            kept=kept,
            skipped=dict(extract.skipped),
            inserted=counts.inserted,
            updated=counts.updated,
            unchanged=counts.unchanged,
            deleted=counts.deleted,
            length_km=round(sum(counts.length_m.values()) / 1000, 3),
            seconds=round(seconds, 3),
            length_km_by_class={k: round(counts.length_m.get(k, 0.0) / 1000, 3) for k in kept},
            merge=merge or MergeTally(),
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
            Seven lines: ways read, kept by road class, kilometres by road class, skipped by
            reason, what curated segments replaced and the junctions made with them,
            segments written, time taken.
        """
        kept = ", ".join(f"{c} {self.kept.get(c, 0):,}" for c in ROAD_CLASSES)
        km = ", ".join(f"{c} {self.length_km_by_class.get(c, 0.0):,.1f}" for c in ROAD_CLASSES)
        skipped = ", ".join(f"{r} {n:,}" for r, n in sorted(self.skipped.items())) or "none"
        return "\n".join(
            [
                f"OSM file {self.file}: {self.ways_read:,} highway ways read",
                f"kept {sum(self.kept.values()):,} ways, {self.length_km:,.1f} km: {kept}",
                f"km by road class: {km}",
                f"skipped {sum(self.skipped.values()):,}: {skipped}",
                f"curated segments replace {self.merge.replaced_ways:,} ways whole and "
                f"{self.merge.trimmed_ways:,} in part, {self.merge.replaced_m / 1000:,.1f} km; "
                f"{self.merge.junctions:,} junctions made: "
                f"{self.merge.junctions_at_vertex:,} joined onto curated vertices, "
                f"{self.merge.junctions_on_line:,} onto curated lines",
                f"road segments: {self.inserted:,} inserted, {self.updated:,} updated, "
                f"{self.unchanged:,} unchanged, {self.deleted:,} deleted",
                f"took {self.seconds:.1f} s",
            ]
        )


def curated_lines(session: Session) -> list[CuratedLine]:
    """The published segments that are not ``osm:``: the curated network OSM ways merge
    with (drafts and archived segments are not routed, so they replace nothing).

    Parameters
    ----------
    session
        The caller's session.

    Returns
    -------
    list[CuratedLine]
        Each segment's line and whether it is a motorway, in key order (so the merge never
        depends on the order rows come back in).
    """
    t = _SEGMENTS
    wkb = type_coerce(func.ST_AsBinary(t.c.geom), LargeBinary)
    query = (
        select(t.c.road_class, wkb)
        .where(~t.c.key.startswith(KEY_PREFIX), t.c.status == SegmentStatus.published.value)
        .order_by(t.c.key)
    )
    out = []
    for road_class, geometry in session.execute(query):
        if geometry is None:
            continue
        coords = shapely.get_coordinates(shapely.from_wkb(bytes(geometry)))
        if len(coords) >= 2:
            out.append(
                CuratedLine([(float(x), float(y)) for x, y in coords], road_class == "motorway")
            )
    return out


def _chunks(items: Sequence[Any], size: int = CHUNK_ROWS) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _values(road: OsmRoad) -> tuple[Any, ...]:
    """The road's column values in :data:`_VALUE_COLUMNS` order."""
    return tuple(road.columns().values())


def _way_part(key: str) -> tuple[int, int]:
    """The way id and piece of an ``osm:w<id>`` (piece 0) or ``osm:w<id>.<n>`` key;
    (-1, 0) for any other key."""
    match = _WAY_KEY.match(key)
    if not match:
        return -1, 0
    return int(match.group(1)), int(match.group(2) or 0)


def _same_line(stored: bytes | None, wkb: bytes) -> bool:
    """Whether a stored geometry (WKB) has the road's positions, to 1e-9°."""
    if stored is None:
        return False
    if stored == wkb:
        return True
    a = shapely.get_coordinates(shapely.from_wkb(stored))
    b = shapely.get_coordinates(shapely.from_wkb(wkb))
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= _COORD_TOLERANCE))


@dataclass(frozen=True, slots=True)
class _Stored:
    """A stored ``osm:`` segment, as much of it as the comparison needs."""

    id: int
    version: int
    values: tuple[Any, ...]
    wkb: bytes | None


class _SegmentWriter:
    """Writes batches of roads; counts what it kept and wrote; remembers the ways it kept."""

    def __init__(self, session: Session, corridor: str | None) -> None:
        self.session = session
        self.corridor = corridor
        self.counts = OsmWriteCounts()
        self._kept = array("q")  # way ids, 8 bytes each: what `replace` must not delete
        conn = session.connection()
        dialect = conn.dialect
        # Bound as the column type binds it (SQLite: SQLAlchemy's text format), done once.
        stamp = _SEGMENTS.c.updated_at.type.dialect_impl(dialect).bind_processor(dialect)
        now = utcnow()
        self._stamp = stamp(now) if stamp else now
        marker = "?" if dialect.paramstyle == "qmark" else "%s"
        quote = dialect.identifier_preparer.quote
        geom = f"ST_GeomFromWKB({marker}, {WGS84})"
        table = quote(_SEGMENTS.name)
        columns = ", ".join(quote(c) for c in _INSERT_COLUMNS)
        values = ", ".join(geom if c == "geom" else marker for c in _INSERT_COLUMNS)
        # Built from the model's own table and column names, never from input.
        self._insert_sql = f"INSERT INTO {table} ({columns}) VALUES ({values})"  # noqa: S608 - model names only
        assignments = [f"{quote(c)} = {marker}" for c in _VALUE_COLUMNS]
        assignments += [f"geom = {geom}", f"version = {marker}", f"updated_at = {marker}"]
        self._update_sql = (
            f"UPDATE {table} SET {', '.join(assignments)} "  # noqa: S608 - model names only
            f"WHERE id = {marker} AND version = {marker}"
        )
        self._sane_rowcount = dialect.supports_sane_multi_rowcount

    @property
    def _conn(self) -> Connection:
        return self.session.connection()

    def write(self, batch: Sequence[OsmRoad]) -> None:
        """Insert, update or confirm one batch of roads (a key twice: the last one wins)."""
        roads = list({road.key: road for road in batch}.values())
        stored = self._stored([road.key for road in roads])
        members = self._members([row.id for row in stored.values()])
        new: list[OsmRoad] = []
        changed: list[tuple[Any, ...]] = []
        for road in roads:
            self._kept.append(road.way_id)
            self.counts.keep(road.tags.road_class, road.length_m, way=_way_part(road.key)[1] < 2)
            row = stored.get(road.key)
            if row is None:
                new.append(road)
                continue
            values = _values(road)
            joins = self.corridor is not None and row.id not in members
            if values == row.values and _same_line(row.wkb, road.wkb) and not joins:
                self.counts.unchanged += 1
                continue
            changed.append((*values, road.wkb, row.version + 1, self._stamp, row.id, row.version))
        self._insert(new)
        self._update(changed)
        self.counts.inserted += len(new)
        self.counts.updated += len(changed)
        if self.corridor is not None:
            self._join_corridor([row.id for row in stored.values() if row.id not in members], new)

    def obsolete(self, ledger: WayLedger | None, *, replace: bool) -> list[int]:
        """Ids of the stored ``osm:`` segments to delete: those of a way in the ledger that
        are not among the pieces it became, and with ``replace`` those of ways not in it.

        Without a ledger, every way written counts as one whole segment.
        """
        if ledger is None:
            ledger = WayLedger(self._kept, array("q", [1]) * len(self._kept))
        t = _SEGMENTS
        query = select(t.c.id, t.c.key).where(t.c.key.startswith(KEY_PREFIX))
        ids, ways, parts = array("q"), array("q"), array("q")
        for segment_id, key in self.session.execute(query):
            way, part = _way_part(key)
            ids.append(segment_id)
            ways.append(way)
            parts.append(part)
        if not ids:
            return []
        seen_ids = np.frombuffer(ledger.ids, dtype=np.int64)
        order = np.argsort(seen_ids, kind="stable")
        seen_ids = seen_ids[order]
        seen_pieces = np.frombuffer(ledger.pieces, dtype=np.int64)[order]
        way_of = np.frombuffer(ways, dtype=np.int64)
        part_of = np.frombuffer(parts, dtype=np.int64)
        at = np.minimum(np.searchsorted(seen_ids, way_of), max(len(seen_ids) - 1, 0))
        seen = (seen_ids[at] == way_of) if len(seen_ids) else np.zeros(len(way_of), bool)
        n = seen_pieces[at] if len(seen_ids) else np.zeros(len(way_of), np.int64)
        wanted = ((n == 1) & (part_of == 0)) | ((n >= 2) & (part_of >= 1) & (part_of <= n))
        drop = (seen & ~wanted) | (~seen if replace else np.zeros(len(seen), dtype=bool))
        return [int(i) for i in np.frombuffer(ids, dtype=np.int64)[drop]]

    def _stored(self, keys: Sequence[str]) -> dict[str, _Stored]:
        t = _SEGMENTS
        wkb = type_coerce(func.ST_AsBinary(t.c.geom), LargeBinary)
        query = select(t.c.key, t.c.id, t.c.version, *(t.c[k] for k in _VALUE_COLUMNS), wkb)
        out = {}
        for key, segment_id, version, *rest in self.session.execute(query.where(t.c.key.in_(keys))):
            *values, geometry = rest
            out[key] = _Stored(
                segment_id, version, tuple(values), None if geometry is None else bytes(geometry)
            )
        return out

    def _members(self, ids: Sequence[int]) -> set[int]:
        if self.corridor is None or not ids:
            return set()
        sc = _MEMBERS
        query = select(sc.c.segment_id).where(
            sc.c.corridor_slug == self.corridor, sc.c.segment_id.in_(ids)
        )
        return set(self.session.scalars(query))

    def _insert(self, roads: Sequence[OsmRoad]) -> None:
        if not roads:
            return
        published = SegmentStatus.published.value
        rows = [
            (r.key, *_values(r), 0, r.wkb, 1, self._stamp, self._stamp, published) for r in roads
        ]
        self._conn.exec_driver_sql(self._insert_sql, rows)

    def _update(self, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        result = cast("CursorResult[Any]", self._conn.exec_driver_sql(self._update_sql, rows))
        if self._sane_rowcount and result.rowcount != len(rows):
            raise OsmImportError("road segments were changed concurrently; nothing was written")

    def _join_corridor(self, ids: list[int], new: Sequence[OsmRoad]) -> None:
        t = _SEGMENTS
        if new:
            ids += self.session.scalars(select(t.c.id).where(t.c.key.in_([r.key for r in new])))
        rows = [{"segment_id": i, "corridor_slug": self.corridor} for i in ids]
        for chunk in _chunks(rows):
            self.session.execute(insert(_MEMBERS), list(chunk))


# SpatiaLite's per-row triggers on INSERT into road_segments: the geometry check, the
# statistics time stamp and the R*Tree entry (see _spatial_work_after_load).
_GEOM_CHECK = "ggi_road_segments_geom"
_INSERT_STAMP = "tmi_road_segments_geom"
_INDEX_INSERT = "gii_road_segments_geom"


@contextmanager
def _spatial_work_after_load(session: Session) -> Iterator[None]:
    """On SpatiaLite, set the insert triggers aside while the body loads rows; then do their
    work once for every row inserted meanwhile, and put them back.  Elsewhere: nothing.

    If the body raises, the triggers stay dropped here: the caller's SAVEPOINT rollback
    restores them with everything else.
    """
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    names = (_GEOM_CHECK, _INSERT_STAMP, _INDEX_INSERT)
    rows = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
        "AND name IN (?, ?, ?)",
        (_SEGMENTS.name, *names),
    )
    triggers: dict[str, str] = dict(rows.all())
    first_new = int(
        conn.exec_driver_sql("SELECT coalesce(max(id), 0) + 1 FROM road_segments").scalar_one()
    )
    for name in triggers:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield
    inserted = conn.exec_driver_sql(
        "SELECT count(*) FROM road_segments WHERE id >= ?", (first_new,)
    ).scalar_one()
    if inserted and _GEOM_CHECK in triggers:
        _check_new_geometries(conn, first_new)
    if inserted and _INDEX_INSERT in triggers:
        conn.exec_driver_sql("DELETE FROM idx_road_segments_geom WHERE pkid >= ?", (first_new,))
        conn.exec_driver_sql(
            "INSERT INTO idx_road_segments_geom (pkid, xmin, xmax, ymin, ymax) "
            "SELECT id, MbrMinX(geom), MbrMaxX(geom), MbrMinY(geom), MbrMaxY(geom) "
            "FROM road_segments WHERE id >= ?",
            (first_new,),
        )
    if inserted and _INSERT_STAMP in triggers:
        conn.exec_driver_sql(
            "UPDATE geometry_columns_time SET last_insert = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
            "WHERE Lower(f_table_name) = 'road_segments' AND Lower(f_geometry_column) = 'geom'"
        )
    for sql in triggers.values():
        conn.exec_driver_sql(sql)


def _check_new_geometries(conn: Connection, first_new: int) -> None:
    """What the geometry-check trigger does, for every row from ``first_new`` on at once."""
    kind, srid = conn.exec_driver_sql(
        "SELECT geometry_type, srid FROM geometry_columns "
        "WHERE f_table_name = 'road_segments' AND f_geometry_column = 'geom'"
    ).one()
    bad = conn.exec_driver_sql(
        "SELECT count(*) FROM road_segments "
        "WHERE id >= ? AND GeometryConstraints(geom, ?, ?) IS NOT 1",
        (first_new, kind, srid),
    ).scalar_one()
    if bad:
        raise OsmImportError(f"{bad} geometries are not EPSG:{srid} lines; nothing was written")


def _delete_vanished(session: Session, ids: Sequence[int], bar: tqdm[Any]) -> None:
    t = _SEGMENTS
    for chunk in _chunks(ids):
        session.execute(delete(t).where(t.c.id.in_(chunk)))
        bar.update(len(chunk))


def upsert_osm(
    session: Session,
    batches: Iterable[Sequence[OsmRoad]],
    *,
    replace: bool = False,
    corridor: str | None = None,
    progress: bool = False,
    ledger: WayLedger | None = None,
) -> OsmWriteCounts:
    """Write batches of roads (upsert by key) in a SAVEPOINT of the caller's transaction.

    Parameters
    ----------
    session
        The caller's session; it is flushed, never committed.
    batches
        The roads, in batches (:func:`~tourroute.network.osm_reader.read_osm` streams
        them); consumed once, inside the SAVEPOINT, so an error while reading them rolls
        back what earlier batches wrote.
    replace
        Also delete the ``osm:`` segments that are not in the batches.
    corridor
        Slug of an existing corridor every imported segment joins; ``None`` leaves
        memberships alone.
    progress
        Show a progress bar on standard error (when it is a terminal) while deleting.
    ledger
        The ways read and the pieces each became, filled while ``batches`` is consumed;
        their other stored segments are deleted.  None: each road written is a whole way.

    Returns
    -------
    OsmWriteCounts
        The segments inserted, updated, left unchanged and deleted; the roads kept (ways
        and metres by road class).

    Raises
    ------
    OsmImportError
        ``corridor`` does not exist, a segment changed concurrently, or the batches could
        not be read; the SAVEPOINT is rolled back, as on any other error or an interrupt,
        so nothing has been written.
    """
    session.flush()
    with session.begin_nested():
        if corridor is not None and session.get(Corridor, corridor) is None:
            raise OsmImportError(f"unknown corridor '{corridor}'")
        writer = _SegmentWriter(session, corridor)
        with _spatial_work_after_load(session):
            for batch in batches:
                writer.write(batch)
        vanished = writer.obsolete(ledger, replace=replace)
        if vanished:
            with progress_bar(
                progress, desc="deleting obsolete segments", unit=" rows", total=len(vanished)
            ) as bar:
                _delete_vanished(session, vanished, bar)
            writer.counts.deleted = len(vanished)
    # The rows were written behind the ORM's back: reload anything it holds.
    session.expire_all()
    return writer.counts
