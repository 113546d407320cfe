"""A real-size itinerary request: 300 candidate sites over 14 days, through HTTP.

The seed publishes 60 attractions, too few for the trips agencies sell (two weeks, several
hundred candidates once places to stay, fuel and meal stops are counted).  This module adds
seeded *stand-in attractions* to a database — each at a published place to stay or service
point of the seed (so on the road network), moved by up to ~300 m, with a random interest,
visit length, category and, for a third of them, opening hours — until the region holds
``count`` published attractions, and builds the 300-candidate, 14-day request of
:data:`REQUEST`.  :func:`main` (``python -m benchmarks planning --part composition``)
times that request through a real server (``tourroute serve``, one worker, on a scratch
SpatiaLite database); ``tests/api/test_itineraries_real_size.py`` checks that its plan is
feasible.
"""

from __future__ import annotations

import math
import os
import random
import shutil
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tourroute.db.spatial import point_element, shape_of
from tourroute.sites.domain import Category, SiteKind, SiteStatus
from tourroute.sites.models import Site, SiteCategory
from tourroute.sites.repository import SiteRepository
from tourroute.sites.values import search_keys

REPO = Path(__file__).resolve().parents[1]
SLUG_PREFIX = "bench-attraction-"
REQUEST: dict[str, Any] = {
    "start": "thanh-nha-ho",
    "end": "thien-cam",
    "start_date": "2026-12-04",
    "days": 14,
    "themes": {"heritage": 2, "nature": 1},
    "max_candidates": 300,
}
_HOURS = ("Mo-Su 07:30-17:00", "Mo-Su 07:00-11:30,13:30-17:00", "Tu-Su 08:00-16:30")


def add_attractions(session: Session, count: int = 300, seed: int = 0) -> int:
    """Publish stand-in attractions until the region has ``count``; return how many were
    added (in the caller's transaction, flushed)."""
    rows = SiteRepository(session).published()
    have = sum(s.kind is SiteKind.attraction for s in rows)
    anchors = sorted(
        (s for s in rows if s.kind in (SiteKind.lodging, SiteKind.service)), key=lambda s: s.slug
    )
    rng = random.Random(seed)  # noqa: S311 (reproducible benchmark data)
    missing = max(0, count - have)
    categories = list(Category)
    for k, anchor in enumerate(rng.sample(anchors, min(missing, len(anchors)))):
        point = shape_of(anchor.geom)
        lon, lat = point.x, point.y  # type: ignore[attr-defined]  # a site's geometry is a Point
        site = Site(
            slug=f"{SLUG_PREFIX}{k}",
            name_vi=f"Điểm tham quan thử {k}",
            name_en=f"Stand-in attraction {k}",
            province_code=anchor.province_code,
            kind=SiteKind.attraction,
            geom=point_element(lon + rng.uniform(-0.003, 0.003), lat + rng.uniform(-0.003, 0.003)),
            status=SiteStatus.published,
            visit_duration_min=rng.choice([30, 45, 60, 90, 120]),
            interest_score=rng.randint(20, 85),
            opening_hours=rng.choice(_HOURS) if rng.random() < 1 / 3 else None,
            source="benchmark stand-in (benchmarks/real_size.py)",
        )
        site.search_exact, site.search_folded = search_keys(site)
        site.category_rows = [SiteCategory(category=rng.choice(categories))]
        session.add(site)
    session.flush()
    return min(missing, len(anchors))


def _post(base_url: str, body: bytes) -> tuple[int, dict[str, Any], float]:
    import json

    request = urllib.request.Request(  # noqa: S310 (our own local server)
        base_url + "/v1/itineraries",
        data=body,
        headers={"content-type": "application/json"},
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    t0 = time.perf_counter()
    with opener.open(request, timeout=120) as response:
        data = response.read()
        status = response.status
    return status, json.loads(data), time.perf_counter() - t0


def main(quick: bool = False) -> None:
    """Time :data:`REQUEST` through a real server on the seed plus stand-in attractions."""
    import json

    from tests.serving_helpers import server_env, start_server

    from benchmarks.load import _group_cpu_s
    from tourroute.config import Settings
    from tourroute.db import migrate
    from tourroute.db.engine import create_db_engine
    from tourroute.seed import load_seed

    runs = 2 if quick else 5
    workdir = Path(tempfile.mkdtemp(prefix="tourroute-bench-real-size-"))
    data_dir = workdir / "data"
    try:
        settings = Settings(data_dir=data_dir, database_url="", seed_dir=REPO / "seed")
        migrate.upgrade(settings)
        engine = create_db_engine(settings)
        with Session(engine) as session, session.begin():
            load_seed(session, REPO / "seed")
            added = add_attractions(session, count=300, seed=0)
        engine.dispose()
        env = server_env(
            data_dir=data_dir,
            metrics_dir=workdir / "metrics",
            extra={"PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")},
        )
        server = start_server(env, workers=1, log_path=workdir / "serve.log", cwd=REPO)
        try:
            server.wait_ready(600, warm=True)
            print("\n## Planning — a real-size request through HTTP (tourroute serve, 1 worker)")
            print(
                f"seed + {added} stand-in attractions (benchmarks/real_size.py); POST "
                f"/v1/itineraries {REQUEST['days']} days, max_candidates "
                f"{REQUEST['max_candidates']}, budget interactive; run 0 warms up"
            )
            variants = (
                ("default", REQUEST),  # the API's safety net on the solver (2.4 s)
                ("no net", REQUEST | {"time_limit_s": 60}),  # the whole counted budget
            )
            print(
                f"{'variant':<9}{'run':>4}{'status':>8}{'s':>8}{'cpu s':>8}{'solver s':>10}"
                f"{'visits':>8}{'score':>8}{'timed out':>11}"
            )
            for variant, body in variants:
                times, cpus = [], []
                for k in range(runs + 1):
                    cpu0 = _group_cpu_s(server.pid)
                    status, plan, took = _post(server.base_url, json.dumps(body).encode())
                    cpu = _group_cpu_s(server.pid) - cpu0
                    visits = sum(len(d["stops"]) for d in plan.get("days", []))
                    solver = plan.get("solver", {})
                    print(
                        f"{variant:<9}{k:>4}{status:>8}{took:>8.2f}{cpu:>8.2f}"
                        f"{solver.get('elapsed_s', math.nan):>10.2f}{visits:>8}"
                        f"{plan.get('score', 0):>8.0f}{solver.get('timed_out', '?')!s:>11}",
                        flush=True,
                    )
                    if k:
                        times.append(took)
                        cpus.append(cpu)
                print(
                    f"{variant}: p50 {statistics.median(times):.2f} s, max {max(times):.2f} s "
                    f"over {runs} runs (wall-clock of a shared machine); server CPU p50 "
                    f"{statistics.median(cpus):.2f} s (user + system of all its processes: "
                    "the request's cost, load aside)"
                )
            print("target (issue 17): <= 3 s for 300 candidates over 14 days, matrix included")
        finally:
            server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
