"""The search behind :func:`tourroute.planning.solver.solve` (private).

Ruin and recreate under simulated annealing (in the spirit of Schrimpf et al.'s ruin &
recreate and Christiaens & Vanden Berghe's string removals), on the insertion machinery of
Vansteenwegen et al.'s ILS, with a route pool recombined by set packing (Hu & Lim's I3CH):

* **insertion table** — for every day and unvisited stop the best insertion ratio
  ``score² / shift`` and its gap (:meth:`Route.insertions`, vectorised).  It is kept up to
  date incrementally: after a stop goes into a day only that day's row changes, and on a
  day with one window a stop and no driving limits only the stops still insertable (on
  every gap) and the others on the two new gaps need a look — a delay elsewhere can only
  take feasibility away.  Rows of days a perturbation did not touch only get the freed
  stops' columns.
* **recreate** — greedy insertion by best ratio, each stop's ratio multiplied by ``u**noise``
  (``u`` uniform, drawn once per recreate), then same-slot *replacements* by better
  unvisited stops.
* **ruin** — a *time slice*: every visit starting in a random stretch of the day, from
  every day (room where all days are at the same hour); or 1–2 *strings* of consecutive
  visits in the days nearest to a random visited stop; or (trips with overnight
  candidates) a night moved to another allowed place.
* **acceptance** — simulated annealing on the score (must-visit stops count first, then
  score, then less driving), the temperature falling geometrically from ``temperature`` to
  ``final_temperature`` mean stop scores over the budget; back to the best plan after
  ``reset_after`` iterations without a better one.  Every new best plan gets the light
  local search (overnight re-selection, short-day 2-opt/or-opt, replacements, a visit
  moved to another day so that an unvisited stop takes its place, tails exchanged between
  days — the last two screened for all pairs at once); the final plan the full one.
* **route pool** — when every day is the same (a base-camp trip with identical windows,
  like the TOPTW), the days of every plan met are kept; every ``recombine_every``
  iterations a small branch and bound picks the best set of disjoint pooled days, which,
  refilled, becomes the current plan when it beats the best.

The loop runs compiled (:mod:`tourroute.planning._kernel`, the same moves as plain loops over
arrays, ~10× the iterations in the same time) for every trip without coach driving rules;
:meth:`Search.anneal_python` keeps the Python version for those, and as the reference the
tests hold the kernel to.  Construction, the first light local search and the final full
one stay here.

Effort is counted, not timed: the vectorised checks, schedules and recreate steps add up
their estimated cost (``Compiled.work``, microseconds on the reference machine) and the
search stops when the budget (:func:`default_work`) is spent, so the same seed gives the
same plan on any machine while every instance costs about the same time.  An explicit
``iterations`` replaces the budget.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass

import numpy as np

from tourroute.planning import _kernel as kernel
from tourroute.planning._core import BoolArray, Compiled, Route, empty_days, schedule
from tourroute.planning.model import EPS, PlanningError

__all__ = [
    "BUDGETS",
    "DEFAULT_BUDGET",
    "Search",
    "SolverOptions",
    "default_work",
    "ends_of",
    "initial_chains",
]

# Named effort levels a user can choose: each multiplies the default budget of counted work
# (:func:`default_work`), so a seed still gives the same plan on any machine.  ``interactive``
# is the tuned default (≈ 1.4–1.8 s on the reference machine at ≥ 150 candidates: an API
# request waits for it); ``thorough`` is twelve times that (≈ 15–22 s there) for overnight
# catalogue builds and offline planning.
BUDGETS: dict[str, float] = {"interactive": 1.0, "thorough": 12.0}
DEFAULT_BUDGET = "interactive"


@dataclass(frozen=True)
class SolverOptions:
    """Search effort and knobs (defaults tuned on the published TOPTW instances).

    ``iterations=None`` and ``work=None`` give the default budget (:func:`default_work`)
    of the named level ``budget`` (a key of :data:`BUDGETS`).
    """

    iterations: int | None = None  # a fixed number of iterations instead of the budget
    work: float | None = None  # the effort budget (see the module docstring)
    budget: str = DEFAULT_BUDGET  # named level of the default budget (see BUDGETS)
    max_no_improve: int | None = None  # also stop after this many idle iterations
    time_limit_s: float = 30.0
    hotel_move_rate: float = 0.25  # share of perturbations that move a night
    temperature: float = 1.5  # annealing start, in mean stop scores
    final_temperature: float = 0.05  # annealing end, in mean stop scores
    cycles: int = 1  # annealing runs (each from the start temperature)
    noise: float = 0.5  # recreate ratios × u**noise, u uniform in (0, 1)
    slice_rate: float = 0.3  # share of ruins that remove a time slice from every day
    slice_width: float = 0.12  # mean slice, as a share of the longest day
    max_strings: int = 2  # a string ruin touches 1 .. this many days
    max_string_len: int = 6  # and removes 1 .. this many consecutive visits from each
    reset_after: int = 300  # back to the best plan after this many idle iterations
    recombine_every: int = 200  # route-pool recombination period (identical days only)
    compiled: bool = True  # the compiled loop where the trip allows (False: Python's)
    # The compiled loop runs ~5–10× the iterations in the same budget, so its acceptance was
    # tuned apart (pr01–pr10, m = 2..4, seeds 0–1; see the package README): a hotter start
    # and a later reset (this many idle iterations at the interactive budget, more at larger
    # ones: see compiled_reset_for).  Its periodic set packing (every this many iterations;
    # 0 = only the final one) made the gaps worse when tried every 200 or 1,000 iterations.
    compiled_temperature: float = 2.5
    compiled_reset_after: int = 1500
    compiled_recombine_every: int = 0

    def __post_init__(self) -> None:
        if self.budget not in BUDGETS:
            raise PlanningError(f"unknown budget {self.budget!r}: use one of {', '.join(BUDGETS)}")


State = tuple[list[Route], BoolArray]
Key = tuple[int, float, float]

# Internal constants.
_LIGHT_LEN = 12  # during the search, O(n²) intra-day moves only on days this short
_SPAN = 6  # 2-opt segments and or-opt moves span at most this many positions
_ITER_WORK = 150.0  # bookkeeping of one iteration, in work units
_FILL_WORK = 12.0  # one recreate step (best entry of the table, bookkeeping)
_FILL_CELL_WORK = 0.002  # … per table entry
_PACK_NODE_WORK = 0.2  # one branch-and-bound node of the recombination
_PACK_NODES = 200_000  # node limit of one recombination
_FINAL_PACK_NODES = 2_000_000  # … and of the last one, over the whole pool
_FULL_WORK = 1.5e6  # the default budget of a full-size instance (≈ 1.5 s of the Python loop)
# The compiled loop counts its own, finer units (a gap × candidate check is 1): this many
# make one of the Python loop's.  85 gives the interactive budget ≈ 1.5 s of the compiled
# loop at full size (pr01–pr10; ≈ 1.8 s when it was chosen, before the kernel's reference-
# count work), and leaves the 300-candidate, 14-day API request under 3 s.
_KERNEL_UNITS = 85.0
_KERNEL_CHUNK = 50  # iterations between two looks at the wall-clock safety net
_FULL_SIZE = 150.0  # candidate stops from which an instance gets the full budget


def default_work(c: Compiled, budget: str = DEFAULT_BUDGET) -> float:
    """The default effort budget of the named level: full from 150 candidate stops on, less
    below (× n^¾)."""
    useful = int(((c.score > 0) | c.must).sum())
    return float(BUDGETS[budget] * _FULL_WORK * min(1.0, useful / _FULL_SIZE) ** 0.75)


def compiled_reset_for(base: int, work: float, c: Compiled) -> int:
    """Idle iterations before the compiled loop goes back to its best plan: ``base`` at the
    interactive budget, × √(budget / interactive budget) above it.  A longer run affords
    longer excursions from the best plan: on pr01–pr10 (m = 2..4, seed 0) the thorough
    budget's gap was 0.38 % resetting after 1,500, 0.22 % after 5,000, 0.29 % after 10,000."""
    interactive = default_work(c, "interactive")
    if interactive <= 0 or work <= interactive:
        return base
    return round(base * math.sqrt(work / interactive))


