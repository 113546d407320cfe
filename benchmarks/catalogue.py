"""Catalogue throughput over HTTP: our ``/v1/sites`` and OGC ``/items`` against tipg.

The peer is tipg 1.x (developmentseed's OGC API Features server on asyncpg), serving the
very same PostGIS table.  Both servers run as separate processes with one worker each, on
this machine, and are loaded in turn by the same closed-loop generator
(:mod:`benchmarks.loadgen`) with 8 and 16 concurrent clients; the runs alternate between
the peers (tipg, ours, ours, then the reverse), so that noise from the shared machine falls
on both.  Responses are not compressed (``Accept-Encoding: identity``): tipg would
otherwise spend its CPU on brotli/gzip and ours would not.

Data: the real seed topped up with synthetic published sites (``--sites``, default
20,000; the generator of :mod:`benchmarks.sites`), in a schema of its own,
``tourroute_bench_catalogue``, of the database named by ``TOURROUTE_BENCH_POSTGRES_URL``:
the test suite drops and recreates the tables of ``public`` in that database, so the
benchmark never shares them.  The schema is built once and kept (``--rebuild`` builds it
anew).  tipg is installed into ``.venv-bench/`` (created on demand, git-ignored) and told
to serve the ``geom`` column (the table's first geometry column is the empty ``footprint``).

Our server is ``tourroute serve`` (one worker) with the rate limits off: 8–16 clients from
one address would be throttled, and tipg has none.

Besides req/s, p50, p99, errors and the ratio to tipg, each row gives the CPU time per
request of the server process and of the PostgreSQL backends it is connected to (read from
``/proc``): on a machine shared with others these move far less than req/s does.
``--ours-env NAME=VALUE`` runs our server with extra environment, to measure a variant
side by side with tipg: ``PSYCOPG_IMPL=python`` for the pure-Python libpq wrapper, or
``PYTHONPATH=/dir/src`` for another copy of the code (a "before").

Run: ``python -m benchmarks.catalogue`` or ``python -m benchmarks catalogue``; see ``--help``.
Nothing here asserts.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from benchmarks.loadgen import LoadResult, Target, format_table, run_load

ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = ROOT / "seed"
BENCH_VENV = ROOT / ".venv-bench"
OUR_VENV = Path(sys.executable).parent
SCHEMA = "tourroute_bench_catalogue"
TIPG_REQUIREMENTS = ("tipg==1.*", "uvicorn[standard]")
BBOX = "105.55,18.52,105.85,18.82"  # 0.3° × 0.3° around Vinh
LIMIT = 50
HEADERS = {"Accept-Encoding": "identity"}


@dataclass(frozen=True)
class Endpoint:
    server: str  # "ours" or "tipg"
    name: str
    path: str
    variant: str  # "plain" or "bbox": rows of one variant are compared with tipg's


def _endpoints(tipg_collection: str) -> list[Endpoint]:
    out = []
    for variant, extra in (("plain", ""), ("bbox", f"&bbox={BBOX}")):
        suffix = " bbox" if extra else ""
        out += [
            Endpoint(
                "tipg",
                f"tipg /collections/<schema>.sites/items{suffix}",
                f"/collections/{tipg_collection}/items?limit={LIMIT}{extra}",
                variant,
            ),
            Endpoint("ours", f"ours /v1/sites{suffix}", f"/v1/sites?limit={LIMIT}{extra}", variant),
            Endpoint(
                "ours",
                f"ours /ogc/collections/sites/items{suffix}",
                f"/ogc/collections/sites/items?limit={LIMIT}{extra}",
                variant,
            ),
        ]
    return out


# --- the database -------------------------------------------------------------------------


def _our_url(base_url: str) -> str:
    """The base URL with our schema first on the search path (PostGIS stays in public)."""
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={SCHEMA},public"})
    return url.render_as_string(hide_password=False)


def _tipg_url(base_url: str) -> str:
    url = make_url(base_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _populated(our_url: str, synthetic: int) -> bool:
    engine = create_engine(our_url)
    try:
        _check_isolated(engine)
    except RuntimeError:
        engine.dispose()
        return False
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT to_regclass(:t) IS NOT NULL"), {"t": f"{SCHEMA}.sites"}
            ).scalar()
            if not found:
                return False
            count = conn.execute(
                text("SELECT count(*) FROM sites WHERE slug LIKE 'synthetic-%'")
            ).scalar()
            return count == synthetic
    finally:
        engine.dispose()


def _check_isolated(engine: Engine) -> None:
    """Refuse to write unless every table of the models resolves to the benchmark schema."""
    from tourroute.models import Base

    with engine.connect() as conn:
        for name in Base.metadata.tables:
            schema = conn.execute(
                text(
                    "SELECT n.nspname FROM pg_class c JOIN pg_namespace n "
                    "ON n.oid = c.relnamespace WHERE c.oid = to_regclass(:t)"
                ),
                {"t": name},
            ).scalar()
            if schema != SCHEMA:
                raise RuntimeError(f"table {name} resolves to schema {schema!r}, not {SCHEMA}")


def prepare_database(base_url: str, synthetic: int, rebuild: bool) -> str:
    """Build (or reuse) the benchmark schema; return the SQLAlchemy URL our server uses."""
    from tourroute.config import Settings
    from tourroute.db import migrate
    from tourroute.seed import load_seed

    our_url = _our_url(base_url)
    if not rebuild and _populated(our_url, synthetic):
        print(f"schema {SCHEMA}: reused ({synthetic:,} synthetic sites + seed)")
        return our_url
    os.environ.setdefault("BENCH_SYNTHETIC_SITES", str(synthetic))
    from benchmarks.sites import _synthetic_sites

    started = time.perf_counter()
    admin = create_engine(base_url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
            # Alembic looks its version table up through the search path: without one of our
            # own it would find public's (the test suite's), at head, and migrate nothing.
            conn.execute(
                text(
                    f"CREATE TABLE {SCHEMA}.alembic_version "
                    "(version_num VARCHAR(32) NOT NULL PRIMARY KEY)"
                )
            )
    finally:
        admin.dispose()
    settings = Settings(database_url=our_url, seed_dir=SEED_DIR)
    migrate.upgrade(settings)
    engine = create_engine(our_url)
    try:
        _check_isolated(engine)
        with Session(engine) as session, session.begin():
            load_seed(session, SEED_DIR)
            rng = random.Random(20261122)  # noqa: S311 (reproducible data, not secrets)
            session.add_all(_synthetic_sites(synthetic, rng))
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()
    print(f"schema {SCHEMA}: built in {time.perf_counter() - started:.0f} s")
    return our_url


# --- the servers --------------------------------------------------------------------------


def ensure_bench_venv() -> Path:
    """``.venv-bench/`` with tipg; created and installed on first use."""
    python = BENCH_VENV / "bin" / "python"
    probe = [str(python), "-c", "import tipg, uvicorn, uvloop"]
    if python.exists() and _run(probe, capture_output=True, check=False).returncode == 0:
        return python
    print(f"installing {', '.join(TIPG_REQUIREMENTS)} into {BENCH_VENV} …")
    _run([shutil.which("python3") or sys.executable, "-m", "venv", str(BENCH_VENV)])
    pip = [str(python), "-m", "pip", "install", "-q"]
    _run([*pip, "--upgrade", "pip"])
    _run([*pip, *TIPG_REQUIREMENTS])
    return python


def _run(argv: list[str], capture_output: bool = False, check: bool = True) -> Any:
    # Fixed commands of this module: our interpreters, pip and the pinned requirements.
    return subprocess.run(argv, capture_output=capture_output, check=check)  # noqa: S603 (argv built here)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def _start(
    name: str, argv: list[str], env: dict[str, str], port: int, cwd: Path, logs: Path
) -> Server:
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own interpreters)
            argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Server(name, f"http://127.0.0.1:{port}", process, log)


def _wait_ready(server: Server, path: str, timeout_s: float = 120.0) -> bytes:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(server.base + path, timeout=5) as response:  # noqa: S310
                return bytes(response.read())
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    tail = server.log.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"{server.name} did not answer {path}:\n{tail}")


@contextlib.contextmanager
def servers(
    base_url: str, our_url: str, our_extra_env: dict[str, str] | None = None
) -> Iterator[tuple[Server, Server, str]]:
    """tipg and our server, one worker each; yields them and tipg's collection id."""
    tipg_python = ensure_bench_venv()
    logs = Path(tempfile.mkdtemp(prefix="tourroute-bench-catalogue-"))
    tipg_port, our_port = _free_port(), _free_port()
    tipg_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": _tipg_url(base_url),
        "TIPG_DB_SCHEMAS": json.dumps([SCHEMA]),
        # Without it tipg serves the first geometry column: `footprint`, empty for points.
        f"TIPG_TABLE_CONFIG__{SCHEMA}_sites__GEOMCOL": "geom",
    }
    tipg_argv = [
        str(tipg_python),
        *("-m", "uvicorn", "tipg.main:app", "--host", "127.0.0.1"),
        *("--port", str(tipg_port), "--workers", "1"),
    ]
    our_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TOURROUTE_")},
        "TOURROUTE_DATABASE_URL": our_url,
        # 8–16 clients from one address would be throttled (tipg has no rate limit).
        "TOURROUTE_RATE_LIMIT_ENABLED": "false",
        **(our_extra_env or {}),
    }
    our_argv = [str(OUR_VENV / "tourroute"), "serve", "--host", "127.0.0.1"]
    our_argv += ["--port", str(our_port)]
    started: list[Server] = []
    try:
        # tipg runs in an empty directory: it reads a .env from its working directory.
        started.append(_start("tipg", tipg_argv, tipg_env, tipg_port, logs, logs))
        started.append(_start("ours", our_argv, our_env, our_port, ROOT, logs))
        tipg, ours = started
        collection = f"{SCHEMA}.sites"
        body = json.loads(_wait_ready(tipg, f"/collections/{collection}/items?limit=1"))
        if not body["features"] or body["features"][0]["geometry"] is None:
            raise RuntimeError(f"tipg serves no geometry for {collection}: {body}")
        _wait_ready(ours, "/v1/sites?limit=1")
        print(f"servers: tipg {tipg.base}, ours {ours.base} (logs in {logs})")
        yield tipg, ours, collection
    finally:
        for server in started:
            server.stop()


