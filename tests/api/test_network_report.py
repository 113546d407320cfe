"""``tourroute network report``: snap distances of the seeded sites, per vehicle."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.conftest import Database
from tourroute import cli
from tourroute.routes.report import snap_report
from tourroute.routing import Vehicle


def test_report_lists_every_site_farthest_first(session: Session) -> None:
    _graph, rows = snap_report(session, [Vehicle.car, Vehicle.motorhome])
    car = [r for r in rows if r.vehicle is Vehicle.car]
    assert len(car) == len({r.site.slug for r in car}) >= 60
    distances = [r.distance_m for r in rows if r.distance_m is not None]
    assert distances == sorted(distances, reverse=True)
    by_slug = {r.site.slug: r.distance_m for r in car}
    assert by_slug["thanh-nha-ho"] is not None
    assert by_slug["thanh-nha-ho"] < 500
    # A caravan never snaps closer than a car: it may use fewer roads.
    caravan = {r.site.slug: r.distance_m for r in rows if r.vehicle is Vehicle.motorhome}
    for slug, d in by_slug.items():
        if d is not None and caravan[slug] is not None:
            assert caravan[slug] >= d - 1e-6


def test_report_command(
    database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TOURROUTE_DATABASE_URL", database.settings.effective_database_url)
    assert cli.main(["network", "report", "--vehicle", "car", "--min-m", "5000"]) == 0
    out = capsys.readouterr().out
    assert "vu-quang-np" in out  # the park's centroid, ~14 km from the nearest road
    assert "thanh-nha-ho" not in out
