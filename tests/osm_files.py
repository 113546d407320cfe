"""Small OpenStreetMap files for the importer tests (``import osm`` and ``import osm-places``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

Way = tuple[list[int], dict[str, str]]


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _tags(tags: Mapping[str, str]) -> list[str]:
    return [f'    <tag k="{k}" v="{_escape(v)}"/>' for k, v in tags.items()]


def write_osm_xml(
    path: Path,
    nodes: Mapping[int, tuple[float, float]],
    ways: Mapping[int, Way] | Sequence[tuple[int, Way]],
    node_tags: Mapping[int, Mapping[str, str]] | None = None,
) -> Path:
    """An OSM XML file: ``nodes`` (id → lon, lat; tagged from ``node_tags``) and ``ways``
    (id → way, or (id, way) pairs in file order, where an id may repeat)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="tests">']
    for node_id, (lon, lat) in nodes.items():
        head = f'  <node id="{node_id}" version="1" lat="{lat}" lon="{lon}"'
        tags = (node_tags or {}).get(node_id)
        if not tags:
            lines.append(head + "/>")
            continue
        lines += [head + ">", *_tags(tags), "  </node>"]
    for way_id, (refs, tags) in ways.items() if isinstance(ways, Mapping) else ways:
        lines.append(f'  <way id="{way_id}" version="1">')
        lines += [f'    <nd ref="{ref}"/>' for ref in refs]
        lines += [*_tags(tags), "  </way>"]
    lines.append("</osm>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def truncated_copy(good: Path, path: Path) -> Path:
    """The first two thirds of ``good``: its nodes are read, then the file ends."""
    text = good.read_text(encoding="utf-8")
    path.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    return path


def garbage_pbf(path: Path) -> Path:
    """A file named .osm.pbf that is no protobuf at all."""
    path.write_bytes(b"\x00\x00\x00\x0dnot a protobuf at all" * 10)
    return path
