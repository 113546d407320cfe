"""Itinerary planner: published and generated TOPTW instances, and composition latency.

1. **Published instances** — the ten Cordeau-based TOPTW instances pr01–pr10 of
   ``shared/benchmarks/toptw`` for m = 1..4 tours, read by
   :func:`tourroute.planning.read_toptw` with travel times rounded UP to two decimals
   (``ceil(100·d)/100``, the convention that reproduces the published optima).  Per
   instance and budget (``interactive``, ``thorough``): the mean score over seeds
   0..N−1 with its range, wall-clock and CPU seconds and counted work (the machine is
   shared, so the work — what the budget limits — is the stable figure); then per budget
   and m the average gap to the best known score (``bks.csv``; mean ± sd over seeds), the
   worst instance's gap, and the times.  Every plan is re-checked by
   :func:`tourroute.planning.check_solution`.  These are the only published instances
   used: the other TOPTW sets are held out (see ``src/tourroute/planning/README.md``).
1b. **Generated instances** — :data:`tourroute.planning.generator.SUITE` (50–300
   customers, random / clustered / mixed, tight / loose windows, m = 1..4), reported
   separately the same way; no optimum is known, so the gap is to the best score any run
   of our solver found (this run's, and ``planning_generated_best.csv``), beside a loose
   upper bound.
2. **Composition latency** — synthetic trips in the three provinces: ``n`` candidate sites
   drawn uniformly in the box lon 104.9–106.0, lat 18.0–20.5 (a seeded ``random.Random``),
   haversine distance × 1.3 at 45 km/h; scores 1–10, visits of 30–120 min; opening hours
   07:30–17:00 every day, or with a lunch break (07:30–11:30, 13:30–17:00) for 30 % of
   them, and one closed day for 10 %; 15 overnight candidates (half motorhome-suitable);
   start Thanh Hóa city, end Vinh; days 08:00–18:00 with at most 5 h of driving; a car
   (and a coach with the legal driver limits for the largest case).  The solver runs with
   its defaults (a budget of counted work), the time the API would wait for.

Run: ``python -m benchmarks planning`` (``--quick``: pr01–pr02, four generated instances,
interactive, seed 0; ``--part``, ``--budgets``, ``--seeds``, ``--instances``,
``--generated N`` pick a subset).  Nothing here asserts: the tables end with the targets.
"""

from __future__ import annotations

import argparse
import csv
import math
import multiprocessing
import random
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tourroute.planning import (
    BUDGETS,
    COACH_RULES,
    Day,
    Instance,
    Overnight,
    Problem,
    Stop,
    check_solution,
    read_toptw,
    solve,
)
from tourroute.planning.generator import SUITE, generate, spec_name, upper_bound
from tourroute.planning.instances import travel_matrices

TOPTW_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "toptw"
if not TOPTW_DIR.exists():  # the work tree sits beside shared/ (CI: a fresh clone beside it)
    TOPTW_DIR = Path("/work/shared/benchmarks/toptw")
H = 3600.0
# Best scores any run of our solver found on the generated set (no optimum is known):
# the gaps' reference, kept between runs (``--update-reference`` rewrites it).
SAFETY_S = 900.0  # the solver's wall-clock safety net here (the budgets are counted work)
GENERATED_REF = Path(__file__).resolve().parent / "planning_generated_best.csv"


def _bks() -> dict[tuple[str, int], float]:
    with (TOPTW_DIR / "bks.csv").open(encoding="utf-8") as f:
        return {(r["instance"], int(r["m"])): float(r["bks"]) for r in csv.DictReader(f)}


@dataclass
class _Runs:
    """One instance's runs: per budget, per seed (score, wall s, CPU s, counted work)."""

    name: str
    m: int
    n: int
    runs: dict[str, list[tuple[float, float, float, float]]] = field(default_factory=dict)


def _solve_once(task: tuple[Problem, str, int]) -> tuple[float, float, float, float, bool, bool]:
    """One run: (score, wall s, CPU s, counted work, infeasible?, timed out?)."""
    problem, budget, seed = task
    t0, c0 = time.perf_counter(), time.process_time()
    # no wall-clock safety net in the way: on a loaded machine it would cut the counted
    # budget short and make the result depend on the load
    sol = solve(problem, seed=seed, budget=budget, max_candidates=None, time_limit_s=SAFETY_S)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return sol.score, wall, cpu, sol.work, bool(check_solution(problem, sol)), sol.timed_out


