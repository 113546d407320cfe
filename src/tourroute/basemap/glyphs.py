"""The glyph ranges built by ``sdf_glyphs`` (``make console``), looked up for serving.

The build writes ``<glyphs_dir>/<fontstack>/<start>-<end>.pbf`` and an ``index.json``
naming each font stack and the ranges it covers. A request names a font stack as MapLibre
does, the style's ``text-font`` list joined with commas; the first font of the list we
have answers (the style only ever names one). A well-formed range the font has no glyph
in answers an empty stack, which is the truth and keeps MapLibre from logging errors.
No web framework here; ``basemap/router.py`` is the HTTP side.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tourroute.basemap.glyph_pbf import encode_range
from tourroute.errors import InvalidParameter, NotFound, ServiceUnavailable
from tourroute.i18n import messages as msgs

__all__ = ["GlyphRange", "glyph_range", "parse_range"]

INDEX_FILE = "index.json"
_RANGE = re.compile(r"^(\d{1,5})-(\d{1,5})$")
_LAST_START = 0xFF00  # MapLibre asks for the Basic Multilingual Plane only


@dataclass(frozen=True)
class GlyphRange:
    """One range's protobuf, the font stack that answered and the bytes' strong ETag."""

    data: bytes
    fontstack: str
    etag: str


def parse_range(text: str) -> int:
    """The start of ``"<start>-<start+255>"``; 422 for anything else."""
    match = _RANGE.match(text)
    if match is None:
        raise InvalidParameter("range", msgs.GLYPH_RANGE_FORM(), "path")
    start, end = int(match[1]), int(match[2])
    if start % 256 or end != start + 255 or start > _LAST_START:
        raise InvalidParameter("range", msgs.GLYPH_RANGE_SPAN(), "path")
    return start


@lru_cache(maxsize=4)
def _index(path: Path, mtime_ns: int) -> dict[str, frozenset[str]]:
    del mtime_ns  # part of the cache key only: a rebuild is read anew
    document = json.loads(path.read_text(encoding="utf-8"))
    return {f["fontstack"]: frozenset(f["ranges"]) for f in document["fonts"]}


@lru_cache(maxsize=512)
def _read(path: Path, mtime_ns: int) -> bytes:
    del mtime_ns
    return path.read_bytes()


def glyph_range(glyphs_dir: Path, fontstack: str, range_text: str) -> GlyphRange:
    """The glyphs of ``range_text`` (``0-255``) for the first known font of ``fontstack``."""
    start = parse_range(range_text)
    index_path = glyphs_dir / INDEX_FILE
    try:
        fonts = _index(index_path, index_path.stat().st_mtime_ns)
    except (OSError, ValueError, KeyError):
        raise ServiceUnavailable(msgs.GLYPHS_NOT_BUILT(path=str(index_path))) from None
    names = [name.strip() for name in fontstack.split(",")]
    name = next((n for n in names if n in fonts), None)
    if name is None:
        raise NotFound(msgs.FONT_STACK_UNKNOWN(fontstack=fontstack, known=", ".join(sorted(fonts))))
    key = f"{start}-{start + 255}"
    if key in fonts[name]:
        path = glyphs_dir / name / f"{key}.pbf"
        try:
            data = _read(path, path.stat().st_mtime_ns)
        except OSError:
            raise ServiceUnavailable(msgs.GLYPHS_INCOMPLETE(path=str(path))) from None
    else:
        data = encode_range(name, start, ())
    return GlyphRange(data, name, '"' + hashlib.blake2b(data, digest_size=16).hexdigest() + '"')
