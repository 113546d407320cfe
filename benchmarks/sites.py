"""Site read API latency on SpatiaLite and PostGIS, with and without the spatial index.

The real seed is topped up with synthetic sites (a seeded generator: points uniformly inside
the three province outlines, names drawn from Vietnamese place words), so that the index
has work to do.  Each query runs through the whole HTTP stack in process (TestClient) and
is timed over many repetitions; the peer of each radius query is the same predicate
without the index prefilter (a full scan computing geodesic distance), run on the same
database in the same process.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from shapely.geometry import Point
from shapely.prepared import prep
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from tourroute.app import create_app
from tourroute.config import Settings
from tourroute.db import migrate
from tourroute.db.engine import create_db_engine
from tourroute.db.spatial import point_element
from tourroute.geojson import PointGeometry
from tourroute.models import Base
from tourroute.seed import load_seed, read_seed
from tourroute.sites.domain import Category, SiteKind, SiteStatus
from tourroute.sites.models import Site, SiteCategory
from tourroute.sites.schemas import SiteCreate
from tourroute.sites.values import search_keys

SEED_DIR = Path(__file__).resolve().parents[1] / "seed"
SYNTHETIC_SITES = int(os.environ.get("BENCH_SYNTHETIC_SITES", "20000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "200"))
WORDS = [
    "Đền",
    "Chùa",
    "Bãi biển",
    "Làng",
    "Thác",
    "Hang",
    "Núi",
    "Hồ",
    "Đình",
    "Nhà thờ",
    "Cầu",
    "Chợ",
    "Động",
    "Suối",
    "Đồi chè",
]
NAMES = [
    "Hồng",
    "Lam",
    "Sơn",
    "Thủy",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Ngọc",
    "Kim",
    "Phú",
    "Quỳnh",
    "Diễn",
    "Thạch",
    "Cẩm",
    "Kỳ",
    "Hương",
    "Xuân",
    "Lộc",
    "An",
]


def _synthetic_sites(count: int, rng: random.Random) -> list[Site]:
    provinces = read_seed(SEED_DIR).provinces
    out: list[Site] = []
    for i in range(count):
        province = provinces[i % len(provinces)]
        area = prep(province.boundary)
        minx, miny, maxx, maxy = province.boundary.bounds
        while True:
            lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if area.contains(Point(lon, lat)):
                break
        name_vi = f"{rng.choice(WORDS)} {rng.choice(NAMES)} {rng.choice(NAMES)} {i}"
        data = SiteCreate(
            slug=f"synthetic-{i}",
            name_vi=name_vi,
            name_en=f"Synthetic site {i}",
            province=province.code,
            kind=SiteKind.attraction,
            source="synthetic benchmark",
            location=PointGeometry(coordinates=(lon, lat)),
            district=None,
        )
        exact, folded = search_keys(data)
        site = Site(
            slug=data.slug,
            name_vi=name_vi,
            name_en=data.name_en,
            province_code=province.code,
            kind=SiteKind.attraction,
            geom=point_element(lon, lat),
            status=SiteStatus.published,
            source=data.source,
            interest_score=rng.randint(0, 100),
            search_exact=exact,
            search_folded=folded,
        )
        site.category_rows = [SiteCategory(category=rng.choice(list(Category)))]
        out.append(site)
    return out


def _prepare(settings: Settings) -> Engine:
    engine = create_db_engine(settings)
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    migrate.upgrade(settings)
    with Session(engine) as session, session.begin():
        load_seed(session, SEED_DIR)
        rng = random.Random(20261122)  # noqa: S311 (reproducible data, not secrets)
        session.add_all(_synthetic_sites(SYNTHETIC_SITES, rng))
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return engine


def _timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def _scan_query(engine: Engine) -> Callable[[], object]:
    """The radius query's peer: geodesic distance on every row, no index prefilter."""
    if engine.dialect.name == "sqlite":
        sql = text(
            "SELECT id FROM sites WHERE ST_Distance(geom, MakePoint(105.692, 18.673, 4326), 1)"
            " <= 20000"
        )
    else:
        sql = text(
            "SELECT id FROM sites WHERE ST_Distance(geom::geography, "
            "ST_SetSRID(ST_MakePoint(105.692, 18.673), 4326)::geography) <= 20000"
        )

    def run() -> object:
        with engine.connect() as conn:
            return conn.execute(sql).all()

    return run


QUERIES = {
    "list page (limit 50)": {"limit": 50},
    "search q='thanh nha ho'": {"q": "thanh nha ho"},
    "search q='den hong' (many hits)": {"q": "den hong"},
    "category=beach, province=VN-23": {"category": "beach", "province": "VN-23"},
    "bbox 0.3°×0.3° around Vinh": {"bbox": "105.55,18.52,105.85,18.82"},
    "near Vinh, radius 20 km": {"near": "105.692,18.673", "radius_m": 20000},
    "near Vinh, nearest 50 (no radius)": {"near": "105.692,18.673", "limit": 50},
}


def main() -> None:
    backends: list[tuple[str, Settings]] = []
    tmp = tempfile.mkdtemp(prefix="tourroute-bench-")
    backends.append(("spatialite", Settings(data_dir=Path(tmp), database_url="")))
    pg_url = os.environ.get("TOURROUTE_BENCH_POSTGRES_URL") or os.environ.get(
        "TOURROUTE_TEST_POSTGRES_URL"
    )
    if pg_url:
        backends.append(("postgis", Settings(database_url=pg_url)))
    else:
        print("(PostGIS skipped: set TOURROUTE_BENCH_POSTGRES_URL; `make bench` does)")

    results: dict[tuple[str, str], tuple[float, float, int]] = {}
    for name, settings in backends:
        start = time.perf_counter()
        engine = _prepare(settings)
        print(
            f"{name}: {SYNTHETIC_SITES + 65:,} sites loaded in {time.perf_counter() - start:.1f} s"
        )
        with TestClient(create_app(settings)) as client:
            for label, params in QUERIES.items():
                count = len(client.get("/v1/sites", params=params).json()["items"])
                p50, p95 = _timed(lambda p=params: client.get("/v1/sites", params=p), REPEAT)
                results[(label, name)] = (p50, p95, count)
        p50, p95 = _timed(_scan_query(engine), max(20, REPEAT // 10))
        results[("peer: radius 20 km by full scan (SQL only)", name)] = (p50, p95, -1)
        engine.dispose()

    names = [n for n, _ in backends]
    header = f"{'query':<44}" + "".join(f"{n + ' p50/p95 ms':>26}" for n in names) + f"{'rows':>7}"
    print(f"\n## sites — {SYNTHETIC_SITES:,} synthetic + seed, {REPEAT} runs each, in-process HTTP")
    print(header)
    print("-" * len(header))
    labels = [*QUERIES, "peer: radius 20 km by full scan (SQL only)"]
    for label in labels:
        row = f"{label:<44}"
        count = -1
        for n in names:
            p50, p95, count = results[(label, n)]
            row += f"{p50:>16.2f} / {p95:>7.2f}"
        row += f"{count if count >= 0 else '':>7}"
        print(row)
