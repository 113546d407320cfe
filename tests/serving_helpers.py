"""``tourroute serve`` as a real process, for tests and benchmarks that need one.

A free port, the server started in a process group of its own (so that it can be stopped,
or killed with ``kill -9``, workers included), waiting until it is ready — ``/readyz``
answers and, if asked, every worker has logged "worker ready" (its road graph built) — and
its log (stdout and stderr, JSON lines) in a file::

    with running_server(server_env(data_dir=tmp), workers=2, log_path=tmp / "serve.log") as srv:
        httpx.get(srv.base_url + "/v1/sites")
        srv.kill()  # SIGKILL to the whole group: the parent and every worker

Nothing here imports :mod:`tourroute`: the server is a separate process, found next to the
running interpreter (``.venv/bin/tourroute``).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "REPO",
    "TOURROUTE",
    "ServerNotReady",
    "ServerProcess",
    "free_port",
    "group_alive",
    "running_server",
    "server_env",
    "start_server",
]

REPO = Path(__file__).resolve().parents[1]
TOURROUTE = Path(sys.executable).parent / "tourroute"
READY_LINE = "worker ready"
# Straight to the loopback server, whatever *_proxy variables say.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ServerNotReady(RuntimeError):
    """The server exited or did not become ready in time; the message ends with its log."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the usual small race is accepted)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def server_env(
    *,
    data_dir: Path | None = None,
    database_url: str | None = None,
    rate_limits: bool = False,
    metrics_dir: Path | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a server on a SpatiaLite ``data_dir`` or a ``database_url``.

    Every ``TOURROUTE_*`` variable of this process is dropped, so the caller's settings do
    not leak in; rate limits are off unless asked for. ``metrics_dir`` (an empty directory)
    is where the workers keep their Prometheus samples: give one when the server may be
    killed, since ``serve`` removes the directory it makes itself only on a clean exit.
    """
    if (data_dir is None) == (database_url is None):
        raise ValueError("give exactly one of data_dir and database_url")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TOURROUTE_") and k != "PROMETHEUS_MULTIPROC_DIR"
    }
    env.setdefault("SPATIALITE_LIBRARY_PATH", "mod_spatialite")
    # Both set explicitly: a .env file in the working directory must not win over either.
    env["TOURROUTE_DATABASE_URL"] = database_url or ""
    if data_dir is not None:
        env["TOURROUTE_DATA_DIR"] = str(data_dir)
    env["TOURROUTE_RATE_LIMIT_ENABLED"] = "true" if rate_limits else "false"
    if metrics_dir is not None:
        metrics_dir.mkdir(parents=True, exist_ok=True)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    env.update(extra or {})
    return env


def group_alive(pgid: int) -> bool:
    """Whether a process of group ``pgid`` still runs (zombies do not count: killed workers
    are reparented and may wait a while to be reaped)."""
    proc = Path("/proc")
    if not proc.is_dir():  # pragma: no cover - not Linux
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            return True
    return False


@dataclass
class ServerProcess:
    """A running ``tourroute serve``; its process group id is its pid."""

    process: subprocess.Popen[bytes]
    host: str
    port: int
    workers: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_records(self) -> list[dict[str, object]]:
        """The JSON log lines so far (other lines, e.g. a traceback, are skipped)."""
        out = []
        for line in self.log_text().splitlines():
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                if isinstance(record, dict):
                    out.append(record)
        return out

    def workers_ready(self) -> int:
        """How many workers have logged "worker ready" (road graph warmed up)."""
        return sum(READY_LINE in line for line in self.log_text().splitlines())

    def _fail(self, why: str) -> ServerNotReady:
        return ServerNotReady(f"{why}; log {self.log_path}:\n{self.log_text()[-4000:]}")

    def get(self, path: str, timeout_s: float = 5.0) -> tuple[int, bytes]:
        """A plain GET (no client library): status and body; raises on transport errors."""
        try:
            with _DIRECT.open(self.base_url + path, timeout=timeout_s) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def wait_ready(self, timeout_s: float = 180.0, warm: bool = True) -> None:
        """Until ``/readyz`` answers 200 and, with ``warm``, every worker is warm."""
        deadline = time.monotonic() + timeout_s
        ready = False
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise self._fail(f"tourroute serve exited with {self.process.returncode}")
            if not ready:
                with contextlib.suppress(OSError):
                    ready = self.get("/readyz", timeout_s=2.0)[0] == 200
            if ready and (not warm or self.workers_ready() >= self.workers):
                return
            time.sleep(0.2)
        raise self._fail(f"not ready after {timeout_s:.0f} s")

    def kill(self, timeout_s: float = 30.0) -> None:
        """``kill -9`` the whole process group, and wait until none of it runs."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(timeout=timeout_s)
        self._wait_group_gone(timeout_s)

    def stop(self, grace_s: float = 30.0) -> int | None:
        """SIGTERM to the group (graceful shutdown), SIGKILL after ``grace_s``; the exit
        status of the parent (None if it had to be killed)."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        self._wait_group_gone(grace_s)
        return self.process.returncode

    def _wait_group_gone(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while group_alive(self.pid):
            if time.monotonic() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, signal.SIGKILL)
                if time.monotonic() > deadline + 10:
                    raise RuntimeError(f"process group {self.pid} does not die")
            time.sleep(0.05)


def start_server(
    env: Mapping[str, str],
    *,
    workers: int = 1,
    log_path: Path,
    host: str = "127.0.0.1",
    port: int | None = None,
    cwd: Path = REPO,
) -> ServerProcess:
    """Start ``tourroute serve`` in a new session (its own process group); not yet ready."""
    port = port or free_port(host)
    argv = [str(TOURROUTE), "serve", "--host", host, "--port", str(port)]
    argv += ["--workers", str(workers)]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 (our own entry point)
            argv,
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return ServerProcess(process, host, port, workers, log_path)


@contextlib.contextmanager
def running_server(
    env: Mapping[str, str],
    *,
    workers: int = 1,
    log_path: Path,
    host: str = "127.0.0.1",
    warm: bool = True,
    ready_timeout_s: float = 180.0,
) -> Iterator[ServerProcess]:
    """A started and ready server, stopped (or killed) on the way out, whatever happens."""
    server = start_server(env, workers=workers, log_path=log_path, host=host)
    try:
        server.wait_ready(ready_timeout_s, warm=warm)
        yield server
    finally:
        if server.process.poll() is None or group_alive(server.pid):
            server.stop()
