"""HTTP endpoints: routes between sites or points, and the road network for maps."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import polyline
from fastapi import APIRouter, Body, Path, Query, Request, Response
from geoalchemy2.shape import to_shape
from shapely.geometry import mapping

from tourroute.accounts.deps import CurrentActor
from tourroute.api.conditional import versioned_json
from tourroute.api.deps import AppSettings
from tourroute.api.http import GEOJSON, cached_json, preferred_language
from tourroute.api.openapi import (
    CREATED_WITH_LOCATION,
    NOT_MODIFIED,
    if_match_header,
    pick,
    problem_responses,
    write_errors,
)
from tourroute.api.params import parse_polygon
from tourroute.db.session import DbSession
from tourroute.errors import InvalidParameter
from tourroute.network.curation import SegmentCuration
from tourroute.network.graph_cache import GraphCache
from tourroute.network.models import RoadSegment
from tourroute.network.repository import NetworkRepository
from tourroute.network.routing_service import RouteRequest, RoutingService, route_breakdown
from tourroute.network.schemas import (
    MatrixRequest,
    RoadSegmentCreate,
    RoadSegmentRead,
    RoadSegmentUpdate,
)
from tourroute.routing import Preference, Snap, Vehicle

router = APIRouter(tags=["routing"])


def _cache(request: Request) -> GraphCache:
    cache: GraphCache = request.app.state.graph_cache
    return cache


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
    responses=problem_responses(422),
)
def get_route(
    request: Request,
    session: DbSession,
    settings: AppSettings,
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
) -> Response:
    service = RoutingService(session, _cache(request))
    region = settings.region_bbox
    vias = [v for raw in (via or []) for v in raw.split(";") if v.strip()]
    if len(vias) > 10:
        raise InvalidParameter("via", "at most 10 via points")
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
                    for leg, a, b in zip(plan.legs, points, points[1:], strict=False)
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


@router.get("/v1/corridors", summary="The named corridors (for legends and corridor choices)")
def get_corridors(request: Request, session: DbSession) -> Response:
    items = [
        {
            "slug": c.slug,
            "name_vi": c.name_vi,
            "name_en": c.name_en,
            "description_en": c.description_en,
            "source": c.source,
        }
        for c in NetworkRepository(session).corridors()
    ]
    return cached_json(request, {"items": items})


@router.get(
    "/v1/roads",
    summary="The road network as GeoJSON, for maps",
    responses={200: {"content": {GEOJSON: {}}}},
)
def get_roads(
    request: Request,
    session: DbSession,
    corridor: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    repo = NetworkRepository(session)
    rows = repo.segment_rows()
    if corridor is not None:
        if corridor not in {c.slug for c in repo.corridors()}:
            raise InvalidParameter("corridor", f"unknown corridor '{corridor}'")
        rows = [r for r in rows if corridor in r.corridors]
    features = [
        {
            "type": "Feature",
            "id": r.key,
            "geometry": mapping(to_shape(r.geom)),
            "properties": {
                "ref": r.ref,
                "name": r.name,
                "corridors": r.corridors,
                "road_class": r.road_class,
                "toll": r.toll,
                "motorbike_forbidden": r.motorbike_forbidden,
                "motorhome_unsuitable": r.motorhome_unsuitable,
                "scenic": r.scenic,
            },
        }
        for r in rows
    ]
    return cached_json(
        request,
        {
            "type": "FeatureCollection",
            "features": features,
            "attribution": "© OpenStreetMap contributors (ODbL)",
        },
        GEOJSON,
    )


# --- Curation of road segments (network.curation) ---------------------------------------

_WRITE_ERRORS = write_errors(
    "segment",
    forbidden="The principal may not do this (role, or where the segment lies)",
    taken="id",
    not_found="No such road segment",
)
_IfMatch = Annotated[
    str | None,
    if_match_header("The ETag of the segment as last read (GET or a previous write). Required."),
]
_KeyPath = Annotated[str, Path(max_length=64, openapi_examples={"key": {"value": "ql1a-01"}})]
_AUTHZ = (
    "Admins curate every segment; a curator only segments lying wholly in their province "
    "(one crossing a province border is for admins); agencies none."
)


def _segment(
    request: Request,
    service: SegmentCuration,
    segment: RoadSegment,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """A curator's view of a segment, tagged with its version ETag, never shared by caches."""
    return versioned_json(
        request,
        service.read(segment).model_dump(mode="json"),
        segment.version,
        status_code=status_code,
        headers={
            "Cache-Control": "private, no-cache",
            "Vary": "Accept, Authorization",
            **(headers or {}),
        },
    )


@router.post(
    "/v1/roads/segments",
    status_code=201,
    response_model=RoadSegmentRead,
    tags=["curation"],
    summary="Create a draft road segment",
    description=("Creates a segment in status `draft`: not routed on until published. " + _AUTHZ),
    responses={**_WRITE_ERRORS, **CREATED_WITH_LOCATION},
)
def create_segment(
    request: Request, session: DbSession, actor: CurrentActor, body: RoadSegmentCreate
) -> Response:
    service = SegmentCuration(session, actor)
    segment = service.create(body)
    location = str(request.url_for("get_segment", key=segment.key).path)
    return _segment(request, service, segment, 201, {"Location": location})


