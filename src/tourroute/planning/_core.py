"""Compiled problem data and one day's schedule, with O(1) insertion checks (private).

A day route is scheduled once in O(n) (:func:`schedule`), which also records, for every gap
between two consecutive nodes, how much the arrival at the later node may be delayed
without breaking any later time window or the day's end (``wait + maxShift`` of
Vansteenwegen et al. 2009), the driving since the last break before the gap and to the
next break after it.  Inserting a stop into a gap is then checked in O(1), and
:meth:`Route.insertions` does it for every gap and every candidate at once with numpy.

With several windows per day the maxShift of a stop is taken inside the window it uses
now: a delay that would push it into a later window is rejected by the O(1) test
(conservative — never a false "feasible").
"""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from tourroute.planning.model import EPS, Problem

__all__ = ["EPS", "MUST_BONUS", "Compiled", "Route", "schedule"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
MUST_BONUS = 1e15  # a must-visit's insertion ratio outranks every ordinary one
# Effort accounting (``Compiled.work``): the estimated cost of each operation, in
# microseconds on the reference machine, so that a search can stop after a fixed amount of
# work — reproducible on any machine, and about the same time whatever the instance shape.
W_CALL = 18.0  # one vectorised insertion/replacement check (one window, no driving limits)
W_CELL = 0.01  # … per gap × candidate
W_CALL_GENERAL = 45.0  # the same with several windows or driving limits
W_CELL_GENERAL = 0.025
W_SCHEDULE = 6.0  # scheduling a day (and its arrays for the checks)
W_STOP = 0.5  # … per stop
EXACT_RECHECK = 120  # gaps × candidates up to which multi-window refusals are re-checked


class Compiled:
    """Arrays and lists derived once from a :class:`Problem` for the solver."""

    def __init__(self, problem: Problem) -> None:
        p = problem
        self.problem = p
        self.n = p.n_stops
        self.n_nodes = p.n_nodes
        self.n_days = p.n_days
        self._compile_travel(p)
        self._compile_stops(p)
        self._compile_limits(p)
        self._compile_windows(p)
        self._compile_fast_path()
        self.any_must = bool(self.must.any())
        self.overnights = p.allowed_overnights()
        self.work = 0.0  # effort spent so far (see the W_* constants)
        # (open, latest start) when a stop has at most one window that day, for the fast path
        self.single = [all(w is None or len(w) <= 1 for w in row) for row in self.win]
        self.win1 = [[_first_window(w) for w in row] for row in self.win]

    def _compile_travel(self, p: Problem) -> None:
        """The travel matrix of every day, as arrays and as lists (shared when days share)."""
        nn, nd = self.n_nodes, self.n_days
        day_matrix = getattr(p.travel_s, "day_matrix", None)
        if callable(day_matrix):
            # a callable that also hands out whole matrices (the composer's): no n² calls;
            # days given the same array share it (and its lists)
            given = [day_matrix(d) for d in range(nd)]  # kept alive: their ids are the keys
            shared: dict[int, FloatArray] = {}
            self.T = [
                shared.setdefault(id(g), np.asarray(g, dtype=float).reshape(nn, nn)) for g in given
            ]
        elif callable(p.travel_s):
            self.T = [
                np.array([[p.travel(i, j, d) for j in range(nn)] for i in range(nn)], float)
                for d in range(nd)
            ]
        else:
            m = np.asarray(p.travel_s, dtype=float).reshape(nn, nn)
            self.T = [m] * nd
        lists: dict[int, list[list[float]]] = {}
        self.TL = [lists.setdefault(id(m), m.tolist()) for m in self.T]

    def _compile_stops(self, p: Problem) -> None:
        """Per stop: service, score, must-visit and break flags, as arrays and as lists."""
        self.svc = np.array([s.service_s for s in p.stops], float)
        self.svc_l: list[float] = self.svc.tolist()
        self.score = np.array([s.score for s in p.stops], float)
        self.score_l: list[float] = self.score.tolist()
        self.score2 = self.score**2
        self.must = np.array([s.must_visit for s in p.stops], bool)
        self.must_l: list[bool] = self.must.tolist()
        self.brk = np.array([p.is_break(i) for i in range(self.n)], bool)
        self.brk_l: list[bool] = self.brk.tolist()

    def _compile_limits(self, p: Problem) -> None:
        """Per day its window and driving cap; the continuous and weekly driving limits."""
        self.day_start = [d.start_s for d in p.days]
        self.day_end = [d.end_s for d in p.days]
        self.cap = [p.daily_cap_s(d) for d in range(self.n_days)]
        self.cont = p.continuous_limit_s()
        rules = p.driver_rules
        self.weekly = (
            rules.max_weekly_driving_s
            if rules is not None and rules.max_weekly_driving_s is not None
            else math.inf
        )

    def _compile_windows(self, p: Problem) -> None:
        """Per day and stop: windows as (open, latest start), their bounds, if open at all."""
        self.win: list[list[_Windows | None]] = []
        self.w_open: list[FloatArray] = []
        self.w_late: list[FloatArray] = []
        self.open_day: list[BoolArray] = []
        for d in range(self.n_days):
            row = _day_windows(p, d, self.svc_l)
            self.win.append(row)
            wo, wl = _window_bounds(row, self.n)
            self.w_open.append(wo)
            self.w_late.append(wl)
            self.open_day.append(_open_on_day(row, self.day_start[d], self.day_end[d]))

    def _compile_fast_path(self) -> None:
        """For the fast insertion path: travel with service added, first windows' bounds."""
        n = self.n
        svc_node = np.zeros(self.n_nodes)
        svc_node[2 : 2 + n] = self.svc
        tin: dict[int, FloatArray] = {}
        tout: dict[int, FloatArray] = {}
        # travel into a stop (node × stop) and out of it plus its service (stop × node)
        self.Tin = [tin.setdefault(id(m), np.ascontiguousarray(m[:, 2 : 2 + n])) for m in self.T]
        self.TSout = [
            tout.setdefault(id(m), np.ascontiguousarray((m + svc_node[:, None])[2 : 2 + n]))
            for m in self.T
        ]
        self.wo1 = [np.ascontiguousarray(w[0]) for w in self.w_open]
        self.wl1 = [np.ascontiguousarray(w[0] + EPS) for w in self.w_late]
        # per stop: latest start + EPS, opening, score², score (one take for all four)
        self.P = [
            np.stack([self.wl1[d], self.wo1[d], self.score2, self.score])
            for d in range(self.n_days)
        ]

    def earliest_start(self, d: int, i: int, arrive: float) -> tuple[float, float] | None:
        """(start, latest start of the window used) of stop ``i`` reached at ``arrive``."""
        ws = self.win[d][i]
        if ws is None:
            return arrive, math.inf
        for o, late in ws:
            st = arrive if arrive > o else o
            if st <= late + EPS:
                return st, late
        return None


_Windows = tuple[tuple[float, float], ...]  # a stop's (open, latest start) windows of a day


def _day_windows(p: Problem, d: int, svc: list[float]) -> list[_Windows | None]:
    """Day ``d``'s windows of every stop as (open, latest start), dropping those too short."""
    row: list[_Windows | None] = []
    for i, s in enumerate(p.stops):
        ws = s.windows_on(d)
        if ws is None:
            row.append(None)
        else:
            sv = svc[i]
            row.append(tuple((o, c - sv) for o, c in ws if c - sv >= o - EPS))
    return row


def _window_bounds(row: list[_Windows | None], n: int) -> tuple[FloatArray, FloatArray]:
    """The day's openings and latest starts as (window rank × stop) arrays, for numpy checks."""
    k = max([1] + [len(w) for w in row if w is not None])
    wo = np.full((k, n), math.inf)
    wl = np.full((k, n), -math.inf)
    for i, w in enumerate(row):
        if w is None:
            wo[0, i], wl[0, i] = -math.inf, math.inf
        else:
            for q, (o, late) in enumerate(w):
                wo[q, i], wl[q, i] = o, late
    return wo, wl


def _open_on_day(row: list[_Windows | None], ds: float, de: float) -> BoolArray:
    """Which stops have a window that overlaps the day's own window ``ds..de``."""
    return np.array(
        [w is None or any(late >= ds - EPS and o <= de + EPS for o, late in w) for w in row],
        bool,
    )


def _first_window(w: _Windows | None) -> tuple[float, float]:
    """A stop's first window of the day (always open: unbounded; none left: empty)."""
    return (-math.inf, math.inf) if w is None else (w[0] if w else (math.inf, -math.inf))


class Route:
    """One day's scheduled route ``s → seq → e`` (immutable once built)."""

    __slots__ = (
        "_vec",
        "arr",
        "arr_end",
        "cin",
        "cout",
        "day",
        "dep",
        "drive",
        "e",
        "s",
        "seq",
        "slack",
        "start",
    )

    def __init__(self) -> None:
        self._vec: tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray, FloatArray] | None
        self._vec = None

    day: int
    s: int
    e: int
    seq: list[int]
    arr: list[float]
    start: list[float]
    dep: list[float]
    arr_end: float
    drive: float
    slack: list[float]
    cin: list[float]
    cout: list[float]

    def total_time(self, c: Compiled) -> float:
        return self.arr_end - c.day_start[self.day]

    def insertions(
        self,
        c: Compiled,
        cand: IntArray,
        cap_left: float,
        must_first: bool = True,
        lo: int = 0,
        hi: int | None = None,
        exact: bool = True,
    ) -> tuple[FloatArray, IntArray]:
        """Best insertion of each candidate stop: (ratio, gap); ratio -inf = none.

        ``must_first`` lifts must-visit stops above every other candidate; ``lo``/``hi``
        restrict the search to the gaps ``lo .. hi - 1``; ``exact=False`` skips the exact
        re-check of multi-window refusals (a screening whose moves are scheduled anyway).
        """
        d = self.day
        prev, nxt, dep_prev, arr_next, slack, tpn = self._vectors(c)
        if lo or hi is not None:
            part = slice(lo, hi)
            prev, nxt, dep_prev, arr_next = prev[part], nxt[part], dep_prev[part], arr_next[part]
            slack, tpn = slack[part], tpn[part]
        if c.single[d] and cap_left == math.inf and c.cont == math.inf:
            c.work += W_CALL + W_CELL * len(prev) * len(cand)
            a = c.Tin[d].take(prev, 0).take(cand, 1)
            a += dep_prev[:, None]  # arrival at the candidate
            pc = c.P[d].take(cand, 1)
            bad = a > pc[0]
            np.maximum(a, pc[1], out=a)  # start of the visit
            a += c.TSout[d].take(cand, 0).take(nxt, 1).T  # arrival at the next node
            a -= arr_next[:, None]  # the shift
            bad |= a > slack[:, None]
            np.maximum(a, 1e-3, out=a)
            ratio = np.divide(pc[2], a)
            if must_first and c.any_must:
                ratio += np.where(c.must.take(cand), MUST_BONUS, 0.0)
            np.copyto(ratio, -math.inf, where=bad)
            gap = ratio.argmax(axis=0)
            return ratio.max(axis=0), gap + lo if lo else gap
        c.work += W_CALL_GENERAL + W_CELL_GENERAL * len(prev) * len(cand)
        t = c.T[d]
        cn = cand + 2
        t_in = t[prev[:, None], cn]  # gaps × candidates
        t_out = t[cn[None, :], nxt[:, None]]
        arrive = dep_prev[:, None] + t_in
        wo, wl = c.w_open[d], c.w_late[d]
        if wo.shape[0] == 1:
            st = np.maximum(arrive, wo[0, cand])
            ok = st <= wl[0, cand] + EPS
        else:
            st = np.full_like(arrive, math.inf)
            ok = np.zeros(arrive.shape, bool)
            for q in range(wo.shape[0]):
                sq = np.maximum(arrive, wo[q, cand])
                okq = (sq <= wl[q, cand] + EPS) & ~ok
                st = np.where(okq, sq, st)
                ok |= okq
        shift = st + c.svc[cand] + t_out - arr_next[:, None]
        ok &= shift <= slack[:, None]
        if cap_left < math.inf:
            ok &= t_in + t_out - tpn[:, None] <= cap_left + EPS
        if c.cont < math.inf:
            a = np.array(self.cin[lo:hi])[:, None] + t_in
            b = t_out + np.array(self.cout[lo:hi])[:, None]
            lim = c.cont + EPS
            ok &= np.where(c.brk[cand], (a <= lim) & (b <= lim), a + b <= lim)
        if exact and not c.single[d] and ok.size <= EXACT_RECHECK and not lo and hi is None:
            # With several windows a delay may jump a later stop into its next window,
            # which the O(1) test refuses; on small days, re-check those gaps exactly.
            shift = shift.copy()
            for g, q in zip(*np.nonzero(~ok), strict=True):
                seq = [*self.seq[:g], int(cand[q]), *self.seq[g:]]
                full = schedule(c, d, self.s, self.e, seq)
                if full is not None and full.drive - self.drive <= cap_left + EPS:
                    ok[g, q] = True
                    after = full.arr[g + 1] if g + 1 < len(full.arr) else full.arr_end
                    shift[g, q] = after - arr_next[g]
        ratio = np.where(ok, c.score2[cand] / np.maximum(shift, 1e-3), -math.inf)
        if must_first:
            ratio += np.where(ok & c.must[cand], MUST_BONUS, 0.0)
        gap = ratio.argmax(axis=0)
        return ratio.max(axis=0), gap + lo

    def _vectors(
        self, c: Compiled
    ) -> tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        """Per gap: previous node, next node, departure, arrival, slack + EPS, direct time."""
        if self._vec is None:
            d = self.day
            nodes = [self.s, *[2 + i for i in self.seq], self.e]
            tl = c.TL[d]
            self._vec = (
                np.array(nodes[:-1], np.int64),
                np.array(nodes[1:], np.int64),
                np.array([c.day_start[d], *self.dep]),
                np.array([*self.arr, self.arr_end]),
                np.array(self.slack) + EPS,
                np.array([tl[a][b] for a, b in pairwise(nodes)]),
            )
        return self._vec

    def replacements(
        self, c: Compiled, cand: IntArray, cap_left: float
    ) -> tuple[FloatArray, IntArray]:
        """Best same-slot replacement of a visit by each candidate: (gain, visit index).

        Gain = score(candidate) - score(replaced); -inf where infeasible (time windows and
        driving caps are checked in O(1); continuous driving is left to the caller).
        """
        seq = self.seq
        if not seq or len(cand) == 0:
            return np.full(len(cand), -math.inf), np.zeros(len(cand), np.int64)
        ok = self.slot_fits(c, cand, cap_left)
        seq_a = np.array(seq, np.int64)
        gain = c.score.take(cand)[None, :] - c.score.take(seq_a)[:, None]
        np.copyto(gain, -math.inf, where=~ok)
        if c.any_must:
            gain[c.must.take(seq_a)] = -math.inf
        q = gain.argmax(axis=0)
        return gain[q, np.arange(len(cand))], q

    def tail_swaps(self, c: Compiled, other: Route) -> FloatArray:
        """Time saved by exchanging tails with ``other`` (row: the cut in this day, column:
        the cut in the other), estimated at the two junctions; -inf where a junction's
        delay exceeds the tail's slack.  Caps are left to the caller."""
        pa, na, da, aa, sa, _ = self._vectors(c)
        pb, nb, db, ab, sb, _ = other._vectors(c)
        c.work += W_CALL_GENERAL + W_CELL_GENERAL * len(pa) * len(pb)
        d_ab = da[:, None] + c.T[self.day][pa[:, None], nb[None, :]] - ab[None, :]
        d_ba = db[None, :] + c.T[other.day][pb[None, :], na[:, None]] - aa[:, None]
        ok = (d_ab <= sb[None, :]) & (d_ba <= sa[:, None])
        ok[0, 0] = ok[-1, -1] = False  # the days exchanged whole, or unchanged
        saved: FloatArray = np.where(ok, -(d_ab + d_ba), -math.inf)
        return saved

    def slot_fits(self, c: Compiled, cand: IntArray, cap_left: float) -> BoolArray:
        """Whether each candidate (column) fits in the place of each visit (row), the rest
        of the day unchanged (O(1) per pair; continuous driving is left to the caller)."""
        d = self.day
        k = len(self.seq)
        prev, nxt, dep_prev, arr_next, slack, tpn = self._vectors(c)
        if c.single[d] and cap_left == math.inf:
            c.work += W_CALL + W_CELL * k * len(cand)
            a = c.Tin[d].take(prev[:k], 0).take(cand, 1)
            a += dep_prev[:k, None]
            pc = c.P[d].take(cand, 1)
            bad = a > pc[0]
            np.maximum(a, pc[1], out=a)
            a += c.TSout[d].take(cand, 0).take(nxt[1:], 1).T
            a -= arr_next[1:, None]
            bad |= a > slack[1:, None]
            fits: BoolArray = ~bad
            return fits
        c.work += W_CALL_GENERAL + W_CELL_GENERAL * k * len(cand)
        t = c.T[d]
        cn = cand + 2
        p_ = prev[:k]  # node before visit q
        n_ = nxt[1:]  # node after visit q
        t_in = t[p_[:, None], cn]
        t_out = t[cn[None, :], n_[:, None]]
        arrive = dep_prev[:k, None] + t_in
        wo, wl = c.w_open[d], c.w_late[d]
        if wo.shape[0] == 1:
            st = np.maximum(arrive, wo[0, cand])
            ok = st <= wl[0, cand] + EPS
        else:
            st = np.full_like(arrive, math.inf)
            ok = np.zeros(arrive.shape, bool)
            for q in range(wo.shape[0]):
                sq = np.maximum(arrive, wo[q, cand])
                okq = (sq <= wl[q, cand] + EPS) & ~ok
                st = np.where(okq, sq, st)
                ok |= okq
        shift = st + c.svc[cand] + t_out - arr_next[1:, None]
        ok &= shift <= slack[1:, None]
        if cap_left < math.inf:
            old = (tpn[:k] + tpn[1:])[:, None]
            ok &= t_in + t_out - old <= cap_left + EPS
        ok_b: BoolArray = ok
        return ok_b


