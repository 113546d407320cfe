"""``make load``: the whole service under a mixed load, one worker process against N.

A benchmark, not a test: it prints tables and asserts nothing (but it says loudly when a
request failed).  It prepares a SpatiaLite database of its own in a temporary directory
(``tourroute db upgrade``, ``tourroute seed load``, one curator and token per province),
then for each worker count (``--workers 1,2``) starts ``tourroute serve`` on 127.0.0.1 (a
free port, rate limits off), waits for ``/readyz`` and for every worker's road graph
("worker ready"), and runs a closed loop of ``--clients`` concurrent clients for
``--duration`` seconds (after ``--warmup``):

* anonymous clients (:mod:`benchmarks.loadgen`) draw, by weight, site lists (``limit=50``:
  plain, with ``bbox``, with ``province``), sites near a point, routes between seeded
  attractions, travel-time matrices and small (1–2 day) itinerary compositions;
* ``--curator-clients`` of them are curators, two per province, editing a few sites of their
  own province: ``GET /v1/curation/sites/{slug}`` (with ``If-None-Match`` once they hold an
  ETag: 304 is expected) then ``PATCH /v1/sites/{slug}`` with ``If-Match``.  Two curators
  share each province's sites, so edits race: a 412 is the correct answer to a stale
  ``If-Match`` — counted on its own, the site read again and the edit retried.

Errors are any other status that is not 2xx, and transport errors (timeouts, resets).  Per
phase: endpoint, requests, req/s, p50, p99, 304s, 412s, errors; then the phases side by
side (the throughput ratio to one worker) and each worker's resident memory from
``/metrics`` at the end of the phase.  ``--with-tipg`` then runs the catalogue comparison
with tipg (:mod:`benchmarks.catalogue`, needs ``TOURROUTE_BENCH_POSTGRES_URL``).

The clients run in this process, on the same (shared) cores as the server: with 2 cores,
N = 2 workers compete with the load generator, so the ratio is a floor, not a ceiling.

Run: ``python -m benchmarks.load [--workers 1,2] [--duration 20]``; see ``--help``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
from tests.serving_helpers import TOURROUTE, running_server, server_env

from benchmarks.loadgen import LabelStats, LoadResult, Target, percentile, run_load_async

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = ("VN-21", "VN-22", "VN-23")
HOT_SITES = 3  # sites per province the curators edit (two curators each: they race)
MAX_RETRIES = 5  # PATCH attempts after a 412 before a curator gives up on that edit
LIMIT = 50
BBOXES = {
    "Vinh": "105.55,18.52,105.85,18.82",
    "Thanh Hoa": "105.60,19.60,106.00,20.00",
}
NEAR = {
    "Vinh": "105.692,18.673",
    "Thanh Hoa": "105.776,19.807",
    "Ha Tinh": "105.905,18.343",
}
# Requests of the anonymous clients, relative weights by endpoint (a label's weight is
# shared among its variants).  Compositions are rare (1 in ~180 requests) but cost about a
# second of CPU each, as much as ~100 of the others.
WEIGHTS = {
    "GET /v1/sites": 3.0,
    "GET /v1/sites bbox": 3.0,
    "GET /v1/sites province": 3.0,
    "GET /v1/sites near": 3.0,
    "GET /v1/routes": 4.0,
    "POST /v1/matrix": 2.0,
    "POST /v1/itineraries": 0.1,
}
CURATOR_GET = "GET /v1/curation/sites/{slug}"
CURATOR_PATCH = "PATCH /v1/sites/{slug}"
LABELS = (*WEIGHTS, CURATOR_GET, CURATOR_PATCH)
JSON = {"Content-Type": "application/json"}


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 2


# --- the database -------------------------------------------------------------------------


def _cli(env: dict[str, str], *args: str) -> str:
    """Run ``tourroute ARGS``; its stdout, or exit with its output if it fails."""
    done = subprocess.run(  # noqa: S603 (our own entry point)
        [str(TOURROUTE), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"tourroute {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def prepare_database(data_dir: Path) -> dict[str, str]:
    """Migrate and seed a SpatiaLite file in ``data_dir``; a curator token per province."""
    env = server_env(data_dir=data_dir)
    started = time.perf_counter()
    _cli(env, "db", "upgrade")
    _cli(env, "seed", "load")
    tokens = {}
    for code in PROVINCES:
        name = f"load-curator-{code.lower()}"
        _cli(env, "accounts", "add-curator", name, "--province", code)
        # The token is the last line of the output (it is shown only once).
        tokens[code] = _cli(env, "accounts", "issue-token", name, "--days", "2").split()[-1]
    print(
        f"database: {data_dir / 'tourroute.db'} prepared in {time.perf_counter() - started:.0f} s"
    )
    return tokens


# --- the workload -------------------------------------------------------------------------


@dataclass
class Curator:
    province: str
    token: str
    slugs: list[str]


@dataclass
class Workload:
    """What the clients send: the anonymous targets (relative URLs) and the curators."""

    targets: list[Target]
    curators: list[Curator]
    notes: list[str] = field(default_factory=list)

    def on(self, base_url: str) -> list[Target]:
        return [
            Target(base_url + t.url, t.label, t.method, t.headers, t.body, t.weight, t.ok_statuses)
            for t in self.targets
        ]


def _json_body(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def discover_workload(base_url: str, tokens: dict[str, str], seed: int = 20261206) -> Workload:
    """Build the requests from the seeded data, checking each once (it must succeed)."""
    rng = random.Random(seed)  # noqa: S311 (a reproducible workload, not secrets)
    notes: list[str] = []
    with httpx.Client(base_url=base_url, timeout=120, trust_env=False) as http:

        def ok(method: str, url: str, body: bytes | None = None, status: int = 200) -> bool:
            response = http.request(method, url, content=body, headers=JSON if body else None)
            if response.status_code != status:
                notes.append(f"left out {method} {url}: {response.status_code}")
                return False
            return True

        attractions: dict[str, list[str]] = {}
        for code in PROVINCES:
            page = http.get("/v1/sites", params={"province": code, "kind": "attraction"})
            page.raise_for_status()
            attractions[code] = [s["slug"] for s in page.json()["items"]]
        every = [slug for slugs in attractions.values() for slug in slugs]

        labelled: list[tuple[str, str, str, bytes | None, frozenset[int]]] = []
        get_ok = frozenset({200, 304})
        labelled.append(("GET /v1/sites", "GET", f"/v1/sites?limit={LIMIT}", None, get_ok))
        for bbox in BBOXES.values():
            url = f"/v1/sites?limit={LIMIT}&bbox={bbox}"
            labelled.append(("GET /v1/sites bbox", "GET", url, None, get_ok))
        for code in PROVINCES:
            url = f"/v1/sites?limit={LIMIT}&province={code}"
            labelled.append(("GET /v1/sites province", "GET", url, None, get_ok))
        for point in NEAR.values():
            url = f"/v1/sites?limit={LIMIT}&near={point}&radius_m=25000"
            labelled.append(("GET /v1/sites near", "GET", url, None, get_ok))
        pairs: set[tuple[str, str]] = set()
        while len(pairs) < 12:
            a, b = rng.sample(every, 2)
            pairs.add((a, b))
        for a, b in sorted(pairs):
            url = f"/v1/routes?from={a}&to={b}"
            if ok("GET", url):
                labelled.append(("GET /v1/routes", "GET", url, None, get_ok))
        for _ in range(3):
            body = _json_body({"sources": rng.sample(every, 6)})
            if ok("POST", "/v1/matrix", body):
                labelled.append(("POST /v1/matrix", "POST", "/v1/matrix", body, get_ok))
        start = (date.today() + timedelta(days=30)).isoformat()
        for days, slug in ((1, "thanh-nha-ho"), (2, "kim-lien"), (1, "thien-cam")):
            chosen = slug if slug in every else rng.choice(every)
            body = _json_body(
                {"start": chosen, "start_date": start, "days": days, "max_candidates": 20}
            )
            if ok("POST", "/v1/itineraries", body, status=201):
                item = ("POST /v1/itineraries", "POST", "/v1/itineraries", body, frozenset({201}))
                labelled.append(item)

        variants = Counter(label for label, *_ in labelled)
        targets = [
            Target(
                url,
                label,
                method,
                JSON if body else None,
                body,
                WEIGHTS[label] / variants[label],
                statuses,
            )
            for label, method, url, body, statuses in labelled
        ]

        curators = []
        for code, token in tokens.items():
            page = http.get(
                "/v1/curation/sites",
                params={"limit": 20, "status": ["published", "draft"]},
                headers={"Authorization": f"Bearer {token}"},
            )
            page.raise_for_status()
            slugs = [s["slug"] for s in page.json()["items"]][:HOT_SITES]
            curators.append(Curator(code, token, slugs))
    return Workload(targets, curators, notes)


# --- the curators ---------------------------------------------------------------------------


@dataclass
class CuratorStats:
    by_label: dict[str, LabelStats] = field(
        default_factory=lambda: {CURATOR_GET: LabelStats(), CURATOR_PATCH: LabelStats()}
    )
    gave_up: int = 0  # edits abandoned after MAX_RETRIES 412s


async def run_curators(
    base_url: str,
    curators: Sequence[Curator],
    *,
    clients: int,
    duration_s: float,
    warmup_s: float,
    timeout_s: float,
    seed: int,
) -> CuratorStats:
    """``clients`` curators (round robin over ``curators``) reading and editing their sites;
    counted like :func:`benchmarks.loadgen.run_load_async`: after the warm-up, for
    ``duration_s``."""
    stats = CuratorStats()
    if clients < 1 or not curators:
        return stats
    loop = asyncio.get_running_loop()
    measure_from = loop.time() + warmup_s
    deadline = measure_from + duration_s

    async def call(
        http: httpx.AsyncClient,
        label: str,
        method: str,
        url: str,
        headers: dict[str, str],
        **kw: Any,
    ) -> httpx.Response | None:
        began = time.perf_counter()
        try:
            response = await http.request(method, url, headers=headers, **kw)
            await response.aread()
        except httpx.HTTPError as exc:
            if loop.time() >= measure_from:
                entry = stats.by_label[label]
                entry.statuses[type(exc).__name__] += 1
                entry.errors += 1
            return None
        if loop.time() >= measure_from:
            entry = stats.by_label[label]
            status = response.status_code
            entry.statuses[status] += 1
            if status in (200, 304):
                entry.latencies_ms.append((time.perf_counter() - began) * 1000)
                entry.bytes_read += len(response.content)
            elif status != 412:
                entry.errors += 1
        return response

    async def client(index: int, http: httpx.AsyncClient) -> None:
        curator = curators[index % len(curators)]
        auth = {"Authorization": f"Bearer {curator.token}"}
        rng = random.Random(seed * 7919 + index)  # noqa: S311 (workload mix)
        etags: dict[str, str] = {}
        edits = 0

        async def read(slug: str) -> str | None:
            headers = dict(auth)
            if slug in etags:
                headers["If-None-Match"] = etags[slug]
            response = await call(http, CURATOR_GET, "GET", f"/v1/curation/sites/{slug}", headers)
            if response is None or response.status_code not in (200, 304):
                return None
            if response.status_code == 200:
                etags[slug] = response.headers["etag"]
            return etags[slug]

        while loop.time() < deadline:
            slug = rng.choice(curator.slugs)
            etag = await read(slug)
            if etag is None:
                continue
            edits += 1
            body = _json_body({"description_en": f"load test: curator {index}, edit {edits}"})
            for _attempt in range(MAX_RETRIES):
                headers = {
                    **auth,
                    "If-Match": etag,
                    "Content-Type": "application/merge-patch+json",
                }
                response = await call(
                    http, CURATOR_PATCH, "PATCH", f"/v1/sites/{slug}", headers, content=body
                )
                if response is None or response.status_code not in (200, 412):
                    break
                if response.status_code == 200:
                    etags[slug] = response.headers["etag"]
                    break
                fresh = await read(slug)  # 412: someone else won; read again and retry
                if fresh is None or loop.time() >= deadline:
                    break
                etag = fresh
            else:
                if loop.time() >= measure_from:
                    stats.gave_up += 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=httpx.Timeout(timeout_s), trust_env=False
    ) as http:
        await asyncio.gather(*(client(i, http) for i in range(clients)))
    return stats


# --- one phase --------------------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def group_stats(pgid: int) -> Iterator[tuple[int, list[str]]]:
    """(pid, /proc/<pid>/stat fields from "state" on) of every process in group ``pgid``."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[2]) == pgid:
            yield int(entry.name), fields


