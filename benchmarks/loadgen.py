"""A closed-loop HTTP load generator: N concurrent clients, each on its own keep-alive
connection, sending one request after another for a fixed time (or number of requests).

Reusable by any benchmark or load test::

    from benchmarks.loadgen import Target, run_load

    result = run_load([Target("http://127.0.0.1:8000/v1/sites?limit=50")], clients=8)
    print(result.rps, result.p50_ms, result.p99_ms, result.errors)

A mixed workload gives several targets with weights; each client draws the next one from
its own seeded generator, and the result is broken down by label (``result.by_label``).
Latency is measured from sending the request to having read the whole body.  Requests
answered during the warm-up are not counted.  Both loops are bounded in time and count, and
only loopback addresses may be targets: this is for servers started on this machine.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx2 as httpx  # the dev and bench extras install it

__all__ = [
    "MAX_REQUESTS",
    "LabelStats",
    "LoadResult",
    "Target",
    "format_table",
    "percentile",
    "run_load",
    "run_load_async",
]

# Upper bound of one run whatever the caller asks: a load test stops by itself.
MAX_REQUESTS = 2_000_000
MAX_DURATION_S = 3_600.0


@dataclass(frozen=True)
class Target:
    """One kind of request of the workload."""

    url: str
    label: str = ""
    method: str = "GET"
    headers: Mapping[str, str] | None = None
    body: bytes | None = None
    weight: float = 1.0
    # Statuses counted as answered; anything else (and a transport error) is an error.
    ok_statuses: frozenset[int] = frozenset({200, 201, 204, 304})

    @property
    def name(self) -> str:
        return self.label or f"{self.method} {self.url}"


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The ``q``-quantile (0..1) of already sorted values, nearest rank; NaN when empty.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 0.5), percentile([1.0, 2.0, 3.0, 4.0], 0.99)
    (2.0, 4.0)
    """
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