# --- the runs -----------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its threads so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # gone (a backend that closed): its time is lost to both readings
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def _local_ports(pid: int, remote_port: int) -> set[int]:
    """Local TCP ports of ``pid``'s sockets connected to ``remote_port`` (Linux /proc)."""
    inodes = set()
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in fd_dir.iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table, encoding="ascii") as f:
            next(f)
            for line in f:
                parts = line.split()
                local, remote, inode = parts[1], parts[2], parts[9]
                if inode in inodes and int(remote.rsplit(":", 1)[1], 16) == remote_port:
                    ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports


class DatabaseCpu:
    """CPU time of the PostgreSQL backends serving one server process (by its sockets).

    Exact while the server keeps its connections; a backend that closes during a run takes
    its time with it, so a run in which the set of backends changed is reported as churn.
    """

    def __init__(self, base_url: str) -> None:
        url = make_url(base_url)
        self.port = url.port or 5432
        self.engine = create_engine(base_url, poolclass=NullPool)

    def snapshot(self, server_pid: int) -> dict[int, float]:
        """CPU seconds so far of each backend connected to the server, by backend pid."""
        ports = _local_ports(server_pid, self.port)
        if not ports:
            return {}
        with self.engine.connect() as conn:
            pids = conn.execute(
                text("SELECT pid FROM pg_stat_activity WHERE client_port = ANY(:ports)"),
                {"ports": sorted(ports)},
            ).scalars()
            return {pid: _cpu_seconds(pid) for pid in pids}

    def close(self) -> None:
        self.engine.dispose()


