"""Routing speed: the CCH against plain Dijkstra and pgRouting, on three networks.

* **regional** — the real seed in a scratch SpatiaLite database, the graph built the way
  the service builds it; site-to-site queries (node-to-node CCH cost, full ``Router.route``
  with snapping, path, geometry and breakdowns) against the plain-Python reference
  Dijkstra, and a 50×50 site matrix against 50 one-to-all Dijkstras;
* **andorra** — ``andorra.osm.pbf`` imported by ``tourroute.network.osm_import`` into a
  scratch SpatiaLite database; random node pairs;
* **synthetic** — the seeded road-like generator of :mod:`benchmarks.synthetic_network`
  (≥ 250,000 nodes); random node pairs, path unpacking, a 100×100 matrix, memory.

For andorra and synthetic, pgRouting's ``pgr_dijkstra`` answers the same pairs on the same
edges: one row per arc with the CCH's own integer weights divided by its scale, so both
must find exactly the same cost (a mismatch is a bug and is counted, never hidden).  Each
network runs in a fresh child process (``spawn``), so ``ru_maxrss`` is that network's peak
memory alone.  Every engine answers the same pairs (pgRouting and the Python Dijkstra may
take a leading subset of them, said in the table).  Costs are car/fastest, in seconds.
Nothing here asserts a timing: the tables end with the targets, met or not.

Sizes: ``BENCH_QUICK=1`` (``python -m benchmarks --quick``) shrinks everything;
``BENCH_ROUTING_PAIRS``, ``BENCH_SYNTHETIC_NODES``, ``BENCH_PGR_PAIRS``,
``BENCH_PGR_PAIRS_SYNTHETIC``, ``BENCH_DIJKSTRA_PAIRS_SYNTHETIC``, ``BENCH_MATRIX_REPEAT``
override one each, and ``BENCH_ROUTING_PARTS`` (``regional,andorra,synthetic``) picks
networks.  pgRouting needs ``TOURROUTE_BENCH_POSTGRES_URL`` and the ``pgrouting`` extension
in that database (``make bench`` creates it); without them that column is skipped with a
note.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from tourroute.config import Settings
from tourroute.db import migrate
from tourroute.db.engine import create_db_engine
from tourroute.network.repository import NetworkRepository
from tourroute.provinces.repository import ProvinceRepository
from tourroute.routes.graph_cache import GraphCache
from tourroute.routing.fast import _SCALE, INF_WEIGHT, FastRouter
from tourroute.routing.graph import RoadGraph, build_graph
from tourroute.routing.profiles import PROFILES, Preference, Vehicle
from tourroute.routing.route import NoRoute, RouteCost, Router, main_component, search
from tourroute.routing.snap import Snapper
from tourroute.seed import load_seed
from tourroute.sites.models import Site

REPO = Path(__file__).resolve().parents[1]
SEED_DIR = REPO / "seed"
ANDORRA = Path(os.environ.get("BENCH_ANDORRA_PBF", "/work/shared/data/osm/andorra.osm.pbf"))
SEED = 20261122
MIB = 1024 * 1024
TOLERANCE = 1e-6  # relative: pgRouting and the CCH sum the same integer weights
_T = TypeVar("_T")
_R = TypeVar("_R")


def _env_int(name: str, normal: int, quick: int) -> int:
    value = os.environ.get(name)
    if value:
        return int(value)
    return quick if os.environ.get("BENCH_QUICK") == "1" else normal


def _sizes() -> dict[str, int]:
    return {
        "pairs": _env_int("BENCH_ROUTING_PAIRS", 1000, 200),
        "nodes": _env_int("BENCH_SYNTHETIC_NODES", 250_000, 50_000),
        "pgr_pairs": _env_int("BENCH_PGR_PAIRS", 1000, 100),
        "pgr_pairs_synthetic": _env_int("BENCH_PGR_PAIRS_SYNTHETIC", 50, 20),
        "dijkstra_pairs_synthetic": _env_int("BENCH_DIJKSTRA_PAIRS_SYNTHETIC", 10, 5),
        "matrix_repeat": _env_int("BENCH_MATRIX_REPEAT", 20, 5),
    }


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Timing:
    """Latency percentiles of one engine over a list of queries, in milliseconds."""

    label: str
    count: int
    p50: float
    p95: float
    note: str = ""

    @classmethod
    def of(cls, label: str, samples_ms: Sequence[float], note: str = "") -> Timing:
        ordered = sorted(samples_ms)
        return cls(
            label,
            len(ordered),
            statistics.median(ordered),
            ordered[int(0.95 * (len(ordered) - 1))],
            note,
        )


def _each(fn: Callable[[_T], _R], items: Sequence[_T]) -> tuple[list[float], list[_R]]:
    """Run ``fn`` on every item; (milliseconds per call, results)."""
    samples: list[float] = []
    results: list[_R] = []
    for item in items:
        start = time.perf_counter()
        out = fn(item)
        samples.append((time.perf_counter() - start) * 1000)
        results.append(out)
    return samples, results


@contextmanager
def _stopwatch(into: dict[str, float], key: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    into[key] = time.perf_counter() - start


def _rss_mib() -> float:
    """Resident memory now (not the peak), from /proc."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MIB
    except OSError:
        return float("nan")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _say(text: str = "") -> None:
    print(text, flush=True)


