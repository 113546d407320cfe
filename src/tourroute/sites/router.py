"""HTTP endpoints of the site catalogue: public reads, and curation writes and reads."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Path, Query, Request, Response

from tourroute.accounts.authorization import Action
from tourroute.accounts.deps import CurrentActor
from tourroute.api.conditional import private_versioned_json, versioned_json
from tourroute.api.deps import Cursors, DbSession
from tourroute.api.http import (
    GEOJSON,
    OutputFormat,
    cached_bytes,
    cached_json,
    preferred_language,
    wants_geojson,
)
from tourroute.api.openapi import (
    CREATED_WITH_LOCATION,
    NOT_MODIFIED,
    PROBLEM,
    if_match_header,
    pick,
    write_errors,
)
from tourroute.api.paging import CursorCodec, CursorPaging
from tourroute.api.params import parse_bbox
from tourroute.config import Settings
from tourroute.errors import InvalidParameter
from tourroute.geo import parse_lon_lat
from tourroute.i18n import messages as msgs
from tourroute.sites.curation import CuratedSite, CurationService
from tourroute.sites.domain import Category, SiteKind, SiteStatus, SiteType
from tourroute.sites.repository import SiteFilters
from tourroute.sites.schemas import (
    SLUG_PATTERN,
    CuratedSitePage,
    CuratedSiteRead,
    SiteDraft,
    SitePage,
    SiteRead,
    SiteUpdate,
)
from tourroute.sites.service import SiteService, item_feature, site_feature

router = APIRouter(prefix="/v1/sites", tags=["sites"])

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
    responses={200: {"content": _GEO_CONTENT}, 304: NOT_MODIFIED, 422: PROBLEM},
)
def list_sites(
    request: Request,
    session: DbSession,
    province: Annotated[
        str | None,
        Query(
            description="ISO 3166-2 code or slug",
            openapi_examples={"code": {"value": "VN-22"}, "slug": {"value": "ha-tinh"}},
        ),
    ] = None,
    kind: Annotated[SiteKind | None, Query()] = None,
    site_type: Annotated[
        list[str] | None,
        Query(
            alias="type",
            description="type of stay or service: "
            + ", ".join(t.value for t in SiteType)
            + "; repeat or comma-separate for any of several",
            openapi_examples={
                "homestays": {"value": ["homestay"]},
                "stays": {"value": ["homestay,guest_house"]},
            },
        ),
    ] = None,
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
    # What AppSettings and Cursors would give, read here: as dependencies each costs a
    # thread-pool round trip, a measurable share of this hot path (issue 13).
    settings: Settings = request.app.state.settings
    cursors: CursorCodec = request.app.state.cursor_codec
    service = SiteService(session)
    if radius_m is not None and near is None:
        raise InvalidParameter("radius_m", msgs.RADIUS_NEEDS_NEAR())
    subtypes = _parse_types(site_type)
    filters = SiteFilters(
        province_code=service.resolve_province(province),
        kind=kind,
        subtypes=subtypes,
        category=category,
        q=q,
        bbox=parse_bbox(bbox) if bbox else None,
        near=parse_lon_lat(near, settings.region_bbox) if near else None,
        radius_m=radius_m,
    )
    paging = CursorPaging(
        request,
        cursors,
        cursor,
        {
            "province": filters.province_code,
            "kind": kind,
            "type": subtypes,
            "category": category,
            "q": q,
            "bbox": filters.bbox,
            "near": filters.near,
            "radius_m": radius_m,
        },
    )
    language = preferred_language(request)
    # The hot path: rows straight into the JSON SitePage would write (see service.site_item).
    page = service.list_items(filters, paging.offset, limit, language)
    links = paging.page_links(paging.offset + limit if page.has_more else None)
    if wants_geojson(request, f):
        body: dict[str, Any] = {
            "type": "FeatureCollection",
            "features": [item_feature(item) for item in page.items],
            "numberReturned": len(page.items),
            "next": links.next_url,
            "links": links.links(type=GEOJSON),
            "attribution": page.attribution,
        }
        return cached_bytes(request, orjson.dumps(body), GEOJSON, links.headers)
    # SitePage, as model_dump(mode="json") writes it (Link.type is null here)
    out = links.envelope(page.items, limit, {"type": None}, attribution=page.attribution)
    return cached_bytes(request, orjson.dumps(out), "application/json", links.headers)


def _parse_types(values: list[str] | None) -> tuple[SiteType, ...] | None:
    """``type=homestay&type=hotel`` or ``type=homestay,hotel``: the distinct types, sorted."""
    if not values:
        return None
    names = [v.strip() for value in values for v in value.split(",") if v.strip()]
    known = {t.value: t for t in SiteType}
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise InvalidParameter(
            "type",
            msgs.UNKNOWN_SITE_TYPE(
                unknown=", ".join(repr(n) for n in unknown) or msgs.EMPTY, known=", ".join(known)
            ),
        )
    return tuple(sorted({known[n] for n in names}))


@router.get(
    "/{slug}",
    response_model=SiteRead,
    summary="One site",
    responses={
        200: {"content": _GEO_CONTENT},
        304: NOT_MODIFIED,
        404: PROBLEM,
        422: PROBLEM,
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
    # The ETag carries the version, so it can be sent back as If-Match to edit the site.
    if wants_geojson(request, f):
        return versioned_json(request, site_feature(site), site.version, media_type=GEOJSON)
    return versioned_json(request, site.model_dump(mode="json"), site.version)


# --- Curation: writes (sites.curation) -------------------------------------------------

_WRITE_ERRORS = write_errors(
    "site", forbidden="The principal may not do this (role or province)", taken="slug"
)
_IF_MATCH_DOC = (
    "The ETag of the site as you last read it (from GET /v1/sites/{slug}, "
    "GET /v1/curation/sites/{slug} or a previous write). Required."
)
_SlugPath = Annotated[
    str,
    Path(
        max_length=120,
        pattern=SLUG_PATTERN,
        openapi_examples={"citadel": {"value": "thanh-nha-ho"}},
    ),
]
_IfMatch = Annotated[str | None, if_match_header(_IF_MATCH_DOC)]


def _curated(
    request: Request,
    curated: CuratedSite,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """A curator's view of a site, tagged with its version ETag, never shared by caches."""
    return private_versioned_json(
        request,
        curated.read(preferred_language(request)).model_dump(mode="json"),
        curated.site.version,
        vary="Accept, Accept-Language, Authorization",
        status_code=status_code,
        headers=headers,
    )


