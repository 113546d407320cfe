"""One settings object for the whole service (env prefix ``TOURROUTE_``)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


def _project_dir(name: str) -> Path:
    """Find a top-level project folder (``migrations``, ``seed``) from a checkout or the cwd."""
    for base in (Path.cwd(), REPO_ROOT):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    return Path.cwd() / name


class Settings(BaseSettings):
    """Service configuration; every field can be set as ``TOURROUTE_<FIELD>``."""

    model_config = SettingsConfigDict(
        env_prefix="TOURROUTE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(default=Path("data"), description="Where the SpatiaLite file lives.")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means a SpatiaLite file in data_dir. "
        "postgres:// and postgresql:// are normalised to postgresql+psycopg://.",
    )
    spatialite_library: str = Field(default="mod_spatialite")
    migrations_dir: Path = Field(default_factory=lambda: _project_dir("migrations"))
    seed_dir: Path = Field(default_factory=lambda: _project_dir("seed"))
    cursor_secret: str = Field(
        default="change-me-in-production",
        min_length=8,
        description="HMAC key that signs paging cursors so they cannot be forged.",
    )
    token_secret: str = Field(
        default="change-me-in-production-tokens",
        min_length=8,
        description="Server-side HMAC key (a 'pepper') under which API tokens are hashed. "
        "A stolen database alone then cannot even check guesses. Changing it invalidates "
        "every issued token. Set a long random value in production.",
    )
    token_default_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        description="Lifetime of a token issued without --days.",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    db_connect_timeout_s: float = Field(default=3.0, gt=0)
    db_pool_size: int = Field(
        default=20,
        ge=1,
        le=200,
        description="PostgreSQL connections each worker keeps open: at least the requests a "
        "worker serves at once (its thread pool), or it opens and closes sessions under load.",
    )
    db_busy_timeout_s: float = Field(
        default=30.0,
        gt=0,
        le=600,
        description="SpatiaLite: how long a writer waits for another writer's lock before "
        "the request fails with 503. Write transactions are short (computation happens "
        "before the lock is taken), so a wait rarely lasts more than milliseconds.",
    )
    # --- serving (tourroute serve) ---
    workers: int = Field(default=1, ge=1, le=64, description="Worker processes of `serve`.")
    shutdown_grace_s: float = Field(
        default=30.0,
        ge=0,
        description="On SIGTERM/SIGINT, how long in-flight requests may take to finish.",
    )
    preload_graph: bool = Field(
        default=False,
        description="Build the road graph when a worker starts instead of on the first route "
        "request (`serve` turns it on).",
    )
    graph_rebuild: Literal["background", "inline"] = Field(
        default="background",
        description="After a network change, build the new road graph in the background "
        "while requests keep the previous one (`background`), or in the first request that "
        "sees the change (`inline`: the answer always reflects the latest network, but that "
        "request waits for the build).",
    )
    graph_snapshots: bool = Field(
        default=True,
        description="Save every road graph as memory-mapped arrays in data_dir/graphs, keyed "
        "by network version, and load it from there: workers start in seconds and share "
        "the graph's pages.",
    )
    graph_build_in_child: bool = Field(
        default=True,
        description="Build a road graph that has no snapshot yet in a child process (with "
        "graph_snapshots): the worker stays responsive to its supervisor's health checks "
        "and never holds the build's temporary memory.",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Proxies whose X-Forwarded-For is trusted for the client address "
        "(per-IP rate limits, logs).",
    )
    max_body_bytes: int = Field(
        default=1 << 20,
        ge=1024,
        description="Largest request body accepted (413 beyond); see large_body_paths.",
    )
    large_body_bytes: int = Field(
        default=16 << 20,
        ge=1024,
        description="Body limit of the routes that take bulk uploads (large_body_paths).",
    )
    large_body_paths: tuple[str, ...] = Field(
        default=("/v1/roads/segments",),
        description="Path prefixes allowed large_body_bytes (road geometry) instead of "
        "max_body_bytes.",
    )
    rate_limit_enabled: bool = True
    rate_limit_storage: str = Field(
        default="memory://",
        description="Where rate-limit counters live: memory:// counts in each worker alone; "
        "redis://host:port/db shares them across workers and hosts (production).",
    )
    rate_limit_anonymous: str = Field(
        default="300/minute", description="Requests per client IP without a token."
    )
    rate_limit_token: str = Field(default="1200/minute", description="Requests per API token.")
    rate_limit_compute: str = Field(
        default="30/minute",
        description="Extra limit per caller on the expensive computations (itinerary "
        "composition, matrices).",
    )
    log_format: str = Field(default="json", pattern="^(json|text)$")
    log_level: str = Field(default="INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$")
    # The region served, with a generous margin around the three provinces; points far outside
    # it are rejected with a clear 422 rather than silently returning nothing.
    region_bbox: tuple[float, float, float, float] = (102.0, 16.5, 108.5, 21.5)
    # The web console (tourroute.console), built from src/web by `make console`.
    console_dir: Path = Field(
        default=Path(__file__).resolve().parent / "console" / "static",
        description="The built web console served at /.",
    )
    console_tile_url: str | None = Field(
        default=None,
        description="Optional base map for production: an XYZ raster template with {z}/{x}/{y} "
        "or a MapLibre style URL. Default none: the console draws the shipped vector base "
        "map (/tiles/style.json, served by this service, so it works offline).",
    )
    console_tile_attribution: str = Field(default="", description="Attribution of the tiles.")
    basemap_archive: Path | None = Field(
        default=None,
        description="The base map's PMTiles archive (OpenMapTiles-schema vector tiles) served "
        "at /tiles; default seed_dir/tiles/osm2021-region.pmtiles, shipped with the project.",
    )
    glyphs_dir: Path = Field(
        default=Path(__file__).resolve().parent / "basemap" / "glyphs",
        description="The map's text glyphs (SDF PBF ranges) served at /glyphs, generated at "
        "build time by `make console` (python -m tourroute.basemap.sdf_glyphs).",
    )
    # --- offline packs (tourroute.offline): cut from the base map archive ---
    offline_corridor_km: float = Field(
        default=3.0,
        gt=0,
        le=50,
        description="Offline packs: street-level tiles (above offline_low_max_zoom) within "
        "this distance of the trip's roads.",
    )
    offline_site_radius_km: float = Field(
        default=2.0,
        ge=0,
        le=50,
        description="Offline packs: street-level tiles within this distance of every visit "
        "and overnight place.",
    )
    offline_low_max_zoom: int = Field(
        default=8,
        ge=0,
        le=14,
        description="Offline packs: up to this zoom every tile of the region is included.",
    )
    offline_max_zoom: int = Field(
        default=14,
        ge=0,
        le=16,
        description="Offline packs: the highest zoom (capped at the archive's own).",
    )

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @model_validator(mode="after")
    def _check_region(self) -> Settings:
        min_lon, min_lat, max_lon, max_lat = self.region_bbox
        if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
            raise ValueError("region_bbox must be minLon,minLat,maxLon,maxLat with min < max")
        return self

    @cached_property
    def effective_database_url(self) -> str:
        """The URL actually used: the configured one, or the default SpatiaLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tourroute.db').resolve()}"

    @property
    def effective_basemap_archive(self) -> Path:
        """The base map archive actually served: the configured one or the shipped one."""
        return self.basemap_archive or self.seed_dir / "tiles" / "osm2021-region.pmtiles"

    @property
    def offline_basemap(self) -> Path | None:
        """The archive offline packs cut their map from: the base map's, if it exists."""
        archive = self.effective_basemap_archive
        return archive if archive.is_file() else None

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")