def _table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(header)]
    line = "  ".join(
        f"{h:<{w}}" if i == 0 else f"{h:>{w}}"
        for i, (h, w) in enumerate(zip(header, widths, strict=True))
    )
    _say(f"\n## {title}")
    _say(line)
    _say("-" * len(line))
    for r in rows:
        _say(
            "  ".join(
                f"{c:<{w}}" if i == 0 else f"{c:>{w}}"
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )


def _ms(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _ratio(value: float) -> str:
    return f"×{value:,.0f}" if value >= 10 else f"×{value:.2f}"


def _timing_rows(timings: Sequence[Timing], pgr: Timing | None) -> list[list[str]]:
    rows = []
    for t in timings:
        ratio = _ratio(pgr.p50 / t.p50) if pgr is not None and t is not pgr else ""
        rows.append([t.label, f"{t.count:,}", _ms(t.p50), _ms(t.p95), ratio, t.note])
    return rows


TIMING_HEADER = ["engine", "pairs", "p50 ms", "p95 ms", "pgr p50 / p50", "note"]


def _car() -> RouteCost:
    return RouteCost(PROFILES[Vehicle.car], Preference.fastest)


def _warm_metric(fast: FastRouter, model: RouteCost, node: int) -> float:
    """Customise the model's metric (weights + CCH customisation); seconds taken."""
    start = time.perf_counter()
    fast.node_cost(model, node, node)
    return time.perf_counter() - start


def _node_pairs(nodes: Sequence[int], count: int, rng: random.Random) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    while len(pairs) < count:
        a, b = rng.choice(nodes), rng.choice(nodes)
        if a != b:
            pairs.append((a, b))
    return pairs


def _relative_gap(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b), 1e-12)


# --- pgRouting ------------------------------------------------------------------------------


@dataclass
class PgrResult:
    timing: Timing | None = None
    load_s: float = 0.0
    checked: int = 0
    mismatches: list[str] = field(default_factory=list)
    skipped: str = ""


def _pg_url() -> str | None:
    return os.environ.get("TOURROUTE_BENCH_POSTGRES_URL") or None


def _pgr_compare(
    name: str,
    fast: FastRouter,
    model: RouteCost,
    pairs: Sequence[tuple[int, int]],
    ours: Sequence[float | None],
) -> PgrResult:
    """Load the CCH's arcs into PostGIS and answer ``pairs`` with ``pgr_dijkstra``."""
    url = _pg_url()
    if not url:
        return PgrResult(skipped="no TOURROUTE_BENCH_POSTGRES_URL (`make bench` sets it)")
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    table = f"bench_routing_edges_{name}"
    result = PgrResult()
    try:
        conn = psycopg.connect(conninfo, autocommit=True)
    except psycopg.Error as exc:
        return PgrResult(skipped=f"cannot connect to PostgreSQL: {exc}")
    with conn:
        has = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pgrouting'").fetchone()
        if has is None:
            try:
                conn.execute("CREATE EXTENSION pgrouting")
            except psycopg.Error as exc:
                return PgrResult(
                    skipped="extension pgrouting missing in that database and cannot be "
                    f"created by this user ({exc.diag.message_primary}); `make bench` creates it"
                )
        scale = _SCALE[model.preference]  # the CCH's own: seconds → ms, metres → dm
        start = time.perf_counter()
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute(
            f"CREATE TABLE {table} (id bigint, source bigint, target bigint, cost double precision)"
        )
        weights = fast.weights(model)
        with (
            conn.cursor() as cur,
            cur.copy(f"COPY {table} (id, source, target, cost) FROM STDIN") as copy,
        ):
            for arc, (u, v, w) in enumerate(zip(fast.tails, fast.heads, weights, strict=True)):
                if w < INF_WEIGHT:
                    copy.write_row((arc + 1, int(u) + 1, int(v) + 1, w / scale))
        conn.execute(f"ANALYZE {table}")
        result.load_s = time.perf_counter() - start
        edges_sql = f"SELECT id, source, target, cost FROM {table}"  # noqa: S608 (our name)
        query = (
            "SELECT agg_cost FROM pgr_dijkstra(%s, %s::bigint, %s::bigint, directed => true) "
            "WHERE edge = -1"
        )

        def run(pair: tuple[int, int]) -> float | None:
            row = conn.execute(query, (edges_sql, pair[0] + 1, pair[1] + 1))
            found = row.fetchone()
            return None if found is None else float(found[0])

        try:
            samples, answers = _each(run, pairs)
        finally:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
    result.timing = Timing.of("pgr_dijkstra (PostGIS, same weights)", samples)
    for (a, b), mine, theirs in zip(pairs, ours, answers, strict=False):
        result.checked += 1
        if mine is None or theirs is None:
            if mine is not theirs:
                result.mismatches.append(f"{a}→{b}: ours {mine}, pgr {theirs}")
        elif _relative_gap(mine, theirs) > TOLERANCE:
            result.mismatches.append(f"{a}→{b}: ours {mine!r}, pgr {theirs!r}")
    return result


def _pgr_note(pgr: PgrResult, total_pairs: int) -> str:
    if pgr.timing is None:
        return f"pgRouting skipped: {pgr.skipped}"
    subset = "" if pgr.checked >= total_pairs else f" (the first {pgr.checked:,} of the pairs)"
    lines = [
        f"pgRouting: edges loaded in {pgr.load_s:.1f} s; {pgr.checked:,} pairs{subset} "
        f"checked against the CCH node-to-node cost, |Δ| ≤ {TOLERANCE:g} relative: "
        f"{len(pgr.mismatches)} mismatches"
    ]
    lines += [f"  MISMATCH {m}" for m in pgr.mismatches[:10]]
    return "\n".join(lines)


# --- (a) the seeded regional network ------------------------------------------------------


def _service_graph(session: Session, t: dict[str, float]) -> tuple[RoadGraph, Router]:
    """What ``GraphCache._build`` does, one timed stage at a time."""
    with _stopwatch(t, "segments"):
        columns = NetworkRepository(session).segment_columns()
        areas = []
        for p in ProvinceRepository(session).list():
            area = to_shape(p.boundary)
            shapely.prepare(area)
            areas.append((p.code, area))

    with _stopwatch(t, "graph"):
        road = build_graph(columns, provinces=areas)
    with _stopwatch(t, "snapper"):
        snapper = Snapper(road)
    with _stopwatch(t, "cch"):
        router = Router(road, snapper)
    return road, router


def _fast(router: Router) -> FastRouter:
    if router.fast is None:
        raise RuntimeError("Router(road) derives a CCH; this one has none")
    return router.fast


def _scratch_spatialite(tmp: str) -> Settings:
    settings = Settings(data_dir=Path(tmp), database_url="", seed_dir=SEED_DIR)
    migrate.upgrade(settings)
    return settings


def regional() -> dict[str, Any]:
    sizes = _sizes()
    rng = random.Random(SEED)  # noqa: S311 (reproducible pairs, not secrets)
    t: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="tourroute-bench-routing-") as tmp:
        settings = _scratch_spatialite(tmp)
        engine = create_db_engine(settings)
        with _stopwatch(t, "seed"), Session(engine) as session, session.begin():
            load_seed(session, SEED_DIR)
        with Session(engine) as session:
            with _stopwatch(t, "service"):
                GraphCache._build(session, NetworkRepository(session).version())
            road, router = _service_graph(session, t)
            sites = [
                (slug, (float(p.x), float(p.y)))
                for slug, geom in session.execute(select(Site.slug, Site.geom).order_by(Site.slug))
                for p in [to_shape(geom)]
            ]
        engine.dispose()
    fast = _fast(router)
    model = router.model(Vehicle.car, Preference.fastest)
    costs = model.arc_costs(road)
    with _stopwatch(t, "component"):
        router.component(model)
    snaps = {}
    for slug, point in sites:
        try:
            snaps[slug] = (point, router.snap(point, model))
        except (NoRoute, ValueError):
            continue
    usable = sorted(snaps)
    some = int(road.tails[next(iter(snaps.values()))[1].edge])
    t["metric"] = _warm_metric(fast, model, some)

    def site_node(slug: str) -> int:
        arc = snaps[slug][1].edge
        return int(road.tails[arc] if snaps[slug][1].fraction < 0.5 else road.heads[arc])

    pairs: list[tuple[str, str]] = []
    while len(pairs) < sizes["pairs"]:
        a, b = rng.choice(usable), rng.choice(usable)
        if a != b:
            pairs.append((a, b))
    node_pairs = [(site_node(a), site_node(b)) for a, b in pairs]
    point_pairs = [(snaps[a][0], snaps[b][0]) for a, b in pairs]

    node_ms, node_costs = _each(lambda p: fast.node_cost(model, p[0], p[1]), node_pairs)
    path_ms, _ = _each(lambda p: fast.shortest(model, {p[0]: 0.0}, {p[1]: 0.0}), node_pairs)
    dijkstra_ms, found = _each(lambda p: search(road, {p[0]: 0.0}, costs, {p[1]: 0.0}), node_pairs)
    route_ms, routes = _each(lambda p: router.route(p[0], p[1], model), point_pairs)
    reference = Router(road, router.snapper, fast=False)
    reference.component(model)  # computed once, as the service does
    ref_route_ms, ref_routes = _each(lambda p: reference.route(p[0], p[1], model), point_pairs)

    # Checks: CCH (rounded weights) against the float Dijkstra, and route durations.
    worst_node = 0.0
    for cost, (_dist, _parent, best) in zip(node_costs, found, strict=True):
        if cost is not None and best is not None:
            worst_node = max(worst_node, abs(cost - best[0]))
    worst_route = max(
        abs(a.duration_s - b.duration_s) for a, b in zip(routes, ref_routes, strict=True)
    )

    # 50×50 site matrix against 50 one-to-all Dijkstras.
    chosen = rng.sample(usable, min(50, len(usable)))
    ends = [router.ends(snaps[s][1], model) for s in chosen]
    sources = [e[0] for e in ends]
    targets = [e[1] for e in ends]
    matrix_ms, matrices = _each(
        lambda _: fast.many_to_many(model, sources, targets), range(sizes["matrix_repeat"])
    )

    def one_to_all(_: object) -> np.ndarray:
        out = np.full((len(sources), len(targets)), np.inf)
        for i, src in enumerate(sources):
            dist = search(road, src, costs)[0]
            for j, tgt in enumerate(targets):
                out[i, j] = min((dist[n] + c for n, c in tgt.items() if n in dist), default=np.inf)
        return out

    peer_ms, peer = _each(one_to_all, range(3))
    matrix_gap = float(np.max(np.abs(matrices[0] - peer[0])))

    _table(
        f"routing / regional seed — {road.node_count:,} nodes, {road.arc_count:,} "
        f"edges, {len(usable)} sites routable; car, fastest",
        ["build step", "seconds"],
        [
            ["load the seed into a scratch SpatiaLite db", f"{t['seed']:.2f}"],
            ["service path: GraphCache._build (all of the below)", f"{t['service']:.2f}"],
            ["  read segments + provinces", f"{t['segments']:.2f}"],
            ["  build_graph (with province shares)", f"{t['graph']:.2f}"],
            ["  Snapper (STRtree over edges)", f"{t['snapper']:.2f}"],
            ["  CCH: order + contraction (Router → FastRouter)", f"{t['cch']:.2f}"],
            ["first use: main component for car", f"{t['component']:.2f}"],
            ["first use: car/fastest metric (weights + customise)", f"{t['metric']:.3f}"],
        ],
    )
    n_pairs = f"{len(pairs):,} random site pairs"
    timings = [
        Timing.of("CCH node-to-node cost", node_ms, "nearest end node of each site's edge"),
        Timing.of("CCH node-to-node path (unpack + exact cost)", path_ms),
        Timing.of("peer: plain Dijkstra (search), node-to-node", dijkstra_ms),
        Timing.of("full router.route() on the CCH", route_ms, "snap + path + geometry + totals"),
        Timing.of("peer: the same route() on plain Dijkstra", ref_route_ms),
    ]
    rows = _timing_rows(timings, None)
    rows = [[*r[:4], r[5]] for r in rows]
    rows.append(
        [
            f"50×50 site matrix, many_to_many (×{sizes['matrix_repeat']})",
            f"{len(matrix_ms)}",
            _ms(statistics.median(matrix_ms)),
            _ms(sorted(matrix_ms)[int(0.95 * (len(matrix_ms) - 1))]),
            "2,500 cells per run",
        ]
    )
    rows.append(
        [
            "peer: 50 one-to-all plain Dijkstras (×3)",
            "3",
            _ms(statistics.median(peer_ms)),
            _ms(max(peer_ms)),
            "",
        ]
    )
    _table(
        f"routing / regional seed — {n_pairs}", ["query", "runs", "p50 ms", "p95 ms", "note"], rows
    )
    _say(
        f"checks: |CCH node cost − float Dijkstra| max {worst_node:.4f} s (rounded weights); "
        f"|route duration CCH − Dijkstra| max {worst_route:.4f} s; "
        f"|matrix CCH − Dijkstra| max {matrix_gap:.4f} s"
    )
    peak = _peak_mib()
    _say(f"peak memory of this process (ru_maxrss): {peak:,.0f} MiB")
    return {"node_p50": timings[0].p50, "route_p50": timings[3].p50, "peak_mib": peak}


