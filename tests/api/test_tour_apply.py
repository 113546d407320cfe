"""``TourWriter.apply``, the step every tour write goes through: what it writes, when the
version moves, and what a re-plan touches (it is split into named steps; these pin what the
steps do together)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.api.conftest import Accounts
from tests.api.tour_fixtures import OWN_AGENCY, created
from tests.conftest import Database
from tourroute.db.versioned import validated
from tourroute.errors import InvalidBody
from tourroute.tours.documents import editable_document
from tourroute.tours.domain import TourStatus
from tourroute.tours.models import Tour
from tourroute.tours.schemas import OperatorIn, TourDefinition
from tourroute.tours.service import TourWriter


@pytest.fixture
def tour(client: TestClient, session: Session, accounts: Accounts) -> Tour:
    """A draft tour created through the API: one day, thanh-nha-ho then lam-kinh."""
    created(client, accounts, "ap-dung")
    return session.scalars(select(Tour).where(Tour.slug == "ap-dung")).one()


@pytest.fixture
def writer(session: Session, database: Database) -> TourWriter:
    return TourWriter(session, database.graph_cache, None)


def _definition(tour: Tour, **changes: Any) -> TourDefinition:
    return validated(TourDefinition, {**editable_document(tour), **changes})


def _stops(tour: Tour) -> list[tuple[int, int, int]]:
    return [(r.day, r.position, r.site_id) for r in tour.stop_rows]


@pytest.mark.parametrize("replan", [False, True])
def test_applying_what_the_tour_says_changes_nothing(
    tour: Tour, writer: TourWriter, replan: bool
) -> None:
    definition = _definition(tour)
    version, updated_at = tour.version, tour.updated_at
    changed = writer.apply(tour, definition, writer.operator(definition.operator), replan=replan)
    assert changed is False
    assert (tour.version, tour.updated_at) == (version, updated_at)


def test_a_theme_alone_moves_the_version_and_keeps_the_plan(tour: Tour, writer: TourWriter) -> None:
    definition = _definition(tour, themes=["heritage", "spiritual"])
    version, plan, stops = tour.version, tour.plan, _stops(tour)
    assert writer.apply(tour, definition, writer.operator(definition.operator), replan=False)
    assert tour.version == version + 1
    assert [t.value for t in tour.themes] == ["heritage", "spiritual"]
    assert (tour.plan, _stops(tour)) == (plan, stops)


def test_a_title_without_replan_rewrites_the_search_keys_not_the_plan(
    tour: Tour, writer: TourWriter
) -> None:
    definition = _definition(tour, title_en="Citadels of Thanh Hoa")
    plan, days, network = tour.plan, tour.days, tour.network_version
    assert writer.apply(tour, definition, writer.operator(definition.operator), replan=False)
    assert tour.title_en == "Citadels of Thanh Hoa"
    assert "citadels of thanh hoa" in tour.search_folded
    assert (tour.plan, tour.days, tour.network_version) == (plan, days, network)


def test_a_replan_swaps_the_stops_in_place_and_moves_the_version(
    tour: Tour, writer: TourWriter
) -> None:
    before = _stops(tour)
    days = [{"stops": [{"site": "lam-kinh"}, {"site": "thanh-nha-ho"}]}]
    definition = _definition(tour, days=days)
    version = tour.version
    assert writer.apply(tour, definition, writer.operator(definition.operator), replan=True)
    # the same (day, position) keys, their sites swapped: flushed without a key clash
    assert _stops(tour) == [(1, 1, before[1][2]), (1, 2, before[0][2])]
    assert tour.version == version + 1
    assert [s["site"] for s in tour.plan["days"][0]["stops"]] == ["lam-kinh", "thanh-nha-ho"]
    assert tour.days == [d.model_dump(mode="json") for d in definition.days]


def test_a_new_operator_is_read_back_after_the_hand_over(tour: Tour, writer: TourWriter) -> None:
    assert tour.operator_province is not None
    definition = _definition(tour, operator={"agency": OWN_AGENCY})
    operator = writer.operator(OperatorIn(agency=OWN_AGENCY))
    assert writer.apply(tour, definition, operator, replan=False)
    assert tour.operator_province_code is None
    assert tour.operator_province is None
    assert tour.operator_agency is not None
    assert tour.operator_agency.slug == OWN_AGENCY


def test_a_replan_that_fails_writes_nothing(tour: Tour, writer: TourWriter) -> None:
    days = [{"stops": [{"site": "no-such-site"}]}]
    definition = _definition(tour, title_en="Never written", days=days)
    version, title, stops = tour.version, tour.title_en, _stops(tour)
    with pytest.raises(InvalidBody) as raised:
        writer.apply(tour, definition, writer.operator(definition.operator), replan=True)
    assert [e.name for e in raised.value.errors] == ["days.0.stops.0.site"]
    assert (tour.version, tour.title_en, _stops(tour)) == (version, title, stops)


def test_a_new_tour_is_filled_in_and_left_to_the_caller(tour: Tour, writer: TourWriter) -> None:
    definition = _definition(tour, slug="ap-dung-moi")
    fresh = Tour(slug="ap-dung-moi", status=TourStatus.draft)
    assert writer.apply(fresh, definition, writer.operator(definition.operator), replan=True)
    assert fresh.id is None  # not added, not flushed
    assert (fresh.title_en, fresh.duration_days) == (tour.title_en, 1)
    assert _stops(fresh) == _stops(tour)
    assert fresh.themes == tour.themes
    assert fresh.plan == tour.plan