def _describe(tipg: Server, ours: Server, collection: str) -> None:
    def get(url: str) -> dict[str, object]:
        request = urllib.request.Request(url, headers=HEADERS)  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            loaded: dict[str, object] = json.loads(response.read())
            return loaded

    for variant, extra in (("all", ""), ("bbox", f"&bbox={BBOX}")):
        peer = get(f"{tipg.base}/collections/{collection}/items?limit=1{extra}")
        own = get(f"{ours.base}/ogc/collections/sites/items?limit=1{extra}")
        print(
            f"rows matched ({variant}): tipg {peer['numberMatched']}, "
            f"ours {own['numberMatched']} (published only)"
        )


def _psycopg_impl(env: dict[str, str]) -> str:
    import psycopg

    impl = env.get("PSYCOPG_IMPL") or psycopg.pq.__impl__
    return f"psycopg {psycopg.__version__} ({impl} libpq wrapper)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.catalogue", description=__doc__)
    parser.add_argument("--clients", default="8,16", help="comma-separated (default 8,16)")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per run")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before each run")
    parser.add_argument("--rounds", type=int, default=2, help="runs per endpoint, alternating")
    parser.add_argument("--sites", type=int, default=20_000, help="synthetic sites")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the benchmark schema")
    parser.add_argument("--quick", action="store_true", help="8 clients, 1 round of 3 s")
    parser.add_argument(
        "--ours-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment of our server, to measure a variant (repeatable), e.g. "
        "PSYCOPG_IMPL=python or PYTHONPATH=/path/to/another/src",
    )
    args = parser.parse_args(argv)
    if args.quick or os.environ.get("BENCH_QUICK") == "1":
        args.clients, args.duration, args.rounds = "8", 3.0, 1
    clients = [int(c) for c in args.clients.split(",") if c.strip()]

    base_url = os.environ.get("TOURROUTE_BENCH_POSTGRES_URL")
    if not base_url:
        print("catalogue: set TOURROUTE_BENCH_POSTGRES_URL (a PostGIS database); skipped")
        return 0
    our_url = prepare_database(base_url, args.sites, args.rebuild)

    rows: list[tuple[str, LoadResult]] = []
    peers: dict[str, LoadResult] = {}
    cpu: dict[tuple[str, int], float] = {}  # server process CPU seconds per row
    db: dict[tuple[str, int], float] = {}  # its PostgreSQL backends' CPU seconds per row
    churned: set[tuple[str, int]] = set()  # rows whose server opened or closed connections
    db_cpu = DatabaseCpu(base_url)
    extra_env = dict(item.split("=", 1) for item in args.ours_env)
    if extra_env:
        print(f"ours runs with {extra_env}")
    with servers(base_url, our_url, extra_env) as (tipg, ours, collection):
        _describe(tipg, ours, collection)
        endpoints = _endpoints(collection)
        by_server = {"tipg": tipg, "ours": ours}
        for endpoint in endpoints:  # a short warm-up of every endpoint
            target = Target(by_server[endpoint.server].base + endpoint.path, endpoint.name)
            run_load([target], clients=2, duration_s=1.0, warmup_s=0.0, headers=HEADERS)
        for n in clients:
            results: dict[str, LoadResult] = {}
            for round_no in range(args.rounds):
                for variant in ("plain", "bbox"):
                    group = [e for e in endpoints if e.variant == variant]
                    if round_no % 2:
                        group.reverse()
                    for endpoint in group:
                        server = by_server[endpoint.server]
                        target = Target(server.base + endpoint.path, endpoint.name)
                        if args.warmup > 0:
                            run_load(
                                [target],
                                clients=n,
                                duration_s=args.warmup,
                                warmup_s=0.0,
                                headers=HEADERS,
                            )
                        pid = server.process.pid
                        cpu_before = _cpu_seconds(pid)
                        db_before = db_cpu.snapshot(pid)
                        result = run_load(
                            [target],
                            clients=n,
                            duration_s=args.duration,
                            warmup_s=0.0,
                            headers=HEADERS,
                        )
                        key = (endpoint.name, n)
                        cpu[key] = cpu.get(key, 0.0) + _cpu_seconds(pid) - cpu_before
                        db_after = db_cpu.snapshot(pid)
                        if set(db_after) != set(db_before):
                            churned.add(key)
                        db[key] = db.get(key, 0.0) + sum(db_after.values())
                        db[key] -= sum(db_before.values())
                        previous = results.get(endpoint.name)
                        results[endpoint.name] = previous.merge(result) if previous else result
            for endpoint in endpoints:
                result = results[endpoint.name]
                rows.append((endpoint.name, result))
                if endpoint.server == "tipg":
                    peers[f"{endpoint.variant}/{n}"] = result
    variant_of = {e.name: e.variant for e in _endpoints(collection)}

    print(
        f"\n## catalogue — limit={LIMIT}, {args.sites:,} synthetic sites + seed, "
        f"{args.rounds} × {args.duration:g} s per row (alternating), 1 worker each"
    )
    print(f"ours: {_psycopg_impl(extra_env)}; tipg: asyncpg; bbox = {BBOX}; <schema> = {SCHEMA}")
    print("× peer = req/s ÷ tipg's req/s on the same variant and clients")

    db_cpu.close()

    def per_request(seconds: float | None, result: LoadResult) -> str:
        return f"{1000 * seconds / result.answered:.2f}" if seconds and result.answered else "-"

    def cpu_per_request(name: str, result: LoadResult) -> str:
        return per_request(cpu.get((name, result.clients)), result)

    def db_per_request(name: str, result: LoadResult) -> str:
        if (name, result.clients) in churned:
            return "churn"
        return per_request(db.get((name, result.clients)), result)

    print(
        format_table(
            rows,
            peers,
            lambda name, result: f"{variant_of[name]}/{result.clients}",
            extra_columns=[("server CPU ms", cpu_per_request), ("db CPU ms", db_per_request)],
            name_width=46,
        )
    )
    print(
        "server CPU ms: CPU time of the server process (all its threads) per answered request;"
        " db CPU ms: that of the PostgreSQL backends it was connected to (found by its "
        "sockets), or 'churn' when its connection pool opened and closed connections during "
        "the run (their time cannot be counted). Less noisy than req/s on a shared machine."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
