"""How the routers answer with an export: a strong ETag, 304, and its OpenAPI description.

Every export — of an itinerary or of a tour, JSON or file — goes out through
:func:`export_json` or :func:`export_file`, which tag it with the ETag of its bytes
(:func:`tourroute.api.http.cached_bytes`, the project's one ETag helper) and answer a
matching ``If-None-Match`` with 304.
"""

from __future__ import annotations

from fastapi import Request, Response
from pydantic import BaseModel

from tourroute.api.http import cached_bytes, cached_json
from tourroute.api.openapi import Responses

__all__ = ["export_file", "export_json", "file_responses", "json_responses"]


def export_json(
    request: Request, document: BaseModel, media_type: str, *, exclude_none: bool = False
) -> Response:
    """A JSON export (GeoJSON, JSON-LD) written by alias; ``exclude_none`` leaves out the
    members without a value (JSON-LD), otherwise they are ``null``."""
    content = document.model_dump(mode="json", by_alias=True, exclude_none=exclude_none)
    return cached_json(request, content, media_type)


def export_file(request: Request, body: bytes, media_type: str, filename: str) -> Response:
    """A file export (GPX, iCalendar), downloaded as ``filename``."""
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return cached_bytes(request, body, media_type, disposition)


def json_responses(media_type: str, model: type[BaseModel]) -> Responses:
    """The 200 of a JSON export in ``media_type``: the schema of ``model``, which the route
    names as its ``response_model`` (so that the component exists)."""
    ref = f"#/components/schemas/{model.__name__}"
    return {200: {"content": {media_type: {"schema": {"$ref": ref}}}}}


def file_responses(media_type: str) -> Responses:
    """The 200 of a file export in ``media_type`` (GPX, iCalendar): a document as text."""
    return {200: {"content": {media_type: {"schema": {"type": "string"}}}}}
