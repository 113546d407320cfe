"""Use cases of the tour catalogue: search and read published tours; create, edit, publish
and archive tours; read their saved versions.

Every write follows the path of site curation (:mod:`tourroute.sites.curation`): load,
ask :mod:`tourroute.accounts.authorization` (``tour.write`` on the tour's operator), check
``If-Match`` against the row's version, change, flush, then add the saved version and the
audit entry to the same session — the change, its version and its audit entry commit
together or not at all.  A tour with one bad stop writes nothing: every stop is checked and
every leg routed before the first row is added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tourroute.accounts.authorization import Action, TourResource, authorize, can
from tourroute.accounts.domain import Actor, Role
from tourroute.audit.service import AuditLog
from tourroute.db.base import utcnow
from tourroute.db.changes import apply_changes
from tourroute.db.versioned import PreconditionFailed, check_if_match
from tourroute.errors import Conflict, FieldError, InvalidParameter, NotFound
from tourroute.itineraries.models import Itinerary
from tourroute.localtime import today_local
from tourroute.network.graph_cache import GraphCache
from tourroute.provinces.repository import ProvinceRepository
from tourroute.routing import Vehicle
from tourroute.sites.curation import InvalidBody
from tourroute.sites.domain import Category, SiteStatus
from tourroute.sites.models import Site
from tourroute.text import exact_key, folded_key
from tourroute.tours.documents import (
    editable_document,
    tour_document,
    tour_resource,
    tour_snapshot,
)
from tourroute.tours.domain import OVERNIGHT_KINDS, TourStatus
from tourroute.tours.models import Tour, TourStop, TourTheme, TourVersion
from tourroute.tours.plan import PlanRejected, build_plan
from tourroute.tours.repository import TourFilters, TourRepository
from tourroute.tours.schemas import OperatorIn, TourCreate, TourDefinition

__all__ = ["WORKFLOW", "Operator", "TourService", "TourWriter"]

# action → (statuses it may start from, status it leads to)
WORKFLOW: dict[str, tuple[frozenset[TourStatus], TourStatus]] = {
    "publish": (frozenset({TourStatus.draft}), TourStatus.published),
    "archive": (frozenset({TourStatus.draft, TourStatus.published}), TourStatus.archived),
}
_HINT = {
    TourStatus.draft: "publish it, or archive it",
    TourStatus.published: "archive it to withdraw it",
    TourStatus.archived: "archived tours are final",
}
_REPLAN = frozenset({"days", "vehicle", "start_date"})
SEED_PRINCIPAL = "seed"


@dataclass(frozen=True)
class Operator:
    agency_id: int | None
    province_code: str | None

    @property
    def resource(self) -> TourResource:
        return TourResource(self.agency_id, self.province_code)


def _invalid(exc: ValidationError) -> InvalidBody:
    return InvalidBody(
        [
            FieldError(".".join(str(p) for p in e["loc"]) or "body", e["msg"], "body")
            for e in exc.errors()
        ]
    )


def search_keys(definition: TourDefinition, sites: dict[str, Site]) -> tuple[str, str]:
    """(exact, folded) keys: titles, slug words, and the names of the sites visited."""
    parts = [definition.title_vi, definition.title_en, definition.slug.replace("-", " ")]
    for slug in dict.fromkeys(s.site for d in definition.days for s in d.stops):
        parts += [sites[slug].name_vi, sites[slug].name_en]
    return " | ".join(exact_key(p) for p in parts), " | ".join(folded_key(p) for p in parts)


class TourService:
    """Reads: the public catalogue, and (for those who manage a tour) drafts and history."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.tours = TourRepository(session)
        self.provinces = ProvinceRepository(session)

    def filters(
        self,
        *,
        province: str | None,
        theme: Category | None,
        vehicle: Vehicle | None,
        days_min: int | None,
        days_max: int | None,
        site: str | None,
        q: str | None,
    ) -> TourFilters:
        """Validate the list query: known province and site; days_min ≤ days_max."""
        code = None
        if province is not None:
            found = self.provinces.find(province)
            if found is None:
                known = ", ".join(f"{p.code} ({p.slug})" for p in self.provinces.list())
                raise InvalidParameter("province", f"unknown province '{province}'; known: {known}")
            code = found.code
        if days_min is not None and days_max is not None and days_min > days_max:
            raise InvalidParameter("days_max", f"days_max {days_max} is below days_min {days_min}")
        site_id = None
        if site is not None:
            site_id = self.tours.published_site_id(site)
            if site_id is None:
                raise InvalidParameter("site", f"'{site}' is not a published site slug")
        return TourFilters(code, theme, vehicle, days_min, days_max, site_id, q)

    def page(self, filters: TourFilters, offset: int, limit: int) -> tuple[list[Tour], bool]:
        rows = list(self.tours.page(filters, offset, limit + 1))
        return rows[:limit], len(rows) > limit

    def published(self, slug: str) -> Tour:
        tour = self.tours.get_by_slug(slug)
        if tour is None:
            raise NotFound(f"No published tour with slug '{slug}'.")
        return tour

    def visible(self, slug: str, actor: Actor | None) -> Tour:
        """A published tour; any status for those who may manage it (else 404: no leak)."""
        tour = self.tours.get_by_slug(slug, include_unpublished=True)
        if tour is not None and (
            tour.status is TourStatus.published
            or (actor is not None and can(actor, Action.tour_write, tour_resource(tour)))
        ):
            return tour
        raise NotFound(f"No published tour with slug '{slug}'.")

    def managed(self, slug: str, actor: Actor) -> Tour:
        """A tour the actor manages (404 if there is none such, 403 if not theirs)."""
        tour = self.tours.get_by_slug(slug, include_unpublished=True)
        if tour is None:
            raise NotFound(f"No tour with slug '{slug}'.")
        authorize(actor, Action.tour_write, tour_resource(tour))
        return tour

    def versions(self, slug: str, actor: Actor) -> list[TourVersion]:
        return list(self.tours.versions(self.managed(slug, actor).id))

    def version(self, slug: str, number: int, actor: Actor) -> TourVersion:
        tour = self.managed(slug, actor)
        found = self.tours.version(tour.id, number)
        if found is None:
            raise NotFound(f"Tour '{slug}' has no version {number} (it is at {tour.version}).")
        return found


