"""End-to-end tests of the web console: a real server, real HTTP, Debian's Chromium.

The session builds a fresh SpatiaLite database with the real CLI (``tourroute db upgrade``,
``tourroute seed load``), creates a curator of Nghệ An and one of Thanh Hóa with their tokens
(``tourroute accounts …``), starts ``tourroute serve`` on a free port and drives the console
(served at ``/`` from a snapshot of the build taken when the session starts, so a rebuild
during the run changes nothing) with Playwright.  Playwright never downloads a browser here:
it launches ``/usr/bin/chromium`` (``make browser-deps`` installs it).  A missing console
build or a missing Chromium *fails* the tests with a clear message; they are never skipped.

The browser tests run once, on SpatiaLite: they do not use the per-backend ``database``
fixture of ``tests/conftest.py``.  Every test leaves a screenshot in
``test-artifacts/browser/`` (plus ``<test>-failed.png`` when it fails).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from tourroute.config import Settings

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Two shared cores: waits are generous, and always on a selector or an attribute, never a sleep.
TIMEOUT_MS = 45_000
SERVER_START_S = 90.0

CURATOR_NGHE_AN = "curator-nghe-an"
CURATOR_THANH_HOA = "curator-thanh-hoa"

_TOKEN = re.compile(r"^(trt_\S+)$", re.MULTILINE)
_PHASE_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: end-to-end test of the web console in Chromium (real server)"
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember each phase's report so the page fixture can screenshot failures."""
    report: pytest.TestReport = yield
    item.stash.setdefault(_PHASE_REPORTS, {})[report.when] = report
    return report


@dataclass(frozen=True)
class Server:
    base_url: str
    tokens: dict[str, str]
    log: Path
    database: Path


