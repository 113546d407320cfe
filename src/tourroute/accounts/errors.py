"""Authentication and authorization failures, as members of the one domain error hierarchy."""

from __future__ import annotations

from tourroute.errors import DomainError


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