# --- (b) Andorra from OpenStreetMap -------------------------------------------------------


@dataclass
class NodePairRuns:
    """The engines' answers on one list of node pairs."""

    pairs: Sequence[tuple[int, int]]
    timings: list[Timing] = field(default_factory=list)
    costs: list[float | None] = field(default_factory=list)  # CCH, on the rounded weights
    paths: list[float | None] = field(default_factory=list)  # CCH path, exact float cost
    worst_gap: float = 0.0  # |CCH path cost − float Dijkstra|, seconds


def _cch_runs(fast: FastRouter, model: RouteCost, pairs: Sequence[tuple[int, int]]) -> NodePairRuns:
    runs = NodePairRuns(pairs)
    node_ms, runs.costs = _each(lambda p: fast.node_cost(model, p[0], p[1]), pairs)
    path_ms, paths = _each(lambda p: fast.shortest(model, {p[0]: 0.0}, {p[1]: 0.0}), pairs)
    runs.paths = [None if found is None else found[0] for found in paths]
    runs.timings += [
        Timing.of("CCH node-to-node cost", node_ms, "rounded weights, no path"),
        Timing.of("CCH node-to-node path (unpack + exact cost)", path_ms),
    ]
    return runs


def _dijkstra_runs(road: RoadGraph, model: RouteCost, runs: NodePairRuns, count: int) -> None:
    """The plain-Python reference Dijkstra on the first ``count`` pairs."""
    subset = runs.pairs[:count]
    costs = model.arc_costs(road)
    ms, found = _each(lambda p: search(road, {p[0]: 0.0}, costs, {p[1]: 0.0}), subset)
    for path, (_dist, _parent, best) in zip(runs.paths, found, strict=False):
        if path is not None and best is not None:
            runs.worst_gap = max(runs.worst_gap, abs(path - best[0]))
    note = "" if len(subset) == len(runs.pairs) else f"first {len(subset):,} pairs only (slow)"
    runs.timings.append(Timing.of("peer: plain Dijkstra (search)", ms, note))


