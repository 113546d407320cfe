"""One domain error hierarchy: what went wrong, and the HTTP status it maps to.

Domain and persistence code raise these.  The module is pure: no web framework, no
database.  Each error carries its status, slug and title, and its detail as a message of
the catalogue (:mod:`tourroute.i18n`) with its parameters, not as finished English:
:func:`tourroute.api.errors.install_error_handlers` renders it, in the language the request
asked for, as an RFC 9457 ``application/problem+json`` document (with FastAPI's validation
errors and the database's exceptions).  Nothing else builds error bodies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tourroute.i18n import DEFAULT_LANG, FieldLabel, Lang, Localized, Text
from tourroute.i18n import messages as m


@dataclass(frozen=True)
class FieldError:
    """One offending input: its name, where it was (query, path, body, header) and why."""

    name: str
    message: Localized
    location: str = "query"

    @property
    def reason(self) -> str:
        """Why, in English (the API's default language)."""
        return self.message.render(DEFAULT_LANG)

    def as_dict(self, lang: Lang = DEFAULT_LANG) -> dict[str, str]:
        """The ``errors[]`` entry: ``name`` and ``in`` stay as sent, ``reason`` in ``lang``."""
        return {"name": self.name, "in": self.location, "reason": self.message.render(lang)}


@dataclass
class DomainError(Exception):
    """The base of every domain error: ``message`` is the detail, in any language."""

    message: Localized
    status: int = 500
    slug: str = "internal-error"
    title: Text = m.TITLE_INTERNAL_ERROR
    errors: Sequence[FieldError] = field(default_factory=tuple)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def detail(self) -> str:
        """The detail in English, the API's default language (logs, the command line)."""
        return self.message.render(DEFAULT_LANG)

    def __str__(self) -> str:
        return self.detail


class NotFound(DomainError):
    def __init__(self, detail: Localized) -> None:
        super().__init__(detail, 404, "not-found", m.TITLE_NOT_FOUND)


class InvalidParameter(DomainError):
    """A request value that is well-formed for the framework but wrong for the domain."""

    def __init__(self, name: str, reason: Localized, location: str = "query") -> None:
        super().__init__(
            m.INVALID_PARAMETER_DETAIL(
                location=m.location_label(location), name=FieldLabel(name), reason=reason
            ),
            422,
            "invalid-parameter",
            m.TITLE_INVALID_PARAMETER,
            (FieldError(name, reason, location),),
        )


class Conflict(DomainError):
    def __init__(self, detail: Localized) -> None:
        super().__init__(detail, 409, "conflict", m.TITLE_CONFLICT)


class ServiceUnavailable(DomainError):
    def __init__(self, detail: Localized) -> None:
        super().__init__(detail, 503, "service-unavailable", m.TITLE_SERVICE_UNAVAILABLE)


class NoRouteFound(DomainError):
    def __init__(self, detail: Localized) -> None:
        super().__init__(detail, 422, "no-route", m.TITLE_NO_ROUTE)


def invalid_values(errors: Sequence[FieldError]) -> Localized:
    """ "Invalid value for: a, b": the offending fields, each by its label."""
    names = sorted({e.name for e in errors})
    return m.INVALID_VALUES_DETAIL(names=[FieldLabel(n) for n in names])


class InvalidBody(DomainError):
    """422 for a well-formed JSON body that is not a valid resource (site, segment, tour)."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__(
            invalid_values(errors),
            422,
            "invalid-parameter",
            m.TITLE_INVALID_PARAMETER,
            tuple(errors),
        )


class PreconditionRequired(DomainError):
    """428: a write without ``If-Match`` (or with ``If-Match: *``)."""

    def __init__(self, detail: Localized) -> None:
        super().__init__(detail, 428, "precondition-required", m.TITLE_PRECONDITION_REQUIRED)


class PreconditionFailed(DomainError):
    """412: ``If-Match`` names a version that is no longer the current one."""

    def __init__(self, detail: Localized) -> None:
        super().__init__(detail, 412, "precondition-failed", m.TITLE_PRECONDITION_FAILED)


class BadQuery(DomainError):
    """A query parameter the operation does not know, or a value it cannot accept: 400."""

    def __init__(self, errors: Sequence[FieldError], unknown: bool = False) -> None:
        names = [FieldLabel(n) for n in dict.fromkeys(e.name for e in errors)]
        if unknown:
            super().__init__(
                m.UNKNOWN_PARAMETER_DETAIL(names=names),
                400,
                "unknown-parameter",
                m.TITLE_UNKNOWN_PARAMETER,
                tuple(errors),
            )
        else:
            super().__init__(
                m.INVALID_VALUES_DETAIL(names=names),
                400,
                "invalid-parameter",
                m.TITLE_INVALID_PARAMETER,
                tuple(errors),
            )


class Unauthorized(DomainError):
    """401: no credentials, or credentials that are not (or no longer) valid (RFC 6750).

    The challenge's ``error_description`` is in English whatever the request's language:
    a header carries only ASCII.
    """

    def __init__(self, detail: Localized, *, invalid_token: bool = True) -> None:
        challenge = 'Bearer realm="tourroute"'
        if invalid_token:
            challenge += f', error="invalid_token", error_description="{detail.render("en")}"'
        super().__init__(
            detail,
            401,
            "unauthorized",
            m.TITLE_UNAUTHORIZED,
            headers={"WWW-Authenticate": challenge},
        )


class Forbidden(DomainError):
    """403: a valid principal acting outside its role or scope."""

    def __init__(self, detail: Localized) -> None:
        super().__init__(detail, 403, "forbidden", m.TITLE_FORBIDDEN)
