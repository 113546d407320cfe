"""The authorization rules as a matrix: every kind of actor × every action × resource."""

from __future__ import annotations

import pytest

from tourroute.accounts.authorization import (
    Action,
    ProvinceResource,
    SegmentResource,
    TourResource,
    audit_visibility,
    authorize,
    can,
)
from tourroute.accounts.domain import Actor, Role
from tourroute.errors import Forbidden, Unauthorized

ADMIN = Actor(1, "admin", Role.admin)
CURATOR_TH = Actor(2, "curator-th", Role.curator, province_code="VN-21")
CURATOR_NA = Actor(3, "curator-na", Role.curator, province_code="VN-22")
AGENCY_A = Actor(4, "agency-a", Role.agency, agency_id=10)
AGENCY_B = Actor(5, "agency-b", Role.agency, agency_id=11)
ACTORS: dict[str, Actor | None] = {
    "anonymous": None,
    "admin": ADMIN,
    "curator-th": CURATOR_TH,
    "curator-na": CURATOR_NA,
    "agency-a": AGENCY_A,
    "agency-b": AGENCY_B,
}

SITE_TH = ProvinceResource("VN-21")
AGENCY_A_TOUR = TourResource(operator_agency_id=10)
OFFICIAL_TH_TOUR = TourResource(operator_province_code="VN-21")
SEGMENT_TH = SegmentResource(frozenset({"VN-21"}))
SEGMENT_TH_NA = SegmentResource(frozenset({"VN-21", "VN-22"}))  # across the border
SEGMENT_TH_BEYOND = SegmentResource(frozenset({"VN-21"}), beyond_provinces=True)
SEGMENT_NOWHERE = SegmentResource(frozenset())
Resource = ProvinceResource | TourResource | SegmentResource

SITE_ACTIONS = [
    Action.site_create,
    Action.site_update,
    Action.site_submit,
    Action.site_publish,
    Action.site_archive,
    Action.site_read_unpublished,
]

# (action, resource) → the set of actors allowed; everyone else is refused.
EXPECTED: list[tuple[Action, Resource, set[str]]] = [
    *[(action, SITE_TH, {"admin", "curator-th"}) for action in SITE_ACTIONS],
    (Action.audit_read, SITE_TH, {"admin", "curator-th"}),
    (Action.tour_write, AGENCY_A_TOUR, {"admin", "agency-a"}),
    (Action.tour_write, OFFICIAL_TH_TOUR, {"admin", "curator-th"}),
    # A rule applied to the wrong kind of resource refuses (except for admins).
    (Action.site_update, AGENCY_A_TOUR, {"admin"}),
    (Action.tour_write, SITE_TH, {"admin"}),
    (Action.segment_write, SEGMENT_TH, {"admin", "curator-th"}),
    (Action.segment_write, SEGMENT_TH_NA, {"admin"}),
    (Action.segment_write, SEGMENT_TH_BEYOND, {"admin"}),
    (Action.segment_write, SEGMENT_NOWHERE, {"admin"}),
    (Action.segment_write, SITE_TH, {"admin"}),
    (Action.site_update, SEGMENT_TH, {"admin"}),
]


@pytest.mark.parametrize("actor_name", list(ACTORS))
@pytest.mark.parametrize(
    ("action", "resource", "allowed"),
    EXPECTED,
    ids=[f"{a.value}-{type(r).__name__}-{i}" for i, (a, r, _) in enumerate(EXPECTED)],
)
def test_matrix(
    actor_name: str,
    action: Action,
    resource: Resource,
    allowed: set[str],
) -> None:
    decision = can(ACTORS[actor_name], action, resource)
    assert decision.allowed is (actor_name in allowed)
    assert bool(decision) is decision.allowed
    assert decision.reason


def test_every_action_has_a_rule() -> None:
    covered = {action for action, _, _ in EXPECTED}
    assert covered == set(Action)


def test_reasons_name_the_scope() -> None:
    assert "curates VN-22, not VN-21" in can(CURATOR_NA, Action.site_update, SITE_TH).reason
    assert "agencies cannot curate sites" in can(AGENCY_A, Action.site_create, SITE_TH).reason
    assert "own agency" in can(AGENCY_B, Action.tour_write, AGENCY_A_TOUR).reason
    assert can(None, Action.site_update, SITE_TH).reason == "authentication required"
    assert "curates VN-22, not VN-21" in can(CURATOR_NA, Action.segment_write, SEGMENT_TH).reason
    assert "admins only" in can(CURATOR_TH, Action.segment_write, SEGMENT_TH_NA).reason
    assert "road segments" in can(AGENCY_A, Action.segment_write, SEGMENT_TH).reason


def test_authorize_raises_401_without_actor_and_403_outside_scope() -> None:
    with pytest.raises(Unauthorized) as no_actor:
        authorize(None, Action.site_update, SITE_TH)
    assert no_actor.value.status == 401
    assert no_actor.value.headers["WWW-Authenticate"].startswith("Bearer")
    with pytest.raises(Forbidden) as outside:
        authorize(CURATOR_NA, Action.site_update, SITE_TH)
    assert outside.value.status == 403
    assert "VN-22" in outside.value.detail
    authorize(CURATOR_TH, Action.site_update, SITE_TH)  # no exception


def test_audit_visibility() -> None:
    assert audit_visibility(ADMIN).everything
    scoped = audit_visibility(CURATOR_TH)
    assert (scoped.everything, scoped.province_code) == (False, "VN-21")
    with pytest.raises(Forbidden, match="agencies cannot read the audit log"):
        audit_visibility(AGENCY_A)


@pytest.mark.parametrize(
    ("role", "province", "agency"),
    [
        (Role.curator, None, None),
        (Role.curator, "VN-21", 3),
        (Role.admin, "VN-21", None),
        (Role.agency, None, None),
        (Role.agency, "VN-21", 3),
    ],
)
def test_an_actor_is_bound_to_exactly_its_scope(
    role: Role, province: str | None, agency: int | None
) -> None:
    with pytest.raises(ValueError, match="bound"):
        Actor(9, "x", role, province_code=province, agency_id=agency)
