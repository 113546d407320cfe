"""A self-drive caravan: a convoy of private cars (sometimes with motorbikes) driving together.

In Vietnam a *caravan* tour ("tour du lịch tự lái xe (caravan)") is not a motorhome: it is
a group of private cars, often with a lead and a sweep car, driving one route together and
sleeping in hotels and homestays.  What the convoy changes for routing:

* **Roads**: every member must be allowed on every road.  A motorbike may use every road a
  car may except expressways (Law 36/2024/QH15 Art. 25(3)) and segments closed to
  motorbikes, so a convoy with motorbikes routes with the motorbike's rules and speeds (the
  slowest member sets the pace); a convoy of cars with the car's.  The one road open to
  motorbikes but not to cars is a track (farm and forest tracks), so a convoy of cars and
  motorbikes also avoids tracks (:func:`convoy_avoid`).
* **Time**: a convoy is slower than one car of its kind.  :func:`convoy_factor` multiplies
  the single-vehicle time by ``1 + 0.05 + 0.015 · (n − 1)`` for n ≥ 2 vehicles, capped
  at 1.35.  Our reasoning, an editorial estimate rather than a measured figure: the lead
  drives below the traffic's pace so that the column stays together and waits for it
  after junctions, lights and overtakes (the fixed 5 %); a column of n vehicles is split
  more often the longer it is, each split costing the whole convoy a wait (1.5 % per
  extra vehicle: a 6-car convoy is 12.5 % slower, 10 cars 18.5 %, 20 cars the cap).
  The "pass time" of the column — the tail arrives (n − 1) × the gap after the head;
  military convoy doctrine (US Army FM 55-30) plans open columns with about 100 m
  between vehicles — is seconds per leg and inside that margin.
* **Stops**: the convoy regroups at least every ``regroup_every_s`` of driving (default
  2 h; a visit counts) and refuels at least every ``refuel_every_m`` (default 150 km: a
  motorbike's tank lasts about 150–200 km), at a real fuel station near the route
  (:func:`stations_along`).

>>> convoy_factor(1), convoy_factor(6), convoy_factor(40)
(1.0, 1.125, 1.35)
>>> convoy_vehicle(cars=4, motorbikes=0).value, convoy_vehicle(cars=4, motorbikes=2).value
('car', 'motorbike')
>>> sorted(convoy_avoid(cars=4, motorbikes=2)), sorted(convoy_avoid(cars=0, motorbikes=3))
(['track'], [])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from shapely.geometry import LineString, Point

from tourroute.routing.graph import Coord
from tourroute.routing.profiles import Vehicle

__all__ = [
    "CONVOY_BASE",
    "CONVOY_MAX_FACTOR",
    "CONVOY_PER_VEHICLE",
    "StationOnRoute",
    "convoy_avoid",
    "convoy_factor",
    "convoy_vehicle",
    "stations_along",
]

CONVOY_BASE = 0.05
CONVOY_PER_VEHICLE = 0.015
CONVOY_MAX_FACTOR = 1.35
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON_EQ = 111_320.0


def convoy_factor(vehicles: int) -> float:
    """Travel time of the convoy ÷ that of one of its vehicles alone (1 for one vehicle).

    ``1 + CONVOY_BASE + CONVOY_PER_VEHICLE · (n − 1)``, capped at ``CONVOY_MAX_FACTOR``
    (the reasoning is in the module docstring).

    Parameters
    ----------
    vehicles
        Every vehicle of the convoy, cars and motorbikes together.

    Returns
    -------
    float
        The factor, rounded to 4 decimals; multiply single-vehicle seconds by it.

    Raises
    ------
    ValueError
        Fewer than one vehicle.
    """
    if vehicles < 1:
        raise ValueError("a convoy has at least one vehicle")
    if vehicles == 1:
        return 1.0
    return round(min(CONVOY_MAX_FACTOR, 1 + CONVOY_BASE + CONVOY_PER_VEHICLE * (vehicles - 1)), 4)


def convoy_vehicle(*, cars: int, motorbikes: int) -> Vehicle:
    """The profile whose roads every member may use and whose pace the slowest member keeps.

    Parameters
    ----------
    cars, motorbikes
        How many of each the convoy has.

    Returns
    -------
    Vehicle
        ``motorbike`` as soon as there is one motorbike (its roads are a subset of a car's
        and it is slower), else ``car``.

    Raises
    ------
    ValueError
        A negative count, or no vehicle at all.
    """
    if cars < 0 or motorbikes < 0 or cars + motorbikes < 1:
        raise ValueError("a convoy has at least one vehicle")
    return Vehicle.motorbike if motorbikes else Vehicle.car


def convoy_avoid(*, cars: int, motorbikes: int) -> frozenset[str]:
    """What the convoy's route avoids beyond the rules of :func:`convoy_vehicle`'s profile.

    Parameters
    ----------
    cars, motorbikes
        How many of each the convoy has.

    Returns
    -------
    frozenset of str
        ``{"track"}`` when cars ride with motorbikes: the motorbike profile allows tracks,
        a car's does not.  Empty otherwise (the profile's own rules suffice).
    """
    return frozenset({"track"}) if cars and motorbikes else frozenset()


@dataclass(frozen=True)
class StationOnRoute:
    """A point near a driven line: how far along the line it is and how far off it."""

    index: int  # into the points given
    along_m: float
    offset_m: float


def _local(coords: Sequence[Coord], lat0: float) -> list[tuple[float, float]]:
    kx = _M_PER_DEG_LON_EQ * math.cos(math.radians(lat0))
    return [(lon * kx, lat * _M_PER_DEG_LAT) for lon, lat in coords]


def stations_along(
    line: Sequence[Coord], points: Sequence[Coord], max_offset_m: float
) -> list[StationOnRoute]:
    """The points within ``max_offset_m`` of the line, ordered by distance along it.

    Metres on a local equirectangular projection at the line's mean latitude: well under
    1 % off over the few hundred kilometres of a day's drive at these latitudes.

    Parameters
    ----------
    line
        The driven line, (lon, lat) vertices in driving order.
    points
        Candidate stops (fuel stations, meal stops) as (lon, lat).
    max_offset_m
        How far off the line a point may be, in metres.

    Returns
    -------
    list of StationOnRoute
        One per point within reach: its index into ``points``, metres along the line to
        its foot and metres off the line; sorted by distance along, then offset.  Empty
        for a line of fewer than two vertices.

    Examples
    --------
    >>> road = [(105.0, 19.0), (105.1, 19.0)]
    >>> found = stations_along(road, [(105.05, 19.001), (105.05, 19.1)], 500)
    >>> [(s.index, round(s.along_m), round(s.offset_m)) for s in found]
    [(0, 5263, 111)]
    """
    if len(line) < 2 or not points:
        return []
    lat0 = sum(c[1] for c in line) / len(line)
    local = LineString(_local(line, lat0))
    minx, miny, maxx, maxy = local.bounds
    out = []
    for i, p in enumerate(_local(points, lat0)):
        if not (
            minx - max_offset_m <= p[0] <= maxx + max_offset_m
            and miny - max_offset_m <= p[1] <= maxy + max_offset_m
        ):
            continue
        pt = Point(p)
        offset = local.distance(pt)
        if offset <= max_offset_m:
            out.append(StationOnRoute(i, local.project(pt), offset))
    out.sort(key=lambda s: (s.along_m, s.offset_m))
    return out