def empty_days(c: Compiled, d: int) -> BoolArray:
    """Which (start, end) node pairs make a feasible day ``d`` without visits: exactly the
    pairs for which ``schedule(c, d, s, e, [])`` is not ``None``, for all pairs at once."""
    t = c.T[d]
    ok: BoolArray = (
        (c.day_start[d] + t <= c.day_end[d] + EPS) & (t <= c.cap[d] + EPS) & (t <= c.cont + EPS)
    )
    return ok


def schedule(c: Compiled, d: int, s: int, e: int, seq: list[int]) -> Route | None:
    """Schedule day ``d`` along ``s → seq → e``; ``None`` if any constraint is broken."""
    c.work += W_SCHEDULE + W_STOP * len(seq)
    tl = c.TL[d]
    t = c.day_start[d]
    prev = s
    cont_lim = c.cont
    cont = 0.0
    drive = 0.0
    arr: list[float] = []
    start: list[float] = []
    dep: list[float] = []
    late: list[float] = []
    brk_l = c.brk_l
    svc_l = c.svc_l
    win1 = c.win1[d] if c.single[d] else None
    for i in seq:
        node = i + 2
        leg = tl[prev][node]
        a = t + leg
        if win1 is not None:
            o, lt = win1[i]
            st = a if a > o else o
            if st > lt + EPS:
                return None
        else:
            r = c.earliest_start(d, i, a)
            if r is None:
                return None
            st, lt = r
        drive += leg
        cont += leg
        if cont > cont_lim + EPS:
            return None
        if brk_l[i]:
            cont = 0.0
        arr.append(a)
        start.append(st)
        late.append(lt)
        t = st + svc_l[i]
        dep.append(t)
        prev = node
    leg = tl[prev][e]
    arr_end = t + leg
    drive += leg
    cont += leg
    if arr_end > c.day_end[d] + EPS or drive > c.cap[d] + EPS or cont > cont_lim + EPS:
        return None
    k = len(seq)
    # slack[g] = wait + maxShift of the node after gap g (the end node last)
    slack = [0.0] * (k + 1)
    ms = c.day_end[d] - arr_end
    slack[k] = ms
    for g in range(k - 1, -1, -1):
        ms = min(late[g] - start[g], ms)
        slack[g] = start[g] - arr[g] + ms
        ms = slack[g]
    r_ = Route()
    r_.day, r_.s, r_.e, r_.seq = d, s, e, seq
    r_.arr, r_.start, r_.dep, r_.arr_end, r_.drive, r_.slack = (
        arr,
        start,
        dep,
        arr_end,
        drive,
        slack,
    )
    if cont_lim < math.inf:
        nodes = [s, *[i + 2 for i in seq], e]
        legs = [tl[a][b] for a, b in pairwise(nodes)]
        cin = [0.0] * (k + 1)
        acc = 0.0
        for g in range(k + 1):
            cin[g] = acc  # driving since the last break, on leaving nodes[g]
            acc += legs[g]
            if g < k and brk_l[seq[g]]:
                acc = 0.0
        cout = [0.0] * (k + 1)
        acc = 0.0
        for g in range(k, -1, -1):
            cout[g] = acc  # driving from nodes[g+1] to the next break
            if g > 0 and brk_l[seq[g - 1]]:
                acc = 0.0
            else:
                acc += legs[g]
        r_.cin, r_.cout = cin, cout
    else:
        r_.cin = r_.cout = []
    return r_
