"""The map's glyphs: SDF rendering from DejaVu Sans and the MapLibre glyph protobuf.

The PBF is decoded with Google's protobuf runtime (``tests/glyph_proto.py``), so the
hand-written encoder is checked against an independent decoder, field numbers and zigzag
included.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import freetype
import numpy as np
import pytest
from freetype.ft_enums import FT_LOAD_NO_HINTING, FT_LOAD_RENDER

from tests.glyph_proto import decode_glyphs as _decode
from tourroute.basemap import sdf_glyphs
from tourroute.basemap.glyph_pbf import Glyph, encode_range


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The Vietnamese ranges of DejaVu Sans (Book and Bold), built as `make console` does."""
    out = tmp_path_factory.mktemp("glyphs")
    assert sdf_glyphs.main([str(out), "--vietnamese-only"]) == 0
    return out


def test_encoder_round_trips_through_protobuf() -> None:
    glyphs = [
        Glyph(0x1EC7, bytes(range(7 * 9)), 1, 3, -2, -300, 15),
        Glyph(32, b"", 0, 0, 0, -23, 8),
    ]
    stack = _decode(encode_range("Test Sans", 7680, glyphs)).stacks[0]
    assert (stack.name, stack.range) == ("Test Sans", "7680-7935")
    first, blank = stack.glyphs
    assert (first.id, first.width, first.height, first.left, first.top, first.advance) == (
        0x1EC7,
        1,
        3,
        -2,
        -300,
        15,
    )
    assert first.bitmap == bytes(range(63))
    assert (blank.id, blank.HasField("bitmap"), blank.top) == (32, False, -23)


def test_vietnamese_e_with_circumflex_and_dot_below_is_there(built: Path) -> None:
    stack = _decode((built / "DejaVu Sans Book" / "7680-7935.pbf").read_bytes()).stacks[0]
    assert (stack.name, stack.range) == ("DejaVu Sans Book", "7680-7935")
    by_id = {g.id: g for g in stack.glyphs}
    # Latin Extended Additional: all of Vietnamese's stacked vowels (U+1EA0–U+1EF9).
    assert set(range(0x1EA0, 0x1EFA)) <= set(by_id)
    e = by_id[ord("ệ")]
    assert e.width > 0
    assert e.height > 0
    assert len(e.bitmap) == (e.width + 6) * (e.height + 6)
    sdf = np.frombuffer(e.bitmap, dtype=np.uint8).reshape(e.height + 6, e.width + 6)
    # Inside the outline (≥ 192) somewhere, and the 3 px buffer all outside (< 192).
    assert sdf.max() >= 192
    border = np.concatenate(
        [sdf[:3].ravel(), sdf[-3:].ravel(), sdf[:, :3].ravel(), sdf[:, -3:].ravel()]
    )
    assert border.max() < 192
    # Circumflex above, the body, the dot below: three separate bands of ink, top to bottom.
    inked_rows = (sdf >= 192).any(axis=1)
    bands = np.count_nonzero(np.diff(inked_rows.astype(int)) == 1) + int(inked_rows[0])
    assert bands == 3
    # The dot below reaches under the baseline, the circumflex above the x-height of 'e'.
    plain_e = {
        g.id: g
        for g in _decode((built / "DejaVu Sans Book" / "0-255.pbf").read_bytes()).stacks[0].glyphs
    }[ord("e")]
    assert e.height > plain_e.height + 5
    assert e.top > plain_e.top  # taller above the line
    assert e.advance == plain_e.advance


def test_every_vietnamese_letter_has_a_glyph(built: Path) -> None:
    text = "ĂÂĐÊÔƠƯăâđêôơư àáảãạ ằắẳẵặ ầấẩẫậ èéẻẽẹ ềếểễệ ìíỉĩị òóỏõọ ồốổỗộ ờớởỡợ ùúủũụ ừứửữự ỳýỷỹỵ"
    wanted = {ord(c) for c in text.replace(" ", "")}
    for font in ("DejaVu Sans Book", "DejaVu Sans Bold"):
        have: set[int] = set()
        for pbf in (built / font).glob("*.pbf"):
            have |= {g.id for g in _decode(pbf.read_bytes()).stacks[0].glyphs if g.bitmap}
        assert wanted <= have, f"{font} lacks {sorted(chr(c) for c in wanted - have)}"


def test_distance_field_matches_the_outline_it_came_from() -> None:
    """Where the SDF says 'inside', FreeType's own 24 px rendering has ink, and vice versa."""
    font = sdf_glyphs.DEFAULT_FONTS[0]
    face = freetype.Face(str(font))
    face.set_char_size(sdf_glyphs.FONT_SIZE_PX * 64)
    hires = freetype.Face(str(font))
    hires.set_char_size(sdf_glyphs.FONT_SIZE_PX * sdf_glyphs.OVERSAMPLE * 64)
    glyph = sdf_glyphs.render_glyph(face, hires, ord("H"))
    sdf = np.frombuffer(glyph.bitmap, dtype=np.uint8).reshape(glyph.height + 6, glyph.width + 6)
    face.load_char(ord("H"), FT_LOAD_RENDER | FT_LOAD_NO_HINTING)
    bitmap = face.glyph.bitmap
    coverage = np.array(bitmap.buffer, dtype=np.uint8).reshape(bitmap.rows, bitmap.pitch)
    coverage = coverage[:, : bitmap.width]
    # FreeType's bitmap sits at (bitmap_left, bitmap_top); ours at (left, top + ascender).
    ascender = round(face.size.ascender / 64)
    row0 = 3 + (glyph.top + ascender) - face.glyph.bitmap_top
    col0 = 3 + face.glyph.bitmap_left - glyph.left
    ours = sdf[row0 : row0 + bitmap.rows, col0 : col0 + bitmap.width]
    solid_in, solid_out = coverage >= 230, coverage <= 25
    assert (ours[solid_in] >= 191).all()
    assert (ours[solid_out] < 191).all()
    assert solid_in.sum() > 40  # the test looked at a real letter


def test_a_missing_font_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sdf_glyphs.main([str(tmp_path / "out"), str(tmp_path / "none.ttf")]) == 1
    assert "fonts-dejavu-core" in capsys.readouterr().err
