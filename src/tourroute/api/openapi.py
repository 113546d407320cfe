"""OpenAPI snippets shared by the routers: problem+json responses, 304, 201, If-Match.

Only the document changes with these, never behaviour: routes list the problem statuses
they answer in ``responses=`` (ARCHITECTURE.md), built from the pieces below.

>>> problem_responses(404, described={422: "Invalid parameter"})[422]["description"]
'Invalid parameter'
>>> list(pick(write_errors("site", forbidden="No", taken="slug"), 401, 404))
[401, 404]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Header

from tourroute.api.errors import PROBLEM_JSON

Responses = dict[int | str, dict[str, Any]]
"""The type of a route's ``responses=``: status (or ``"4XX"``) → OpenAPI response object."""

PROBLEM: dict[str, Any] = {"content": {PROBLEM_JSON: {}}}
"""An RFC 9457 problem+json response, without a description of its own."""

NOT_MODIFIED: dict[str, Any] = {"description": "Not modified"}
"""The 304 of a conditional GET (If-None-Match)."""

CREATED_WITH_LOCATION: Responses = {201: {"headers": {"Location": {"schema": {"type": "string"}}}}}
"""A 201 that names the new resource in its ``Location`` header."""

UNAUTHORIZED = "No, invalid, expired or revoked bearer token"


def problem(description: str | None = None) -> dict[str, Any]:
    """One problem+json response, described when ``description`` is given."""
    if description is None:
        return dict(PROBLEM)
    return {"description": description, **PROBLEM}


def problem_responses(
    *statuses: int | str, described: Mapping[int | str, str] | None = None
) -> Responses:
    """problem+json for each of ``statuses`` (undescribed) and each of ``described``."""
    responses: Responses = {status: problem() for status in statuses}
    for status, description in (described or {}).items():
        responses[status] = problem(description)
    return responses


def write_errors(
    noun: str,
    *,
    forbidden: str,
    taken: str,
    not_found: str | None = None,
    invalid: str = "Invalid body (the offending fields are listed)",
) -> Responses:
    """The problems of a curation write on a versioned resource (a ``noun``) with If-Match.

    ``forbidden`` describes the 403, ``taken`` names the key a create may find taken (409),
    ``not_found`` (default "No such ``noun``") the 404 and ``invalid`` the 422.
    """
    return problem_responses(
        described={
            401: UNAUTHORIZED,
            403: forbidden,
            404: not_found or f"No such {noun}",
            409: f"Not allowed in the {noun}'s current state, or the {taken} is taken",
            412: f"If-Match is stale: the {noun} changed since it was read",
            422: invalid,
            428: "If-Match is missing",
        }
    )


def pick(responses: Responses, *statuses: int | str) -> Responses:
    """The responses of ``statuses`` only, in the order of ``responses``."""
    return {status: r for status, r in responses.items() if status in statuses}


def if_match_header(description: str) -> Any:
    """The ``If-Match`` request header of a write: ``Annotated[str | None, if_match_header(…)]``.

    Optional in the signature so that a missing header is the service's 428, not a 422.
    """
    return Header(alias="If-Match", description=description)
