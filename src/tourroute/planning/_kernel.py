"""The annealing loop compiled to machine code (private): the same ruin & recreate as
:meth:`tourroute.planning._search.Search.anneal`, thousands of iterations a second.

Why compiled: in Python one ruin-and-recreate iteration on a 288-stop, 4-day instance costs
about 2.5 ms (a few dozen numpy calls on small arrays, each mostly overhead), so the
interactive budget bought ~1,000 iterations where the published TOPTW methods run hundreds
of thousands.  Here every check is a plain loop over the day's gaps, compiled by Numba, and
one iteration there costs ~0.2 ms.

What the kernel covers (:func:`eligible`): days with a time window, per-day travel times,
stops with one or several windows per day, a daily driving cap, must-visit stops, and the
days' ends: a base camp, or overnight places, which it moves (a night to another allowed
place as a perturbation, every night re-chosen on a new best plan).  Trips with continuous
or weekly driving limits (coach rules) stay on the Python loop.

Conventions are those of :mod:`tourroute.planning._core`: travel nodes ``0`` start, ``1``
end, ``2 + i`` stop ``i``; windows as (open, latest start) per day, window rank and stop;
``EPS`` on every comparison; a day's ``slack[g]`` is the wait + maxShift of the node after
gap ``g``.  The state lives in numpy arrays owned by the caller (:class:`KernelState`), so
the loop runs in chunks and Python checks its wall-clock safety net between them.

Determinism: the random numbers are a xorshift64* stream seeded from the search's seed, the
stop is counted work (gap × candidate checks, scheduled stops, iterations), never time: a
seed gives the same plan on any machine.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt

from tourroute.planning.model import EPS

__all__ = [
    "KernelProblem",
    "KernelState",
    "anneal_chunk",
    "eligible",
    "final_pack",
    "seed_state",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
_F = TypeVar("_F", bound=Callable[..., Any])

MUST_BONUS = 1e15  # as in _core: a must-visit's insertion ratio outranks every other
_NEG = -math.inf

# control slots (float array ``ctl``)
C_WORK, C_BUDGET, C_TSTART, C_TRATIO, C_NOISE, C_SLICE_RATE, C_SLICE_W = range(7)
C_BEST_SCORE, C_BEST_DRIVE, C_CUR_SCORE, C_CUR_DRIVE, C_SPAN, C_HOTEL_RATE = range(7, 13)
# integer control slots (``ictl``)
I_ITER, I_IDLE, I_BEST_MUST, I_CUR_MUST, I_RESET, I_MAX_STRINGS, I_MAX_LEN, I_RNG = range(8)
I_NEW_BEST, I_LIGHT, I_ITER_LIMIT, I_MAX_IDLE, I_RECOMBINE, I_PACK_NODES, I_RECOMBINED = range(
    8, 15
)
POOL_SIZE = 1 << 15  # pooled days at most (a power of two: the hash table is twice that)
POOL_DAY_LEN = 64  # longer days are not pooled
# work units: one gap × candidate check, one scheduled stop, one iteration's bookkeeping
W_CELL, W_STOP, W_ITER, W_LIST, W_PACK_NODE = 1.0, 2.0, 200.0, 0.5, 2.0


def _jit(f: _F) -> _F:
    """Numba's ``njit`` with an on-disk cache, typed for mypy (the decorator is untyped)."""
    return cast(_F, numba.njit(cache=True, nogil=True, error_model="numpy")(f))


