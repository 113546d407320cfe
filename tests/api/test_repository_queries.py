"""The queries moved out of routers and use cases into repositories (and the services that
now hold the decisions the routers made): each answers what the inline code answered."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.api.conftest import OTHER, OWN, Accounts
from tests.conftest import Database
from tourroute.accounts.domain import Actor, Role
from tourroute.accounts.service import AccountService
from tourroute.audit.service import AuditLog
from tourroute.db.engine import is_postgresql
from tourroute.errors import Forbidden
from tourroute.itineraries.models import Itinerary
from tourroute.itineraries.repository import ItineraryRepository
from tourroute.network.models import Corridor, RoadSegment, SegmentStatus
from tourroute.network.repository import NetworkRepository
from tourroute.sites.domain import SiteStatus
from tourroute.sites.models import Site
from tourroute.sync.kinds import site_kind, tour_kind
from tourroute.sync.repository import ChangeRepository
from tourroute.tours.domain import TourStatus
from tourroute.tours.models import Tour


def test_segment_lookups_of_the_network_repository(session: Session) -> None:
    repo = NetworkRepository(session)
    first = session.scalars(select(RoadSegment).order_by(RoadSegment.key)).first()
    assert first is not None
    assert repo.segment_by_key(first.key) is first
    assert repo.segment_by_key("no-such-segment") is None
    assert repo.segment_key_taken(first.key)
    assert not repo.segment_key_taken("no-such-segment")
    assert repo.corridor_slugs() == {c.slug for c in session.scalars(select(Corridor))}


def test_road_rows_are_the_published_segments_by_corridor(session: Session) -> None:
    repo = NetworkRepository(session)
    published = [
        s
        for s in session.scalars(select(RoadSegment).order_by(RoadSegment.key))
        if s.status is SegmentStatus.published
    ]
    rows = repo.road_rows()
    assert [r.key for r in rows] == [s.key for s in published]
    assert all(r.geometry is not None and r.geometry["type"] == "LineString" for r in rows)
    for corridor in sorted(repo.corridor_slugs()):
        expected = [s.key for s in published if corridor in s.corridors]
        assert [r.key for r in repo.road_rows(corridor)] == expected
    assert repo.road_rows("no-such-corridor") == []


def test_itinerary_repository_adds_and_reads_back(session: Session) -> None:
    repo = ItineraryRepository(session)
    assert repo.get("0" * 32) is None
    row = Itinerary(
        id="f" * 32,
        vehicle="car",
        days=1,
        score=1.0,
        network_version="v",
        request={"days": 1},
        plan={"days": []},
    )
    repo.add(row)
    session.flush()
    assert repo.get("f" * 32) is row


def test_sync_repository_published_rows_in_slug_order(session: Session) -> None:
    repo = ChangeRepository(session)
    tours = session.scalars(select(Tour).order_by(Tour.slug)).unique().all()
    assert [t.slug for t in repo.published(tour_kind)] == [
        t.slug for t in tours if t.status is TourStatus.published
    ]
    sites = session.scalars(select(Site).order_by(Site.slug)).all()
    assert [s.slug for s in repo.published(site_kind)] == [
        s.slug for s in sites if s.status is SiteStatus.published
    ]
    assert repo.sites_ever_published([]) == set()
    assert repo.tours_ever_published([]) == set()


def test_sync_clock_knows_its_backend(session: Session, database: Database) -> None:
    assert is_postgresql(session) is (database.backend == "postgis")


def _actor(role: Role, province: str | None = None) -> Actor:
    agency = 1 if role is Role.agency else None
    return Actor(id=1, name="someone", role=role, province_code=province, agency_id=agency)


def test_audit_visibility_is_decided_by_the_audit_service() -> None:
    assert AuditLog.visibility(_actor(Role.admin)).everything
    assert AuditLog.visibility(_actor(Role.admin), OTHER).everything
    own = AuditLog.visibility(_actor(Role.curator, OWN), OWN)
    assert (own.everything, own.province_code) == (False, OWN)
    with pytest.raises(Forbidden):
        AuditLog.visibility(_actor(Role.curator, OWN), OTHER)
    with pytest.raises(Forbidden):
        AuditLog.visibility(_actor(Role.agency))


def test_account_service_names_the_agency(
    session: Session, database: Database, accounts: Accounts
) -> None:
    assert accounts.tokens  # the principals exist
    service = AccountService(session, database.settings.token_secret)
    assert service.agency_of("agency-user") == "du-lich-xu-thanh"
    assert service.agency_of("curator-th") is None
    assert service.agency_of("nobody") is None
