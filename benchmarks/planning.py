"""Itinerary planner: published TOPTW instances, and composition latency on synthetic trips.

1. **Published instances** — the ten Cordeau-based TOPTW instances pr01–pr10 of
   ``shared/benchmarks/toptw`` for m = 1..4 tours, read by
   :func:`tourroute.planning.read_toptw` with travel times rounded UP to two decimals
   (``ceil(100·d)/100``, the convention that reproduces the published optima).  Per
   instance: the score, the best known score (``bks.csv``), the gap
   ``100·(bks − score)/bks``, seconds and ILS iterations; then the averages per m and
   overall.  Every plan is re-checked by :func:`tourroute.planning.check_solution`.
2. **Composition latency** — synthetic trips in the three provinces: ``n`` candidate sites
   drawn uniformly in the box lon 104.9–106.0, lat 18.0–20.5 (a seeded ``random.Random``),
   haversine distance × 1.3 at 45 km/h; scores 1–10, visits of 30–120 min; opening hours
   07:30–17:00 every day, or with a lunch break (07:30–11:30, 13:30–17:00) for 30 % of
   them, and one closed day for 10 %; 15 overnight candidates (half motorhome-suitable);
   start Thanh Hóa city, end Vinh; days 08:00–18:00 with at most 5 h of driving; a car
   (and a coach with the legal driver limits for the largest case).  The solver runs with
   its defaults (a budget of counted work), the time the API would wait for.

Run: ``python -m benchmarks planning`` (``--quick`` for a subset, ``--seeds N`` to
average N seeds per instance).  Nothing here asserts: the table ends with the targets.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import time
from pathlib import Path

from tourroute.planning import (
    COACH_RULES,
    Day,
    Overnight,
    Problem,
    Stop,
    check_solution,
    read_toptw,
    solve,
)
from tourroute.planning.instances import travel_matrices

TOPTW_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "toptw"
if not TOPTW_DIR.exists():  # the work tree sits beside shared/ (CI: a fresh clone beside it)
    TOPTW_DIR = Path("/work/shared/benchmarks/toptw")
H = 3600.0


def _bks() -> dict[tuple[str, int], float]:
    with (TOPTW_DIR / "bks.csv").open(encoding="utf-8") as f:
        return {(r["instance"], int(r["m"])): float(r["bks"]) for r in csv.DictReader(f)}


def published(instances: list[str], ms: list[int], seeds: int) -> None:
    bks = _bks()
    print("\n## Planning — published TOPTW instances (Cordeau pr01–pr10)")
    print("distances: Euclidean rounded UP to 2 decimals (ceil(100*d)/100); Tmax = depot C")
    print(f"solver defaults (counted-work budget), seeds 0..{seeds - 1}; gap = 100*(bks-score)/bks")
    print()
    print(
        f"{'instance':<9}{'m':>2}{'n':>5}{'bks':>7}{'score':>9}{'gap %':>8}{'s':>7}"
        f"{'iter':>7}  check"
    )
    gaps: dict[int, list[float]] = {m: [] for m in ms}
    secs: dict[int, list[float]] = {m: [] for m in ms}
    for name in instances:
        for m in ms:
            inst = read_toptw(TOPTW_DIR / "instances" / f"{name}.txt", m)
            scores, times, iters, bad = [], [], [], 0
            for seed in range(seeds):
                t0 = time.perf_counter()
                sol = solve(inst.problem, seed=seed, max_candidates=None)
                times.append(time.perf_counter() - t0)
                scores.append(sol.score)
                iters.append(sol.iterations)
                bad += bool(check_solution(inst.problem, sol))
            best = bks[name, m]
            score = statistics.fmean(scores)
            gap = 100 * (best - score) / best
            gaps[m].append(gap)
            secs[m].append(statistics.fmean(times))
            print(
                f"{name:<9}{m:>2}{inst.problem.n_stops:>5}{best:>7.0f}{score:>9.1f}{gap:>8.2f}"
                f"{statistics.fmean(times):>7.2f}{round(statistics.fmean(iters)):>7}  "
                f"{'ok' if not bad else f'{bad} INFEASIBLE'}",
                flush=True,
            )
    print()
    print(f"{'m':<4}{'avg gap %':>10}{'max gap %':>10}{'avg s':>8}{'max s':>8}")
    for m in ms:
        print(
            f"{m:<4}{statistics.fmean(gaps[m]):>10.2f}{max(gaps[m]):>10.2f}"
            f"{statistics.fmean(secs[m]):>8.2f}{max(secs[m]):>8.2f}"
        )
    allg = [g for m in ms for g in gaps[m]]
    alls = [s for m in ms for s in secs[m]]
    print(
        f"{'all':<4}{statistics.fmean(allg):>10.2f}{max(allg):>10.2f}"
        f"{statistics.fmean(alls):>8.2f}{max(alls):>8.2f}"
    )
    print("target: average gap <= 2 % (aim < 1 %) at <= 2 s per instance")


def synthetic_trip(
    n: int, days: int, seed: int = 0, *, coach: bool = False, trek: bool = False
) -> Problem:
    """A seeded random multi-day trip in Thanh Hóa – Nghệ An – Hà Tĩnh (see module doc);
    with ``trek`` the first site is a must-visit 30 h trek with a night on site."""
    rng = random.Random(seed)  # noqa: S311 (reproducible benchmark data)
    start, end = (105.776, 19.807), (105.682, 18.673)  # Thanh Hóa city, Vinh

    def pt() -> tuple[float, float]:
        return (rng.uniform(104.9, 106.0), rng.uniform(18.0, 20.5))

    sites = [pt() for _ in range(n)]
    hotels = [pt() for _ in range(15)]
    durations, distances = travel_matrices(
        [start, end, *sites, *hotels], {"metric": "haversine", "speed_kph": 45, "detour": 1.3}
    )
    full = ((7.5 * H, 17 * H),)
    lunch = ((7.5 * H, 11.5 * H), (13.5 * H, 17 * H))
    stops = []
    for i in range(n):
        hours = lunch if rng.random() < 0.3 else full
        per_day = [hours] * days
        if rng.random() < 0.1:
            per_day[rng.randrange(days)] = ()
        stops.append(
            Stop(
                f"site-{i}",
                float(rng.randint(1, 10)),
                float(rng.choice([30, 45, 60, 90, 120]) * 60),
                tuple(per_day),
            )
        )
    if trek:
        stops[0] = Stop("trek-0", 10.0, 30 * H, None, must_visit=True, nights=1)
    return Problem(
        stops=tuple(stops),
        days=tuple(Day(8 * H, 18 * H) for _ in range(days)),
        travel_s=durations,
        distance_m=distances,
        overnights=tuple(Overnight(f"hotel-{k}", motorhome_ok=k % 2 == 0) for k in range(15)),
        start_id="thanh-hoa",
        end_id="vinh",
        max_daily_driving_s=5 * H,
        driver_rules=COACH_RULES if coach else None,
        name=f"synthetic n={n} days={days}" + (" with a trek" if trek else ""),
    )


def latency(quick: bool) -> None:
    print("\n## Planning — composition latency (synthetic trips, solver defaults, seed 0)")
    print(
        f"{'candidates':>10}{'days':>5}{'vehicle':>8}{'score':>7}{'visits':>7}{'s':>7}"
        f"{'iter':>6}  check"
    )
    cases = [(n, d, False, False) for n in (20, 60, 150) for d in (1, 3, 5)] + [
        (60, 5, True, False),
        (150, 5, True, False),
        (60, 5, False, True),  # a multi-day visit (30 h trek, a night on site)
        (150, 14, False, True),
    ]
    if quick:
        cases = [(20, 1, False, False), (60, 5, False, False), (60, 5, True, False)]
    for n, d, coach, trek in cases:
        p = synthetic_trip(n, d, seed=n * 10 + d, coach=coach, trek=trek)
        t0 = time.perf_counter()
        sol = solve(p, seed=0)
        el = time.perf_counter() - t0
        ok = "ok" if not check_solution(p, sol) else "INFEASIBLE"
        print(
            f"{n:>10}{d:>5}{'coach' if coach else 'car':>8}{sol.score:>7.0f}"
            f"{len(sol.visited()):>7}{el:>7.2f}{sol.iterations:>6}  {ok}"
            + ("  (time limit)" if sol.timed_out else "")
            + ("  trek" if trek else ""),
            flush=True,
        )
    print("target: a rough request answers in < 2 s for 60 candidates over 5 days")


def promoted(quick: bool) -> None:
    """The three promoted tours through HTTP on the seeded SpatiaLite database, each beside
    its peer: the same request without convoy, meals and bound nights (what breaks cost)."""
    import tempfile
    from pathlib import Path

    import yaml
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import Session

    from tourroute.app import create_app
    from tourroute.config import Settings
    from tourroute.db import migrate
    from tourroute.db.engine import create_db_engine
    from tourroute.seed import load_seed

    seed = Path(__file__).resolve().parents[1] / "seed"
    tours = yaml.safe_load((seed / "tours" / "promoted.yaml").read_text())["tours"]
    runs = 1 if quick else 3
    print("\n## Planning — the promoted tours through POST /v1/itineraries (SpatiaLite)")
    print(f"{'tour':<46}{'variant':>10}{'p50 s':>8}{'max s':>8}{'visits':>8}{'breaks':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), database_url="", seed_dir=seed)
        migrate.upgrade(settings)
        engine = create_db_engine(settings)
        with Session(engine) as session, session.begin():
            load_seed(session, seed)
        engine.dispose()
        with TestClient(create_app(settings)) as client:
            for tour in tours:
                full = tour["request"]
                bare = {
                    k: v for k, v in full.items() if k not in ("convoy", "meals", "nights_near")
                }
                client.post("/v1/itineraries", json=full)  # graph and metrics warm
                for variant, body in (("as seeded", full), ("peer", bare)):
                    times, plan = [], {}
                    for _ in range(runs):
                        t0 = time.perf_counter()
                        response = client.post("/v1/itineraries", json=body)
                        times.append(time.perf_counter() - t0)
                        plan = response.json()
                    visits = sum(len(d["stops"]) for d in plan.get("days", []))
                    breaks = sum(len(d.get("breaks", [])) for d in plan.get("days", []))
                    times.sort()
                    print(
                        f"{tour['slug']:<46}{variant:>10}{times[len(times) // 2]:>8.2f}"
                        f"{times[-1]:>8.2f}{visits:>8}{breaks:>8}",
                        flush=True,
                    )
    print("target: each promoted tour composes in ≤ 3 s on this machine")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks planning", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="pr01–pr03 and three latency cases")
    ap.add_argument("--seeds", type=int, default=1, help="seeds per published instance")
    ap.add_argument("--part", choices=["published", "latency", "promoted", "all"], default="all")
    args = ap.parse_args(argv)
    if args.part in ("published", "all"):
        names = [f"pr{i:02d}" for i in (range(1, 4) if args.quick else range(1, 11))]
        published(names, [1, 2, 3, 4], max(1, args.seeds))
    if args.part in ("latency", "all"):
        latency(args.quick)
    if args.part in ("promoted", "all"):
        promoted(args.quick)


if __name__ == "__main__":
    main()
