"""Every operation of the OpenAPI document, fed generated input: never a 5xx.

Schemathesis draws requests from the schema (valid and, for bodies and parameters, also
schema-violating ones) and sends them to the app on the test database, inside the test's
rolled-back transaction. Writes carry a Thanh Hóa curator's token so that they get past
authentication and exercise validation, authorization and the database. What this found
the first time it ran: a ``day_start`` with a UTC offset crashed the itinerary request
(naive vs aware time comparison), now a 422.

The number of examples per operation is small so the suite stays quick
(``TOURROUTE_FUZZ_EXAMPLES`` raises it, e.g. to 200 before a release).
"""

from __future__ import annotations

import os
from typing import Any

import httpx2
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from tests.api.conftest import Accounts
from tourroute.app import create_app
from tourroute.config import Settings

EXAMPLES = int(os.environ.get("TOURROUTE_FUZZ_EXAMPLES", "5"))


# The document does not depend on the database: read it once from an app with default
# settings; the requests go to the test's own app (``client``) on the test database.
schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error(
    case: schemathesis.Case[Any], client: TestClient, accounts: Accounts
) -> None:
    auth = accounts.headers("curator-own") if case.method != "GET" else {}
    kwargs = case.as_transport_kwargs(base_url=str(client.base_url), headers=auth)
    try:
        response = client.request(**_httpx_kwargs(kwargs))
    except httpx2.InvalidURL:
        return  # longer than any HTTP client sends (and uvicorn refuses such a request line)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} query={case.query} body={case.body!r} → "
        f"{response.status_code}: {response.text[:400]}"
    )
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json"), (
            f"{case.method} {case.formatted_path} → {response.status_code} "
            f"without problem+json: {response.headers['content-type']}"
        )


def _httpx_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Schemathesis speaks ``requests``; the test client speaks httpx."""
    out: dict[str, Any] = {
        k: kwargs[k] for k in ("method", "url", "headers", "params", "json") if k in kwargs
    }
    if "data" in kwargs:
        out["content"] = kwargs["data"]
    if kwargs.get("cookies"):  # the API reads no cookies; send them as a header
        out.setdefault("headers", {})["Cookie"] = "; ".join(
            f"{k}={v}" for k, v in kwargs["cookies"].items()
        )
    return out