@dataclass
class LabelStats:
    """What one label of the workload got: latencies of answered requests, errors, statuses."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: Counter[int | str] = field(default_factory=Counter)
    bytes_read: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + self.errors

    def merge(self, other: LabelStats) -> None:
        self.latencies_ms.extend(other.latencies_ms)
        self.errors += other.errors
        self.statuses.update(other.statuses)
        self.bytes_read += other.bytes_read


@dataclass
class LoadResult:
    """Totals of a run (or of several runs merged); throughput counts answered requests."""

    clients: int
    duration_s: float
    by_label: dict[str, LabelStats] = field(default_factory=dict)

    def _all(self) -> LabelStats:
        total = LabelStats()
        for stats in self.by_label.values():
            total.merge(stats)
        return total

    @property
    def requests(self) -> int:
        return sum(s.requests for s in self.by_label.values())

    @property
    def errors(self) -> int:
        return sum(s.errors for s in self.by_label.values())

    @property
    def answered(self) -> int:
        return self.requests - self.errors

    @property
    def rps(self) -> float:
        return self.answered / self.duration_s if self.duration_s > 0 else math.nan

    def latency_ms(self, q: float, label: str | None = None) -> float:
        stats = self.by_label.get(label, LabelStats()) if label is not None else self._all()
        return percentile(sorted(stats.latencies_ms), q)

    @property
    def p50_ms(self) -> float:
        return self.latency_ms(0.50)

    @property
    def p99_ms(self) -> float:
        return self.latency_ms(0.99)

    def merge(self, other: LoadResult) -> LoadResult:
        """This run and ``other`` as one (durations add up: runs are taken one after another)."""
        out = LoadResult(self.clients, self.duration_s + other.duration_s)
        for source in (self, other):
            for label, stats in source.by_label.items():
                out.by_label.setdefault(label, LabelStats()).merge(stats)
        return out


def _check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(f"{url}: only loopback servers (127.0.0.0/8, ::1, localhost) are targets")


async def run_load_async(
    targets: Sequence[Target],
    *,
    clients: int,
    duration_s: float = 10.0,
    max_requests: int | None = None,
    warmup_s: float = 1.0,
    timeout_s: float = 30.0,
    seed: int = 0,
    headers: Mapping[str, str] | None = None,
    on_response: Callable[[Target, int, bytes], None] | None = None,
) -> LoadResult:
    """Run ``clients`` closed-loop clients against ``targets`` and count what they got.

    ``duration_s`` is measured after ``warmup_s``; ``max_requests`` (counted after the
    warm-up, across all clients) ends the run earlier.  ``headers`` go with every request
    (a target's own headers win).  ``on_response`` sees every counted response (checks).
    """
    if not targets:
        raise ValueError("no targets")
    if clients < 1:
        raise ValueError("clients must be at least 1")
    for target in targets:
        _check_loopback(target.url)
    duration_s = min(duration_s, MAX_DURATION_S)
    limit = min(max_requests or MAX_REQUESTS, MAX_REQUESTS)
    weights = [t.weight for t in targets]
    stats: dict[str, LabelStats] = {t.name: LabelStats() for t in targets}
    counted = 0
    loop = asyncio.get_running_loop()
    start = loop.time()
    measure_from = start + warmup_s
    deadline = measure_from + duration_s
    finished_at = deadline

    async def client(index: int, http: httpx.AsyncClient) -> None:
        nonlocal counted, finished_at
        rng = random.Random(seed * 1_000_003 + index)  # noqa: S311 (workload mix, not secrets)
        turn = index
        while True:
            now = loop.time()
            if now >= deadline or counted >= limit:
                return
            if len(targets) == 1:
                target = targets[0]
            elif all(w == weights[0] for w in weights):
                target = targets[turn % len(targets)]
                turn += 1
            else:
                target = rng.choices(targets, weights)[0]
            request_headers = {**(headers or {}), **(target.headers or {})}
            began = time.perf_counter()
            status: int | str
            body = b""
            try:
                response = await http.request(
                    target.method, target.url, headers=request_headers, content=target.body
                )
                body = response.content
                status = response.status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            elapsed_ms = (time.perf_counter() - began) * 1000
            if loop.time() < measure_from:
                continue
            if counted >= limit:
                return
            counted += 1
            if counted >= limit:
                finished_at = min(finished_at, loop.time())
            entry = stats[target.name]
            entry.statuses[status] += 1
            if isinstance(status, int) and status in target.ok_statuses:
                entry.latencies_ms.append(elapsed_ms)
                entry.bytes_read += len(body)
                if on_response is not None:
                    on_response(target, status, body)
            else:
                entry.errors += 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    timeout = httpx.Timeout(timeout_s)
    async with httpx.AsyncClient(limits=limits, timeout=timeout, trust_env=False) as http:
        await asyncio.gather(*(client(i, http) for i in range(clients)))
    ended = min(finished_at, loop.time())
    return LoadResult(clients, max(1e-9, ended - measure_from), stats)


def run_load(
    targets: Sequence[Target],
    *,
    clients: int,
    duration_s: float = 10.0,
    max_requests: int | None = None,
    warmup_s: float = 1.0,
    timeout_s: float = 30.0,
    seed: int = 0,
    headers: Mapping[str, str] | None = None,
    on_response: Callable[[Target, int, bytes], None] | None = None,
) -> LoadResult:
    """:func:`run_load_async` in a fresh event loop (uvloop when it is installed)."""
    coroutine = run_load_async(
        targets,
        clients=clients,
        duration_s=duration_s,
        max_requests=max_requests,
        warmup_s=warmup_s,
        timeout_s=timeout_s,
        seed=seed,
        headers=headers,
        on_response=on_response,
    )
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def format_table(
    rows: Sequence[tuple[str, LoadResult]],
    baselines: Mapping[str, LoadResult] | None = None,
    baseline_of: Callable[[str, LoadResult], str | None] | None = None,
    extra_columns: Sequence[tuple[str, Callable[[str, LoadResult], str]]] = (),
    name_width: int = 48,
) -> str:
    """A text table: endpoint, clients, req/s, p50, p99, errors and the ratio to a baseline.

    ``baseline_of(name, result)`` names the row of ``baselines`` that a row is compared
    with (``None`` for no ratio).  ``extra_columns`` are (header, cell of a row) pairs.
    """
    header = (
        f"{'endpoint':<{name_width}}{'clients':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}{'× peer':>8}"
    ) + "".join(f"{title:>{max(12, len(title) + 2)}}" for title, _ in extra_columns)
    lines = [header, "-" * len(header)]
    for name, result in rows:
        ratio = ""
        key = baseline_of(name, result) if baseline_of is not None else None
        if baselines is not None and key is not None and key in baselines:
            peer = baselines[key].rps
            ratio = f"{result.rps / peer:.2f}" if peer > 0 else "-"
        extra = "".join(
            f"{cell(name, result):>{max(12, len(title) + 2)}}" for title, cell in extra_columns
        )
        lines.append(
            f"{name:<{name_width}}{result.clients:>8}{result.rps:>9.1f}{result.p50_ms:>9.1f}"
            f"{result.p99_ms:>9.1f}{result.errors:>8}{ratio:>8}{extra}"
        )
    return "\n".join(lines)
