"""Curation use cases: create, edit and move sites through their workflow.

Every write here follows the same path, written once in :mod:`tourroute.db.versioned`:
load the site, ask :mod:`tourroute.accounts.authorization`, check ``If-Match`` against the
row's version, change it, flush, and add the audit entry to the same session — so the
change and its audit entry commit together or not at all.  ``draft → in_review → published
→ archived`` is the workflow; each step is recorded (from, to, who, when) in
``site_transitions``.

Two editors holding the same ETag cannot both win: the second fails the ``If-Match`` check
(412); and if both pass it at the same moment, the row's version counter
(SQLAlchemy's ``version_id_col``) makes the second UPDATE match no row, which the kit turns
into the same 412, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shapely.geometry import MultiPolygon, Point, shape
from sqlalchemy.orm import Session

from tourroute.accounts.authorization import Action, ProvinceResource, authorize
from tourroute.accounts.domain import Actor
from tourroute.db.base import utcnow
from tourroute.db.changes import apply_changes, same_geometry
from tourroute.db.spatial import geojson_of, shape_of, to_element
from tourroute.db.versioned import Lifecycle, Snapshot, VersionedWorkflow, validated
from tourroute.errors import Conflict, InvalidParameter, NotFound
from tourroute.i18n import ProvinceName
from tourroute.i18n import messages as msgs
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

__all__ = ["WORKFLOW", "CurationService", "site_snapshot"]

# action → (statuses it may start from, status it leads to)
WORKFLOW: dict[Action, tuple[frozenset[SiteStatus], SiteStatus]] = {
    Action.site_submit: (frozenset({SiteStatus.draft}), SiteStatus.in_review),
    Action.site_publish: (frozenset({SiteStatus.in_review}), SiteStatus.published),
    Action.site_archive: (
        frozenset({SiteStatus.draft, SiteStatus.in_review, SiteStatus.published}),
        SiteStatus.archived,
    ),
}
_LIFECYCLE = Lifecycle(
    resource_type="site",
    noun=msgs.NAMED_SITE,
    noun_cap=msgs.NAMED_SITE_CAP,
    steps=WORKFLOW,
    final=SiteStatus.archived,
    final_note=msgs.SITES_ARCHIVED_NOT_EDITABLE,
    hints={
        SiteStatus.draft: msgs.SITE_HINT_DRAFT,
        SiteStatus.in_review: msgs.HINT_PUBLISH_OR_ARCHIVE,
        SiteStatus.published: msgs.HINT_ARCHIVE_TO_WITHDRAW,
        SiteStatus.archived: msgs.SITES_ARCHIVED_ARE_FINAL,
    },
)


def _read(site: Site, language: str) -> SiteRead:
    """:func:`to_read`: its times are ISO 8601 in +07:00 (``LocalDateTime``) whether the
    row was just written (aware) or read back from SQLite (naive UTC): one version, one
    representation."""
    return to_read(site, language)


def site_snapshot(site: Site) -> dict[str, Any]:
    """A site as recorded in the audit log: language-neutral, JSON-ready."""
    return _read(site, "en").model_dump(mode="json", exclude={"name", "distance_m"})


def _audited(site: Site) -> Snapshot:
    """The audit snapshot of a site, in its province's part of the log."""
    return Snapshot(site_snapshot(site), province_code=site.province_code)


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
    """The curation use cases of sites, for one actor in one session (never committed here).

    Parameters
    ----------
    session
        The request's session.
    actor
        The authenticated curator or admin.
    """

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.sites = SiteRepository(session)
        self.provinces = ProvinceRepository(session)
        self.versions = VersionedWorkflow(session, actor, _LIFECYCLE, _audited)

    # --- reads ----------------------------------------------------------------------

    def get(self, slug: str) -> CuratedSite:
        """A site in any status, with its workflow history.

        Parameters
        ----------
        slug
            The site's slug.

        Returns
        -------
        CuratedSite
            The site and its transitions, oldest first.

        Raises
        ------
        NotFound
            No site has this slug (404).
        Forbidden
            The actor may not read unpublished sites of its province (403).
        """
        site = self._load(slug)
        authorize(self.actor, Action.site_read_unpublished, ProvinceResource(site.province_code))
        return CuratedSite(site, list(self.sites.transitions(site.id)))

    def scope_province(self, province: str | None) -> str | None:
        """The province a curation list covers: a curator's own by default.

        Parameters
        ----------
        province
            The ISO 3166-2 code or slug asked for, if any.

        Returns
        -------
        str or None
            The province code; ``None`` for every province (an admin's default).

        Raises
        ------
        InvalidParameter
            An unknown province (422).
        Forbidden
            A province outside the actor's scope (403).
        """
        code = self._province(province).code if province is not None else None
        target = code or self.actor.province_code
        authorize(self.actor, Action.site_read_unpublished, ProvinceResource(target or "*"))
        return target

    def list_sites(
        self, filters: SiteFilters, offset: int, limit: int, language: str
    ) -> SitePageResult:
        """One page of sites in any status.

        Parameters
        ----------
        filters
            The list's filters (:meth:`scope_province` gives its province).
        offset
            How many sites to skip.
        limit
            The page size.
        language
            ``vi`` or ``en``, for the sites' ``name``.

        Returns
        -------
        SitePageResult
            The page's sites and whether more follow.
        """
        rows = self.sites.page(filters, offset, limit + 1)
        items = [_read(site, language) for site, _ in rows[:limit]]
        return SitePageResult(items=items, has_more=len(rows) > limit)

    # --- writes ---------------------------------------------------------------------

    def create(self, draft: SiteDraft) -> CuratedSite:
        """Create a draft site, audited as ``site.create``.

        Parameters
        ----------
        draft
            The validated body.

        Returns
        -------
        CuratedSite
            The new site (status ``draft``) and its first transition.

        Raises
        ------
        Forbidden
            The actor may not create sites in this province (403).
        InvalidParameter
            An unknown province, or a point outside it (422).
        Conflict
            The slug is taken (409).
        """
        authorize(self.actor, Action.site_create, ProvinceResource(draft.province))
        province = self._province(draft.province, location="body")
        self._check_inside(province, draft.location.lon, draft.location.lat)
        if self.sites.slug_taken(draft.slug):
            raise Conflict(msgs.SITE_EXISTS(slug=draft.slug))
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
        self.versions.flush(site.slug)
        transition = self._record_transition(site, None)
        self.versions.record(site, site.slug, "create", None)
        return CuratedSite(site, [transition])

    def update(self, slug: str, if_match: str | None, patch: dict[str, Any]) -> CuratedSite:
        """Apply a JSON merge patch, audited as ``site.update`` when it changes anything.

        Parameters
        ----------
        slug
            The site's slug.
        if_match
            The request's ``If-Match``: the ETag of the version the patch was made against.
        patch
            The parsed merge patch: an absent member is kept, ``None`` clears it.

        Returns
        -------
        CuratedSite
            The site as it is now (the same version if nothing changed).

        Raises
        ------
        NotFound
            No site has this slug (404).
        Forbidden
            The actor may not edit it, or move it to the province named (403).
        PreconditionRequired, PreconditionFailed
            No usable ``If-Match`` (428); a stale one, or a lost race (412).
        Conflict
            The site is archived (409).
        InvalidBody, InvalidParameter
            The patched site is not valid, or lies outside its province (422).
        """
        site = self._load(slug)
        authorize(self.actor, Action.site_update, ProvinceResource(site.province_code))
        self.versions.check_editable(site, slug, if_match)
        target = patch.get("province") or site.province_code
        if target != site.province_code:
            authorize(self.actor, Action.site_update, ProvinceResource(target))
        merged = validated(SiteCreate, {**_editable_document(site), **patch})
        province = self._province(merged.province, location="body")
        if "location" in patch or "province" in patch:
            self._check_inside(province, merged.location.lon, merged.location.lat)
        before = self.versions.snapshot(site)
        if self._apply(site, merged, province):
            # A category-only edit must bump the version too: save() stamps updated_at.
            self.versions.save(site, slug, "update", before)
        return CuratedSite(site, list(self.sites.transitions(site.id)))

    def transition(self, slug: str, if_match: str | None, action: Action) -> CuratedSite:
        """One workflow step (:data:`WORKFLOW`), recorded and audited as ``action``.

        Parameters
        ----------
        slug
            The site's slug.
        if_match
            The request's ``If-Match``.
        action
            ``Action.site_submit``, ``site_publish`` or ``site_archive``.

        Returns
        -------
        CuratedSite
            The site in its new status, with its workflow history.

        Raises
        ------
        NotFound
            No site has this slug (404).
        Forbidden
            The actor may not take this step here (403).
        PreconditionRequired, PreconditionFailed
            No usable ``If-Match`` (428); a stale one, or a lost race (412).
        Conflict
            The site is in a status the step does not start from (409).
        """
        site = self._load(slug)
        authorize(self.actor, action, ProvinceResource(site.province_code))
        self.versions.transition(
            site,
            slug,
            if_match,
            action,
            then=lambda previous: self._record_transition(site, previous),
        )
        return CuratedSite(site, list(self.sites.transitions(site.id)))

    # --- helpers --------------------------------------------------------------------

    def _load(self, slug: str) -> Site:
        site = self.sites.get_by_slug(slug, include_unpublished=True)
        if site is None:
            raise NotFound(msgs.SITE_NOT_FOUND(slug=slug))
        return site

    def _province(self, value: str, location: str = "query") -> Province:
        found = self.provinces.find(value)
        if found is None:
            known = ", ".join(f"{p.code} ({p.slug})" for p in self.provinces.list())
            raise InvalidParameter(
                "province", msgs.UNKNOWN_PROVINCE(value=value, known=known), location
            )
        return found

    def _check_inside(self, province: Province, lon: float, lat: float) -> None:
        """The seed loader's rule: the point lies in its province (2 km tolerance)."""
        boundary = shape_of(province.boundary)
        if not isinstance(boundary, MultiPolygon):  # pragma: no cover - the column's type
            boundary = MultiPolygon([boundary])
        outline = ProvinceSeed(
            province.code, province.slug, province.name_vi, province.name_en, "", boundary
        )
        off = outline.distance_outside_m(lon, lat)
        if off > PROVINCE_TOLERANCE_M:
            raise InvalidParameter(
                "location",
                msgs.SITE_OUTSIDE_PROVINCE(
                    lon=lon,
                    lat=lat,
                    km=off / 1000,
                    province=ProvinceName(province.name_vi, province.name_en),
                    code=province.code,
                ),
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