class TourWriter:
    """Writes: the API's (an actor, audited) and the seed's (no actor, not audited)."""

    def __init__(self, session: Session, cache: GraphCache, actor: Actor | None) -> None:
        self.session = session
        self.cache = cache
        self.actor = actor
        self.tours = TourRepository(session)
        self.provinces = ProvinceRepository(session)
        self.audit = AuditLog(session)

    # --- use cases ------------------------------------------------------------------

    def create(self, body: TourCreate) -> Tour:
        if (body.days is None) == (body.from_itinerary is None):
            raise InvalidParameter(
                "days", "give exactly one of days or from_itinerary", location="body"
            )
        operator = self.operator(body.operator)
        self._authorize(operator.resource)
        if self.tours.slug_taken(body.slug):
            raise Conflict(f"A tour with slug '{body.slug}' exists already.")
        data = body.model_dump(exclude={"from_itinerary"}, exclude_none=True)
        if body.from_itinerary is not None:
            data |= self._from_itinerary(body.from_itinerary, body)
        try:
            definition = TourDefinition.model_validate(data)
        except ValidationError as exc:
            raise _invalid(exc) from None
        tour = self.new_tour(definition, operator)
        self._audit("tour.create", tour, None)
        return tour

    def update(self, slug: str, if_match: str | None, patch: dict[str, Any]) -> Tour:
        """Apply a JSON merge patch (already parsed: absent = keep, None = clear)."""
        tour = self._load(slug)
        self._authorize(tour_resource(tour))
        check_if_match(if_match, tour.version, f"tour '{slug}'")
        if tour.status is TourStatus.archived:
            raise Conflict(f"Tour '{slug}' is archived; archived tours cannot be edited.")
        try:
            definition = TourDefinition.model_validate({**editable_document(tour), **patch})
        except ValidationError as exc:
            raise _invalid(exc) from None
        operator = self.operator(definition.operator)
        if operator.resource != tour_resource(tour):
            self._authorize(operator.resource)
        before = tour_snapshot(tour)
        if self.apply(tour, definition, operator, replan=bool(_REPLAN & patch.keys())):
            self.save_version(tour, "tour.update")
            self._audit("tour.update", tour, before)
        return tour

    def transition(self, slug: str, if_match: str | None, verb: str) -> Tour:
        """``publish`` or ``archive``; 409 if the tour is in the wrong state."""
        sources, target = WORKFLOW[verb]
        tour = self._load(slug)
        self._authorize(tour_resource(tour))
        check_if_match(if_match, tour.version, f"tour '{slug}'")
        if tour.status not in sources:
            raise Conflict(
                f"Cannot {verb} tour '{slug}': it is {tour.status.value}; {_HINT[tour.status]}."
            )
        before = tour_snapshot(tour)
        tour.status = target
        tour.updated_at = utcnow()
        self.flush(slug)
        self.save_version(tour, f"tour.{verb}")
        self._audit(f"tour.{verb}", tour, before)
        return tour

    # --- building blocks (shared with the seed loader) -------------------------------

    def operator(self, given: OperatorIn) -> Operator:
        if given.agency is not None:
            agency = self.tours.agency_by_slug(given.agency)
            if self.actor is not None and self.actor.role is Role.agency:
                # An agency may name only its own agency, and learns nothing about others:
                # an unknown slug is the same 403 as another agency's (no slug probing).
                named = TourResource(agency.id if agency is not None else None)
                authorize(self.actor, Action.tour_write, named)
            if agency is None:
                raise InvalidParameter(
                    "operator.agency", f"no agency with slug '{given.agency}'", "body"
                )
            return Operator(agency.id, None)
        province = self.provinces.find(given.province or "")
        if province is None:
            known = ", ".join(f"{p.code} ({p.slug})" for p in self.provinces.list())
            raise InvalidParameter(
                "operator.province", f"unknown province '{given.province}'; known: {known}", "body"
            )
        return Operator(None, province.code)

    def plan(
        self, definition: TourDefinition, start_date: date
    ) -> tuple[dict[str, Any], dict[str, Site]]:
        """Check every stop, then route: (plan document, sites by slug); 422 otherwise."""
        sites = self.tours.sites_by_slug(
            [s.site for d in definition.days for s in d.stops]
            + [d.overnight for d in definition.days if d.overnight]
        )
        errors: list[FieldError] = []
        for i, day in enumerate(definition.days):
            for j, stop in enumerate(day.stops):
                site = sites.get(stop.site)
                if site is None or site.status is not SiteStatus.published:
                    errors.append(
                        FieldError(
                            f"days.{i}.stops.{j}.site",
                            f"'{stop.site}' is not a published site slug",
                            "body",
                        )
                    )
            if day.overnight is not None:
                night = sites.get(day.overnight)
                if night is None or night.status is not SiteStatus.published:
                    reason = f"'{day.overnight}' is not a published site slug"
                elif night.kind not in OVERNIGHT_KINDS:
                    reason = f"'{day.overnight}' is a {night.kind.value}, not lodging or a campsite"
                else:
                    continue
                errors.append(FieldError(f"days.{i}.overnight", reason, "body"))
        if errors:
            raise InvalidBody(errors)
        try:
            plan = build_plan(definition, start_date, sites, self.cache.get(self.session))
        except PlanRejected as exc:
            raise InvalidBody(exc.errors) from None
        if definition.compose_request is not None:
            plan["request"] = definition.compose_request
        return plan, sites

    def new_tour(
        self, definition: TourDefinition, operator: Operator, status: TourStatus = TourStatus.draft
    ) -> Tour:
        """Plan, add and flush a new tour, with its first saved version."""
        tour = Tour(slug=definition.slug, status=status)
        self.apply(tour, definition, operator, replan=True)
        self.tours.add(tour)
        self.flush(definition.slug)
        self.save_version(tour, "tour.create")
        return tour

    def apply(
        self, tour: Tour, definition: TourDefinition, operator: Operator, *, replan: bool
    ) -> bool:
        """Make ``tour`` say what ``definition`` says (re-planned if asked); whether it
        changed. Flushes an existing tour that changed, so its version is the new one."""
        start_date = definition.start_date or tour.start_date or today_local()
        values: dict[str, Any] = {
            "title_vi": definition.title_vi,
            "title_en": definition.title_en,
            "summary_vi": definition.summary_vi,
            "summary_en": definition.summary_en,
            "operator_agency_id": operator.agency_id,
            "operator_province_code": operator.province_code,
            "price_min_vnd": definition.price_min_vnd,
            "price_max_vnd": definition.price_max_vnd,
        }
        sites = None
        if replan:
            plan, sites = self.plan(definition, start_date)
            values |= {
                "vehicle": definition.vehicle,
                "start_date": start_date,
                "days": [d.model_dump(mode="json") for d in definition.days],
                "duration_days": len(definition.days),
                "plan": plan,
                "network_version": plan["network_version"],
            }
        else:
            sites = self.tours.sites_by_slug(s.site for d in definition.days for s in d.stops)
        values["search_exact"], values["search_folded"] = search_keys(definition, sites)
        is_new = tour.id is None
        handed_over = (tour.operator_agency_id, tour.operator_province_code) != (
            operator.agency_id,
            operator.province_code,
        )
        changed = apply_changes(tour, values) if not is_new else True
        if is_new:
            for key, value in values.items():
                setattr(tour, key, value)
        if {t.value for t in tour.themes} != {t.value for t in definition.themes}:
            tour.theme_rows = [TourTheme(theme=t) for t in sorted(definition.themes)]
            changed = True
        if replan:
            wanted = [
                (i + 1, j + 1, sites[s.site].id)
                for i, d in enumerate(definition.days)
                for j, s in enumerate(d.stops)
            ]
            if wanted != [(r.day, r.position, r.site_id) for r in tour.stop_rows]:
                # Rows are keyed by (day, position): keep those keys, change their site, so
                # no key is deleted and inserted again in one flush.
                rows = {(r.day, r.position): r for r in tour.stop_rows}
                kept = []
                for day, position, site_id in wanted:
                    row = rows.get((day, position)) or TourStop(day=day, position=position)
                    row.site_id = site_id
                    kept.append(row)
                tour.stop_rows = kept
                changed = True
        if changed and not is_new:
            tour.updated_at = utcnow()
            self.flush(tour.slug)
            if handed_over:  # the loaded operator objects are the previous operator's
                self.session.expire(tour, ["operator_agency", "operator_province"])
        return changed

    def save_version(self, tour: Tour, action: str) -> TourVersion:
        row = TourVersion(
            tour_id=tour.id,
            version=tour.version,
            action=action,
            principal_id=None if self.actor is None else self.actor.id,
            principal_name=SEED_PRINCIPAL if self.actor is None else self.actor.name,
            at=utcnow(),
            document=tour_document(tour),
        )
        self.tours.add(row)
        self.flush(tour.slug)
        return row

    def flush(self, slug: str) -> None:
        try:
            self.session.flush()
        except StaleDataError:
            # Another transaction updated the row between our read and our write.
            raise PreconditionFailed(
                f"tour '{slug}' was changed by someone else while this request ran; "
                "GET it again and retry with the new ETag."
            ) from None

    # --- helpers --------------------------------------------------------------------

    def _authorize(self, resource: TourResource) -> None:
        authorize(self.actor, Action.tour_write, resource)

    def _load(self, slug: str) -> Tour:
        tour = self.tours.get_by_slug(slug, include_unpublished=True)
        if tour is None:
            raise NotFound(f"No tour with slug '{slug}'.")
        return tour

    def _audit(self, action: str, tour: Tour, before: dict[str, Any] | None) -> None:
        self.audit.record(
            self.actor,
            action,
            "tour",
            tour.slug,
            before=before,
            after=tour_snapshot(tour),
            province_code=tour.operator_province_code,
            agency_id=tour.operator_agency_id,
        )
        self.flush(tour.slug)

    def _from_itinerary(self, itinerary_id: str, body: TourCreate) -> dict[str, Any]:
        """The days of a composed itinerary: its visits with their planned times and its
        overnight places (start and end points that are not visits are left out)."""
        found = self.session.get(Itinerary, itinerary_id) if len(itinerary_id) == 32 else None
        if found is None:
            raise InvalidParameter(
                "from_itinerary", f"no itinerary '{itinerary_id}' (ids are 32 hex digits)", "body"
            )
        days = []
        for day in found.plan["days"]:
            night = day.get("overnight") or {}
            days.append(
                {
                    "stops": [
                        {
                            "site": s["site"],
                            "arrive": datetime.fromisoformat(s["arrival"]).time(),
                            "depart": datetime.fromisoformat(s["departure"]).time(),
                        }
                        for s in day["stops"]
                    ],
                    "overnight": night.get("site"),
                    "start_time": datetime.fromisoformat(day["start"]["departure"]).time(),
                }
            )
        return {
            "days": days,
            "vehicle": body.vehicle or found.vehicle,
            "start_date": body.start_date or date.fromisoformat(found.plan["start_date"]),
        }