def _run_set(
    instances: list[tuple[str, int, Instance]],
    budgets: list[str],
    seeds: int,
    title: str,
    jobs: int = 1,
) -> list[_Runs]:
    """Solve every instance under every budget and seed; print one line per instance.

    ``jobs`` > 1 runs that many solves at once in worker processes (one core each: the
    wall-clock of a run stays its own as long as the machine has that many idle cores)."""
    print(f"\n## Planning — {title}")
    print(
        f"budgets {', '.join(budgets)}; seeds 0..{seeds - 1}; per budget: mean score "
        "[min..max over seeds], mean wall-clock s, mean CPU s of this process, mean counted "
        "work (Mu = 1e6 units ≈ s of an idle reference machine; the machine may be loaded)"
        + (f"; {jobs} runs at a time" if jobs > 1 else "")
    )
    head = f"{'instance':<30}{'m':>2}{'n':>5}"
    for b in budgets:
        head += f"  {b[:11] + ' score':>24}{'s':>7}{'cpu s':>7}{'Mu':>6}"
    print(head + "  check")
    tasks = [
        (inst.problem, b, seed)
        for _, _, inst in instances
        for b in budgets
        for seed in range(seeds)
    ]
    if jobs > 1:
        with multiprocessing.get_context("spawn").Pool(jobs) as pool:
            results = iter(pool.imap(_solve_once, tasks))
            out = _print_rows(instances, budgets, seeds, results)
    else:
        out = _print_rows(instances, budgets, seeds, map(_solve_once, tasks))
    return out


def _print_rows(
    instances: list[tuple[str, int, Instance]],
    budgets: list[str],
    seeds: int,
    results: Iterator[tuple[float, float, float, float, bool, bool]],
) -> list[_Runs]:
    out = []
    for name, m, inst in instances:
        row = _Runs(name, m, inst.problem.n_stops)
        line = f"{name:<30}{m:>2}{row.n:>5}"
        bad = late = 0
        for b in budgets:
            runs = []
            for _seed in range(seeds):
                score, wall, cpu, work, infeasible, timed_out = next(results)
                runs.append((score, wall, cpu, work))
                bad += infeasible
                late += timed_out
            row.runs[b] = runs
            sc = [r[0] for r in runs]
            spread = f"{statistics.fmean(sc):.1f} [{min(sc):.0f}..{max(sc):.0f}]"
            line += f"  {spread:>24}{statistics.fmean(r[1] for r in runs):>7.2f}"
            line += f"{statistics.fmean(r[2] for r in runs):>7.2f}"
            line += f"{statistics.fmean(r[3] for r in runs) / 1e6:>6.1f}"
        verdict = f"{bad} INFEASIBLE" if bad else "ok"
        verdict += f", {late} timed out" if late else ""
        print(f"{line}  {verdict}", flush=True)
        out.append(row)
    return out


def _summary(rows: list[_Runs], ref: dict[tuple[str, int], float], budgets: list[str]) -> None:
    """Per budget and m: average gap (mean ± sd of the per-seed set averages), max gap
    (worst instance, its seeds averaged), mean and max seconds and counted work per run."""
    print(
        f"\n{'budget':<12}{'m':<5}{'avg gap %':>16}{'max gap %':>10}{'avg s':>8}{'max s':>8}"
        f"{'avg cpu':>8}{'max cpu':>8}{'avg Mu':>8}{'max Mu':>8}"
    )
    ms = sorted({r.m for r in rows})
    for b in budgets:
        for m in [*ms, 0]:
            sel = [r for r in rows if m in (0, r.m)]
            if not sel:
                continue
            seeds = len(sel[0].runs[b])
            gaps = [
                [
                    100 * (ref[r.name, r.m] - r.runs[b][k][0]) / ref[r.name, r.m]
                    for k in range(seeds)
                ]
                for r in sel
            ]
            per_seed = [statistics.fmean(g[k] for g in gaps) for k in range(seeds)]
            sd = statistics.stdev(per_seed) if seeds > 1 else 0.0
            worst = max(statistics.fmean(g) for g in gaps)
            secs = [x[1] for r in sel for x in r.runs[b]]
            cpu = [x[2] for r in sel for x in r.runs[b]]
            work = [x[3] / 1e6 for r in sel for x in r.runs[b]]
            avg = f"{statistics.fmean(per_seed):.2f} ± {sd:.2f}"
            print(
                f"{b:<12}{m or 'all'!s:<5}{avg:>16}{worst:>10.2f}{statistics.fmean(secs):>8.2f}"
                f"{max(secs):>8.2f}{statistics.fmean(cpu):>8.2f}{max(cpu):>8.2f}"
                f"{statistics.fmean(work):>8.2f}{max(work):>8.2f}"
            )


