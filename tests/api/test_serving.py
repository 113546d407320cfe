"""Serving for real traffic: request ids, JSON request logs, body limits, rate limits
(in-process and shared through Redis), metrics, and concurrent writers on both backends
without a 503 or a lost update."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, delete, select
from sqlalchemy.orm import Session

from tests.api.conftest import OWN, Accounts
from tests.builders import add_site
from tests.conftest import Database
from tourroute.accounts.models import Principal
from tourroute.accounts.service import AccountService
from tourroute.api.deps import get_session
from tourroute.app import create_app
from tourroute.config import Settings
from tourroute.db.audit import AuditEntry
from tourroute.itineraries.models import Itinerary
from tourroute.sites.models import Site

PROBLEM = "application/problem+json"


def _limited_app(database: Database, connection: Connection, **limits: Any) -> TestClient:
    """An app with rate limits on, whose sessions join the test's transaction (as the
    ``client`` fixture's do), so accounts made by the test authenticate.

    The limiter counts in sliding windows weighted by the previous minute's hits: requests
    that straddle a minute's start count a little less than 1 each (2 hits at 0:59.9 weigh
    1.997 at 1:00.1), so a test of "the third is refused" starts well inside a minute."""
    if time.time() % 60 > 45:
        time.sleep(61 - time.time() % 60)
    settings = database.settings.model_copy(update={"rate_limit_enabled": True, **limits})
    app = create_app(settings, database.graph_cache)

    def _session() -> Iterator[Session]:
        with Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        ) as s:
            yield s
            s.commit()

    app.dependency_overrides[get_session] = _session
    return TestClient(app)


# --- request id and logs -----------------------------------------------------------------


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    given = client.get("/healthz", headers={"X-Request-ID": "agency-42.req:7"})
    assert given.headers["x-request-id"] == "agency-42.req:7"
    made = client.get("/healthz")
    other = client.get("/healthz")
    assert len(made.headers["x-request-id"]) == 32
    assert made.headers["x-request-id"] != other.headers["x-request-id"]
    # Not a sane token (too long, spaces): replaced, never reflected.
    odd = client.get("/healthz", headers={"X-Request-ID": "x" * 200})
    assert odd.headers["x-request-id"] != "x" * 200


def test_each_request_is_logged_once_with_its_id(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="tourroute.access"):
        response = client.get(
            "/v1/sites", params={"limit": 3}, headers={"X-Request-ID": "trace-me"}
        )
    assert response.status_code == 200
    lines = [r for r in caplog.records if r.name == "tourroute.access"]
    assert len(lines) == 1
    line: Any = lines[0]
    assert line.request_id == "trace-me"
    assert (line.method, line.route, line.status) == ("GET", "/v1/sites", 200)
    assert line.query == "limit=3"
    assert line.duration_ms > 0
    assert line.bytes == len(response.content)


def test_json_log_lines_carry_the_request_id() -> None:
    """The production log configuration renders each record as one JSON object."""
    import json
    import logging.config

    from tourroute.serving.logs import REQUEST_ID, log_config

    config = log_config("json")
    handler_config = config["handlers"]["default"]
    stream: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            stream.append(self.format(record))

    formatter_config = dict(config["formatters"]["default"])
    factory = formatter_config.pop("()")
    module, _, name = factory.rpartition(".")
    formatter = getattr(__import__(module, fromlist=[name]), name)(**formatter_config)
    capture = Capture()
    capture.setFormatter(formatter)
    capture.addFilter(config["filters"]["request_id"]["()"]())
    logger = logging.getLogger("tourroute.test-json")
    logger.addHandler(capture)
    token = REQUEST_ID.set("abc")
    try:
        logger.warning("hello %s", "there", extra={"status": 503})
    finally:
        REQUEST_ID.reset(token)
        logger.removeHandler(capture)
    assert handler_config["filters"] == ["request_id"]
    record = json.loads(stream[0])
    assert record["message"] == "hello there"
    assert record["request_id"] == "abc"
    assert record["status"] == 503
    assert record["level"] == "WARNING"
    assert record["time"].endswith("+00:00")


# --- body limit ----------------------------------------------------------------------------


def test_a_body_over_the_limit_is_413_before_it_is_read(client: TestClient) -> None:
    limit = Settings().max_body_bytes
    response = client.post(
        "/v1/itineraries",
        content=b"{" + b" " * limit + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == 413
    assert str(limit) in body["detail"]
    assert "x-request-id" in response.headers


def test_a_streamed_body_over_the_limit_is_413(client: TestClient) -> None:
    """No Content-Length (chunked): counted as it arrives, refused once past the limit."""
    limit = Settings().max_body_bytes

    def chunks() -> Iterator[bytes]:
        yield b'{"start": "'
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    response = client.post(
        "/v1/itineraries", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == PROBLEM


def test_road_geometry_may_be_larger(client: TestClient, accounts: Accounts) -> None:
    """A body above the default limit reaches the segment route (and is judged there)."""
    big = b'{"geometry": "' + b"x" * (Settings().max_body_bytes + 10) + b'"}'
    response = client.post(
        "/v1/roads/segments",
        content=big,
        headers={**accounts.headers("admin"), "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text


# --- rate limits ---------------------------------------------------------------------------


def _assert_429(response: Any) -> int:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == PROBLEM
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert response.json()["status"] == 429
    return retry_after


def test_anonymous_clients_are_limited_per_address(
    database: Database, connection: Connection
) -> None:
    with _limited_app(database, connection, rate_limit_anonymous="3/minute") as api:
        statuses = [api.get("/v1/provinces").status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        _assert_429(api.get("/v1/provinces"))
        # Only the API is limited: not probes, not the docs' or console's static files.
        assert api.get("/healthz").status_code == 200
        assert api.get("/docs").status_code == 200


def test_tokens_have_their_own_budget(
    database: Database, connection: Connection, accounts: Accounts
) -> None:
    with _limited_app(
        database, connection, rate_limit_anonymous="2/minute", rate_limit_token="4/minute"
    ) as api:
        # The token's budget is its own, not the address's ...
        for _ in range(4):
            response = api.get("/v1/me", headers=accounts.headers("admin"))
            assert response.status_code == 200, response.text
        _assert_429(api.get("/v1/me", headers=accounts.headers("admin")))
        # ... and another token is counted apart.
        assert api.get("/v1/me", headers=accounts.headers("agency")).status_code != 429


def test_guessing_tokens_uses_up_the_address_budget(
    database: Database, connection: Connection
) -> None:
    """A new made-up token each time does not escape the per-address limit."""
    with _limited_app(database, connection, rate_limit_anonymous="3/minute") as api:
        for i in range(3):
            guess = f"trt_{i:012d}_" + "A" * 43
            assert (
                api.get("/v1/me", headers={"Authorization": f"Bearer {guess}"}).status_code == 401
            )
        _assert_429(
            api.get("/v1/me", headers={"Authorization": "Bearer trt_999999999999_" + "B" * 43})
        )


def test_compositions_have_a_smaller_budget(database: Database, connection: Connection) -> None:
    body = {"sources": ["thanh-nha-ho"], "destinations": ["kim-lien"]}
    with _limited_app(database, connection, rate_limit_compute="2/minute") as api:
        assert [api.post("/v1/matrix", json=body).status_code for _ in range(2)] == [200, 200]
        _assert_429(api.post("/v1/matrix", json=body))
        assert api.get("/v1/provinces").status_code == 200  # other calls go on


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis server of this test's own (Debian's redis-server; `make test` installs it)."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603 - Debian's redis-server, no shell
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_limits_hold_across_workers_through_redis(
    database: Database, connection: Connection, redis_url: str
) -> None:
    """Two apps (as two worker processes would) count against one shared budget."""
    limits = {"rate_limit_anonymous": "4/minute", "rate_limit_storage": redis_url}
    with (
        _limited_app(database, connection, **limits) as first,
        _limited_app(database, connection, **limits) as second,
    ):
        assert first.get("/v1/provinces").status_code == 200
        assert second.get("/v1/provinces").status_code == 200
        assert first.get("/v1/provinces").status_code == 200
        assert second.get("/v1/provinces").status_code == 200
        _assert_429(first.get("/v1/provinces"))
        _assert_429(second.get("/v1/provinces"))


# --- metrics -------------------------------------------------------------------------------


def _sample(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_by_route_template(client: TestClient) -> None:
    before = client.get("/metrics").text
    for slug in ("kim-lien", "thien-cam"):
        assert client.get(f"/v1/sites/{slug}").status_code == 200
    assert client.get("/v1/sites/khong-co-dau").status_code == 404
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    after = response.text
    name = "tourroute_http_requests_total"
    route = {"method": "GET", "route": "/v1/sites/{slug}"}
    assert (
        _sample(after, name, **route, status="200") - _sample(before, name, **route, status="200")
        == 2
    )
    assert (
        _sample(after, name, **route, status="404") - _sample(before, name, **route, status="404")
        == 1
    )
    assert _sample(after, "tourroute_worker_resident_memory_bytes") > 10 * 2**20
    assert "tourroute_http_request_duration_seconds_bucket" in after


# --- concurrent writers: no 503, no lost update ---------------------------------------------


@pytest.fixture
def committed_curators(
    database: Database,
) -> Iterator[tuple[list[str], list[str], list[str]]]:
    """Two curators and their sites committed for real: concurrency needs real transactions."""
    suffix = database.backend
    names = [f"load-a-{suffix}", f"load-b-{suffix}"]
    slugs = [f"tai-nang-{i}-{suffix}" for i in range(2)]
    with Session(database.engine) as session:
        service = AccountService(session, database.settings.token_secret)
        tokens = []
        for name in names:
            service.add_curator(name, OWN)
            tokens.append(service.issue_token(name, 1).token)
        for slug in slugs:
            add_site(session, slug)  # commits
    created_itineraries: list[str] = []
    try:
        yield tokens, slugs, created_itineraries
    finally:
        with Session(database.engine) as session, session.begin():
            session.execute(delete(AuditEntry).where(AuditEntry.principal_name.in_(names)))
            session.execute(delete(Site).where(Site.slug.in_(slugs)))
            session.execute(delete(Principal).where(Principal.name.in_(names)))
            session.execute(delete(Itinerary).where(Itinerary.id.in_(created_itineraries)))


def test_composers_and_curators_together_get_no_503(
    database: Database, committed_curators: tuple[list[str], list[str], list[str]]
) -> None:
    """Three anonymous composers keep the planner busy while two curators edit the same
    sites: every request answers, none with 503 or 500, and every acknowledged edit is
    counted in the final version (a 412 is the correct answer to a stale If-Match)."""
    tokens, slugs, created = committed_curators
    deadline = time.monotonic() + 12
    results: dict[str, list[int]] = {"compose": [], "matrix": [], "edit": [], "me": []}
    lock = threading.Lock()
    acknowledged: dict[str, int] = dict.fromkeys(slugs, 0)

    def record(kind: str, status: int) -> None:
        with lock:
            results[kind].append(status)

    def composer(api: TestClient) -> None:
        while time.monotonic() < deadline:
            response = api.post(
                "/v1/itineraries",
                json={
                    "start": "thanh-nha-ho",
                    "end": "kim-lien",
                    "start_date": "2027-03-01",
                    "days": 2,
                    "max_candidates": 25,
                },
            )
            record("compose", response.status_code)
            if response.status_code == 201:
                with lock:
                    created.append(response.json()["id"])
            matrix = api.post(
                "/v1/matrix",
                json={"sources": ["thanh-nha-ho", "kim-lien"], "destinations": ["thien-cam"]},
            )
            record("matrix", matrix.status_code)

    def curator(api: TestClient, token: str, n: int) -> None:
        auth = {"Authorization": f"Bearer {token}"}
        i = 0
        while time.monotonic() < deadline:
            slug = slugs[i % len(slugs)]
            i += 1
            current = api.get(f"/v1/curation/sites/{slug}", headers=auth)
            record("me", current.status_code)
            if current.status_code != 200:
                continue
            response = api.patch(
                f"/v1/sites/{slug}",
                json={"description_en": f"edit {n}.{i}"},
                headers={**auth, "If-Match": current.headers["etag"]},
            )
            record("edit", response.status_code)
            if response.status_code == 200:
                with lock:
                    acknowledged[slug] += 1

    with ExitStack() as stack:
        apis = [
            stack.enter_context(TestClient(create_app(database.settings, database.graph_cache)))
            for _ in range(5)
        ]
        # Warm up every route in this thread: FastAPI builds route models lazily under
        # warnings.catch_warnings(), which is not thread-safe.
        auth = {"Authorization": f"Bearer {tokens[0]}"}
        for api in apis:
            assert api.post("/v1/itineraries", json={}).status_code == 422
            assert api.post("/v1/matrix", json={}).status_code == 422
            assert api.get(f"/v1/curation/sites/{slugs[0]}", headers=auth).status_code == 200
            assert api.patch(f"/v1/sites/{slugs[0]}", json={}, headers=auth).status_code == 428
        threads = [threading.Thread(target=composer, args=(apis[n],)) for n in range(3)]
        threads += [
            threading.Thread(target=curator, args=(apis[3 + n], tokens[n], n)) for n in range(2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    statuses = [s for kind in results.values() for s in kind]
    assert 503 not in statuses, results
    assert 500 not in statuses, results
    assert set(results["compose"]) <= {201, 422}, results["compose"]
    assert set(results["matrix"]) == {200}
    assert set(results["edit"]) <= {200, 412}
    assert results["compose"]
    assert results["edit"].count(200) >= 2
    with Session(database.engine) as session:
        for slug in slugs:
            version = session.scalar(select(Site.version).where(Site.slug == slug))
            assert version == 1 + acknowledged[slug], (slug, version, acknowledged)
