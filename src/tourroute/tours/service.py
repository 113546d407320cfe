"""Use cases of the tour catalogue: search and read published tours; create, edit, publish
and archive tours; read their saved versions.

Every write follows the path of site curation, written once in
:mod:`tourroute.db.versioned`: load, ask :mod:`tourroute.accounts.authorization`
(``tour.write`` on the tour's operator), check ``If-Match`` against the row's version,
change, flush, then add the saved version and the audit entry to the same session — the
change, its version and its audit entry commit together or not at all.  A tour with one bad
stop writes nothing: every stop is checked and every leg routed before the first row is
added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from tourroute.accounts.authorization import Action, TourResource, authorize, can
from tourroute.accounts.domain import Actor, Role
from tourroute.db.base import utcnow
from tourroute.db.changes import apply_changes
from tourroute.db.versioned import Lifecycle, Snapshot, VersionedWorkflow, validated
from tourroute.errors import Conflict, FieldError, InvalidBody, InvalidParameter, NotFound
from tourroute.i18n import messages as msgs
from tourroute.itineraries.models import Itinerary
from tourroute.localtime import today_local
from tourroute.plans import Plan, plan_document
from tourroute.provinces.repository import ProvinceRepository
from tourroute.routes.graph_cache import GraphCache
from tourroute.routing import Vehicle
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
_LIFECYCLE = Lifecycle(
    resource_type="tour",
    noun=msgs.NAMED_TOUR,
    noun_cap=msgs.NAMED_TOUR_CAP,
    steps=WORKFLOW,
    final=TourStatus.archived,
    final_note=msgs.TOURS_ARCHIVED_NOT_EDITABLE,
    hints={
        TourStatus.draft: msgs.HINT_PUBLISH_OR_ARCHIVE,
        TourStatus.published: msgs.HINT_ARCHIVE_TO_WITHDRAW,
        TourStatus.archived: msgs.TOURS_ARCHIVED_ARE_FINAL,
    },
)
_REPLAN = frozenset({"days", "vehicle", "start_date"})
SEED_PRINCIPAL = "seed"


@dataclass(frozen=True)
class Operator:
    """Who runs a tour: an agency (``agency_id``) or a province's tourism department
    (``province_code``); exactly one is set, the other is ``None``."""

    agency_id: int | None
    province_code: str | None

    @property
    def resource(self) -> TourResource:
        """The operator as :func:`~tourroute.accounts.authorization.authorize` judges it."""
        return TourResource(self.agency_id, self.province_code)


def _audited(tour: Tour) -> Snapshot:
    """The audit snapshot of a tour, in its operator's part of the log."""
    return Snapshot(
        tour_snapshot(tour),
        province_code=tour.operator_province_code,
        agency_id=tour.operator_agency_id,
    )


def search_keys(definition: TourDefinition, sites: dict[str, Site]) -> tuple[str, str]:
    """(exact, folded) keys: titles, slug words, and the names of the sites visited."""
    parts = [definition.title_vi, definition.title_en, definition.slug.replace("-", " ")]
    for slug in dict.fromkeys(s.site for d in definition.days for s in d.stops):
        parts += [sites[slug].name_vi, sites[slug].name_en]
    return " | ".join(exact_key(p) for p in parts), " | ".join(folded_key(p) for p in parts)


