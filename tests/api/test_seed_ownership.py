"""A seed load never undoes a curator's work (both backends).

The reported defect: after a curator changed a site and archived ``thac-may``, a restart
(``make run`` runs ``seed load``) wrote the seed's values back, published it again and
left the audit trail saying "archived".  Now the seed updates only what no one changed
since it wrote it, says what it left alone, audits what it changes, and ``--force``
overwrites on purpose, audited too.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.api.conftest import Accounts, etag_of
from tests.seeddata import SEED_DIR
from tourroute.audit.models import AuditEntry
from tourroute.seed import load_seed
from tourroute.sites.domain import SiteStatus
from tourroute.sites.models import Site

CURATOR = "curator-own"  # Thanh Hóa, where thac-may and lam-kinh are


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target)
    return target


def _edit(seed_dir: Path, slug: str, **values: Any) -> None:
    path = seed_dir / "sites" / "thanh-hoa.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    next(r for r in doc["sites"] if r["slug"] == slug).update(values)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _site(session: Session, slug: str) -> Site:
    session.expire_all()
    return session.scalars(select(Site).where(Site.slug == slug)).one()


def _audit(session: Session, slug: str) -> list[tuple[str, str]]:
    rows = session.execute(
        select(AuditEntry.principal_name, AuditEntry.action)
        .where(AuditEntry.resource_type == "site", AuditEntry.resource_id == slug)
        .order_by(AuditEntry.id)
    )
    return [(r.principal_name, r.action) for r in rows]


def test_a_restart_keeps_curators_edits_and_updates_the_rest(
    client: TestClient, accounts: Accounts, session: Session, seed_copy: Path
) -> None:
    headers = accounts.headers(CURATOR, **{"If-Match": etag_of(client, accounts, "thac-may")})
    patched = client.patch("/v1/sites/thac-may", json={"visit_duration_min": 95}, headers=headers)
    assert patched.status_code == 200, patched.text
    archived = client.post(
        "/v1/sites/thac-may/archive",
        headers=accounts.headers(CURATOR, **{"If-Match": patched.headers["etag"]}),
    )
    assert archived.status_code == 200, archived.text
    version = _site(session, "thac-may").version
    lam_kinh_version = _site(session, "lam-kinh").version

    # The seed changes both: the curator's site and one nobody touched.
    _edit(seed_copy, "thac-may", visit_duration_min=150, interest_score=61)
    _edit(seed_copy, "lam-kinh", interest_score=66)
    report = load_seed(session, seed_copy)

    assert report.sites_kept == ["thac-may"]
    assert report.sites_updated == 1
    assert "left alone, a curator owns them" in report.summary()
    kept = _site(session, "thac-may")
    assert (kept.status, kept.visit_duration_min, kept.version) == (
        SiteStatus.archived,
        95,
        version,
    )
    updated = _site(session, "lam-kinh")
    assert (updated.interest_score, updated.version) == (66, lam_kinh_version + 1)
    assert _audit(session, "lam-kinh")[-1] == ("seed", "site.update")

    # Loading again changes nothing more.
    again = load_seed(session, seed_copy)
    assert (again.sites_updated, again.sites_created, again.sites_kept) == (0, 0, ["thac-may"])

    # An operator who wants the seed back says so; that is audited as such.
    forced = load_seed(session, seed_copy, force=True)
    assert forced.sites_forced == ["thac-may"]
    back = _site(session, "thac-may")
    assert (back.status, back.visit_duration_min, back.interest_score) == (
        SiteStatus.published,
        150,
        61,
    )
    assert _audit(session, "thac-may")[-1] == ("seed --force", "site.update")
    # ... and from then on the seed owns it again.
    assert load_seed(session, seed_copy).sites_kept == []


def test_a_site_a_curator_changed_back_to_the_seed_values_is_the_seeds_again(
    client: TestClient, accounts: Accounts, session: Session, seed_copy: Path
) -> None:
    etag = etag_of(client, accounts, "lam-kinh")
    original = _site(session, "lam-kinh").interest_score
    headers = accounts.headers(CURATOR, **{"If-Match": etag})
    first = client.patch("/v1/sites/lam-kinh", json={"interest_score": 12}, headers=headers)
    assert first.status_code == 200, first.text
    headers = accounts.headers(CURATOR, **{"If-Match": first.headers["etag"]})
    undo = client.patch("/v1/sites/lam-kinh", json={"interest_score": original}, headers=headers)
    assert undo.status_code == 200, undo.text
    _edit(seed_copy, "lam-kinh", interest_score=70)
    report = load_seed(session, seed_copy)
    assert report.sites_kept == []
    assert _site(session, "lam-kinh").interest_score == 70