@dataclass
class BrowserLog:
    """What the page said on its console, and what it threw."""

    errors: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(self.errors)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _cli(env: dict[str, str], *args: str) -> str:
    """Run ``tourroute <args>`` (the installed CLI module) and return its stdout."""
    done = subprocess.run(  # noqa: S603 — fixed argv, no shell
        [sys.executable, "-m", "tourroute.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(
            f"`tourroute {' '.join(args)}` failed ({done.returncode}):\n"
            f"{done.stdout}\n{done.stderr}",
            pytrace=False,
        )
    return done.stdout


def _issue_token(env: dict[str, str], name: str) -> str:
    out = _cli(env, "accounts", "issue-token", name)
    found = _TOKEN.findall(out)
    if len(found) != 1:
        pytest.fail(f"no token in the output of `accounts issue-token {name}`:\n{out}")
    return str(found[0])


def _console_dir() -> Path:
    """Where the build is: ``Settings.console_dir`` (``TOURROUTE_CONSOLE_DIR``)."""
    return Settings().console_dir


def _console_snapshot(target: Path) -> Path:
    """Copy the built console, so a rebuild during the run cannot pull it from under us."""
    built = _console_dir()
    if not (built / "index.html").is_file():
        pytest.fail(
            f"console not built: make console (no {built / 'index.html'}; "
            "or: cd src/web && npm ci && npm run build)",
            pytrace=False,
        )
    shutil.copytree(built, target)
    return target


def _check_console_served(base_url: str) -> None:
    answer = httpx2.get(f"{base_url}/", timeout=30.0)
    if answer.status_code != 200 or "text/html" not in answer.headers.get("content-type", ""):
        pytest.fail(
            f"console not built: make console (GET / answered {answer.status_code}: "
            f"{answer.text[:300]})",
            pytrace=False,
        )


def _check_glyphs_built(base_url: str) -> None:
    """The map's labels need the glyphs ``make console`` generates (``make glyphs``)."""
    answer = httpx2.get(f"{base_url}/glyphs/DejaVu Sans Book/0-255.pbf", timeout=30.0)
    if answer.status_code != 200:
        pytest.fail(
            f"map glyphs not built: make console (GET /glyphs answered {answer.status_code}: "
            f"{answer.text[:300]})",
            pytrace=False,
        )


def _wait_ready(proc: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    last = "no answer"
    with httpx2.Client(base_url=base_url, timeout=5.0) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(
                    f"tourroute serve exited with {proc.returncode}:\n{log.read_text()}",
                    pytrace=False,
                )
            try:
                answer = client.get("/readyz")
                if answer.status_code == 200:
                    return
                last = f"{answer.status_code} {answer.text}"
            except httpx2.TransportError as exc:
                last = repr(exc)
            time.sleep(0.25)  # polling a process that is starting, not waiting on the UI
    pytest.fail(f"server not ready after {SERVER_START_S}s ({last}):\n{log.read_text()}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A migrated, seeded SpatiaLite database served by a real ``tourroute serve``."""
    tmp = tmp_path_factory.mktemp("browser-server")
    console = _console_snapshot(tmp / "console")
    database = tmp / "x.db"
    env = {
        **os.environ,
        "TOURROUTE_DATABASE_URL": f"sqlite:///{database}",
        "TOURROUTE_DATA_DIR": str(tmp),
        "TOURROUTE_SEED_DIR": str(REPO / "seed"),
        "TOURROUTE_MIGRATIONS_DIR": str(REPO / "migrations"),
        "TOURROUTE_TOKEN_SECRET": "browser-tests-token-secret",
        "TOURROUTE_CURSOR_SECRET": "browser-tests-cursor-secret",
        "SPATIALITE_LIBRARY_PATH": os.environ.get("SPATIALITE_LIBRARY_PATH", "mod_spatialite"),
        "TOURROUTE_CONSOLE_DIR": str(console),
        # The whole browser suite comes from one address within minutes: rate limits are
        # tested on their own (tests/api/test_serving.py).
        "TOURROUTE_RATE_LIMIT_ENABLED": "false",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TOURROUTE_HOST", None)
    env.pop("TOURROUTE_PORT", None)
    _cli(env, "db", "upgrade")
    _cli(env, "seed", "load")
    _cli(env, "accounts", "add-curator", "--province", "VN-22", CURATOR_NGHE_AN)
    _cli(env, "accounts", "add-curator", "--province", "VN-21", CURATOR_THANH_HOA)
    tokens = {name: _issue_token(env, name) for name in (CURATOR_NGHE_AN, CURATOR_THANH_HOA)}

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = tmp / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603 — fixed argv, no shell
            [
                sys.executable,
                "-m",
                "tourroute.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_ready(proc, base_url, log)
        _check_console_served(base_url)
        _check_glyphs_built(base_url)
        yield Server(base_url=base_url, tokens=tokens, log=log, database=database)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


@pytest.fixture(scope="session")
def api(server: Server) -> Iterator[httpx2.Client]:
    """Plain HTTP against the same server, to arrange and to check what the console did."""
    with httpx2.Client(base_url=server.base_url, timeout=120.0) as client:
        yield client


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium "
            "(make browser-deps, or apt-get install -y chromium); never `playwright install`",
            pytrace=False,
        )
    with sync_playwright() as p:
        expect.set_options(timeout=TIMEOUT_MS)
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def new_context(browser: Browser, server: Server, **options: Any) -> BrowserContext:
    options.setdefault("viewport", {"width": 1280, "height": 860})
    options.setdefault("locale", "vi-VN")
    options.setdefault("timezone_id", "Asia/Ho_Chi_Minh")
    context = browser.new_context(base_url=server.base_url, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


def watch(page: Page) -> BrowserLog:
    log = BrowserLog()
    page.on(
        "console",
        lambda msg: (
            log.errors.append(f"console.{msg.type}: {msg.text}")
            if msg.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda exc: log.errors.append(f"uncaught: {exc}"))
    page.on(
        "requestfailed",
        lambda req: log.errors.append(f"request failed: {req.method} {req.url} {req.failure}"),
    )
    return log


def finish(request: pytest.FixtureRequest, page: Page, log: BrowserLog) -> None:
    """On failure: a screenshot and the browser's console in the report."""
    reports = request.node.stash.get(_PHASE_REPORTS, {})
    call = reports.get("call")
    if call is not None and call.failed:
        shot(page, f"{request.node.name}-failed")
    if log.errors:
        request.node.add_report_section("teardown", "browser console", log.text())


@pytest.fixture
def page(browser: Browser, server: Server, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh desktop-sized browser context and page on the console."""
    context = new_context(browser, server)
    page = context.new_page()
    log = watch(page)
    yield page
    try:
        finish(request, page, log)
    finally:
        context.close()


def shot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as ``test-artifacts/browser/<name>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
