"""Import OpenStreetMap highways (``.osm`` / ``.osm.pbf``) as road segments.

This module is the entry point of ``tourroute import osm``; it only ties the three parts
together, so the CLI and scripts have one function to call.

The import streams: :mod:`.osm_reader` reads the file with pyosmium (node locations cached
in memory) and maps each ``highway=*`` way's tags with the pure functions of
:mod:`.osm_tags`, yielding the roads in batches; :mod:`.osm_writer` upserts each batch by key
(``osm:w<way id>``) as it comes, in the caller's transaction, inside one SAVEPOINT.  Memory
is bounded by a batch (plus the node locations and one id per way), not by the file.  Any
error — a file found corrupt or truncated half-way included — or an interrupt rolls back
every row this import wrote and leaves the caller's transaction usable.  A missing or
unreadable file, or an unknown corridor, fails before anything is written.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy.orm import Session

from tourroute.db.audit import AuditTrail
from tourroute.network.models import Corridor
from tourroute.network.osm_reader import OsmImportError, read_osm
from tourroute.network.osm_writer import OsmImportReport, upsert_osm

__all__ = ["import_osm"]


def import_osm(
    session: Session,
    path: Path,
    *,
    replace: bool = False,
    corridor: str | None = None,
    progress: bool = False,
) -> OsmImportReport:
    """Read ``path`` and upsert its highways in the caller's transaction (flush, no commit).

    Parameters
    ----------
    session
        The caller's session; it is flushed, never committed.
    path
        The ``.osm`` or ``.osm.pbf`` file.
    replace
        Also delete the ``osm:`` segments that are not in the file.
    corridor
        Slug of an existing corridor every imported segment joins; ``None`` leaves
        memberships alone.
    progress
        Show progress bars on standard error (when it is a terminal).

    Returns
    -------
    OsmImportReport
        What was read, kept, skipped and written; ``summary()`` is what the CLI prints.

    Raises
    ------
    OsmImportError
        A missing, unreadable or corrupt file or an unknown corridor; then, as on any other
        error or an interrupt, nothing has been written.
    """
    started = time.perf_counter()
    if corridor is not None and session.get(Corridor, corridor) is None:
        raise OsmImportError(f"unknown corridor '{corridor}'")
    extract = read_osm(path, progress=progress)
    counts = upsert_osm(session, extract, replace=replace, corridor=corridor, progress=progress)
    report = OsmImportReport.of(extract, counts, seconds=time.perf_counter() - started)
    if report.inserted or report.updated or report.deleted:
        _audit(session, report, replace=replace, corridor=corridor)
    return report


def _audit(
    session: Session, report: OsmImportReport, *, replace: bool, corridor: str | None
) -> None:
    """One audit entry per import that wrote anything, in the import's transaction: what was
    read and what changed (per-segment entries would be hundreds of thousands of rows for
    the regional file, and say nothing the counts do not)."""
    AuditTrail(session).record(
        None,
        "network.import",
        "network",
        report.file,
        before=None,
        after={
            "file": report.file,
            "inserted": report.inserted,
            "updated": report.updated,
            "deleted": report.deleted,
            "unchanged": report.unchanged,
            "kept_by_class": dict(report.kept),
            "replace": replace,
            "corridor": corridor,
        },
    )
    session.flush()
