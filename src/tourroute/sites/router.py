"""HTTP endpoints of the site catalogue (read side)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from tourroute.api.deps import AppSettings, Cursors
from tourroute.api.http import GEOJSON, OutputFormat, cached_json, preferred_language, wants_geojson
from tourroute.api.paging import query_fingerprint
from tourroute.api.params import parse_bbox, parse_lon_lat
from tourroute.db.session import DbSession
from tourroute.errors import InvalidParameter
from tourroute.sites.domain import Category, SiteKind
from tourroute.sites.repository import SiteFilters
from tourroute.sites.schemas import SLUG_PATTERN, SitePage, SiteRead
from tourroute.sites.service import SiteService, site_feature

router = APIRouter(prefix="/v1/sites", tags=["sites"])

_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
_GEO_CONTENT = {GEOJSON: {"schema": {"type": "object", "description": "GeoJSON FeatureCollection"}}}


@router.get(
    "",
    response_model=SitePage,
    summary="List and search sites",
    description=(
        "Published sites, filtered and paged. Search (`q`) ignores accents, case and Unicode "
        "normalisation (`thanh nha ho` finds Thành nhà Hồ); a match with the exact diacritics "
        "ranks first. With `near` the results are ordered by geodesic distance in metres. "
        "Send `Accept: application/geo+json` or `f=geojson` for a GeoJSON FeatureCollection."
    ),
    responses={200: {"content": _GEO_CONTENT}, 304: {"description": "Not modified"}, 422: _PROBLEM},
)
def list_sites(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    cursors: Cursors,
    province: Annotated[
        str | None,
        Query(
            description="ISO 3166-2 code or slug",
            openapi_examples={"code": {"value": "VN-22"}, "slug": {"value": "ha-tinh"}},
        ),
    ] = None,
    kind: Annotated[SiteKind | None, Query()] = None,
    category: Annotated[Category | None, Query()] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            openapi_examples={
                "folded": {"value": "thanh nha ho"},
                "exact": {"value": "Ngã ba Đồng Lộc"},
            },
        ),
    ] = None,
    bbox: Annotated[
        str | None,
        Query(
            description="minLon,minLat,maxLon,maxLat (WGS84)",
            openapi_examples={"thanh-hoa": {"value": "104.9,19.3,106.1,20.7"}},
        ),
    ] = None,
    near: Annotated[
        str | None,
        Query(
            description="lon,lat: order by geodesic distance from this point",
            openapi_examples={"vinh": {"value": "105.692,18.673"}},
        ),
    ] = None,
    radius_m: Annotated[
        float | None,
        Query(gt=0, le=500_000, description="with near: only sites within this many metres"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    f: Annotated[OutputFormat | None, Query(description="json or geojson")] = None,
) -> Response:
    service = SiteService(session)
    if radius_m is not None and near is None:
        raise InvalidParameter("radius_m", "radius_m needs near=lon,lat")
    filters = SiteFilters(
        province_code=service.resolve_province(province),
        kind=kind,
        category=category,
        q=q,
        bbox=parse_bbox(bbox) if bbox else None,
        near=parse_lon_lat(near, settings.region_bbox) if near else None,
        radius_m=radius_m,
    )
    fingerprint = query_fingerprint(
        {
            "province": filters.province_code,
            "kind": kind,
            "category": category,
            "q": q,
            "bbox": filters.bbox,
            "near": filters.near,
            "radius_m": radius_m,
        }
    )
    offset = cursors.decode(cursor, fingerprint) if cursor else 0
    language = preferred_language(request)
    page = service.list_sites(filters, offset, limit, language)

    self_url = str(request.url)
    next_url = (
        str(request.url.include_query_params(cursor=cursors.encode(offset + limit, fingerprint)))
        if page.has_more
        else None
    )
    links = [{"rel": "self", "href": self_url}]
    headers = {}
    if next_url:
        links.append({"rel": "next", "href": next_url})
        headers["Link"] = f'<{next_url}>; rel="next"'
    if wants_geojson(request, f):
        body: dict[str, Any] = {
            "type": "FeatureCollection",
            "features": [site_feature(s) for s in page.items],
            "numberReturned": len(page.items),
            "next": next_url,
            "links": [{**link, "type": GEOJSON} for link in links],
        }
        return cached_json(request, body, GEOJSON, headers)
    out = SitePage(items=page.items, count=len(page.items), limit=limit, next=next_url, links=links)
    return cached_json(request, out.model_dump(mode="json"), headers=headers)


@router.get(
    "/{slug}",
    response_model=SiteRead,
    summary="One site",
    responses={
        200: {"content": _GEO_CONTENT},
        304: {"description": "Not modified"},
        404: _PROBLEM,
        422: _PROBLEM,
    },
)
def get_site(
    request: Request,
    session: DbSession,
    slug: Annotated[
        str,
        Path(
            max_length=120,
            pattern=SLUG_PATTERN,
            openapi_examples={"citadel": {"value": "thanh-nha-ho"}},
        ),
    ],
    f: Annotated[OutputFormat | None, Query()] = None,
) -> Response:
    site = SiteService(session).get_site(slug, preferred_language(request))
    if wants_geojson(request, f):
        return cached_json(request, site_feature(site), GEOJSON)
    return cached_json(request, site.model_dump(mode="json"))
