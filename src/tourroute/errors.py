"""One domain error hierarchy: what went wrong, and the HTTP status it maps to.

Domain and persistence code raise these.  The module is pure: no web framework, no
database.  Each error carries its status, slug and title, and
:func:`tourroute.api.errors.install_error_handlers` turns it (with FastAPI's validation
errors and the database's exceptions) into an RFC 9457 ``application/problem+json``
document.  Nothing else builds error bodies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    """One offending input: its name, where it was (query, path, body, header) and why."""

    name: str
    reason: str
    location: str = "query"

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "in": self.location, "reason": self.reason}


@dataclass
class DomainError(Exception):
    detail: str
    status: int = 500
    slug: str = "internal-error"
    title: str = "Internal error"
    errors: Sequence[FieldError] = field(default_factory=tuple)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.detail


class NotFound(DomainError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, 404, "not-found", "Resource not found")


class InvalidParameter(DomainError):
    """A request value that is well-formed for the framework but wrong for the domain."""

    def __init__(self, name: str, reason: str, location: str = "query") -> None:
        super().__init__(
            f"Invalid value for {location} parameter '{name}': {reason}",
            422,
            "invalid-parameter",
            "Invalid request parameter",
            (FieldError(name, reason, location),),
        )


class Conflict(DomainError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, 409, "conflict", "Conflict")


class ServiceUnavailable(DomainError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, 503, "service-unavailable", "Service unavailable")


class NoRouteFound(DomainError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, 422, "no-route", "No route")


class InvalidBody(DomainError):
    """422 for a well-formed JSON body that is not a valid resource (site, segment, tour)."""

    def __init__(self, errors: list[FieldError]) -> None:
        names = ", ".join(sorted({e.name for e in errors}))
        super().__init__(
            f"Invalid value for: {names}",
            422,
            "invalid-parameter",
            "Invalid request parameter",
            tuple(errors),
        )


class PreconditionRequired(DomainError):
    """428: a write without ``If-Match`` (or with ``If-Match: *``)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, 428, "precondition-required", "Precondition required")


class PreconditionFailed(DomainError):
    """412: ``If-Match`` names a version that is no longer the current one."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, 412, "precondition-failed", "Precondition failed")


class BadQuery(DomainError):
    """A query parameter the operation does not know, or a value it cannot accept: 400."""

    def __init__(self, errors: Sequence[FieldError], unknown: bool = False) -> None:
        names = ", ".join(dict.fromkeys(e.name for e in errors))
        if unknown:
            super().__init__(
                f"Unknown query parameter: {names}",
                400,
                "unknown-parameter",
                "Unknown request parameter",
                tuple(errors),
            )
        else:
            super().__init__(
                f"Invalid value for: {names}",
                400,
                "invalid-parameter",
                "Invalid request parameter",
                tuple(errors),
            )


class Unauthorized(DomainError):
    """401: no credentials, or credentials that are not (or no longer) valid (RFC 6750)."""

    def __init__(self, detail: str, *, invalid_token: bool = True) -> None:
        challenge = 'Bearer realm="tourroute"'
        if invalid_token:
            challenge += f', error="invalid_token", error_description="{detail}"'
        super().__init__(
            detail,
            401,
            "unauthorized",
            "Authentication required",
            headers={"WWW-Authenticate": challenge},
        )


class Forbidden(DomainError):
    """403: a valid principal acting outside its role or scope."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, 403, "forbidden", "Forbidden")
