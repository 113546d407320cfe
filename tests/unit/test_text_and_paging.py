"""Pure helpers: text folding, cursors, parameter parsing."""

from __future__ import annotations

import unicodedata

import pytest

from tourroute.api.paging import CursorCodec, query_fingerprint
from tourroute.api.params import parse_bbox
from tourroute.errors import InvalidParameter
from tourroute.geo import parse_lon_lat
from tourroute.text import exact_key, folded_key, search_tokens


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Thành nhà Hồ", "thanh nha ho"),
        ("THÀNH NHÀ HỒ", "thanh nha ho"),
        (unicodedata.normalize("NFD", "Thành nhà Hồ"), "thanh nha ho"),
        ("Ngã ba Đồng Lộc", "nga ba dong loc"),
        ("đỉnh Pu Xai Lai Leng", "dinh pu xai lai leng"),
        ("Hải Thượng Lãn Ông", "hai thuong lan ong"),
    ],
)
def test_folded_key(text: str, folded: str) -> None:
    assert folded_key(text) == folded


def test_exact_key_keeps_diacritics_but_unifies_form_and_case() -> None:
    assert exact_key(unicodedata.normalize("NFD", "HỒ")) == "hồ" != exact_key("ho")


def test_search_tokens() -> None:
    assert search_tokens("  Thành nhà-Hồ, thành ") == ["thanh", "nha", "ho"]
    assert search_tokens("%%__") == []


def test_cursor_round_trip_and_rejections() -> None:
    codec = CursorCodec("secret-one")
    fp = query_fingerprint({"q": "x"})
    cursor = codec.encode(40, fp)
    assert codec.decode(cursor, fp) == 40
    with pytest.raises(InvalidParameter):
        CursorCodec("secret-two").decode(cursor, fp)
    with pytest.raises(InvalidParameter):
        codec.decode(cursor, query_fingerprint({"q": "y"}))
    with pytest.raises(InvalidParameter):
        codec.decode("!!!", fp)


def test_fingerprint_ignores_unset_values() -> None:
    assert query_fingerprint({"a": 1, "b": None}) == query_fingerprint({"a": 1})


def test_parse_bbox_and_point() -> None:
    assert parse_bbox("105,18,106,19") == (105, 18, 106, 19)
    assert parse_lon_lat("105.6,20.1", (102, 16, 109, 22)) == (105.6, 20.1)
    with pytest.raises(InvalidParameter, match="far outside"):
        parse_lon_lat("2.35,48.85", (102, 16, 109, 22))
