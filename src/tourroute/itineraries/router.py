"""HTTP endpoints: compose an itinerary, read it back, export it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from tourroute.api.deps import AppSettings, DbSession
from tourroute.api.http import GEOJSON, cached_json, preferred_language
from tourroute.api.openapi import NOT_MODIFIED, Responses, problem_responses
from tourroute.api.params import StepsFlag
from tourroute.errors import NotFound
from tourroute.exports.geojson import PlanFeatureCollection, to_geojson
from tourroute.exports.gpx import GPX, to_gpx
from tourroute.exports.http import export_file, export_json, file_responses, json_responses
from tourroute.exports.ical import ICALENDAR, to_ics
from tourroute.i18n import messages as msgs
from tourroute.itineraries.composer import ItineraryComposer
from tourroute.itineraries.models import Itinerary
from tourroute.itineraries.repository import ItineraryRepository
from tourroute.itineraries.schemas import ItineraryDocument, ItineraryRequest
from tourroute.localtime import to_local
from tourroute.offline.http import offline_responses, pack_response
from tourroute.offline.service import OfflineService, OfflineTrip, pack_store, plan_files
from tourroute.plans import Plan, without_steps
from tourroute.routes.deps import Graphs

router = APIRouter(tags=["itineraries"])
_HEX = set("0123456789abcdef")
_READ_ERRORS: Responses = {
    304: NOT_MODIFIED,
    **problem_responses(described={404: "No itinerary with this id"}),
}


def _document(request: Request, itinerary: Itinerary, steps: bool) -> dict[str, Any]:
    """The itinerary as answered: its legs' turn-by-turn steps only with ``steps``."""
    base = str(request.url_for("get_itinerary", itinerary_id=itinerary.id))
    return {
        "id": itinerary.id,
        "created_at": to_local(itinerary.created_at).isoformat(),
        "links": {
            "self": base,
            "geojson": base + ".geojson",
            "gpx": base + ".gpx",
            "ics": base + ".ics",
            "offline": base + "/offline",
        },
        "request": itinerary.request,
        **(itinerary.plan if steps else without_steps(itinerary.plan)),
    }


def _load(session: Session, itinerary_id: str) -> Itinerary:
    if len(itinerary_id) != 32 or not set(itinerary_id) <= _HEX:
        raise NotFound(msgs.ITINERARY_BAD_ID(id=itinerary_id))
    found = ItineraryRepository(session).get(itinerary_id)
    if found is None:
        raise NotFound(msgs.ITINERARY_NOT_FOUND(id=itinerary_id))
    return found


def _plan(itinerary: Itinerary) -> Plan:
    """The stored plan, validated: the exports render the typed document."""
    return Plan.model_validate(itinerary.plan)


@router.post(
    "/v1/itineraries",
    status_code=201,
    summary="Compose a multi-day itinerary",
    description=(
        "Chooses which sites to visit, in what order, on which day and at what times, and "
        "where to sleep, maximising the interest of the visits (weighted by `themes`) under "
        "opening hours on the actual dates, the day's time window, the daily driving cap (and "
        "for coaches the legal 10 h/day, 4 h continuous driving limits), the vehicle's road "
        "rules and, for caravans, caravan-suitable overnight places. Must-visit sites that "
        "cannot be placed come back in `unplaced` with the reason. The plan is stored: "
        "`GET /v1/itineraries/{id}` and exports `.geojson`, `.gpx`, `.ics`."
    ),
    response_model=ItineraryDocument,
    responses=problem_responses(422),
)
def post_itinerary(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    graphs: Graphs,
    body: ItineraryRequest,
    steps: StepsFlag = False,
) -> Response:
    itinerary = ItineraryComposer(session, graphs).compose(body, settings.region_bbox)
    doc = _document(request, itinerary, steps)
    response = cached_json(request, doc, headers={"Location": doc["links"]["self"]})
    response.status_code = 201
    return response


@router.get(
    "/v1/itineraries/{itinerary_id}.geojson",
    summary="An itinerary as GeoJSON",
    response_model=PlanFeatureCollection,
    responses={**json_responses(GEOJSON, PlanFeatureCollection), **_READ_ERRORS},
)
def get_itinerary_geojson(request: Request, session: DbSession, itinerary_id: str) -> Response:
    it = _load(session, itinerary_id)
    return export_json(request, to_geojson(it.id, _plan(it)), GEOJSON)


@router.get(
    "/v1/itineraries/{itinerary_id}.gpx",
    summary="An itinerary as GPX 1.1",
    description=(
        "One route per day with its legs' shape points, one route of turn-by-turn directions "
        "per leg (a route point per step), a waypoint per visit and overnight place; names "
        "and directions in the language of `Accept-Language`."
    ),
    responses={**file_responses(GPX), **_READ_ERRORS},
)
def get_itinerary_gpx(request: Request, session: DbSession, itinerary_id: str) -> Response:
    it = _load(session, itinerary_id)
    return export_file(
        request,
        to_gpx(it.id, _plan(it), preferred_language(request)),
        GPX,
        f"itinerary-{it.id}.gpx",
    )


@router.get(
    "/v1/itineraries/{itinerary_id}.ics",
    summary="An itinerary as iCalendar",
    responses={**file_responses(ICALENDAR), **_READ_ERRORS},
)
def get_itinerary_ics(request: Request, session: DbSession, itinerary_id: str) -> Response:
    it = _load(session, itinerary_id)
    body = to_ics(it.id, _plan(it), it.created_at)
    return export_file(request, body, ICALENDAR, f"itinerary-{it.id}.ics")


@router.get(
    "/v1/itineraries/{itinerary_id}/offline",
    summary="An itinerary's offline pack (zip)",
    description=(
        "One zip for a phone without network: `plan.json` (this itinerary as "
        "`GET /v1/itineraries/{id}` answers), `plan.geojson`, `plan.gpx`, `plan.ics`, "
        "`sites/<slug>.json` for every site visited or slept at, `manifest.json`, and "
        "`basemap.pmtiles`: vector base-map tiles (PMTiles v3, OpenMapTiles schema) of the "
        "whole region at zooms 0–8 and, up to zoom 14, within a few kilometres of the "
        "itinerary's roads and places. `X-Offline-Tiles` and `X-Offline-Tile-Bytes` give "
        "the map's size. Packs are cached: revalidate with `If-None-Match`."
    ),
    response_class=Response,
    responses={**offline_responses(), **_READ_ERRORS},
)
def get_itinerary_offline(
    request: Request, session: DbSession, settings: AppSettings, itinerary_id: str
) -> Response:
    it = _load(session, itinerary_id)
    plan = _plan(it)
    trip = OfflineTrip(
        "itinerary",
        it.id,
        it.version,
        str(request.url_for("get_itinerary", itinerary_id=it.id)),
        plan,
        lambda: plan_files(it.id, plan, _document(request, it, True), it.id, it.created_at),
    )
    prepared = OfflineService(session, pack_store(settings)).prepare(
        trip, preferred_language(request)
    )
    return pack_response(request, prepared, f"itinerary-{it.id}-offline.zip")


@router.get(
    "/v1/itineraries/{itinerary_id}",
    summary="A stored itinerary",
    response_model=ItineraryDocument,
    responses=_READ_ERRORS,
)
def get_itinerary(
    request: Request, session: DbSession, itinerary_id: str, steps: StepsFlag = False
) -> Response:
    return cached_json(request, _document(request, _load(session, itinerary_id), steps))