@router.post(
    "",
    status_code=201,
    response_model=CuratedSiteRead,
    summary="Create a draft site (curators: in their province)",
    description=(
        "Creates a site in status `draft`. Curators may create sites only in their own "
        "province, and the point must lie inside it (2 km tolerance). The draft is not "
        "public; it is served at the `Location` given, with an `ETag` for the next write."
    ),
    responses={**_WRITE_ERRORS, **CREATED_WITH_LOCATION},
)
def create_site(
    request: Request, session: DbSession, actor: CurrentActor, draft: SiteDraft
) -> Response:
    curated = CurationService(session, actor).create(draft)
    location = str(request.url_for("get_curated_site", slug=curated.site.slug).path)
    return _curated(request, curated, 201, {"Location": location})


@router.patch(
    "/{slug}",
    response_model=CuratedSiteRead,
    summary="Edit a site (JSON merge patch)",
    description=(
        "A JSON merge patch (RFC 7396, `application/merge-patch+json`; plain JSON is "
        "accepted too) of the editable fields, geometry included. Requires `If-Match`. "
        "The patched site is validated whole; a moved point must stay inside the province. "
        "A patch that changes nothing is answered 200 with the same ETag and is not audited."
    ),
    responses=_WRITE_ERRORS,
)
def patch_site(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    slug: _SlugPath,
    patch: Annotated[SiteUpdate, Body(media_type="application/merge-patch+json")],
    if_match: _IfMatch = None,
) -> Response:
    curated = CurationService(session, actor).update(
        slug, if_match, patch.model_dump(exclude_unset=True)
    )
    return _curated(request, curated)


