"""HTTP endpoints: routes between sites or points, travel-time matrices, reachable areas."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import polyline
from fastapi import APIRouter, Query, Request, Response
from shapely.geometry import mapping

from tourroute.api.deps import AppSettings, DbSession
from tourroute.api.http import cached_json, preferred_language
from tourroute.api.openapi import (
    problem_responses,
)
from tourroute.api.params import StepsFlag, parse_polygon
from tourroute.errors import InvalidParameter
from tourroute.i18n import messages as msgs
from tourroute.plans import LegStep
from tourroute.routes.deps import Graphs
from tourroute.routes.schemas import (
    LocatedPoint,
    MatrixRequest,
    MatrixResponse,
    ReachableResponse,
    RouteResponse,
    RouteStep,
)
from tourroute.routes.service import RouteRequest, RoutingService, route_breakdown
from tourroute.routing import Preference, Snap, Vehicle

router = APIRouter(tags=["routing"])


class GeometryFormat(StrEnum):
    geojson = "geojson"
    polyline = "polyline"


def _geometry(coords: list[tuple[float, float]], fmt: GeometryFormat) -> Any:
    if fmt is GeometryFormat.polyline:
        return polyline.encode([(lat, lon) for lon, lat in coords], 5)
    return {"type": "LineString", "coordinates": [list(c) for c in coords]}


@router.get(
    "/v1/routes",
    summary="A route between sites or points",
    description=(
        "Endpoints are site slugs or `lon,lat`. Motorbikes never use the expressway; caravans "
        "keep off roads flagged unsuitable. `avoid` takes `toll`, `expressway`, `unpaved` or a "
        "corridor slug; `prefer` a corridor to stay on where reasonable. With `alternatives` "
        "up to 3 routes that avoid a corridor of the best one (expressway, QL1A, coastal road, "
        "Hồ Chí Minh road) and differ from it meaningfully."
    ),
    response_model=RouteResponse,
    responses=problem_responses(422),
)
def get_route(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    graphs: Graphs,
    from_: Annotated[
        str,
        Query(
            alias="from",
            max_length=120,
            openapi_examples={
                "site": {"value": "thanh-nha-ho"},
                "point": {"value": "105.692,18.673"},
            },
        ),
    ],
    to: Annotated[str, Query(max_length=120, openapi_examples={"site": {"value": "kim-lien"}})],
    via: Annotated[list[str] | None, Query(max_length=10)] = None,
    vehicle: Vehicle = Vehicle.car,
    preference: Preference = Preference.fastest,
    avoid: Annotated[str | None, Query(max_length=200, description="comma-separated")] = None,
    prefer: Annotated[str | None, Query(max_length=64)] = None,
    alternatives: Annotated[int, Query(ge=0, le=3)] = 0,
    exclude: Annotated[
        str | None,
        Query(
            max_length=200_000,
            description="a GeoJSON Polygon or MultiPolygon no route may touch (e.g. a flood)",
        ),
    ] = None,
    geometry: Annotated[
        GeometryFormat,
        Query(description="`geojson` LineString or Google `polyline` (precision 5, lat/lon)"),
    ] = GeometryFormat.geojson,
    steps: StepsFlag = False,
) -> Response:
    service = RoutingService(session, graphs)
    region = settings.region_bbox
    vias = [v for raw in (via or []) for v in raw.split(";") if v.strip()]
    if len(vias) > 10:
        raise InvalidParameter("via", msgs.TOO_MANY_VIAS(limit=10))
    points = [service.endpoint(from_, "from", region)]
    points += [service.endpoint(v, "via", region) for v in vias]
    points.append(service.endpoint(to, "to", region))
    req = RouteRequest(
        points=points,
        vehicle=vehicle,
        preference=preference,
        avoid=frozenset(a.strip() for a in (avoid or "").split(",") if a.strip()),
        prefer=prefer,
        alternatives=alternatives,
        excluded=parse_polygon(exclude, "exclude") if exclude is not None else None,
        steps=steps,
    )
    graph, plans = service.plan(req)
    lang = preferred_language(request)
    routes = []
    for plan in plans:
        coords: list[tuple[float, float]] = []
        for leg in plan.legs:
            coords.extend(leg.coords if not coords else leg.coords[1:])
        routes.append(
            {
                "label": plan.label,
                "avoided": plan.avoided,
                "distance_m": round(plan.distance_m, 1),
                "duration_s": round(plan.duration_s, 1),
                "geometry": _geometry(coords, geometry),
                "legs": [
                    {
                        "from": a.query,
                        "to": b.query,
                        "distance_m": round(leg.distance_m, 1),
                        "duration_s": round(leg.duration_s, 1),
                        "snap_distance_m": [
                            round(leg.origin.distance_m, 1),
                            round(leg.destination.distance_m, 1),
                        ],
                    }
                    | ({} if plan.steps is None else {"steps": _steps(plan.steps[i], lang)})
                    for i, (leg, a, b) in enumerate(
                        zip(plan.legs, points, points[1:], strict=False)
                    )
                ],
                "breakdown": route_breakdown(graph, plan.legs, lang),
            }
        )
    body = {
        "vehicle": vehicle.value,
        "preference": preference.value,
        "network_version": graph.version,
        "routes": routes,
    }
    return cached_json(request, body)


def _steps(steps: list[LegStep], lang: str) -> list[dict[str, Any]]:
    """A leg's steps as answered: each with its instruction in the response's language."""
    return [
        RouteStep(
            **s.model_dump(), instruction=s.instruction_vi if lang == "vi" else s.instruction_en
        ).model_dump(mode="json")
        for s in steps
    ]


def _point(raw: str | tuple[float, float], name: str, service: RoutingService, region: Any) -> Any:
    if isinstance(raw, str):
        return service.endpoint(raw, name, region, location="body")
    return service.endpoint(f"{raw[0]},{raw[1]}", name, region, location="body")


def _located(point: Any, snap: Snap) -> LocatedPoint:
    lon, lat = (round(v, 6) for v in snap.on_road)
    return LocatedPoint(
        query=point.query,
        site=point.site,
        location=(lon, lat),
        snap_distance_m=round(snap.distance_m, 1),
    )


@router.post(
    "/v1/matrix",
    summary="Travel times (and distances) between up to 100 × 100 sites or points",
    description=(
        "Fastest-route durations in seconds for a vehicle, `null` where there is no route. "
        "Distances (metres of those routes) only when `annotations` asks for them, since "
        "each cell's path must then be unpacked. Points are snapped onto the nearest road "
        "the vehicle can use; where they landed is in `sources`/`destinations`."
    ),
    response_model=MatrixResponse,
    responses=problem_responses(422),
)
def post_matrix(
    request: Request, session: DbSession, settings: AppSettings, graphs: Graphs, body: MatrixRequest
) -> Response:
    service = RoutingService(session, graphs)
    region = settings.region_bbox
    sources = [_point(p, f"sources[{i}]", service, region) for i, p in enumerate(body.sources)]
    if body.destinations is None:
        destinations = sources
    else:
        destinations = [
            _point(p, f"destinations[{i}]", service, region)
            for i, p in enumerate(body.destinations)
        ]
    graph, matrix = service.matrix(
        sources,
        destinations,
        body.vehicle,
        frozenset(body.avoid),
        distances="distance" in body.annotations,
    )

    def rounded(rows: list[list[float | None]]) -> list[list[float | None]]:
        return [[None if v is None else round(v, 1) for v in row] for row in rows]

    # Durations and distances are left out of the answer (not null) when not asked for.
    cells: dict[str, Any] = {}
    if "duration" in body.annotations:
        cells["durations"] = rounded(matrix.durations_s)
    if matrix.distances_m is not None:
        cells["distances"] = rounded(matrix.distances_m)
    out = MatrixResponse(
        vehicle=body.vehicle,
        network_version=graph.version,
        sources=[_located(p, s) for p, s in zip(sources, matrix.origins, strict=True)],
        destinations=[
            _located(p, s) for p, s in zip(destinations, matrix.destinations, strict=True)
        ],
        **cells,
    )
    return cached_json(request, out.model_dump(mode="json", exclude_unset=True))


@router.get(
    "/v1/reachable",
    summary="Sites reachable within a driving-time budget, and the area reached",
    description=(
        "Every published site whose nearest usable road can be reached from `from` within "
        "`minutes` (fastest, for the vehicle, honouring `avoid`), with its travel time; and "
        "the area reached as a GeoJSON (Multi)Polygon: the roads driven, widened by "
        "`margin_m`."
    ),
    response_model=ReachableResponse,
    responses=problem_responses(422),
)
def get_reachable(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    graphs: Graphs,
    from_: Annotated[
        str, Query(alias="from", max_length=120, openapi_examples={"site": {"value": "kim-lien"}})
    ],
    minutes: Annotated[float, Query(gt=0, le=600, description="driving-time budget")],
    vehicle: Vehicle = Vehicle.car,
    avoid: Annotated[str | None, Query(max_length=200, description="comma-separated")] = None,
    margin_m: Annotated[float, Query(ge=50, le=5000)] = 500.0,
) -> Response:
    service = RoutingService(session, graphs)
    origin = service.endpoint(from_, "from", settings.region_bbox)
    avoided = frozenset(a.strip() for a in (avoid or "").split(",") if a.strip())
    found = service.reachable(origin, minutes, vehicle, avoided, margin_m)
    lang = preferred_language(request)
    body = {
        "from": _located(origin, found.origin).model_dump(mode="json"),
        "minutes": minutes,
        "vehicle": vehicle.value,
        "network_version": found.graph.version,
        "area": mapping(found.area),
        "sites": [
            {
                "slug": r.site.slug,
                "name": r.site.name_vi if lang == "vi" else r.site.name_en,
                "name_vi": r.site.name_vi,
                "name_en": r.site.name_en,
                "kind": r.site.kind,
                "location": list(r.site.coord),
                "duration_s": round(r.duration_s, 1),
                "snap_distance_m": round(r.snap_distance_m, 1),
            }
            for r in found.sites
        ],
    }
    return cached_json(request, body)