def published(
    instances: list[str], ms: list[int], seeds: int, budgets: list[str], jobs: int = 1
) -> None:
    bks = _bks()
    rows = _run_set(
        [
            (name, m, read_toptw(TOPTW_DIR / "instances" / f"{name}.txt", m))
            for name in instances
            for m in ms
        ],
        budgets,
        seeds,
        "published TOPTW instances (Cordeau pr01–pr10; Euclidean rounded UP to 2 decimals)",
        jobs,
    )
    print("gap = 100*(bks - score)/bks against shared/benchmarks/toptw/bks.csv")
    _summary(rows, bks, budgets)
    print("target (issue 17): avg gap <= 0.5 % interactive, <= 0.2 % thorough, no m above 1 %")


def _reference() -> dict[tuple[str, int], float]:
    if not GENERATED_REF.exists():
        return {}
    with GENERATED_REF.open(encoding="utf-8") as f:
        return {(r["instance"], int(r["m"])): float(r["best"]) for r in csv.DictReader(f)}


def generated(count: int, seeds: int, budgets: list[str], update: bool, jobs: int = 1) -> None:
    suite = SUITE[:count]
    insts = [
        (spec_name(n, kind, win, s), m, generate(n, m, kind=kind, windows=win, seed=s))
        for n, kind, win, m, s in suite
    ]
    rows = _run_set(
        insts,
        budgets,
        seeds,
        "generated instances (tourroute.planning.generator.SUITE; never published)",
        jobs,
    )
    stored = _reference()
    ref: dict[tuple[str, int], float] = {}
    print(f"\n{'instance':<30}{'m':>2}{'best here':>10}{'stored':>8}{'reference':>10}{'bound':>7}")
    for (name, m, inst), r in zip(insts, rows, strict=True):
        here = max(x[0] for runs in r.runs.values() for x in runs)
        ref[name, m] = max(here, stored.get((name, m), 0.0))
        bound = upper_bound(inst)
        print(
            f"{name:<30}{m:>2}{here:>10.0f}{stored.get((name, m), math.nan):>8.0f}"
            f"{ref[name, m]:>10.0f}{bound:>7.0f}"
        )
    print(
        "gap = 100*(reference - score)/reference; reference = the best score of any run of "
        "our own solver (this run's budgets and seeds, and the stored "
        f"{GENERATED_REF.name}); no optimum is known. bound = customers servable alone "
        "(a valid but loose upper bound)"
    )
    _summary(rows, ref, budgets)
    if update:
        with GENERATED_REF.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["instance", "m", "best"])
            for (name, m), best in sorted(ref.items()):
                w.writerow([name, m, f"{best:g}"])
        print(f"reference scores written to {GENERATED_REF}")


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
    ap.add_argument(
        "--quick",
        action="store_true",
        help="pr01–pr02, 4 generated instances, the interactive budget, seed 0, "
        "three latency cases, one run per promoted tour",
    )
    ap.add_argument("--seeds", type=int, default=3, help="seeds 0..N-1 per instance (3)")
    ap.add_argument(
        "--budgets", default=",".join(BUDGETS), help="comma-separated (default: all of them)"
    )
    ap.add_argument("--instances", help="comma-separated published names (default pr01–pr10)")
    ap.add_argument(
        "--jobs", type=int, default=1, help="solves at once, one process each (default 1)"
    )
    ap.add_argument("--generated", type=int, help="the first N of the generated suite")
    ap.add_argument(
        "--update-reference",
        action="store_true",
        help=f"write the generated set's best scores to {GENERATED_REF.name}",
    )
    ap.add_argument(
        "--part",
        choices=["published", "generated", "latency", "promoted", "composition", "all"],
        default="all",
    )
    args = ap.parse_args(argv)
    budgets = [b for b in args.budgets.split(",") if b]
    unknown = [b for b in budgets if b not in BUDGETS]
    if unknown:
        ap.error(f"unknown budget(s) {unknown}; known: {list(BUDGETS)}")
    seeds = max(1, args.seeds)
    if args.quick:
        budgets, seeds = ["interactive"], 1
    if args.part in ("published", "all"):
        default = ["pr01", "pr02"] if args.quick else [f"pr{i:02d}" for i in range(1, 11)]
        names = args.instances.split(",") if args.instances else default
        published(names, [1, 2, 3, 4], seeds, budgets, max(1, args.jobs))
    if args.part in ("generated", "all"):
        count = args.generated or (4 if args.quick else len(SUITE))
        generated(count, seeds, budgets, args.update_reference, max(1, args.jobs))
    if args.part in ("latency", "all"):
        latency(args.quick)
    if args.part in ("promoted", "all"):
        promoted(args.quick)
    if args.part in ("composition", "all"):
        from benchmarks import real_size

        real_size.main(args.quick)


if __name__ == "__main__":
    main()
