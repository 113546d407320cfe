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
from tourroute.i18n import Localized
from tourroute.i18n import messages as msgs

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
    message: Localized

    @property
    def reason(self) -> str:
        """Why, in English (the 403's detail is ``message`` in the request's language)."""
        return self.message.render("en")

    def __bool__(self) -> bool:
        return self.allowed


def _allow(reason: Localized) -> Decision:
    return Decision(True, reason)


def _deny(reason: Localized) -> Decision:
    return Decision(False, reason)


def can(actor: Actor | None, action: Action, resource: Resource) -> Decision:
    """May ``actor`` perform ``action`` on ``resource``? Always answers with the reason."""
    if actor is None:
        return _deny(msgs.AUTHENTICATION_REQUIRED())
    if actor.role is Role.admin:
        return _allow(msgs.ADMINS_MAY_ALL())
    if action in _SITE_ACTIONS or action is Action.audit_read:
        return _province_rule(actor, action, resource)
    if action is Action.tour_write:
        return _tour_rule(actor, resource)
    if action is Action.segment_write:
        return _segment_rule(actor, resource)
    return _deny(msgs.NO_RULE(action=action.value))  # pragma: no cover - every action has one


def _province_rule(actor: Actor, action: Action, resource: Resource) -> Decision:
    if not isinstance(resource, ProvinceResource):
        return _deny(msgs.APPLIES_TO_PROVINCE(action=action.value))
    if actor.role is Role.agency:
        if action is Action.audit_read:
            return _deny(msgs.AGENCIES_NO_AUDIT())
        return _deny(msgs.AGENCIES_NO_SITES())
    if actor.province_code == resource.province_code:
        return _allow(msgs.CURATES(name=actor.name, code=resource.province_code))
    return _deny(
        msgs.CURATES_NOT(name=actor.name, own=actor.province_code, code=resource.province_code)
    )


def _tour_rule(actor: Actor, resource: Resource) -> Decision:
    if not isinstance(resource, TourResource):
        return _deny(msgs.TOUR_WRITE_TOURS())
    if actor.role is Role.agency:
        if resource.operator_agency_id is not None and (
            resource.operator_agency_id == actor.agency_id
        ):
            return _allow(msgs.AGENCIES_OWN_TOURS())
        return _deny(msgs.AGENCIES_ONLY_OWN_TOURS())
    if resource.operator_province_code is not None and (
        resource.operator_province_code == actor.province_code
    ):
        return _allow(msgs.MANAGES_OFFICIAL(name=actor.name, code=actor.province_code))
    return _deny(msgs.MANAGES_ONLY_OFFICIAL(name=actor.name, code=actor.province_code))


def _segment_rule(actor: Actor, resource: Resource) -> Decision:
    if not isinstance(resource, SegmentResource):
        return _deny(msgs.SEGMENT_WRITE_SEGMENTS())
    if actor.role is Role.agency:
        return _deny(msgs.AGENCIES_NO_SEGMENTS())
    own = actor.province_code
    if resource.beyond_provinces or len(resource.province_codes) != 1:
        return _deny(msgs.SEGMENT_ACROSS_BORDER())
    if own is not None and resource.province_codes == {own}:
        return _allow(msgs.CURATES_SEGMENTS(name=actor.name, code=own))
    (code,) = resource.province_codes
    return _deny(msgs.CURATES_NOT(name=actor.name, own=own, code=code))


def authorize(actor: Actor | None, action: Action, resource: Resource) -> None:
    """Raise 401 for no actor, 403 with the reason when :func:`can` says no."""
    if actor is None:
        raise Unauthorized(msgs.AUTHENTICATION_REQUIRED(), invalid_token=False)
    decision = can(actor, action, resource)
    if not decision:
        raise Forbidden(decision.message)


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
        raise Forbidden(decision.message)
    return AuditVisibility(everything=False, province_code=actor.province_code)
