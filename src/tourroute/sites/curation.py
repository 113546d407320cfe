"""Curation use cases: create, edit and move sites through their workflow.

Every write here follows the same path: load the site, ask
:mod:`tourroute.accounts.authorization`, check ``If-Match`` against the row's version, change
it, flush, and add the audit entry to the same session — so the change and its audit entry
commit together or not at all.  ``draft → in_review → published → archived`` is the
workflow; each step is recorded (from, to, who, when) in ``site_transitions``.

Two editors holding the same ETag cannot both win: the second fails the ``If-Match`` check
(412); and if both pass it at the same moment, the row's version counter
(SQLAlchemy's ``version_id_col``) makes the second UPDATE match no row, which is turned into
the same 412 here, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from geoalchemy2.shape import to_shape
from pydantic import ValidationError
from shapely.geometry import MultiPolygon, Point, shape
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tourroute.accounts.authorization import Action, ProvinceResource, authorize
from tourroute.accounts.domain import Actor
from tourroute.audit.service import AuditLog
from tourroute.db.base import utcnow
from tourroute.db.changes import apply_changes, same_geometry
from tourroute.db.spatial import geojson_of, to_element
from tourroute.db.versioned import PreconditionFailed, check_if_match
from tourroute.errors import Conflict, DomainError, FieldError, InvalidParameter, NotFound
from tourroute.provinces.models import Province
from tourroute.provinces.outline import PROVINCE_TOLERANCE_M, ProvinceSeed
from tourroute.provinces.repository import ProvinceRepository
from tourroute.sites.domain import Category, SiteStatus
from tourroute.sites.models import Site, SiteCategory, SiteTransition
from tourroute.sites.repository import SiteFilters, SiteRepository
from tourroute.sites.schemas import (
    CuratedSiteRead,
    SiteCreate,
    SiteDraft,
    SiteRead,
    SiteTransitionRead,
)
from tourroute.sites.service import SitePageResult, to_read
from tourroute.sites.values import site_values

__all__ = ["WORKFLOW", "CurationService", "InvalidBody", "site_snapshot"]

# action → (statuses it may start from, status it leads to)
WORKFLOW: dict[Action, tuple[frozenset[SiteStatus], SiteStatus]] = {
    Action.site_submit: (frozenset({SiteStatus.draft}), SiteStatus.in_review),
    Action.site_publish: (frozenset({SiteStatus.in_review}), SiteStatus.published),
    Action.site_archive: (
        frozenset({SiteStatus.draft, SiteStatus.in_review, SiteStatus.published}),
        SiteStatus.archived,
    ),
}
_HINT = {
    SiteStatus.draft: "submit it for review first",
    SiteStatus.in_review: "publish it, or archive it",
    SiteStatus.published: "archive it to withdraw it",
    SiteStatus.archived: "archived sites are final",
}


class InvalidBody(DomainError):
    """422 for a request body that is well-formed JSON but not a valid site."""

    def __init__(self, errors: list[FieldError]) -> None:
        names = ", ".join(sorted({e.name for e in errors}))
        super().__init__(
            f"Invalid value for: {names}",
            422,
            "invalid-parameter",
            "Invalid request parameter",
            tuple(errors),
        )


def _read(site: Site, language: str) -> SiteRead:
    """:func:`to_read`: its times are ISO 8601 in +07:00 (``LocalDateTime``) whether the
    row was just written (aware) or read back from SQLite (naive UTC): one version, one
    representation."""
    return to_read(site, language)


def site_snapshot(site: Site) -> dict[str, Any]:
    """A site as recorded in the audit log: language-neutral, JSON-ready."""
    return _read(site, "en").model_dump(mode="json", exclude={"name", "distance_m"})


def _editable_document(site: Site) -> dict[str, Any]:
    """The site in the shape of :class:`SiteCreate`, onto which a merge patch is applied."""
    columns = (
        "name_vi",
        "name_en",
        "description_vi",
        "description_en",
        "district",
        "kind",
        "subtype",
        "coord_confidence",
        "opening_hours",
        "visit_duration_min",
        "interest_score",
        "coach_parking",
        "motorhome_parking",
        "motorhome_overnight",
        "motorbike_only_access",
        "ticket_price_vnd",
        "status",
        "source",
        "slug",
    )
    doc = {name: getattr(site, name) for name in columns}
    doc["province"] = site.province_code
    doc["categories"] = list(site.categories)
    doc["location"] = geojson_of(site.geom)
    doc["footprint"] = geojson_of(site.footprint)
    return doc


@dataclass(frozen=True)
class CuratedSite:
    site: Site
    transitions: list[SiteTransition]

    def read(self, language: str) -> CuratedSiteRead:
        base = _read(self.site, language)
        return CuratedSiteRead(
            **base.model_dump(),
            workflow=[
                SiteTransitionRead(
                    from_status=t.from_status,
                    to_status=t.to_status,
                    by=t.principal_name,
                    at=t.at,  # LocalDateTime: +07:00
                )
                for t in self.transitions
            ],
        )


class CurationService:
    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.sites = SiteRepository(session)
        self.provinces = ProvinceRepository(session)
        self.audit = AuditLog(session)

    # --- reads ----------------------------------------------------------------------

    def get(self, slug: str) -> CuratedSite:
        site = self._load(slug)
        authorize(self.actor, Action.site_read_unpublished, ProvinceResource(site.province_code))
        return CuratedSite(site, list(self.sites.transitions(site.id)))

    def scope_province(self, province: str | None) -> str | None:
        """The province a curation list covers: a curator's own by default; 403 outside it."""
        code = self._province(province).code if province is not None else None
        target = code or self.actor.province_code
        authorize(self.actor, Action.site_read_unpublished, ProvinceResource(target or "*"))
        return target

    def list_sites(
        self, filters: SiteFilters, offset: int, limit: int, language: str
    ) -> SitePageResult:
        rows = self.sites.page(filters, offset, limit + 1)
        items = [_read(site, language) for site, _ in rows[:limit]]
        return SitePageResult(items=items, has_more=len(rows) > limit)

    # --- writes ---------------------------------------------------------------------

    def create(self, draft: SiteDraft) -> CuratedSite:
        authorize(self.actor, Action.site_create, ProvinceResource(draft.province))
        province = self._province(draft.province, location="body")
        self._check_inside(province, draft.location.lon, draft.location.lat)
        if self.sites.slug_taken(draft.slug):
            raise Conflict(f"A site with slug '{draft.slug}' exists already.")
        footprint = shape(draft.footprint.as_dict()) if draft.footprint else None
        site = Site(
            slug=draft.slug,
            geom=to_element(Point(draft.location.lon, draft.location.lat)),
            footprint=to_element(footprint) if footprint is not None else None,
            **site_values(draft),
        )
        site.province = province
        site.category_rows = [SiteCategory(category=c) for c in sorted(draft.categories)]
        self.sites.add(site)
        self._flush(site.slug)
        transition = self._record_transition(site, None)
        self.audit.record(
            self.actor,
            Action.site_create.value,
            "site",
            site.slug,
            before=None,
            after=site_snapshot(site),
            province_code=site.province_code,
        )
        self._flush(site.slug)
        return CuratedSite(site, [transition])

    def update(self, slug: str, if_match: str | None, patch: dict[str, Any]) -> CuratedSite:
        """Apply a JSON merge patch (already parsed: absent = keep, None = clear)."""
        site = self._load(slug)
        authorize(self.actor, Action.site_update, ProvinceResource(site.province_code))
        check_if_match(if_match, site.version, f"site '{slug}'")
        if site.status is SiteStatus.archived:
            raise Conflict(f"Site '{slug}' is archived; archived sites cannot be edited.")
        target = patch.get("province") or site.province_code
        if target != site.province_code:
            authorize(self.actor, Action.site_update, ProvinceResource(target))
        try:
            merged = SiteCreate.model_validate({**_editable_document(site), **patch})
        except ValidationError as exc:
            raise InvalidBody(
                [
                    FieldError(".".join(str(p) for p in e["loc"]) or "body", e["msg"], "body")
                    for e in exc.errors()
                ]
            ) from None
        province = self._province(merged.province, location="body")
        if "location" in patch or "province" in patch:
            self._check_inside(province, merged.location.lon, merged.location.lat)
        before = site_snapshot(site)
        if self._apply(site, merged, province):
            site.updated_at = utcnow()  # a category-only edit must bump the version too
            self._flush(slug)
            self.audit.record(
                self.actor,
                Action.site_update.value,
                "site",
                slug,
                before=before,
                after=site_snapshot(site),
                province_code=site.province_code,
            )
            self._flush(slug)
        return CuratedSite(site, list(self.sites.transitions(site.id)))

    def transition(self, slug: str, if_match: str | None, action: Action) -> CuratedSite:
        """One workflow step (submit, publish, archive); 409 if the site is in the wrong state."""
        sources, target = WORKFLOW[action]
        site = self._load(slug)
        authorize(self.actor, action, ProvinceResource(site.province_code))
        check_if_match(if_match, site.version, f"site '{slug}'")
        if site.status not in sources:
            verb = action.value.split(".", 1)[1]
            raise Conflict(
                f"Cannot {verb} site '{slug}': it is {site.status.value}; {_HINT[site.status]}."
            )
        before = site_snapshot(site)
        previous = site.status
        site.status = target
        site.updated_at = utcnow()
        self._flush(slug)
        self._record_transition(site, previous)
        self.audit.record(
            self.actor,
            action.value,
            "site",
            slug,
            before=before,
            after=site_snapshot(site),
            province_code=site.province_code,
        )
        self._flush(slug)
        return CuratedSite(site, list(self.sites.transitions(site.id)))

    # --- helpers --------------------------------------------------------------------

    def _load(self, slug: str) -> Site:
        site = self.sites.get_by_slug(slug, include_unpublished=True)
        if site is None:
            raise NotFound(f"No site with slug '{slug}'.")
        return site

    def _province(self, value: str, location: str = "query") -> Province:
        found = self.provinces.find(value)
        if found is None:
            known = ", ".join(f"{p.code} ({p.slug})" for p in self.provinces.list())
            raise InvalidParameter(
                "province", f"unknown province '{value}'; known: {known}", location
            )
        return found

    def _check_inside(self, province: Province, lon: float, lat: float) -> None:
        """The seed loader's rule: the point lies in its province (2 km tolerance)."""
        boundary = to_shape(province.boundary)
        if not isinstance(boundary, MultiPolygon):  # pragma: no cover - the column's type
            boundary = MultiPolygon([boundary])
        outline = ProvinceSeed(
            province.code, province.slug, province.name_vi, province.name_en, "", boundary
        )
        off = outline.distance_outside_m(lon, lat)
        if off > PROVINCE_TOLERANCE_M:
            raise InvalidParameter(
                "location",
                f"point {lon},{lat} lies {off / 1000:.1f} km outside "
                f"{province.name_en} ({province.code}); coordinates are lon,lat",
                "body",
            )

    def _apply(self, site: Site, data: SiteCreate, province: Province) -> bool:
        """Make ``site`` say what ``data`` says; whether anything changed."""
        changed = apply_changes(site, site_values(data))
        site.province = province
        point = Point(data.location.lon, data.location.lat)
        if not same_geometry(site.geom, point):
            site.geom = to_element(point)
            changed = True
        footprint = shape(data.footprint.as_dict()) if data.footprint else None
        if not same_geometry(site.footprint, footprint):
            site.footprint = to_element(footprint) if footprint is not None else None
            changed = True
        if {Category(c) for c in site.categories} != set(data.categories):
            site.category_rows = [SiteCategory(category=c) for c in sorted(data.categories)]
            changed = True
        return changed

    def _record_transition(self, site: Site, previous: SiteStatus | None) -> SiteTransition:
        transition = SiteTransition(
            site_id=site.id,
            from_status=previous,
            to_status=site.status,
            principal_id=self.actor.id,
            principal_name=self.actor.name,
            at=utcnow(),
        )
        self.sites.add_transition(transition)
        return transition

    def _flush(self, slug: str) -> None:
        try:
            self.session.flush()
        except StaleDataError:
            # Another transaction updated the row between our read and our write.
            raise PreconditionFailed(
                f"site '{slug}' was changed by someone else while this request ran; "
                "GET it again and retry with the new ETag."
            ) from None
