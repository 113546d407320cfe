"""HTTP endpoints: the road network for maps, the corridors, and segment curation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Request, Response

from tourroute.accounts.deps import CurrentActor
from tourroute.api.conditional import private_versioned_json
from tourroute.api.deps import DbSession
from tourroute.api.http import GEOJSON, cached_json
from tourroute.api.openapi import (
    CREATED_WITH_LOCATION,
    NOT_MODIFIED,
    if_match_header,
    pick,
    write_errors,
)
from tourroute.errors import InvalidParameter
from tourroute.i18n import messages as msgs
from tourroute.network.curation import SegmentCuration
from tourroute.network.models import RoadSegment
from tourroute.network.repository import NetworkRepository
from tourroute.network.schemas import (
    CorridorList,
    CorridorRead,
    RoadCollection,
    RoadSegmentCreate,
    RoadSegmentRead,
    RoadSegmentUpdate,
)

router = APIRouter(tags=["routing"])


@router.get(
    "/v1/corridors",
    response_model=CorridorList,
    summary="The named corridors (for legends and corridor choices)",
)
def get_corridors(request: Request, session: DbSession) -> Response:
    items = [
        CorridorRead(
            slug=c.slug,
            name_vi=c.name_vi,
            name_en=c.name_en,
            description_en=c.description_en,
            source=c.source,
        )
        for c in NetworkRepository(session).corridors()
    ]
    return cached_json(request, CorridorList(items=items).model_dump(mode="json"))


@router.get(
    "/v1/roads",
    response_model=RoadCollection,
    summary="The road network as GeoJSON, for maps",
    # response_model documents application/json only; the body is GeoJSON.
    responses={
        200: {"content": {GEOJSON: {"schema": {"$ref": "#/components/schemas/RoadCollection"}}}}
    },
)
def get_roads(
    request: Request,
    session: DbSession,
    corridor: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    repo = NetworkRepository(session)
    if corridor is not None and corridor not in repo.corridor_slugs():
        raise InvalidParameter("corridor", msgs.UNKNOWN_CORRIDOR(corridor=corridor))
    features = [
        {
            "type": "Feature",
            "id": r.key,
            "geometry": r.geometry,
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
        for r in repo.road_rows(corridor)
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
    return private_versioned_json(
        request,
        service.read(segment).model_dump(mode="json"),
        segment.version,
        vary="Accept, Authorization",
        status_code=status_code,
        headers=headers,
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
