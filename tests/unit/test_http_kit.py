"""The HTTP kit's ETag, conditional-response and paging helpers (tourroute.api)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from starlette.requests import Request

from tourroute.api.conditional import private_versioned_json, versioned_json
from tourroute.api.http import cached_json, etag_matches, strong_etag, tagged_response
from tourroute.api.paging import CursorCodec, CursorPaging, PageLinks, url_with
from tourroute.db.versioned import version_etag
from tourroute.errors import InvalidParameter


def _request(
    path: str = "/v1/things", query: str = "", method: str = "GET", **headers: str
) -> Request:
    scope: dict[str, Any] = {
        "type": "http",
        "method": method,
        "scheme": "http",
        "server": ("test", 80),
        "path": path,
        "query_string": query.encode(),
        "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }
    return Request(scope)


def test_strong_etags() -> None:
    body = b'{"a":1}'
    plain = strong_etag(body)
    assert plain == '"' + hashlib.sha256(body).hexdigest()[:32] + '"'  # the wire format
    assert strong_etag(body, coding="gzip") == plain[:-1] + '-gzip"'
    assert strong_etag(body, version=4) == version_etag(4, body)


@pytest.mark.parametrize(
    ("header", "expected"),
    [('"a"', True), ('W/"a"', True), ('"b", "a"', True), ("*", True), ('"b"', False)],
)
def test_etag_matches(header: str, expected: bool) -> None:
    assert etag_matches(header, '"a"') is expected


def test_cached_json_answers_304_to_a_matching_if_none_match() -> None:
    first = cached_json(_request(), {"x": "ở"})
    assert first.status_code == 200
    assert first.body == '{"x":"ở"}'.encode()
    again = cached_json(_request(if_none_match=first.headers["etag"]), {"x": "ở"})
    assert again.status_code == 304
    assert again.headers["etag"] == first.headers["etag"]


def test_a_download_without_vary() -> None:
    etag = strong_etag(b"BEGIN:VCALENDAR")
    headers = {"Content-Disposition": 'attachment; filename="t.ics"'}
    response = tagged_response(
        _request(), b"BEGIN:VCALENDAR", "text/calendar", etag, headers=headers, vary=None
    )
    assert "vary" not in response.headers
    assert response.headers["content-disposition"] == headers["Content-Disposition"]
    again = _request(if_none_match=etag)
    assert tagged_response(again, b"", "text/calendar", etag, vary=None).status_code == 304


def test_versioned_json_answers_304_only_to_reads() -> None:
    tag = versioned_json(_request(), {"v": 1}, 3).headers["etag"]
    assert tag.startswith('"v3-')
    assert versioned_json(_request(if_none_match=tag), {"v": 1}, 3).status_code == 304
    write = _request(method="POST", if_none_match=tag)
    assert versioned_json(write, {"v": 1}, 3, status_code=201).status_code == 201


def test_private_versioned_json_is_never_shared() -> None:
    response = private_versioned_json(
        _request(), {"v": 1}, 2, vary="Accept, Authorization", headers={"Location": "/x"}
    )
    assert response.headers["cache-control"] == "private, no-cache"
    assert response.headers["vary"] == "Accept, Authorization"
    assert response.headers["location"] == "/x"


def test_cursor_paging_links_the_next_page_of_its_own_query() -> None:
    codec = CursorCodec("secret")
    first = CursorPaging(_request(query="q=hue&limit=2"), codec, None, {"q": "hue"})
    assert (first.position, first.offset) == (None, 0)
    links = first.page_links(2)
    assert links.self_url == "http://test/v1/things?q=hue&limit=2"
    assert links.next_url is not None
    assert links.headers == {"Link": f'<{links.next_url}>; rel="next"'}
    cursor = links.next_url.split("cursor=")[1]
    second = CursorPaging(_request(query=f"cursor={cursor}"), codec, cursor, {"q": "hue"})
    assert second.offset == 2
    with pytest.raises(InvalidParameter, match="different query"):
        CursorPaging(_request(), codec, cursor, {"q": "vinh"})


def test_the_page_envelope() -> None:
    last = PageLinks("http://test/x", None)
    assert last.headers == {}
    assert last.envelope([1, 2], 5, {"type": None}, attribution="OSM") == {
        "items": [1, 2],
        "count": 2,
        "limit": 5,
        "next": None,
        "links": [{"rel": "self", "href": "http://test/x", "type": None}],
        "attribution": "OSM",
    }
    more = PageLinks("http://test/x", "http://test/x?cursor=c")
    assert [link["rel"] for link in more.envelope([], 5)["links"]] == ["self", "next"]
    assert more.links() == [
        {"rel": "self", "href": "http://test/x"},
        {"rel": "next", "href": "http://test/x?cursor=c"},
    ]


def test_url_with_keeps_the_other_parameters() -> None:
    request = _request(query="limit=10&offset=0&f=json")
    assert url_with(request, offset=10) == "http://test/v1/things?limit=10&f=json&offset=10"
