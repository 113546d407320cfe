"""The area reachable within a time budget, drawn on a grid instead of by buffering lines.

:func:`tourroute.routing.isochrone.reach_area` buffers every reached road in metres and
unions the buffers; on the complete regional network a 60-minute reach (150–220 k pieces,
1–2 M straight steps) takes it 15–23 s.  :func:`reach_area_grid` draws the same area on a
raster in the same local frame (azimuthal equidistant, centred on the origin): it marks the
cells the steps pass through, widens the marks by the margin and traces the boundary of
the marked cells back into polygons; every stage is a handful of whole-array numpy
operations, so 1.5 M steps take a fraction of a second (``benchmarks/reach_grid_timing.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Geod
from scipy import ndimage
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

__all__ = ["reach_area_grid", "reach_area_lines", "steps_as_lines"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

#: Cells per margin by default: margin / 4.5 (111 m for 500 m), so that the margin
#: measured from cell centres ends on a whole number of cells (see ``_dilate``).
CELLS_PER_MARGIN = 4.5
#: The grid is kept to at most this many cells; larger extents get coarser cells.
MAX_CELLS = 4_000_000
#: The projection is replaced by a fitted polynomial when it stays this close (in cells).
_FIT_TOLERANCE_CELLS = 0.02
#: The ellipsoid of the local frame: an azimuthal equidistant projection on WGS84 is the
#: geodesic's azimuth and length from the centre, which ``Geod`` gives without building a
#: PROJ pipeline (two ``Transformer.from_crs`` took 12 ms a request).
_GEOD = Geod(ellps="WGS84")


def reach_area_grid(
    starts: np.ndarray,
    ends: np.ndarray,
    center: tuple[float, float],
    margin_m: float = 500.0,
    simplify_m: float = 50.0,
    *,
    cell_m: float | None = None,
) -> BaseGeometry:
    """Cells within ``margin_m`` of the reached road steps, as a polygon in lon/lat.

    The raster counterpart of :func:`tourroute.routing.isochrone.reach_area`, for speed:
    buffering and unioning the ~1–2 M steps of a 60-minute reach on the regional network
    took 15–23 s, against a budget of 200 ms for the whole isochrone request.

    The steps are projected into an azimuthal equidistant frame centred on ``center``
    (as ``reach_area`` does; the projection, the WGS84 geodesic's azimuth and length from
    the centre, is evaluated with pyproj's ``Geod`` on a small grid of control points and
    applied to the steps through a fitted quadratic or cubic polynomial, within 2 % of a
    cell of the exact map, else exactly).  :func:`reach_area_lines` takes the same steps
    as polylines, the form a reach comes in.  Each step is
    sampled at most half a cell apart and the cells of the samples are marked; the marks
    are widened by a disc of ``margin_m / cell - 0.5`` cells (cell centre to cell centre,
    so that the edge of the outermost whole cells lies ``margin_m`` from the road on
    average); the boundary of the marked cells is traced into rings, simplified, and
    transformed back to lon/lat.  Unreached pockets surrounded by the area (a lake ringed
    by roads, farther than the margin from any) stay holes.

    Precision: the area is drawn in whole cells, ``margin_m / 4.5`` wide by default
    (111 m for the default 500 m margin), so its edge lies within about one cell of the
    vector buffer's; the simplification moves it by up to
    ``max(simplify_m, cell)`` more.  The grid is capped at :data:`MAX_CELLS` cells
    (4 M): a reach wider than about 220 km with the default margin gets proportionally
    coarser cells, and a coarser edge.

    Parameters
    ----------
    starts, ends
        Float arrays of shape (n, 2): the (lon, lat) of both ends of every straight step
        of road reached.  Steps of one polyline may share their ends (the end of one is
        the start of the next): such points are projected once.
    center
        (lon, lat) of the origin: the centre of the local projection.
    margin_m
        How far either side of a road the area reaches, in metres (> 0).
    simplify_m
        Tolerance of the final simplification, in metres; at least one cell is used, which
        removes the staircase of the cell edges.
    cell_m
        Cell size in metres; by default ``margin_m / 4.5``.  Coarsened either way when the
        grid would exceed :data:`MAX_CELLS` cells.

    Returns
    -------
    shapely.geometry.base.BaseGeometry
        A Polygon or MultiPolygon in (lon, lat); with no step at all, the disc of
        ``margin_m`` around ``center`` (as ``reach_area`` returns).

    Raises
    ------
    ValueError
        If ``margin_m`` or ``cell_m`` is not positive, or the arrays are not (n, 2).

    Examples
    --------
    >>> area = reach_area_grid(
    ...     np.array([[105.0, 19.0]]), np.array([[105.1, 19.0]]), (105.0, 19.0), 1000.0
    ... )
    >>> area.geom_type, round(area.bounds[1], 2), round(area.bounds[3], 2)
    ('Polygon', 18.99, 19.01)
    """
    a = np.asarray(starts, dtype=np.float64)
    b = np.asarray(ends, dtype=np.float64)
    if a.ndim != 2 or a.shape[1] != 2 or a.shape != b.shape:
        raise ValueError("starts and ends must be float arrays of the same shape (n, 2)")
    vertices, line_starts = steps_as_lines(a, b)
    return reach_area_lines(vertices, line_starts, center, margin_m, simplify_m, cell_m=cell_m)


def steps_as_lines(starts: FloatArray, ends: FloatArray) -> tuple[FloatArray, IntArray]:
    """Straight steps as polylines: (vertices, index of each line's first vertex).

    A step whose start is the end of the one before continues its line, so a chain of
    ``k`` steps takes ``k + 1`` vertices instead of ``2k``.

    >>> v, first = steps_as_lines(np.array([[0.0, 0], [1, 0], [5, 5]]),
    ...                           np.array([[1.0, 0], [2, 0], [6, 5]]))
    >>> v.tolist(), first.tolist()
    ([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [5.0, 5.0], [6.0, 5.0]], [0, 3])
    """
    n = len(starts)
    if n == 0:
        return np.empty((0, 2)), np.empty(0, dtype=np.intp)
    joined = np.zeros(n, dtype=np.bool_)  # step i's end is step i + 1's start
    if n > 1:
        np.logical_and(
            starts[1:, 0] == ends[:-1, 0], starts[1:, 1] == ends[:-1, 1], out=joined[:-1]
        )
    loose = np.flatnonzero(~joined)
    width = np.ones(n, dtype=np.intp)
    width[loose] = 2  # a step that ends its line brings its end vertex too
    at = np.cumsum(width) - width
    vertices = np.empty((int(width.sum()), 2))
    vertices[at] = starts
    vertices[at[loose] + 1] = ends[loose]
    first_steps = np.concatenate(([0], loose[:-1] + 1))
    return vertices, at[first_steps]


def reach_area_lines(
    vertices: np.ndarray,
    line_starts: np.ndarray,
    center: tuple[float, float],
    margin_m: float = 500.0,
    simplify_m: float = 50.0,
    *,
    cell_m: float | None = None,
) -> BaseGeometry:
    """:func:`reach_area_grid` of polylines: the form a reach's road pieces come in.

    Parameters
    ----------
    vertices
        Float array (m, 2) of (lon, lat): the lines' vertices, one line after another.
    line_starts
        Increasing indices into ``vertices`` of each line's first vertex (the first is 0).
    center, margin_m, simplify_m, cell_m
        As :func:`reach_area_grid`.

    Returns
    -------
    shapely.geometry.base.BaseGeometry
        As :func:`reach_area_grid`.

    Raises
    ------
    ValueError
        If ``margin_m`` or ``cell_m`` is not positive, ``vertices`` is not (m, 2) or
        ``line_starts`` does not start at 0 and increase within ``vertices``.
    """
    if not margin_m > 0 or (cell_m is not None and not cell_m > 0):
        raise ValueError("margin_m and cell_m must be positive")
    v = np.asarray(vertices, dtype=np.float64)
    first = np.asarray(line_starts, dtype=np.intp)
    if v.ndim != 2 or v.shape[1] != 2:
        raise ValueError("vertices must be a float array of shape (m, 2)")
    m = len(v)
    if m and (len(first) == 0 or first[0] != 0 or first[-1] >= m or (np.diff(first) <= 0).any()):
        raise ValueError("line_starts must start at 0 and increase within the vertices")
    if m == 0:
        return _disc(center, margin_m)

    # Step j runs from vertex j to j + 1, except where j + 1 starts a new line.
    continues = np.ones(m - 1, dtype=np.bool_)
    continues[first[1:] - 1] = False
    step_from = np.flatnonzero(continues)

    cell0 = cell_m if cell_m is not None else margin_m / CELLS_PER_MARGIN
    to_local, to_lonlat = _projection(v[:, 0], v[:, 1], center, cell0 * _FIT_TOLERANCE_CELLS)
    x, y = to_local(v[:, 0], v[:, 1])

    grid = _Grid.fit(x, y, margin_m, cell0)
    # Coordinates in cells from the grid's corner.
    x -= grid.x0
    x /= grid.cell
    y -= grid.y0
    y /= grid.cell
    mask = _mark(x, y, step_from, grid.width, grid.height)
    mask = _dilate(mask, max(margin_m / grid.cell - 0.5, 0.0))
    _fill_pinches(mask)
    # 0.75 of a cell, not a whole one: rings a cell apart then never cross, and the repair
    # (make_valid, half the time on a 60-min reach of the full network) is never needed.
    area = _polygonize(mask, max(simplify_m, 0.75 * grid.cell) / grid.cell)
    scale = np.array([grid.cell, grid.cell])
    offset = np.array([grid.x0, grid.y0])
    return shapely.transform(area, lambda xy: to_lonlat(xy * scale + offset))


def _disc(center: tuple[float, float], radius_m: float) -> BaseGeometry:
    """The disc of ``radius_m`` around ``center``, in lon/lat (what an empty reach covers)."""
    ring = Point(0.0, 0.0).buffer(radius_m)
    return shapely.transform(ring, lambda xy: _aeqd_inverse(center, xy))


def _aeqd_forward(
    center: tuple[float, float], lon: FloatArray, lat: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Azimuthal equidistant (WGS84) coordinates of points, in metres from ``center``."""
    c_lon = np.full(len(lon), center[0])
    c_lat = np.full(len(lon), center[1])
    azimuth, _, dist = _GEOD.inv(c_lon, c_lat, lon, lat)
    rad = np.radians(np.asarray(azimuth, dtype=np.float64))
    d = np.asarray(dist, dtype=np.float64)
    return d * np.sin(rad), d * np.cos(rad)


def _aeqd_inverse(center: tuple[float, float], xy: FloatArray) -> FloatArray:
    """Lon/lat of azimuthal equidistant (WGS84) coordinates around ``center``, (m, 2)."""
    x, y = xy[:, 0], xy[:, 1]
    lon, lat, _ = _GEOD.fwd(
        np.full(len(x), center[0]),
        np.full(len(x), center[1]),
        np.degrees(np.arctan2(x, y)),
        np.hypot(x, y),
    )
    return np.column_stack((lon, lat))


class _Grid:
    """The raster's frame: lower-left corner (m), cell size (m), width and height (cells)."""

    def __init__(self, x0: float, y0: float, cell: float, width: int, height: int) -> None:
        self.x0, self.y0, self.cell, self.width, self.height = x0, y0, cell, width, height

    @classmethod
    def fit(cls, x: FloatArray, y: FloatArray, margin_m: float, cell: float) -> _Grid:
        xmin, xmax, ymin, ymax = float(x.min()), float(x.max()), float(y.min()), float(y.max())
        while True:
            # Border: the dilation radius, plus an empty cell all round for the tracing.
            border = math.ceil(margin_m / cell) + 2
            width = math.floor((xmax - xmin) / cell) + 1 + 2 * border
            height = math.floor((ymax - ymin) / cell) + 1 + 2 * border
            if width * height <= MAX_CELLS:
                return cls(xmin - border * cell, ymin - border * cell, cell, width, height)
            cell *= 1.01 * math.sqrt(width * height / MAX_CELLS)


def _projection(
    lon: FloatArray,
    lat: FloatArray,
    center: tuple[float, float],
    tolerance_m: float,
) -> tuple[
    Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]],
    Callable[[FloatArray], FloatArray],
]:
    """Forward (lon, lat → x, y) and inverse ((m, 2) → (m, 2)) maps of the local frame.

    The exact map (a geodesic from the centre per point) costs ~1 µs a point (3 s for
    3 M points); over a regional extent it is smooth, so a quadratic (or cubic) polynomial
    fitted to it at control points reproduces it within ``tolerance_m`` at a few ns a
    point.  When neither degree does (a continental extent), the exact map is used.
    """
    lon0, lon1, lat0, lat1 = float(lon.min()), float(lon.max()), float(lat.min()), float(lat.max())
    # Control points on a 13 × 13 grid (a little wider than the data), checked halfway.
    pad_lon, pad_lat = max(lon1 - lon0, 1e-6) * 0.01, max(lat1 - lat0, 1e-6) * 0.01
    glon = np.linspace(lon0 - pad_lon, lon1 + pad_lon, 25)
    glat = np.linspace(lat0 - pad_lat, lat1 + pad_lat, 25)
    lon_all, lat_all = (g.ravel() for g in np.meshgrid(glon, glat))
    x_all, y_all = _aeqd_forward(center, lon_all, lat_all)
    on_grid = (np.arange(25)[:, None] % 2 == 0) & (np.arange(25)[None, :] % 2 == 0)
    fit, check = on_grid.ravel(), ~on_grid.ravel()
    geo = np.column_stack((lon_all, lat_all))
    metric = np.column_stack((x_all, y_all))
    for degree in (2, 3):
        ahead = _Polynomial.fit(geo[fit], metric[fit], degree)
        behind = _Polynomial.fit(metric[fit], geo[fit], degree)
        err_ahead = np.abs(ahead(geo[check]) - metric[check]).max()
        # The inverse's error, in metres: through the forward map of its result.
        err_back = np.abs(ahead(behind(metric[check])) - metric[check]).max()
        if max(err_ahead, err_back) <= tolerance_m:

            def to_local(
                lo: FloatArray, la: FloatArray, p: _Polynomial = ahead
            ) -> tuple[FloatArray, FloatArray]:
                return p.pair(lo, la)

            return to_local, behind

    def exact_local(lo: FloatArray, la: FloatArray) -> tuple[FloatArray, FloatArray]:
        return _aeqd_forward(center, lo, la)

    def exact_lonlat(xy: FloatArray) -> FloatArray:
        return _aeqd_inverse(center, xy)

    return exact_local, exact_lonlat


