"""HTTP endpoints: routes between sites or points, and the road network for maps."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from geoalchemy2.shape import to_shape
from shapely.geometry import mapping

from tourroute.api.deps import AppSettings
from tourroute.api.http import GEOJSON, cached_json, preferred_language
from tourroute.db.session import DbSession
from tourroute.errors import InvalidParameter
from tourroute.network.graph_cache import GraphCache, NetworkGraph
from tourroute.network.repository import NetworkRepository
from tourroute.network.routing_service import RouteRequest, RoutingService
from tourroute.routing import Preference, Route, Vehicle

router = APIRouter(tags=["routing"])
_PROBLEM: dict[int | str, dict[str, Any]] = {422: {"content": {"application/problem+json": {}}}}


def _cache(request: Request) -> GraphCache:
    cache: GraphCache = request.app.state.graph_cache
    return cache


def _named(names: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    vi, en = names.get(key, (key, key))
    return vi if lang == "vi" else en


def _breakdown(graph: NetworkGraph, legs: list[Route], lang: str) -> dict[str, Any]:
    by_ref: dict[str, float] = {}
    by_corridor: dict[str, float] = {}
    by_province: dict[str, float] = {}
    by_both: dict[tuple[str, str], float] = {}
    for leg in legs:
        for target, source in (
            (by_ref, leg.by_ref),
            (by_corridor, leg.by_corridor),
            (by_province, leg.by_province),
        ):
            for k, v in source.items():
                target[k] = target.get(k, 0.0) + v
        for k2, v in leg.by_corridor_province.items():
            by_both[k2] = by_both.get(k2, 0.0) + v

    def rows(d: dict[str, float], key: str, names: dict[str, tuple[str, str]] | None) -> list[Any]:
        out = []
        for k, v in sorted(d.items(), key=lambda kv: -kv[1]):
            row: dict[str, Any] = {key: k, "distance_m": round(v, 1)}
            if names is not None:
                row["name"] = _named(names, k, lang)
            out.append(row)
        return out

    summary = [
        f"{v / 1000:.0f} km on the {_named(graph.corridor_names, c, 'en')} in "
        f"{_named(graph.province_names, p, 'en')}"
        for (c, p), v in sorted(by_both.items(), key=lambda kv: -kv[1])
        if v >= 1000
    ]
    return {
        "by_ref": rows(by_ref, "ref", None),
        "by_corridor": rows(by_corridor, "corridor", graph.corridor_names),
        "by_province": rows(by_province, "province", graph.province_names),
        "by_corridor_and_province": [
            {"corridor": c, "province": p, "distance_m": round(v, 1)}
            for (c, p), v in sorted(by_both.items(), key=lambda kv: -kv[1])
        ],
        "summary": summary,
    }


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
    responses=_PROBLEM,
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
                "geometry": {"type": "LineString", "coordinates": [list(c) for c in coords]},
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
                "breakdown": _breakdown(graph, plan.legs, lang),
            }
        )
    body = {
        "vehicle": vehicle.value,
        "preference": preference.value,
        "network_version": graph.version,
        "routes": routes,
    }
    return cached_json(request, body)


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
                "caravan_unsuitable": r.caravan_unsuitable,
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
