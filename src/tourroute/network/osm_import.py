"""Import OpenStreetMap highways (``.osm`` / ``.osm.pbf``) as road segments.

This module is the entry point of ``tourroute import osm``; it only ties the three parts
together, so the CLI and scripts have one function to call.

The import runs in two phases.  *Reading* (:mod:`.osm_reader`) streams the file with
pyosmium (node locations cached in memory), maps each ``highway=*`` way's tags to
road-segment columns with the pure functions of :mod:`.osm_tags` and keeps the result in
memory; nothing touches the database, so a corrupt, truncated or unreadable file fails before
anything is written.  *Writing* (:mod:`.osm_writer`) upserts the segments by key
(``osm:w<way id>``) in the caller's transaction, inside a SAVEPOINT: any error or an
interrupt rolls back every row this import wrote and leaves the caller's transaction usable.
Rows are written with bulk ``INSERT``/``UPDATE`` statements in chunks, not one ORM object per
way.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy.orm import Session

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
    return OsmImportReport.of(extract, counts, seconds=time.perf_counter() - started)
