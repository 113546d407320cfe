"""HTTP endpoints for provinces (`/v1/provinces`): see :mod:`tourroute.sites.province_service`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from tourroute.api.deps import DbSession
from tourroute.api.http import GEOJSON, OutputFormat, cached_json, preferred_language, wants_geojson
from tourroute.api.openapi import NOT_MODIFIED, PROBLEM, Responses
from tourroute.provinces.schemas import ProvinceList, ProvinceRead
from tourroute.sites.province_service import ProvinceService, province_feature

router = APIRouter(prefix="/v1/provinces", tags=["provinces"])
_GEO: Responses = {200: {"content": {GEOJSON: {}}}, 304: NOT_MODIFIED}


@router.get("", response_model=ProvinceList, summary="The provinces served", responses=_GEO)
def list_provinces(
    request: Request, session: DbSession, f: Annotated[OutputFormat | None, Query()] = None
) -> Response:
    rows = ProvinceService(session).list(preferred_language(request))
    if wants_geojson(request, f):
        return cached_json(
            request,
            {
                "type": "FeatureCollection",
                "features": [province_feature(r, g) for r, g in rows],
            },
            GEOJSON,
        )
    return cached_json(request, ProvinceList(items=[r for r, _ in rows]).model_dump(mode="json"))


@router.get(
    "/{code}",
    response_model=ProvinceRead,
    summary="One province (code or slug)",
    responses={**_GEO, 404: PROBLEM},
)
def get_province(
    request: Request,
    session: DbSession,
    code: Annotated[str, Path(max_length=40, openapi_examples={"code": {"value": "VN-22"}})],
    f: Annotated[OutputFormat | None, Query()] = None,
) -> Response:
    read, geometry = ProvinceService(session).get(code, preferred_language(request))
    if wants_geojson(request, f):
        return cached_json(request, province_feature(read, geometry), GEOJSON)
    return cached_json(request, read.model_dump(mode="json"))
