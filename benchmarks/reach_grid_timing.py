"""Time :func:`tourroute.routing.reach_grid.reach_area_grid` on random-walk road steps.

Not part of ``make bench``: ``PYTHONPATH=src python benchmarks/reach_grid_timing.py [steps]``
(default 1,500,000).  The steps are walks with a wandering heading (15–80 m steps, 500
a walk), started uniformly over 150 km × 150 km around (105.7, 19.0): about as many steps
as a 60-minute reach on the regional network.  Prints the best and median of a few runs.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np

from tourroute.routing.reach_grid import reach_area_grid

CENTER = (105.7, 19.0)
WALK = 500
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0 * float(np.cos(np.radians(CENTER[1])))


def random_walks(
    steps: int, seed: int = 0, half_m: float = 75_000.0
) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of ``steps`` road steps, (lon, lat), consecutive steps sharing ends."""
    rng = np.random.default_rng(seed)
    walks = max(1, steps // WALK)
    heading = rng.uniform(0, 2 * np.pi, (walks, 1)) + np.cumsum(
        rng.normal(0.0, 0.25, (walks, WALK)), axis=1
    )
    length = rng.uniform(15.0, 80.0, (walks, WALK))
    x = np.cumsum(
        np.column_stack((rng.uniform(-half_m, half_m, walks), length * np.cos(heading))), axis=1
    )
    y = np.cumsum(
        np.column_stack((rng.uniform(-half_m, half_m, walks), length * np.sin(heading))), axis=1
    )
    lon = CENTER[0] + x / M_PER_DEG_LON
    lat = CENTER[1] + y / M_PER_DEG_LAT
    starts = np.column_stack((lon[:, :-1].ravel(), lat[:, :-1].ravel()))
    ends = np.column_stack((lon[:, 1:].ravel(), lat[:, 1:].ravel()))
    return starts, ends


def main(argv: list[str]) -> None:
    steps = int(argv[0]) if argv else 1_500_000
    starts, ends = random_walks(steps)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        area = reach_area_grid(starts, ends, CENTER)
        times.append(time.perf_counter() - t0)
    print(
        f"reach_area_grid: {len(starts):,} steps, best {min(times) * 1000:.0f} ms, "
        f"median {statistics.median(times) * 1000:.0f} ms; "
        f"{area.geom_type}, {shapely_parts(area)} parts, "
        f"{area.area:.4f} deg², valid={area.is_valid}"
    )


def shapely_parts(area: object) -> int:
    return len(getattr(area, "geoms", [area]))


if __name__ == "__main__":
    main(sys.argv[1:])
