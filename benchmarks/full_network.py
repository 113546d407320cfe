"""The full regional network: the project through HTTP against pgRouting, in one run.

One run, on one network, the same random pairs for every engine:

1. a scratch SpatiaLite database in a temporary directory: ``tourroute db upgrade``,
   ``tourroute seed load`` and ``tourroute import osm`` of the regional OpenStreetMap
   extract (``BENCH_FULL_PBF``; by default ``../shared/data/region/roads/
   osm2021-ntb-roads.osm.pbf`` next to the checkout).  ``BENCH_FULL_DATA_DIR`` names a
   data directory prepared before (its ``tourroute.db`` is copied, then ``db upgrade``
   runs on the copy), which saves the import while developing;
2. a real server, ``tourroute serve --workers 1`` (uvicorn, one worker process), started
   on that database; the run waits for ``/readyz`` and the worker's road graph ("worker
   ready"), then reads the worker's resident memory (RSS, and PSS from
   ``/proc/<pid>/smaps_rollup``: shared memory-mapped pages counted once);
3. meanwhile the same graph is built in this process, only to read the car graph's arcs
   (``fast.tails``, ``fast.heads``, ``fast.weights(model)``: integer milliseconds,
   ``INF_WEIGHT`` where a car may not drive) and node coordinates (``fast.nodes[i]``);
   random pairs of distinct nodes of its largest strongly connected component are drawn
   (seeded);
4. those arcs, one row per usable arc with its integer weight as cost, go into pgRouting
   (the bench's own PostgreSQL cluster, ``TOURROUTE_BENCH_POSTGRES_URL``), which answers
   (a) ``pgr_dijkstra`` one call per pair, returning the path rows; (b) ``pgr_dijkstra``
   with many pairs per call (a combinations query), paths returned, timed per pair
   amortised; (c) ``pgr_bdAstar`` one call per pair, with an admissible heuristic (node
   coordinates in metres scaled by the network's fastest pace, so that no arc is cheaper
   than its straight line: pgRouting must then find the same optimum);
5. ours: ``GET /v1/routes?from=lon,lat&to=lon,lat`` (car, fastest, full GeoJSON geometry)
   per pair, one keep-alive connection, timed from sending the request to having read the
   whole answer: the network-version check, snapping, the CCH query, geometry, breakdowns
   and JSON included.  Each node's exact coordinates are sent (``repr`` of the float), so
   the point snaps at the node.  For reference, the in-process engine on the same pairs:
   ``fast.shortest`` (CCH query + path unpacking) and ``router.route`` (snapping + path +
   geometry, no HTTP).

Costs are checked on every pair: pgRouting's ``agg_cost`` (a sum of integer milliseconds)
must equal the integer cost of our engine's path exactly, and the HTTP ``duration_s``
(exact float seconds, rounded to 0.1 s in the JSON) must equal ``agg_cost / 1000`` within
0.05 s plus 0.5 ms per arc of the path (each arc's weight is its time rounded to the
millisecond).  Mismatches are counted and printed, never hidden.

The table: p50 and p99 per engine and the ratio of each p50 to ours through HTTP; the goal
is pgr_dijkstra per request ≥ 50× slower than our HTTP answer (p50).  Nothing asserts a
timing.

Sizes: ``BENCH_FULL_PAIRS`` (200; quick 40) pairs for ours and for pgRouting's
many-pairs calls (``BENCH_FULL_PGR_BATCH`` pairs per call, 50); ``BENCH_FULL_PGR_PAIRS``
(30; quick 10), the first pairs, for pgRouting's one-call-per-pair runs (each call reads
the whole edge table: seconds on a million arcs).  ``BENCH_FULL_NETWORK=seed`` leaves the
OpenStreetMap import out (the seed network only; the default with ``--quick``).
``BENCH_FULL_READY_TIMEOUT`` (1800 s) bounds the wait for the worker.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PBF = REPO.parent / "shared/data/region/roads/osm2021-ntb-roads.osm.pbf"
SEED = 20261207
MIB = 1024 * 1024
GOAL = 50.0  # pgr_dijkstra per request p50 ÷ ours through HTTP p50
JSON_ROUNDING_S = 0.05  # duration_s is rounded to 0.1 s in the answer
PER_ARC_S = 0.0005  # each arc's weight is its exact time rounded to the millisecond
TABLE = "bench_full_edges"


def _env_int(name: str, normal: int, quick: int) -> int:
    value = os.environ.get(name)
    if value:
        return int(value)
    return quick if os.environ.get("BENCH_QUICK") == "1" else normal


def _say(text: str = "") -> None:
    print(text, flush=True)


def _pct(values: Sequence[float], q: float) -> float:
    """Nearest-rank ``q``-quantile; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, int(np.ceil(q * len(ordered))))
    return ordered[min(rank, len(ordered)) - 1]


