"""An independent decoder of the MapLibre glyph protobuf for the tests.

node-fontnik's glyphs.proto (proto2) as a descriptor built in code, decoded with Google's
protobuf runtime: the hand-written encoder (``tourroute.basemap.glyph_pbf``) is checked
against it, field numbers, wire types and zigzag included.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

F = descriptor_pb2.FieldDescriptorProto


def _glyphs_message_class() -> Any:
    """The ``glyphs`` message of glyphs.proto (proto2), from a descriptor built in code."""
    proto = descriptor_pb2.FileDescriptorProto(
        name="test_glyphs.proto", package="tourroute_test", syntax="proto2"
    )
    glyph = proto.message_type.add(name="glyph")
    for number, name, kind, label in (
        (1, "id", F.TYPE_UINT32, F.LABEL_REQUIRED),
        (2, "bitmap", F.TYPE_BYTES, F.LABEL_OPTIONAL),
        (3, "width", F.TYPE_UINT32, F.LABEL_REQUIRED),
        (4, "height", F.TYPE_UINT32, F.LABEL_REQUIRED),
        (5, "left", F.TYPE_SINT32, F.LABEL_REQUIRED),
        (6, "top", F.TYPE_SINT32, F.LABEL_REQUIRED),
        (7, "advance", F.TYPE_UINT32, F.LABEL_REQUIRED),
    ):
        glyph.field.add(name=name, number=number, type=kind, label=label)
    stack = proto.message_type.add(name="fontstack")
    stack.field.add(name="name", number=1, type=F.TYPE_STRING, label=F.LABEL_REQUIRED)
    stack.field.add(name="range", number=2, type=F.TYPE_STRING, label=F.LABEL_REQUIRED)
    stack.field.add(
        name="glyphs",
        number=3,
        type=F.TYPE_MESSAGE,
        label=F.LABEL_REPEATED,
        type_name=".tourroute_test.glyph",
    )
    glyphs = proto.message_type.add(name="glyphs")
    glyphs.field.add(
        name="stacks",
        number=1,
        type=F.TYPE_MESSAGE,
        label=F.LABEL_REPEATED,
        type_name=".tourroute_test.fontstack",
    )
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("tourroute_test.glyphs"))


GLYPHS = _glyphs_message_class()


def decode_glyphs(data: bytes) -> Any:
    """The ``glyphs`` message in ``data``; fails if a required field is missing."""
    message = GLYPHS()
    message.ParseFromString(data)
    assert message.IsInitialized()  # every required field is there
    return message
