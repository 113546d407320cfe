"""The MapLibre glyph protocol's protobuf, written by hand (a few varints and strings).

``glyphs { repeated fontstack stacks = 1 }``, ``fontstack { name = 1; range = 2;
repeated glyph glyphs = 3 }``, ``glyph { id = 1; bitmap = 2; width = 3; height = 4;
sint32 left = 5; sint32 top = 6; advance = 7 }`` (proto2, node-fontnik's glyphs.proto).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Glyph", "encode_range"]


@dataclass(frozen=True)
class Glyph:
    """One SDF glyph: ``bitmap`` is (height + 6) × (width + 6) bytes, empty for a blank."""

    id: int
    bitmap: bytes
    width: int
    height: int
    left: int
    top: int
    advance: int


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _zigzag(value: int) -> int:
    return (value << 1) ^ (value >> 31) if value >= 0 else ((-value) << 1) - 1


def _field_varint(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _field_bytes(number: int, value: bytes) -> bytes:
    return _varint((number << 3) | 2) + _varint(len(value)) + value


def _encode_glyph(glyph: Glyph) -> bytes:
    out = _field_varint(1, glyph.id)
    if glyph.bitmap:
        out += _field_bytes(2, glyph.bitmap)
    out += _field_varint(3, glyph.width) + _field_varint(4, glyph.height)
    out += _field_varint(5, _zigzag(glyph.left)) + _field_varint(6, _zigzag(glyph.top))
    return out + _field_varint(7, glyph.advance)


def encode_range(fontstack: str, start: int, glyphs: Iterable[Glyph]) -> bytes:
    """One ``{start}-{start+255}.pbf``: a glyphs message holding one font stack."""
    stack = _field_bytes(1, fontstack.encode()) + _field_bytes(2, f"{start}-{start + 255}".encode())
    for glyph in glyphs:
        stack += _field_bytes(3, _encode_glyph(glyph))
    return _field_bytes(1, stack)
