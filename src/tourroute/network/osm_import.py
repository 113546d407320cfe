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

Between reading and writing, each batch is merged with the curated network
(:mod:`.osm_merge`): the published segments that are not ``osm:`` (the seed's corridors,
CT.01, the coastal road, segments curators drew) are read once, before the stream starts,
and a way they duplicate is not written, or only the parts of it they do not cover
(``osm:w<id>.1``, ``.2`` … when it is cut in several); the ways that meet them get a
vertex on a curated vertex, or on a curated line (a T-junction the graph builder splits
the curated segment at), so routes pass from one to the other.  Curated segments
themselves are never written by the import.  The merge depends only on the file and the
curated network, so importing the same file again changes nothing.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from sqlalchemy.orm import Session

from tourroute.db.audit import AuditTrail
from tourroute.network.models import Corridor
from tourroute.network.osm_merge import CuratedNetwork, MergeRules, WayIn
from tourroute.network.osm_reader import OsmExtract, OsmImportError, OsmRoad, lengths_m, read_osm
from tourroute.network.osm_writer import (
    MergeTally,
    OsmImportReport,
    WayLedger,
    curated_lines,
    upsert_osm,
)

__all__ = ["import_osm"]


def import_osm(
    session: Session,
    path: Path,
    *,
    replace: bool = False,
    corridor: str | None = None,
    progress: bool = False,
    rules: MergeRules | None = None,
) -> OsmImportReport:
    """Read ``path``, merge its highways with the curated network and upsert them in the
    caller's transaction (flush, no commit).

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
    rules
        The merge's tolerances; :class:`~tourroute.network.osm_merge.MergeRules` defaults
        when omitted.

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
    network = CuratedNetwork(curated_lines(session), rules)
    tally, ledger = MergeTally(), WayLedger()
    counts = upsert_osm(
        session,
        _merged(extract, network, tally, ledger),
        replace=replace,
        corridor=corridor,
        progress=progress,
        ledger=ledger,
    )
    report = OsmImportReport.of(extract, counts, seconds=time.perf_counter() - started, merge=tally)
    if report.inserted or report.updated or report.deleted:
        _audit(session, report, replace=replace, corridor=corridor)
    return report


def _merged(
    extract: OsmExtract, network: CuratedNetwork, tally: MergeTally, ledger: WayLedger
) -> Iterator[list[OsmRoad]]:
    """The file's batches of roads, merged with the curated network: a way it replaces
    whole is left out, a cut way becomes its pieces (``osm:w<id>.<n>`` when several, each
    measured again); ``tally`` and ``ledger`` fill as the batches go."""
    for batch in extract:
        if not batch:
            continue
        coords, index = shapely.get_coordinates(
            shapely.from_wkb([r.wkb for r in batch]), return_index=True
        )
        bounds = np.flatnonzero(np.diff(index)) + 1
        ways = [
            WayIn(c, r.tags.road_class == "motorway")
            for c, r in zip(np.split(coords, bounds), batch, strict=True)
        ]
        out: list[OsmRoad] = []
        cut: list[tuple[OsmRoad, int, int]] = []  # (road, piece number, pieces) of changed ways
        pieces: list[np.ndarray[Any, np.dtype[np.float64]]] = []
        for road, merged in zip(batch, network.merge(ways), strict=True):
            tally.junctions += merged.joined
            tally.junctions_on_line += merged.on_line
            tally.replaced_m += merged.replaced_m
            tally.replaced_ways += merged.dropped
            tally.trimmed_ways += merged.trimmed
            ledger.note(road.way_id, len(merged.pieces))
            if not merged.changed:
                out.append(road)
                continue
            n = len(merged.pieces)
            cut += [(road, k, n) for k in range(1, n + 1)]
            pieces += merged.pieces
        if pieces:
            out += _pieces(cut, pieces)
        yield out


def _pieces(
    cut: list[tuple[OsmRoad, int, int]], pieces: list[np.ndarray[Any, np.dtype[np.float64]]]
) -> list[OsmRoad]:
    """The segments the kept pieces of changed ways become, each measured again: a way's
    own key when it kept one piece, else ``<key>.1`` … ``<key>.n`` in order along it.
    One vectorised pass for a batch's pieces."""
    lines = shapely.linestrings(
        np.concatenate(pieces), indices=np.repeat(np.arange(len(pieces)), [len(p) for p in pieces])
    )
    wkbs = [bytes(w) for w in shapely.to_wkb(lines)]
    lengths = lengths_m(wkbs)
    out = []
    for (road, k, n), wkb, length in zip(cut, wkbs, lengths, strict=True):
        if n == 1:
            out.append(dataclasses.replace(road, wkb=wkb, length_m=float(length)))
        else:
            out.append(
                dataclasses.replace(
                    road,
                    key=f"{road.key}.{k}",
                    wkb=wkb,
                    length_m=float(length),
                    source=f"{road.source}; part {k} of {n}",
                )
            )
    return out


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
            "replaced_by_curated": {
                "ways": report.merge.replaced_ways,
                "trimmed_ways": report.merge.trimmed_ways,
                "km": round(report.merge.replaced_m / 1000, 3),
                "junctions": report.merge.junctions,
                "junctions_on_line": report.merge.junctions_on_line,
            },
            "replace": replace,
            "corridor": corridor,
        },
    )
    session.flush()
