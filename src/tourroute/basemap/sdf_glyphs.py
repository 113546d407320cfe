"""Build-time generator of the map's text glyphs: SDF glyph PBF ranges from a local font.

MapLibre draws text from signed-distance-field bitmaps fetched in ranges of 256
codepoints (``{fontstack}/{start}-{end}.pbf``). We make them ourselves, at build time
(``make console``, the Dockerfile), from Debian's DejaVu Sans (fonts-dejavu-core; the
DejaVu/Bitstream Vera licence allows derived works to be redistributed), so the console
needs no font CDN: Vietnamese needs Latin-1, Latin Extended-A/B (ă, đ, ơ, ư, ĩ),
combining marks and Latin Extended Additional (U+1E00–1EFF: ệ, ố, ừ …). We write every
range the font covers in the Basic Multilingual Plane, so no label ever asks for a range
that is missing.

The format is the MapLibre glyph protocol (node-fontnik's conventions, which MapLibre's
shader expects): glyphs rendered at 24 px with a 3 px buffer around each bitmap, the
distance field spanning 8 px with the outline at 0.75 of the byte range (byte =
255 − 255·(d/8 + 0.25), d the signed distance in px, positive outside), ``top`` measured
from the ascender. The field comes from an outline rasterised at 4× and exact Euclidean
distance transforms (scipy) of its inside and outside, averaged down to 24 px. The
protobuf (``glyphs { stacks { name, range, glyphs { id, bitmap, width, height, left, top,
advance } } }``) is a few varints and strings, written here by hand.

Run: ``python -m tourroute.basemap.sdf_glyphs OUT_DIR [FONT.ttf …]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import freetype
import numpy as np
import numpy.typing as npt
from freetype.ft_enums import FT_LOAD_NO_BITMAP, FT_LOAD_NO_HINTING, FT_LOAD_RENDER
from scipy.ndimage import distance_transform_edt

from tourroute.basemap.glyph_pbf import Glyph, encode_range

__all__ = [
    "DEFAULT_FONTS",
    "FONT_SIZE_PX",
    "VIETNAMESE_RANGES",
    "build",
    "fontstack_name",
    "render_glyph",
]

FONT_SIZE_PX = 24
BUFFER_PX = 3
RADIUS_PX = 8.0
CUTOFF = 0.25
OVERSAMPLE = 4
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
DEFAULT_FONTS = (DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf")
# The range starts Vietnamese text needs (Latin-1, Latin Extended-A/B, spacing modifiers,
# combining marks, Latin Extended Additional, general punctuation).
VIETNAMESE_RANGES = (0, 256, 512, 768, 7680, 8192)
INDEX_FILE = "index.json"
_LAST_BMP_RANGE = 0xFF00


def fontstack_name(face: freetype.Face) -> str:
    """'DejaVu Sans Book': family and style, as MapLibre styles name a font."""
    family = (face.family_name or b"").decode("utf-8", "replace")
    style = (face.style_name or b"").decode("utf-8", "replace")
    return f"{family} {style}".strip()


def _open_face(path: Path) -> freetype.Face:
    face = freetype.Face(str(path))
    face.set_char_size(FONT_SIZE_PX * 64)
    return face


def _signed_distance(inside: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
    """Distance (in pixels) from each pixel centre to the outline: > 0 outside, < 0 in."""
    if not inside.any():
        return np.full(inside.shape, np.inf)
    outside_d = distance_transform_edt(~inside)
    inside_d = distance_transform_edt(inside)
    # The outline runs between the last pixel in and the first out: half a pixel each way.
    return np.where(inside, -(np.asarray(inside_d) - 0.5), np.asarray(outside_d) - 0.5)


def render_glyph(face: freetype.Face, hires: freetype.Face, codepoint: int) -> Glyph:
    """Render one character of ``face`` (24 px) with ``hires`` (the same font at 4×)."""
    flags = FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP
    face.load_char(codepoint, flags)
    slot = face.glyph
    # ctypes hands the 26.6 values out as Python ints (the stubs say c_long).
    advance = math.floor(cast(int, slot.advance.x) / 64 + 0.5)
    ascender = math.floor(face.size.ascender / 64 + 0.5)
    box = slot.outline.get_cbox()
    x_min, y_min = math.floor(box.xMin / 64), math.floor(box.yMin / 64)
    x_max, y_max = math.ceil(box.xMax / 64), math.ceil(box.yMax / 64)
    width, height = x_max - x_min, y_max - y_min
    if width <= 0 or height <= 0 or slot.outline.n_points == 0:
        return Glyph(codepoint, b"", 0, 0, 0, -ascender, advance)

    # The outline at 4× on a canvas aligned with the 24 px grid (buffer included).
    hires.load_char(codepoint, flags | FT_LOAD_RENDER)
    bitmap = hires.glyph.bitmap
    cols, rows = width + 2 * BUFFER_PX, height + 2 * BUFFER_PX
    canvas = np.zeros((rows * OVERSAMPLE, cols * OVERSAMPLE), dtype=np.uint8)
    if bitmap.width and bitmap.rows:
        pixels = np.array(bitmap.buffer, dtype=np.uint8).reshape(bitmap.rows, bitmap.pitch)
        pixels = pixels[:, : bitmap.width]
        col0 = hires.glyph.bitmap_left - (x_min - BUFFER_PX) * OVERSAMPLE
        row0 = (y_max + BUFFER_PX) * OVERSAMPLE - hires.glyph.bitmap_top
        r0, c0 = max(row0, 0), max(col0, 0)
        r1 = min(row0 + bitmap.rows, canvas.shape[0])
        c1 = min(col0 + bitmap.width, canvas.shape[1])
        canvas[r0:r1, c0:c1] = pixels[r0 - row0 : r1 - row0, c0 - col0 : c1 - col0]
    distance = _signed_distance(canvas >= 128) / OVERSAMPLE
    # Average each 4×4 block: the distance at the 24 px pixel's centre.
    cells = distance.reshape(rows, OVERSAMPLE, cols, OVERSAMPLE).mean(axis=(1, 3))
    values = np.clip(np.rint(255 - 255 * (cells / RADIUS_PX + CUTOFF)), 0, 255)
    return Glyph(
        codepoint,
        values.astype(np.uint8).tobytes(),
        width,
        height,
        x_min,
        y_max - ascender,
        advance,
    )


# --- the build -------------------------------------------------------------------------


def _covered(face: freetype.Face) -> dict[int, list[int]]:
    """Codepoints of the Basic Multilingual Plane the font maps, by range start."""
    ranges: dict[int, list[int]] = {}
    for codepoint, glyph_index in face.get_chars():
        if glyph_index and codepoint <= _LAST_BMP_RANGE + 255:
            ranges.setdefault(codepoint - codepoint % 256, []).append(codepoint)
    return ranges


def build_font(font: Path, out_dir: Path, starts: Sequence[int] | None = None) -> dict[str, object]:
    """Write the ranges of one font into ``out_dir/<fontstack>/``; return its index entry."""
    face, hires = _open_face(font), freetype.Face(str(font))
    hires.set_char_size(FONT_SIZE_PX * OVERSAMPLE * 64)
    name = fontstack_name(face)
    target = out_dir / name
    target.mkdir(parents=True, exist_ok=True)
    covered = _covered(face)
    wanted = sorted(covered) if starts is None else sorted(set(starts) & set(covered))
    for start in wanted:
        glyphs = [render_glyph(face, hires, cp) for cp in sorted(covered[start])]
        (target / f"{start}-{start + 255}.pbf").write_bytes(encode_range(name, start, glyphs))
    return {
        "fontstack": name,
        "font": font.name,
        "font_sha256": hashlib.sha256(font.read_bytes()).hexdigest(),
        "ranges": [f"{s}-{s + 255}" for s in wanted],
    }


def build(
    out_dir: Path, fonts: Sequence[Path] = DEFAULT_FONTS, starts: Sequence[int] | None = None
) -> Path:
    """Generate every font's ranges (all it covers, or ``starts``) and an index.json."""
    missing = [str(f) for f in fonts if not f.is_file()]
    if missing:
        raise FileNotFoundError(
            f"font not found: {', '.join(missing)} (Debian package fonts-dejavu-core)"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = [build_font(font, out_dir, starts) for font in fonts]
    index = {
        "size_px": FONT_SIZE_PX,
        "buffer_px": BUFFER_PX,
        "radius_px": RADIUS_PX,
        "cutoff": CUTOFF,
        "fonts": entries,
    }
    path = out_dir / INDEX_FILE
    path.write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out_dir", type=Path, help="where to write <fontstack>/<range>.pbf")
    parser.add_argument(
        "fonts", type=Path, nargs="*", help="TrueType fonts (default DejaVu Sans, Bold)"
    )
    parser.add_argument(
        "--vietnamese-only",
        action="store_true",
        help="only the ranges Vietnamese text needs (faster; tests)",
    )
    args = parser.parse_args(argv)
    starts = VIETNAMESE_RANGES if args.vietnamese_only else None
    try:
        index = build(args.out_dir, tuple(args.fonts) or DEFAULT_FONTS, starts)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"glyphs written: {index.parent}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
