"""Every query about provinces."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tourroute.provinces.models import Province


class ProvinceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def list(self) -> Sequence[Province]:
        return self.session.scalars(select(Province).order_by(Province.code)).all()

    def find(self, code_or_slug: str) -> Province | None:
        """Look a province up by ISO code (``VN-21``) or slug (``thanh-hoa``), any case."""
        key = code_or_slug.strip()
        return self.session.scalars(
            select(Province).where(or_(Province.code == key.upper(), Province.slug == key.lower()))
        ).one_or_none()

    def site_counts(self) -> dict[str, int]:
        from tourroute.sites.domain import SiteStatus
        from tourroute.sites.models import Site

        rows = self.session.execute(
            select(Site.province_code, func.count())
            .where(Site.status == SiteStatus.published)
            .group_by(Site.province_code)
        ).all()
        return {code: int(n) for code, n in rows}