def ends_of(c: Compiled, d: int) -> tuple[list[int], list[int]]:
    """Possible start and end nodes of day ``d``."""
    last = c.n_days - 1
    if not c.overnights or c.n_days == 1:
        return [0], [1]
    starts = [0] if d == 0 else c.overnights
    ends = [1] if d == last else c.overnights
    return starts, ends


def identical_days(c: Compiled) -> bool:
    """Whether any day's route would do on any other day (so days can be exchanged)."""
    if c.overnights and c.n_days > 1:
        return False
    return all(
        c.day_start[d] == c.day_start[0]
        and c.day_end[d] == c.day_end[0]
        and c.cap[d] == c.cap[0]
        and c.T[d] is c.T[0]
        and c.win[d] == c.win[0]
        for d in range(1, c.n_days)
    )


class Search:
    """The search state: the current days, the insertion table, the best plan, the pool."""

    def __init__(self, c: Compiled, seed: int, deadline: float, opts: SolverOptions):
        self.c = c
        self.rng = random.Random(seed)  # noqa: S311 (a reproducible search, not cryptography)
        self.nrng = np.random.default_rng(seed)
        self.deadline = deadline
        self.opts = opts
        self.iterations = 0
        self.timed_out = False
        n, m = c.n, c.n_days
        useful = (c.score > 0) | c.must
        self.cands = [np.flatnonzero(c.open_day[d] & useful) for d in range(m)]
        self.cand_mask = np.zeros((m, n), bool)
        for d in range(m):
            self.cand_mask[d, self.cands[d]] = True
        self.routes: list[Route] = []
        self.routed: BoolArray = np.zeros(n, bool)
        # the insertion table: best ratio and gap per day and stop, and for each row the
        # stops it holds (computed while unvisited), the route, driving room and must-first
        # mode it was computed for
        self.ratio = np.full((m, n), -math.inf)
        self.gap = np.zeros((m, n), np.int64)
        self.row_avail = np.zeros((m, n), bool)
        self.row_route: list[Route | None] = [None] * m
        self.row_cap = [0.0] * m
        self.row_mf = [True] * m
        # rows that can be updated incrementally after an insertion (see update_row)
        self.mono = [c.single[d] and c.cont == math.inf for d in range(m)]
        # same-slot replacements already found useless: per day the route and stops checked
        self.rep_route: list[Route | None] = [None] * m
        self.rep_cap = [0.0] * m
        self.rep_done = np.zeros((m, n), bool)
        self.must_first = True  # must-visits outrank all in insertion (off now and then)
        self.best: State | None = None
        self.best_key: Key = (-1, -math.inf, 0.0)
        self.near: dict[int, list[int]] = {}
        self.pool_on = m > 1 and identical_days(c)
        # stop-set bits → (score, arrival at the end, visits) of the day that ends earliest
        self.pool: dict[int, tuple[float, float, list[int]]] = {}
        self.pooled: set[Route] = set()
        self.kstate: kernel.KernelState | None = None  # the compiled loop's, once it ran

    # -- bookkeeping ---------------------------------------------------------------------
    def key(self) -> Key:
        """Must-visits placed, score, minus driving: the plan order (higher is better)."""
        c = self.c
        r = self.routed
        return (
            int((r & c.must).sum()),
            round(float(c.score[r].sum()), 9),
            -round(sum(x.drive for x in self.routes), 6),
        )

    def snapshot(self) -> State:
        return list(self.routes), self.routed.copy()

    def load(self, state: State) -> None:
        routes, routed = state
        newly = routed & ~self.routed
        if newly.any():
            self.ratio[:, newly] = -math.inf
            self.row_avail[:, newly] = False
        self.routes = list(routes)
        self.routed = routed.copy()

    def save_if_better(self) -> bool:
        k = self.key()
        if k > self.best_key:
            self.best_key = k
            self.best = self.snapshot()
            return True
        return False

    def restore(self) -> None:
        if self.best is not None:
            self.load(self.best)

    def out_of_time(self) -> bool:
        if time.perf_counter() > self.deadline:
            self.timed_out = True
        return self.timed_out

    def cap_left(self, r: int) -> float:
        c = self.c
        left = c.cap[r] - self.routes[r].drive
        if c.weekly < math.inf:
            drives = [x.drive for x in self.routes]
            for w0 in range(max(0, r - 6), min(r, max(0, len(drives) - 7)) + 1):
                left = min(left, c.weekly - sum(drives[w0 : w0 + 7]))
        return left

    def set_route(self, r: int, route: Route) -> None:
        old = self.routes[r]
        self.routed[old.seq] = False
        if route.seq:
            self.routed[route.seq] = True
            self.ratio[:, route.seq] = -math.inf
            self.row_avail[:, route.seq] = False
        self.routes[r] = route

    # -- the insertion table -------------------------------------------------------------
    def refresh_row(self, r: int) -> None:
        route = self.routes[r]
        cand = self.cands[r]
        cand = cand[~self.routed[cand]]
        self.ratio[r, :] = -math.inf
        self.row_avail[r, :] = False
        cap = self.cap_left(r)
        if len(cand):
            ratio, gap = route.insertions(self.c, cand, cap, self.must_first)
            self.ratio[r, cand] = ratio
            self.gap[r, cand] = gap
            self.row_avail[r, cand] = True
        self.row_route[r] = route
        self.row_cap[r] = cap
        self.row_mf[r] = self.must_first

    def sync(self) -> None:
        """Bring the insertion table up to date: changed rows, then freed stops' columns."""
        for r, route in enumerate(self.routes):
            if (
                self.row_route[r] is not route
                or self.row_mf[r] != self.must_first
                or self.row_cap[r] != self.cap_left(r)
            ):
                self.refresh_row(r)
                continue
            new = self.cand_mask[r] & ~self.routed & ~self.row_avail[r]
            if new.any():
                cols = np.flatnonzero(new)
                ratio, gap = route.insertions(self.c, cols, self.row_cap[r], self.must_first)
                self.ratio[r, cols] = ratio
                self.gap[r, cols] = gap
                self.row_avail[r, cols] = True

    def update_row(self, r: int, g: int) -> None:
        """Row ``r`` after a stop went into gap ``g`` (days in :attr:`mono` only): the stops
        still insertable are checked on every gap, the others on the two new gaps only."""
        route = self.routes[r]
        row = self.ratio[r]
        feas = row > -math.inf
        cap = self.cap_left(r)
        rest = np.flatnonzero(self.row_avail[r] & ~feas)
        if len(rest):
            ratio, gap = route.insertions(self.c, rest, cap, self.must_first, g, g + 2)
            row[rest] = ratio
            self.gap[r, rest] = gap
        keep = np.flatnonzero(feas)
        if len(keep):
            ratio, gap = route.insertions(self.c, keep, cap, self.must_first)
            row[keep] = ratio
            self.gap[r, keep] = gap
        self.row_route[r] = route
        self.row_cap[r] = cap

    def fill(self, noise: float = 0.0) -> None:
        """Greedy insertion by best ratio until nothing fits (ratios × ``u**noise``)."""
        c = self.c
        n = c.n
        self.sync()
        ratio = self.ratio
        mult = self.nrng.random(n) ** noise if noise > 0 else None
        step = _FILL_WORK + _FILL_CELL_WORK * ratio.size
        while True:
            c.work += step
            flat = int(ratio.argmax() if mult is None else (ratio * mult).argmax())
            r, j = divmod(flat, n)
            if ratio[r, j] == -math.inf:
                return
            old = self.routes[r]
            g = int(self.gap[r, j])
            new = schedule(c, r, old.s, old.e, [*old.seq[:g], j, *old.seq[g:]])
            if new is None or new.drive - old.drive > self.cap_left(r) + EPS:
                ratio[r, j] = -math.inf  # stale (weekly limit) or a multi-window edge case
                self.row_avail[r, j] = True
                continue
            self.routes[r] = new
            self.routed[j] = True
            ratio[:, j] = -math.inf
            self.row_avail[:, j] = False
            if c.weekly < math.inf:
                self.sync()
            elif self.mono[r]:
                self.update_row(r, g)
            else:
                self.refresh_row(r)

    # -- repair / removal ----------------------------------------------------------------
    def build(self, d: int, s: int, e: int, seq: list[int]) -> Route | None:
        """Schedule ``seq``; if infeasible drop ordinary stops (least score first) to fit."""
        c = self.c
        route = schedule(c, d, s, e, seq)
        seq = list(seq)
        while route is None:
            drop = [k for k, i in enumerate(seq) if not c.must_l[i]]
            if not drop:
                return None
            best: tuple[float, int, Route] | None = None
            for k in drop:
                cand = schedule(c, d, s, e, seq[:k] + seq[k + 1 :])
                if cand is not None and (best is None or c.score_l[seq[k]] < best[0]):
                    best = (c.score_l[seq[k]], k, cand)
            if best is not None:
                return best[2]
            k = min(drop, key=lambda k: c.score_l[seq[k]])
            del seq[k]
            route = schedule(c, d, s, e, seq)
        return route

    def remove(self, r: int, gone: set[int]) -> None:
        """Take the stops ``gone`` out of day ``r`` (and more if the rest needs it)."""
        route = self.routes[r]
        keep = [i for i in route.seq if i not in gone]
        if len(keep) == len(route.seq):
            return
        new = self.build(r, route.s, route.e, keep)
        if new is not None:
            self.set_route(r, new)

    # -- local search --------------------------------------------------------------------
    def improve_route(self, r: int) -> bool:
        """2-opt and or-opt inside day ``r`` while the day gets shorter."""
        c = self.c
        route = self.routes[r]
        improved = False
        better = True
        while better and not self.out_of_time():
            better = False
            seq = route.seq
            k = len(seq)
            cur = (route.arr_end, route.drive)
            moves: list[list[int]] = []
            for a in range(k - 1):
                for b in range(a + 1, min(k, a + _SPAN)):
                    moves.append(seq[:a] + seq[a : b + 1][::-1] + seq[b + 1 :])
            for ln in (1, 2, 3):
                for a in range(k - ln + 1):
                    seg = seq[a : a + ln]
                    rest = seq[:a] + seq[a + ln :]
                    for b in range(max(0, a - _SPAN), min(len(rest), a + _SPAN) + 1):
                        if b != a:
                            moves.append(rest[:b] + seg + rest[b:])
            for mv in moves:
                new = schedule(c, r, route.s, route.e, mv)
                if new is not None and (new.arr_end, new.drive) < (
                    cur[0] - EPS,
                    cur[1] + EPS,
                ):
                    route, better, improved = new, True, True
                    break
        if improved:
            self.routes[r] = route
        return improved

    def swap_days(self) -> bool:
        """Exchange two stops between two days when it shortens the pair of days."""
        c = self.c
        improved = False
        for r1 in range(len(self.routes)):
            for r2 in range(r1 + 1, len(self.routes)):
                a, b = self.routes[r1], self.routes[r2]
                base = a.total_time(c) + b.total_time(c)
                done = False
                for p1, i in enumerate(a.seq):
                    if not c.open_day[r2][i]:
                        continue
                    for p2, j in enumerate(b.seq):
                        if not c.open_day[r1][j]:
                            continue
                        na = schedule(c, r1, a.s, a.e, [*a.seq[:p1], j, *a.seq[p1 + 1 :]])
                        if na is None:
                            continue
                        nb = schedule(c, r2, b.s, b.e, [*b.seq[:p2], i, *b.seq[p2 + 1 :]])
                        if nb is None:
                            continue
                        if na.total_time(c) + nb.total_time(c) < base - EPS and self._weekly_ok(
                            {r1: na, r2: nb}
                        ):
                            self.routes[r1], self.routes[r2] = na, nb
                            improved = done = True
                            break
                    if done:
                        break
        return improved

    def _weekly_ok(self, changed: dict[int, Route]) -> bool:
        c = self.c
        if c.weekly == math.inf:
            return True
        drives = [changed.get(r, x).drive for r, x in enumerate(self.routes)]
        return all(
            sum(drives[w0 : w0 + 7]) <= c.weekly + EPS for w0 in range(max(1, len(drives) - 6))
        )

    def replace(self) -> bool:
        """An unvisited stop of higher score takes the place of a visited one."""
        c = self.c
        improved = False
        for r in range(len(self.routes)):
            route = self.routes[r]
            best: tuple[float, Route, int] | None = None
            for q, i in enumerate(route.seq):
                if c.must_l[i]:
                    continue
                without = schedule(c, r, route.s, route.e, route.seq[:q] + route.seq[q + 1 :])
                if without is None:
                    continue
                cand = self.cands[r]
                cand = cand[~self.routed[cand] & (c.score[cand] > c.score_l[i] + EPS)]
                if not len(cand):
                    continue
                left = self.cap_left(r) + route.drive - without.drive
                ratio, gap = without.insertions(c, cand, left)
                ok = ratio > -math.inf
                if not ok.any():
                    continue
                gains = np.where(ok, c.score[cand] - c.score_l[i], -math.inf)
                w = int(gains.argmax())
                j, g = int(cand[w]), int(gap[w])
                if best is None or gains[w] > best[0]:
                    seq = [*without.seq[:g], j, *without.seq[g:]]
                    new = schedule(c, r, route.s, route.e, seq)
                    if new is not None and new.drive - route.drive <= self.cap_left(r) + EPS:
                        best = (float(gains[w]), new, i)
            if best is not None:
                self.set_route(r, best[1])
                improved = True
        return improved

    def replace_fast(self, noise: float = 0.0) -> bool:
        """Same-slot replacements of visits by better unvisited stops, then insertion.

        A day already checked against a stop (same route, same driving room) is not
        checked again.
        """
        c = self.c
        improved = False
        for r in range(len(self.routes)):
            for _ in range(50):
                route = self.routes[r]
                cap = self.cap_left(r)
                if self.rep_route[r] is route and self.rep_cap[r] == cap:
                    cand = np.flatnonzero(self.cand_mask[r] & ~self.routed & ~self.rep_done[r])
                else:
                    self.rep_done[r] = False
                    cand = self.cands[r]
                    cand = cand[~self.routed[cand]]
                self.rep_route[r], self.rep_cap[r] = route, cap
                self.rep_done[r, cand] = True
                if not len(cand) or not route.seq:
                    break
                gain, q = route.replacements(c, cand, self.cap_left(r))
                w = int(gain.argmax())
                if not gain[w] > EPS:
                    break
                j, pos = int(cand[w]), int(q[w])
                new = schedule(c, r, route.s, route.e, [*route.seq[:pos], j, *route.seq[pos + 1 :]])
                if new is None:
                    break
                self.set_route(r, new)
                improved = True
        if improved:
            self.fill(noise)
        return improved

    def shift_replace(self) -> bool:
        """A visit moves to another day and an unvisited stop takes its place (a gain of
        the newcomer's whole score, where a same-slot replacement gains only the
        difference): the best such move, repeated while one exists."""
        c = self.c
        m = len(self.routes)
        improved = False
        for _ in range(4 * m):
            best: tuple[float, int, int, int, int, int] | None = None
            for a in range(m):
                ra = self.routes[a]
                if not ra.seq:
                    continue
                cand = self.cands[a]
                cand = cand[~self.routed[cand]]
                if not len(cand):
                    continue
                fits = ra.slot_fits(c, cand, self.cap_left(a))
                val = np.where(fits, c.score[cand][None, :], -math.inf)
                col = val.argmax(axis=1)
                slot_val = val[np.arange(len(ra.seq)), col]
                if not (slot_val > EPS).any():
                    continue
                seq_a = np.array(ra.seq, np.int64)
                for b in range(m):
                    if b == a:
                        continue
                    rb = self.routes[b]
                    # a screening (the move is scheduled below): no exact re-checks, which
                    # on days with multi-window stops cost m² × gaps × stops schedules
                    ratio, gap = rb.insertions(c, seq_a, self.cap_left(b), False, exact=False)
                    ok = (ratio > -math.inf) & (slot_val > EPS)
                    if not ok.any():
                        continue
                    q = int(np.where(ok, slot_val, -math.inf).argmax())
                    if best is None or slot_val[q] > best[0]:
                        best = (float(slot_val[q]), a, q, int(cand[col[q]]), b, int(gap[q]))
            if best is None:
                break
            _, a, q, j, b, g = best
            ra, rb = self.routes[a], self.routes[b]
            i = ra.seq[q]
            na = schedule(c, a, ra.s, ra.e, [*ra.seq[:q], j, *ra.seq[q + 1 :]])
            nb = schedule(c, b, rb.s, rb.e, [*rb.seq[:g], i, *rb.seq[g:]])
            if (
                na is None
                or nb is None
                or na.drive - ra.drive > self.cap_left(a) + EPS
                or nb.drive - rb.drive > self.cap_left(b) + EPS
                or not self._weekly_ok({a: na, b: nb})
            ):
                break
            self.set_route(a, na)
            self.set_route(b, nb)
            improved = True
        return improved

    def exchange_tails(self) -> bool:
        """2-opt* between days: day A keeps its visits up to some point and continues with
        day B's last visits, and B the other way round, when the two days end earlier in
        total (their time then goes to insertions).  Every pair of cut points is screened
        at once with the routes' slack; the promising ones are scheduled."""
        c = self.c
        m = len(self.routes)
        improved = False
        for a in range(m):
            for b in range(a + 1, m):
                ra, rb = self.routes[a], self.routes[b]
                if not ra.seq and not rb.seq:
                    continue
                gain = ra.tail_swaps(c, rb)
                order = np.argsort(gain, axis=None)[::-1][:3]
                base = ra.arr_end + rb.arr_end
                for flat in order.tolist():
                    p, q = divmod(flat, gain.shape[1])
                    if not gain[p, q] > EPS:
                        break
                    new_a = schedule(c, a, ra.s, ra.e, [*ra.seq[:p], *rb.seq[q:]])
                    new_b = schedule(c, b, rb.s, rb.e, [*rb.seq[:q], *ra.seq[p:]])
                    if (
                        new_a is None
                        or new_b is None
                        or new_a.arr_end + new_b.arr_end >= base - EPS
                        or new_a.drive > c.cap[a] + EPS
                        or new_b.drive > c.cap[b] + EPS
                        or not self._weekly_ok({a: new_a, b: new_b})
                    ):
                        continue
                    self.set_route(a, new_a)
                    self.set_route(b, new_b)
                    self.routed[new_a.seq] = True  # B's tail: set_route(b) unmarked it
                    improved = True
                    break
        return improved

    def improve_hotels(self) -> bool:
        """Re-select each night's place to shorten the two days it joins."""
        c = self.c
        if not c.overnights or c.n_days == 1:
            return False
        improved = False
        for k in range(c.n_days - 1):
            a, b = self.routes[k], self.routes[k + 1]
            base = (a.arr_end - c.day_start[k] + b.arr_end - c.day_start[k + 1], a.drive + b.drive)
            choice: tuple[tuple[float, float], Route, Route] | None = None
            for h in c.overnights:
                if h == a.e:
                    continue
                na = schedule(c, k, a.s, h, a.seq)
                if na is None:
                    continue
                nb = schedule(c, k + 1, h, b.e, b.seq)
                if nb is None:
                    continue
                val = (
                    na.arr_end - c.day_start[k] + nb.arr_end - c.day_start[k + 1],
                    na.drive + nb.drive,
                )
                if val < (choice[0] if choice else base) and self._weekly_ok({k: na, k + 1: nb}):
                    choice = (val, na, nb)
            if choice is not None and choice[0][0] < base[0] - EPS:
                self.routes[k], self.routes[k + 1] = choice[1], choice[2]
                improved = True
        return improved

    def hotel_move(self) -> bool:
        """Perturbation: move a random night to a random allowed place, repairing the days."""
        c = self.c
        k = self.rng.randrange(c.n_days - 1)
        h = self.rng.choice(c.overnights)
        a, b = self.routes[k], self.routes[k + 1]
        if h == a.e:
            return False
        na = self.build(k, a.s, h, a.seq)
        nb = self.build(k + 1, h, b.e, b.seq) if na is not None else None
        if na is None or nb is None:
            return False
        self.set_route(k, na)
        self.set_route(k + 1, nb)
        return True

    def intensify(self, light: bool = False) -> None:
        """Local search to a local optimum; ``light`` skips the O(n²) moves on long days
        and the general replacement (the full version runs on the final plan)."""
        for _ in range(20):
            if self.out_of_time():
                return
            changed = False
            long_day = _LIGHT_LEN if light else 2 * _LIGHT_LEN
            for r in range(len(self.routes)):
                if len(self.routes[r].seq) <= long_day:
                    changed |= self.improve_route(r)
            visits = sum(len(r.seq) for r in self.routes)
            if visits <= 3 * long_day:
                changed |= self.swap_days()
            changed |= self.improve_hotels()
            if not light or visits <= 3 * long_day:
                changed |= self.replace()
            self.fill()
            changed |= self.replace_fast()
            if self.shift_replace():
                changed = True
                self.fill()
            if self.exchange_tails():
                changed = True
                self.fill()
            if not changed:
                return

    # -- construction --------------------------------------------------------------------
    def start_from(self, chain: list[int]) -> None:
        c = self.c
        self.routed[:] = False
        self.ratio[:] = -math.inf
        self.row_avail[:] = False
        self.routes = []
        base_camp = not c.overnights or c.n_days == 1
        for d in range(c.n_days):
            s, e = (0, 1) if base_camp else (chain[d], chain[d + 1])
            route = schedule(c, d, s, e, [])
            if route is None:  # pragma: no cover - _check_trip proved the chain feasible
                raise PlanningError(f"internal: day {d + 1} infeasible when empty")
            self.routes.append(route)
        self.fill()

    # -- ruins ---------------------------------------------------------------------------
    def neighbours(self, v: int) -> list[int]:
        """All stops by travel time from stop ``v`` (day 1's matrix), nearest first."""
        got = self.near.get(v)
        if got is None:
            c = self.c
            got = np.argsort(c.T[0][v + 2, 2 : 2 + c.n], kind="stable").tolist()
            self.near[v] = got
        return got

    def ruin_slice(self, width: float) -> None:
        """Remove every visit that starts in a random time slice, from every day."""
        spans = [(r.start[0], r.start[-1]) for r in self.routes if r.seq]
        if not spans:
            return
        lo = min(a for a, _ in spans)
        hi = max(b for _, b in spans)
        t0 = lo + self.rng.random() * max(0.0, hi - lo - width)
        t1 = t0 + width
        for r, route in enumerate(self.routes):
            gone = {i for i, st in zip(route.seq, route.start, strict=True) if t0 <= st <= t1}
            if gone:
                self.remove(r, gone)

    def ruin_strings(self, n_strings: int, max_len: int) -> None:
        """Strings of consecutive visits in the days of the stops nearest a random visit."""
        where: dict[int, tuple[int, int]] = {}
        for r, route in enumerate(self.routes):
            for q, i in enumerate(route.seq):
                where[i] = (r, q)
        if not where:
            return
        v = self.rng.choice(list(where))
        done: set[int] = set()
        for i in self.neighbours(v):
            got = where.get(i)
            if got is None or got[0] in done:
                continue
            r, q = got
            seq = self.routes[r].seq
            ln = self.rng.randint(1, min(max_len, len(seq)))
            first = min(max(0, q - self.rng.randrange(ln)), len(seq) - ln)
            self.remove(r, set(seq[first : first + ln]))
            done.add(r)
            if len(done) >= n_strings:
                break

    # -- route pool ----------------------------------------------------------------------
    def collect(self) -> None:
        """Add the current days to the pool (one per set of stops, the shortest)."""
        for route in self.routes:
            if route in self.pooled or not route.seq:
                continue
            self.pooled.add(route)
            bits = 0
            for i in route.seq:
                bits |= 1 << i
            old = self.pool.get(bits)
            if old is None or route.arr_end < old[1]:
                score = sum(self.c.score_l[i] for i in route.seq)
                self.pool[bits] = (score, route.arr_end, route.seq)

    def recombine(self, node_limit: int = _PACK_NODES) -> bool:
        """Set packing over the pool: the best disjoint days, if they beat the best plan."""
        c = self.c
        m = c.n_days
        items = sorted(self.pool.items(), key=lambda kv: -kv[1][0])
        scores = [v[0] for _, v in items]
        bits = [k for k, _ in items]
        size = len(items)
        best_val = self.best_key[1]
        best_pick: list[int] | None = None
        nodes = 0

        def dfs(start: int, k: int, used: int, val: float, pick: list[int]) -> None:
            nonlocal best_val, best_pick, nodes
            if k < m:
                for i in range(start, size):
                    nodes += 1
                    if nodes > node_limit or val + scores[i] * (m - k) <= best_val + EPS:
                        break
                    if bits[i] & used:
                        continue
                    pick.append(i)
                    dfs(i + 1, k + 1, used | bits[i], val + scores[i], pick)
                    pick.pop()
            if val > best_val + EPS:
                best_val, best_pick = val, list(pick)

        dfs(0, 0, 0, 0.0, [])
        c.work += _PACK_NODE_WORK * (nodes + size)
        if best_pick is None:
            return False
        routes = []
        for d in range(m):
            seq = list(items[best_pick[d]][1][2]) if d < len(best_pick) else []
            route = schedule(c, d, self.routes[d].s, self.routes[d].e, seq)
            if route is None:  # pragma: no cover - identical days
                return False
            routes.append(route)
        routed = np.zeros(c.n, bool)
        for route in routes:
            routed[route.seq] = True
        self.load((routes, routed))
        return True

    # -- main loop -----------------------------------------------------------------------
    def run(self, reach: list[list[int]]) -> None:
        for chain in initial_chains(self.c, reach):
            self.start_from(chain)
            self.intensify(light=True)
            self.save_if_better()
        self.restore()
        self.anneal()
        self.restore()
        if self.pool_on and self.recombine(_FINAL_PACK_NODES):
            # the pool's best disjoint days beat the best plan: refill and polish them
            self.fill()
            self.replace_fast()
            self.save_if_better()
            self.restore()
        self.intensify()
        self.save_if_better()
        self.restore()

    def anneal(self) -> None:
        """The ruin-and-recreate loop: compiled (:mod:`._kernel`) where the trip allows."""
        if self.compiled_ok():
            self.anneal_compiled()
        else:
            self.anneal_python()

    def compiled_ok(self) -> bool:
        """Whether the compiled loop covers this trip: no continuous or weekly driving limit
        (coach rules stay on the Python loop)."""
        c = self.c
        return self.opts.compiled and kernel.eligible(c.cont, c.weekly)

    def anneal_compiled(self) -> None:
        """Run :func:`._kernel.anneal_chunk` from the current plan until its budget is
        spent (or the safety net fires between chunks), then take its best plan."""
        c = self.c
        opts = self.opts
        kp = kernel.KernelProblem(
            c.T, c.w_open, c.w_late, c.svc, c.score, c.must,
            c.day_start, c.day_end, c.cap, self.cands, c.single,
            c.overnights if c.n_days > 1 else [], c.open_day,
        )  # fmt: skip
        ends = [r.s for r in self.routes], [r.e for r in self.routes]
        ks = kernel.KernelState(kp, *ends, pool=self.pool_on)
        ks.set_plan(kp, [list(r.seq) for r in self.routes])
        budget = opts.work if opts.work is not None else default_work(c, opts.budget)
        span = max(e - s for s, e in zip(c.day_start, c.day_end, strict=True))
        positive = c.score > 0
        mean = float(c.score[positive].mean()) if positive.any() else 1.0
        ctl, ictl = ks.ctl, ks.ictl
        ctl[kernel.C_BUDGET] = budget * _KERNEL_UNITS
        ctl[kernel.C_TSTART] = mean * opts.compiled_temperature
        ctl[kernel.C_TRATIO] = opts.final_temperature / opts.compiled_temperature
        ctl[kernel.C_NOISE] = opts.noise
        ctl[kernel.C_SLICE_RATE] = opts.slice_rate
        ctl[kernel.C_SLICE_W] = opts.slice_width
        ctl[kernel.C_SPAN] = span
        ctl[kernel.C_HOTEL_RATE] = opts.hotel_move_rate
        ictl[kernel.I_RESET] = compiled_reset_for(opts.compiled_reset_after, budget, c)
        ictl[kernel.I_MAX_STRINGS] = opts.max_strings
        ictl[kernel.I_MAX_LEN] = opts.max_string_len
        ictl[kernel.I_LIGHT] = 2 * _LIGHT_LEN
        ictl[kernel.I_ITER_LIMIT] = opts.iterations or 0
        ictl[kernel.I_MAX_IDLE] = opts.max_no_improve or 0
        ictl[kernel.I_RECOMBINE] = opts.compiled_recombine_every
        ictl[kernel.I_PACK_NODES] = _PACK_NODES
        ks.rng[0] = kernel.seed_state(self.rng.getrandbits(64))
        while not kernel.anneal_chunk(
            kp.arrays, ks.arrays, ks.best_seq, ks.best_ln, ks.cur_seq, ks.cur_ln,
            ks.ratio, ks.gap, ictl, ks.rng, ks.pool, ks.pctl, _KERNEL_CHUNK,
        ):  # fmt: skip
            if self.out_of_time():
                break
        if self.pool_on:
            # the set packing over the whole pool, compiled (the Python one's 2 M nodes cost
            # ~0.5 s over a pool this loop fills; this one ~20 ms)
            kernel.final_pack(
                kp.arrays, ks.arrays, ks.best_seq, ks.best_ln, ks.ratio, ks.gap, ictl,
                ks.pool, ks.pctl, _FINAL_PACK_NODES,
            )  # fmt: skip
        self.kstate = ks
        self.iterations += int(ictl[kernel.I_ITER])
        c.work += float(ctl[kernel.C_WORK]) / _KERNEL_UNITS
        routes = [
            schedule(c, d, s, e, seq)
            for d, ((s, e), seq) in enumerate(zip(ks.best_ends(), ks.best_plan(), strict=True))
        ]
        days = [r for r in routes if r is not None]
        if len(days) != len(routes):  # pragma: no cover - the kernel schedules as _core does
            raise PlanningError("internal: the compiled search returned an infeasible day")
        routed = np.zeros(c.n, bool)
        for route in days:
            routed[route.seq] = True
        self.load((days, routed))
        self.save_if_better()

    def anneal_python(self) -> None:
        c = self.c
        opts = self.opts
        m = c.n_days
        hotels = bool(c.overnights) and m > 1
        musts = c.any_must
        n_iter = opts.iterations
        budget = opts.work if opts.work is not None else default_work(c, opts.budget)
        work0 = c.work
        span = max(e - s for s, e in zip(c.day_start, c.day_end, strict=True))
        positive = c.score > 0
        mean = float(c.score[positive].mean()) if positive.any() else 1.0
        t_start = mean * opts.temperature
        t_ratio = opts.final_temperature / opts.temperature
        cur = self.snapshot()
        cur_key = self.key()
        idle = 0
        while not self.out_of_time():
            if n_iter is not None:
                if self.iterations >= n_iter:
                    break
                frac = self.iterations / n_iter
            else:
                frac = (c.work - work0) / budget if budget > 0 else 1.0
                if frac >= 1.0:
                    break
            if opts.max_no_improve is not None and idle >= opts.max_no_improve:
                break
            self.iterations += 1
            c.work += _ITER_WORK
            temp = t_start * t_ratio ** ((frac * opts.cycles) % 1.0)
            # ruin
            if hotels and self.rng.random() < opts.hotel_move_rate:
                self.hotel_move()
            elif self.rng.random() < opts.slice_rate:
                self.ruin_slice(opts.slice_width * span * (0.5 + self.rng.random()))
            else:
                n_strings = self.rng.randint(1, min(m, opts.max_strings))
                self.ruin_strings(n_strings, opts.max_string_len)
            # recreate; now and then must-visits compete by ratio, so their place in the day
            # can move (a plan that loses one is never accepted: the key counts them first)
            self.must_first = not (musts and self.rng.random() < 0.5)
            self.fill(opts.noise)
            if not self.must_first:
                self.must_first = True
                self.fill(opts.noise)
            self.replace_fast(opts.noise)
            key = self.key()
            if key[:2] > self.best_key[:2]:
                self.intensify(light=True)
                key = self.key()
            if self.pool_on:
                self.collect()
            if self.save_if_better():
                idle = 0
            else:
                idle += 1
            # acceptance
            if key >= cur_key or (
                key[0] >= cur_key[0] and self.rng.random() < math.exp((key[1] - cur_key[1]) / temp)
            ):
                cur, cur_key = self.snapshot(), key
            else:
                self.load(cur)
            if idle and idle % opts.reset_after == 0:
                self.restore()
                cur, cur_key = self.snapshot(), self.key()
            recombine = self.pool_on and self.iterations % opts.recombine_every == 0
            if recombine and self.recombine():
                self.fill(opts.noise)
                self.replace_fast(opts.noise)
                self.intensify(light=True)
                self.save_if_better()
                cur, cur_key = self.snapshot(), self.key()
                idle = 0


def initial_chains(c: Compiled, reach: list[list[int]]) -> list[list[int]]:
    """Overnight sequences to start from: the least driving one and the richest one."""
    nd = c.n_days
    if not c.overnights or nd == 1:
        return [[0] * nd + [1]]
    empty = [empty_days(c, d) for d in range(nd)]
    reachable = [set(r) for r in reach]

    def feasible(d: int, s: int, e: int) -> bool:
        return bool(empty[d][s, e])

    chains = []
    for weight in (_drive_weight, _potential_weight):
        # best[d][node] = (value, previous node) for day d ending at node
        best: list[dict[int, tuple[float, int]]] = [{0: (0.0, -1)}]
        for d in range(nd):
            _, ends = ends_of(c, d)
            nxt: dict[int, tuple[float, int]] = {}
            w = weight(c, d, list(best[d]), ends)
            for s, (v, _) in best[d].items():
                for e in ends:
                    if s in reachable[d] and feasible(d, s, e):
                        val = v + w[s, e]
                        if e not in nxt or val > nxt[e][0]:
                            nxt[e] = (val, s)
            best.append(nxt)
        chain = [1]
        for d in range(nd, 0, -1):
            chain.append(best[d][chain[-1]][1])
        chain.reverse()
        if chain not in chains:
            chains.append(chain)
    return chains


def _drive_weight(
    c: Compiled, d: int, starts: list[int], ends: list[int]
) -> dict[tuple[int, int], float]:
    return {(s, e): -c.TL[d][s][e] for s in starts for e in ends}


def _potential_weight(
    c: Compiled, d: int, starts: list[int], ends: list[int]
) -> dict[tuple[int, int], float]:
    """Score of the stops that a day from ``s`` to ``e`` could visit alone."""
    cand = np.flatnonzero(c.open_day[d] & (c.score > 0))
    out: dict[tuple[int, int], float] = {}
    if not len(cand):
        return {(s, e): 0.0 for s in starts for e in ends}
    t = c.T[d]
    arrive = c.day_start[d] + t[np.array(starts)[:, None], cand + 2]  # S × C
    wo, wl = c.w_open[d], c.w_late[d]
    st = np.full_like(arrive, math.inf)
    for q in range(wo.shape[0]):
        sq = np.maximum(arrive, wo[q, cand])
        st = np.where((sq <= wl[q, cand] + EPS) & (st == math.inf), sq, st)
    dep = st + c.svc[cand]
    back = t[(cand + 2)[:, None], np.array(ends)]  # C × E
    fits = dep[:, :, None] + back[None, :, :] <= c.day_end[d] + EPS  # S × C × E
    pot = np.einsum("sce,c->se", fits, c.score[cand])
    for a, s in enumerate(starts):
        for b, e in enumerate(ends):
            out[s, e] = float(pot[a, b])
    return out
