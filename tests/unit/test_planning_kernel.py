"""The compiled annealing loop (:mod:`tourroute.planning._kernel`) against the Python
definitions it must agree with: a day's schedule (``_core.schedule``), the best insertion of
every stop (by scheduling every gap), same-slot replacements, the route pool, and whole
plans through the independent checker."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest

from tests.builders import random_problem
from tourroute.planning import SolverOptions, check_solution, read_toptw, solve
from tourroute.planning import _kernel as kernel
from tourroute.planning._core import Compiled, schedule
from tourroute.planning._search import Search, identical_days
from tourroute.planning.generator import generate
from tourroute.planning.model import Problem

TOPTW = Path(__file__).resolve().parents[1] / "toptw"


def _kernel_of(c: Compiled, pool: bool = False) -> tuple[kernel.KernelProblem, kernel.KernelState]:
    useful = (c.score > 0) | c.must
    cands = [np.flatnonzero(c.open_day[d] & useful) for d in range(c.n_days)]
    kp = kernel.KernelProblem(
        c.T, c.w_open, c.w_late, c.svc, c.score, c.must,
        c.day_start, c.day_end, c.cap, cands, c.single, [], c.open_day,
    )  # fmt: skip
    ks = kernel.KernelState(kp, [0] * c.n_days, [1] * c.n_days, pool=pool)
    return kp, ks


def _problems() -> list[Problem]:
    out = []
    for seed in range(12):
        out.append(
            random_problem(
                seed, n=14, days=3, lunch=seed % 2 == 0, must=seed % 3,
                cap_s=None if seed % 4 else 3 * 3600.0,
            )
        )  # fmt: skip
    return out


@pytest.mark.parametrize("problem", _problems(), ids=lambda p: f"n{p.n_stops}")
def test_schedule_as_core_schedules_it(problem: Problem) -> None:
    """Random sequences: feasible exactly when ``_core.schedule`` says so, with the same
    arrivals, starts, slack, driving and end (one and several windows a day)."""
    c = Compiled(problem)
    kp, ks = _kernel_of(c)
    rng = random.Random(7)  # noqa: S311 (reproducible test data)
    seq, ln = ks.arrays[0], ks.arrays[1]
    arr, st, slack, arr_end, drive = (ks.arrays[k] for k in (4, 5, 8, 9, 10))
    agreed = feasible = 0
    for _ in range(300):
        d = rng.randrange(c.n_days)
        visits = rng.sample(range(c.n), rng.randint(0, 5))
        ln[d] = len(visits)
        seq[d, : len(visits)] = visits
        ok = kernel._sched(kp.arrays, ks.arrays, d)
        ref = schedule(c, d, 0, 1, visits)
        assert ok == (ref is not None), visits
        agreed += 1
        if ref is None:
            continue
        feasible += 1
        k = len(visits)
        assert arr[d, :k].tolist() == pytest.approx(ref.arr)
        assert st[d, :k].tolist() == pytest.approx(ref.start)
        assert slack[d, : k + 1].tolist() == pytest.approx(ref.slack)
        assert arr_end[d] == pytest.approx(ref.arr_end)
        assert drive[d] == pytest.approx(ref.drive)
    assert agreed == 300
    assert feasible > 30


def _brute_best(c: Compiled, d: int, seq: list[int], j: int) -> tuple[float, int | None]:
    """The best ``score² / shift`` insertion of ``j`` by scheduling every gap."""
    base = schedule(c, d, 0, 1, seq)
    assert base is not None
    best, where = -math.inf, None
    for g in range(len(seq) + 1):
        new = schedule(c, d, 0, 1, [*seq[:g], j, *seq[g:]])
        if new is None:
            continue
        after = new.arr[g + 1] if g + 1 < len(new.arr) else new.arr_end
        before = base.arr[g] if g < len(base.arr) else base.arr_end
        value = c.score_l[j] ** 2 / max(after - before, 1e-3)
        if value > best + 1e-9:
            best, where = value, g
    return best, where


@pytest.mark.parametrize("seed", range(8))
def test_insertion_row_is_the_best_gap_of_every_stop(seed: int) -> None:
    """On days with one window a stop, the row (with its time-ordered pruning) finds every
    stop that fits some gap and its best gap, as scheduling each gap does; also right after
    an insertion, when stops that fitted nowhere are only looked at on the two new gaps."""
    p = random_problem(seed, n=40, days=1, cap_s=None if seed % 2 else 4 * 3600.0)
    c = Compiled(p)
    assert c.single[0]
    kp, ks = _kernel_of(c)
    ks.set_plan(kp, [[]])
    mult = np.ones(c.n)
    rng = random.Random(seed)  # noqa: S311 (reproducible test data)
    for step in range(6):
        if step == 0:
            kernel._fill(kp.arrays, ks.arrays, ks.ratio, ks.gap, mult)  # a full day
            seq = ks.arrays[0][0, : ks.arrays[1][0]].tolist()
            # then empty half of it again and look at the row from scratch
            keep = [i for i in seq if rng.random() < 0.5]
            ks.set_plan(kp, [keep])
            kernel._row(kp.arrays, ks.arrays, 0, ks.ratio, ks.gap, 0, 0)
        seq = ks.arrays[0][0, : ks.arrays[1][0]].tolist()
        for j in range(c.n):
            if j in seq or not c.open_day[0][j] or c.score_l[j] <= 0:
                continue
            want, where = _brute_best(c, 0, seq, j)
            got = ks.ratio[0, j]
            if where is None:
                assert got == -math.inf, (j, seq)
            else:
                assert got == pytest.approx(want, rel=1e-9), (j, seq)
        # insert the row's best stop where the row says, then update incrementally
        j = int(np.argmax(np.where(np.isin(np.arange(c.n), seq), -np.inf, ks.ratio[0])))
        if ks.ratio[0, j] == -math.inf:
            break
        g = int(ks.gap[0, j])
        seq.insert(g, j)
        ks.arrays[0][0, : len(seq)] = seq
        ks.arrays[1][0] = len(seq)
        assert kernel._sched(kp.arrays, ks.arrays, 0)
        ks.arrays[11][j] = True
        kernel._row(kp.arrays, ks.arrays, 0, ks.ratio, ks.gap, 2, g)


@pytest.mark.parametrize("seed", range(6))
def test_replacements_gain_and_stay_feasible(seed: int) -> None:
    p = random_problem(seed, n=30, days=2, lunch=True)
    c = Compiled(p)
    kp, ks = _kernel_of(c)
    ks.set_plan(kp, [[], []])
    kernel._fill(kp.arrays, ks.arrays, ks.ratio, ks.gap, np.ones(c.n))
    seq, ln, visited = ks.arrays[0], ks.arrays[1], ks.arrays[11]
    before = sum(c.score_l[i] for r in range(2) for i in seq[r, : ln[r]])
    for r in range(2):
        kernel._replace(kp.arrays, ks.arrays, r)
    after = sum(c.score_l[i] for r in range(2) for i in seq[r, : ln[r]])
    assert after >= before
    for r in range(2):
        visits = seq[r, : ln[r]].tolist()
        assert schedule(c, r, 0, 1, visits) is not None
        assert all(visited[i] for i in visits)
    assert int(visited.sum()) == int(ln.sum())


def test_the_pool_holds_feasible_days_with_their_scores() -> None:
    inst = generate(60, 3, kind="clustered", windows="tight", seed=4)
    c = Compiled(inst.problem)
    assert identical_days(c)
    search = Search(c, 0, math.inf, SolverOptions(iterations=300))
    search.run([[0, 0, 0, 1]])
    assert search.kstate is not None
    entries = search.kstate.pool_entries()
    assert len(entries) > 50
    assert len({frozenset(seq) for _, _, seq in entries}) == len(entries)  # one per set
    for score, end, seq in entries:
        route = schedule(c, 0, 0, 1, list(seq))
        assert route is not None
        assert route.arr_end == pytest.approx(end)
        assert score == pytest.approx(sum(c.score_l[i] for i in seq))
    # the best disjoint pooled days, as the compiled packing finds them, are what a
    # brute force over the pool finds (small pool: the first 60 entries by score)
    best = sorted(entries, key=lambda e: -e[0])[:60]
    brute = max(
        a[0] + b[0] + d[0]
        for x, a in enumerate(best)
        for y, b in enumerate(best[x + 1 :], x + 1)
        if not set(a[2]) & set(b[2])
        for d in best[y + 1 :]
        if not (set(a[2]) | set(b[2])) & set(d[2])
    )
    order = np.argsort(-search.kstate.pool[5][: search.kstate.pctl[0]], kind="mergesort")[:60]
    sub = tuple(arr[order] if k >= 2 else arr for k, arr in enumerate(search.kstate.pool))
    picks, _ = kernel._pack(sub, 60, 3, 0.0, 10**7)
    assert sum(sub[5][e] for e in picks if e >= 0) == pytest.approx(brute)


def test_compiled_and_python_loops_both_give_checked_plans() -> None:
    """The same trips through either loop: feasible plans (the checker), and the compiled
    loop, with the same counted budget, at least as good on the TOPTW instance pr01."""
    for seed in range(4):
        p = random_problem(seed, n=20, days=2, lunch=True, must=1, cap_s=4 * 3600.0)
        for compiled in (True, False):
            sol = solve(p, seed=seed, options=SolverOptions(iterations=80, compiled=compiled))
            assert check_solution(p, sol) == []
    inst = read_toptw(TOPTW / "pr01.txt", 2) if (TOPTW / "pr01.txt").exists() else None
    if inst is not None:
        fast = solve(inst.problem, seed=0, max_candidates=None)
        slow = solve(inst.problem, seed=0, max_candidates=None,
                     options=SolverOptions(compiled=False))  # fmt: skip
        assert check_solution(inst.problem, fast) == []
        assert fast.score >= slow.score


def test_same_seed_same_plan_and_the_compiled_loop_is_used() -> None:
    inst = generate(80, 2, kind="mixed", windows="loose", seed=1)
    a = solve(inst.problem, seed=3, iterations=400)
    b = solve(inst.problem, seed=3, iterations=400)
    assert [d.visits for d in a.days] == [d.visits for d in b.days]
    c = Compiled(inst.problem)
    assert Search(c, 0, math.inf, SolverOptions()).compiled_ok()
    assert not Search(c, 0, math.inf, SolverOptions(compiled=False)).compiled_ok()
    coach = random_problem(1, n=10, days=2, coach=True)
    assert not Search(Compiled(coach), 0, math.inf, SolverOptions()).compiled_ok()


def test_seed_state_is_never_zero() -> None:
    states = {int(kernel.seed_state(s)) for s in range(1000)}
    assert 0 not in states
    assert len(states) == 1000


@pytest.mark.parametrize("seed", range(6))
def test_night_moves_keep_the_days_joined_and_feasible(seed: int) -> None:
    """A random night moved (the days repaired) or every night re-chosen: each day still
    starts where the previous one ended, at an allowed place, and fits its day; re-choosing
    never makes the days end later in total."""
    p = random_problem(seed, n=25, days=4, hotels=5, lunch=True, must=1)
    c = Compiled(p)
    useful = (c.score > 0) | c.must
    cands = [np.flatnonzero(c.open_day[d] & useful) for d in range(c.n_days)]
    kp = kernel.KernelProblem(
        c.T, c.w_open, c.w_late, c.svc, c.score, c.must,
        c.day_start, c.day_end, c.cap, cands, c.single, c.overnights, c.open_day,
    )  # fmt: skip
    chain = [0, *[c.overnights[0]] * (c.n_days - 1), 1]
    if any(schedule(c, d, chain[d], chain[d + 1], []) is None for d in range(c.n_days)):
        pytest.skip("this draw has no trip through the first place")
    ks = kernel.KernelState(kp, chain[:-1], chain[1:])
    assert ks.set_plan(kp, [[] for _ in range(c.n_days)])
    kernel._fill(kp.arrays, ks.arrays, ks.ratio, ks.gap, np.ones(c.n))
    rng = np.array([kernel.seed_state(seed)], np.uint64)
    seq, ln, rs, re = ks.arrays[:4]
    arr_end = ks.arrays[9]
    for step in range(40):
        if step % 10 == 9:
            total = float(arr_end.sum())
            kernel._improve_hotels(kp.arrays, ks.arrays)
            # night by night, each choice changes only the two days it joins and never
            # makes them end later together: the trip's total cannot grow
            assert float(arr_end.sum()) <= total + 1e-6
        else:
            kernel._hotel_move(kp.arrays, ks.arrays, rng)
        assert rs[0] == 0
        assert re[-1] == 1
        for d in range(c.n_days):
            if d:
                assert rs[d] == re[d - 1]
                assert rs[d] in c.overnights
            visits = seq[d, : ln[d]].tolist()
            assert schedule(c, d, int(rs[d]), int(re[d]), visits) is not None
        placed = [i for d in range(c.n_days) for i in seq[d, : ln[d]].tolist()]
        assert sorted(placed) == sorted(np.flatnonzero(ks.arrays[11]).tolist())


@pytest.mark.parametrize("seed", range(6))
def test_shift_replace_gains_and_keeps_every_visit(seed: int) -> None:
    """A visit moved to another day so that an unvisited stop takes its slot: the plan's
    score only grows, nobody visited before is dropped, and every day still fits."""
    p = random_problem(seed, n=35, days=3, lunch=seed % 2 == 0)
    c = Compiled(p)
    kp, ks = _kernel_of(c)
    ks.set_plan(kp, [[] for _ in range(c.n_days)])
    mult = np.ones(c.n)
    kernel._fill(kp.arrays, ks.arrays, ks.ratio, ks.gap, mult)
    seq, ln, visited = ks.arrays[0], ks.arrays[1], ks.arrays[11]
    before = {i for d in range(c.n_days) for i in seq[d, : ln[d]].tolist()}
    moved = kernel._shift_replace(kp.arrays, ks.arrays)
    after = {i for d in range(c.n_days) for i in seq[d, : ln[d]].tolist()}
    assert before <= after
    assert moved == (after != before)
    assert sorted(after) == np.flatnonzero(visited).tolist()
    for d in range(c.n_days):
        assert schedule(c, d, 0, 1, seq[d, : ln[d]].tolist()) is not None


@pytest.mark.parametrize("seed", range(6))
def test_a_day_checked_before_only_looks_at_stops_freed_since(seed: int) -> None:
    """Replacement checks remember a fruitless look at an unchanged day: after stops are
    freed elsewhere the day ends as a check from scratch ends it."""
    p = random_problem(seed, n=40, days=3, lunch=seed % 2 == 1)
    c = Compiled(p)
    kp, ks = _kernel_of(c)
    ks.set_plan(kp, [[] for _ in range(c.n_days)])
    kernel._fill(kp.arrays, ks.arrays, ks.ratio, ks.gap, np.ones(c.n))
    for r in range(c.n_days):
        kernel._replace(kp.arrays, ks.arrays, r)  # every day checked: nothing left to gain
    seq, ln = ks.arrays[0], ks.arrays[1]
    gone = np.zeros(c.n, bool)
    gone[seq[0, : ln[0]]] = True  # free day 1's visits
    kernel._remove(kp.arrays, ks.arrays, 0, gone)
    fresh = tuple(a.copy() for a in ks.arrays)
    fresh[16][:] = -1  # the same state, every check forgotten
    for r in (1, 2):
        kernel._replace(kp.arrays, ks.arrays, r)
        kernel._replace(kp.arrays, fresh, r)
        assert seq[r, : ln[r]].tolist() == fresh[0][r, : fresh[1][r]].tolist()


# -- the hot-path helpers written for fewer reference-count updates ------------------------
def test_lower_bound_is_a_left_searchsorted_of_the_range() -> None:
    """``_lower_bound`` (a binary search that takes no slice) finds what
    ``np.searchsorted(xs[lo:hi], x)`` finds, offset by ``lo``: duplicates, infinities and
    empty ranges included."""
    rng = np.random.default_rng(3)
    for _ in range(400):
        n = int(rng.integers(0, 12))
        xs = np.sort(rng.integers(0, 6, n).astype(float))
        if n and rng.random() < 0.3:
            xs[-int(rng.integers(1, n + 1)) :] = math.inf
        lo = int(rng.integers(0, n + 1))
        hi = int(rng.integers(lo, n + 1))
        x = float(rng.choice([-1.0, 0.0, 2.0, 2.5, 5.0, 7.0, math.inf]))
        want = lo + int(np.searchsorted(xs[lo:hi], x, side="left"))
        assert kernel._lower_bound(xs, lo, hi, x) == want, (xs, lo, hi, x)


@pytest.mark.parametrize("seed", range(4))
def test_row_best_takes_the_first_best_unvisited_entry(seed: int) -> None:
    """The branch-free scan of a day's row: the best ``ratio × mult`` over unvisited stops
    with an entry (``-inf`` is none; a zero multiplier still counts), the first on ties."""
    p = random_problem(seed, n=30, days=2)
    c = Compiled(p)
    kp, ks = _kernel_of(c)
    rng = np.random.default_rng(seed)
    visited = ks.arrays[11]
    cand, ncand = kp.arrays[10], kp.arrays[11]
    rbv, rbj = np.empty(c.n_days), np.empty(c.n_days, np.int64)
    for _ in range(200):
        ratio = rng.integers(0, 4, (c.n_days, c.n)).astype(float)
        ratio[rng.random(ratio.shape) < 0.4] = -math.inf
        mult = rng.integers(0, 3, c.n).astype(float)
        visited[:] = rng.random(c.n) < 0.3
        for r in range(c.n_days):
            kernel._row_best(kp.arrays, ks.arrays, r, ratio, mult, rbv, rbj)
            best, where = -math.inf, -1
            for j in cand[r, : ncand[r]]:
                if ratio[r, j] == -math.inf or visited[j]:
                    continue
                if ratio[r, j] * mult[j] > best:
                    best, where = ratio[r, j] * mult[j], int(j)
            assert (rbv[r], rbj[r]) == (best, where)


def test_improve_day_keeps_its_stops_and_ends_no_later() -> None:
    """2-opt and or-opt (trials scheduled in place): the day keeps the same stops, ends no
    later (or as early, driving less), and its arrays hold the schedule ``_core`` gives the
    final order; from shuffled orders it improves some days."""
    improved_any = 0
    for seed in range(8):
        p = random_problem(seed, n=30, days=2, lunch=seed % 2 == 0)
        c = Compiled(p)
        kp, ks = _kernel_of(c)
        ks.set_plan(kp, [[] for _ in range(c.n_days)])
        kernel._fill(kp.arrays, ks.arrays, ks.ratio, ks.gap, np.ones(c.n))
        seq, ln, arr, st, arr_end, drive = (ks.arrays[k] for k in (0, 1, 4, 5, 9, 10))
        rng = random.Random(seed)  # noqa: S311 (reproducible test data)
        for r in range(c.n_days):
            visits = seq[r, : ln[r]].tolist()
            for _ in range(50):  # a shuffled order that is still feasible, if one is found
                trial = visits[:]
                rng.shuffle(trial)
                if schedule(c, r, 0, 1, trial) is not None:
                    visits = trial
                    break
            seq[r, : len(visits)] = visits
            assert kernel._sched(kp.arrays, ks.arrays, r)
            end0, drive0 = float(arr_end[r]), float(drive[r])
            improved = kernel._improve_day(kp.arrays, ks.arrays, r, 6)
            improved_any += improved
            after = seq[r, : ln[r]].tolist()
            assert sorted(after) == sorted(visits)
            ref = schedule(c, r, 0, 1, after)
            assert ref is not None
            assert arr[r, : ln[r]].tolist() == pytest.approx(ref.arr)
            assert st[r, : ln[r]].tolist() == pytest.approx(ref.start)
            assert arr_end[r] == pytest.approx(ref.arr_end)
            assert arr_end[r] <= end0 + 1e-6
            if improved:
                assert arr_end[r] < end0 - 1e-6 or drive[r] < drive0 - 1e-6
            else:
                assert after == visits
    assert improved_any > 0
