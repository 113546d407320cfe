"""Every ``tourroute`` command in a fresh Python process, as an operator runs it.

In-process tests (``cli.main([...])``) share the interpreter with the test suite, which has
imported every model already; a command that forgets to load the models it refers to only
fails in a new process (``NoReferencedTableError ... site_transitions.principal_id``).  So
here each command is a subprocess on one migrated and seeded SpatiaLite file for the module:
exit code 0 and its output.  SpatiaLite only: the point is the process, not the backend
(except the database check the commands share, which runs on both backends).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, SEED_DIR, Database
from tests.osm_files import write_osm_xml

TIMEOUT_S = 180


@dataclass
class Cli:
    env: dict[str, str]
    cwd: Path
    seed_output: str = ""
    upgrade_output: str = ""

    def run(self, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(  # noqa: S603 - our own command, no shell
            [sys.executable, "-m", "tourroute.cli", *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        assert result.returncode == expect, (
            f"tourroute {' '.join(args)} → {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
        assert "Traceback" not in result.stderr, result.stderr
        return result


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """A fresh SpatiaLite file, migrated and seeded by the commands under test."""
    work = tmp_path_factory.mktemp("cli")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOURROUTE_")}
    env.update(
        TOURROUTE_DATABASE_URL=f"sqlite:///{work / 'tourroute.db'}",
        TOURROUTE_SEED_DIR=str(SEED_DIR),
        TOURROUTE_MIGRATIONS_DIR=str(REPO / "migrations"),
        TOURROUTE_TOKEN_SECRET="fresh-process-test-secret",
        PYTHONPATH=os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        ),
    )
    runner = Cli(env, work)
    runner.upgrade_output = runner.run("db", "upgrade").stdout
    runner.seed_output = runner.run("seed", "load").stdout
    return runner


def test_db_upgrade(cli: Cli) -> None:
    assert "database at head" in cli.upgrade_output
    again = cli.run("db", "upgrade")
    assert "database at head" in again.stdout


def test_db_check(cli: Cli) -> None:
    cli.run("db", "check")


def test_seed_load_prints_a_line_per_kind_and_is_idempotent(cli: Cli) -> None:
    assert "provinces: 3 created" in cli.seed_output
    assert "places/osm2021-pois.geojson:" in cli.seed_output
    for kind in ("lodging", "campsite", "service", "attraction"):
        assert re.search(rf"^  {kind}: \d+ created", cli.seed_output, re.M), cli.seed_output
    again = cli.run("seed", "load").stdout
    assert "sites: 0 created, 0 updated" in again
    assert re.search(r"places/osm2021-pois\.geojson: 0 created, \d+ already present", again)


def test_network_report(cli: Cli) -> None:
    out = cli.run("network", "report", "--vehicle", "car", "--min-m", "100000").stdout
    assert out.startswith("network ")
    assert "nodes" in out


def _osm_file(path: Path) -> Path:
    nodes = {1: (105.6900, 18.6700), 2: (105.6950, 18.6720), 3: (105.6960, 18.6740)}
    ways = {7001: ([1, 2], {"highway": "tertiary", "name": "Đường Thử"})}
    tags = {3: {"tourism": "hotel", "name": "Khách sạn Tiến Trình Mới"}}
    return write_osm_xml(path, nodes, ways, tags)


def test_offline_sizes(cli: Cli, tmp_path: Path) -> None:
    fixture = REPO / "tests" / "data" / "basemap-sam-son.pmtiles"
    out = cli.run("offline", "sizes", "--archive", str(fixture)).stdout
    rows = [line for line in out.splitlines() if line.startswith("| `")]
    slugs = {row.split("`")[1] for row in rows}
    assert slugs == {
        "caravan-duong-ho-chi-minh",
        "di-san-thanh-hoa-nghe-an-ha-tinh",
        "ve-nguon-pu-luong-pu-xai-lai-leng-hai-thuong",
    }
    # The fixture's box (26 tiles) is 15 km or more from the tours' roads: each pack takes
    # its zooms 0–8 (9 tiles) and at most the few zoom 9–10 tiles that reach a corridor.
    tiles = [int(row.split("|")[4].replace(",", "")) for row in rows]
    assert all(9 <= n <= 12 for n in tiles), out
    one = cli.run(
        "offline", "sizes", "--archive", str(fixture), "--tour", "caravan-duong-ho-chi-minh"
    )
    assert one.stdout.count("| `") == 1
    missing = cli.run("offline", "sizes", "--archive", str(tmp_path / "none.pmtiles"), expect=2)
    assert missing.stderr.startswith("tourroute offline sizes: no base-map archive")


def test_import_osm(cli: Cli, tmp_path: Path) -> None:
    out = cli.run("import", "osm", str(_osm_file(tmp_path / "roads.osm")), "--quiet").stdout
    assert "OSM roads imported" in out


def test_import_osm_places(cli: Cli, tmp_path: Path) -> None:
    osm = _osm_file(tmp_path / "places.osm")
    out = cli.run("import", "osm-places", str(osm), "--quiet").stdout
    assert "OSM places imported" in out
    assert "sites created: 1 (draft)" in out
    again = cli.run("import", "osm-places", str(osm), "--quiet").stdout
    assert "already present (kept as they are): 1" in again


def test_import_places(cli: Cli, tmp_path: Path) -> None:
    doc: dict[str, Any] = {
        "type": "FeatureCollection",
        "metadata": {"source": "a test", "licence": "ODbL 1.0, (c) OpenStreetMap contributors"},
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [105.7001, 18.6801]},
                "properties": {"name": None, "class": "fuel", "subclass": "fuel"},
            }
        ],
    }
    path = tmp_path / "pois.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    out = cli.run("import", "places", str(path), "--status", "published").stdout
    assert "sites created: 1 (1 of them with a generated name)" in out
    assert "service: 1 created (1 published; VN-22 1)" in out
    again = cli.run("import", "places", str(path)).stdout
    assert "sites created: 0" in again
    # A bad file: a message naming the feature, exit status 2, no traceback.
    doc["features"][0]["geometry"] = {"type": "LineString", "coordinates": [[105.7, 18.6]] * 2}
    path.write_text(json.dumps(doc), encoding="utf-8")
    bad = cli.run("import", "places", str(path), expect=2)
    assert "feature #1 (unnamed): geometry is LineString, not a Point" in bad.stderr
    assert "nothing was written" in bad.stderr


def test_plan_solve(cli: Cli, tmp_path: Path) -> None:
    instance = {
        "format": "tourroute-planning/1",
        "name": "fresh-process",
        "days": [{"start_s": 28800, "end_s": 64800, "max_driving_s": None}],
        "start": {"id": "thanh-hoa", "lon": 105.776, "lat": 19.807},
        "travel": {"metric": "haversine", "speed_kph": 60, "detour": 1.2},
        "stops": [
            {"id": "thanh-nha-ho", "lon": 105.605, "lat": 20.078, "score": 9, "service_s": 3600},
            {"id": "bien-sam-son", "lon": 105.905, "lat": 19.74, "score": 4, "service_s": 3600},
        ],
    }
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(instance), encoding="utf-8")
    out = cli.run("plan", "solve", str(path), "--json", "--time-limit", "5").stdout
    assert isinstance(json.loads(out), dict)


def test_accounts(cli: Cli) -> None:
    assert "admin 'ops'" in cli.run("accounts", "add-admin", "ops").stdout
    out = cli.run("accounts", "add-curator", "cur-na", "--province", "nghe-an").stdout
    assert "curator 'cur-na' of VN-22 created" in out
    out = cli.run(
        "accounts", "add-agency", "ag", "--agency", "xu-thanh", "--agency-name", "Xứ Thanh"
    ).stdout
    assert "of agency 'xu-thanh' created" in out
    issued = cli.run("accounts", "issue-token", "ops", "--days", "1").stdout
    prefix = re.search(r"\(prefix (\S+)\)", issued)
    assert prefix is not None, issued
    assert "revoked" in cli.run("accounts", "revoke-token", prefix.group(1)).stdout
    listing = cli.run("accounts", "list").stdout
    assert "ops" in listing
    assert "cur-na" in listing


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve(cli: Cli) -> None:
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own command, no shell
        [sys.executable, "-m", "tourroute.cli", "serve", "--port", str(port)],
        env=cli.env,
        cwd=cli.cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        body = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/v1/sites?type=fuel&limit=1"
                with urllib.request.urlopen(url, timeout=2) as response:
                    body = json.loads(response.read())
                break
            except OSError:
                time.sleep(0.3)
        assert body is not None, "the server did not answer"
        assert body["items"][0]["subtype"] == "fuel"
        assert body["attribution"] == "© OpenStreetMap contributors"
    finally:
        server.terminate()
        try:
            output, _ = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
            server.kill()
            output, _ = server.communicate()
    assert "Traceback" not in output, output


# --- outside the checkout: no database yet ---------------------------------------------------
# An operator runs `tourroute …` from another folder (cwd has no data/ nor seed/), with no
# TOURROUTE_DATA_DIR or one naming an empty folder. A command that needs the schema must say
# so in one line and exit 2: no traceback, and no database file created on the way.

NEEDS_SCHEMA = [
    ("accounts", "list"),
    ("accounts", "add-admin", "someone"),
    ("seed", "load"),
    ("network", "report"),
    ("db", "check"),
]


@pytest.fixture
def elsewhere(tmp_path: Path) -> Cli:
    """Commands run from an empty folder, with no TOURROUTE_* setting at all."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOURROUTE_")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    return Cli(env, work)


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _refusal(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a refused command prints (nothing on stdout)."""
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("command", NEEDS_SCHEMA, ids=" ".join)
def test_no_database_outside_the_checkout_is_one_line_and_creates_nothing(
    elsewhere: Cli, command: tuple[str, ...]
) -> None:
    line = _refusal(elsewhere.run(*command, expect=2))
    expected_db = (elsewhere.cwd / "data" / "tourroute.db").resolve()
    assert line.startswith(f"tourroute {command[0]} {command[1]}: no database at {expected_db}")
    assert "run `tourroute db upgrade` first" in line
    assert list(elsewhere.cwd.iterdir()) == []  # not even data/


def test_an_empty_data_dir_is_refused_and_left_empty(elsewhere: Cli, tmp_path: Path) -> None:
    data = tmp_path / "empty-data"
    data.mkdir()
    elsewhere.env["TOURROUTE_DATA_DIR"] = str(data)
    osm = _osm_file(tmp_path / "roads.osm")  # a readable file: the database check refuses
    for command in [*NEEDS_SCHEMA, ("import", "osm", str(osm), "--quiet")]:
        line = _refusal(elsewhere.run(*command, expect=2))
        assert f"no database at {(data / 'tourroute.db').resolve()}" in line, line
    assert _files_under(data) == []
    assert list(elsewhere.cwd.iterdir()) == []


def test_a_database_without_schema_is_refused_and_left_alone(
    elsewhere: Cli, tmp_path: Path
) -> None:
    """An empty file (what the CLI used to leave behind) is named, and not written to."""
    data = tmp_path / "left-behind"
    data.mkdir()
    (data / "tourroute.db").write_bytes(b"")
    elsewhere.env["TOURROUTE_DATA_DIR"] = str(data)
    line = _refusal(elsewhere.run("accounts", "list", expect=2))
    assert f"database {(data / 'tourroute.db').resolve()} has no schema" in line
    assert "run `tourroute db upgrade` first" in line
    assert _files_under(data) == [data / "tourroute.db"]
    assert (data / "tourroute.db").stat().st_size == 0


def test_db_upgrade_still_creates_the_database(elsewhere: Cli) -> None:
    assert "database at head" in elsewhere.run("db", "upgrade").stdout
    assert (elsewhere.cwd / "data" / "tourroute.db").is_file()
    # Now the schema is there: the same command answers normally (no principals yet).
    assert elsewhere.run("accounts", "list").stdout == ""


def test_seed_load_names_the_seed_folder_it_did_not_find(elsewhere: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "no-seed-here"
    line = _refusal(elsewhere.run("seed", "load", "--dir", str(missing), expect=2))
    assert line == f"tourroute seed load: no seed directory at {missing.resolve()} (from --dir)"
    elsewhere.env["TOURROUTE_SEED_DIR"] = str(missing)
    line = _refusal(elsewhere.run("seed", "load", expect=2))
    assert line.endswith(f"no seed directory at {missing.resolve()} (from TOURROUTE_SEED_DIR)")
    assert list(elsewhere.cwd.iterdir()) == []  # refused before any database was opened


def test_seed_load_outside_an_installed_tree_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Installed from a wheel, the package is not in a checkout: no seed/ beside it either.
    (In-process: a fresh process here always finds this checkout's seed/.)"""
    import tourroute.config
    from tourroute.cli import main

    installed = tmp_path / "site-packages-parent"
    installed.mkdir()
    for name in list(os.environ):
        if name.startswith("TOURROUTE_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr(tourroute.config, "REPO_ROOT", installed)
    monkeypatch.chdir(tmp_path)
    assert main(["seed", "load"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == (
        f"tourroute seed load: no seed directory: looked in {(tmp_path / 'seed').resolve()} "
        f"and {(installed / 'seed').resolve()}; pass --dir DIR or set TOURROUTE_SEED_DIR"
    )
    assert list(tmp_path.iterdir()) == [installed]


def test_an_unreachable_server_is_one_line_without_the_password(elsewhere: Cli) -> None:
    elsewhere.env["TOURROUTE_DATABASE_URL"] = "postgresql://someone:s3cret@127.0.0.1:1/nowhere"
    line = _refusal(elsewhere.run("accounts", "list", expect=2))
    assert line.startswith("tourroute accounts list: cannot connect to database ")
    assert "127.0.0.1:1/nowhere" in line
    assert "s3cret" not in line


def test_the_schema_check_on_both_backends(database: Database, tmp_path: Path) -> None:
    """The check the commands share: a migrated database passes; one without the schema,
    or none at all, is refused with a line naming it, and nothing is created."""
    from sqlalchemy.engine import make_url

    from tourroute.config import Settings
    from tourroute.db import migrate

    migrate.require_schema(database.settings)
    if database.backend == "postgis":
        # The same server and database, seen through a schema that does not exist: no
        # alembic_version is visible there (nothing is created to show it).
        url = make_url(database.settings.effective_database_url).update_query_dict(
            {"options": "-csearch_path=tourroute_no_such_schema"}
        )
        empty = Settings(database_url=url.render_as_string(hide_password=False))
        with pytest.raises(migrate.NoSchema, match=r"has no schema .*tourroute db upgrade"):
            migrate.require_schema(empty)
    else:
        with pytest.raises(migrate.NoSchema, match="no database at"):
            migrate.require_schema(Settings(data_dir=tmp_path / "none", database_url=""))
        assert not (tmp_path / "none").exists()
        (tmp_path / "tourroute.db").write_bytes(b"")
        with pytest.raises(migrate.NoSchema, match="has no schema"):
            migrate.require_schema(Settings(data_dir=tmp_path, database_url=""))
        assert [p.name for p in tmp_path.iterdir()] == ["tourroute.db"]
