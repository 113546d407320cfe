"""The road graph of the complete regional network: build, snapshot, cold start, rebuild,
memory, and route / matrix / isochrone speed, against issue 15's targets.

``python -m benchmarks graph`` (part of ``make bench``).  The database is the seed plus the
2021 OpenStreetMap import (``benchmarks.full_network.prepare``: ``BENCH_FULL_DATA_DIR`` names
an already imported one to copy).  Each stage that a worker would do at start-up runs in a
fresh process, so its time and memory are a worker's:

1. **build**: no snapshot yet: the graph is built from the database and saved;
2. **cold start**: a new process memory-maps that snapshot, warms every vehicle's metric and
   freezes the collector, as ``tourroute serve``'s workers do; then times A→B car, motorbike
   and ``avoid`` routes between random points of the region (snapping and full geometry
   included), a 100×100 matrix and 60-minute isochrones (reach + area), and reports its
   resident and proportional memory (shared snapshot pages counted once across workers);
3. **rebuild**: the graph of a changed network, with the previous version's node order
   carried over (what a curation edit or re-import costs).

Prints tables; asserts nothing.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SEED = 7
REGION = (104.5, 18.0, 106.0, 20.5)  # lon/lat box over the three provinces' road network
CITIES = {
    "Thanh Hóa": (105.77, 19.80),
    "Vinh": (105.69, 18.67),
    "Hà Tĩnh": (105.90, 18.34),
}


def _say(text: str = "") -> None:
    print(text, flush=True)


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered)) - 1))]


def _memory_mib() -> tuple[float, float]:
    """(resident, proportional) MiB of this process; PSS counts shared pages once."""
    rss = pss = float("nan")
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
    try:
        for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss, pss


def _graph(data_dir: Path, snapshots: bool) -> tuple[Any, float]:
    from sqlalchemy.orm import Session

    from tourroute.config import Settings
    from tourroute.db.engine import create_db_engine
    from tourroute.routes.graph_cache import GraphCache

    engine = create_db_engine(Settings(data_dir=data_dir, database_url=""))
    cache = GraphCache()
    if snapshots:
        cache.persist_in(data_dir / "graphs")
    with Session(engine) as session:
        started = time.perf_counter()
        graph = cache.get(session)
        took = time.perf_counter() - started
    engine.dispose()
    return graph, took


def child_build(data_dir: Path) -> dict[str, Any]:
    """Stage 1, in its own process: build from the database and save the snapshot."""
    graph, took = _graph(data_dir, snapshots=True)
    rss, pss = _memory_mib()
    return {
        "build_s": took,
        "nodes": graph.road.node_count,
        "arcs": graph.road.arc_count,
        "rss": rss,
        "pss": pss,
    }


def child_serve(data_dir: Path, pairs: int) -> dict[str, Any]:
    """Stage 2, in its own process: what a worker does, then the timed queries."""
    import gc

    from tourroute.routing import NoRoute, SnapError
    from tourroute.routing.reach_grid import reach_area_lines

    graph, load_s = _graph(data_dir, snapshots=True)
    rss_loaded, pss_loaded = _memory_mib()
    started = time.perf_counter()
    graph.router.warm()
    gc.freeze()
    warm_s = time.perf_counter() - started
    router = graph.router
    rng = random.Random(SEED)  # noqa: S311 (reproducible points, not secrets)
    lon0, lat0, lon1, lat1 = REGION
    points = [
        (
            (rng.uniform(lon0, lon1), rng.uniform(lat0, lat1)),
            (rng.uniform(lon0, lon1), rng.uniform(lat0, lat1)),
        )
        for _ in range(pairs)
    ]
    routes: dict[str, dict[str, float]] = {}
    for label, model in [
        ("car", router.model("car")),
        ("motorbike", router.model("motorbike")),
        ("car, avoid toll + unpaved", router.model("car", avoid=("toll", "unpaved"))),
        ("coach, shortest", router.model("coach", "shortest")),
    ]:
        router.route(CITIES["Thanh Hóa"], CITIES["Vinh"], model)  # its metric, cached
        samples: list[float] = []
        for a, b in points:
            t = time.perf_counter()
            try:
                router.route(a, b, model)
            except (NoRoute, SnapError):  # in Laos or the sea: no road within 20 km
                continue
            samples.append((time.perf_counter() - t) * 1000)
        routes[label] = {"n": len(samples), "p50": _pct(samples, 0.5), "p99": _pct(samples, 0.99)}
    car = router.model("car")
    snaps = []
    for a, _ in points:
        try:
            snaps.append(router.snap(a, car))
        except (NoRoute, SnapError):
            continue
        if len(snaps) == 100:
            break
    matrix_ms = []
    for _ in range(3):
        t = time.perf_counter()
        router.matrix(snaps, snaps, car, False)
        matrix_ms.append((time.perf_counter() - t) * 1000)
    isochrones = {}
    router.reachable(router.snap(CITIES["Vinh"], car), car, 60)  # the timed graph, cached
    for city, where in CITIES.items():
        origin = router.snap(where, car)
        runs = []  # 5 runs: the first touches the snapshot's pages, the others as served
        for _ in range(5):
            t = time.perf_counter()
            reach = router.reachable(origin, car, 3600)
            reach_ms = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            reach_area_lines(reach.vertices, reach.line_starts, origin.on_road, 500)
            runs.append((reach_ms, (time.perf_counter() - t) * 1000))
        isochrones[city] = {
            "reach": statistics.median(r[0] for r in runs),
            "area": statistics.median(r[1] for r in runs),
            "first": sum(runs[0]),
            "steps": len(reach.vertices) - len(reach.line_starts),
        }
    rss, pss = _memory_mib()
    return {
        "load_s": load_s,
        "warm_s": warm_s,
        "rss_loaded": rss_loaded,
        "pss_loaded": pss_loaded,
        "routes": routes,
        "matrix_ms": min(matrix_ms),
        "matrix_n": len(snaps),
        "isochrones": isochrones,
        "rss": rss,
        "pss": pss,
    }


def child_rebuild(data_dir: Path) -> dict[str, Any]:
    """Stage 3: build a new version with the loaded one's node order carried over."""
    from sqlalchemy.orm import Session

    from tourroute.config import Settings
    from tourroute.db.engine import create_db_engine
    from tourroute.routes.graph_cache import GraphCache

    graph, _ = _graph(data_dir, snapshots=True)
    engine = create_db_engine(Settings(data_dir=data_dir, database_url=""))
    with Session(engine) as session:
        started = time.perf_counter()
        GraphCache._build(session, "rebuild", graph.road)
        carried = time.perf_counter() - started
        started = time.perf_counter()
        GraphCache._build(session, "fresh", None)
        fresh = time.perf_counter() - started
    engine.dispose()
    return {"carried_s": carried, "fresh_s": fresh}


