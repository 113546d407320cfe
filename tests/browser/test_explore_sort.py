"""Explore's list order is the user's choice: by interest, or by name in Vietnamese collation.

The list used to come in slug order, which reads as random. Names are compared with
``Intl.Collator('vi')``: Đ is a letter after D, Ă and Â come after A (Chromium's ICU data is
checked first, so a build without it fails here rather than passing by accident). The order
is checked against an independent key: the Vietnamese alphabet with tones ignored.
"""

from __future__ import annotations

import unicodedata

import httpx2
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot
from tests.browser.ui import open_screen, tid

pytestmark = pytest.mark.browser

# The Vietnamese alphabet, with the Latin letters it does not use in their Latin places.
ALPHABET = list("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _letters(text: str) -> list[str]:
    """The Vietnamese letters of a text, tones dropped (ơ, ư, ê… kept as letters)."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text.lower()):
        if ch in _TONES:
            continue
        if unicodedata.combining(ch) and out:
            base = out[-1]
            out[-1] = unicodedata.normalize("NFC", base + ch)
            continue
        out.append(ch)
    return out


def primary_key(text: str) -> tuple[tuple[int, int], ...]:
    """What ICU compares first: spaces < punctuation and symbols < numbers < letters (vi order).

    A run of digits is one number (the console's collator is ``numeric``: 9 before 10).
    """
    key: list[tuple[int, int]] = []
    digits = ""
    for ch in [*_letters(text), ""]:
        if ch.isdigit():
            digits += ch
            continue
        if digits:
            key.append((2, int(digits)))
            digits = ""
        if not ch:
            break
        if ch in ALPHABET:
            key.append((3, ALPHABET.index(ch)))
        elif ch.isspace():
            key.append((0, 0))
        else:
            key.append((1, 0))  # any punctuation or symbol: not ordered among themselves here
    return tuple(key)


def _shown(page: Page) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = tid(page, "search-result").evaluate_all(
        "els => els.map(e => ({slug: e.dataset.slug, interest: e.dataset.interest,"
        " name: e.querySelector('.r-name').firstChild.textContent}))"
    )
    return rows


def test_chromium_collates_vietnamese(page: Page) -> None:
    open_screen(page, "explore")
    ordered = page.evaluate(
        "() => ['Đa', 'Ba', 'Âa', 'Dz', 'Ăa', 'Az', 'Ea', 'Êa', 'Ơa', 'Oz', 'Ôa', 'Ưa', 'Uz']"
        ".sort(new Intl.Collator('vi').compare)"
    )
    assert ordered == ["Az", "Ăa", "Âa", "Ba", "Dz", "Đa", "Ea", "Êa", "Oz", "Ôa", "Ơa", "Uz", "Ưa"]
    assert sorted(ordered, key=primary_key) == ordered


def test_the_list_follows_the_chosen_order(page: Page, api: httpx2.Client) -> None:
    open_screen(page, "explore")
    results = tid(page, "search-results")
    expect(tid(page, "search-result").first).to_be_visible()
    sort = tid(page, "explore-sort")
    expect(sort).to_have_value("interest")
    expect(results).to_have_attribute("data-sort", "interest")

    by_interest = _shown(page)
    scores = [float(r["interest"]) if r["interest"] else -1.0 for r in by_interest]
    assert scores == sorted(scores, reverse=True), scores[:20]
    # The most interesting published attraction comes first.
    attractions = api.get("/v1/sites", params={"kind": "attraction", "limit": 500}).json()["items"]
    best = max(a["interest_score"] or -1 for a in attractions)
    assert scores[0] == best

    sort.select_option("name")
    expect(results).to_have_attribute("data-sort", "name")
    by_name = _shown(page)
    keys = [primary_key(r["name"]) for r in by_name]
    for i in range(len(keys) - 1):
        a, b = by_name[i]["name"], by_name[i + 1]["name"]
        assert keys[i] <= keys[i + 1], f"{a!r} listed before {b!r}"
    # Đ after D: every name in D comes before every name in Đ (when both are listed).
    initials = [_letters(r["name"])[0] for r in by_name]
    if "d" in initials and "đ" in initials:
        assert max(i for i, x in enumerate(initials) if x == "d") < initials.index("đ")
    assert [r["slug"] for r in by_name] != [r["slug"] for r in by_interest]
    assert [r["slug"] for r in by_name] != sorted(r["slug"] for r in by_name)
    shot(page, "explore-sorted-by-name")

    # The order is kept when the language changes (names re-sorted in the other language).
    tid(page, "lang-toggle").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(sort).to_have_value("name")
    by_english = _shown(page)
    english = [primary_key(r["name"]) for r in by_english]
    assert english == sorted(english)
