"""Reading OpenStreetMap files (``.osm`` / ``.osm.pbf``) before anything is written.

This module exists so reading stays apart from writing: the whole file is streamed and
mapped into memory first, so a missing, corrupt, truncated or unreadable file fails before
the database is touched.  The places importers (:mod:`tourroute.sites.osm_places`,
:mod:`tourroute.sites.places_import`) share its file check, progress bar and
:class:`OsmImportError`; they never need the road writer.

:func:`read_osm` streams the file with pyosmium (node locations cached in memory) and maps
each ``highway=*`` way's tags with :func:`~tourroute.network.osm_tags.map_tags`.  Ways are not
split: one way is one segment (the routing graph splits segments at shared vertices anyway),
so every key is ``osm:w<id>``; the same way twice (a history or merged file) keeps the last.
Ways with a node whose location is missing from the file, or with fewer than two distinct
positions, are skipped and counted.  Each road's ``source`` reads
``OpenStreetMap way <id> (© OpenStreetMap contributors, ODbL); file <name>``.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import osmium
import osmium.filter
from tqdm import tqdm

from tourroute.network.osm_tags import RoadTags, SkipReason, map_tags
from tourroute.routing.graph import Coord, line_length_m

__all__ = [
    "KEY_PREFIX",
    "OsmExtract",
    "OsmImportError",
    "OsmRoad",
    "check_readable",
    "progress_bar",
    "read_osm",
]

KEY_PREFIX = "osm:"


class OsmImportError(Exception):
    """The file cannot be imported (missing, unreadable, corrupt) or an option is invalid."""


@dataclass(frozen=True)
class OsmRoad:
    """One kept way: its segment key, mapped tags, cleaned geometry and source text."""

    key: str
    way_id: int
    tags: RoadTags
    coords: tuple[Coord, ...]
    source: str

    def columns(self) -> dict[str, Any]:
        """The ``road_segment`` column values of this road, geometry and key aside.

        Returns
        -------
        dict[str, Any]
            The tag columns (:meth:`RoadTags.columns`) and ``source``.
        """
        return {**self.tags.columns(), "source": self.source}


@dataclass
class OsmExtract:
    """What one file holds: the roads to write and the counts for the report."""

    file: Path
    roads: dict[str, OsmRoad] = field(default_factory=dict)
    ways_read: int = 0
    kept: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    length_m: float = 0.0


def check_readable(path: Path) -> None:
    """Check that ``path`` is a file that can be opened and read.

    Parameters
    ----------
    path
        The file to import.

    Raises
    ------
    OsmImportError
        ``path`` does not exist, is not a file, or cannot be read.
    """
    if not path.exists():
        raise OsmImportError(f"{path}: no such file")
    if not path.is_file():
        raise OsmImportError(f"{path}: not a file")
    try:
        with path.open("rb") as f:
            f.read(1)
    except OSError as exc:
        raise OsmImportError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def progress_bar(enabled: bool, **kwargs: Any) -> tqdm[Any]:
    """A progress bar on standard error, shown only when asked for and stderr is a terminal.

    Parameters
    ----------
    enabled
        Whether the caller wants progress shown.
    **kwargs
        Passed on to :class:`tqdm.tqdm` (``desc``, ``unit``, ``total`` …).

    Returns
    -------
    tqdm.tqdm
        The bar; a disabled one still counts and can be closed or used as a context manager.
    """
    return tqdm(disable=not enabled or not sys.stderr.isatty(), file=sys.stderr, **kwargs)


def read_osm(path: Path, *, progress: bool = False) -> OsmExtract:
    """Read every ``highway=*`` way of an OSM file and map it to a road or a skip reason.

    Parameters
    ----------
    path
        The ``.osm`` or ``.osm.pbf`` file.
    progress
        Show a progress bar on standard error (when it is a terminal).

    Returns
    -------
    OsmExtract
        The roads to write, keyed ``osm:w<way id>``, and the counts for the report.

    Raises
    ------
    OsmImportError
        The file is missing or unreadable, or pyosmium cannot parse it.
    """
    check_readable(path)
    extract = OsmExtract(path)
    processor = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
        .with_filter(osmium.filter.KeyFilter("highway"))
    )
    bar = progress_bar(progress, desc="reading highways", unit=" ways")
    try:
        for way in processor:
            if not isinstance(way, osmium.osm.Way):
                continue
            bar.update()
            extract.ways_read += 1
            _keep_way(extract, way)
    except RuntimeError as exc:  # pyosmium reports open, format and parse errors this way
        raise OsmImportError(f"{path}: cannot read OSM data: {exc}") from exc
    finally:
        bar.close()
    return extract


def _clean_line(coords: Iterable[Coord]) -> tuple[Coord, ...] | None:
    """Drop consecutive repeated positions; ``None`` if fewer than two remain."""
    out: list[Coord] = []
    for c in coords:
        if not out or out[-1] != c:
            out.append(c)
    return tuple(out) if len(out) >= 2 else None


def _keep_way(extract: OsmExtract, way: osmium.osm.Way) -> None:
    mapped = map_tags({tag.k: tag.v for tag in way.tags})
    if isinstance(mapped, SkipReason):
        extract.skipped[mapped.value] += 1
        return
    positions: list[Coord] = []
    for node in way.nodes:
        location = node.location
        if not location.valid():
            extract.skipped[SkipReason.missing_nodes.value] += 1
            return
        positions.append((location.lon, location.lat))
    coords = _clean_line(reversed(positions) if mapped.reverse else positions)
    if coords is None:
        extract.skipped[SkipReason.degenerate.value] += 1
        return
    key = f"{KEY_PREFIX}w{way.id}"
    if key in extract.roads:  # the same way twice (a history or merged file): last one wins
        old = extract.roads.pop(key)
        extract.kept[old.tags.road_class] -= 1
        extract.length_m -= line_length_m(old.coords)
    source = (
        f"OpenStreetMap way {way.id} (© OpenStreetMap contributors, ODbL); file {extract.file.name}"
    )
    extract.roads[key] = OsmRoad(key, way.id, mapped, coords, source)
    extract.kept[mapped.road_class] += 1
    extract.length_m += line_length_m(coords)
