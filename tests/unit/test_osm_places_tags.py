"""The pure tag mapping of ``tourroute import osm-places`` (no file, no database)."""

from __future__ import annotations

import re
import unicodedata

import pytest

from tourroute.sites.domain import SiteKind
from tourroute.sites.osm_places import PlaceSkip, PlaceTags, map_place_tags, place_slug
from tourroute.sites.schemas import SLUG_PATTERN


def _mapped(**tags: str) -> PlaceTags:
    out = map_place_tags({"name": "Nơi nghỉ", **tags})
    assert isinstance(out, PlaceTags), out
    return out


@pytest.mark.parametrize(
    ("tourism", "kind"),
    [
        ("hotel", SiteKind.lodging),
        ("motel", SiteKind.lodging),
        ("hostel", SiteKind.lodging),
        ("guest_house", SiteKind.lodging),
        ("apartment", SiteKind.lodging),
        ("chalet", SiteKind.lodging),
        ("camp_site", SiteKind.campsite),
        ("caravan_site", SiteKind.campsite),
        ("hotel;restaurant", SiteKind.lodging),  # the first of a multi-value tag
    ],
)
def test_accommodation_kinds(tourism: str, kind: SiteKind) -> None:
    assert _mapped(tourism=tourism).kind is kind


@pytest.mark.parametrize("tourism", ["museum", "attraction", "viewpoint", "camp_pitch", ""])
def test_everything_else_is_skipped(tourism: str) -> None:
    assert map_place_tags({"tourism": tourism, "name": "X"}) is PlaceSkip.not_accommodation
    assert map_place_tags({"amenity": "hotel", "name": "X"}) is PlaceSkip.not_accommodation


@pytest.mark.parametrize(
    ("tags", "overnight"),
    [
        ({"tourism": "caravan_site"}, True),
        ({"tourism": "caravan_site", "motorhome": "no"}, False),
        ({"tourism": "caravan_site", "caravans": "no"}, False),
        ({"tourism": "caravan_site", "caravans": "no", "motorhome": "yes"}, True),
        ({"tourism": "camp_site"}, False),
        ({"tourism": "camp_site", "caravans": "yes"}, True),
        ({"tourism": "camp_site", "motorhome": "yes"}, True),
        ({"tourism": "camp_site", "motorhome": "designated"}, True),
        ({"tourism": "camp_site", "caravans": "yes", "motorhome": "no"}, False),
        ({"tourism": "camp_site", "caravans": "no"}, False),
        ({"tourism": "hotel", "caravans": "yes", "motorhome": "yes"}, False),
    ],
)
def test_caravan_flags(tags: dict[str, str], overnight: bool) -> None:
    t = _mapped(**tags)
    assert t.motorhome_overnight is overnight
    assert t.motorhome_parking is overnight


@pytest.mark.parametrize(
    "tags", [{"tourism": "hotel", "bus": "yes"}, {"tourism": "caravan_site", "coach": "yes"}]
)
def test_coach_parking_is_never_guessed(tags: dict[str, str]) -> None:
    assert _mapped(**tags).coach_parking is False


def test_names() -> None:
    both = map_place_tags(
        {"tourism": "hotel", "name": "Khách sạn Sông Lam", "name:en": "Song Lam Hotel"}
    )
    assert isinstance(both, PlaceTags)
    assert (both.name_vi, both.name_en) == ("Khách sạn Sông Lam", "Song Lam Hotel")

    vi_tag = map_place_tags({"tourism": "hotel", "name": "Song Lam", "name:vi": "Sông Lam"})
    assert isinstance(vi_tag, PlaceTags)
    assert (vi_tag.name_vi, vi_tag.name_en) == ("Sông Lam", "Song Lam")

    only_en = map_place_tags({"tourism": "hostel", "name:en": "  Beach   Hostel "})
    assert isinstance(only_en, PlaceTags)
    assert (only_en.name_vi, only_en.name_en) == ("Beach Hostel", "Beach Hostel")

    decomposed = map_place_tags({"tourism": "motel", "name": unicodedata.normalize("NFD", "Hồ")})
    assert isinstance(decomposed, PlaceTags)
    assert decomposed.name_vi == "Hồ"  # stored precomposed (NFC), as every name

    long = map_place_tags({"tourism": "motel", "name": "x" * 400})
    assert isinstance(long, PlaceTags)
    assert len(long.name_vi) == 300


@pytest.mark.parametrize(
    "tags",
    [
        {"tourism": "guest_house"},
        {"tourism": "guest_house", "name": "   "},
        {"tourism": "guest_house", "brand": "OYO", "operator": "OYO"},
    ],
)
def test_unnamed_is_skipped(tags: dict[str, str]) -> None:
    assert map_place_tags(tags) is PlaceSkip.unnamed


def test_opening_hours_kept_when_valid() -> None:
    t = _mapped(tourism="camp_site", opening_hours=" Mo-Su 06:00-22:00 ")
    assert (t.opening_hours, t.hours_dropped) == ("Mo-Su 06:00-22:00", False)
    assert _mapped(tourism="hotel", opening_hours="24/7").opening_hours == "24/7"
    none = _mapped(tourism="hotel")
    assert (none.opening_hours, none.hours_dropped) == (None, False)


@pytest.mark.parametrize("bad", ["cả ngày", "Mo-Su 25:00-26:00 xyz", "7h-22h hằng ngày", "8h-22h"])
def test_bad_opening_hours_are_dropped_and_flagged(bad: str) -> None:
    t = _mapped(tourism="hotel", opening_hours=bad)
    assert (t.opening_hours, t.hours_dropped) == (None, True)


@pytest.mark.parametrize(
    ("name", "ref", "slug"),
    [
        ("Khách sạn Mường Thanh", "osm:n123456", "khach-san-muong-thanh-osm-n123456"),
        ("Đồi Thông — Camping & Caravans", "osm:w42", "doi-thong-camping-caravans-osm-w42"),
        ("???", "osm:n1", "osm-n1"),
        ("a" * 300, "osm:w9876543210", "a" * (120 - len("-osm-w9876543210")) + "-osm-w9876543210"),
    ],
)
def test_slugs(name: str, ref: str, slug: str) -> None:
    assert place_slug(name, ref) == slug
    assert re.match(SLUG_PATTERN, slug)
    assert 2 <= len(slug) <= 120
