"""The one place where exceptions become RFC 9457 ``application/problem+json``.

:func:`install_error_handlers` renders the domain errors of :mod:`tourroute.errors` (each
carries its status, slug and title), FastAPI's request validation errors, Starlette's HTTP
exceptions and the database's exceptions (integrity → 409, unavailable → 503 with
``Retry-After``, any other → 500).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from tourroute.errors import DomainError, FieldError
from tourroute.routing.profiles import RETIRED_VEHICLES

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


def problem_response(
    request: Request,
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: Sequence[FieldError] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = [e.as_dict() for e in errors]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation_errors(exc: RequestValidationError) -> list[FieldError]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        location = loc[0] if loc else "query"
        name = ".".join(loc[1:]) if len(loc) > 1 else location
        message = str(err.get("msg", "invalid"))
        retired = err.get("input")
        if loc and loc[-1] == "vehicle" and isinstance(retired, str):
            message = RETIRED_VEHICLES.get(retired, message)
        out.append(FieldError(name, message, location))
    return out


def install_error_handlers(app: FastAPI) -> None:
    """Register the one place where exceptions become problem+json."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return problem_response(
            request, exc.status, exc.slug, exc.title, exc.detail, exc.errors, exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        names = ", ".join(sorted({e.name for e in errors}))
        return problem_response(
            request,
            422,
            "invalid-parameter",
            "Invalid request parameter",
            f"Invalid value for: {names}",
            errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        phrase = HTTPStatus(exc.status_code).phrase
        slug = phrase.lower().replace(" ", "-")
        detail = exc.detail if isinstance(exc.detail, str) else phrase
        return problem_response(
            request, exc.status_code, slug, phrase, detail, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity error on %s: %s", request.url.path, exc.orig)
        return problem_response(
            request, 409, "conflict", "Conflict", "The change conflicts with existing data."
        )

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database unavailable on %s: %s", request.url.path, exc.orig)
        return problem_response(
            request,
            503,
            "service-unavailable",
            "Service unavailable",
            "Database unavailable.",
            headers={"Retry-After": "2"},
        )

    @app.exception_handler(DBAPIError)
    async def _dbapi(request: Request, _exc: DBAPIError) -> JSONResponse:
        log.exception("database error on %s", request.url.path)
        return problem_response(
            request, 500, "internal-error", "Internal error", "Unexpected database error."
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, _exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return problem_response(
            request, 500, "internal-error", "Internal error", "An unexpected error occurred."
        )