@router.post(
    "/{slug}/submit",
    response_model=CuratedSiteRead,
    summary="Submit a draft for review",
    description="`draft → in_review`. Requires `If-Match`; the step is recorded (who, when).",
    responses=_WRITE_ERRORS,
)
def submit_site(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    slug: _SlugPath,
    if_match: _IfMatch = None,
) -> Response:
    service = CurationService(session, actor)
    return _curated(request, service.transition(slug, if_match, Action.site_submit))


@router.post(
    "/{slug}/publish",
    response_model=CuratedSiteRead,
    summary="Publish a site under review",
    description="`in_review → published`: the site becomes public. Requires `If-Match`.",
    responses=_WRITE_ERRORS,
)
def publish_site(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    slug: _SlugPath,
    if_match: _IfMatch = None,
) -> Response:
    service = CurationService(session, actor)
    return _curated(request, service.transition(slug, if_match, Action.site_publish))


@router.post(
    "/{slug}/archive",
    response_model=CuratedSiteRead,
    summary="Archive a site",
    description=(
        "`draft | in_review | published → archived`: withdrawn from the public catalogue "
        "and read-only from then on. Requires `If-Match`."
    ),
    responses=_WRITE_ERRORS,
)
def archive_site(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    slug: _SlugPath,
    if_match: _IfMatch = None,
) -> Response:
    service = CurationService(session, actor)
    return _curated(request, service.transition(slug, if_match, Action.site_archive))


# --- Curation: reads -------------------------------------------------------------------

curation_router = APIRouter(prefix="/v1/curation/sites", tags=["curation"])


@curation_router.get(
    "",
    response_model=CuratedSitePage,
    summary="Sites in any status, for curators",
    description=(
        "Drafts, sites in review, published and archived sites. A curator sees their own "
        "province (the default); an admin sees every province or the one asked for."
    ),
    responses=pick(_WRITE_ERRORS, 401, 403, 422),
)
def list_curated_sites(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    cursors: Cursors,
    province: Annotated[str | None, Query(description="ISO 3166-2 code or slug")] = None,
    status: Annotated[list[SiteStatus] | None, Query(description="repeat for several")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> Response:
    service = CurationService(session, actor)
    filters = SiteFilters(
        province_code=service.scope_province(province),
        q=q,
        include_unpublished=True,
        statuses=tuple(sorted(set(status))) if status else None,
    )
    paging = CursorPaging(
        request,
        cursors,
        cursor,
        {"curation": True, "province": filters.province_code, "status": filters.statuses, "q": q},
    )
    page = service.list_sites(filters, paging.offset, limit, preferred_language(request))
    links = paging.page_links(paging.offset + limit if page.has_more else None)
    items = [item.model_dump(mode="json") for item in page.items]
    return cached_json(
        request,
        links.envelope(items, limit, {"type": None}),  # CuratedSitePage
        headers={
            "Cache-Control": "private, no-cache",
            "Vary": "Accept-Language, Authorization",
            **links.headers,
        },
    )


@curation_router.get(
    "/{slug}",
    response_model=CuratedSiteRead,
    summary="One site in any status, with its workflow history",
    responses={
        304: NOT_MODIFIED,
        **pick(_WRITE_ERRORS, 401, 403, 404, 422),
    },
)
def get_curated_site(
    request: Request, session: DbSession, actor: CurrentActor, slug: _SlugPath
) -> Response:
    return _curated(request, CurationService(session, actor).get(slug))