@router.get(
    "/v1/roads/segments/{key}",
    name="get_segment",
    response_model=RoadSegmentRead,
    tags=["curation"],
    summary="One road segment in any status, for curators",
    description="With the ETag to send as `If-Match` when editing it. " + _AUTHZ,
    responses={
        304: NOT_MODIFIED,
        **pick(_WRITE_ERRORS, 401, 403, 404),
    },
)
def get_segment(
    request: Request, session: DbSession, actor: CurrentActor, key: _KeyPath
) -> Response:
    service = SegmentCuration(session, actor)
    return _segment(request, service, service.get(key))


@router.patch(
    "/v1/roads/segments/{key}",
    response_model=RoadSegmentRead,
    tags=["curation"],
    summary="Edit a road segment (JSON merge patch)",
    description=(
        "A JSON merge patch (RFC 7396) of the segment's fields, `coordinates` (the "
        "geometry) included; the patched segment is validated whole. Requires `If-Match`. "
        "A patch that changes nothing is answered 200 with the same ETag. " + _AUTHZ
    ),
    responses=_WRITE_ERRORS,
)
def patch_segment(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: _KeyPath,
    patch: Annotated[RoadSegmentUpdate, Body(media_type="application/merge-patch+json")],
    if_match: _IfMatch = None,
) -> Response:
    service = SegmentCuration(session, actor)
    segment = service.update(key, if_match, patch.model_dump(exclude_unset=True))
    return _segment(request, service, segment)


@router.post(
    "/v1/roads/segments/{key}/publish",
    response_model=RoadSegmentRead,
    tags=["curation"],
    summary="Publish a draft road segment",
    description="`draft → published`: routes use it from now on. Requires `If-Match`.",
    responses=_WRITE_ERRORS,
)
def publish_segment(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: _KeyPath,
    if_match: _IfMatch = None,
) -> Response:
    service = SegmentCuration(session, actor)
    return _segment(request, service, service.transition(key, if_match, "publish"))


@router.post(
    "/v1/roads/segments/{key}/archive",
    response_model=RoadSegmentRead,
    tags=["curation"],
    summary="Archive a road segment",
    description=(
        "`draft|published → archived`: no route uses it any more; final. Requires `If-Match`."
    ),
    responses=_WRITE_ERRORS,
)
def archive_segment(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: _KeyPath,
    if_match: _IfMatch = None,
) -> Response:
    service = SegmentCuration(session, actor)
    return _segment(request, service, service.transition(key, if_match, "archive"))


def _point(raw: str | tuple[float, float], name: str, service: RoutingService, region: Any) -> Any:
    if isinstance(raw, str):
        return service.endpoint(raw, name, region, location="body")
    return service.endpoint(f"{raw[0]},{raw[1]}", name, region, location="body")


def _located(point: Any, snap: Snap) -> dict[str, Any]:
    return {
        "query": point.query,
        "site": point.site,
        "location": [round(v, 6) for v in snap.on_road],
        "snap_distance_m": round(snap.distance_m, 1),
    }


@router.post(
    "/v1/matrix",
    summary="Travel times (and distances) between up to 100 × 100 sites or points",
    description=(
        "Fastest-route durations in seconds for a vehicle, `null` where there is no route. "
        "Distances (metres of those routes) only when `annotations` asks for them, since "
        "each cell's path must then be unpacked. Points are snapped onto the nearest road "
        "the vehicle can use; where they landed is in `sources`/`destinations`."
    ),
    responses=problem_responses(422),
)
def post_matrix(
    request: Request, session: DbSession, settings: AppSettings, body: MatrixRequest
) -> Response:
    service = RoutingService(session, _cache(request))
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

    out: dict[str, Any] = {
        "vehicle": body.vehicle.value,
        "network_version": graph.version,
        "sources": [_located(p, s) for p, s in zip(sources, matrix.origins, strict=True)],
        "destinations": [
            _located(p, s) for p, s in zip(destinations, matrix.destinations, strict=True)
        ],
    }
    if "duration" in body.annotations:
        out["durations"] = rounded(matrix.durations_s)
    if matrix.distances_m is not None:
        out["distances"] = rounded(matrix.distances_m)
    return cached_json(request, out)


@router.get(
    "/v1/reachable",
    summary="Sites reachable within a driving-time budget, and the area reached",
    description=(
        "Every published site whose nearest usable road can be reached from `from` within "
        "`minutes` (fastest, for the vehicle, honouring `avoid`), with its travel time; and "
        "the area reached as a GeoJSON (Multi)Polygon: the roads driven, widened by "
        "`margin_m`."
    ),
    responses=problem_responses(422),
)
def get_reachable(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    from_: Annotated[
        str, Query(alias="from", max_length=120, openapi_examples={"site": {"value": "kim-lien"}})
    ],
    minutes: Annotated[float, Query(gt=0, le=600, description="driving-time budget")],
    vehicle: Vehicle = Vehicle.car,
    avoid: Annotated[str | None, Query(max_length=200, description="comma-separated")] = None,
    margin_m: Annotated[float, Query(ge=50, le=5000)] = 500.0,
) -> Response:
    service = RoutingService(session, _cache(request))
    origin = service.endpoint(from_, "from", settings.region_bbox)
    avoided = frozenset(a.strip() for a in (avoid or "").split(",") if a.strip())
    found = service.reachable(origin, minutes, vehicle, avoided, margin_m)
    lang = preferred_language(request)
    body = {
        "from": _located(origin, found.origin),
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
