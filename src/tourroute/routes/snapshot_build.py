"""Build the road graph of the committed network and save its snapshot, as a process of its
own: ``python -m tourroute.routes.snapshot_build DIRECTORY [PREVIOUS]``.

Why a separate process: building the complete regional network takes ~20 s, much of it in
C code that holds the interpreter lock (RoutingKit's node ordering), and a uvicorn worker
that cannot answer its supervisor's 5-second health check for that long is killed and
restarted, forever.  Here the worker only waits for a child, then memory-maps what the child
saved; the build's ~1 GiB of temporary memory is never the worker's either.

The database is the one the environment configures (``TOURROUTE_DATABASE_URL`` and
``TOURROUTE_DATA_DIR``: the parent passes its own); ``PREVIOUS`` is the directory of the
previous version's snapshot, whose node order is carried over when it fits.  The version
built is printed on the last line of stdout.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy.orm import Session

from tourroute.config import Settings
from tourroute.db.engine import create_db_engine
from tourroute.network.repository import NetworkRepository
from tourroute.routes.graph_cache import GraphCache
from tourroute.routing.graph import RoadGraph


def build_snapshot(directory: Path, previous: Path | None) -> str:
    """Build the committed network's graph and save it under ``directory/<version>``.

    Parameters
    ----------
    directory
        The snapshot directory.
    previous
        A snapshot whose CCH node order may be carried over, or ``None``.

    Returns
    -------
    str
        The network version built (already there: nothing is rebuilt).
    """
    engine = create_db_engine(Settings())
    try:
        with Session(engine) as session:
            version = NetworkRepository(session).version()
            if RoadGraph.load(directory / version) is not None:
                return version
            old = RoadGraph.load(previous) if previous is not None else None
            graph = GraphCache._build(session, version, old)
            graph.road.save(directory / version)
            return version
    finally:
        engine.dispose()


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print("usage: python -m tourroute.routes.snapshot_build DIRECTORY [PREVIOUS]")
        return 2
    previous = Path(argv[1]) if len(argv) == 2 else None
    print(build_snapshot(Path(argv[0]), previous))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
