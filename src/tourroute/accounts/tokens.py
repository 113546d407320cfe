"""API tokens: generated at random, shown once, stored only as a keyed hash.

A token reads ``trt_<prefix>_<secret>``: ``prefix`` is 12 hex digits that identify the row
(shown in listings and accepted by ``revoke-token``; not secret), ``secret`` is 256 random
bits.  The database keeps ``HMAC-SHA256(token_secret, token)`` and never the token.

Why a fast keyed hash and not argon2/bcrypt: password hashes are deliberately slow because
passwords are guessable, and slowness multiplies the cost of each guess.  A token of 256
random bits cannot be guessed however fast the hash is, so a slow hash would add no security
— only ~100 ms of CPU to *every* authenticated request, which is itself a denial-of-service
lever.  HMAC with a server-side key (``Settings.token_secret``, kept outside the database)
also means a stolen database dump alone does not let anyone test candidate tokens offline.
The prefix makes the lookup a unique-index probe; the comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

__all__ = ["TOKEN_PREFIX", "NewToken", "hash_token", "new_token", "token_prefix"]

TOKEN_PREFIX = "trt_"  # noqa: S105 - a public marker that makes leaked tokens greppable
_TOKEN_RE = re.compile(r"^trt_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class NewToken:
    token: str  # give to the client once; never stored
    prefix: str
    token_hash: str


def hash_token(secret_key: str, token: str) -> str:
    """Hex HMAC-SHA256 of ``token`` under the server's ``secret_key``."""
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def new_token(secret_key: str) -> NewToken:
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return NewToken(token, prefix, hash_token(secret_key, token))


def token_prefix(token: str) -> str | None:
    """The lookup prefix of a well-formed token, or ``None`` for anything else.

    >>> token_prefix("trt_0123456789ab_" + "x" * 43)
    '0123456789ab'
    >>> token_prefix("not-a-token") is None
    True
    """
    match = _TOKEN_RE.match(token)
    return match.group(1) if match else None
