"""``/docs`` and ``/redoc`` load every script, stylesheet and icon from this server, so they
work on a network without a CDN (tourroute.api.docs)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

_MIN_BYTES = {"javascript": 100_000, "css": 10_000, "image": 100}


class _Assets(HTMLParser):
    """The URLs of ``<script src>`` and ``<link href>`` in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href"}.get(tag)
        for name, value in attrs:
            if name == wanted and value is not None:
                self.urls.append((tag, value))


def _assets_of(html: str) -> list[tuple[str, str]]:
    parser = _Assets()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("/docs", {"swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"}),
        ("/redoc", {"redoc.standalone.js", "favicon.png"}),
    ],
)
def test_docs_pages_load_only_same_origin_assets(
    client: TestClient, page: str, expected: set[str]
) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    # No CDN, no web fonts, no validator badge: nothing absolute anywhere in the page.
    assert "http://" not in html
    assert "https://" not in html
    assert "openapi.json" in html
    assets = _assets_of(html)
    assert {url.rsplit("/", 1)[-1] for _, url in assets} == expected
    for tag, url in assets:
        assert url.startswith("/"), url  # same origin: a path on this server
        assert not url.startswith("//"), url
        served = client.get(url)
        assert served.status_code == 200, url
        kind = served.headers["content-type"]
        if tag == "script":
            assert "javascript" in kind, (url, kind)
        elif url.endswith(".css"):
            assert kind.startswith("text/css"), (url, kind)
        else:
            assert kind.startswith("image/"), (url, kind)
        family = next(k for k in _MIN_BYTES if k in kind)
        assert len(served.content) >= _MIN_BYTES[family], (url, len(served.content))


def test_swagger_ui_bundle_is_the_real_thing(client: TestClient) -> None:
    """The bundle defines what the page calls; the ReDoc bundle registers ``Redoc``."""
    swagger = client.get("/docs-assets/swagger-ui-bundle.js").text
    assert "SwaggerUIBundle" in swagger
    assert "SwaggerUIStandalonePreset" in client.get("/docs").text
    assert "Redoc" in client.get("/docs-assets/redoc.standalone.js").text


def test_oauth2_redirect_page_and_missing_assets(client: TestClient) -> None:
    redirect = client.get("/docs/oauth2-redirect")
    assert redirect.status_code == 200
    assert redirect.headers["content-type"].startswith("text/html")
    assert "https://" not in redirect.text
    assert "<script src" not in redirect.text
    assert client.get("/docs-assets/no-such-file.js").status_code == 404
    assert client.get("/docs-assets/..%2F__init__.py").status_code == 404


def test_docs_urls_stay_known_to_the_app(client: TestClient) -> None:
    """What reads ``app.docs_url`` (the OGC landing page's service-doc link) still finds it."""
    app = cast(FastAPI, client.app)
    assert (app.docs_url, app.redoc_url) == ("/docs", "/redoc")
    paths = client.get("/openapi.json").json()["paths"]
    assert not any(p.startswith(("/docs", "/redoc")) for p in paths)
