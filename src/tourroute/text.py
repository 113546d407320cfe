"""Text folding for accent-, case- and normalisation-insensitive search of Vietnamese names.

Vietnamese letters are stored precomposed (NFC); clients may send decomposed (NFD) text or
none of the diacritics at all.  Two keys are derived from every searchable name:

* the *exact* key keeps the diacritics and only unifies Unicode form and case, and
* the *folded* key drops every diacritic (``đ`` → ``d`` included), so ``dong loc`` finds
  ``Ngã ba Đồng Lộc``.

Both are computed in Python, never by the database, because SQLite's ``lower()`` only knows
ASCII and the two backends disagree on collation.

>>> exact_key("THÀNH NHÀ HỒ") == exact_key("thành nhà hồ")
True
>>> folded_key("Ngã ba Đồng Lộc")
'nga ba dong loc'
>>> folded_key(unicodedata.normalize("NFD", "Thành nhà Hồ"))
'thanh nha ho'
"""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

__all__ = ["exact_key", "folded_key", "search_tokens"]

_SPACES = re.compile(r"\s+")


def exact_key(text: str) -> str:
    """NFC, case-folded, whitespace-collapsed; diacritics kept."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).casefold()).strip()


def folded_key(text: str) -> str:
    """Like :func:`exact_key` but with every diacritic removed (``Đ``/``đ`` → ``d``)."""
    return _SPACES.sub(" ", unidecode(unicodedata.normalize("NFC", text)).casefold()).strip()


def search_tokens(query: str) -> list[str]:
    """Folded, de-duplicated words of a query, longest first (the most selective)."""
    words = {w for w in re.split(r"[^0-9a-z]+", folded_key(query)) if w}
    return sorted(words, key=lambda w: (-len(w), w))
