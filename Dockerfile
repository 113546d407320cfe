# Multi-stage image: build the web console, then a wheel-only virtualenv that carries it
# and the map's glyphs, then run it as a non-root user. The base map's tiles are in
# seed/tiles (copied with the seed).
# The container migrates the database, loads the seed (it never overwrites curators' edits),
# merges the 2021 OSM road network of seed/roads/ into it (a re-run changes nothing) and serves on :8000 with TOURROUTE_WORKERS processes (JSON logs on stderr, /metrics).
# Several containers or hosts share rate limits through TOURROUTE_RATE_LIMIT_STORAGE=redis://…
# SIGTERM (docker stop) lets in-flight requests finish for TOURROUTE_SHUTDOWN_GRACE_S.
FROM node:20-bookworm-slim AS web
WORKDIR /src/src/web
COPY src/web/package.json src/web/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY src/web ./
# vite writes the build into the Python package (../tourroute/console/static)
RUN npm run build

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY src ./src
COPY --from=web /src/src/tourroute/console/static ./src/tourroute/console/static
RUN /opt/venv/bin/pip install --upgrade pip && /opt/venv/bin/pip install .
# The planner's compiled loop, compiled once here into Numba's cache (a cold start would
# otherwise spend ~15 s compiling on the first itinerary request of every container).
ENV NUMBA_CACHE_DIR=/opt/numba-cache
RUN /opt/venv/bin/python -c "import tourroute.planning as p; print('planner compiled in %.1f s' % p.warm_up())"
# The map's text glyphs, generated from Debian's DejaVu Sans (no font CDN at run time).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && /opt/venv/bin/python -m tourroute.basemap.sdf_glyphs /opt/glyphs

FROM python:3.11-slim-bookworm AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-mod-spatialite libpq5 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --uid 10001 tourroute
COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/glyphs /app/glyphs
COPY --from=build --chown=tourroute:tourroute /opt/numba-cache /opt/numba-cache
WORKDIR /app
COPY --chown=tourroute:tourroute migrations ./migrations
COPY --chown=tourroute:tourroute seed ./seed
RUN mkdir -p /app/data && chown tourroute:tourroute /app/data
USER tourroute
ENV PATH=/opt/venv/bin:$PATH \
    SPATIALITE_LIBRARY_PATH=mod_spatialite \
    TOURROUTE_DATA_DIR=/app/data \
    TOURROUTE_MIGRATIONS_DIR=/app/migrations \
    TOURROUTE_SEED_DIR=/app/seed \
    TOURROUTE_GLYPHS_DIR=/app/glyphs \
    TOURROUTE_WORKERS=2 \
    NUMBA_CACHE_DIR=/opt/numba-cache \
    PYTHONUNBUFFERED=1
EXPOSE 8000
# start-period: the OSM import (~30 s first, ~20 s on later starts) and the first road graph
# of the merged network (~20 s, built once by a child process and saved under
# /app/data/graphs; a restart with that directory kept maps it in under a second) come before
# /readyz answers 200.
HEALTHCHECK --interval=30s --timeout=3s --start-period=300s \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz').status != 200)"
CMD ["sh", "-c", "tourroute db upgrade && tourroute seed load && tourroute import osm --quiet /app/seed/roads/osm2021-ntb-roads.osm.pbf && exec tourroute serve --host 0.0.0.0 --port 8000"]
