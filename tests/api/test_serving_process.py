"""``tourroute serve --workers 2`` as a real process: metrics summed over the workers, the
memory of each one reported, and a graceful shutdown that lets in-flight requests finish."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from tests.conftest import Database
from tests.serving_helpers import ServerProcess, running_server, server_env, start_server
from tourroute.itineraries.models import Itinerary


def _env(database: Database, tmp_path: Path) -> dict[str, str]:
    if database.backend == "spatialite":
        return server_env(data_dir=database.settings.data_dir, metrics_dir=tmp_path / "metrics")
    return server_env(database_url=database.settings.database_url, metrics_dir=tmp_path / "metrics")


def _samples(text: str, name: str) -> list[tuple[str, float]]:
    return [
        (line.split(" ")[0], float(line.rsplit(" ", 1)[1]))
        for line in text.splitlines()
        if line.startswith(name + "{") or line.startswith(name + " ")
    ]


@pytest.fixture
def two_workers(database: Database, tmp_path: Path) -> Iterator[ServerProcess]:
    with running_server(
        _env(database, tmp_path), workers=2, log_path=tmp_path / "serve.log"
    ) as server:
        yield server


def test_metrics_add_up_over_workers_and_show_each_workers_memory(
    two_workers: ServerProcess,
) -> None:
    for _ in range(30):
        status, _body = two_workers.get("/v1/provinces")
        assert status == 200
    status, body = two_workers.get("/metrics")
    assert status == 200
    text = body.decode()
    served = [
        value
        for labels, value in _samples(text, "tourroute_http_requests_total")
        if 'route="/v1/provinces"' in labels and 'status="200"' in labels
    ]
    assert sum(served) == 30
    memory = _samples(text, "tourroute_worker_resident_memory_bytes")
    pids = {labels for labels, _value in memory}
    assert len(pids) == 2, memory  # one sample per worker, labelled by its pid
    assert all(50 * 2**20 < value < 4 * 2**30 for _labels, value in memory)
    graphs = _samples(text, "tourroute_road_graph_nodes")
    assert len(graphs) == 2
    assert all(value > 1000 for _labels, value in graphs)
    ready = [
        r for r in two_workers.log_records() if str(r.get("message")).startswith("worker ready")
    ]
    assert len(ready) == 2
    assert all(isinstance(r.get("resident_memory_bytes"), int) for r in ready)


def test_sigterm_lets_an_in_flight_composition_finish(database: Database, tmp_path: Path) -> None:
    server = start_server(_env(database, tmp_path), workers=2, log_path=tmp_path / "serve.log")
    result: dict[str, Any] = {}
    try:
        server.wait_ready()
        request = urllib.request.Request(  # noqa: S310 - our own loopback server
            server.base_url + "/v1/itineraries",
            data=json.dumps(
                {
                    "start": "thanh-nha-ho",
                    "end": "thien-cam",
                    "start_date": "2027-03-01",
                    "days": 3,
                    "time_limit_s": 4,
                }
            ).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )

        def compose() -> None:
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
                    result["status"] = response.status
                    result["body"] = json.loads(response.read())
            except Exception as exc:  # reported by the assertion below
                result["error"] = repr(exc)
            result["took_s"] = time.monotonic() - started

        client = threading.Thread(target=compose)
        sent = time.monotonic()
        client.start()
        # The graph is warm (/readyz waits for it), so the composition takes about a second
        # (routing, then the solver); the shutdown begins well inside it.
        time.sleep(0.25)
        assert "status" not in result, "the composition finished before the shutdown began"
        sigterm_after_s = time.monotonic() - sent
        exit_status = server.stop(grace_s=60)
        client.join(timeout=60)
        assert result.get("status") == 201, result
        assert result["took_s"] > sigterm_after_s  # answered after the SIGTERM, not cut off
        assert exit_status == 0
    finally:
        if server.process.poll() is None:
            server.kill()
        if "body" in result:
            with Session(database.engine) as session, session.begin():
                session.execute(delete(Itinerary).where(Itinerary.id == result["body"]["id"]))
