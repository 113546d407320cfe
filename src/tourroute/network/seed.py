"""Seed of the road network (``seed/roads/``): corridors and segments, validated then upserted."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError
from shapely.geometry import LineString
from sqlalchemy import select
from sqlalchemy.orm import Session

from tourroute.db.spatial import to_element
from tourroute.network.models import Corridor, RoadSegment, SegmentCorridor
from tourroute.network.schemas import CorridorCreate, RoadSegmentCreate
from tourroute.seed import SeedProblem, apply_changes, nfc, same_geometry


@dataclass
class NetworkSeed:
    corridors: list[CorridorCreate]
    segments: list[RoadSegmentCreate]


def read_network(roads_dir: Path, problems: list[SeedProblem]) -> NetworkSeed:
    corridors: list[CorridorCreate] = []
    segments: list[RoadSegmentCreate] = []
    cpath = roads_dir / "corridors.yaml"
    try:
        doc = yaml.safe_load(cpath.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        problems.append(SeedProblem(f"roads/{cpath.name}", "-", "-", f"cannot read: {exc}"))
        doc = {}
    for i, raw in enumerate(doc.get("corridors", [])):
        try:
            corridors.append(CorridorCreate.model_validate({k: nfc(v) for k, v in raw.items()}))
        except (ValidationError, AttributeError) as exc:
            problems.append(SeedProblem(f"roads/{cpath.name}", f"#{i + 1}", "-", str(exc)))
    known = {c.slug for c in corridors}
    spath = roads_dir / "segments.geojson"
    if not spath.is_file():
        return NetworkSeed(corridors, segments)
    try:
        features = json.loads(spath.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError) as exc:
        problems.append(SeedProblem(f"roads/{spath.name}", "-", "-", f"cannot read: {exc}"))
        return NetworkSeed(corridors, segments)
    seen: set[str] = set()
    for i, feature in enumerate(features):
        props = {k: nfc(v) for k, v in (feature.get("properties") or {}).items()}
        record = f"#{i + 1} ({props.get('id', '?')})"
        geometry = feature.get("geometry") or {}
        if geometry.get("type") != "LineString":
            problems.append(
                SeedProblem(f"roads/{spath.name}", record, "geometry", "must be a LineString")
            )
            continue
        try:
            seg = RoadSegmentCreate.model_validate(
                {**props, "coordinates": geometry.get("coordinates")}
            )
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "-"
                problems.append(SeedProblem(f"roads/{spath.name}", record, field, err["msg"]))
            continue
        unknown = sorted(set(seg.corridors) - known)
        if unknown:
            problems.append(
                SeedProblem(
                    f"roads/{spath.name}", record, "corridors", f"unknown corridor(s) {unknown}"
                )
            )
        if seg.id in seen:
            problems.append(SeedProblem(f"roads/{spath.name}", record, "id", "duplicate id"))
        seen.add(seg.id)
        segments.append(seg)
    return NetworkSeed(corridors, segments)


def upsert_network(session: Session, data: NetworkSeed) -> tuple[int, int]:
    """Upsert corridors by slug and segments by id; return (created, updated) segments."""
    corridors = {c.slug: c for c in session.scalars(select(Corridor))}
    for c in data.corridors:
        values = c.model_dump(exclude={"slug"})
        stored = corridors.get(c.slug)
        if stored is None:
            session.add(Corridor(slug=c.slug, **values))
        else:
            apply_changes(stored, values)
    session.flush()
    existing = {s.key: s for s in session.scalars(select(RoadSegment))}
    created = updated = 0
    for seg in data.segments:
        line = LineString(seg.coordinates)
        values = seg.model_dump(exclude={"id", "corridors", "coordinates"})
        row = existing.get(seg.id)
        if row is None:
            row = RoadSegment(key=seg.id, geom=to_element(line), **values)
            row.corridor_rows = [
                SegmentCorridor(corridor_slug=c) for c in sorted(set(seg.corridors))
            ]
            session.add(row)
            created += 1
            continue
        changed = apply_changes(row, values)
        if not same_geometry(row.geom, line):
            row.geom = to_element(line)
            changed = True
        if set(row.corridors) != set(seg.corridors):
            row.corridor_rows = [
                SegmentCorridor(corridor_slug=c) for c in sorted(set(seg.corridors))
            ]
            changed = True
        updated += changed
    session.flush()
    return created, updated
