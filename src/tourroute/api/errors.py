"""The one place where exceptions become RFC 9457 ``application/problem+json``.

:func:`install_error_handlers` renders the domain errors of :mod:`tourroute.errors` (each
carries its status, slug, title and a catalogue message), FastAPI's request validation
errors, Starlette's HTTP exceptions and the database's exceptions (integrity → 409,
unavailable → 503 with ``Retry-After``, any other → 500).

Every problem is written in the language ``Accept-Language`` prefers (Vietnamese or
English, English by default; :func:`tourroute.i18n.negotiate`), says so in
``Content-Language`` and varies on ``Accept-Language``.  Only the human text (``title``,
``detail``, ``errors[].reason``) changes with the language: ``type``, ``status`` and
``errors[].name``/``in`` do not.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from tourroute.errors import DomainError, FieldError, invalid_values
from tourroute.i18n import Lang, Localized, ValidationIssue, Verbatim, negotiate
from tourroute.i18n import messages as m
from tourroute.routing.profiles import RETIRED_VEHICLES

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


def request_language(request: Request) -> Lang:
    """The language of this request's human text (``Accept-Language``; English else)."""
    return negotiate(request.headers.get("accept-language"))


def problem_response(
    request: Request,
    status: int,
    slug: str,
    title: Localized,
    detail: Localized,
    errors: Sequence[FieldError] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The problem document, its words in the request's language."""
    lang = request_language(request)
    body: dict[str, Any] = {
        "type": f"/problems/{slug}",
        "title": title.render(lang),
        "status": status,
        "detail": detail.render(lang),
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = [e.as_dict(lang) for e in errors]
    out_headers = dict(headers or {})
    out_headers["Content-Language"] = lang
    vary = [v for v in (out_headers.get("Vary"), "Accept-Language") if v]
    out_headers["Vary"] = ", ".join(vary)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=out_headers)


def validation_field_errors(exc: RequestValidationError) -> list[FieldError]:
    """FastAPI's validation errors as field errors: name and location as sent, reason
    a message (Pydantic's English, the catalogue's Vietnamese)."""
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        location = loc[0] if loc else "query"
        name = ".".join(loc[1:]) if len(loc) > 1 else location
        reason = ValidationIssue.of(err)
        retired = err.get("input")
        if loc and loc[-1] == "vehicle" and isinstance(retired, str):
            reason = RETIRED_VEHICLES.get(retired, reason)
        out.append(FieldError(name, reason, location))
    return out


def install_error_handlers(app: FastAPI) -> None:
    """Register the one place where exceptions become problem+json."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return problem_response(
            request, exc.status, exc.slug, exc.title, exc.message, exc.errors, exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = validation_field_errors(exc)
        return problem_response(
            request,
            422,
            "invalid-parameter",
            m.TITLE_INVALID_PARAMETER,
            invalid_values(errors),
            errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        phrase = HTTPStatus(exc.status_code).phrase
        slug = phrase.lower().replace(" ", "-")
        title: Localized = m.STATUS_TITLES.get(exc.status_code, Verbatim(phrase))
        if not isinstance(exc.detail, str) or exc.detail == phrase:
            detail: Localized = title
        else:
            detail = Verbatim(exc.detail)
        return problem_response(
            request, exc.status_code, slug, title, detail, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity error on %s: %s", request.url.path, exc.orig)
        return problem_response(request, 409, "conflict", m.TITLE_CONFLICT, m.INTEGRITY_CONFLICT)

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database unavailable on %s: %s", request.url.path, exc.orig)
        return problem_response(
            request,
            503,
            "service-unavailable",
            m.TITLE_SERVICE_UNAVAILABLE,
            m.DATABASE_UNAVAILABLE,
            headers={"Retry-After": "2"},
        )

    @app.exception_handler(DBAPIError)
    async def _dbapi(request: Request, _exc: DBAPIError) -> JSONResponse:
        log.exception("database error on %s", request.url.path)
        return problem_response(
            request, 500, "internal-error", m.TITLE_INTERNAL_ERROR, m.DATABASE_ERROR
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, _exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return problem_response(
            request, 500, "internal-error", m.TITLE_INTERNAL_ERROR, m.UNEXPECTED_ERROR
        )