# --- the database and the server --------------------------------------------------------------


def _tourroute() -> Path:
    return Path(sys.executable).parent / "tourroute"


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (our own entry point)
        [str(_tourroute()), *args], env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"tourroute {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def prepare(data_dir: Path, env: dict[str, str], network: str) -> str:
    """Fill ``data_dir``; a line saying how."""
    started = time.perf_counter()
    given = os.environ.get("BENCH_FULL_DATA_DIR")
    if given:
        source = Path(given) / "tourroute.db"
        if not source.is_file():
            raise RuntimeError(f"BENCH_FULL_DATA_DIR={given}: no tourroute.db in it")
        data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, data_dir / "tourroute.db")
        _cli(env, "db", "upgrade")
        return f"database: a copy of {source} (BENCH_FULL_DATA_DIR), db upgrade run on it"
    _cli(env, "db", "upgrade")
    _cli(env, "seed", "load")
    how = "db upgrade + seed load"
    if network == "full":
        pbf = Path(os.environ.get("BENCH_FULL_PBF", DEFAULT_PBF))
        if not pbf.is_file():
            raise RuntimeError(f"{pbf} not found; set BENCH_FULL_PBF")
        _cli(env, "import", "osm", "--quiet", str(pbf))
        how += f" + import osm {pbf}"
    return f"database: {how}, in {time.perf_counter() - started:.0f} s"


def _proc_kib(pid: int, path: str, key: str) -> float:
    try:
        with open(f"/proc/{pid}/{path}", encoding="ascii") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return float(line.split()[1])
    except OSError:
        pass
    return float("nan")


def _group_pids(pgid: int) -> list[int]:
    from benchmarks.load import group_stats

    return [pid for pid, fields in group_stats(pgid) if fields[0] not in ("Z", "X")]


@dataclass
class Memory:
    pid: int = 0
    rss_mib: float = float("nan")
    pss_mib: float = float("nan")
    peak_mib: float = float("nan")  # VmHWM

    @classmethod
    def of_worker(cls, pgid: int) -> Memory:
        """The server's process holding the most memory (with one worker: the worker)."""
        pids = _group_pids(pgid) or [pgid]
        pid = max(pids, key=lambda p: _proc_kib(p, "status", "VmRSS") or 0.0)
        return cls(
            pid,
            _proc_kib(pid, "status", "VmRSS") / 1024,
            _proc_kib(pid, "smaps_rollup", "Pss") / 1024,
            _proc_kib(pid, "status", "VmHWM") / 1024,
        )

    def describe(self) -> str:
        pss = "unreadable" if np.isnan(self.pss_mib) else f"{self.pss_mib:,.0f} MiB"
        return (
            f"RSS {self.rss_mib:,.0f} MiB, PSS {pss}, peak RSS (VmHWM) {self.peak_mib:,.0f} MiB "
            f"(pid {self.pid})"
        )


# --- the graph, in this process -----------------------------------------------------------------


@dataclass
class Arcs:
    """The car graph's usable arcs and what the pairs are drawn from."""

    tails: np.ndarray
    heads: np.ndarray
    weights: np.ndarray  # int64 ms
    arc_ids: np.ndarray  # arc id in the engine of each usable arc
    lon: np.ndarray
    lat: np.ndarray
    nodes: int
    arcs: int
    main: np.ndarray  # node ids of the largest strongly connected component


