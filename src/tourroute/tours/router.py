"""HTTP endpoints of the tour catalogue: public search, reads and exports; authenticated
writes (If-Match on every change to an existing tour) and version history."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Body,
    Depends,
    Path,
    Query,
    Request,
    Response,
)
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tourroute.accounts.deps import CurrentActor, require_actor
from tourroute.accounts.domain import Actor, as_utc
from tourroute.api.conditional import private_versioned_json, versioned_json
from tourroute.api.deps import AppSettings, Cursors, DbSession
from tourroute.api.http import GEOJSON, cached_json, preferred_language
from tourroute.api.openapi import (
    CREATED_WITH_LOCATION,
    NOT_MODIFIED,
    Responses,
    if_match_header,
    pick,
    problem_responses,
    write_errors,
)
from tourroute.api.paging import CursorPaging
from tourroute.api.params import StepsFlag
from tourroute.exports.geojson import PlanFeatureCollection, to_geojson
from tourroute.exports.gpx import GPX, to_gpx
from tourroute.exports.http import export_file, export_json, file_responses, json_responses
from tourroute.exports.ical import ICALENDAR, to_ics
from tourroute.exports.jsonld import JSONLD, TouristTrip, to_jsonld
from tourroute.offline.http import offline_responses, pack_response
from tourroute.offline.service import OfflineService, pack_store
from tourroute.plans import Plan
from tourroute.routes.deps import Graphs
from tourroute.routing import Vehicle
from tourroute.sites.domain import Category
from tourroute.sites.schemas import SLUG_PATTERN, Link
from tourroute.tours.documents import tour_read, tour_summary, trip_of
from tourroute.tours.domain import MAX_DAYS
from tourroute.tours.models import Tour, TourVersion
from tourroute.tours.offline import tour_trip
from tourroute.tours.schemas import (
    TourCreate,
    TourPage,
    TourRead,
    TourUpdate,
    TourVersionInfo,
    TourVersionList,
    TourVersionRead,
)
from tourroute.tours.service import TourService, TourWriter

router = APIRouter(prefix="/v1/tours", tags=["tours"])

_READ_ERRORS: Responses = {
    304: NOT_MODIFIED,
    **problem_responses(
        described={
            404: "No published tour with this slug",
            422: "Invalid parameter (named in the problem)",
        }
    ),
}
_WRITE_ERRORS = write_errors(
    "tour",
    forbidden="The principal may not manage this tour (agency or province)",
    taken="slug",
    invalid="Invalid body (the offending fields are listed), or a stop no road reaches",
)
_SlugPath = Annotated[
    str,
    Path(
        max_length=120,
        pattern=SLUG_PATTERN,
        openapi_examples={"heritage": {"value": "di-san-thanh-hoa-nghe-an-ha-tinh"}},
    ),
]
_IfMatch = Annotated[
    str | None,
    if_match_header(
        "The ETag of the tour as you last read it (GET /v1/tours/{slug} or a previous write). "
        "Required."
    ),
]
_StartDate = Annotated[
    date | None,
    Query(
        description="re-date the export: day 1 on this date (default: the tour's nominal date)",
        openapi_examples={"december": {"value": "2026-12-04"}},
    ),
]

_optional_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearerToken",
    description="An API token issued by `tourroute accounts issue-token NAME`.",
)


def optional_actor(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    background: BackgroundTasks,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_optional_bearer)],
) -> Actor | None:
    """The caller if a bearer token is sent (a bad one is still a 401), else anonymous."""
    if credentials is None:
        return None
    return require_actor(request, session, settings, background, credentials)


def _base(request: Request, slug: str) -> str:
    return str(request.url_for("get_tour", slug=slug))


def _sites_base(request: Request) -> str:
    return str(request.url_for("list_sites"))


def _private(
    request: Request,
    tour: Tour,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    steps: bool = False,
) -> Response:
    """A tour as its managers see it, tagged with its version ETag, never shared by caches."""
    read = tour_read(tour, preferred_language(request), _base(request, tour.slug), steps=steps)
    return private_versioned_json(
        request,
        read.model_dump(mode="json"),
        tour.version,
        vary="Accept, Accept-Language, Authorization",
        status_code=status_code,
        headers=headers,
    )


def _plan(tour: Tour, start_date: date | None) -> Plan:
    """The stored plan, validated, re-dated to ``start_date`` if given."""
    plan = Plan.model_validate(tour.plan)
    return plan if start_date is None else plan.redated(start_date)


# --- public reads ------------------------------------------------------------------------


@router.get(
    "",
    response_model=TourPage,
    summary="List and search published tours",
    description=(
        "Published tours, filtered and paged. `province` matches tours with a stop in the "
        "province; `site` tours that visit the site. Search (`q`) ignores accents and case "
        "(`thanh nha ho` finds the tours visiting Thành nhà Hồ); it looks at titles and the "
        "names of the sites visited, and a match with the exact diacritics ranks first."
    ),
    responses={k: v for k, v in _READ_ERRORS.items() if k != 404},
)
def list_tours(
    request: Request,
    session: DbSession,
    cursors: Cursors,
    province: Annotated[
        str | None,
        Query(
            description="ISO 3166-2 code or slug",
            openapi_examples={"code": {"value": "VN-22"}, "slug": {"value": "ha-tinh"}},
        ),
    ] = None,
    theme: Annotated[Category | None, Query()] = None,
    vehicle: Annotated[Vehicle | None, Query()] = None,
    days_min: Annotated[int | None, Query(ge=1, le=MAX_DAYS)] = None,
    days_max: Annotated[int | None, Query(ge=1, le=MAX_DAYS)] = None,
    site: Annotated[
        str | None,
        Query(max_length=120, pattern=SLUG_PATTERN, openapi_examples={"s": {"value": "kim-lien"}}),
    ] = None,
    q: Annotated[
        str | None,
        Query(min_length=1, max_length=200, openapi_examples={"folded": {"value": "thanh nha ho"}}),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> Response:
    service = TourService(session)
    filters = service.filters(
        province=province,
        theme=theme,
        vehicle=vehicle,
        days_min=days_min,
        days_max=days_max,
        site=site,
        q=q,
    )
    paging = CursorPaging(
        request,
        cursors,
        cursor,
        {
            "tours": True,
            "province": filters.province_code,
            "theme": theme,
            "vehicle": vehicle,
            "days_min": days_min,
            "days_max": days_max,
            "site": site,
            "q": q,
        },
    )
    tours, has_more = service.page(filters, paging.offset, limit)
    language = preferred_language(request)
    links = paging.page_links(paging.offset + limit if has_more else None)
    items = [tour_summary(t, language, _base(request, t.slug)) for t in tours]
    page = TourPage(
        items=items,
        count=len(items),
        limit=limit,
        next=links.next_url,
        links=[Link(rel=link["rel"], href=link["href"]) for link in links.links()],
    )
    return cached_json(request, page.model_dump(mode="json"), headers=links.headers)


@router.get(
    "/{slug}.geojson",
    summary="A tour as GeoJSON",
    description="One LineString per leg, one Point per visit and overnight place.",
    response_model=PlanFeatureCollection,
    responses={**json_responses(GEOJSON, PlanFeatureCollection), **_READ_ERRORS},
)
def get_tour_geojson(
    request: Request, session: DbSession, slug: _SlugPath, start_date: _StartDate = None
) -> Response:
    tour = TourService(session).published(slug)
    return export_json(request, to_geojson(tour.slug, _plan(tour, start_date)), GEOJSON)


@router.get(
    "/{slug}.gpx",
    summary="A tour as GPX 1.1",
    description=(
        "One route per day with its legs' shape points, one route of turn-by-turn directions "
        "per leg (a route point per step), a waypoint per visit; names and directions in the "
        "language of `Accept-Language`."
    ),
    responses={**file_responses(GPX), **_READ_ERRORS},
)
def get_tour_gpx(
    request: Request, session: DbSession, slug: _SlugPath, start_date: _StartDate = None
) -> Response:
    tour = TourService(session).published(slug)
    body = to_gpx(tour.slug, _plan(tour, start_date), preferred_language(request))
    return export_file(request, body, GPX, f"tour-{tour.slug}.gpx")


@router.get(
    "/{slug}.ics",
    summary="A tour as iCalendar",
    description="One event per visit, on the tour's nominal dates or from `start_date`.",
    responses={**file_responses(ICALENDAR), **_READ_ERRORS},
)
def get_tour_ics(
    request: Request, session: DbSession, slug: _SlugPath, start_date: _StartDate = None
) -> Response:
    tour = TourService(session).published(slug)
    plan = _plan(tour, start_date)
    calendar_id = f"{tour.slug}-{plan.start_date.isoformat()}"
    body = to_ics(calendar_id, plan, as_utc(tour.updated_at))
    return export_file(request, body, ICALENDAR, f"tour-{tour.slug}.ics")


@router.get(
    "/{slug}.jsonld",
    summary="A tour as schema.org TouristTrip (JSON-LD)",
    description=(
        "A `TouristTrip` with one `subTrip` per day; `itinerary` is an ordered `ItemList` of "
        "`TouristAttraction`/`Place` with `geo`; `provider` is the operator (a "
        "`TravelAgency` or the province's `GovernmentOrganization`); `offers` the price range."
    ),
    response_model=TouristTrip,
    responses={**json_responses(JSONLD, TouristTrip), **_READ_ERRORS},
)
def get_tour_jsonld(
    request: Request, session: DbSession, slug: _SlugPath, start_date: _StartDate = None
) -> Response:
    tour = TourService(session).published(slug)
    doc = to_jsonld(
        trip_of(tour),
        _plan(tour, start_date),
        preferred_language(request),
        _base(request, tour.slug),
        _sites_base(request),
    )
    return export_json(request, doc, JSONLD, exclude_none=True)


@router.get(
    "/{slug}/offline",
    summary="A tour's offline pack (zip)",
    description=(
        "One zip for a phone without network: `plan.json` (the tour as `GET /v1/tours/{slug}` "
        "answers), `plan.geojson`, `plan.gpx`, `plan.ics` (the tour's nominal dates), "
        "`sites/<slug>.json` for every site visited or slept at, `manifest.json`, and "
        "`basemap.pmtiles`: vector base-map tiles (PMTiles v3, OpenMapTiles schema) of the "
        "whole region at zooms 0–8 and, up to zoom 14, within a few kilometres of the "
        "tour's roads and places. `X-Offline-Tiles` and `X-Offline-Tile-Bytes` give the "
        "map's size. Packs are cached: revalidate with `If-None-Match`."
    ),
    response_class=Response,
    responses={**offline_responses(), **_READ_ERRORS},
)
def get_tour_offline(
    request: Request, session: DbSession, settings: AppSettings, slug: _SlugPath
) -> Response:
    tour = TourService(session).published(slug)
    language = preferred_language(request)
    trip = tour_trip(tour, language, _base(request, tour.slug))
    prepared = OfflineService(session, pack_store(settings)).prepare(trip, language)
    return pack_response(request, prepared, f"tour-{tour.slug}-offline.zip")


@router.get(
    "/{slug}",
    response_model=TourRead,
    summary="One tour with its full itinerary",
    description=(
        "A published tour: metadata, the days as written and the itinerary (stops with "
        "planned times, legs routed for the vehicle with geometry). The `ETag` carries the "
        "version: send it as `If-Match` to edit. With a bearer token of someone who manages "
        "the tour, drafts and archived tours are served too (privately)."
    ),
    responses={**_READ_ERRORS, 401: _WRITE_ERRORS[401]},
)
def get_tour(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor | None, Depends(optional_actor)],
    slug: _SlugPath,
    steps: StepsFlag = False,
) -> Response:
    tour = TourService(session).visible(slug, actor)
    if actor is not None:
        return _private(request, tour, steps=steps)
    read = tour_read(tour, preferred_language(request), _base(request, tour.slug), steps=steps)
    return versioned_json(request, read.model_dump(mode="json"), tour.version)


# --- writes ------------------------------------------------------------------------------


@router.post(
    "",
    status_code=201,
    response_model=TourRead,
    summary="Create a draft tour",
    description=(
        "From explicit `days` (each stop a published site, planned times optional; legs are "
        "routed for the vehicle) or `from_itinerary` (the visits, times and overnight places "
        "of a composed itinerary). Agencies create their own agency's tours, curators their "
        "province's official tours, admins any. A bad stop writes nothing: every field at "
        "fault is named in the 422."
    ),
    responses={**_WRITE_ERRORS, **CREATED_WITH_LOCATION},
)
def create_tour(
    request: Request, session: DbSession, actor: CurrentActor, graphs: Graphs, body: TourCreate
) -> Response:
    tour = TourWriter(session, graphs, actor).create(body)
    return _private(request, tour, 201, {"Location": _base(request, tour.slug)})


@router.patch(
    "/{slug}",
    response_model=TourRead,
    summary="Edit a tour (JSON merge patch)",
    description=(
        "A JSON merge patch (RFC 7396; plain JSON accepted) of the editable members. "
        "Requires `If-Match`. Changing `days`, `vehicle` or `start_date` plans the tour again. "
        "A patch that changes nothing answers 200 with the same ETag and saves no version."
    ),
    responses=_WRITE_ERRORS,
)
def patch_tour(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    graphs: Graphs,
    slug: _SlugPath,
    patch: Annotated[TourUpdate, Body(media_type="application/merge-patch+json")],
    if_match: _IfMatch = None,
) -> Response:
    writer = TourWriter(session, graphs, actor)
    return _private(request, writer.update(slug, if_match, patch.model_dump(exclude_unset=True)))


@router.post(
    "/{slug}/publish",
    response_model=TourRead,
    summary="Publish a draft tour",
    description="`draft → published`: the tour enters the public catalogue. Needs `If-Match`.",
    responses=_WRITE_ERRORS,
)
def publish_tour(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    graphs: Graphs,
    slug: _SlugPath,
    if_match: _IfMatch = None,
) -> Response:
    writer = TourWriter(session, graphs, actor)
    return _private(request, writer.transition(slug, if_match, "publish"))


@router.post(
    "/{slug}/archive",
    response_model=TourRead,
    summary="Archive a tour",
    description=(
        "`draft | published → archived`: withdrawn from the catalogue, read-only from then "
        "on. Needs `If-Match`."
    ),
    responses=_WRITE_ERRORS,
)
def archive_tour(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    graphs: Graphs,
    slug: _SlugPath,
    if_match: _IfMatch = None,
) -> Response:
    writer = TourWriter(session, graphs, actor)
    return _private(request, writer.transition(slug, if_match, "archive"))


# --- history -----------------------------------------------------------------------------


def _info(row: TourVersion) -> TourVersionInfo:
    return TourVersionInfo(
        version=row.version,
        action=row.action,
        by=row.principal_name,
        at=row.at,  # LocalDateTime: +07:00
    )


_HISTORY_ERRORS = pick(_WRITE_ERRORS, 401, 403, 404, 422)
_PRIVATE = {"Cache-Control": "private, no-cache", "Vary": "Authorization"}


@router.get(
    "/{slug}/versions",
    response_model=TourVersionList,
    summary="Every saved version of a tour",
    description="Oldest first: version, action, who and when. For those who manage the tour.",
    responses=_HISTORY_ERRORS,
)
def list_tour_versions(
    request: Request, session: DbSession, actor: CurrentActor, slug: _SlugPath
) -> Response:
    rows = TourService(session).versions(slug, actor)
    out = TourVersionList(slug=slug, items=[_info(r) for r in rows])
    return cached_json(request, out.model_dump(mode="json"), headers=_PRIVATE)


@router.get(
    "/{slug}/versions/{number}",
    response_model=TourVersionRead,
    summary="One saved version of a tour, whole",
    responses=_HISTORY_ERRORS,
)
def get_tour_version(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    slug: _SlugPath,
    number: Annotated[int, Path(ge=1, le=1_000_000)],
) -> Response:
    row = TourService(session).version(slug, number, actor)
    out = TourVersionRead(**_info(row).model_dump(), document=row.document)
    return cached_json(request, out.model_dump(mode="json"), headers=_PRIVATE)