def andorra() -> dict[str, Any]:
    sizes = _sizes()
    rng = random.Random(SEED)  # noqa: S311 (reproducible pairs, not secrets)
    from tourroute.network.osm_import import import_osm

    t: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="tourroute-bench-routing-") as tmp:
        settings = _scratch_spatialite(tmp)
        engine = create_db_engine(settings)
        with _stopwatch(t, "import"), Session(engine) as session, session.begin():
            report = import_osm(session, ANDORRA)
        with Session(engine) as session:
            road, router = _service_graph(session, t)
        engine.dispose()
    fast = _fast(router)
    model = _car()
    with _stopwatch(t, "component"):
        main = np.flatnonzero(main_component(road, model)).tolist()
    t["metric"] = _warm_metric(fast, model, main[0])
    pairs = _node_pairs(main, sizes["pairs"], rng)
    runs = _cch_runs(fast, model, pairs)
    _dijkstra_runs(road, model, runs, len(pairs))
    pgr = _pgr_compare("andorra", fast, model, pairs[: sizes["pgr_pairs"]], runs.costs)
    timings = runs.timings + ([pgr.timing] if pgr.timing is not None else [])

    _table(
        f"routing / Andorra OSM — {ANDORRA.name}: {report.segments:,} segments, "
        f"{road.node_count:,} nodes, {road.arc_count:,} edges "
        f"({len(main):,} in the car's main component)",
        ["build step", "seconds"],
        [
            ["import_osm into a scratch SpatiaLite db", f"{t['import']:.2f}"],
            ["read segments", f"{t['segments']:.2f}"],
            ["build_graph", f"{t['graph']:.2f}"],
            ["Snapper", f"{t['snapper']:.2f}"],
            ["CCH: order + contraction", f"{t['cch']:.2f}"],
            ["car/fastest metric (weights + customise)", f"{t['metric']:.3f}"],
        ],
    )
    _table(
        f"routing / Andorra OSM — {len(pairs):,} random node pairs (main component), car",
        TIMING_HEADER,
        _timing_rows(timings, pgr.timing),
    )
    _say(f"checks: |CCH path cost − float Dijkstra| max {runs.worst_gap:.4f} s")
    _say(_pgr_note(pgr, len(pairs)))
    peak = _peak_mib()
    _say(f"peak memory of this process (ru_maxrss): {peak:,.0f} MiB")
    return {
        "node_p50": timings[0].p50,
        "path_p50": timings[1].p50,
        "pgr_p50": pgr.timing.p50 if pgr.timing else None,
        "mismatches": len(pgr.mismatches) if pgr.timing else None,
        "peak_mib": peak,
    }


