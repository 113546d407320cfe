"""Writing values into mapped rows: set what differs, compare stored geometries.

Shared by the seed loader and the services that update rows in place (site, road segment
and tour curation), so that writing the same values twice changes nothing — not even
version counters.
"""

from __future__ import annotations

from typing import Any

from geoalchemy2.shape import to_shape
from shapely.geometry.base import BaseGeometry

__all__ = ["apply_changes", "same_geometry"]


def same_geometry(stored: Any, new: BaseGeometry | None) -> bool:
    if stored is None or new is None:
        return stored is None and new is None
    old = to_shape(stored) if not isinstance(stored, BaseGeometry) else stored
    return bool(old.equals_exact(new, 1e-9))


def apply_changes(obj: Any, values: dict[str, Any]) -> bool:
    """Set attributes that differ; return whether anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed
