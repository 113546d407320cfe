"""The tours step of ``tourroute seed load``: the promoted tours as published official tours.

``seed/tours/*.yaml`` entries carry a ``catalogue`` block (operator, themes, price range,
summaries, and the days as site slugs with optional planned times); their ``vehicle`` and
nominal ``start_date`` come from the entry's composer ``request``.  Reading validates every
entry like an API body and checks that each stop names a site the seed declares, so a bad
tour is reported with the other seed problems before anything is written.

Legs are routed at load time, on the road network the same load has just written: one
code path with the API (which routes when a tour is written), no write on first read, and
the stored plan, its version and its ETag are fixed until the tour or the network changes.
Loading an unchanged seed on an unchanged network changes nothing (the plan is rebuilt and
compared); a changed definition, or a changed network, saves a new version (``by: seed``).

Tours the seed wrote keep the record of it (``Tour.seeded``): a later load writes only
those no one changed since, like sites (:mod:`tourroute.db.seed_ownership`); a tour its
operator edited or archived is theirs, and keeps its plan too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tourroute.db.audit import AuditTrail
from tourroute.db.base import utcnow
from tourroute.db.seed_ownership import (
    SEED_ACTOR,
    SeedTally,
    Verdict,
    judge,
    plain,
    write_record,
)
from tourroute.errors import DomainError
from tourroute.routes.graph_cache import GraphCache
from tourroute.seed_common import SeedError, SeedProblem, nfc
from tourroute.sites.schemas import SiteCreate
from tourroute.tours.documents import editable_document, tour_snapshot
from tourroute.tours.domain import OVERNIGHT_KINDS, TourStatus
from tourroute.tours.models import Tour
from tourroute.tours.repository import TourRepository
from tourroute.tours.schemas import TourDefinition
from tourroute.tours.service import Operator, TourWriter

__all__ = ["TourSeed", "read_tours", "upsert_tours"]


@dataclass(frozen=True)
class TourSeed:
    file: str
    definition: TourDefinition

    @property
    def start_date(self) -> date:
        # read_tours only accepts entries whose request has a start_date
        return self.definition.start_date or date.min


def _declared_slugs(sites_dir: Path) -> set[str]:
    """Every slug the site files declare, valid records or not (their own problems are
    reported by the site step; a tour naming them is not a second problem)."""
    out: set[str] = set()
    for path in sorted(sites_dir.glob("*.yaml")):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        records = doc.get("sites") if isinstance(doc, dict) else None
        for raw in records if isinstance(records, list) else []:
            if isinstance(raw, dict) and isinstance(raw.get("slug"), str):
                out.add(nfc(raw["slug"]))
    return out


def _stop(raw: Any) -> Any:
    return {"site": raw} if isinstance(raw, str) else raw


def _definition_data(entry: dict[str, Any]) -> dict[str, Any]:
    catalogue = dict(entry.get("catalogue") or {})
    request = entry.get("request") or {}
    days = catalogue.pop("days", None)
    if isinstance(days, list):
        days = [
            {**day, "stops": [_stop(s) for s in day.get("stops") or []]}
            if isinstance(day, dict)
            else day
            for day in days
        ]
    return {
        "slug": entry.get("slug"),
        "title_vi": entry.get("title_vi"),
        "title_en": entry.get("title_en"),
        "vehicle": request.get("vehicle", "car"),
        "start_date": request.get("start_date"),
        "compose_request": request or None,
        "days": days,
        **catalogue,
    }


def read_tours(
    tours_dir: Path, sites: list[SiteCreate], problems: list[SeedProblem]
) -> list[TourSeed]:
    """Validate every catalogue entry of ``tours_dir/*.yaml``; problems are appended."""
    declared = _declared_slugs(tours_dir.parent / "sites")
    by_slug = {s.slug: s for s in sites}
    out: list[TourSeed] = []
    seen: set[str] = set()
    for path in sorted(tours_dir.glob("*.yaml")):
        name = f"tours/{path.name}"
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            problems.append(SeedProblem(name, "-", "-", f"cannot parse YAML: {exc}"))
            continue
        entries = doc.get("tours") if isinstance(doc, dict) else None
        if not isinstance(entries, list):
            problems.append(
                SeedProblem(name, "-", "tours", "expected a mapping with a 'tours' list")
            )
            continue
        for i, raw in enumerate(entries):
            record = f"#{i + 1} ({raw.get('slug', '?') if isinstance(raw, dict) else '?'})"
            if not isinstance(raw, dict) or not isinstance(raw.get("catalogue"), dict):
                problems.append(
                    SeedProblem(name, record, "catalogue", "a tour needs a 'catalogue' mapping")
                )
                continue
            try:
                definition = TourDefinition.model_validate(nfc(_definition_data(raw)))
            except ValidationError as exc:
                for err in exc.errors():
                    loc = ".".join(str(p) for p in err["loc"])
                    problems.append(SeedProblem(name, record, f"catalogue.{loc}", err["msg"]))
                continue
            if definition.slug in seen:
                problems.append(SeedProblem(name, record, "slug", "duplicate tour slug"))
                continue
            seen.add(definition.slug)
            if definition.start_date is None:
                problems.append(
                    SeedProblem(name, record, "request.start_date", "a tour needs its date")
                )
                continue
            bad = _check_sites(definition, declared, by_slug)
            problems.extend(SeedProblem(name, record, f, m) for f, m in bad)
            if not bad:
                out.append(TourSeed(name, definition))
    return out


def _check_sites(
    definition: TourDefinition, declared: set[str], sites: dict[str, SiteCreate]
) -> list[tuple[str, str]]:
    bad: list[tuple[str, str]] = []
    for i, day in enumerate(definition.days):
        for j, stop in enumerate(day.stops):
            field = f"catalogue.days.{i}.stops.{j}"
            if stop.site not in declared:
                bad.append((field, f"no site '{stop.site}' in seed/sites"))
            elif stop.site in sites and sites[stop.site].status != "published":
                bad.append((field, f"site '{stop.site}' is not published"))
        night = day.overnight
        if night is None:
            continue
        field = f"catalogue.days.{i}.overnight"
        # A night may be at a place of seed/places, whose slugs exist only once imported:
        # those are checked when the tour is planned, before anything is written.
        if night in sites and sites[night].kind not in OVERNIGHT_KINDS:
            bad.append((field, f"'{night}' is a {sites[night].kind.value}, not lodging"))
    return bad


_DEFINITION = frozenset(
    {
        "title_vi",
        "title_en",
        "summary_vi",
        "summary_en",
        "price_min_vnd",
        "price_max_vnd",
        "vehicle",
        "start_date",
        "days",
    }
)


def _record(definition: TourDefinition, operator: Operator) -> dict[str, Any]:
    """What the seed writes into a tour (``Tour.seeded``): its definition in the shape of
    :func:`~tourroute.tours.documents.editable_document` (the operator as stored: a
    province by code), and the published state the seed's tours are in."""
    record: dict[str, Any] = definition.model_dump(mode="json", include=set(_DEFINITION))
    record["themes"] = sorted(plain(t) for t in definition.themes)
    record["operator"] = (
        {"province": operator.province_code}
        if operator.province_code is not None
        else {"agency": definition.operator.agency}
    )
    record["status"] = TourStatus.published.value
    return record


def _current(tour: Tour, keys: Iterable[str]) -> dict[str, Any]:
    """The tour's definition and state on the keys of a record (same shape)."""
    doc = editable_document(tour)
    doc["themes"] = sorted(doc["themes"])
    doc["status"] = tour.status
    return {key: plain(doc.get(key)) for key in keys}


def upsert_tours(session: Session, tours: list[TourSeed], *, force: bool = False) -> SeedTally:
    """Create or update the seed's tours, published.

    Every tour is routed before the first one is written; a stop that no road reaches
    raises :class:`SeedError` and the caller's transaction then writes nothing at all.
    A tour is updated only while it holds what the seed last wrote: one its operator (an
    agency, a province's curators, an admin) edited or archived, or created under the
    seed's slug, is left alone (``kept``) unless ``force``.  A tour that is the seed's is
    re-planned on the network as it is now.  Every write saves a version and is audited
    (``seed``, or ``seed --force``).
    """
    writer = TourWriter(session, GraphCache(keep=1), actor=None)
    audit = AuditTrail(session)
    existing = TourRepository(session).all_by_slug(t.definition.slug for t in tours)
    operators = []
    for seed in tours:
        try:
            operators.append(writer.operator(seed.definition.operator))
            writer.plan(seed.definition, seed.start_date)
        except DomainError as exc:
            raise SeedError(_problems(seed, exc)) from None
    tally = SeedTally()
    for seed, operator in zip(tours, operators, strict=True):
        slug = seed.definition.slug
        record = _record(seed.definition, operator)
        tour = existing.get(slug)
        if tour is None:
            tour = writer.new_tour(seed.definition, operator, status=TourStatus.published)
            write_record(session, tour, record)  # beside its first version, not a new one
            _audit(audit, "tour.create", tour, None, SEED_ACTOR)
            tally.created += 1
            continue
        verdict = judge(
            session,
            "tour",
            slug,
            record=record,
            seeded=tour.seeded,
            current=partial(_current, tour),
            force=force,
        )
        if verdict is Verdict.keep:
            tally.note(verdict, slug)
            continue
        before = tour_snapshot(tour)
        republish = tour.status is not TourStatus.published
        if republish:
            tour.status = TourStatus.published
        # Re-planned even when the definition is the seed's already: the network may not be.
        # No autoflush while planning: the state goes out with the rest, as one new version.
        with session.no_autoflush:
            changed = writer.apply(tour, seed.definition, operator, replan=True)
        if republish and not changed:
            tour.updated_at = utcnow()
            writer.flush(slug)
        if changed or republish:
            writer.save_version(tour, "tour.update")
            _audit(audit, "tour.update", tour, before, verdict.actor)
            if verdict is Verdict.unchanged:  # the plan, not the definition
                verdict = Verdict.update
        if tour.seeded != record:
            write_record(session, tour, record)
        tally.note(verdict, slug)
    return tally


def _audit(
    audit: AuditTrail, action: str, tour: Tour, before: dict[str, Any] | None, actor: str
) -> None:
    audit.record(
        None,
        action,
        "tour",
        tour.slug,
        before=before,
        after=tour_snapshot(tour),
        province_code=tour.operator_province_code,
        agency_id=tour.operator_agency_id,
        system_name=actor,
    )


def _problems(seed: TourSeed, exc: DomainError) -> list[SeedProblem]:
    record = seed.definition.slug
    if exc.errors:
        return [SeedProblem(seed.file, record, f"catalogue.{e.name}", e.reason) for e in exc.errors]
    return [SeedProblem(seed.file, record, "-", str(exc))]
