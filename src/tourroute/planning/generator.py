"""Seeded TOPTW instances for tuning and measuring the planner without touching held-out sets.

Published benchmarks become worthless for judging a solver once it has been tuned on them, so
apart from pr01–pr10 the planner is tuned and measured on instances generated here.  They
follow the Cordeau layout (``k v N t`` / ``D Q`` / ``i x y d S f a list O C``) and are read
back by :func:`tourroute.planning.instances.read_toptw_text`, so they go through the same
parser, rounding (travel = Euclidean distance rounded up to two decimals) and checks as the
published files; :func:`generate_text` gives the text to save as a file for
``tourroute plan solve``.

The model, chosen to resemble the Cordeau family without copying any instance:

* **customers** ``n`` (50–300 in :data:`SUITE`) in the square ``[-100, 100]²``, the depot
  drawn in ``[-20, 20]²``;
* **layout** ``kind``: ``"random"`` — uniform in the square; ``"clustered"`` —
  ``max(3, n // 25)`` centres uniform in ``[-80, 80]²``, each customer Gaussian around one
  (σ = 10, clipped to the square); ``"mixed"`` — half of each;
* **service** integer 1–25, **score** integer 1–25 (uniform);
* **time windows** on the start of service, every tour running in ``[0, 1000]``:
  ``"tight"`` — width 90–180, earliest start 60–480 (the shape of pr01–pr10);
  ``"loose"`` — width 200–500, earliest start 0–600; either way the latest start is cut
  so that a customer served alone is still back at the depot by 1000 (a customer that even
  so cannot be reached in time keeps its window and is simply never visited);
* ``m`` identical tours (days) — the number of tours is not in the file, as in the
  published sets.

Everything comes from one ``random.Random(seed)``: the same arguments give byte-identical
text on any machine.  No optimum is known for these instances: the benchmark reports the gap
to the best score any of its runs found and the trivial bound of :func:`upper_bound`.
"""

from __future__ import annotations

import math
import random
from typing import Literal

from tourroute.planning.instances import Instance, read_toptw_text
from tourroute.planning.model import PlanningError

__all__ = ["KINDS", "SUITE", "WINDOWS", "generate", "generate_text", "spec_name", "upper_bound"]

Kind = Literal["random", "clustered", "mixed"]
Windows = Literal["tight", "loose"]
KINDS: tuple[Kind, ...] = ("random", "clustered", "mixed")
WINDOWS: tuple[Windows, ...] = ("tight", "loose")
HORIZON = 1000.0  # every tour runs in [0, HORIZON]
_SIDE = 100.0
_WINDOW_SHAPE = {"tight": (90.0, 180.0, 60.0, 480.0), "loose": (200.0, 500.0, 0.0, 600.0)}

# The generated set the benchmark reports (n, kind, windows, m, seed): every size, layout,
# window type and number of tours appears, more tours on larger instances (few tours on many
# customers would leave most out; many on few would visit all); seeds differ throughout.
SUITE: tuple[tuple[int, Kind, Windows, int, int], ...] = (
    (50, "random", "tight", 1, 101),
    (50, "clustered", "loose", 1, 102),
    (100, "mixed", "tight", 2, 103),
    (100, "random", "loose", 1, 104),
    (150, "clustered", "tight", 2, 105),
    (150, "mixed", "loose", 2, 106),
    (200, "random", "tight", 3, 107),
    (200, "clustered", "loose", 3, 108),
    (250, "mixed", "tight", 4, 109),
    (250, "random", "loose", 3, 110),
    (300, "clustered", "tight", 4, 111),
    (300, "mixed", "loose", 4, 112),
)


def spec_name(n: int, kind: str, windows: str, seed: int) -> str:
    """The instance's name: ``gen-<n>-<kind>-<windows>-s<seed>``."""
    return f"gen-{n}-{kind}-{windows}-s{seed}"


def generate_text(
    n: int, *, kind: Kind = "random", windows: Windows = "tight", seed: int = 0
) -> str:
    """The instance as Cordeau-layout text (see the module docstring for the model).

    Raises
    ------
    PlanningError
        ``n`` < 1, or an unknown ``kind`` or ``windows``.
    """
    if n < 1:
        raise PlanningError("a generated instance needs at least one customer")
    if kind not in KINDS:
        raise PlanningError(f"unknown layout {kind!r}: use one of {', '.join(KINDS)}")
    if windows not in WINDOWS:
        raise PlanningError(f"unknown windows {windows!r}: use one of {', '.join(WINDOWS)}")
    rng = random.Random(seed)  # noqa: S311 (reproducible benchmark data)
    depot = (rng.uniform(-20, 20), rng.uniform(-20, 20))
    centres = [(rng.uniform(-80, 80), rng.uniform(-80, 80)) for _ in range(max(3, n // 25))]
    n_clustered = {"random": 0, "clustered": n, "mixed": n // 2}[kind]

    def clip(v: float) -> float:
        return min(_SIDE, max(-_SIDE, v))

    w_min, w_max, o_min, o_max = _WINDOW_SHAPE[windows]
    lines = [
        f"5 1 {n} 4",
        f"{HORIZON:g} 200",
        f"0 {depot[0]:.3f} {depot[1]:.3f} 0 0 0 0 0 {HORIZON:g}",
    ]
    for i in range(1, n + 1):
        if i <= n_clustered:
            cx, cy = centres[rng.randrange(len(centres))]
            x, y = clip(rng.gauss(cx, 10.0)), clip(rng.gauss(cy, 10.0))
        else:
            x, y = rng.uniform(-_SIDE, _SIDE), rng.uniform(-_SIDE, _SIDE)
        service = rng.randint(1, 25)
        score = rng.randint(1, 25)
        open_ = float(rng.randint(int(o_min), int(o_max)))
        close = open_ + rng.randint(int(w_min), int(w_max))
        back = math.hypot(x - depot[0], y - depot[1])
        close = min(close, math.floor(HORIZON - service - back))
        if close < open_:  # too far to serve alone in the window: keep it, unreachable
            close = open_
        lines.append(f"{i} {x:.3f} {y:.3f} {service} {score} 1 1 1 {open_:g} {close:g}")
    return "\n".join(lines) + "\n"


def generate(
    n: int, tours: int = 1, *, kind: Kind = "random", windows: Windows = "tight", seed: int = 0
) -> Instance:
    """A generated instance with ``tours`` identical tours, read back through the TOPTW
    parser (named :func:`spec_name` plus ``m=<tours>``)."""
    text = generate_text(n, kind=kind, windows=windows, seed=seed)
    return read_toptw_text(text, tours, name=spec_name(n, kind, windows, seed))


def upper_bound(instance: Instance) -> float:
    """A cheap upper bound on the score: all customers that can be served alone in a tour.

    Loose (it ignores that tours fill up) but valid, so a gap to it overstates the true gap.
    """
    p = instance.problem
    t = p.travel_s
    if callable(t):  # pragma: no cover - generated and TOPTW instances carry a matrix
        raise PlanningError("upper_bound needs a travel matrix")
    day = p.days[0]
    total = 0.0
    for k, s in enumerate(p.stops):
        arrive = day.start_s + t[0][k + 2]
        windows = s.windows_on(0)
        for open_s, close_s in ((day.start_s, day.end_s),) if windows is None else windows:
            done = max(arrive, open_s) + s.service_s
            if done <= close_s + 1e-9 and done + t[k + 2][1] <= day.end_s + 1e-9:
                total += s.score
                break
    return total