def read_arcs(fast: Any, model: Any) -> Arcs:
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    from tourroute.routing.fast import INF_WEIGHT

    tails = np.asarray(fast.tails, dtype=np.int64)
    heads = np.asarray(fast.heads, dtype=np.int64)
    weights = np.asarray(fast.weights(model), dtype=np.int64)
    n = len(fast.nodes)
    coords = np.asarray([tuple(fast.nodes[i]) for i in range(n)], dtype=np.float64)
    usable = np.flatnonzero(weights < INF_WEIGHT)
    adjacency = csr_matrix(
        (np.ones(len(usable), dtype=np.int8), (tails[usable], heads[usable])), shape=(n, n)
    )
    _count, labels = connected_components(adjacency, directed=True, connection="strong")
    biggest = np.bincount(labels).argmax()
    return Arcs(
        tails[usable],
        heads[usable],
        weights[usable],
        usable,
        coords[:, 0],
        coords[:, 1],
        n,
        len(tails),
        np.flatnonzero(labels == biggest),
    )


def draw_pairs(main: np.ndarray, count: int) -> list[tuple[int, int]]:
    rng = random.Random(SEED)  # noqa: S311 (reproducible pairs, not secrets)
    chosen = [int(v) for v in main]
    pairs: list[tuple[int, int]] = []
    while len(pairs) < count:
        a, b = rng.choice(chosen), rng.choice(chosen)
        if a != b:
            pairs.append((a, b))
    return pairs


# --- ours ---------------------------------------------------------------------------------------


@dataclass
class Answer:
    """One engine's answer for one pair: cost in ms (None: no route) and the arcs used."""

    cost_ms: float | None
    arcs: int = 0
    detail: str = ""


@dataclass
class Run:
    label: str
    samples_ms: list[float] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    note: str = ""
    skipped: str = ""

    @property
    def p50(self) -> float:
        return _pct(self.samples_ms, 0.5)

    @property
    def p99(self) -> float:
        return _pct(self.samples_ms, 0.99)


def http_routes(base_url: str, arcs: Arcs, pairs: Sequence[tuple[int, int]]) -> Run:
    """GET /v1/routes per pair over one keep-alive connection."""
    run = Run("ours: GET /v1/routes (HTTP, real worker)")
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=600)

    def url(a: int, b: int) -> str:
        frm = f"{float(arcs.lon[a])!r},{float(arcs.lat[a])!r}"
        to = f"{float(arcs.lon[b])!r},{float(arcs.lat[b])!r}"
        return f"/v1/routes?from={quote(frm)}&to={quote(to)}&vehicle=car&preference=fastest"

    def get(path: str) -> tuple[int, bytes]:
        conn.request("GET", path, headers={"Accept": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()

    # Warm-up, not counted: the worker's first car route customises the metric.
    warm = draw_pairs(arcs.main, len(pairs) + 3)[-3:]
    for a, b in warm:
        get(url(a, b))
    for a, b in pairs:
        path = url(a, b)
        start = time.perf_counter()
        status, body = get(path)
        run.samples_ms.append((time.perf_counter() - start) * 1000)
        if status != 200:
            run.answers.append(Answer(None, detail=f"HTTP {status}: {body[:200]!r}"))
            continue
        route = json.loads(body)["routes"][0]
        points = len(route["geometry"]["coordinates"])
        run.answers.append(Answer(route["duration_s"] * 1000, detail=f"{points} points"))
    conn.close()
    run.note = "version check + snap + CCH + geometry + JSON, keep-alive"
    return run


def engine_runs(graph: Any, arcs: Arcs, pairs: Sequence[tuple[int, int]]) -> list[Run]:
    """The in-process engine on the same pairs: path, and the whole router.route."""
    from tourroute.routing import Preference, Vehicle

    router = graph.router
    fast = router.fast
    model = router.model(Vehicle.car, Preference.fastest)
    weight_of = np.zeros(arcs.arcs, dtype=np.int64)
    weight_of[arcs.arc_ids] = arcs.weights
    coord = [
        ((float(arcs.lon[a]), float(arcs.lat[a])), (float(arcs.lon[b]), float(arcs.lat[b])))
        for a, b in pairs
    ]
    node_pairs = [(int(a), int(b)) for a, b in pairs]  # the engine's ends are node ids
    path = Run("ours: engine path (in-process fast.shortest)", note="CCH query + unpacking")
    route = Run("ours: engine router.route (in-process)", note="snap + path + geometry, no HTTP")
    try:
        fast.shortest(model, {node_pairs[0][0]: 0.0}, {node_pairs[0][1]: 0.0})  # the metric
        for a, b in node_pairs:
            start = time.perf_counter()
            fast.shortest(model, {a: 0.0}, {b: 0.0})
            path.samples_ms.append((time.perf_counter() - start) * 1000)
            found = fast.path(model, {a: 0.0}, {b: 0.0})  # arc ids: the integer cost
            if found is None:
                path.answers.append(Answer(None))
            else:
                ids = np.asarray(found[2], dtype=np.int64)
                path.answers.append(Answer(float(weight_of[ids].sum()), len(ids)))
    except (AttributeError, TypeError, KeyError) as exc:
        path.skipped = f"the engine's API changed ({type(exc).__name__}: {exc})"
    try:
        router.route(*coord[0], model)  # the car's main component, computed on first use
        for a, b in coord:
            start = time.perf_counter()
            done = router.route(a, b, model)
            route.samples_ms.append((time.perf_counter() - start) * 1000)
            route.answers.append(Answer(done.duration_s * 1000))
    except (AttributeError, TypeError, KeyError) as exc:
        route.skipped = f"the engine's API changed ({type(exc).__name__}: {exc})"
    return [path, route]


# --- pgRouting ------------------------------------------------------------------------------


def _pg_url() -> str | None:
    return os.environ.get("TOURROUTE_BENCH_POSTGRES_URL") or None


@dataclass
class Pgr:
    runs: list[Run] = field(default_factory=list)
    load_s: float = 0.0
    pace_kmh: float = float("nan")
    skipped: str = ""
    version: str = ""


def load_edges(conn: Any, arcs: Arcs) -> float:
    """One row per usable arc; coordinates for A*, in ms at the fastest pace. The pace
    (km/h)."""
    lat0 = float(np.radians(np.mean(arcs.lat)))
    x = (arcs.lon - arcs.lon.mean()) * 111_320.0 * np.cos(lat0)
    y = (arcs.lat - arcs.lat.mean()) * 110_574.0
    straight = np.hypot(x[arcs.heads] - x[arcs.tails], y[arcs.heads] - y[arcs.tails])
    moving = straight > 0
    # The smallest cost per straight-line metre over every arc: with coordinates scaled by
    # it, the Euclidean heuristic never exceeds an arc's weight (admissible, consistent).
    pace = float(np.min(arcs.weights[moving] / straight[moving])) if moving.any() else 0.0
    pace *= 1 - 1e-9  # floating-point headroom
    sx, sy = x * pace, y * pace
    conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
    conn.execute(
        f"CREATE TABLE {TABLE} (id bigint, source bigint, target bigint, cost double precision,"
        " x1 double precision, y1 double precision, x2 double precision, y2 double precision)"
    )
    t, h = arcs.tails, arcs.heads
    with (
        conn.cursor() as cur,
        cur.copy(f"COPY {TABLE} (id, source, target, cost, x1, y1, x2, y2) FROM STDIN") as copy,
    ):
        for i in range(len(t)):
            u, v = int(t[i]), int(h[i])
            copy.write_row(
                (
                    int(arcs.arc_ids[i]) + 1,
                    u + 1,
                    v + 1,
                    int(arcs.weights[i]),
                    float(sx[u]),
                    float(sy[u]),
                    float(sx[v]),
                    float(sy[v]),
                )
            )
    conn.execute(f"ANALYZE {TABLE}")
    return 3600.0 / pace if pace > 0 else float("inf")


EDGES = f"SELECT id, source, target, cost FROM {TABLE}"  # noqa: S608 (our own name)
EDGES_XY = f"SELECT id, source, target, cost, x1, y1, x2, y2 FROM {TABLE}"  # noqa: S608 (ours)


def _path_answer(rows: Sequence[tuple[Any, ...]]) -> Answer:
    """Path rows (node, edge, agg_cost): the total is the agg_cost of the last row."""
    if not rows:
        return Answer(None)
    return Answer(float(rows[-1][2]), sum(1 for r in rows if r[1] != -1))


def pgr_per_pair(
    conn: Any, label: str, sql: str, edges: str, pairs: Sequence[tuple[int, int]]
) -> Run:
    run = Run(label, note=f"path rows returned; the first {len(pairs)} pairs")

    def call(a: int, b: int) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = conn.execute(sql, (edges, a + 1, b + 1)).fetchall()
        return rows

    call(*pairs[0])  # warm the table into shared buffers, not counted
    for a, b in pairs:
        start = time.perf_counter()
        rows = call(a, b)
        run.samples_ms.append((time.perf_counter() - start) * 1000)
        run.answers.append(_path_answer(rows))
    return run


def pgr_many(conn: Any, pairs: Sequence[tuple[int, int]], batch: int) -> Run:
    """pgr_dijkstra with a combinations query: ``batch`` pairs per call, paths returned."""
    calls = -(-len(pairs) // batch)
    run = Run(
        "pgr_dijkstra, many pairs per call (amortised)",
        note=f"{calls} call(s) of ≤ {batch} pairs; per pair = call time ÷ pairs",
    )
    query = (
        "SELECT start_vid, end_vid, node, edge, agg_cost FROM pgr_dijkstra(%s, %s, true) "
        "ORDER BY start_vid, end_vid, path_seq"
    )
    found: dict[tuple[int, int], list[tuple[Any, ...]]] = {}
    for first in range(0, len(pairs), batch):
        chunk = pairs[first : first + batch]
        values = ", ".join(f"({a + 1}, {b + 1})" for a, b in chunk)
        combos = f"SELECT * FROM (VALUES {values}) AS c(source, target)"  # noqa: S608 (ints)
        start = time.perf_counter()
        rows = conn.execute(query, (EDGES, combos)).fetchall()
        each = (time.perf_counter() - start) * 1000 / len(chunk)
        run.samples_ms += [each] * len(chunk)
        for s, t, node, edge, agg in rows:
            found.setdefault((int(s) - 1, int(t) - 1), []).append((node, edge, agg))
    run.answers = [_path_answer(found.get(p, [])) for p in pairs]
    return run


def connect() -> tuple[Any, str]:
    url = _pg_url()
    if not url:
        return None, "no TOURROUTE_BENCH_POSTGRES_URL (`make bench` sets it)"
    import psycopg

    try:
        conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1))
    except psycopg.Error as exc:
        return None, f"cannot connect to PostgreSQL: {exc}"
    conn.autocommit = True
    if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pgrouting'").fetchone() is None:
        try:
            conn.execute("CREATE EXTENSION pgrouting")
        except psycopg.Error as exc:
            conn.close()
            return None, f"no pgrouting extension ({exc.diag.message_primary}); `make bench`"
    return conn, ""


def pgrouting_runs(
    conn: Any, pairs: Sequence[tuple[int, int]], per_pair: int, batch: int
) -> list[Run]:
    subset = pairs[:per_pair]
    dijkstra = (
        "SELECT node, edge, agg_cost FROM pgr_dijkstra(%s, %s::bigint, %s::bigint, true) "
        "ORDER BY path_seq"
    )
    astar = (
        "SELECT node, edge, agg_cost FROM pgr_bdAstar(%s, %s::bigint, %s::bigint, true, "
        "heuristic => 4, factor => 1.0, epsilon => 1.0) ORDER BY path_seq"
    )
    return [
        pgr_per_pair(conn, "pgr_dijkstra, one call per pair", dijkstra, EDGES, subset),
        pgr_many(conn, pairs, batch),
        pgr_per_pair(conn, "pgr_bdAstar, one call per pair", astar, EDGES_XY, subset),
    ]


# --- checks and the report --------------------------------------------------------------------


def _tolerance_ms(arcs: int) -> float:
    return (JSON_ROUNDING_S + PER_ARC_S * max(arcs, 1)) * 1000 + 1e-6


@dataclass
class Checks:
    """Costs compared on every pair against the reference, pgr_dijkstra."""

    compared: int = 0
    ours: dict[int, list[str]] = field(default_factory=dict)  # our answers ≠ the reference
    peers: dict[int, list[str]] = field(default_factory=dict)  # another peer ≠ the reference
    http_bad: list[int] = field(default_factory=list)  # pairs whose HTTP cost is off
    astar_bad: list[int] = field(default_factory=list)  # pairs where pgr_bdAstar is off


def check_costs(
    pairs: Sequence[tuple[int, int]], http: Run, engine: Run | None, peers: Sequence[Run]
) -> Checks:
    """Every pair: our engine path's integer cost must equal pgr_dijkstra's agg_cost exactly,
    our HTTP duration within the rounding tolerance, pgr_bdAstar's agg_cost exactly.
    Without pgRouting, HTTP is checked against the engine path."""
    out = Checks()
    dijkstras = [r for r in peers if r.label.startswith("pgr_dijkstra")]
    others = [r for r in peers if r not in dijkstras]

    def reference(i: int) -> tuple[Answer | None, str]:
        for r in dijkstras:
            if i < len(r.answers):
                return r.answers[i], r.label
        if engine is not None and i < len(engine.answers):
            return engine.answers[i], engine.label
        return None, ""

    for i, (a, b) in enumerate(pairs):
        ref, ref_label = reference(i)
        if ref is None:
            continue
        out.compared += 1
        where = f"pair {i} (node {a} → {b})"
        for r in dijkstras[1:]:
            if i < len(r.answers) and r.answers[i].cost_ms != ref.cost_ms:
                out.peers.setdefault(i, []).append(
                    f"{where}: {r.label} {r.answers[i].cost_ms} ≠ {ref_label} {ref.cost_ms}"
                )
        if ref.cost_ms is None:
            out.ours.setdefault(i, []).append(f"{where}: {ref_label} found no path")
            continue
        if engine is not None and i < len(engine.answers):
            mine = engine.answers[i]
            if mine.cost_ms != ref.cost_ms and engine.label != ref_label:
                out.ours.setdefault(i, []).append(
                    f"{where}: engine path {mine.cost_ms} ms ({mine.arcs} arcs) ≠ {ref_label} "
                    f"{ref.cost_ms:.0f} ms ({ref.arcs} arcs)"
                )
        got = http.answers[i] if i < len(http.answers) else None
        if got is not None:
            if got.cost_ms is None:
                out.ours.setdefault(i, []).append(f"{where}: no route through HTTP ({got.detail})")
                out.http_bad.append(i)
            elif abs(got.cost_ms - ref.cost_ms) > _tolerance_ms(ref.arcs):
                out.ours.setdefault(i, []).append(
                    f"{where}: HTTP duration {got.cost_ms / 1000:.1f} s vs {ref_label} "
                    f"{ref.cost_ms / 1000:.3f} s (Δ {(got.cost_ms - ref.cost_ms) / 1000:+.3f} s, "
                    f"{ref.arcs} arcs)"
                )
                out.http_bad.append(i)
        for r in others:
            if i < len(r.answers) and r.answers[i].cost_ms != ref.cost_ms:
                theirs = r.answers[i]
                gap = "" if theirs.cost_ms is None else f" (+{theirs.cost_ms - ref.cost_ms:.0f})"
                out.peers.setdefault(i, []).append(
                    f"{where}: {r.label} agg_cost {theirs.cost_ms} ms{gap} ≠ {ref_label} "
                    f"{ref.cost_ms:.0f} ms"
                )
                out.astar_bad.append(i)
    return out


def diagnose_astar(conn: Any, pairs: Sequence[tuple[int, int]], bad: Sequence[int]) -> list[str]:
    """Where pgr_bdAstar missed the optimum: does unidirectional pgr_aStar, with the same
    heuristic, find it?  If it does, the heuristic is admissible and bdAstar's bidirectional
    search is what is inexact."""
    query = (
        "SELECT agg_cost FROM pgr_aStar(%s, %s::bigint, %s::bigint, true, heuristic => 4, "
        "factor => 1.0, epsilon => 1.0) WHERE edge = -1"
    )
    out = []
    for i in bad:
        a, b = pairs[i]
        row = conn.execute(query, (EDGES_XY, a + 1, b + 1)).fetchone()
        out.append(
            f"pair {i}: pgr_aStar (same heuristic, one direction) → {row[0] if row else None}"
        )
    return out


def diagnose_http(
    graph: Any, arcs: Arcs, pairs: Sequence[tuple[int, int]], bad: Sequence[int]
) -> list[str]:
    """Where our HTTP cost is off: where did each end snap?  (In-process, same graph.)"""
    from tourroute.routing import Preference, Vehicle

    out = []
    try:
        router = graph.router
        model = router.model(Vehicle.car, Preference.fastest)
        for i in bad:
            parts = []
            for end, node in zip(("from", "to"), pairs[i], strict=True):
                snap = router.snap((float(arcs.lon[node]), float(arcs.lat[node])), model)
                one_way = router.reverse_of(snap.edge) is None
                parts.append(
                    f"{end} snapped onto {'a ONE-WAY' if one_way else 'a two-way'} arc at "
                    f"fraction {snap.fraction:.3f}, {snap.distance_m:.2f} m away"
                )
            out.append(f"pair {i}: " + "; ".join(parts))
    except Exception as exc:  # a diagnosis only: the engine's API may change
        out.append(f"(no diagnosis: {type(exc).__name__}: {exc})")
    return out


def _ms(value: float) -> str:
    if np.isnan(value):
        return "-"
    return f"{value:.2f}" if value < 10 else f"{value:,.1f}"


def _ratio(value: float) -> str:
    if np.isnan(value):
        return "-"
    return f"×{value:,.0f}" if value >= 10 else f"×{value:.2f}"


def table(runs: Sequence[Run], base: Run) -> list[str]:
    header = ["engine", "pairs", "p50 ms", "p99 ms", "p50 ÷ ours HTTP p50", "note"]
    rows = []
    for r in runs:
        if r.skipped:
            rows.append([r.label, "0", "-", "-", "-", f"skipped: {r.skipped}"])
            continue
        rows.append(
            [
                r.label,
                f"{len(r.samples_ms):,}",
                _ms(r.p50),
                _ms(r.p99),
                _ratio(r.p50 / base.p50) if base.samples_ms else "-",
                r.note,
            ]
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            f"{c:<{w}}" if i in (0, len(cells) - 1) else f"{c:>{w}}"
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(header), "-" * len(line(header))]
    out += [line(row) for row in rows]
    return out


def _worker_build_s(log: str) -> str:
    import re

    found = re.search(r"worker ready: road graph \S+ in ([\d.]+) s", log)
    return f"{found.group(1)} s" if found else "?"


def run() -> dict[str, Any]:
    """The whole comparison; prints its report and returns the headline numbers."""
    from sqlalchemy.orm import Session
    from tests.serving_helpers import server_env, start_server

    from tourroute.config import Settings
    from tourroute.db.engine import create_db_engine
    from tourroute.routes.graph_cache import GraphCache
    from tourroute.routing import Preference, Vehicle

    quick = os.environ.get("BENCH_QUICK") == "1"
    network = os.environ.get("BENCH_FULL_NETWORK") or ("seed" if quick else "full")
    n_pairs = _env_int("BENCH_FULL_PAIRS", 200, 40)
    n_pgr = min(n_pairs, _env_int("BENCH_FULL_PGR_PAIRS", 30, 10))
    batch = max(1, _env_int("BENCH_FULL_PGR_BATCH", 50, 20))
    timeout = float(os.environ.get("BENCH_FULL_READY_TIMEOUT", "1800"))
    workdir = Path(tempfile.mkdtemp(prefix="tourroute-bench-full-"))
    data_dir = workdir / "data"
    env = server_env(data_dir=data_dir, metrics_dir=workdir / "metrics")
    conn: Any = None
    try:
        how = prepare(data_dir, env, network)
        _say(how)
        started = time.perf_counter()
        server = start_server(env, workers=1, log_path=workdir / "serve.log")
        try:
            # The same graph in this process, only for its arcs, weights and coordinates,
            # built while the worker builds its own.
            settings = Settings(data_dir=data_dir, database_url="")
            engine = create_db_engine(settings)
            with Session(engine) as session:
                graph = GraphCache().get(session)
            engine.dispose()
            local_build_s = time.perf_counter() - started
            model = graph.router.model(Vehicle.car, Preference.fastest)
            arcs = read_arcs(graph.router.fast, model)
            pairs = draw_pairs(arcs.main, n_pairs)
            conn, pg_skipped = connect()
            load_s, pace_kmh = 0.0, float("nan")
            if conn is not None:
                t = time.perf_counter()
                pace_kmh = load_edges(conn, arcs)
                load_s = time.perf_counter() - t
            server.wait_ready(max(1.0, timeout - (time.perf_counter() - started)), warm=True)
            ready_s = time.perf_counter() - started
            at_ready = Memory.of_worker(server.pid)
            _say(f"worker ready {ready_s:.0f} s after start; {at_ready.describe()}")
            http_run = http_routes(server.base_url, arcs, pairs)
            after = Memory.of_worker(server.pid)
            worker_build = _worker_build_s(server.log_text())
        finally:
            server.stop()
        ours = engine_runs(graph, arcs, pairs)
        peers: list[Run] = []
        if conn is not None:
            peers = pgrouting_runs(conn, pairs, n_pgr, batch)
            version = conn.execute("SELECT pgr_version()").fetchone()
            pg_skipped = f"pgRouting {version[0] if version else '?'}"
        engine_path = ours[0] if not ours[0].skipped else None
        checks = check_costs(pairs, http_run, engine_path, peers)
        astar_notes = diagnose_astar(conn, pairs, checks.astar_bad) if conn is not None else []
        http_notes = diagnose_http(graph, arcs, pairs, checks.http_bad)
    finally:
        if conn is not None:
            conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
            conn.close()
        shutil.rmtree(workdir, ignore_errors=True)

    runs = [http_run, *ours, *peers]
    title = "the full regional network" if network == "full" else "the seed network only"
    _say(
        f"\n## full — ours through HTTP vs pgRouting on {title}: {arcs.nodes:,} nodes, "
        f"{arcs.arcs:,} arcs ({len(arcs.weights):,} usable by car, main component "
        f"{len(arcs.main):,} nodes); {len(pairs):,} random node pairs (seed {SEED}); car, "
        "fastest"
    )
    for text in table(runs, http_run):
        _say(text)
    if conn is not None:
        _say(
            f"pgRouting: {pg_skipped}; {len(arcs.weights):,} arcs loaded in {load_s:.1f} s (one "
            "row per usable arc, cost = our integer ms weight); every call reads the whole "
            "edge table (the honest cost of a call); bdAstar: Euclidean heuristic, coordinates "
            f"scaled by the fastest pace of any arc ({pace_kmh:,.0f} km/h straight-line), "
            "admissible and consistent"
        )
    else:
        _say(f"pgRouting skipped: {pg_skipped}")
    _say(
        f"our worker: {at_ready.describe()} when ready; {after.describe()} after the routes; "
        f"road graph built in {worker_build} (worker log), ready {ready_s:.0f} s after start "
        f"(this process built its own copy meanwhile, for the arcs: {local_build_s:.0f} s)"
    )
    bad_ours = sum(1 for i in checks.ours)
    _say(
        f"costs: {checks.compared:,} pairs compared against pgr_dijkstra (all pairs through the "
        f"many-pairs calls, the first {min(n_pgr, len(pairs)):,} one call per pair too): "
        f"ours (engine path exact, HTTP duration ± 0.05 s + 0.5 ms per arc) ≠ pgr_dijkstra on "
        f"{bad_ours} pairs"
        + ("" if not bad_ours else "  <-- MISMATCH: every cost should agree")
        + f"; peers ≠ pgr_dijkstra on {len(checks.peers)} pairs"
    )
    lines = [t for i in sorted(checks.ours) for t in checks.ours[i]]
    for text in lines[:20]:
        _say(f"  MISMATCH {text}")
    if len(lines) > 20:
        _say(f"  … and {len(lines) - 20} more")
    for text in http_notes:
        _say(f"    {text}")
    for i in sorted(checks.peers):
        for text in checks.peers[i]:
            _say(f"  PEER MISMATCH {text}")
    for text in astar_notes:
        _say(f"    {text}")
    dijkstra = next((r for r in peers if r.label.startswith("pgr_dijkstra, one")), None)
    ratio = dijkstra.p50 / http_run.p50 if dijkstra is not None else float("nan")
    status = "n/a" if np.isnan(ratio) else ("met" if ratio >= GOAL else "NOT MET")
    _say(
        f"goal: pgr_dijkstra per request ≥ {GOAL:g}× ours through HTTP (p50): "
        f"{_ratio(ratio)} — {status}"
        + ("" if network == "full" else " (seed network only; the goal is for the full one)")
    )
    return {
        "network": network,
        "http_p50": http_run.p50,
        "pgr_ratio": ratio,
        "mismatches": len(checks.ours),
        "worker_rss_mib": after.rss_mib,
        "worker_pss_mib": after.pss_mib,
    }


def main() -> None:
    """Run in a fresh child process (``spawn``): its memory is this network's alone."""
    _say("\n# full — the project through HTTP against pgRouting on one network")
    if not _pg_url():
        _say("(pgRouting skipped: set TOURROUTE_BENCH_POSTGRES_URL; `make bench` does)")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        pool.apply(run)


if __name__ == "__main__":
    main()
