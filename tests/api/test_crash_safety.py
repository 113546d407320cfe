"""``kill -9`` in the middle of a burst of writes: nothing acknowledged is lost, nothing is
left half-written, nothing else changes.

A real ``tourroute serve`` (2 workers, rate limits off) runs on a database of its own — a
copy of the session's seeded database: a SQLite backup of the SpatiaLite file, or, on
PostGIS, a schema of a unique name migrated and filled from the session's tables and
dropped afterwards. Concurrent clients send PATCHes (with If-Match, each on a distinct
site of the curator's province) and POSTs of new draft sites; once a number of them have
been acknowledged, the whole process group gets SIGKILL. Each write is then one of:

* acknowledged (a 2xx arrived): it must be there exactly as acknowledged — value,
  version, ETag — with its audit entry (and, for a new site, its workflow step);
* never sent (the connection was refused after the kill): it must not be there at all;
* in flight (sent, no answer): it may have committed, but then completely — the site is
  either wholly at its old version with no audit entry, or wholly at the new one with
  exactly one audit entry.

Every other row of every table (bar ``api_tokens.last_used_at``) is compared with a
snapshot taken before the server started, and SQLite's ``PRAGMA integrity_check`` must say
``ok`` both right after the crash and after the restarted server is stopped again.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import sqlean
from sqlalchemy import Engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tests.api.conftest import OWN
from tests.builders import new_site_body
from tests.conftest import SEED_DIR, Database
from tests.serving_helpers import ServerProcess, running_server, server_env
from tourroute.accounts.service import AccountService
from tourroute.config import Settings
from tourroute.db import migrate
from tourroute.db.audit import AuditEntry
from tourroute.db.base import utcnow
from tourroute.db.engine import create_db_engine
from tourroute.models import Base
from tourroute.sites.domain import SiteStatus
from tourroute.sites.models import Site, SiteCategory, SiteTransition

WORKERS = 2
PATCHES = 40  # on distinct existing sites of the curator's province
CREATES = 16  # new draft sites
CLIENTS = 12  # concurrent writers
KILL_AFTER = 15  # acknowledged writes before the kill
CURATOR = "crash-curator"
# Rows of these (table, column) may change without a write of ours: authentication records
# a token's use at most once a minute, after the response.
VOLATILE = {("api_tokens", "last_used_at")}


# --- the server's own database ---------------------------------------------------------------


def _spatialite_copy(database: Database, directory: Path) -> Settings:
    """A copy of the session's SpatiaLite file by SQLite's online backup API: a consistent
    snapshot of committed data (no test transaction is open between tests), WAL included."""
    source = make_url(database.settings.effective_database_url).database
    assert source
    directory.mkdir()
    with (
        contextlib.closing(sqlean.connect(source)) as src,
        contextlib.closing(sqlean.connect(str(directory / "tourroute.db"))) as dst,
    ):
        src.backup(dst)
    return Settings(
        data_dir=directory, database_url="", seed_dir=SEED_DIR, rate_limit_enabled=False
    )


@contextlib.contextmanager
def _postgis_copy(database: Database) -> Iterator[Settings]:
    """A schema of a unique name, migrated, filled with the session's committed rows (in
    ``public``), and dropped afterwards; the server finds it first on its search path."""
    schema = f"crash_{uuid.uuid4().hex[:12]}"
    url = make_url(database.settings.effective_database_url).update_query_dict(
        {"options": f"-csearch_path={schema},public"}
    )
    settings = Settings(
        database_url=url.render_as_string(hide_password=False),
        seed_dir=SEED_DIR,
        rate_limit_enabled=False,
    )
    with database.engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        # Alembic looks for its version table wherever the search path shows one, and would
        # find public's (at head) and do nothing: give the schema its own, empty, first.
        conn.execute(
            text(
                f'CREATE TABLE "{schema}".alembic_version (version_num VARCHAR(32) NOT NULL, '
                "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
            )
        )
    try:
        migrate.upgrade(settings)
        tables = Base.metadata.sorted_tables
        with database.engine.begin() as conn:
            names = ", ".join(f'"{schema}"."{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            for table in tables:
                columns = ", ".join(f'"{c.name}"' for c in table.columns)
                conn.execute(
                    text(
                        f'INSERT INTO "{schema}"."{table.name}" ({columns}) '  # noqa: S608 (our names)
                        f'SELECT {columns} FROM public."{table.name}"'
                    )
                )
                for column in table.primary_key.columns:
                    if column.autoincrement is True:
                        qualified = f'"{schema}"."{table.name}"'
                        conn.execute(
                            text(
                                "SELECT setval(pg_get_serial_sequence(:t, :c), "  # noqa: S608 (our names)
                                f'coalesce(max("{column.name}"), 0) + 1, false) FROM {qualified}'
                            ),
                            {"t": qualified, "c": column.name},
                        )
        yield settings
    finally:
        with database.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


@pytest.fixture
def own_settings(database: Database, tmp_path: Path) -> Iterator[Settings]:
    if database.backend == "spatialite":
        yield _spatialite_copy(database, tmp_path / "db")
    else:
        with _postgis_copy(database) as settings:
            yield settings


def _env(settings: Settings, metrics_dir: Path) -> dict[str, str]:
    if settings.database_url:
        return server_env(database_url=settings.database_url, metrics_dir=metrics_dir)
    return server_env(data_dir=settings.data_dir.resolve(), metrics_dir=metrics_dir)


# --- snapshots --------------------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    """A comparable, hashable form of a column value (geometries as their WKB bytes)."""
    data = getattr(value, "data", None)
    if data is not None and not isinstance(value, (str, bytes)):
        return bytes(data) if not isinstance(data, str) else data
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


Snapshot = dict[str, dict[tuple[Any, ...], dict[str, Any]]]


def _snapshot(engine: Engine) -> Snapshot:
    """Every row of every table, by primary key."""
    out: Snapshot = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            pk = [c.name for c in table.primary_key.columns]
            rows: dict[tuple[Any, ...], dict[str, Any]] = {}
            for row in conn.execute(select(table)).mappings():
                values = {k: _canonical(v) for k, v in row.items()}
                rows[tuple(values[k] for k in pk)] = values
            out[table.name] = rows
    return out


def _integrity_ok(settings: Settings) -> None:
    if settings.database_url:
        # PostgreSQL: a commit is atomic and WAL-logged by the server, which the kill of a
        # client process cannot touch; there is no file-level check to run from here.
        return
    with contextlib.closing(sqlean.connect(str(settings.data_dir / "tourroute.db"))) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


# --- the writes -------------------------------------------------------------------------------


@dataclass
class Write:
    kind: str  # "patch" or "create"
    slug: str
    marker: str  # the description_en (patch) or name_en (create) it writes
    old_version: int = 0  # patch: the version it read (and sent as If-Match)
    old_description: str = ""
    etag: str = ""  # patch: the ETag read before the burst
    # "acked" (2xx), "answered" (another status), "not-sent" (connection refused),
    # "in-flight" (sent, no answer)
    outcome: str = "pending"
    status: int | None = None
    answer: dict[str, Any] = field(default_factory=dict)
    answer_etag: str = ""


def _send(http: httpx.Client, write: Write, token: str) -> httpx.Response:
    auth = {"Authorization": f"Bearer {token}"}
    if write.kind == "patch":
        return http.patch(
            f"/v1/sites/{write.slug}",
            json={"description_en": write.marker},
            headers={
                **auth,
                "If-Match": write.etag,
                "Content-Type": "application/merge-patch+json",
            },
        )
    body = new_site_body(write.slug, name_en=write.marker)
    return http.post("/v1/sites", json=body, headers=auth)


def _burst(server: ServerProcess, writes: list[Write], token: str) -> None:
    """Send every write from CLIENTS threads; SIGKILL the server after KILL_AFTER acks."""
    acked = 0
    lock = threading.Lock()
    enough = threading.Event()

    def one(write: Write) -> None:
        nonlocal acked
        try:
            response = _send(http, write, token)
        except httpx.ConnectError:
            write.outcome = "not-sent"
            return
        except httpx.TransportError:
            write.outcome = "in-flight"
            return
        write.status = response.status_code
        if 200 <= response.status_code < 300:
            write.outcome = "acked"
            write.answer = response.json()
            write.answer_etag = response.headers["etag"]
            with lock:
                acked += 1
                if acked >= KILL_AFTER:
                    enough.set()
        else:
            write.outcome = "answered"
            write.answer = {"text": response.text}

    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    with (
        httpx.Client(base_url=server.base_url, timeout=30, limits=limits, trust_env=False) as http,
        ThreadPoolExecutor(CLIENTS) as pool,
    ):
        futures = [pool.submit(one, w) for w in writes]
        finished = enough.wait(timeout=60)
        server.kill()
        for future in futures:
            future.result(timeout=60)
    assert finished, f"only {acked} writes were acknowledged in 60 s: {server.log_text()[-3000:]}"


# --- the test ---------------------------------------------------------------------------------


def _accounts_and_targets(engine: Engine, settings: Settings) -> tuple[str, list[Write]]:
    tag = uuid.uuid4().hex[:6]
    with Session(engine) as session, session.begin():
        service = AccountService(session, settings.token_secret)
        service.add_curator(CURATOR, OWN)
        token = service.issue_token(CURATOR, 1).token
        # A fresh last_used_at: the server then has no token use to record.
        service.authenticate(token, utcnow())
    with Session(engine) as session:
        sites = session.execute(
            select(Site.slug, Site.version, Site.description_en)
            .where(Site.province_code == OWN, Site.status != SiteStatus.archived)
            .order_by(Site.slug)
            .limit(PATCHES)
        ).all()
    assert len(sites) == PATCHES
    patches = [
        Write("patch", slug, f"crash test {tag} edit {i}", version, description)
        for i, (slug, version, description) in enumerate(sites)
    ]
    creates = [
        Write("create", f"crash-{tag}-new-{i:02d}", f"Crash test {tag} new place {i}")
        for i in range(CREATES)
    ]
    # Interleaved, so that creates and edits are in flight together when the kill comes.
    writes: list[Write] = []
    step = max(1, PATCHES // CREATES)
    while patches or creates:
        writes.extend(patches[:step])
        del patches[:step]
        if creates:
            writes.append(creates.pop(0))
    return token, writes


def _read_etags(server: ServerProcess, writes: list[Write], token: str) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, timeout=30, trust_env=False) as http:
        for write in writes:
            if write.kind != "patch":
                continue
            response = http.get(f"/v1/curation/sites/{write.slug}", headers=auth)
            assert response.status_code == 200, response.text
            assert response.json()["version"] == write.old_version
            write.etag = response.headers["etag"]


def _check_database(
    engine: Engine, writes: list[Write], before: Snapshot, max_audit_id: int
) -> set[str]:
    """Every write complete or absent, as its outcome demands; the committed slugs."""
    committed: set[str] = set()
    with Session(engine) as session:
        new_audit = session.scalars(
            select(AuditEntry).where(AuditEntry.id > max_audit_id).order_by(AuditEntry.id)
        ).all()
        audit_by_slug: dict[str, list[AuditEntry]] = {}
        for entry in new_audit:
            assert entry.principal_name == CURATOR, (entry.action, entry.resource_id)
            assert entry.resource_type == "site"
            audit_by_slug.setdefault(entry.resource_id, []).append(entry)
        for w in writes:
            site = session.scalar(select(Site).where(Site.slug == w.slug))
            entries = audit_by_slug.pop(w.slug, [])
            what = (w.kind, w.slug, w.outcome, w.status)
            if w.kind == "patch":
                assert site is not None, what
                if site.version == w.old_version:  # not committed: wholly the old site
                    assert site.description_en == w.old_description, what
                    assert entries == [], what
                    continue
                assert site.version == w.old_version + 1, what
                assert site.description_en == w.marker, what
                assert [e.action for e in entries] == ["site.update"], what
                entry = entries[0]
                assert entry.before is not None
                assert entry.after is not None
                assert entry.before["version"] == w.old_version, what
                assert entry.after["version"] == site.version, what
                assert entry.after["description_en"] == w.marker, what
            else:
                transitions = (
                    session.scalars(
                        select(SiteTransition).where(SiteTransition.site_id == site.id)
                    ).all()
                    if site is not None
                    else []
                )
                if site is None:  # not committed: no trace at all
                    assert entries == [], what
                    continue
                assert (site.version, site.status, site.name_en) == (
                    1,
                    SiteStatus.draft,
                    w.marker,
                ), what
                categories = session.scalars(
                    select(SiteCategory.category).where(SiteCategory.site_id == site.id)
                ).all()
                assert [c.value for c in categories] == ["heritage"], what
                assert [(t.from_status, t.to_status) for t in transitions] == [
                    (None, SiteStatus.draft)
                ], what
                assert [e.action for e in entries] == ["site.create"], what
                assert entries[0].after is not None
                assert entries[0].after["name_en"] == w.marker, what
            committed.add(w.slug)
            if w.outcome == "acked":
                assert site.version == w.answer["version"], what
        assert audit_by_slug == {}, "audit entries of writes nobody sent"
        site_ids = {
            s.id: s.slug
            for s in session.scalars(select(Site).where(Site.slug.in_([w.slug for w in writes])))
        }
    # Whatever did not commit must not have been acknowledged, and what was never sent
    # must not have committed.
    for w in writes:
        if w.outcome == "acked":
            assert w.slug in committed, ("acknowledged but lost", w.kind, w.slug, w.answer)
        if w.outcome == "not-sent":
            assert w.slug not in committed, ("committed without being sent", w.slug)
    _check_untouched(engine, before, {w.slug for w in writes}, set(site_ids), max_audit_id)
    return committed


def _check_untouched(
    engine: Engine,
    before: Snapshot,
    slugs: set[str],
    site_ids: set[int],
    max_audit_id: int,
) -> None:
    """Every row not of a write of ours is as it was before the server started."""
    after = _snapshot(engine)
    assert set(after) == set(before)

    def ours(table: str, row: dict[str, Any]) -> bool:
        if table == "sites":
            return row["slug"] in slugs
        if table in ("site_categories", "site_transitions"):
            return row["site_id"] in site_ids
        if table == "audit_log":
            return int(row["id"]) > max_audit_id
        return False

    for table, rows in after.items():
        kept = {k: r for k, r in rows.items() if not ours(table, r)}
        was = {k: r for k, r in before[table].items() if not ours(table, r)}
        for column in {c for t, c in VOLATILE if t == table}:
            for row in (*kept.values(), *was.values()):
                row.pop(column, None)
        assert kept.keys() == was.keys(), f"rows added or removed in {table}"
        changed = [k for k in kept if kept[k] != was[k]]
        assert changed == [], f"{table}: rows changed that no write touched: {changed[:5]}"


def test_kill_9_during_a_burst_of_writes_loses_nothing_acknowledged(
    database: Database, own_settings: Settings, tmp_path: Path
) -> None:
    settings = own_settings
    clock = [time.perf_counter()]

    def lap() -> str:
        clock.append(time.perf_counter())
        return f"{clock[-1] - clock[-2]:.1f} s"

    engine = create_db_engine(settings)
    try:
        token, writes = _accounts_and_targets(engine, settings)
        with Session(engine) as session:
            max_audit_id = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()))
        assert max_audit_id is not None
        before = _snapshot(engine)
    finally:
        engine.dispose()  # no connection of ours is open while the server runs
    laps = {"prepare": lap()}

    log = tmp_path / "serve-1.log"
    with running_server(
        _env(settings, tmp_path / "metrics-1"), workers=WORKERS, log_path=log
    ) as server:
        laps["start"] = lap()
        _read_etags(server, writes, token)
        _burst(server, writes, token)
        laps["burst"] = lap()
    answered = [(w.slug, w.status, w.answer) for w in writes if w.outcome == "answered"]
    assert answered == [], "every answer before the kill must be a success (no 412/5xx)"
    outcomes = {o: sum(w.outcome == o for w in writes) for o in ("acked", "in-flight", "not-sent")}
    assert outcomes["acked"] >= KILL_AFTER, outcomes
    assert outcomes["in-flight"] + outcomes["not-sent"] > 0, f"the kill came too late: {outcomes}"
    crashed_log = server.log_text()
    assert '"level": "ERROR"' not in crashed_log, crashed_log[-3000:]
    _integrity_ok(settings)

    # Restart on the same database: it opens (SQLite recovers its WAL), and serves every
    # acknowledged write exactly as it was acknowledged.
    with running_server(
        _env(settings, tmp_path / "metrics-2"),
        workers=WORKERS,
        log_path=tmp_path / "serve-2.log",
        warm=False,
    ) as server:
        laps["restart"] = lap()
        auth = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.base_url, timeout=30, trust_env=False) as http:
            for w in writes:
                if w.outcome != "acked":
                    continue
                response = http.get(f"/v1/curation/sites/{w.slug}", headers=auth)
                assert response.status_code == 200, (w.slug, response.text)
                assert response.headers["etag"] == w.answer_etag, w.slug
                assert response.json()["version"] == w.answer["version"], w.slug
                field_name = "description_en" if w.kind == "patch" else "name_en"
                assert response.json()[field_name] == w.marker, w.slug
        assert server.stop() == 0

    _integrity_ok(settings)
    laps["check via API"] = lap()
    engine = create_db_engine(settings)
    try:
        committed = _check_database(engine, writes, before, max_audit_id)
    finally:
        engine.dispose()
    in_flight_committed = [
        w.slug for w in writes if w.outcome == "in-flight" and w.slug in committed
    ]
    laps["check database"] = lap()
    print(  # shown with -s / -rP: how the kill fell, and where the time went
        f"{database.backend}: {outcomes}; in flight but committed: {len(in_flight_committed)}; "
        + ", ".join(f"{k} {v}" for k, v in laps.items())
    )
