"""The column values of a site as every writer of sites stores them: the seed loader,
curation and the importers — its fields, its province, and its search keys."""

from __future__ import annotations

from typing import Any

from tourroute.sites.models import Site
from tourroute.sites.schemas import SiteCreate
from tourroute.text import exact_key, folded_key

__all__ = ["search_keys", "site_values"]


def search_keys(site: SiteCreate | Site) -> tuple[str, str]:
    """The (exact, folded) search keys of a site: names, slug and district."""
    parts = [site.name_vi, site.name_en, site.slug.replace("-", " "), site.district or ""]
    return " | ".join(exact_key(p) for p in parts), " | ".join(folded_key(p) for p in parts)


def site_values(site: SiteCreate) -> dict[str, Any]:
    exact, folded = search_keys(site)
    data = site.model_dump(exclude={"slug", "province", "categories", "location", "footprint"})
    return {**data, "province_code": site.province, "search_exact": exact, "search_folded": folded}
