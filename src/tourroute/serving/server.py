"""``tourroute serve``: uvicorn with N worker processes, JSON logs, shared metrics and a
graceful shutdown.

Each worker is a separate process with its own app, database pool and road graph (built
once per network version, at start-up when ``preload_graph`` is on). Processes rather than
threads because the planner and the graph build are CPU-bound Python.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import uvicorn

from tourroute.config import Settings
from tourroute.serving.logs import log_config

APP_FACTORY = "tourroute.app:create_app"
# prometheus-client's switch to multiprocess mode. Not imported from serving.metrics on
# purpose: it must be set before that module is first imported in a worker.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def serve(settings: Settings, host: str, port: int, workers: int) -> None:
    """Run until SIGINT/SIGTERM; in-flight requests get ``shutdown_grace_s`` to finish."""
    # Workers rebuild Settings from the environment: hand them what the CLI decided.
    os.environ["TOURROUTE_PRELOAD_GRAPH"] = "true"
    own_metrics_dir = workers > 1 and MULTIPROC_ENV not in os.environ
    if own_metrics_dir:
        # A fresh directory per run: stale samples of an earlier run's workers would
        # otherwise be summed in.
        os.environ[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="tourroute-metrics-")
    try:
        uvicorn.run(
            APP_FACTORY,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=log_config(settings.log_format, settings.log_level),
            access_log=False,
            proxy_headers=True,
            forwarded_allow_ips=settings.forwarded_allow_ips,
            timeout_graceful_shutdown=int(settings.shutdown_grace_s),
            server_header=False,
        )
    finally:
        if own_metrics_dir:
            shutil.rmtree(os.environ.pop(MULTIPROC_ENV), ignore_errors=True)
