"""Command line: ``tourroute serve | db upgrade | db check | seed load``."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from tourroute.config import Settings


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from tourroute.app import create_app

    uvicorn.run(
        create_app(settings), host=args.host or settings.host, port=args.port or settings.port
    )
    return 0


def _cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from tourroute.db import migrate

    migrate.upgrade(settings, args.revision)
    print(f"database at {args.revision}: {_safe_url(settings)}")
    return 0


def _cmd_db_check(_args: argparse.Namespace, settings: Settings) -> int:
    from tourroute.db import migrate

    migrate.check(settings)
    return 0


def _cmd_seed_load(args: argparse.Namespace, settings: Settings) -> int:
    from tourroute.db.engine import create_db_engine
    from tourroute.db.session import make_sessionmaker
    from tourroute.seed import SeedError, load_seed

    seed_dir = Path(args.dir) if args.dir else settings.seed_dir
    engine = create_db_engine(settings)
    try:
        with make_sessionmaker(engine).begin() as session:
            report = load_seed(session, seed_dir)
    except SeedError as exc:
        print(exc, file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"seed loaded from {seed_dir} into {_safe_url(settings)}")
    print(report.summary())
    return 0


def _safe_url(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    return make_url(settings.effective_database_url).render_as_string(hide_password=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tourroute", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
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
    load.set_defaults(func=_cmd_seed_load)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.func(args, Settings()))


if __name__ == "__main__":
    raise SystemExit(main())