class TourService:
    """Reads: the public catalogue, and (for those who manage a tour) drafts and history.

    Nothing here writes.  A tour is named by its slug; a tour the caller may not see is
    the same :class:`~tourroute.errors.NotFound` (404) as one that does not exist, except
    in :meth:`managed` and the history built on it, which answer
    :class:`~tourroute.errors.Forbidden` (403) to an actor who may not write the tour.

    Parameters
    ----------
    session
        The request's session (only read).
    """

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
        """Validate the list query: known province and site; days_min ≤ days_max.

        Parameters
        ----------
        province
            An ISO code (``VN-21``) or slug (``thanh-hoa``); ``None``: any province.
        theme, vehicle
            ``None``: any.
        days_min, days_max
            Bounds on the tour's length in days, inclusive; ``None``: unbounded.
        site
            The slug of a published site the tour must stop at; ``None``: any.
        q
            Free text over titles, slug words and the names of the sites visited;
            ``None``: no search.

        Returns
        -------
        TourFilters
            The query with the province as its code and the site as its id.

        Raises
        ------
        InvalidParameter
            An unknown province, a site slug that is not published, or days_max below
            days_min (422).
        """
        code = None
        if province is not None:
            found = self.provinces.find(province)
            if found is None:
                known = ", ".join(f"{p.code} ({p.slug})" for p in self.provinces.list())
                raise InvalidParameter(
                    "province", msgs.UNKNOWN_PROVINCE(value=province, known=known)
                )
            code = found.code
        if days_min is not None and days_max is not None and days_min > days_max:
            raise InvalidParameter(
                "days_max", msgs.DAYS_RANGE(days_max=days_max, days_min=days_min)
            )
        site_id = None
        if site is not None:
            site_id = self.tours.published_site_id(site)
            if site_id is None:
                raise InvalidParameter("site", msgs.NOT_PUBLISHED_SITE(slug=site))
        return TourFilters(code, theme, vehicle, days_min, days_max, site_id, q)

    def page(self, filters: TourFilters, offset: int, limit: int) -> tuple[list[Tour], bool]:
        """One page of published tours: best match to ``q`` first, then by slug.

        Parameters
        ----------
        filters
            From :meth:`filters`.
        offset, limit
            Tours to skip, and the most to return.

        Returns
        -------
        tuple of (list of Tour, bool)
            The tours, and whether more follow this page.
        """
        rows = list(self.tours.page(filters, offset, limit + 1))
        return rows[:limit], len(rows) > limit

    def published(self, slug: str) -> Tour:
        """A published tour, for everyone.

        Raises
        ------
        NotFound
            No published tour has this slug, whether or not an unpublished one does (404).
        """
        tour = self.tours.get_by_slug(slug)
        if tour is None:
            raise NotFound(msgs.PUBLISHED_TOUR_NOT_FOUND(slug=slug))
        return tour

    def visible(self, slug: str, actor: Actor | None) -> Tour:
        """A published tour; a tour in any status for an actor who may manage it.

        Parameters
        ----------
        slug
            The tour's slug.
        actor
            The authenticated caller; ``None``: anonymous (published tours only).

        Raises
        ------
        NotFound
            No such tour, or one the actor may not see: a draft's existence is not leaked
            (404).
        """
        tour = self.tours.get_by_slug(slug, include_unpublished=True)
        if tour is not None and (
            tour.status is TourStatus.published
            or (actor is not None and can(actor, Action.tour_write, tour_resource(tour)))
        ):
            return tour
        raise NotFound(msgs.PUBLISHED_TOUR_NOT_FOUND(slug=slug))

    def managed(self, slug: str, actor: Actor) -> Tour:
        """A tour in any status that ``actor`` may write (``tour.write`` on its operator).

        Raises
        ------
        NotFound
            No tour has this slug (404).
        Forbidden
            The tour is not the actor's to manage (403).
        """
        tour = self.tours.get_by_slug(slug, include_unpublished=True)
        if tour is None:
            raise NotFound(msgs.TOUR_NOT_FOUND(slug=slug))
        authorize(actor, Action.tour_write, tour_resource(tour))
        return tour

    def versions(self, slug: str, actor: Actor) -> list[TourVersion]:
        """The saved versions of a tour the actor manages, oldest first.

        Raises
        ------
        NotFound, Forbidden
            As :meth:`managed` (404, 403).
        """
        return list(self.tours.versions(self.managed(slug, actor).id))

    def version(self, slug: str, number: int, actor: Actor) -> TourVersion:
        """One saved version (``number``, from 1) of a tour the actor manages.

        Raises
        ------
        NotFound
            No tour has this slug, or it has no such version (404).
        Forbidden
            As :meth:`managed` (403).
        """
        tour = self.managed(slug, actor)
        found = self.tours.version(tour.id, number)
        if found is None:
            raise NotFound(
                msgs.TOUR_VERSION_NOT_FOUND(slug=slug, number=number, current=tour.version)
            )
        return found


