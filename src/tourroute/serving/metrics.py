"""Prometheus metrics, aggregated over every worker process.

``tourroute serve`` points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh directory before the
workers start; prometheus-client then keeps each worker's samples in files there, and
``/metrics`` (answered by whichever worker) reads them all. Without it (tests, an embedded
app) the process's own registry is served.
"""

from __future__ import annotations

import os
import resource
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "tourroute_http_requests",
    "HTTP requests answered, by route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "tourroute_http_request_duration_seconds",
    "Time from the request's arrival to the end of its response.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
REFUSED = Counter(
    "tourroute_http_refused",
    "Requests refused at the edge: body too large (413) or rate limited (429).",
    ["reason"],
)
WORKER_RSS = Gauge(
    "tourroute_worker_resident_memory_bytes",
    "Resident memory of each worker process.",
    multiprocess_mode="all",
)
WORKER_PEAK_RSS = Gauge(
    "tourroute_worker_peak_resident_memory_bytes",
    "Largest resident memory each worker process has had.",
    multiprocess_mode="all",
)
GRAPH_BUILD = Gauge(
    "tourroute_road_graph_build_seconds",
    "How long each worker took to build the road graph of the current network version.",
    multiprocess_mode="all",
)
GRAPH_NODES = Gauge(
    "tourroute_road_graph_nodes",
    "Nodes of the road graph each worker holds.",
    multiprocess_mode="all",
)

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_last_memory_sample = 0.0


def resident_memory_bytes() -> int:
    """This process's resident set now (Linux ``/proc``; peak RSS elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except OSError:
        return peak_memory_bytes()


def peak_memory_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def sample_memory(every_s: float = 5.0) -> None:
    """Refresh this worker's memory gauges, at most every ``every_s`` seconds."""
    global _last_memory_sample
    now = time.monotonic()
    if now - _last_memory_sample < every_s:
        return
    _last_memory_sample = now
    WORKER_RSS.set(resident_memory_bytes())
    WORKER_PEAK_RSS.set(peak_memory_bytes())


def exposition() -> tuple[bytes, str]:
    """The text exposition of all workers' metrics (or of this process's alone)."""
    sample_memory(every_s=0)
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        # prometheus-client leaves this constructor unannotated
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