# --- (c) the synthetic network ------------------------------------------------------------


def synthetic() -> dict[str, Any]:
    from benchmarks.synthetic_network import road_network

    sizes = _sizes()
    rng = random.Random(SEED)  # noqa: S311 (reproducible pairs, not secrets)
    t: dict[str, float] = {}
    rss: list[tuple[str, float, float]] = [("interpreter + libraries", _rss_mib(), _peak_mib())]
    with _stopwatch(t, "generate"):
        segments = road_network(sizes["nodes"], seed=SEED)
    rss.append(("+ segments", _rss_mib(), _peak_mib()))
    with _stopwatch(t, "graph"):
        road = build_graph(segments)
    del segments  # road.segments keeps them
    rss.append(("+ road graph arrays (build_graph)", _rss_mib(), _peak_mib()))
    with _stopwatch(t, "cch"):
        fast = FastRouter(road)
    rss.append(("+ CCH (FastRouter)", _rss_mib(), _peak_mib()))
    model = _car()
    nodes = list(range(road.node_count))
    t["metric"] = _warm_metric(fast, model, nodes[0])
    rss.append(("+ car/fastest metric", _rss_mib(), _peak_mib()))

    pairs = _node_pairs(nodes, sizes["pairs"], rng)
    runs = _cch_runs(fast, model, pairs)
    unreachable = sum(c is None for c in runs.costs)
    picks = rng.sample(nodes, 200)
    sources = [{n: 0.0} for n in picks[:100]]
    targets = [{n: 0.0} for n in picks[100:]]
    matrix_ms, _ = _each(lambda _: fast.many_to_many(model, sources, targets), range(5))
    rss.append(("+ CCH queries and matrices", _rss_mib(), _peak_mib()))
    peak_ours = _peak_mib()  # before the peers: the CCH engine's own peak
    _dijkstra_runs(road, model, runs, sizes["dijkstra_pairs_synthetic"])
    rss.append(("+ peer: plain Dijkstra runs", _rss_mib(), _peak_mib()))
    pgr = _pgr_compare("synthetic", fast, model, pairs[: sizes["pgr_pairs_synthetic"]], runs.costs)
    rss.append(("+ peer: pgRouting load (COPY)", _rss_mib(), _peak_mib()))
    peak = _peak_mib()
    timings = runs.timings + ([pgr.timing] if pgr.timing is not None else [])

    _table(
        f"routing / synthetic road-like network — {road.node_count:,} nodes, "
        f"{road.arc_count:,} edges, {len(road.segments):,} segments (seed {SEED})",
        ["build step", "seconds"],
        [
            ["generate segments (benchmarks.synthetic_network)", f"{t['generate']:.2f}"],
            ["build_graph", f"{t['graph']:.2f}"],
            ["CCH: order + contraction (FastRouter)", f"{t['cch']:.2f}"],
            ["car/fastest metric (weights + customise)", f"{t['metric']:.2f}"],
        ],
    )
    _table(
        f"routing / synthetic — {len(pairs):,} random node pairs, car",
        TIMING_HEADER,
        _timing_rows(timings, pgr.timing),
    )
    _say(
        f"100×100 matrix (many_to_many, ×5): p50 {statistics.median(matrix_ms):.1f} ms, "
        f"max {max(matrix_ms):.1f} ms"
    )
    _say(
        f"checks: {unreachable} unreachable pairs (must be 0: the network is strongly "
        f"connected); |CCH path cost − float Dijkstra| max {runs.worst_gap:.4f} s"
    )
    _say(_pgr_note(pgr, len(pairs)))
    _table(
        "routing / synthetic — memory by stage (this process)",
        ["stage", "RSS MiB", "Δ RSS MiB", "peak so far MiB"],
        [
            [name, f"{mib:,.0f}", f"{mib - (rss[i - 1][1] if i else 0):+,.0f}", f"{top:,.0f}"]
            for i, (name, mib, top) in enumerate(rss)
        ],
    )
    _say(
        f"peak memory (ru_maxrss): {peak_ours:,.0f} MiB with our engine alone; "
        f"{peak:,.0f} MiB after the peers (plain Dijkstra, pgRouting load) ran in it too"
    )
    return {
        "nodes": road.node_count,
        "node_p50": timings[0].p50,
        "path_p50": timings[1].p50,
        "pgr_p50": pgr.timing.p50 if pgr.timing else None,
        "mismatches": len(pgr.mismatches) if pgr.timing else None,
        "matrix_ms": statistics.median(matrix_ms),
        "peak_mib": peak_ours,
        "dominant": max(
            ((rss[i][0], rss[i][1] - rss[i - 1][1]) for i in range(1, len(rss))),
            key=lambda x: x[1],
        ),
        "peak_with_peers_mib": peak,
    }


