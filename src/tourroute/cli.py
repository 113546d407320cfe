"""Command line: ``tourroute serve | db upgrade | db check | seed load | import osm FILE |
import osm-places FILE | import places FILE | plan solve FILE |
accounts add-admin|add-curator|add-agency|issue-token|revoke-token|list``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tourroute.config import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


class _Refused(Exception):
    """A command that cannot start (no database, no seed): one line on stderr, exit 2."""


def _require_schema(settings: Settings) -> None:
    """Refuse a command that needs the schema when the database does not exist or has none,
    before anything is opened: a SpatiaLite file is never created just by being named."""
    from tourroute.db import migrate

    try:
        migrate.require_schema(settings)
    except migrate.NoSchema as exc:
        raise _Refused(str(exc)) from None


def _open_db(settings: Settings) -> Engine:
    """The engine of every command that reads or writes the database (all but
    ``db upgrade``, which creates it, and ``serve``): only once the schema is there."""
    from tourroute.db.engine import create_db_engine

    _require_schema(settings)
    return create_db_engine(settings)


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from tourroute.serving.server import serve

    serve(
        settings,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers or settings.workers,
    )
    return 0


def _cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from tourroute.db import migrate

    migrate.upgrade(settings, args.revision)
    print(f"database at {args.revision}: {_safe_url(settings)}")
    return 0


def _cmd_db_check(_args: argparse.Namespace, settings: Settings) -> int:
    from tourroute.db import migrate

    _require_schema(settings)
    migrate.check(settings)
    return 0


def _seed_dir(args: argparse.Namespace, settings: Settings) -> Path:
    """The seed folder to load; refused, saying where it looked, if there is none."""
    from tourroute.config import REPO_ROOT

    if args.dir:
        seed_dir, given = Path(args.dir), "--dir"
    elif "seed_dir" in settings.model_fields_set:
        seed_dir, given = settings.seed_dir, "TOURROUTE_SEED_DIR"
    else:
        seed_dir, given = settings.seed_dir, None
    if seed_dir.is_dir():
        return seed_dir
    if given is not None:
        raise _Refused(f"no seed directory at {seed_dir.resolve()} (from {given})")
    looked = dict.fromkeys(str((base / "seed").resolve()) for base in (Path.cwd(), REPO_ROOT))
    raise _Refused(
        f"no seed directory: looked in {' and '.join(looked)}; "
        "pass --dir DIR or set TOURROUTE_SEED_DIR"
    )


def _cmd_seed_load(args: argparse.Namespace, settings: Settings) -> int:
    from tourroute.db.session import make_sessionmaker, take_write_lock
    from tourroute.seed import SeedError, load_seed

    seed_dir = _seed_dir(args, settings)
    engine = _open_db(settings)
    try:
        with make_sessionmaker(engine).begin() as session:
            take_write_lock(session)
            report = load_seed(session, seed_dir, force=args.force)
    except SeedError as exc:
        print(exc, file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"seed loaded from {seed_dir} into {_safe_url(settings)}")
    print(report.summary())
    return 0


def _run_osm_import(
    command: str,
    what: str,
    path: Path,
    settings: Settings,
    write: Callable[[Session], Any],
) -> int:
    """Shared frame of the OSM imports: check the file before the database is opened (so no
    SpatiaLite file is created for a bad path), run ``write`` in one transaction, and turn
    every failure into a message and an exit code with nothing written."""
    from sqlalchemy.exc import DBAPIError

    from tourroute.db.session import make_sessionmaker, take_write_lock
    from tourroute.network.osm_reader import OsmImportError, check_readable

    try:
        check_readable(path)
    except OsmImportError as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return 2
    engine = _open_db(settings)
    try:
        with make_sessionmaker(engine).begin() as session:
            take_write_lock(session)
            report = write(session)
    except OsmImportError as exc:
        print(f"{command}: {exc}; nothing was written", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{command}: interrupted; nothing was written", file=sys.stderr)
        return 130
    except DBAPIError as exc:
        print(
            f"{command}: database error, nothing was written "
            f"(is the schema up to date? `tourroute db upgrade`): {exc.orig}",
            file=sys.stderr,
        )
        return 1
    finally:
        engine.dispose()
    print(f"OSM {what} imported from {path} into {_safe_url(settings)}")
    print(report.summary())
    return 0


def _cmd_import_osm(args: argparse.Namespace, settings: Settings) -> int:
    from tourroute.network.osm_import import import_osm

    return _run_osm_import(
        "tourroute import osm",
        "roads",
        Path(args.file),
        settings,
        lambda session: import_osm(
            session,
            Path(args.file),
            replace=args.replace,
            corridor=args.corridor,
            progress=not args.quiet,
        ),
    )


def _cmd_import_osm_places(args: argparse.Namespace, settings: Settings) -> int:
    from tourroute.sites.domain import SiteStatus
    from tourroute.sites.osm_places import import_osm_places

    return _run_osm_import(
        "tourroute import osm-places",
        "places",
        Path(args.file),
        settings,
        lambda session: import_osm_places(
            session, Path(args.file), status=SiteStatus(args.status), progress=not args.quiet
        ),
    )


def _cmd_import_places(args: argparse.Namespace, settings: Settings) -> int:
    from tourroute.sites.domain import SiteStatus
    from tourroute.sites.places_import import import_places

    if args.settlements:
        settlements: Path | None = Path(args.settlements)
    else:
        default = settings.seed_dir / "places" / "settlements.geojson"
        settlements = default if default.is_file() else None
    return _run_osm_import(
        "tourroute import places",
        "points of interest",
        Path(args.file),
        settings,
        lambda session: import_places(
            session,
            Path(args.file),
            status=SiteStatus(args.status),
            source=args.source,
            licence=args.licence,
            settlements=settlements,
        ),
    )


def _cmd_network_report(args: argparse.Namespace, settings: Settings) -> int:
    from tourroute.db.session import make_sessionmaker
    from tourroute.routes.report import snap_report
    from tourroute.routing import Vehicle

    vehicles = [Vehicle(v) for v in args.vehicle] if args.vehicle else list(Vehicle)
    engine = _open_db(settings)
    try:
        with make_sessionmaker(engine)() as session:
            graph, rows = snap_report(session, vehicles)
    finally:
        engine.dispose()
    road = graph.road
    print(f"network {graph.version}: {road.node_count} nodes, {road.arc_count} edges")
    print(f"{'site':<36} {'vehicle':<10} {'snap m':>9}  problem")
    for row in rows:
        if row.distance_m is not None and row.distance_m < args.min_m:
            continue
        shown = "-" if row.distance_m is None else f"{row.distance_m:,.0f}"
        print(f"{row.site.slug:<36} {row.vehicle.value:<10} {shown:>9}  {row.problem}")
    return 0


def _cmd_offline_sizes(args: argparse.Namespace, settings: Settings) -> int:
    import tempfile
    import time

    from tourroute.db.session import make_sessionmaker
    from tourroute.offline.service import OfflineService, pack_store
    from tourroute.tours.offline import tour_trip
    from tourroute.tours.service import TourService

    if args.archive is not None:
        settings = settings.model_copy(update={"basemap_archive": args.archive})
    archive = settings.offline_basemap
    if archive is None:
        raise _Refused(
            f"no base-map archive at {settings.effective_basemap_archive} "
            "(set TOURROUTE_BASEMAP_ARCHIVE)"
        )
    engine = _open_db(settings)
    base = args.base_url.rstrip("/")
    print(f"base map: {archive} ({archive.stat().st_size:,} bytes)")
    print(
        f"corridor {settings.offline_corridor_km:g} km, site radius "
        f"{settings.offline_site_radius_km:g} km, zooms 0–{settings.offline_low_max_zoom} "
        f"whole, up to {settings.offline_max_zoom} along the trip"
    )
    print()
    print("| tour | days | km | tiles | basemap.pmtiles | zip | built in |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    # A fresh cache: every pack is built, and timed, from scratch.
    with tempfile.TemporaryDirectory(prefix="offline-sizes-") as tmp:
        cold = settings.model_copy(update={"data_dir": Path(tmp)})
        try:
            with make_sessionmaker(engine)() as session:
                service = TourService(session)
                if args.tour:
                    tours = [service.published(slug) for slug in args.tour]
                else:
                    everything = service.filters(
                        province=None,
                        theme=None,
                        vehicle=None,
                        days_min=None,
                        days_max=None,
                        site=None,
                        q=None,
                    )
                    tours, _ = service.page(everything, 0, 500)
                offline = OfflineService(session, pack_store(cold))
                for tour in sorted(tours, key=lambda t: t.slug):
                    trip = tour_trip(tour, "en", f"{base}/v1/tours/{tour.slug}")
                    started = time.perf_counter()
                    pack = offline.prepare(trip, "en").build()
                    took = time.perf_counter() - started
                    km = sum(leg.distance_m for day in trip.plan.days for leg in day.legs) / 1000
                    print(
                        f"| `{tour.slug}` | {len(trip.plan.days)} | {km:,.0f} | {pack.tiles:,} "
                        f"| {pack.tile_bytes / 1e6:.2f} MB | {pack.size / 1e6:.2f} MB "
                        f"| {took:.1f} s |"
                    )
        finally:
            engine.dispose()
    return 0


def _cmd_plan_solve(args: argparse.Namespace, _settings: Settings) -> int:
    import json

    from tourroute.planning import PlanningError, read_json, solve
    from tourroute.planning.report import format_solution, solution_to_dict

    try:
        inst = read_json(args.file)
        solution = solve(
            inst.problem,
            seed=args.seed,
            iterations=args.iterations,
            budget=args.budget,
            time_limit_s=args.time_limit,
            max_candidates=args.max_candidates or None,
        )
    except PlanningError as exc:
        print(f"tourroute plan solve: {args.file}: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(solution_to_dict(solution), ensure_ascii=False, indent=1))
    else:
        print(format_solution(inst.problem, solution))
    return 0


def _cmd_accounts(args: argparse.Namespace, settings: Settings) -> int:
    """Every ``tourroute accounts …`` command: one transaction, audited as ``cli``."""
    from tourroute.accounts.service import AccountService
    from tourroute.db.session import make_sessionmaker
    from tourroute.errors import DomainError

    engine = _open_db(settings)
    try:
        with make_sessionmaker(engine).begin() as session:
            service = AccountService(session, settings.token_secret)
            _run_accounts_command(args, service, settings)
    except DomainError as exc:
        print(f"tourroute accounts {args.accounts_command}: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


def _run_accounts_command(args: argparse.Namespace, service: Any, settings: Settings) -> None:
    from tourroute.accounts.domain import as_utc
    from tourroute.db.base import utcnow

    command = args.accounts_command
    if command == "add-admin":
        p = service.add_admin(args.name)
        print(f"admin '{p.name}' created; now: tourroute accounts issue-token {p.name}")
    elif command == "add-curator":
        p = service.add_curator(args.name, args.province)
        print(f"curator '{p.name}' of {p.province_code} created")
    elif command == "add-agency":
        p = service.add_agency(args.name, args.agency, args.agency_name, args.contact)
        print(f"agency principal '{p.name}' of agency '{args.agency}' created")
    elif command == "issue-token":
        days = settings.token_default_days if args.days is None else args.days
        issued = service.issue_token(args.name, days)
        print(f"token for '{issued.principal}' (prefix {issued.prefix}), expires ", end="")
        print(f"{issued.expires_at:%Y-%m-%d %H:%M} UTC. It is shown only this once:")
        print(issued.token)
    elif command == "revoke-token":
        row = service.revoke_token(args.token)
        print(f"token {row.prefix} of '{row.principal.name}' revoked")
    elif command == "list":
        now = utcnow()
        for entry in service.listing():
            p = entry.principal
            scope = p.province_code or (p.agency.slug if p.agency is not None else "-")
            print(f"{p.name:<32} {p.role.value:<8} {scope}")
            for t in entry.tokens:
                if t.revoked_at is not None:
                    state = f"revoked {as_utc(t.revoked_at):%Y-%m-%d}"
                elif as_utc(t.expires_at) <= now:
                    state = f"expired {as_utc(t.expires_at):%Y-%m-%d}"
                else:
                    state = f"active until {as_utc(t.expires_at):%Y-%m-%d}"
                used = (
                    as_utc(t.last_used_at).strftime("%Y-%m-%d %H:%M") if t.last_used_at else "never"
                )
                print(f"    token {t.id:>4} {t.prefix}  {state}, last used {used}")


def _safe_url(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    return make_url(settings.effective_database_url).render_as_string(hide_password=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tourroute", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--workers",
        type=int,
        choices=range(1, 65),
        metavar="N",
        help="worker processes (default TOURROUTE_WORKERS or 1); each builds its own road "
        "graph at start-up",
    )
    serve.set_defaults(func=_cmd_serve)

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply migrations")
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(func=_cmd_db_upgrade)
    check = db_sub.add_parser("check", help="fail if the models and the migrations disagree")
    check.set_defaults(func=_cmd_db_check)

    seed = sub.add_parser("seed", help="region seed data")
    seed_sub = seed.add_subparsers(dest="seed_command", required=True)
    load = seed_sub.add_parser("load", help="validate and upsert seed/ (all or nothing)")
    load.add_argument("--dir", help="seed directory (default: ./seed)")
    load.add_argument(
        "--force",
        action="store_true",
        help="also overwrite sites, road segments and tours that curators or agencies changed "
        "since the seed wrote them (audited as 'seed --force')",
    )
    load.set_defaults(func=_cmd_seed_load)

    network = sub.add_parser("network", help="the road network")
    network_sub = network.add_subparsers(dest="network_command", required=True)
    report = network_sub.add_parser(
        "report", help="every published site's distance to the nearest usable road"
    )
    report.add_argument(
        "--vehicle", action="append", choices=["car", "coach", "motorbike", "caravan"]
    )
    report.add_argument(
        "--min-m", type=float, default=0.0, help="only sites at least this far from a road"
    )
    report.set_defaults(func=_cmd_network_report)

    offline = sub.add_parser("offline", help="offline packs of trips")
    offline_sub = offline.add_subparsers(dest="offline_command", required=True)
    sizes = offline_sub.add_parser(
        "sizes",
        help="build each published tour's offline pack afresh and print its size "
        "(a Markdown table)",
    )
    sizes.add_argument("--tour", action="append", help="only this tour (repeatable)")
    sizes.add_argument(
        "--archive", type=Path, help="the base map (default: the basemap_archive setting)"
    )
    sizes.add_argument(
        "--base-url",
        default="http://127.0.0.1:8000",
        help="where the API is served, for the links inside plan.json",
    )
    sizes.set_defaults(func=_cmd_offline_sizes)

    imp = sub.add_parser("import", help="import external data")
    imp_sub = imp.add_subparsers(dest="import_command", required=True)
    osm = imp_sub.add_parser(
        "osm",
        help="upsert OpenStreetMap highways as road segments (all or nothing)",
        description="Import the highway=* ways of an .osm or .osm.pbf file as road segments "
        "keyed osm:w<way id>, in one transaction.",
    )
    osm.add_argument("file", help="an OpenStreetMap .osm or .osm.pbf file")
    osm.add_argument(
        "--replace",
        action="store_true",
        help="delete osm: segments that are not in the file (default: keep them)",
    )
    osm.add_argument("--corridor", metavar="SLUG", help="add every imported segment to corridor")
    osm.add_argument("--quiet", action="store_true", help="no progress bar")
    osm.set_defaults(func=_cmd_import_osm)
    places = imp_sub.add_parser(
        "osm-places",
        help="create lodging and campsites from OpenStreetMap accommodation (all or nothing)",
        description="Create a site for every new tourism=hotel|motel|hostel|guest_house|"
        "apartment|chalet|camp_site|caravan_site node or way of an .osm or .osm.pbf file that "
        "lies in a served province, in one transaction. Sites are keyed osm:n<id>/osm:w<id>; "
        "one imported before is kept as it is (curators' edits win), never updated.",
    )
    places.add_argument("file", help="an OpenStreetMap .osm or .osm.pbf file")
    places.add_argument(
        "--status",
        choices=["draft", "published"],
        default="draft",
        help="status of the new sites (default: draft, for curators to review)",
    )
    places.add_argument("--quiet", action="store_true", help="no progress bar")
    places.set_defaults(func=_cmd_import_osm_places)
    pois = imp_sub.add_parser(
        "places",
        help="create sites from a GeoJSON file of OpenStreetMap points of interest "
        "(all or nothing)",
        description="Create a site for every new place to stay, campsite, fuel station, "
        "restaurant/café and attraction of a GeoJSON FeatureCollection of points with "
        "properties name, class, subclass (OpenMapTiles classes), in one transaction. "
        "Places imported before are recognised by class, subclass, name and position "
        "(within 30 m) and kept as they are (curators' edits win). Attractions are always "
        "drafts. Exit status 2 on a bad file, with nothing written.",
    )
    pois.add_argument("file", help="a GeoJSON FeatureCollection of points (.geojson)")
    pois.add_argument(
        "--status",
        choices=["draft", "published"],
        default="draft",
        help="status of the new places to stay and services (default: draft); "
        "attractions are always drafts",
    )
    pois.add_argument("--source", help="provenance to record (default: the file's metadata)")
    pois.add_argument("--licence", help="licence of the data (default: the file's metadata)")
    pois.add_argument(
        "--settlements",
        metavar="FILE",
        help="GeoJSON of settlements to name unnamed places after "
        "(default: <seed dir>/places/settlements.geojson)",
    )
    pois.set_defaults(func=_cmd_import_places)

    plan = sub.add_parser("plan", help="itinerary planner on instance files")
    plan_sub = plan.add_subparsers(dest="plan_command", required=True)
    solve = plan_sub.add_parser(
        "solve",
        help="solve a JSON planning instance and print the plan and its score",
        description="Solve an instance in the tourroute-planning/1 JSON format "
        "(src/tourroute/planning/README.md). Exit status 2 on a bad file.",
    )
    solve.add_argument("file", help="instance file (JSON)")
    solve.add_argument(
        "--time-limit",
        type=float,
        metavar="S",
        help="safety net on wall-clock time (default 30 s, thorough 300 s)",
    )
    solve.add_argument(
        "--budget",
        choices=("interactive", "thorough"),  # tourroute.planning.BUDGETS (not imported here:
        default="interactive",  # the planner pulls numpy in; a test checks they agree)
        help="search effort in counted work (same seed, same plan on any machine): "
        "interactive (default, ~2 s) or thorough (12x, ~25 s)",
    )
    solve.add_argument("--seed", type=int, default=0, metavar="N", help="search seed")
    solve.add_argument(
        "--iterations", type=int, metavar="N", help="ILS iterations (default: by size)"
    )
    solve.add_argument(
        "--max-candidates",
        type=int,
        default=300,
        metavar="N",
        help="refuse more candidate stops (default 300, the product limit; 0 = no limit)",
    )
    solve.add_argument("--json", action="store_true", help="print the solution as JSON")
    solve.set_defaults(func=_cmd_plan_solve)

    _add_accounts_parser(sub)
    return parser


def _add_accounts_parser(sub: Any) -> None:
    accounts = sub.add_parser(
        "accounts",
        help="principals (admin, curator, agency) and their API tokens",
        description="Create principals and manage their bearer tokens. Tokens are shown "
        "once, when issued, and stored only as a keyed hash. Every change is audited.",
    )
    acc = accounts.add_subparsers(dest="accounts_command", required=True)
    admin = acc.add_parser("add-admin", help="create an admin (may do everything)")
    admin.add_argument("name")
    curator = acc.add_parser("add-curator", help="create a curator of one province")
    curator.add_argument("name")
    curator.add_argument("--province", required=True, help="code or slug, e.g. VN-22 or nghe-an")
    agency = acc.add_parser("add-agency", help="create a principal of a travel agency")
    agency.add_argument("name")
    agency.add_argument("--agency", required=True, metavar="SLUG", help="the agency's slug")
    agency.add_argument("--agency-name", help="the agency's name, if it is created now")
    agency.add_argument("--contact", help="the agency's contact, if it is created now")
    issue = acc.add_parser("issue-token", help="issue a bearer token (printed once)")
    issue.add_argument("name")
    issue.add_argument("--days", type=int, help="lifetime in days (default from settings: 90)")
    revoke = acc.add_parser("revoke-token", help="revoke a token by its prefix or id")
    revoke.add_argument("token", metavar="TOKEN_PREFIX_OR_ID")
    acc.add_parser("list", help="principals and their tokens (never the tokens themselves)")
    accounts.set_defaults(func=_cmd_accounts)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    # Every model, before any command touches the ORM: a mapper refers to other tables by
    # name (site_transitions.principal_id → principals), and SQLAlchemy resolves those
    # references only among the models imported so far. A command that imports just its
    # own domain would fail in a fresh process with NoReferencedTableError.
    import tourroute.models  # noqa: F401 - registers every model on Base.metadata

    try:
        return int(args.func(args, Settings()))
    except _Refused as exc:
        sub = getattr(args, f"{args.command}_command", None)  # e.g. accounts → "list"
        command = " ".join(part for part in (parser.prog, args.command, sub) if part)
        print(f"{command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
