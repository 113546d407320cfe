"""Turn-by-turn steps of a route, with instructions in Vietnamese and English.

The router returns a route as a chain of *stretches* (pieces of one road between two
junctions, :class:`Stretch`); a driver needs *maneuvers*: where to turn, onto which road,
and how far to drive until the next one.  :func:`build_steps` turns the first into the
second, so the service (and the console, the GPX export, the printed road book) can show
"Rẽ phải vào QL7" without knowing anything of geometry.

The decisions, and why:

* **Bearings** are geodesic (``pyproj.Geod.inv`` on WGS84), measured over the first and
  last ~20 m of a stretch (:data:`BEARING_SPAN_M`) rather than between the last two
  vertices: OSM ways are often digitised with a short kink right at the junction node,
  which would turn a straight crossing into a "slight left".
* **Modifiers** come from the turn angle (positive to the right): straight below 20°,
  slight up to 45°, plain up to 135°, sharp up to 170°, U-turn beyond.
* **Which junctions are maneuvers.**  A junction is announced when the road changes, or
  when the road stays the same but the driver could go wrong: the road bends 45° or more
  at a junction that has other roads, or bends 20° or more while another road leaves
  straighter than it.  A U-turn is always announced.  Everything else (a new OSM way of
  the same road, a bend with no alternative) merges into the running step.
* **Continue, keep or turn.**  A change of road with little turning (below 45°) is a
  *keep left/right* when another road also leaves within 45° of straight ahead (a fork:
  the driver must pick a side), else *continue* when it is straight and a slight *turn*
  when it is not.  For a keep, the modifier (``slight left``/``slight right``) names the
  side of the fork taken, since the angle alone may be straight.
* **Roundabouts**: consecutive ``roundabout`` stretches form the ring; the step is
  placed at the entry and counts the exits passed (junctions of the ring with other
  roads) to name the one taken.
* **Distances**: each stretch is driven within exactly one step (the one announced at
  or before its start), so a step's distance and duration are those driven after its
  maneuver until the next, and the steps sum to the route.

Pure: only the standard library, NumPy and pyproj (see the import-linter contracts).

>>> a = Stretch(((105.0, 19.0), (105.001, 19.0)), "QL46", None, "primary", 105.2, 6.0)
>>> b = Stretch(((105.001, 19.0), (105.001, 18.999)), "QL7", None, "primary", 110.6, 7.0)
>>> [s.text_en for s in build_steps([a, b], [Junction((0.0,))])]
['Head east on QL46', 'Turn right onto QL7', 'Arrive at your destination']
>>> [s.text_vi for s in build_steps([a, b], [Junction((0.0,))])]
['Khởi hành trên QL46 về hướng đông', 'Rẽ phải vào QL7', 'Đến nơi']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from pyproj import Geod

__all__ = [
    "BEARING_SPAN_M",
    "FORK_CONE_DEG",
    "Junction",
    "Step",
    "Stretch",
    "build_steps",
    "leaving_bearing",
    "modifier_for",
    "turn_angle",
]

Coord = tuple[float, float]

BEARING_SPAN_M = 20.0
"""Length over which the bearing at either end of a stretch is measured, in metres."""

FORK_CONE_DEG = 45.0
"""Another road leaving within this angle of straight ahead makes a fork (keep left/right)."""

_GEOD = Geod(ellps="WGS84")

# Kinds of step.
DEPART = "depart"
TURN = "turn"
CONTINUE = "continue"
ROUNDABOUT = "roundabout"
ARRIVE = "arrive"


@dataclass(frozen=True, slots=True)
class Stretch:
    """One piece of the route along a single road, from one junction to the next.

    Parameters
    ----------
    coords
        The polyline, (lon, lat) pairs in driving order; its last pair is the first pair
        of the next stretch (the junction).
    ref
        Road number (``"QL7"``), if any; it names the road first, as on the signs.
    name
        Road name (``"Lê Lợi"`` or ``"Đường Lê Lợi"``), if any.
    road_class
        OSM highway class (``"primary"``…); informational.
    distance_m, duration_s
        Driven length and time of this stretch.
    roundabout
        Whether the stretch is part of a roundabout's ring.
    """

    coords: tuple[Coord, ...]
    ref: str | None
    name: str | None
    road_class: str
    distance_m: float
    duration_s: float
    roundabout: bool = False


@dataclass(frozen=True, slots=True)
class Junction:
    """The roads at the junction between two consecutive stretches, other than the route's.

    Parameters
    ----------
    other_bearings
        Bearings (degrees clockwise from north) of the roads leaving the junction other
        than the one arrived on and the one taken.  They decide whether a small change of
        direction is a plain *continue* or a fork (*keep left/right*), and whether a bend
        of the same road must be announced; inside a roundabout, a junction with any
        other road counts as one exit.
    """

    other_bearings: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class Step:
    """One maneuver and the driving that follows it.

    Attributes
    ----------
    kind
        ``depart``, ``turn``, ``continue``, ``roundabout`` or ``arrive``.
    modifier
        ``straight``, ``slight left``, ``left``, ``sharp left`` (and right), ``uturn``;
        ``None`` for depart and arrive.  For a keep (a ``continue`` at a fork) it is the
        side taken, ``slight left`` or ``slight right``.
    road_ref, road_name
        The road driven after the maneuver (for a roundabout, the exit road; for arrive,
        the last road).
    distance_m, duration_s
        Driven after the maneuver, until the next one (0 for arrive).
    location
        (lon, lat) of the maneuver.
    bearing_before, bearing_after
        Heading on arrival at and on leaving the location, degrees clockwise from north
        in [0, 360); 0 where there is none (before depart, after arrive).
    text_vi, text_en
        The instruction, in Vietnamese and in English.
    """

    kind: str
    modifier: str | None
    road_ref: str | None
    road_name: str | None
    distance_m: float
    duration_s: float
    location: Coord
    bearing_before: float
    bearing_after: float
    text_vi: str
    text_en: str


def turn_angle(bearing_before: float, bearing_after: float) -> float:
    """Signed change of heading, in (-180, 180]: positive to the right, negative to the left.

    >>> turn_angle(350.0, 10.0), turn_angle(10.0, 350.0), turn_angle(0.0, 180.0)
    (20.0, -20.0, 180.0)
    """
    angle = (bearing_after - bearing_before) % 360.0
    return angle - 360.0 if angle > 180.0 else angle


def modifier_for(angle: float) -> str:
    """The modifier of a turn of ``angle`` degrees (:func:`turn_angle`).

    >>> [modifier_for(a) for a in (5, -30, 90, -150, 175)]
    ['straight', 'slight left', 'right', 'sharp left', 'uturn']
    """
    size = abs(angle)
    if size > 170.0:
        return "uturn"
    side = "right" if angle > 0 else "left"
    if size < 20.0:
        return "straight"
    if size < 45.0:
        return f"slight {side}"
    if size < 135.0:
        return side
    return f"sharp {side}"


def _span_bearing(coords: Sequence[Coord], span_m: float) -> float | None:
    """Bearing from ``coords[0]`` to the point ``span_m`` along the line (or its end).

    A chord over a few tens of metres rather than the first segment, because the first
    segment may be a digitising kink of a metre or two.  ``None`` for a line of no length.
    """
    if len(coords) < 2:
        return None
    # Only as many vertices as the span needs: a stretch may be a 150 km road of thousands.
    k = min(len(coords), 8)
    while True:
        lon = np.asarray([c[0] for c in coords[:k]], dtype=float)
        lat = np.asarray([c[1] for c in coords[:k]], dtype=float)
        az, _, dist = _GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
        az, dist = np.atleast_1d(az), np.atleast_1d(dist)
        cum = np.cumsum(dist)
        if cum[-1] > span_m or k == len(coords):
            break
        k = min(len(coords), 4 * k)
    if cum[-1] <= 1e-6:
        return None
    if cum[-1] <= span_m:
        end_lon, end_lat = lon[-1], lat[-1]
    else:
        i = int(np.searchsorted(cum, span_m))  # first segment reaching span_m
        before = cum[i - 1] if i > 0 else 0.0
        end_lon, end_lat, _ = _GEOD.fwd(lon[i], lat[i], az[i], span_m - before)
    bearing, _, _ = _GEOD.inv(lon[0], lat[0], end_lon, end_lat)
    return float(bearing) % 360.0


def leaving_bearing(coords: Sequence[Coord]) -> float | None:
    """Heading of a line leaving its first point, over :data:`BEARING_SPAN_M` (as the
    stretches' bearings are measured); ``None`` for a line of no length.

    >>> round(leaving_bearing([(105.0, 19.0), (105.0, 19.001)]))
    0
    """
    return _span_bearing(coords, BEARING_SPAN_M)


def _end_bearings(stretch: Stretch) -> tuple[float | None, float | None]:
    """(heading leaving the start, heading arriving at the end) of a stretch."""
    coords = stretch.coords
    start = _span_bearing(coords, BEARING_SPAN_M)
    back = _span_bearing(coords[::-1], BEARING_SPAN_M)
    end = None if back is None else (back + 180.0) % 360.0
    return start, end


def _same_road(a: Stretch, b: Stretch) -> bool:
    """Same road: same ref; without refs, same name (two unnamed roads count as one)."""
    if a.ref or b.ref:
        return a.ref == b.ref
    return (a.name or None) == (b.name or None)


# --- texts -----------------------------------------------------------------------------

_COMPASS_VI = ("bắc", "đông bắc", "đông", "đông nam", "nam", "tây nam", "tây", "tây bắc")
_COMPASS_EN = ("north", "northeast", "east", "southeast", "south", "southwest", "west", "northwest")

# Words that already say what kind of way a Vietnamese name is ("Đường Lê Lợi", "Cầu Rồng"):
# such a name is not prefixed with "đường", only its first word lower-cased mid-sentence.
_GENERIC_VI = (
    "đường",
    "phố",
    "quốc lộ",
    "tỉnh lộ",
    "huyện lộ",
    "đại lộ",
    "cao tốc",
    "đường cao tốc",
    "ngõ",
    "ngách",
    "hẻm",
    "kiệt",
    "cầu",
    "hầm",
)

_TURN_VI = {
    "straight": "Đi thẳng vào {road}",
    "slight left": "Chếch trái vào {road}",
    "slight right": "Chếch phải vào {road}",
    "left": "Rẽ trái vào {road}",
    "right": "Rẽ phải vào {road}",
    "sharp left": "Rẽ ngoặt trái vào {road}",
    "sharp right": "Rẽ ngoặt phải vào {road}",
    "uturn": "Quay đầu",
}
_TURN_EN = {
    "straight": "Continue onto {road}",
    "slight left": "Turn slightly left onto {road}",
    "slight right": "Turn slightly right onto {road}",
    "left": "Turn left onto {road}",
    "right": "Turn right onto {road}",
    "sharp left": "Turn sharp left onto {road}",
    "sharp right": "Turn sharp right onto {road}",
    "uturn": "Make a U-turn",
}
_KEEP_VI = {"slight left": "Giữ bên trái vào {road}", "slight right": "Giữ bên phải vào {road}"}
_KEEP_EN = {"slight left": "Keep left onto {road}", "slight right": "Keep right onto {road}"}


def compass(bearing: float) -> tuple[str, str]:
    """(Vietnamese, English) name of the nearest of the 8 compass directions.

    >>> compass(0.0), compass(100.0), compass(337.6)
    (('bắc', 'north'), ('đông', 'east'), ('bắc', 'north'))
    """
    i = int(((bearing % 360.0) + 22.5) // 45.0) % 8
    return _COMPASS_VI[i], _COMPASS_EN[i]


def road_label(ref: str | None, name: str | None) -> tuple[str, str]:
    """(Vietnamese, English) words for a road: its ref, else its name, else a generic.

    A bare Vietnamese name reads "đường Lê Lợi" in a sentence; a name that already starts
    with a kind of way ("Cầu Rồng") only has that word lower-cased.

    >>> road_label("QL7", "Đường Hồ Chí Minh")
    ('QL7', 'QL7')
    >>> road_label(None, "Lê Lợi"), road_label(None, "Cầu Rồng")
    (('đường Lê Lợi', 'Lê Lợi'), ('cầu Rồng', 'Cầu Rồng'))
    >>> road_label(None, None)
    ('đường không tên', 'unnamed road')
    """
    if ref:
        return ref, ref
    if not name:
        return "đường không tên", "unnamed road"
    lowered = name.lower()
    for word in sorted(_GENERIC_VI, key=len, reverse=True):
        if lowered.startswith(word) and (len(name) == len(word) or name[len(word)] == " "):
            return word + name[len(word) :], name
    return f"đường {name}", name


def _ordinal_vi(n: int) -> str:
    return "thứ nhất" if n == 1 else f"thứ {n}"


def _ordinal_en(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _texts(
    kind: str, modifier: str | None, stretch: Stretch, bearing: float, exit_no: int | None
) -> tuple[str, str]:
    """(text_vi, text_en) of a step."""
    road_vi, road_en = road_label(stretch.ref, stretch.name)
    if kind == DEPART:
        dir_vi, dir_en = compass(bearing)
        return f"Khởi hành trên {road_vi} về hướng {dir_vi}", f"Head {dir_en} on {road_en}"
    if kind == ARRIVE:
        return "Đến nơi", "Arrive at your destination"
    if kind == ROUNDABOUT:
        if exit_no is None:
            return "Vào vòng xuyến", "Enter the roundabout"
        return (
            f"Vào vòng xuyến, đi theo lối ra {_ordinal_vi(exit_no)} vào {road_vi}",
            f"At the roundabout, take the {_ordinal_en(exit_no)} exit onto {road_en}",
        )
    assert modifier is not None  # noqa: S101 - turn and continue always carry one
    if kind == CONTINUE and modifier in _KEEP_VI:
        return _KEEP_VI[modifier].format(road=road_vi), _KEEP_EN[modifier].format(road=road_en)
    return _TURN_VI[modifier].format(road=road_vi), _TURN_EN[modifier].format(road=road_en)


# --- decisions -------------------------------------------------------------------------


def _maneuver(
    before: float, after: float, others: Sequence[float], same_road: bool
) -> tuple[str, str] | None:
    """(kind, modifier) of the junction, or ``None`` when it is not worth announcing."""
    angle = turn_angle(before, after)
    size = abs(angle)
    other_angles = [turn_angle(before, b) for b in others]
    if same_road and size <= 170.0:
        straighter = any(abs(o) < size for o in other_angles)
        if not other_angles or size < 20.0 or (size < 45.0 and not straighter):
            return None
    modifier = modifier_for(angle)
    if size >= 45.0:
        return TURN, modifier
    rivals = [o for o in other_angles if abs(o) < FORK_CONE_DEG]
    if rivals:
        if all(o > angle for o in rivals):
            return CONTINUE, "slight left"
        if all(o < angle for o in rivals):
            return CONTINUE, "slight right"
        return CONTINUE, "straight"
    if modifier == "straight":
        return CONTINUE, modifier
    return TURN, modifier


@dataclass(slots=True)
class _Open:
    """A step being built: its maneuver, and the stretches driven after it so far."""

    kind: str
    modifier: str | None
    stretch: Stretch
    location: Coord
    bearing_before: float
    bearing_after: float
    exit_no: int | None = None
    distance_m: float = 0.0
    duration_s: float = 0.0

    def close(self) -> Step:
        text_vi, text_en = _texts(
            self.kind, self.modifier, self.stretch, self.bearing_after, self.exit_no
        )
        return Step(
            kind=self.kind,
            modifier=self.modifier,
            road_ref=self.stretch.ref,
            road_name=self.stretch.name,
            distance_m=self.distance_m,
            duration_s=self.duration_s,
            location=self.location,
            bearing_before=round(self.bearing_before, 1) % 360.0,
            bearing_after=round(self.bearing_after, 1) % 360.0,
            text_vi=text_vi,
            text_en=text_en,
        )


def _bearings(stretches: Sequence[Stretch]) -> list[tuple[float, float]]:
    """(start, end) heading of every stretch; a stretch of no length keeps the heading."""
    out: list[tuple[float, float]] = []
    heading = 0.0
    for stretch in stretches:
        start, end = _end_bearings(stretch)
        start = heading if start is None else start
        end = start if end is None else end
        out.append((start, end))
        heading = end
    return out


def build_steps(stretches: Sequence[Stretch], junctions: Sequence[Junction]) -> list[Step]:
    """The turn-by-turn steps of a route.

    Parameters
    ----------
    stretches
        The route, in driving order; consecutive stretches share their joining coordinate.
    junctions
        ``junctions[i]`` describes the junction between ``stretches[i]`` and
        ``stretches[i + 1]`` (so one fewer than stretches).

    Returns
    -------
    list[Step]
        A depart step, one step per maneuver (turn, continue, keep, roundabout), an arrive
        step.  The steps' distances and durations sum to the stretches'.

    Raises
    ------
    ValueError
        With no stretch, or when the junctions do not match the stretches.
    """
    if not stretches:
        raise ValueError("a route has at least one stretch")
    if len(junctions) != len(stretches) - 1:
        raise ValueError(
            f"{len(stretches)} stretches need {len(stretches) - 1} junctions, got {len(junctions)}"
        )
    bearings = _bearings(stretches)
    first = stretches[0]
    current = _Open(DEPART, None, first, first.coords[0], 0.0, bearings[0][0])
    current.distance_m, current.duration_s = first.distance_m, first.duration_s
    steps: list[Step] = []
    in_ring = False  # inside a roundabout entered by a roundabout step
    for k, (here, there) in enumerate(pairwise(stretches)):
        before, after = bearings[k][1], bearings[k + 1][0]
        location = there.coords[0]
        opened: _Open | None = None
        if there.roundabout and not here.roundabout:
            exit_no, exit_stretch, exit_bearing = _ring_exit(stretches, junctions, bearings, k + 1)
            modifier = (
                None if exit_bearing is None else modifier_for(turn_angle(before, exit_bearing))
            )
            opened = _Open(
                ROUNDABOUT,
                modifier,
                exit_stretch if exit_stretch is not None else there,
                location,
                before,
                after,
                exit_no,
            )
            in_ring = True
        elif in_ring:
            in_ring = there.roundabout  # ring, then the exit road: all in the roundabout step
        else:
            decided = _maneuver(before, after, junctions[k].other_bearings, _same_road(here, there))
            if decided is not None:
                opened = _Open(decided[0], decided[1], there, location, before, after)
        if opened is not None:
            steps.append(current.close())
            current = opened
        current.distance_m += there.distance_m
        current.duration_s += there.duration_s
    steps.append(current.close())
    last = stretches[-1]
    steps.append(_Open(ARRIVE, None, last, last.coords[-1], bearings[-1][1], 0.0).close())
    return steps


def _ring_exit(
    stretches: Sequence[Stretch],
    junctions: Sequence[Junction],
    bearings: Sequence[tuple[float, float]],
    entry: int,
) -> tuple[int | None, Stretch | None, float | None]:
    """(exit number, exit road, its heading) of the roundabout entered at ``stretches[entry]``.

    Exits are counted at the junctions along the ring after the entry: each with another
    road is one exit passed; the one taken is the next.  ``None`` throughout when the
    route ends on the ring.
    """
    passed = 0
    k = entry
    while k + 1 < len(stretches) and stretches[k + 1].roundabout:
        if junctions[k].other_bearings:
            passed += 1
        k += 1
    if k + 1 >= len(stretches):
        return None, None, None
    return passed + 1, stretches[k + 1], bearings[k + 1][0]
