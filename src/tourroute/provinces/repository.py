"""Every query about provinces."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
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