def _inline(f: _F) -> _F:
    """The same, inlined into its callers: a call that passes the problem's tuples of
    arrays costs a reference count update per array, which dominated the small helpers."""
    return cast(_F, numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")(f))


# -- random numbers (xorshift64*, state in a uint64 array) ---------------------------------
@_inline
def _rand(rng: Any) -> float:
    x = rng[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    rng[0] = x
    y = x * np.uint64(2685821657736338717)
    return float(y >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@_inline
def _randint(rng: Any, lo: int, hi: int) -> int:
    """Uniform in ``lo .. hi`` inclusive."""
    return lo + min(int(_rand(rng) * (hi - lo + 1)), hi - lo)


# -- one day's schedule ---------------------------------------------------------------------
@_jit
def _sched(prob: Any, state: Any, r: int) -> bool:
    """Schedule day ``r`` from its sequence; False (arrays partly written) if infeasible."""
    tmats = prob[0]
    dmat = prob[1]
    wo = prob[2]
    wl = prob[3]
    svc = prob[4]
    dstart = prob[7]
    dend = prob[8]
    cap = prob[9]
    seq = state[0]
    ln = state[1]
    rs = state[2]
    re = state[3]
    arr = state[4]
    st = state[5]
    dep = state[6]
    late = state[7]
    slack = state[8]
    arr_end = state[9]
    drive = state[10]
    ctl = state[12]
    tm = tmats[dmat[r]]
    k_win = wo.shape[1]
    t = dstart[r]
    prev = rs[r]
    drv = 0.0
    n = ln[r]
    ctl[C_WORK] += W_STOP * (n + 1)
    for k in range(n):
        i = seq[r, k]
        node = i + 2
        leg = tm[prev, node]
        a = t + leg
        s_ = math.inf
        lt = 0.0
        for q in range(k_win):
            o = wo[r, q, i]
            x = a if a > o else o
            if x <= wl[r, q, i] + EPS:
                s_ = x
                lt = wl[r, q, i]
                break
        if s_ == math.inf:
            return False
        drv += leg
        arr[r, k] = a
        st[r, k] = s_
        late[r, k] = lt
        t = s_ + svc[i]
        dep[r, k] = t
        prev = node
    leg = tm[prev, re[r]]
    ae = t + leg
    drv += leg
    if ae > dend[r] + EPS or drv > cap[r] + EPS:
        return False
    arr_end[r] = ae
    drive[r] = drv
    ms = dend[r] - ae
    slack[r, n] = ms
    for g in range(n - 1, -1, -1):
        ms = min(late[r, g] - st[r, g], ms)
        slack[r, g] = st[r, g] - arr[r, g] + ms
        ms = slack[r, g]
    return True


@_inline
def _gap_ends(
    dstart: Any,
    seq: Any,
    ln: Any,
    rs: Any,
    re: Any,
    arr: Any,
    dep: Any,
    arr_end: Any,
    r: int,
    g: int,
) -> tuple[int, int, float, float]:
    """Gap ``g`` of day ``r``: previous node, next node, departure, arrival at the next."""
    p = rs[r] if g == 0 else seq[r, g - 1] + 2
    nx = re[r] if g == ln[r] else seq[r, g] + 2
    dp = dstart[r] if g == 0 else dep[r, g - 1]
    an = arr_end[r] if g == ln[r] else arr[r, g]
    return p, nx, dp, an


@_inline
def _lower_bound(xs: Any, lo: int, hi: int, x: float) -> int:
    """The first index of ``xs[lo:hi]`` (ascending) whose value is ≥ ``x`` (``hi`` if none):
    a binary search that takes no slice (a view costs two atomic reference-count updates)."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if xs[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@_inline
def _visit_start(prob: Any, r: int, j: int, a: float) -> float:
    """Earliest start of stop ``j`` on day ``r`` reached at ``a``; inf if no window fits."""
    wo, wl = prob[2], prob[3]
    for q in range(wo.shape[1]):
        o = wo[r, q, j]
        x = a if a > o else o
        if x <= wl[r, q, j] + EPS:
            return x
    return math.inf


# -- the insertion table --------------------------------------------------------------------
_FULL, _FREED, _AFTER_INSERT = 0, 1, 2


@_jit
def _row(prob: Any, state: Any, r: int, ratio: Any, gap: Any, mode: int, g_ins: int) -> None:
    """Best insertion ratio ``score² / shift`` and gap of unvisited candidates in day ``r``
    (O(1) a gap: wait + maxShift; the driving cap by the detour).

    ``mode``: ``_FULL`` every candidate; ``_FREED`` only the stops freed since the row was
    made (the day unchanged); ``_AFTER_INSERT`` after a stop went into gap ``g_ins`` of a day
    whose stops have one window each: a delay only takes feasibility away, so a stop that fit
    nowhere is checked on the two new gaps only, the others everywhere.

    The stops to check are listed in order of their latest start, and each gap only looks
    at those whose windows can overlap the time it leaves (from its departure to the next
    arrival plus slack): with narrow opening hours a small share of them.
    """
    tmats = prob[0]
    dmat = prob[1]
    svc = prob[4]
    score = prob[5]
    must = prob[6]
    cap = prob[9]
    ncand = prob[11]
    tmats_t = prob[14]
    order = prob[15]
    late_sorted = prob[16]
    open_min = prob[17]
    width = prob[18]
    dstart = prob[7]
    seq, ln, rs, re, arr, dep = state[0], state[1], state[2], state[3], state[4], state[6]
    slack = state[8]
    arr_end = state[9]
    drive = state[10]
    visited = state[11]
    ctl = state[12]
    freed = state[13]
    tm = tmats[dmat[r]]
    tt = tmats_t[dmat[r]]
    n_gaps = ln[r] + 1
    room = cap[r] - drive[r] + EPS
    nc = ncand[r]
    # the stops to check, by latest start: on every gap (``[0, na)``) and on the two new
    # gaps only (``[nc, nb)``), both lists in one pair of arrays (not re-bound per gap: each
    # binding of an array costs two atomic reference-count updates)
    lst_j = np.empty(2 * nc, np.int64)
    lst_l = np.empty(2 * nc)
    na = 0
    nb = nc
    for idx in range(nc):
        j = order[r, idx]
        if visited[j] or (mode == _FREED and not freed[j]):
            continue
        if mode == _AFTER_INSERT and ratio[r, j] == _NEG:
            lst_j[nb] = j
            lst_l[nb] = late_sorted[r, idx]
            nb += 1
        else:
            lst_j[na] = j
            lst_l[na] = late_sorted[r, idx]
            na += 1
            ratio[r, j] = _NEG
    cnt = 0
    wmax = width[r]
    for g in range(n_gaps):
        # the gap's ends, as _gap_ends (written out: an array passed to a helper costs two
        # atomic reference-count updates a call, and this runs once a gap)
        p = rs[r] if g == 0 else seq[r, g - 1] + 2
        nx = re[r] if g == ln[r] else seq[r, g] + 2
        dp = dstart[r] if g == 0 else dep[r, g - 1]
        an = arr_end[r] if g == ln[r] else arr[r, g]
        sl = slack[r, g] + EPS
        tpn = tm[p, nx]
        ub = an + sl  # a visit must start by then
        for part in range(2):
            if part == 0:
                lo, hi = 0, na
            else:
                if not (g == g_ins or g == g_ins + 1):
                    break
                lo, hi = nc, nb
            for idx in range(_lower_bound(lst_l, lo, hi, dp - EPS), hi):
                if lst_l[idx] > ub + wmax:
                    break  # this window and every later one open after ub
                j = lst_j[idx]
                if open_min[r, j] > ub:
                    continue
                cnt += 1
                tin = tm[p, j + 2]
                a = dp + tin
                s_ = _visit_start(prob, r, j, a)
                if s_ == math.inf:
                    continue
                tout = tt[nx, j + 2]
                shift = s_ + svc[j] + tout - an
                if shift > sl or tin + tout - tpn > room:
                    continue
                v = score[j] * score[j] / max(shift, 1e-3)
                if must[j]:
                    v += MUST_BONUS
                if v > ratio[r, j]:
                    ratio[r, j] = v
                    gap[r, j] = g
    ctl[C_WORK] += W_CELL * cnt + W_STOP * n_gaps + W_LIST * nc


@_inline
def _insert_at(state: Any, r: int, g: int, j: int) -> None:
    seq, ln = state[0], state[1]
    for k in range(ln[r], g, -1):
        seq[r, k] = seq[r, k - 1]
    seq[r, g] = j
    ln[r] += 1


@_inline
def _delete_at(state: Any, r: int, g: int) -> None:
    seq, ln = state[0], state[1]
    for k in range(g, ln[r] - 1):
        seq[r, k] = seq[r, k + 1]
    ln[r] -= 1


@_inline
def _mark_freed(state: Any, j: int) -> None:
    """Stop ``j`` left the plan: the insertion rows and replacement checks must see it."""
    state[13][j] = True
    state[17][0] += 1
    state[15][j] = state[17][0]


@_inline
def _changed(state: Any, r: int) -> None:
    """Day ``r`` changed: its insertion row and its replacement check are stale."""
    state[14][r] = False
    state[16][r] = -1


@_jit
def _row_best(prob: Any, state: Any, r: int, ratio: Any, mult: Any, rbv: Any, rbj: Any) -> None:
    """Day ``r``'s best entry of the insertion table, ratios × ``mult``."""
    cand, ncand = prob[10], prob[11]
    visited = state[11]
    best = _NEG
    bj = -1
    for c in range(ncand[r]):
        j = cand[r, c]
        # branch-free: a stale (visited) or empty (-inf) entry never beats ``best``
        v = _NEG if visited[j] else ratio[r, j] * mult[j]
        take = v > best
        best = v if take else best
        bj = j if take else bj
    rbv[r] = best
    rbj[r] = bj


@_jit
def _fill(prob: Any, state: Any, ratio: Any, gap: Any, mult: Any) -> None:
    """Greedy insertion by best ratio (× ``mult``) until nothing fits; each day's best
    entry is kept, so a step looks at the changed day's row only."""
    single = prob[13]
    visited, freed = state[11], state[13]
    rowok = state[14]
    m = ratio.shape[0]
    rbv = np.empty(m)
    rbj = np.empty(m, np.int64)
    for r in range(m):
        _row(prob, state, r, ratio, gap, _FREED if rowok[r] else _FULL, 0)
        rowok[r] = True
        _row_best(prob, state, r, ratio, mult, rbv, rbj)
    freed[:] = False
    while True:
        br = -1
        best = _NEG
        for r in range(m):
            if rbv[r] > best:
                best = rbv[r]
                br = r
        if br < 0:
            return
        bj = rbj[br]
        g = gap[br, bj]
        _insert_at(state, br, g, bj)
        if not _sched(prob, state, br):  # only with stale tables; never expected
            _delete_at(state, br, g)
            _sched(prob, state, br)
            ratio[br, bj] = _NEG
            _row_best(prob, state, br, ratio, mult, rbv, rbj)
            continue
        visited[bj] = True
        state[16][br] = -1  # its replacement check is stale (the row is kept up to date)
        _row(prob, state, br, ratio, gap, _AFTER_INSERT if single[br] else _FULL, g)
        for r in range(m):
            if r == br or rbj[r] == bj:
                _row_best(prob, state, r, ratio, mult, rbv, rbj)


@_jit
def _replace(prob: Any, state: Any, r: int) -> bool:
    """Same-slot replacements in day ``r`` of visits by better unvisited stops (best gain
    first, repeated); each slot looks only at stops whose windows can overlap it."""
    tmats = prob[0]
    dmat = prob[1]
    svc = prob[4]
    score = prob[5]
    must = prob[6]
    cap = prob[9]
    ncand = prob[11]
    tmats_t = prob[14]
    order = prob[15]
    late_sorted = prob[16]
    open_min = prob[17]
    width = prob[18]
    dstart = prob[7]
    seq = state[0]
    ln = state[1]
    rs = state[2]
    re = state[3]
    arr = state[4]
    dep = state[6]
    slack = state[8]
    arr_end = state[9]
    drive = state[10]
    visited = state[11]
    ctl = state[12]
    tm = tmats[dmat[r]]
    tt = tmats_t[dmat[r]]
    nc = ncand[r]
    wmax = width[r]
    u_j = np.empty(nc, np.int64)
    u_l = np.empty(nc)
    ftick, rep_tick = state[15], state[16]
    improved = False
    for _ in range(50):
        # a day unchanged since a fruitless check need only look at the stops freed since
        since = rep_tick[r]
        nu = 0
        top = _NEG
        for idx in range(nc):
            j = order[r, idx]
            if not visited[j] and ftick[j] > since:
                u_j[nu] = j
                u_l[nu] = late_sorted[r, idx]
                nu += 1
                top = max(top, score[j])
        best = EPS
        bq = -1
        bj = -1
        cnt = 0
        room = cap[r] - drive[r] + EPS
        for q in range(ln[r]):
            i = seq[r, q]
            if must[i] or top - score[i] <= best:
                continue
            # the ends of the slot (written out, as in _row)
            p = rs[r] if q == 0 else seq[r, q - 1] + 2
            dp = dstart[r] if q == 0 else dep[r, q - 1]
            nx = re[r] if q + 1 == ln[r] else seq[r, q + 1] + 2
            an = arr_end[r] if q + 1 == ln[r] else arr[r, q + 1]
            sl = slack[r, q + 1] + EPS
            old = tm[p, i + 2] + tm[i + 2, nx]
            ub = an + sl
            first = _lower_bound(u_l, 0, nu, dp - EPS)
            for idx in range(first, nu):
                if u_l[idx] > ub + wmax:
                    break
                j = u_j[idx]
                gain = score[j] - score[i]
                if gain <= best or open_min[r, j] > ub:
                    continue
                cnt += 1
                tin = tm[p, j + 2]
                a = dp + tin
                s_ = _visit_start(prob, r, j, a)
                if s_ == math.inf:
                    continue
                tout = tt[nx, j + 2]
                if s_ + svc[j] + tout - an > sl or tin + tout - old > room:
                    continue
                best, bq, bj = gain, q, j
        ctl[C_WORK] += W_CELL * cnt + W_LIST * nu
        if bq < 0:
            rep_tick[r] = state[17][0]
            break
        i = seq[r, bq]
        seq[r, bq] = bj
        if not _sched(prob, state, r):
            seq[r, bq] = i
            _sched(prob, state, r)
            break
        visited[i] = False
        visited[bj] = True
        _mark_freed(state, i)
        _changed(state, r)
        improved = True
    return improved


# -- removals ----------------------------------------------------------------------------
@_jit
def _remove(prob: Any, state: Any, r: int, gone: Any) -> None:
    """Take the stops marked in ``gone`` (by stop) out of day ``r``; if the rest is then
    infeasible (no triangle inequality), also drop ordinary stops, least score first."""
    score, must = prob[5], prob[6]
    seq, ln, visited = state[0], state[1], state[11]
    n0 = ln[r]
    keep = np.empty(n0, np.int64)
    k = 0
    for q in range(n0):
        if not gone[seq[r, q]]:
            keep[k] = seq[r, q]
            k += 1
    if k == n0:
        return
    old = seq[r, :n0].copy()
    for q in range(k):
        seq[r, q] = keep[q]
    ln[r] = k
    while not _sched(prob, state, r):
        worst = -1
        for q in range(ln[r]):
            i = seq[r, q]
            if not must[i] and (worst < 0 or score[i] < score[seq[r, worst]]):
                worst = q
        if worst < 0:  # only must-visits left and still infeasible: keep the day as it was
            for q in range(n0):
                seq[r, q] = old[q]
            ln[r] = n0
            _sched(prob, state, r)
            return
        _delete_at(state, r, worst)
    for q in range(n0):
        visited[old[q]] = False
        _mark_freed(state, old[q])
    for q in range(ln[r]):
        visited[seq[r, q]] = True
    _changed(state, r)


@_jit
def _ruin_slice(prob: Any, state: Any, gone: Any, width: float, rng: Any) -> None:
    """Every visit that starts in a random stretch of ``width`` seconds, from every day."""
    seq, ln, st = state[0], state[1], state[5]
    m = ln.shape[0]
    lo = math.inf
    hi = -math.inf
    for r in range(m):
        if ln[r]:
            lo = min(lo, st[r, 0])
            hi = max(hi, st[r, ln[r] - 1])
    if lo == math.inf:
        return
    t0 = lo + _rand(rng) * max(0.0, hi - lo - width)
    t1 = t0 + width
    for r in range(m):
        hit = False
        for q in range(ln[r]):
            if t0 <= st[r, q] <= t1:
                gone[seq[r, q]] = True
                hit = True
        if hit:
            _remove(prob, state, r, gone)
    gone[:] = False


@_jit
def _ruin_strings(prob: Any, state: Any, gone: Any, n_strings: int, max_len: int, rng: Any) -> None:
    """Strings of consecutive visits in the days of the stops nearest a random visit."""
    near = prob[12]
    seq, ln = state[0], state[1]
    m = ln.shape[0]
    n = gone.shape[0]
    where_r = np.full(n, -1, np.int64)
    where_q = np.zeros(n, np.int64)
    total = 0
    for r in range(m):
        for q in range(ln[r]):
            where_r[seq[r, q]] = r
            where_q[seq[r, q]] = q
            total += 1
    if total == 0:
        return
    pick = _randint(rng, 0, total - 1)
    v = -1
    for r in range(m):
        if pick < ln[r]:
            v = seq[r, pick]
            break
        pick -= ln[r]
    done = np.zeros(m, np.bool_)
    touched = 0
    for k in range(n):
        i = near[v, k]
        r = where_r[i]
        if r < 0 or done[r]:
            continue
        q = where_q[i]
        size = _randint(rng, 1, min(max_len, ln[r]))
        first = min(max(0, q - _randint(rng, 0, size - 1)), ln[r] - size)
        for x in range(first, first + size):
            gone[seq[r, x]] = True
        _remove(prob, state, r, gone)
        gone[:] = False
        done[r] = True
        touched += 1
        if touched >= n_strings:
            break


# -- intra-day moves -----------------------------------------------------------------------
@_jit
def _improve_day(prob: Any, state: Any, r: int, span: int) -> bool:
    """2-opt and or-opt inside day ``r`` (segments and moves of up to ``span`` positions)
    while the day ends earlier (then drives less)."""
    seq, ln, arr_end, drive = state[0], state[1], state[9], state[10]
    improved = False
    n = ln[r]
    if n < 2:
        return False
    keep = seq[r, :n].copy()
    trial = np.empty(n, np.int64)
    better = True
    rounds = 0
    while better and rounds < 50:
        rounds += 1
        better = False
        cur_end, cur_drive = arr_end[r], drive[r]
        # 2-opt: reverse a..b
        for a in range(n - 1):
            for b in range(a + 1, min(n, a + span)):
                for k in range(n):
                    trial[k] = keep[k]
                for k in range(b - a + 1):
                    trial[a + k] = keep[b - k]
                for k in range(n):
                    seq[r, k] = trial[k]
                if _sched(prob, state, r) and _ends_better(
                    arr_end[r], drive[r], cur_end, cur_drive
                ):
                    for k in range(n):
                        keep[k] = trial[k]
                    better = improved = True
                    break
            if better:
                break
        if better:
            continue
        # or-opt: move a segment of 1..3 to another place within span
        for size in range(1, 4):
            for a in range(n - size + 1):
                for b in range(max(0, a - span), min(n - size, a + span) + 1):
                    if b == a:
                        continue
                    # rest = keep without keep[a:a+size]; trial = rest[:b] + seg + rest[b:]
                    x = 0
                    for k in range(n):
                        if a <= k < a + size:
                            continue
                        if x == b:
                            for s in range(size):
                                trial[x + s] = keep[a + s]
                            x += size
                        trial[x] = keep[k]
                        x += 1
                    if x == b:
                        for s in range(size):
                            trial[x + s] = keep[a + s]
                    for k in range(n):
                        seq[r, k] = trial[k]
                    if _sched(prob, state, r) and _ends_better(
                        arr_end[r], drive[r], cur_end, cur_drive
                    ):
                        for k in range(n):
                            keep[k] = trial[k]
                        better = improved = True
                        break
                if better:
                    break
            if better:
                break
    for k in range(n):
        seq[r, k] = keep[k]
    _sched(prob, state, r)
    if improved:
        _changed(state, r)
    return improved


@_inline
def _ends_better(end: float, drive: float, cur_end: float, cur_drive: float) -> bool:
    """Whether a schedule that ends at ``end`` after ``drive`` of driving beats the current
    one (a day, or two days joined at a night's place, by their total time): it ends
    earlier, or as early driving less."""
    if end < cur_end - EPS:
        return True
    return bool(end <= cur_end + EPS and drive < cur_drive - EPS)


# -- the plan's value ---------------------------------------------------------------------
@_jit
def _value(prob: Any, state: Any) -> tuple[int, float, float]:
    """(must-visits placed, score, driving) of the current plan."""
    score, must = prob[5], prob[6]
    seq, ln, drive = state[0], state[1], state[10]
    mu = 0
    sc = 0.0
    dr = 0.0
    for r in range(ln.shape[0]):
        dr += drive[r]
        for q in range(ln[r]):
            i = seq[r, q]
            sc += score[i]
            if must[i]:
                mu += 1
    return mu, sc, dr


@_inline
def _better(m1: int, s1: float, d1: float, m2: int, s2: float, d2: float) -> bool:
    """Key order of the Python search: must-visits, then score, then less driving."""
    if m1 != m2:
        return m1 > m2
    if abs(s1 - s2) > 1e-9:
        return s1 > s2
    return d1 < d2 - 1e-6


# Plans kept aside (the best, the accepted one) are (sequences, lengths) arrays; a sequence
# row also holds its day's start and end nodes in its last two columns (``seq[r, -2:]``), so
# that a plan records the overnight places it was made with.
@_jit
def _save(state: Any, dst_seq: Any, dst_ln: Any) -> None:
    """Copy the current plan (with its days' ends) into ``dst``."""
    seq, ln, rs, re = state[0], state[1], state[2], state[3]
    w = dst_seq.shape[1]
    for r in range(ln.shape[0]):
        dst_ln[r] = ln[r]
        for q in range(ln[r]):
            dst_seq[r, q] = seq[r, q]
        dst_seq[r, w - 2] = rs[r]
        dst_seq[r, w - 1] = re[r]


@_jit
def _copy_plan(src_seq: Any, src_ln: Any, dst_seq: Any, dst_ln: Any) -> None:
    w = src_seq.shape[1]
    for r in range(src_ln.shape[0]):
        dst_ln[r] = src_ln[r]
        for q in range(src_ln[r]):
            dst_seq[r, q] = src_seq[r, q]
        dst_seq[r, w - 2] = src_seq[r, w - 2]
        dst_seq[r, w - 1] = src_seq[r, w - 1]


@_jit
def _load(prob: Any, state: Any, src_seq: Any, src_ln: Any) -> None:
    """Make the plan ``src`` current (sequences, days' ends, schedules, visited marks); the
    insertion rows of days that do not change stay valid, stops it leaves out count as
    freed."""
    seq, ln, rs, re = state[0], state[1], state[2], state[3]
    visited = state[11]
    w = src_seq.shape[1]
    for r in range(ln.shape[0]):
        same = ln[r] == src_ln[r] and rs[r] == src_seq[r, w - 2] and re[r] == src_seq[r, w - 1]
        if same:
            for q in range(ln[r]):
                if seq[r, q] != src_seq[r, q]:
                    same = False
                    break
        if same:
            continue
        for q in range(ln[r]):
            visited[seq[r, q]] = False
            _mark_freed(state, seq[r, q])
        ln[r] = src_ln[r]
        for q in range(ln[r]):
            seq[r, q] = src_seq[r, q]
        rs[r] = src_seq[r, w - 2]
        re[r] = src_seq[r, w - 1]
        _changed(state, r)
        _sched(prob, state, r)
    for r in range(ln.shape[0]):
        for q in range(ln[r]):
            visited[seq[r, q]] = True


# -- overnight places ---------------------------------------------------------------------
@_jit
def _repair(prob: Any, state: Any, r: int) -> bool:
    """Schedule day ``r``, dropping ordinary stops (least score first) until it fits; False
    if only must-visits are left and it still does not."""
    score, must = prob[5], prob[6]
    seq, ln = state[0], state[1]
    while not _sched(prob, state, r):
        worst = -1
        for q in range(ln[r]):
            i = seq[r, q]
            if not must[i] and (worst < 0 or score[i] < score[seq[r, worst]]):
                worst = q
        if worst < 0:
            return False
        _delete_at(state, r, worst)
    return True


@_jit
def _hotel_move(prob: Any, state: Any, rng: Any) -> None:
    """Perturbation: a random night moves to a random allowed place; the two days it joins
    drop ordinary stops until they fit (or the move is undone)."""
    hotels = prob[19]
    seq, ln, rs, re = state[0], state[1], state[2], state[3]
    visited = state[11]
    m = ln.shape[0]
    if hotels.shape[0] == 0 or m < 2:
        return
    k = _randint(rng, 0, m - 2)
    h = hotels[_randint(rng, 0, hotels.shape[0] - 1)]
    if h == re[k]:
        return
    old = seq[k : k + 2].copy()
    old_ln = ln[k : k + 2].copy()
    old_h = re[k]
    re[k] = h
    rs[k + 1] = h
    if not (_repair(prob, state, k) and _repair(prob, state, k + 1)):
        re[k] = old_h
        rs[k + 1] = old_h
        for x in range(2):
            ln[k + x] = old_ln[x]
            for q in range(old_ln[x]):
                seq[k + x, q] = old[x, q]
            _sched(prob, state, k + x)
        return
    for x in range(2):
        for q in range(old_ln[x]):
            visited[old[x, q]] = False
            _mark_freed(state, old[x, q])
        for q in range(ln[k + x]):
            visited[seq[k + x, q]] = True
        _changed(state, k + x)


@_jit
def _improve_hotels(prob: Any, state: Any) -> bool:
    """Each night at the allowed place that makes the two days it joins end earliest (in
    total; then least driving), their visits unchanged."""
    hotels, dstart = prob[19], prob[7]
    ln, rs, re, arr_end, drive = state[1], state[2], state[3], state[9], state[10]
    m = ln.shape[0]
    improved = False
    if hotels.shape[0] == 0:  # a base camp: every day from the start to the end
        return False
    for k in range(m - 1):
        here = re[k]
        best_t = arr_end[k] - dstart[k] + arr_end[k + 1] - dstart[k + 1]
        best_d = drive[k] + drive[k + 1]
        best_h = here
        for x in range(hotels.shape[0]):
            h = hotels[x]
            if h == here:
                continue
            re[k] = h
            rs[k + 1] = h
            if not (_sched(prob, state, k) and _sched(prob, state, k + 1)):
                continue
            t = arr_end[k] - dstart[k] + arr_end[k + 1] - dstart[k + 1]
            d = drive[k] + drive[k + 1]
            if _ends_better(t, d, best_t, best_d):
                best_t, best_d, best_h = t, d, h
        re[k] = best_h
        rs[k + 1] = best_h
        _sched(prob, state, k)
        _sched(prob, state, k + 1)
        if best_h != here:
            _changed(state, k)
            _changed(state, k + 1)
            improved = True
    return improved


@_jit
def _recreate(
    prob: Any, state: Any, ratio: Any, gap: Any, mult: Any, noise: float, rng: Any
) -> None:
    """Greedy insertion with noisy ratios, then same-slot replacements and insertion again."""
    n = mult.shape[0]
    for j in range(n):
        mult[j] = _rand(rng) ** noise if noise > 0 else 1.0
    _fill(prob, state, ratio, gap, mult)
    m = state[1].shape[0]
    any_rep = False
    for r in range(m):
        if _replace(prob, state, r):
            any_rep = True
    if any_rep:
        _fill(prob, state, ratio, gap, mult)


@_jit
def _fits_gap(prob: Any, state: Any, b: int, i: int) -> int:
    """The gap of day ``b`` where stop ``i`` fits with the least shift (O(1) a gap), or -1."""
    svc, dmat, cap, dstart = prob[4], prob[1], prob[9], prob[7]
    tmats = prob[0]
    seq, ln, rs, re, arr, dep = state[0], state[1], state[2], state[3], state[4], state[6]
    slack, arr_end, drive = state[8], state[9], state[10]
    tm = tmats[dmat[b]]
    room = cap[b] - drive[b] + EPS
    best = math.inf
    where = -1
    for g in range(ln[b] + 1):
        p, nx, dp, an = _gap_ends(dstart, seq, ln, rs, re, arr, dep, arr_end, b, g)
        tin = tm[p, i + 2]
        s_ = _visit_start(prob, b, i, dp + tin)
        if s_ == math.inf:
            continue
        tout = tm[i + 2, nx]
        shift = s_ + svc[i] + tout - an
        if shift > slack[b, g] + EPS or tin + tout - tm[p, nx] > room:
            continue
        if shift < best:
            best = shift
            where = g
    return where


@_jit
def _shift_replace(prob: Any, state: Any) -> bool:
    """A visit moves to another day and an unvisited stop takes its slot (a gain of the
    newcomer's whole score, where a same-slot replacement gains only the difference): the
    best such move, repeated while one exists."""
    svc, score = prob[4], prob[5]
    dmat, cap, cand, ncand = prob[1], prob[9], prob[10], prob[11]
    tmats = prob[0]
    seq, ln, rs, re, arr, dep, slack, arr_end, drive, visited, ctl = (
        state[0], state[1], state[2], state[3], state[4], state[6], state[8], state[9],
        state[10], state[11], state[12],
    )  # fmt: skip
    dstart = prob[7]
    m = ln.shape[0]
    open_day = prob[20]
    improved = False
    for _ in range(4 * m):
        best = EPS
        ba = bq = bj = bb = -1
        cnt = 0
        for a in range(m):
            tm = tmats[dmat[a]]
            room = cap[a] - drive[a] + EPS
            for q in range(ln[a]):
                i = seq[a, q]
                p, _nx, dp, _an = _gap_ends(dstart, seq, ln, rs, re, arr, dep, arr_end, a, q)
                nx = re[a] if q + 1 == ln[a] else seq[a, q + 1] + 2
                an = arr_end[a] if q + 1 == ln[a] else arr[a, q + 1]
                sl = slack[a, q + 1] + EPS
                old = tm[p, i + 2] + tm[i + 2, nx]
                # the best unvisited stop that fits this slot
                top = best
                tj = -1
                for c in range(ncand[a]):
                    j = cand[a, c]
                    if visited[j] or score[j] <= top:
                        continue
                    cnt += 1
                    tin = tm[p, j + 2]
                    s_ = _visit_start(prob, a, j, dp + tin)
                    if s_ == math.inf:
                        continue
                    tout = tm[j + 2, nx]
                    if s_ + svc[j] + tout - an > sl or tin + tout - old > room:
                        continue
                    top = score[j]
                    tj = j
                if tj < 0:
                    continue
                # somewhere else for the visit it replaces
                for b in range(m):
                    if b == a or not open_day[b, i]:
                        continue
                    if _fits_gap(prob, state, b, i) >= 0:
                        best, ba, bq, bj, bb = top, a, q, tj, b
                        break
        ctl[C_WORK] += W_CELL * cnt
        if ba < 0:
            break
        i = seq[ba, bq]
        g = _fits_gap(prob, state, bb, i)
        seq[ba, bq] = bj
        _insert_at(state, bb, g, i)
        if not (_sched(prob, state, ba) and _sched(prob, state, bb)):
            seq[ba, bq] = i
            _delete_at(state, bb, g)
            _sched(prob, state, ba)
            _sched(prob, state, bb)
            break
        visited[bj] = True
        _changed(state, ba)
        _changed(state, bb)
        improved = True
    return improved


@_jit
def _polish(prob: Any, state: Any, ratio: Any, gap: Any, mult: Any, light_len: int) -> None:
    """Local search on a new best plan: intra-day moves, insertion, replacements."""
    ln = state[1]
    m = ln.shape[0]
    mult[:] = 1.0
    for _ in range(20):
        changed = False
        for r in range(m):
            if ln[r] <= light_len and _improve_day(prob, state, r, 6):
                changed = True
        if _improve_hotels(prob, state):
            changed = True
        _fill(prob, state, ratio, gap, mult)
        for r in range(m):
            if _replace(prob, state, r):
                changed = True
        if m > 1 and _shift_replace(prob, state):
            changed = True
        if changed:
            _fill(prob, state, ratio, gap, mult)
        else:
            return


# -- route pool ---------------------------------------------------------------------------
@_jit
def _collect(prob: Any, state: Any, pool: Any, pctl: Any) -> None:
    """Add the current days to the route pool: one entry per set of stops (a Zobrist hash of
    the set), the day that ends earliest.  A full pool takes no more sets."""
    score = prob[5]
    seq, ln, arr_end = state[0], state[1], state[9]
    zob, slots, e_hash, e_len, e_seq, e_score, e_end, e_bits = pool
    mask = slots.shape[0] - 1
    width = e_seq.shape[1]
    for r in range(ln.shape[0]):
        k = ln[r]
        if k == 0 or k > width:
            continue
        h = np.uint64(0)
        sc = 0.0
        for q in range(k):
            h ^= zob[seq[r, q]]
            sc += score[seq[r, q]]
        at = np.int64(h >> np.uint64(40)) & mask
        while True:
            e = slots[at]
            if e < 0:
                if pctl[0] >= e_len.shape[0]:
                    break
                e = pctl[0]
                pctl[0] += 1
                slots[at] = e
                e_hash[e] = h
                e_score[e] = sc
                e_end[e] = math.inf
                for q in range(k):
                    i = seq[r, q]
                    e_bits[e, i >> 6] |= np.uint64(1) << np.uint64(i & 63)
            if e_hash[e] == h:
                if arr_end[r] < e_end[e] - EPS:
                    e_end[e] = arr_end[r]
                    e_len[e] = k
                    for q in range(k):
                        e_seq[e, q] = seq[r, q]
                break
            at = (at + 1) & mask


@_jit
def _pack(pool: Any, n_entries: int, m: int, floor: float, node_limit: int) -> tuple[IntArray, int]:
    """Set packing over the pool: the ``m`` pairwise disjoint pooled days of greatest total
    score, if above ``floor`` (depth-first branch and bound, days by score, bounded by the
    next day's score times the days left; at most ``node_limit`` nodes).  Returns the
    entries picked (-1 for a day left empty), or an empty array when nothing beats
    ``floor``, and the nodes visited."""
    e_score, e_bits = pool[5], pool[7]
    words = e_bits.shape[1]
    order = np.argsort(-e_score[:n_entries], kind="mergesort")
    used = np.zeros((m + 1, words), np.uint64)
    val = np.zeros(m + 1)
    nxt = np.zeros(m + 1, np.int64)
    pick = np.full(m, -1, np.int64)
    best_pick = np.full(m, -1, np.int64)
    best = floor
    found = False
    nodes = 0
    k = 0
    while k >= 0 and nodes <= node_limit:
        if val[k] > best + EPS:
            best = val[k]
            best_pick[:] = -1
            best_pick[:k] = pick[:k]
            found = True
        advanced = False
        if k < m:
            i = nxt[k]
            while i < n_entries:
                nodes += 1
                e = order[i]
                if val[k] + e_score[e] * (m - k) <= best + EPS or nodes > node_limit:
                    break  # by score: no later day lifts this branch above the best
                free = True
                for w in range(words):
                    if e_bits[e, w] & used[k, w]:
                        free = False
                        break
                if free:
                    nxt[k] = i + 1
                    pick[k] = e
                    for w in range(words):
                        used[k + 1, w] = used[k, w] | e_bits[e, w]
                    val[k + 1] = val[k] + e_score[e]
                    nxt[k + 1] = i + 1
                    k += 1
                    advanced = True
                    break
                i += 1
        if not advanced:
            k -= 1
    if not found:
        return np.zeros(0, np.int64), nodes
    return best_pick, nodes


@_jit
def _recombine(prob: Any, state: Any, pool: Any, pctl: Any, floor: float, limit: int) -> bool:
    """Make the best set of disjoint pooled days the current plan, if its score beats
    ``floor`` (identical days only: any pooled day fits any day)."""
    e_len, e_seq = pool[3], pool[4]
    seq, ln, visited, ctl = state[0], state[1], state[11], state[12]
    m = ln.shape[0]
    picks, nodes = _pack(pool, pctl[0], m, floor, limit)
    ctl[C_WORK] += W_PACK_NODE * nodes
    if picks.shape[0] == 0:
        return False
    for r in range(m):
        for q in range(ln[r]):
            visited[seq[r, q]] = False
            _mark_freed(state, seq[r, q])
    for r in range(m):
        e = picks[r]
        ln[r] = 0 if e < 0 else e_len[e]
        for q in range(ln[r]):
            seq[r, q] = e_seq[e, q]
            visited[seq[r, q]] = True
        _changed(state, r)
        _sched(prob, state, r)
    return True


@_jit
def final_pack(
    prob: Any,
    state: Any,
    best_seq: Any,
    best_ln: Any,
    ratio: Any,
    gap: Any,
    ictl: Any,
    pool: Any,
    pctl: Any,
    node_limit: int,
) -> bool:
    """After the loop: the best disjoint pooled days, refilled and polished, become the
    best plan if they beat it (True then)."""
    ctl = state[12]
    _load(prob, state, best_seq, best_ln)
    if not _recombine(prob, state, pool, pctl, ctl[C_BEST_SCORE], node_limit):
        return False
    mult = np.ones(state[11].shape[0])
    _fill(prob, state, ratio, gap, mult)
    _polish(prob, state, ratio, gap, mult, ictl[I_LIGHT])
    mu, sc, dr = _value(prob, state)
    if not _better(mu, sc, dr, ictl[I_BEST_MUST], ctl[C_BEST_SCORE], ctl[C_BEST_DRIVE]):
        return False
    ictl[I_BEST_MUST] = mu
    ctl[C_BEST_SCORE] = sc
    ctl[C_BEST_DRIVE] = dr
    _save(state, best_seq, best_ln)
    return True


@_jit
def anneal_chunk(
    prob: Any,
    state: Any,
    best_seq: Any,
    best_ln: Any,
    cur_seq: Any,
    cur_ln: Any,
    ratio: Any,
    gap: Any,
    ictl: Any,
    rng: Any,
    pool: Any,
    pctl: Any,
    max_iter: int,
) -> bool:
    """Run up to ``max_iter`` iterations of ruin, recreate and annealed acceptance; True
    when the counted budget is spent (the caller then takes ``best_*``)."""
    ctl = state[12]
    m = state[1].shape[0]
    n = state[11].shape[0]
    gone = np.zeros(n, np.bool_)
    mult = np.ones(n)
    noise = ctl[C_NOISE]
    work0_budget = ctl[C_BUDGET]
    for _ in range(max_iter):
        if ictl[I_ITER_LIMIT] > 0:
            frac = ictl[I_ITER] / ictl[I_ITER_LIMIT]
        else:
            frac = ctl[C_WORK] / work0_budget if work0_budget > 0 else 1.0
        if frac >= 1.0 or (ictl[I_MAX_IDLE] > 0 and ictl[I_IDLE] >= ictl[I_MAX_IDLE]):
            return True
        ictl[I_ITER] += 1
        ctl[C_WORK] += W_ITER
        temp = ctl[C_TSTART] * ctl[C_TRATIO] ** frac
        # ruin
        if prob[19].shape[0] and m > 1 and _rand(rng) < ctl[C_HOTEL_RATE]:
            _hotel_move(prob, state, rng)
        elif _rand(rng) < ctl[C_SLICE_RATE]:
            width = ctl[C_SLICE_W] * ctl[C_SPAN] * (0.5 + _rand(rng))
            _ruin_slice(prob, state, gone, width, rng)
        else:
            ns = _randint(rng, 1, min(m, ictl[I_MAX_STRINGS]))
            _ruin_strings(prob, state, gone, ns, ictl[I_MAX_LEN], rng)
        # recreate
        _recreate(prob, state, ratio, gap, mult, noise, rng)
        mu, sc, dr = _value(prob, state)
        if mu > ictl[I_BEST_MUST] or (mu == ictl[I_BEST_MUST] and sc > ctl[C_BEST_SCORE] + 1e-9):
            _polish(prob, state, ratio, gap, mult, ictl[I_LIGHT])
            mu, sc, dr = _value(prob, state)
        if pctl[1]:
            _collect(prob, state, pool, pctl)
        if _better(mu, sc, dr, ictl[I_BEST_MUST], ctl[C_BEST_SCORE], ctl[C_BEST_DRIVE]):
            ictl[I_BEST_MUST] = mu
            ctl[C_BEST_SCORE] = sc
            ctl[C_BEST_DRIVE] = dr
            _save(state, best_seq, best_ln)
            ictl[I_IDLE] = 0
            ictl[I_NEW_BEST] += 1
        else:
            ictl[I_IDLE] += 1
        # acceptance
        cm, cs, cd = ictl[I_CUR_MUST], ctl[C_CUR_SCORE], ctl[C_CUR_DRIVE]
        if not _better(cm, cs, cd, mu, sc, dr) or (
            mu >= cm and _rand(rng) < math.exp((sc - cs) / temp)
        ):
            _save(state, cur_seq, cur_ln)
            ictl[I_CUR_MUST] = mu
            ctl[C_CUR_SCORE] = sc
            ctl[C_CUR_DRIVE] = dr
        else:
            _load(prob, state, cur_seq, cur_ln)
        if (
            pctl[1]
            and ictl[I_RECOMBINE] > 0
            and ictl[I_ITER] % ictl[I_RECOMBINE] == 0
            and _recombine(prob, state, pool, pctl, ctl[C_BEST_SCORE], ictl[I_PACK_NODES])
        ):
            # the pool's best disjoint days beat the best plan: refill, polish, go on from it
            mult[:] = 1.0
            _fill(prob, state, ratio, gap, mult)
            _polish(prob, state, ratio, gap, mult, ictl[I_LIGHT])
            mu, sc, dr = _value(prob, state)
            if _better(mu, sc, dr, ictl[I_BEST_MUST], ctl[C_BEST_SCORE], ctl[C_BEST_DRIVE]):
                ictl[I_BEST_MUST] = mu
                ctl[C_BEST_SCORE] = sc
                ctl[C_BEST_DRIVE] = dr
                _save(state, best_seq, best_ln)
                ictl[I_NEW_BEST] += 1
                ictl[I_RECOMBINED] += 1
            _save(state, cur_seq, cur_ln)
            ictl[I_CUR_MUST] = mu
            ctl[C_CUR_SCORE] = sc
            ctl[C_CUR_DRIVE] = dr
            ictl[I_IDLE] = 0
        if ictl[I_IDLE] and ictl[I_IDLE] % ictl[I_RESET] == 0:
            _load(prob, state, best_seq, best_ln)
            _copy_plan(best_seq, best_ln, cur_seq, cur_ln)
            ictl[I_CUR_MUST] = ictl[I_BEST_MUST]
            ctl[C_CUR_SCORE] = ctl[C_BEST_SCORE]
            ctl[C_CUR_DRIVE] = ctl[C_BEST_DRIVE]
    return False


def seed_state(seed: int) -> np.uint64:
    """A non-zero xorshift state from any integer seed (splitmix64 of it)."""
    z = (seed + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    z ^= z >> 31
    return np.uint64(z or 1)


def eligible(continuous_limit_s: float, weekly_limit_s: float) -> bool:
    """Whether the kernel can run a trip: no continuous or weekly driving limits."""
    return continuous_limit_s == math.inf and weekly_limit_s == math.inf


def _time_order(
    wo: FloatArray, wl: FloatArray, cand: IntArray, ncand: IntArray
) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
    """Per day: candidates by latest start (over all their windows), those latest starts,
    every stop's earliest opening, and the widest window span of a candidate (how far
    before its latest start a stop may open: the bound that lets a gap stop looking)."""
    m = wo.shape[0]
    open_min = np.where(wl >= wo, wo, math.inf).min(axis=1)  # m × n; padding is (inf, -inf)
    late_max = wl.max(axis=1)
    order = np.zeros_like(cand)
    late_sorted = np.full(cand.shape, math.inf)
    width = np.zeros(m)
    for d in range(m):
        cs = cand[d, : ncand[d]]
        by = cs[np.argsort(late_max[d, cs], kind="stable")]
        order[d, : len(by)] = by
        late_sorted[d, : len(by)] = late_max[d, by]
        if len(cs):
            with np.errstate(invalid="ignore"):  # always open: inf - (-inf) = inf
                width[d] = float(np.nanmax(late_max[d, cs] - open_min[d, cs]))
    return order, late_sorted, np.ascontiguousarray(open_min), width


class KernelProblem:
    """The problem's arrays in the kernel's layout (days × window rank × stop, …)."""

    def __init__(
        self,
        travel: list[FloatArray],
        w_open: list[FloatArray],
        w_late: list[FloatArray],
        service: FloatArray,
        score: FloatArray,
        must: BoolArray,
        day_start: list[float],
        day_end: list[float],
        cap: list[float],
        candidates: list[IntArray],
        single: list[bool],
        hotels: list[int],
        open_day: list[BoolArray],
    ) -> None:
        m = len(travel)
        n = len(score)
        mats: dict[int, int] = {}
        uniq: list[FloatArray] = []
        dmat = np.zeros(m, np.int64)
        for d, t in enumerate(travel):
            if id(t) not in mats:
                mats[id(t)] = len(uniq)
                uniq.append(t)
            dmat[d] = mats[id(t)]
        k = max(w.shape[0] for w in w_open)
        wo = np.full((m, k, n), math.inf)
        wl = np.full((m, k, n), -math.inf)
        for d in range(m):
            wo[d, : w_open[d].shape[0]] = w_open[d]
            wl[d, : w_late[d].shape[0]] = w_late[d]
        cand = np.zeros((m, max(1, n)), np.int64)
        ncand = np.zeros(m, np.int64)
        for d, cs in enumerate(candidates):
            cand[d, : len(cs)] = cs
            ncand[d] = len(cs)
        t0 = uniq[0]
        near = np.argsort(t0[2 : 2 + n, 2 : 2 + n], axis=1, kind="stable").astype(np.int64)
        self.arrays = (
            np.ascontiguousarray(np.stack(uniq)),
            dmat,
            wo,
            wl,
            np.ascontiguousarray(service, dtype=np.float64),
            np.ascontiguousarray(score, dtype=np.float64),
            np.ascontiguousarray(must, dtype=np.bool_),
            np.array(day_start, np.float64),
            np.array(day_end, np.float64),
            np.array(cap, np.float64),
            cand,
            ncand,
            near,
            np.array(single, np.bool_),
            np.ascontiguousarray(np.stack([u.T for u in uniq])),
            *_time_order(wo, wl, cand, ncand),
            np.array(hotels, np.int64),  # overnight places a night may move to (nodes)
            np.array(open_day, np.bool_),  # day × stop: open at all that day
        )
        self.m, self.n = m, n


class KernelState:
    """A plan and its schedules as arrays (the kernel's ``S``), with the controls."""

    def __init__(
        self, kp: KernelProblem, starts: list[int], ends: list[int], pool: bool = False
    ) -> None:
        m, n = kp.m, kp.n
        w = n + 2
        self.ctl = np.zeros(16)
        self.arrays = (
            np.zeros((m, w), np.int64),  # seq
            np.zeros(m, np.int64),  # ln
            np.array(starts, np.int64),  # start node of each day
            np.array(ends, np.int64),  # end node
            np.zeros((m, w)),  # arr
            np.zeros((m, w)),  # start of service
            np.zeros((m, w)),  # departure
            np.zeros((m, w)),  # latest start of the window used
            np.zeros((m, w + 1)),  # slack
            np.zeros(m),  # arrival at the end
            np.zeros(m),  # driving
            np.zeros(n, np.bool_),  # visited
            self.ctl,
            np.zeros(n, np.bool_),  # freed since the insertion rows were made
            np.zeros(m, np.bool_),  # whether each day's insertion row is up to date
            np.zeros(n, np.int64),  # when each stop last left the plan (a tick)
            np.full(m, -1, np.int64),  # tick of each day's last fruitless replacement check
            np.zeros(1, np.int64),  # the tick
        )
        self.best_seq = np.zeros((m, w), np.int64)
        self.best_ln = np.zeros(m, np.int64)
        self.cur_seq = np.zeros((m, w), np.int64)
        self.cur_ln = np.zeros(m, np.int64)
        self.ratio = np.full((m, max(1, n)), -math.inf)
        self.gap = np.zeros((m, max(1, n)), np.int64)
        self.ictl = np.zeros(16, np.int64)
        self.rng = np.zeros(1, np.uint64)
        # the route pool (see _collect): Zobrist keys, hash slots, entries
        cap = POOL_SIZE if pool else 1
        width = min(n, POOL_DAY_LEN) if pool else 1
        self.pool = (
            np.random.default_rng(20261207).integers(1, 2**63, n, dtype=np.uint64)
            if n
            else np.zeros(1, np.uint64),
            np.full(2 * cap, -1, np.int64),
            np.zeros(cap, np.uint64),
            np.zeros(cap, np.int64),
            np.zeros((cap, width), np.int32),
            np.zeros(cap),
            np.zeros(cap),
            np.zeros((cap, (n + 63) // 64 if pool else 1), np.uint64),  # each day's stops
        )
        self.pctl = np.array([0, int(pool)], np.int64)  # entries, collecting

    def pool_entries(self) -> list[tuple[float, float, list[int]]]:
        """The pooled days: (score, arrival at the end, sequence) per set of stops."""
        _, _, _, e_len, e_seq, e_score, e_end, _ = self.pool
        return [
            (float(e_score[e]), float(e_end[e]), e_seq[e, : e_len[e]].tolist())
            for e in range(int(self.pctl[0]))
        ]

    def set_plan(self, kp: KernelProblem, seqs: list[list[int]]) -> bool:
        """Make ``seqs`` the current, best and accepted plan; False if a day is infeasible."""
        seq, ln, visited = self.arrays[0], self.arrays[1], self.arrays[11]
        for r, s in enumerate(seqs):
            ln[r] = len(s)
            seq[r, : len(s)] = s
        visited[:] = False
        for s in seqs:
            visited[s] = True
        self.arrays[14][:] = False  # no insertion row is up to date
        self.arrays[16][:] = -1  # nor any replacement check
        ok = all(_sched(kp.arrays, self.arrays, r) for r in range(kp.m))
        _save(self.arrays, self.best_seq, self.best_ln)
        _save(self.arrays, self.cur_seq, self.cur_ln)
        mu, sc, dr = _value(kp.arrays, self.arrays)
        self.ictl[I_BEST_MUST] = self.ictl[I_CUR_MUST] = mu
        self.ctl[C_BEST_SCORE] = self.ctl[C_CUR_SCORE] = sc
        self.ctl[C_BEST_DRIVE] = self.ctl[C_CUR_DRIVE] = dr
        return ok

    def best_ends(self) -> list[tuple[int, int]]:
        """The best plan's (start, end) node of every day."""
        w = self.best_seq.shape[1]
        return [(int(row[w - 2]), int(row[w - 1])) for row in self.best_seq]

    def best_plan(self) -> list[list[int]]:
        return [self.best_seq[r, : self.best_ln[r]].tolist() for r in range(len(self.best_ln))]