def _child(stage: str, data_dir: Path, *args: str) -> dict[str, Any]:
    env = {**os.environ, "SPATIALITE_LIBRARY_PATH": "mod_spatialite"}
    done = subprocess.run(  # noqa: S603 (this module, in a fresh interpreter)
        [sys.executable, "-m", "benchmarks.graph_lifecycle", stage, str(data_dir), *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if done.returncode != 0:
        raise RuntimeError(f"stage {stage} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


Row = tuple[str, str, str, bool]  # stage, value, target, met


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    from tests.serving_helpers import server_env

    from benchmarks.full_network import prepare

    quick = os.environ.get("BENCH_QUICK") == "1"
    network = os.environ.get("BENCH_FULL_NETWORK") or ("seed" if quick else "full")
    pairs = int(os.environ.get("BENCH_GRAPH_PAIRS", "60" if quick else "400"))
    workdir = Path(tempfile.mkdtemp(prefix="tourroute-bench-graph-"))
    data_dir = workdir / "data"
    try:
        env = server_env(data_dir=data_dir, metrics_dir=workdir / "metrics")
        _say(f"\n# graph — the road graph's life on the {network} network")
        _say(prepare(data_dir, env, network))
        built = _child("build", data_dir)
        served = _child("serve", data_dir, str(pairs))
        rebuilt = _child("rebuild", data_dir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    _say(f"graph: {built['nodes']:,} nodes, {built['arcs']:,} arcs; {pairs} random point pairs")

    def at_most(label: str, value: float, limit: float, unit: str, digits: int = 1) -> Row:
        return (label, f"{value:.{digits}f} {unit}", f"≤ {limit:g} {unit}", value <= limit)

    rows: list[Row] = [
        at_most("build from the database + save the snapshot", built["build_s"], 30, "s"),
        at_most("rebuild after a change (node order carried over)", rebuilt["carried_s"], 30, "s"),
        at_most("rebuild, node order computed afresh", rebuilt["fresh_s"], 30, "s"),
        at_most("cold start: load the snapshot", served["load_s"], 5, "s", 2),
        ("  + warm every vehicle's metric", f"{served['warm_s']:.2f} s", "", True),
        (
            "memory of the building process (RSS)",
            f"{built['rss']:.0f} MiB",
            "< 1 GiB",
            built["rss"] < 1024,
        ),
        (
            "worker memory after queries: RSS / PSS",
            f"{served['rss']:.0f} / {served['pss']:.0f} MiB",
            "< 1 GiB",
            served["pss"] < 1024,
        ),
    ]
    for label, r in served["routes"].items():
        rows.append(at_most(f"A→B route, {label} (n={r['n']}): p50", r["p50"], 5, "ms"))
        rows.append(at_most(f"A→B route, {label}: p99", r["p99"], 30, "ms"))
    n = served["matrix_n"]
    rows.append(at_most(f"{n}×{n} matrix (durations)", served["matrix_ms"], 1000, "ms", 0))
    for city, iso in served["isochrones"].items():
        total = iso["reach"] + iso["area"]
        rows.append(
            (
                f"60-min isochrone from {city} ({iso['steps']:,} road steps): reach + area"
                f" (p50 of 5; first {iso['first']:.0f} ms)",
                f"{iso['reach']:.0f} + {iso['area']:.0f} ms",
                "≤ 200 ms",
                total <= 200,
            )
        )
    width = max(len(r[0]) for r in rows)
    _say(f"{'stage':<{width}}  {'value':>16}  {'target':>8}  status")
    for label, value, target, ok in rows:
        _say(f"{label:<{width}}  {value:>16}  {target:>8}  {_met(ok) if target else ''}")


if __name__ == "__main__":
    stage, where = sys.argv[1], Path(sys.argv[2])
    if stage == "build":
        out = child_build(where)
    elif stage == "serve":
        out = child_serve(where, int(sys.argv[3]))
    else:
        out = child_rebuild(where)
    print(json.dumps(out))
