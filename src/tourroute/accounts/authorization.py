"""Every authorization decision of the service, in one place.

Services ask :func:`can` (or :func:`authorize`, which raises) whether an actor may perform an
action on a resource; the answer carries the reason, which becomes the ``detail`` of a 403.
Nothing else in the code base compares roles or provinces.

The rules:

* anonymous callers may only read published data (public endpoints never ask here);
* ``admin`` may do everything;
* ``curator`` curates the sites of its own province — create, edit, submit, publish,
  archive, see drafts — and reads the audit log of its province's resources;
* ``curator`` also curates the road segments lying wholly in its own province; a segment
  crossing a province border (or leaving the three provinces) is for admins only;
* ``agency`` may not touch sites or road segments; it will manage its own agency's tours
  (:class:`TourResource` and ``Action.tour_*`` are the hook the tour catalogue will use).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tourroute.accounts.domain import Actor, Role
from tourroute.errors import Forbidden, Unauthorized

__all__ = [
    "Action",
    "AuditVisibility",
    "Decision",
    "ProvinceResource",
    "SegmentResource",
    "TourResource",
    "audit_visibility",
    "authorize",
    "can",
]


class Action(StrEnum):
    site_create = "site.create"
    site_update = "site.update"
    site_submit = "site.submit"
    site_publish = "site.publish"
    site_archive = "site.archive"
    site_read_unpublished = "site.read-unpublished"
    audit_read = "audit.read"
    # Hook for the tour catalogue (issue 5, item 3): agencies manage their own tours,
    # curators their province's official tours.
    tour_write = "tour.write"
    # Issue 5, item 2: create, edit, publish and archive road segments.
    segment_write = "segment.write"


_SITE_ACTIONS = frozenset(
    {
        Action.site_create,
        Action.site_update,
        Action.site_submit,
        Action.site_publish,
        Action.site_archive,
        Action.site_read_unpublished,
    }
)


@dataclass(frozen=True)
class ProvinceResource:
    """Anything that belongs to one province: a site, or the audit trail of a province."""

    province_code: str


@dataclass(frozen=True)
class TourResource:
    """A tour, operated either by an agency or by a province's tourism department."""

    operator_agency_id: int | None = None
    operator_province_code: str | None = None


@dataclass(frozen=True)
class SegmentResource:
    """A road segment: the provinces its line touches, and whether it leaves all of them."""

    province_codes: frozenset[str]
    beyond_provinces: bool = False


Resource = ProvinceResource | TourResource | SegmentResource


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


def _allow(reason: str) -> Decision:
    return Decision(True, reason)


def _deny(reason: str) -> Decision:
    return Decision(False, reason)


def can(actor: Actor | None, action: Action, resource: Resource) -> Decision:
    """May ``actor`` perform ``action`` on ``resource``? Always answers with the reason."""
    if actor is None:
        return _deny("authentication required")
    if actor.role is Role.admin:
        return _allow("admins may do everything")
    if action in _SITE_ACTIONS or action is Action.audit_read:
        return _province_rule(actor, action, resource)
    if action is Action.tour_write:
        return _tour_rule(actor, resource)
    if action is Action.segment_write:
        return _segment_rule(actor, resource)
    return _deny(f"no rule allows {action.value}")  # pragma: no cover - every action has one


def _province_rule(actor: Actor, action: Action, resource: Resource) -> Decision:
    if not isinstance(resource, ProvinceResource):
        return _deny(f"{action.value} applies to a province's resources")
    if actor.role is Role.agency:
        if action is Action.audit_read:
            return _deny("agencies cannot read the audit log")
        return _deny("agencies cannot curate sites (they manage their own tours)")
    if actor.province_code == resource.province_code:
        return _allow(f"{actor.name} curates {resource.province_code}")
    return _deny(f"{actor.name} curates {actor.province_code}, not {resource.province_code}")


def _tour_rule(actor: Actor, resource: Resource) -> Decision:
    if not isinstance(resource, TourResource):
        return _deny("tour.write applies to tours")
    if actor.role is Role.agency:
        if resource.operator_agency_id is not None and (
            resource.operator_agency_id == actor.agency_id
        ):
            return _allow("agencies manage their own tours")
        return _deny("agencies manage only their own agency's tours")
    if resource.operator_province_code is not None and (
        resource.operator_province_code == actor.province_code
    ):
        return _allow(f"{actor.name} manages the official tours of {actor.province_code}")
    return _deny(f"{actor.name} manages only the official tours of {actor.province_code}")


def _segment_rule(actor: Actor, resource: Resource) -> Decision:
    if not isinstance(resource, SegmentResource):
        return _deny("segment.write applies to road segments")
    if actor.role is Role.agency:
        return _deny("agencies cannot curate road segments")
    own = actor.province_code
    if resource.beyond_provinces or len(resource.province_codes) != 1:
        return _deny(
            "a road segment crossing a province border (or outside the provinces) "
            "is curated by admins only"
        )
    if own is not None and resource.province_codes == {own}:
        return _allow(f"{actor.name} curates the road segments of {own}")
    (code,) = resource.province_codes
    return _deny(f"{actor.name} curates {own}, not {code}")


def authorize(actor: Actor | None, action: Action, resource: Resource) -> None:
    """Raise 401 for no actor, 403 with the reason when :func:`can` says no."""
    if actor is None:
        raise Unauthorized("authentication required", invalid_token=False)
    decision = can(actor, action, resource)
    if not decision:
        raise Forbidden(decision.reason)


@dataclass(frozen=True)
class AuditVisibility:
    """Which audit entries a reader may list: all of them, or one province's."""

    everything: bool
    province_code: str | None = None


def audit_visibility(actor: Actor) -> AuditVisibility:
    """The part of the audit log ``actor`` may read: all for admins, a curator's province."""
    if actor.role is Role.admin:
        return AuditVisibility(everything=True)
    decision = can(actor, Action.audit_read, ProvinceResource(actor.province_code or ""))
    if not decision or actor.province_code is None:
        raise Forbidden(decision.reason)
    return AuditVisibility(everything=False, province_code=actor.province_code)