class _Polynomial:
    """A 2-D → 2-D polynomial map of total degree ≤ 3, inputs centred and scaled."""

    def __init__(self, shift: FloatArray, scale: FloatArray, coef: FloatArray, degree: int):
        self.shift, self.scale, self.coef, self.degree = shift, scale, coef, degree

    @staticmethod
    def _terms(u: FloatArray, v: FloatArray, degree: int) -> list[FloatArray]:
        return [u**i * v ** (d - i) for d in range(degree + 1) for i in range(d + 1)]

    @classmethod
    def fit(cls, src: FloatArray, dst: FloatArray, degree: int) -> _Polynomial:
        shift = src.mean(axis=0)
        scale = np.maximum(np.abs(src - shift).max(axis=0), 1e-12)
        u, v = ((src - shift) / scale).T
        design = np.column_stack(cls._terms(u, v, degree))
        coef = np.asarray(np.linalg.lstsq(design, dst, rcond=None)[0], dtype=np.float64)
        return cls(shift, scale, coef, degree)

    def __call__(self, xy: FloatArray) -> FloatArray:
        out = self.pair(xy[:, 0], xy[:, 1])
        return np.column_stack(out)

    def pair(self, p: FloatArray, q: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Evaluate on two coordinate arrays, in few whole-array passes (Horner in u)."""
        u = (p - self.shift[0]) * (1.0 / self.scale[0])
        v = (q - self.shift[1]) * (1.0 / self.scale[1])
        c = self.coef  # rows in the order of _terms: 1, v, u, v², uv, u², ...
        index = {
            (i, d - i): k
            for k, (d, i) in enumerate((d, i) for d in range(self.degree + 1) for i in range(d + 1))
        }
        outs: list[FloatArray] = []
        for col in range(2):
            # sum over i of u^i * P_i(v), with P_i(v) = sum_j c[i, j] v^j, by Horner in u.
            acc = _horner(v, [c[index[(self.degree, 0)], col]])
            for i in range(self.degree - 1, -1, -1):
                acc *= u
                acc += _horner(v, [c[index[(i, j)], col] for j in range(self.degree - i + 1)])
            outs.append(acc)
        return outs[0], outs[1]


def _horner(v: FloatArray, coefs: list[float]) -> FloatArray:
    """``sum(coefs[j] * v**j)`` by Horner's rule, in place on one new array."""
    out = np.full_like(v, coefs[-1])
    for c in coefs[-2::-1]:
        out *= v
        out += c
    return out


def _mark(x: FloatArray, y: FloatArray, step_from: IntArray, width: int, height: int) -> BoolArray:
    """Cells (in a height × width mask) that the points and the steps between them touch.

    ``x``, ``y`` are in cells; step ``i`` runs from point ``step_from[i]`` to the next
    point.  Each step is sampled at most half a cell apart along both axes; with most steps
    shorter than that, only the longer ones get samples between their ends, spread with
    ``np.repeat`` (no Python loop over steps).
    """
    mask = np.zeros(height * width, dtype=np.bool_)
    mask[y.astype(np.intp) * width + x.astype(np.intp)] = True  # every point
    dx = np.diff(x)[step_from]
    dy = np.diff(y)[step_from]
    # Only steps over half a cell along an axis need samples between their ends.
    long = np.flatnonzero((np.abs(dx) > 0.5) | (np.abs(dy) > 0.5))
    if len(long):
        dx, dy, origin = dx[long], dy[long], step_from[long]
        steps = np.ceil(2.0 * np.maximum(np.abs(dx), np.abs(dy))).astype(np.intp)
        count = steps - 1  # samples strictly between the ends
        total = int(count.sum())
        which = np.repeat(np.arange(len(long)), count)
        first = np.cumsum(count) - count
        j = np.arange(1, total + 1, dtype=np.float64) - np.repeat(first, count)
        t = j / steps[which]
        sx = x[origin[which]] + t * dx[which]
        sy = y[origin[which]] + t * dy[which]
        mask[sy.astype(np.intp) * width + sx.astype(np.intp)] = True
    return mask.reshape(height, width)


def _dilate(mask: BoolArray, radius: float) -> BoolArray:
    """Cells whose centre lies within ``radius`` cells of a marked cell's centre.

    A disc is the union of its rows: the mask is first widened sideways by every half-width
    the disc's rows have, then each widened copy is shifted up and down by the rows that
    have that half-width.  About ``4 · radius`` boolean passes over the grid: 4× faster
    than ``scipy.ndimage.binary_dilation`` with the same disc and 20× faster than thresholding
    ``distance_transform_edt`` (measured, 2.5 M cells, radius 4).
    """
    reach = math.floor(radius + 1e-9)
    if reach == 0:
        return mask
    if reach > 16:  # a fine grid: one distance transform beats 4 · radius passes
        within: BoolArray = ndimage.distance_transform_edt(~mask) <= radius + 1e-9
        return within
    height = mask.shape[0]
    half = [
        math.floor(math.sqrt(max(radius * radius - dy * dy, 0.0)) + 1e-9) for dy in range(reach + 1)
    ]
    sideways = [mask]
    for w in range(1, half[0] + 1):
        wider = sideways[-1].copy()
        wider[:, w:] |= mask[:, :-w]
        wider[:, :-w] |= mask[:, w:]
        sideways.append(wider)
    out = sideways[half[0]].copy()
    for dy in range(1, reach + 1):
        row = sideways[half[dy]]
        out[dy:, :] |= row[: height - dy, :]
        out[: height - dy, :] |= row[dy:, :]
    return out


def _fill_pinches(mask: BoolArray) -> None:
    """Fill every 2 × 2 block of diagonal cells only, so that rings never touch themselves."""
    while True:
        a, b, c, d = mask[:-1, :-1], mask[:-1, 1:], mask[1:, :-1], mask[1:, 1:]
        pinch = (a & d & ~b & ~c) | (b & c & ~a & ~d)
        if not pinch.any():
            return
        for corner in (a, b, c, d):
            corner |= pinch


def _runs(signs: npt.NDArray[np.int8]) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Maximal runs of equal non-zero values along each row: (row, first, end, sign)."""
    rows, cols = signs.shape
    padded = np.zeros((rows, cols + 2), dtype=np.int8)
    padded[:, 1:-1] = signs
    r, j = np.nonzero(padded[:, 1:] != padded[:, :-1])
    value = padded[r, j + 1]
    keep = np.flatnonzero(value[:-1] != 0)  # a non-zero run ends at the next change, same row
    return r[keep], j[keep], j[keep + 1], value[keep].astype(np.intp)


def _polygonize(mask: BoolArray, tolerance: float) -> BaseGeometry:
    """The marked cells as (Multi)Polygon in cell units, simplified by ``tolerance`` cells.

    Boundary edges between marked and unmarked cells are merged into straight runs and
    directed with the marked side on the left; each run's successor is the run starting
    where it ends (unique: there are no pinches), and the rings are the cycles of that
    successor map, found and ordered by pointer doubling.  Outer rings turn
    counter-clockwise and holes clockwise; a ring's polygon is the connected component of
    marked cells along it (``scipy.ndimage.label``).
    """
    width = mask.shape[1]
    m8 = mask.view(np.int8)
    # Horizontal runs at y = r + 1 (between rows r and r + 1): +1 marked above, heads +x.
    hr, ha, hb, hs = _runs(m8[1:, :] - m8[:-1, :])
    # Vertical runs at x = c + 1 (between columns c and c + 1): +1 marked right, heads -y.
    vc, va, vb, vs = _runs(np.ascontiguousarray((m8[:, 1:] - m8[:, :-1]).T))
    hy = hr + 1
    vx = vc + 1
    h_start_x = np.where(hs > 0, ha, hb)
    h_end_x = np.where(hs > 0, hb, ha)
    v_start_y = np.where(vs > 0, vb, va)
    v_end_y = np.where(vs > 0, va, vb)
    nh = len(hr)
    stride = width + 1

    def successors(ends: IntArray, starts: IntArray) -> IntArray:
        order = np.argsort(starts, kind="stable")
        return order[np.searchsorted(starts[order], ends)]

    succ = np.concatenate(
        (
            nh + successors(hy * stride + h_end_x, v_start_y * stride + vx),
            successors(v_end_y * stride + vx, hy * stride + h_start_x),
        )
    )
    start_x = np.concatenate((h_start_x, vx))
    start_y = np.concatenate((hy, v_start_y))
    total = len(succ)
    if total == 0:
        return Polygon()

    # Ring of each run: the smallest index on its cycle (a horizontal run).
    ring = np.arange(total, dtype=np.intp)
    hop = succ.copy()
    while True:
        lower = np.minimum(ring, ring[hop])
        if np.array_equal(lower, ring):
            break
        ring = lower
        hop = hop[hop]
    # Position on the ring: the number of runs left to its end (list ranking).
    last = succ == ring
    left = np.where(last, 0, 1).astype(np.intp)
    hop = np.where(last, np.arange(total), succ)
    while True:
        nxt = hop[hop]
        if np.array_equal(nxt, hop):
            break
        left += left[hop]
        hop = nxt

    # Orientation (shoelace, summed per ring) and the component each ring bounds.
    area2 = np.bincount(
        ring, weights=start_x * start_y[succ] - start_x[succ] * start_y, minlength=total
    )
    roots = np.flatnonzero(ring == np.arange(total))
    labels, _ = ndimage.label(mask)
    marked_row = np.where(hs[roots] > 0, hr[roots] + 1, hr[roots])
    component = labels[marked_row, ha[roots]]
    is_hole = area2[roots] < 0

    # Closed rings of vertices (cell units), simplified one by one (Douglas–Peucker).
    order = np.lexsort((-left, ring))
    ring_of = np.searchsorted(roots, ring[order])
    coords = np.column_stack((start_x[order], start_y[order])).astype(np.float64)
    first = np.searchsorted(ring_of, np.arange(len(roots)))
    closed = np.insert(coords, np.append(first[1:], len(coords)), coords[first], axis=0)
    closed_ring = np.insert(ring_of, np.append(first[1:], len(ring_of)), np.arange(len(roots)))
    rings = shapely.simplify(
        shapely.linearrings(closed, indices=closed_ring), tolerance, preserve_topology=False
    )
    # Rings that collapsed under the tolerance (tiny holes) come back as lines: dropped.
    ok = (shapely.get_type_id(rings) == 2) & (shapely.get_num_coordinates(rings) >= 4)
    # Shells first within each component; a component whose shell collapsed is dropped.
    keep = np.flatnonzero(ok)
    keep = keep[np.lexsort((is_hole[keep], component[keep]))]
    shell_ok = np.zeros(labels.max() + 1, dtype=np.bool_)
    shell_ok[component[keep][~is_hole[keep]]] = True
    keep = keep[shell_ok[component[keep]]]
    if len(keep) == 0:
        return Polygon()
    _, index = np.unique(component[keep], return_inverse=True)
    polygons = shapely.polygons(rings[keep], indices=index)
    # Simplification can make rings a cell apart cross: repair those (rarely any).
    bad = ~shapely.is_valid(polygons)
    if bad.any():
        polygons[bad] = shapely.make_valid(polygons[bad])
    parts = shapely.get_parts(polygons)
    parts = parts[shapely.get_type_id(parts) == 3]
    if len(parts) == 1:
        return parts[0]
    area = MultiPolygon(list(parts))
    if not area.is_valid:
        return shapely.union_all(parts)
    return area
