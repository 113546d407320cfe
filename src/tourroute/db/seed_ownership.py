"""Who owns a record the seed wrote: the seed, or whoever changed it since.

``tourroute seed load`` runs at every start, so it must never undo people's work.  Each
row the seed writes (sites, road segments, tours) keeps ``seeded``: the values the seed
last wrote into it, as JSON.  A load judges each record it is about to write
(:func:`judge`):

* the row already holds the seed's values: *unchanged* (its record is written down if it
  had none yet, :func:`write_record`);
* the row still holds what the seed last wrote, so no one changed it since: the seed's
  own, *updated*;
* anything else — an edit, an archived or unpublished state, a record someone created
  under the same key — is someone else's: *kept* as it is, or with ``seed load --force``
  overwritten all the same (*forced*).

A row without a record (seeded before the record existed) is judged by its audit trail:
every curation write is audited, so any entry by someone other than the seed makes it
theirs.  Every write the seed makes is audited too, as ``seed`` or ``seed --force``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from enum import Enum
from typing import Any

import shapely.wkt
from geoalchemy2.elements import WKBElement, WKTElement
from geoalchemy2.shape import to_shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from tourroute.db.audit import AuditEntry

__all__ = [
    "FORCE_ACTOR",
    "SEED_ACTOR",
    "SeedTally",
    "Verdict",
    "audited_by_others",
    "judge",
    "plain",
    "row_values",
    "write_record",
]

SEED_ACTOR = "seed"
FORCE_ACTOR = "seed --force"

Record = dict[str, Any]


class Verdict(Enum):
    """What a seed load does with a record that exists already."""

    unchanged = "unchanged"  # it holds the seed's values already
    update = "update"  # the seed's own (no one changed it since): write the seed's values
    keep = "keep"  # someone else's: left as it is
    force = "force"  # someone else's, overwritten all the same (``--force``)

    @property
    def actor(self) -> str:
        """The audit log's principal for the write."""
        return FORCE_ACTOR if self is Verdict.force else SEED_ACTOR


def plain(value: Any) -> Any:
    """A value as the JSON record keeps it: enums by value, dates in ISO form, geometries
    (shapely or stored) as WKT to 1e-9°, lists and mappings member by member."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, WKBElement | WKTElement):
        value = to_shape(value)
    if isinstance(value, BaseGeometry):
        return shapely.wkt.dumps(value, rounding_precision=9)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def row_values(
    row: Any, keys: Iterable[str], derived: Mapping[str, Callable[[Any], Any]] | None = None
) -> Record:
    """The row's present values on ``keys`` (the keys of a record), in the record's shape:
    attributes of the same name, or ``derived[key](row)`` for those that are not plain."""
    derived = derived or {}
    return {key: plain(derived[key](row) if key in derived else getattr(row, key)) for key in keys}


def audited_by_others(session: Session, resource_type: str, resource_id: str) -> bool:
    """Whether anyone but the seed has an audited write to the resource."""
    found = session.scalar(
        select(AuditEntry.id)
        .where(
            AuditEntry.resource_type == resource_type,
            AuditEntry.resource_id == resource_id,
            AuditEntry.principal_name.not_in([SEED_ACTOR, FORCE_ACTOR]),
        )
        .limit(1)
    )
    return found is not None


def judge(
    session: Session,
    resource_type: str,
    resource_id: str,
    *,
    record: Record,
    seeded: Record | None,
    current: Callable[[Iterable[str]], Record],
    force: bool,
) -> Verdict:
    """The fate of an existing row the seed would write ``record`` into.

    ``seeded`` is what the seed last wrote into it (None if never recorded), ``current``
    gives the row's values on the keys asked, in the records' shape (:func:`row_values`).
    """
    if current(record.keys()) == record:
        return Verdict.unchanged
    if seeded is not None:
        owned = current(seeded.keys()) != seeded
    else:
        owned = audited_by_others(session, resource_type, resource_id)
    if not owned:
        return Verdict.update
    return Verdict.force if force else Verdict.keep


def write_record(session: Session, row: Any, record: Record) -> None:
    """Write down ``record`` as what the seed last wrote into ``row``, which holds those
    values already: without a new version or ``updated_at`` (nothing readers see changed,
    so ETags, the network's version and sync positions stay as they are)."""
    table = row.__table__
    session.execute(
        update(table)
        .where(table.c.id == row.id)
        .values(seeded=record, updated_at=table.c.updated_at)
    )
    set_committed_value(row, "seeded", record)


@dataclass
class SeedTally:
    """What a seed load did to one kind of record."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Changed by someone since the seed wrote them: left as they are, or (``force``)
    # overwritten; by key.
    kept: list[str] = field(default_factory=list)
    forced: list[str] = field(default_factory=list)

    def note(self, verdict: Verdict, key: str) -> None:
        if verdict is Verdict.unchanged:
            self.unchanged += 1
        elif verdict is Verdict.keep:
            self.kept.append(key)
        else:
            self.updated += 1
            if verdict is Verdict.force:
                self.forced.append(key)

    def line(self, label: str) -> str:
        return (
            f"{label}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.kept)} left alone "
            f"(changed since the seed wrote them)"
        )

    def details(self, label: str) -> list[str]:
        lines = []
        if self.kept:
            lines.append(
                f"  {label} left alone, a curator owns them (seed load --force to overwrite): "
                + ", ".join(self.kept)
            )
        if self.forced:
            lines.append(f"  {label} overwritten by --force: " + ", ".join(self.forced))
        return lines