def _group_cpu_s(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of group ``pgid``."""
    ticks = sum(int(f[11]) + int(f[12]) for _, f in group_stats(pgid))  # utime, stime
    return ticks / _TICK


def _machine_busy_s() -> float:
    """CPU seconds all cores have been busy since boot (/proc/stat: all but idle, iowait)."""
    with open("/proc/stat", encoding="ascii") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / _TICK


@dataclass(frozen=True)
class CpuUse:
    """Where the CPU went: the server's processes, this load generator, the whole machine."""

    wall_s: float
    server_s: float
    client_s: float
    machine_s: float

    @classmethod
    def now(cls, server_pgid: int) -> CpuUse:
        try:
            return cls(
                time.perf_counter(),
                _group_cpu_s(server_pgid),
                time.process_time(),
                _machine_busy_s(),
            )
        except OSError:  # pragma: no cover - not Linux
            return cls(time.perf_counter(), math.nan, time.process_time(), math.nan)

    def minus(self, before: CpuUse) -> CpuUse:
        return CpuUse(
            self.wall_s - before.wall_s,
            self.server_s - before.server_s,
            self.client_s - before.client_s,
            self.machine_s - before.machine_s,
        )

    def describe(self, cores: int) -> str:
        others = self.machine_s - self.server_s - self.client_s
        return (
            f"  CPU over the {self.wall_s:.0f} s of load, in cores busy (of {cores}): "
            f"server {self.server_s / self.wall_s:.2f}, load generator "
            f"{self.client_s / self.wall_s:.2f}, everything else on the machine "
            f"{others / self.wall_s:.2f}"
        )


@dataclass
class Phase:
    workers: int
    result: LoadResult  # anonymous and curator labels together
    memory: dict[str, tuple[float, float]]  # pid → (resident, peak) bytes
    gave_up: int
    log_errors: list[str]
    cpu: CpuUse


async def _mixed_load(
    base_url: str, workload: Workload, args: argparse.Namespace
) -> tuple[LoadResult, CuratorStats]:
    anonymous = max(1, args.clients - args.curator_clients)
    common = {"duration_s": args.duration, "warmup_s": args.warmup, "timeout_s": 120.0}
    loaded, curated = await asyncio.gather(
        run_load_async(workload.on(base_url), clients=anonymous, seed=args.seed, **common),
        run_curators(
            base_url,
            workload.curators,
            clients=args.curator_clients,
            seed=args.seed,
            **common,
        ),
    )
    return loaded, curated


def _run_async(coroutine: Any) -> Any:
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


_SAMPLE = re.compile(
    r'^(tourroute_worker(?:_peak)?_resident_memory_bytes)(?:\{pid="(\d+)"\})? (\S+)$'
)


def worker_memory(metrics_text: str) -> dict[str, tuple[float, float]]:
    """pid → (resident, peak resident) bytes of each worker, from the /metrics exposition.

    >>> worker_memory('tourroute_worker_resident_memory_bytes{pid="7"} 1e+08\\n'
    ...               'tourroute_worker_peak_resident_memory_bytes{pid="7"} 2e+08')
    {'7': (100000000.0, 200000000.0)}
    """
    out: dict[str, list[float]] = {}
    for line in metrics_text.splitlines():
        match = _SAMPLE.match(line)
        if match:
            values = out.setdefault(match.group(2) or "-", [math.nan, math.nan])
            values["peak" in match.group(1)] = float(match.group(3))
    return {pid: (v[0], v[1]) for pid, v in out.items()}


def run_phase(
    data_dir: Path,
    logs: Path,
    workers: int,
    workload: Workload | None,
    tokens: dict[str, str],
    args: argparse.Namespace,
) -> tuple[Phase, Workload]:
    env = server_env(data_dir=data_dir, metrics_dir=logs / f"metrics-{workers}")
    log = logs / f"serve-{workers}.log"
    started = time.perf_counter()
    with running_server(env, workers=workers, log_path=log) as server:
        print(
            f"\nworkers={workers}: ready and warm in {time.perf_counter() - started:.0f} s "
            f"({server.base_url}, log {log})"
        )
        if workload is None:
            workload = discover_workload(server.base_url, tokens, args.seed)
            for note in workload.notes:
                print(f"  workload: {note}")
        before = CpuUse.now(server.pid)
        loaded, curated = _run_async(_mixed_load(server.base_url, workload, args))
        cpu = CpuUse.now(server.pid).minus(before)
        status, body = server.get("/metrics", timeout_s=30)
        memory = worker_memory(body.decode()) if status == 200 else {}
    result = LoadResult(args.clients, loaded.duration_s, dict(loaded.by_label))
    result.by_label.update(curated.by_label)
    log_errors = [
        line[:300]
        for line in log.read_text(errors="replace").splitlines()
        if '"level": "ERROR"' in line or "Traceback" in line
    ]
    return Phase(workers, result, memory, curated.gave_up, log_errors, cpu), workload


# --- the report -------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def _row(name: str, stats: LabelStats, duration_s: float) -> str:
    requests = sum(stats.statuses.values())
    answered = requests - stats.errors
    latencies = sorted(stats.latencies_ms)
    return (
        f"{name:<34}{requests:>9}{answered / duration_s:>9.1f}{_ms(percentile(latencies, 0.5)):>9}"
        f"{_ms(percentile(latencies, 0.99)):>9}{stats.statuses[304]:>6}{stats.statuses[412]:>6}"
        f"{stats.errors:>8}"
    )


def phase_table(phase: Phase) -> str:
    result = phase.result
    header = (
        f"{'endpoint':<34}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'304':>6}{'412':>6}{'errors':>8}"
    )
    lines = [header, "-" * len(header)]
    total = LabelStats()
    for label in LABELS:
        stats = result.by_label.get(label)
        if stats is None:
            continue
        lines.append(_row(label, stats, result.duration_s))
        total.merge(stats)
    lines.append("-" * len(header))
    lines.append(_row("all", total, result.duration_s))
    return "\n".join(lines)


def error_lines(phase: Phase) -> list[str]:
    out = []
    for label, stats in phase.result.by_label.items():
        if stats.errors:
            bad = {
                str(k): n
                for k, n in stats.statuses.items()
                if not (isinstance(k, int) and (200 <= k < 300 or k in (304, 412)))
            }
            out.append(
                f"  ERRORS {label}: " + ", ".join(f"{k}×{n}" for k, n in sorted(bad.items()))
            )
    return out


def memory_line(phase: Phase) -> str:
    if not phase.memory:
        return "  memory: /metrics did not answer"
    parts = [
        f"pid {pid} {rss / 2**20:.0f} MiB (peak {peak / 2**20:.0f})"
        for pid, (rss, peak) in sorted(phase.memory.items())
    ]
    total = sum(rss for rss, _ in phase.memory.values())
    return f"  memory per worker: {'; '.join(parts)}; total {total / 2**20:.0f} MiB"


def side_by_side(phases: Sequence[Phase]) -> str:
    base = phases[0]
    names = [f"{p.workers}w" for p in phases]
    header = f"{'endpoint':<34}" + "".join(f"{'req/s ' + n:>11}" for n in names)
    header += "".join(f"{'× ' + n:>8}" for n in names[1:])
    header += "".join(f"{'p50 ' + n:>10}" for n in names)
    header += "".join(f"{'p99 ' + n:>10}" for n in names)
    lines = [header, "-" * len(header)]

    def rps(phase: Phase, label: str | None) -> float:
        by = phase.result.by_label
        chosen = [by[label]] if label is not None and label in by else []
        if label is None:
            chosen = list(by.values())
        answered = sum(sum(s.statuses.values()) - s.errors for s in chosen)
        return answered / phase.result.duration_s

    def lat(phase: Phase, label: str | None, q: float) -> float:
        by = phase.result.by_label
        values = (
            [v for s in by.values() for v in s.latencies_ms]
            if label is None
            else list(by.get(label, LabelStats()).latencies_ms)
        )
        return percentile(sorted(values), q)

    for label in (*LABELS, None):
        if label is not None and label not in base.result.by_label:
            continue
        line = f"{label or 'all':<34}" + "".join(f"{rps(p, label):>11.1f}" for p in phases)
        first = rps(base, label)
        line += "".join(
            f"{(rps(p, label) / first if first > 0 else math.nan):>8.2f}" for p in phases[1:]
        )
        line += "".join(f"{_ms(lat(p, label, 0.5)):>10}" for p in phases)
        line += "".join(f"{_ms(lat(p, label, 0.99)):>10}" for p in phases)
        lines.append(line)
    return "\n".join(lines)


def run_tipg(argv: list[str]) -> None:
    """The catalogue comparison with tipg, if :mod:`benchmarks.catalogue` offers it."""
    try:
        from benchmarks import catalogue
    except ImportError as exc:
        print(f"\n--with-tipg: benchmarks.catalogue cannot be imported ({exc}); skipped")
        return
    main = getattr(catalogue, "main", None)
    if not callable(main):
        print("\n--with-tipg: benchmarks.catalogue offers no main(); skipped")
        return
    print("\n## catalogue against tipg (benchmarks.catalogue)")
    main(argv)


def main(argv: list[str] | None = None) -> int:
    cores = _cores()
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--workers",
        default=f"1,{max(2, cores)}",
        help=f"comma-separated (default 1,{max(2, cores)})",
    )
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase (20)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before counting (2)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument(
        "--curator-clients", type=int, default=6, help="of which curators editing sites (6)"
    )
    parser.add_argument("--seed", type=int, default=1, help="of the workload mix")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--with-tipg", action="store_true", help="then the catalogue comparison with tipg"
    )
    parser.add_argument(
        "--tipg-args", default="", help="arguments of benchmarks.catalogue, e.g. '--quick'"
    )
    args = parser.parse_args(argv)
    worker_counts = [int(w) for w in args.workers.split(",") if w.strip()]
    if not worker_counts or min(worker_counts) < 1 or not 0 <= args.curator_clients < args.clients:
        parser.error("--workers must be positive; --curator-clients fewer than --clients")

    workdir = Path(tempfile.mkdtemp(prefix="tourroute-load-"))
    print(
        f"# load — {args.clients} clients ({args.curator_clients} curators), "
        f"{args.duration:g} s per phase after {args.warmup:g} s warm-up; workers {worker_counts}; "
        f"{cores} cores, load average {os.getloadavg()[0]:.1f} at start"
    )
    phases: list[Phase] = []
    try:
        data_dir = workdir / "data"
        tokens = prepare_database(data_dir)
        workload: Workload | None = None
        for workers in worker_counts:
            phase, workload = run_phase(data_dir, workdir, workers, workload, tokens, args)
            phases.append(phase)
            print(f"\n## workers = {workers}, {phase.result.duration_s:.1f} s measured")
            print(phase_table(phase))
            for line in error_lines(phase):
                print(line)
            if phase.gave_up:
                print(f"  curators gave up {phase.gave_up} edits after {MAX_RETRIES} × 412")
            for line in phase.log_errors[:5]:
                print(f"  SERVER LOG: {line}")
            print(memory_line(phase))
            print(phase.cpu.describe(cores))
    finally:
        if args.keep:
            print(f"\nkept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if len(phases) > 1:
        print(f"\n## side by side (× = req/s ÷ req/s with {phases[0].workers} worker)")
        print(side_by_side(phases))
    errors = sum(p.result.errors for p in phases)
    unavailable = sum(s.statuses[503] for p in phases for s in p.result.by_label.values())
    print(
        f"\nerrors: {errors} (503: {unavailable})"
        + ("" if errors == 0 else "  <-- every request should have succeeded")
    )
    if args.with_tipg:
        run_tipg(shlex.split(args.tipg_args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