class TourWriter:
    """Writes: the API's (an actor, audited) and the seed's (no actor, not audited).

    The use cases (:meth:`create`, :meth:`update`, :meth:`transition`) need an actor; the
    building blocks after them are what the seed loader calls without one.  Nothing is
    committed here: the caller commits the session.

    Parameters
    ----------
    session
        The session written to (never committed here).
    cache
        The routing graphs tours are planned on.
    actor
        The authenticated writer; ``None`` for the seed loader.

    Notes
    -----
    The errors (:mod:`tourroute.errors`) the methods share, which they refer to as "see
    the class":

    Unauthorized, Forbidden
        A use case called without an actor (401); an actor who may not write tours for
        the tour's operator (403).
    NotFound
        No tour has the slug given (404).
    PreconditionRequired
        No usable ``If-Match`` (428).
    PreconditionFailed
        A stale ``If-Match``; or, in any method that flushes, another writer changed the
        tour between its read and this flush (412).
    InvalidBody
        In any method that plans: the tour cannot be planned, as :meth:`plan` details
        (422).
    """

    def __init__(self, session: Session, cache: GraphCache, actor: Actor | None) -> None:
        self.session = session
        self.cache = cache
        self.actor = actor
        self.tours = TourRepository(session)
        self.provinces = ProvinceRepository(session)
        self.versions = VersionedWorkflow(session, actor, _LIFECYCLE, _audited)

    # --- use cases ------------------------------------------------------------------

    def create(self, body: TourCreate) -> Tour:
        """Plan and add a draft tour, with its first saved version, audited as ``tour.create``.

        Parameters
        ----------
        body
            The validated body: its days, or the itinerary to take them from.

        Returns
        -------
        Tour
            The new tour (status ``draft``).

        Raises
        ------
        Unauthorized, Forbidden
            See the class (401, 403).
        Conflict
            The slug is taken (409).
        InvalidParameter
            Both or neither of ``days`` and ``from_itinerary``; an unknown operator or
            itinerary (422).
        InvalidBody
            The tour is not valid, or cannot be planned (see the class) (422).
        """
        if (body.days is None) == (body.from_itinerary is None):
            raise InvalidParameter("days", msgs.DAYS_OR_ITINERARY(), location="body")
        operator = self.operator(body.operator)
        self._authorize(operator.resource)
        if self.tours.slug_taken(body.slug):
            raise Conflict(msgs.TOUR_EXISTS(slug=body.slug))
        data = body.model_dump(exclude={"from_itinerary"}, exclude_none=True)
        if body.from_itinerary is not None:
            data |= self._from_itinerary(body.from_itinerary, body)
        definition = validated(TourDefinition, data)
        tour = self.new_tour(definition, operator)
        self.versions.record(tour, tour.slug, "create", None)
        return tour

    def update(self, slug: str, if_match: str | None, patch: dict[str, Any]) -> Tour:
        """Apply a JSON merge patch; one that changes anything saves a version and is
        audited as ``tour.update``.

        Parameters
        ----------
        slug
            The tour's slug.
        if_match
            The request's ``If-Match``.
        patch
            The parsed merge patch: an absent member is kept, ``None`` clears it.  A patch
            of ``days``, ``vehicle`` or ``start_date`` re-plans the tour.

        Returns
        -------
        Tour
            The tour as it is now (the same version if nothing changed).

        Raises
        ------
        NotFound, Unauthorized, Forbidden, PreconditionRequired, PreconditionFailed
            See the class; also Forbidden (403) to hand the tour to an operator the actor
            may not write for.
        Conflict
            The tour is archived (409).
        InvalidParameter, InvalidBody
            The patched tour is not valid, names an unknown operator, or cannot be planned
            (422).
        """
        tour = self._load(slug)
        self._authorize(tour_resource(tour))
        self.versions.check_editable(tour, slug, if_match)
        definition = validated(TourDefinition, {**editable_document(tour), **patch})
        operator = self.operator(definition.operator)
        if operator.resource != tour_resource(tour):
            self._authorize(operator.resource)
        before = self.versions.snapshot(tour)
        if self.apply(tour, definition, operator, replan=bool(_REPLAN & patch.keys())):
            self.save_version(tour, "tour.update")
            self.versions.record(tour, tour.slug, "update", before)
        return tour

    def transition(self, slug: str, if_match: str | None, verb: str) -> Tour:
        """``publish`` or ``archive`` (:data:`WORKFLOW`): saves a version, audited as
        ``tour.<verb>``.

        Parameters
        ----------
        slug
            The tour's slug.
        if_match
            The request's ``If-Match``.
        verb
            ``publish`` or ``archive``.

        Returns
        -------
        Tour
            The tour in its new status.

        Raises
        ------
        NotFound, Unauthorized, Forbidden, PreconditionRequired, PreconditionFailed
            See the class.
        Conflict
            The tour is in a status the step does not start from (409).
        """
        tour = self._load(slug)
        self._authorize(tour_resource(tour))
        self.versions.transition(
            tour, slug, if_match, verb, then=lambda _: self.save_version(tour, f"tour.{verb}")
        )
        return tour

    # --- building blocks (shared with the seed loader) -------------------------------

    def operator(self, given: OperatorIn) -> Operator:
        """The operator a body names: an agency, or a province's tourism department.

        Parameters
        ----------
        given
            The body's ``operator``.

        Returns
        -------
        Operator
            The agency's id, or the province's code.

        Raises
        ------
        Forbidden
            An agency naming an agency other than its own, or an unknown one (403).
        InvalidParameter
            An unknown agency or province (422).
        """
        if given.agency is not None:
            agency = self.tours.agency_by_slug(given.agency)
            if self.actor is not None and self.actor.role is Role.agency:
                # An agency may name only its own agency, and learns nothing about others:
                # an unknown slug is the same 403 as another agency's (no slug probing).
                named = TourResource(agency.id if agency is not None else None)
                authorize(self.actor, Action.tour_write, named)
            if agency is None:
                raise InvalidParameter("operator.agency", msgs.NO_AGENCY(slug=given.agency), "body")
            return Operator(agency.id, None)
        province = self.provinces.find(given.province or "")
        if province is None:
            known = ", ".join(f"{p.code} ({p.slug})" for p in self.provinces.list())
            raise InvalidParameter(
                "operator.province",
                msgs.UNKNOWN_PROVINCE(value=given.province, known=known),
                "body",
            )
        return Operator(None, province.code)

    def plan(self, definition: TourDefinition, start_date: date) -> tuple[Plan, dict[str, Site]]:
        """Check every stop, then route the legs.

        Parameters
        ----------
        definition
            The tour's days and vehicle.
        start_date
            The first day's date.

        Returns
        -------
        tuple of (Plan, dict)
            The plan (stored as :func:`~tourroute.plans.plan_document` writes it), and the
            sites visited (and slept at) by slug.

        Raises
        ------
        InvalidBody
            Every stop that is not a published site and every overnight place that is not
            lodging or a campsite, named together; if there are none, the legs that cannot
            be routed (422).
        """
        sites = self.tours.sites_by_slug(
            [s.site for d in definition.days for s in d.stops]
            + [d.overnight for d in definition.days if d.overnight]
        )
        errors = self._stop_errors(definition, sites)
        if errors:
            raise InvalidBody(errors)
        try:
            plan = build_plan(definition, start_date, sites, self.cache.get(self.session))
        except PlanRejected as exc:
            raise InvalidBody(exc.errors) from None
        return plan, sites

    def new_tour(
        self, definition: TourDefinition, operator: Operator, status: TourStatus = TourStatus.draft
    ) -> Tour:
        """Plan, add and flush a new tour, with its first saved version (not audited).

        Parameters
        ----------
        definition
            The validated tour.
        operator
            Its operator.
        status
            Its status (the seed adds published tours).

        Returns
        -------
        Tour
            The new tour.

        Raises
        ------
        InvalidBody
            The tour cannot be planned (see the class) (422).
        """
        tour = Tour(slug=definition.slug, status=status)
        self.apply(tour, definition, operator, replan=True)
        self.tours.add(tour)
        self.flush(definition.slug)
        self.save_version(tour, "tour.create")
        return tour

    def apply(
        self, tour: Tour, definition: TourDefinition, operator: Operator, *, replan: bool
    ) -> bool:
        """Make ``tour`` say what ``definition`` says, re-planned if asked.

        Flushes an existing tour that changed (:meth:`VersionedWorkflow.touch`), so its
        version is the new one; a new tour is only filled in (the caller adds it).

        Parameters
        ----------
        tour
            A new tour (not yet added) or a loaded one.
        definition
            What the tour is to say.
        operator
            Its operator.
        replan
            Check the stops and route the legs again (days, vehicle or start date changed).
            Without it the stored days, vehicle, start date, plan and stops are kept.

        Returns
        -------
        bool
            Whether anything changed (always ``True`` for a new tour).

        Raises
        ------
        InvalidBody
            With ``replan``: the tour cannot be planned (see the class) (422).
        PreconditionFailed
            Another writer changed the tour meanwhile (412).
        """
        values, sites = self._values(tour, definition, operator, replan=replan)
        is_new = tour.id is None
        handed_over = (tour.operator_agency_id, tour.operator_province_code) != (
            operator.agency_id,
            operator.province_code,
        )
        changed = self._write_columns(tour, values, is_new=is_new)
        changed = self._write_themes(tour, definition) or changed
        if replan:
            changed = self._write_stops(tour, definition, sites) or changed
        if changed and not is_new:
            self._bump_version(tour, handed_over=handed_over)
        return changed

    def save_version(self, tour: Tour, action: str) -> TourVersion:
        """Add and flush the saved version of ``tour`` as it is now.

        Parameters
        ----------
        tour
            The tour, flushed at its new version.
        action
            What made the version (``tour.create``, ``tour.update``, ``tour.publish`` …).

        Returns
        -------
        TourVersion
            The saved version: its number, author and document.

        Raises
        ------
        PreconditionFailed
            Another writer changed the tour meanwhile (412).
        """
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
        """Flush the session (:meth:`VersionedWorkflow.flush`).

        Parameters
        ----------
        slug
            The tour written, as the 412 names it.

        Raises
        ------
        PreconditionFailed
            Another writer changed the tour meanwhile (412).
        """
        self.versions.flush(slug)

    # --- helpers --------------------------------------------------------------------

    def _authorize(self, resource: TourResource) -> None:
        """``tour.write`` on ``resource``, the one check every use case makes."""
        authorize(self.actor, Action.tour_write, resource)

    def _load(self, slug: str) -> Tour:
        """The tour in any status: authorization, not visibility, guards a write."""
        tour = self.tours.get_by_slug(slug, include_unpublished=True)
        if tour is None:
            raise NotFound(msgs.TOUR_NOT_FOUND(slug=slug))
        return tour

    @staticmethod
    def _stop_errors(definition: TourDefinition, sites: dict[str, Site]) -> list[FieldError]:
        """Every bad stop and overnight place at once, so one 422 names them all."""
        errors: list[FieldError] = []
        for i, day in enumerate(definition.days):
            for j, stop in enumerate(day.stops):
                site = sites.get(stop.site)
                if site is None or site.status is not SiteStatus.published:
                    errors.append(
                        FieldError(
                            f"days.{i}.stops.{j}.site",
                            msgs.NOT_PUBLISHED_SITE(slug=stop.site),
                            "body",
                        )
                    )
            if day.overnight is not None:
                night = sites.get(day.overnight)
                if night is None or night.status is not SiteStatus.published:
                    reason = msgs.NOT_PUBLISHED_SITE(slug=day.overnight)
                elif night.kind not in OVERNIGHT_KINDS:
                    reason = msgs.NOT_LODGING(slug=day.overnight, kind=night.kind.value)
                else:
                    continue
                errors.append(FieldError(f"days.{i}.overnight", reason, "body"))
        return errors

    def _values(
        self, tour: Tour, definition: TourDefinition, operator: Operator, *, replan: bool
    ) -> tuple[dict[str, Any], dict[str, Site]]:
        """The tour's columns as ``definition`` says them, and its stops' sites (for the keys)."""
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
        if replan:
            planned, sites = self._planned(tour, definition)
            values |= planned
        else:
            sites = self.tours.sites_by_slug(s.site for d in definition.days for s in d.stops)
        values["search_exact"], values["search_folded"] = search_keys(definition, sites)
        return values, sites

    def _planned(
        self, tour: Tour, definition: TourDefinition
    ) -> tuple[dict[str, Any], dict[str, Site]]:
        """The columns only a re-plan writes: the plan must be routed before any is set."""
        start_date = definition.start_date or tour.start_date or today_local()
        plan, sites = self.plan(definition, start_date)
        values = {
            "vehicle": definition.vehicle,
            "start_date": start_date,
            "days": [d.model_dump(mode="json") for d in definition.days],
            "duration_days": len(definition.days),
            "plan": plan_document(plan),
            "network_version": plan.network_version,
        }
        return values, sites

    @staticmethod
    def _write_columns(tour: Tour, values: dict[str, Any], *, is_new: bool) -> bool:
        """Set the columns: a loaded tour only where they differ, so a no-op edit bumps nothing."""
        if not is_new:
            return apply_changes(tour, values)
        for key, value in values.items():
            setattr(tour, key, value)
        return True

    @staticmethod
    def _write_themes(tour: Tour, definition: TourDefinition) -> bool:
        """Replace the theme rows only if the set differs, so a no-op edit bumps nothing."""
        if {t.value for t in tour.themes} == {t.value for t in definition.themes}:
            return False
        tour.theme_rows = [TourTheme(theme=t) for t in sorted(definition.themes)]
        return True

    @staticmethod
    def _write_stops(tour: Tour, definition: TourDefinition, sites: dict[str, Site]) -> bool:
        """Bring the stop rows (the site search index) in line with the re-planned days."""
        wanted = [
            (i + 1, j + 1, sites[s.site].id)
            for i, d in enumerate(definition.days)
            for j, s in enumerate(d.stops)
        ]
        if wanted == [(r.day, r.position, r.site_id) for r in tour.stop_rows]:
            return False
        # Rows are keyed by (day, position): keep those keys, change their site, so no key is
        # deleted and inserted again in one flush.
        rows = {(r.day, r.position): r for r in tour.stop_rows}
        kept = []
        for day, position, site_id in wanted:
            row = rows.get((day, position)) or TourStop(day=day, position=position)
            row.site_id = site_id
            kept.append(row)
        tour.stop_rows = kept
        return True

    def _bump_version(self, tour: Tour, *, handed_over: bool) -> None:
        """Move a changed tour to its next version now, so the saved version gets its number."""
        self.versions.touch(tour, tour.slug)
        if handed_over:  # the loaded operator objects are the previous operator's
            self.session.expire(tour, ["operator_agency", "operator_province"])

    def _from_itinerary(self, itinerary_id: str, body: TourCreate) -> dict[str, Any]:
        """The days of a composed itinerary: its visits with their planned times and its
        overnight places (start and end points that are not visits are left out)."""
        found = self.session.get(Itinerary, itinerary_id) if len(itinerary_id) == 32 else None
        if found is None:
            raise InvalidParameter("from_itinerary", msgs.ITINERARY_BAD_ID(id=itinerary_id), "body")
        plan = Plan.model_validate(found.plan)
        days = [
            {
                "stops": [
                    {
                        "site": s.site,
                        "arrive": s.arrival.time(),
                        "depart": s.departure.time(),
                    }
                    for s in day.stops
                ],
                "overnight": day.overnight.site if day.overnight else None,
                "start_time": day.start.departure.time(),
            }
            for day in plan.days
        ]
        return {
            "days": days,
            "vehicle": body.vehicle or found.vehicle,
            "start_date": body.start_date or plan.start_date,
        }