# --- orchestration ------------------------------------------------------------------------


PARTS: dict[str, Callable[[], dict[str, Any]]] = {
    "regional": regional,
    "andorra": andorra,
    "synthetic": synthetic,
}


def _met(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "NOT MET")


def _pgr_targets(label: str, r: Mapping[str, Any], times: float) -> list[list[str]]:
    """The pgRouting speed target, on the node-to-node cost and, stricter, with the path."""
    rows = []
    for key, what in (("node_p50", "cost"), ("path_p50", "cost + path unpacking")):
        ratio = r["pgr_p50"] / r[key] if r["pgr_p50"] else None
        rows.append(
            [
                f"{label}: CCH {what} ≥ {times:g}× faster than pgr_dijkstra (p50)",
                _ratio(ratio) if ratio is not None else "pgr skipped",
                _met(None if ratio is None else ratio >= times),
            ]
        )
    return rows


def _targets(results: Mapping[str, dict[str, Any]]) -> list[list[str]]:
    rows: list[list[str]] = []
    if "regional" in results:
        r = results["regional"]
        p50 = r["node_p50"]
        rows.append(["regional: CCH node-to-node p50 ≤ 1 ms", f"{p50:.3f} ms", _met(p50 <= 1)])
    if "andorra" in results:
        rows += _pgr_targets("Andorra", results["andorra"], 10)
    if "synthetic" in results:
        r = results["synthetic"]
        size = f"{r['nodes'] / 1000:,.0f}k"
        if r["nodes"] < 250_000:
            size += " (quick; targets are for 250k)"
        p50, matrix = r["node_p50"], r["matrix_ms"]
        rows.append([f"{size}: CCH node-to-node p50 ≤ 5 ms", f"{p50:.3f} ms", _met(p50 <= 5)])
        rows += _pgr_targets(size, r, 50)
        rows.append([f"{size}: 100×100 matrix ≤ 1 s", f"{matrix:.0f} ms", _met(matrix <= 1000)])
    for name, r in results.items():
        if r.get("mismatches") is not None:
            bad = r["mismatches"]
            rows.append(
                [
                    f"{name}: pgr_dijkstra = CCH cost on every pair",
                    f"{bad} mismatches",
                    _met(not bad),
                ]
            )
    for name, r in results.items():
        note = ""
        if "dominant" in r and r["peak_mib"] >= 1024:
            stage, mib = r["dominant"]
            note = f" (largest: {stage.removeprefix('+ ')} +{mib:,.0f} MiB)"
        rows.append(
            [
                f"{name}: peak memory < 1 GiB per process",
                f"{r['peak_mib']:,.0f} MiB{note}",
                _met(r["peak_mib"] < 1024),
            ]
        )
    return rows


def main(parts: Sequence[str] | None = None) -> None:
    chosen = list(parts or os.environ.get("BENCH_ROUTING_PARTS", ",".join(PARTS)).split(","))
    sizes = _sizes()
    _say(
        f"\n# routing — pairs {sizes['pairs']:,}, synthetic nodes {sizes['nodes']:,}"
        f"{' (quick)' if os.environ.get('BENCH_QUICK') == '1' else ''}; each network in its "
        "own process"
    )
    if not _pg_url():
        _say("(pgRouting skipped: set TOURROUTE_BENCH_POSTGRES_URL; `make bench` does)")
    ctx = multiprocessing.get_context("spawn")
    results: dict[str, dict[str, Any]] = {}
    for name in chosen:
        if name == "andorra" and not ANDORRA.is_file():
            _say(f"\n(andorra skipped: {ANDORRA} not found; set BENCH_ANDORRA_PBF)")
            continue
        pool = ctx.Pool(1)
        try:
            results[name] = pool.apply(PARTS[name])
        finally:
            pool.close()
            pool.join()
    _table("routing — targets", ["target", "value", "status"], _targets(results))
