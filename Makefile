# tourroute — set-up, run and test on a fresh Debian/Ubuntu machine (as root or with sudo).
#   make run    install what is missing, migrate + seed (curated + OSM roads) the SpatiaLite db, serve the API
#   make test   install what is missing, start PostGIS, run the suite on SpatiaLite AND PostGIS
#   make test-fast   unit + API tests on SpatiaLite only (no PostGIS, no browser), a few minutes
#   make lint   ruff, mypy, lint-imports   make bench   benchmarks (tables, never assertions)
#   make load   HTTP load on real servers, 1 worker vs N, and the tipg comparison

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV     ?= .venv
PY       := $(VENV)/bin/python
PYTHON   ?= python3
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PG_VER   ?= 15
# The test cluster is the project's own (.ci/test-postgres): its own data directory and port,
# started and stopped by `make test`; no other cluster on the machine is ever touched.
PG_PORT  ?= 55432
PG_TEST_DB   ?= tourroute_test
PG_TEST_USER ?= tourroute
PG_TEST_PASS ?= tourroute
export PG_VER PG_PORT PG_TEST_DB PG_TEST_USER PG_TEST_PASS
TEST_POSTGRES_URL ?= postgresql+psycopg://$(PG_TEST_USER):$(PG_TEST_PASS)@127.0.0.1:$(PG_PORT)/$(PG_TEST_DB)
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

# fonts-dejavu-core: the font the map's glyphs are generated from (make console).
SYSTEM_PACKAGES := python3 python3-venv python3-pip libsqlite3-mod-spatialite libpq5 libpq-dev python3-dev gcc \
                   postgresql-$(PG_VER) postgresql-$(PG_VER)-postgis-3 postgresql-client-$(PG_VER) \
                   fonts-dejavu-core

export SPATIALITE_LIBRARY_PATH := mod_spatialite

.PHONY: help system-deps venv run serve migrate seed test test-fast postgis postgis-stop test-deps \
        lint bench clean node-deps console glyphs browser-deps

help:
	@sed -n '2,7p' Makefile

## --- installation -----------------------------------------------------------------------
# $(call apt_install_missing,PACKAGES): install those of the Debian PACKAGES not installed yet
define apt_install_missing
missing=""; for p in $(1); do \
  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
done; \
if [ -n "$$missing" ]; then \
  echo "installing system packages:$$missing"; \
  $(SUDO) apt-get update -qq; \
  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
fi
endef

system-deps:  ## Debian packages: install only the missing ones
	@$(call apt_install_missing,$(SYSTEM_PACKAGES))

$(VENV)/.installed: pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python >= 3.11 is required (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

## --- web console (src/web → src/tourroute/console/static) --------------------------------
WEB        := src/web
CONSOLE    := src/tourroute/console/static
WEB_STAMP  := $(WEB)/node_modules/.installed-stamp
WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/public -type f 2>/dev/null) \
               $(WEB)/index.html $(WEB)/vite.config.ts $(WEB)/tsconfig.json $(WEB)/package.json

node-deps:  ## Debian's nodejs + npm, only if node or npm is missing
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
	  echo "installing system packages: nodejs npm"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nodejs npm; \
	fi

# --ignore-scripts: no dependency needs an install script (esbuild's binary comes from its
# @esbuild/<platform> package), and Debian 12's npm 9.2 crashes after running one
# ("Exit handler never called!"); it is also the safer default.
$(WEB_STAMP): $(WEB)/package-lock.json $(WEB)/package.json
	@$(MAKE) --no-print-directory node-deps
	cd $(WEB) && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

$(CONSOLE)/index.html: $(WEB_STAMP) $(WEB_SOURCES)
	cd $(WEB) && npm run build
	touch $@

# The console's API types come from the API's own OpenAPI document: console-types dumps it
# into $(WEB_API)/openapi.json and openapi-typescript turns it into schema.d.ts (npm run
# gen:api). Both files are committed, so `npm run build` never needs Python; run this after
# changing the API (tests/unit/test_console_types.py fails while they are stale). The dump
# goes through a temporary file: a failing import never leaves a truncated document.
WEB_API := $(WEB)/src/api
OPENAPI_DUMP := import json; from tourroute.app import create_app; \
  print(json.dumps(create_app().openapi(), indent=1, ensure_ascii=False, sort_keys=True))

.PHONY: console-types
console-types: venv $(WEB_STAMP)  ## regenerate the console's API types from the API's OpenAPI document
	PYTHONIOENCODING=utf-8 $(PY) -c '$(OPENAPI_DUMP)' > $(WEB_API)/openapi.json.tmp \
	  || { rm -f $(WEB_API)/openapi.json.tmp; exit 1; }
	mv $(WEB_API)/openapi.json.tmp $(WEB_API)/openapi.json
	cd $(WEB) && npm run gen:api

# The map's text glyphs (SDF PBF ranges, served at /glyphs) are generated here from Debian's
# DejaVu Sans, never downloaded; index.json is written last, so it marks a finished build.
GLYPHS := src/tourroute/basemap/glyphs
$(GLYPHS)/index.json: src/tourroute/basemap/sdf_glyphs.py src/tourroute/basemap/glyph_pbf.py | $(VENV)/.installed
	@$(MAKE) --no-print-directory system-deps
	rm -rf $(GLYPHS)
	$(PY) -m tourroute.basemap.sdf_glyphs $(GLYPHS)

glyphs: $(GLYPHS)/index.json  ## generate the map's glyphs from DejaVu Sans (part of make console)

console: $(CONSOLE)/index.html $(GLYPHS)/index.json  ## build the web console served at / (npm ci + vite build when stale) and the map's glyphs

# The browser tests: Debian's Chromium (never a downloaded one), a font for the screenshots,
# and libatomic1, which the Node.js bundled in the playwright wheel links against.
BROWSER_PACKAGES := chromium fonts-dejavu-core libatomic1

browser-deps:  ## Debian packages for the browser tests: install only the missing ones
	@$(call apt_install_missing,$(BROWSER_PACKAGES))

## --- running ----------------------------------------------------------------------------
migrate: venv
	$(VENV)/bin/tourroute db upgrade

# The seed's curated network, then the whole 2021 OSM road network merged with it (the
# curated segments replace the OSM ways they duplicate; a re-run changes nothing).
seed: migrate
	$(VENV)/bin/tourroute seed load
	$(VENV)/bin/tourroute import osm --quiet seed/roads/osm2021-ntb-roads.osm.pbf

run: seed console  ## serve the seeded API on http://$(HOST):$(PORT) with $(WORKERS) workers
	$(VENV)/bin/tourroute serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

## --- PostGIS for the test suite -----------------------------------------------------------
# Debian's PostgreSQL binaries only; the cluster itself is ours (.ci/test-postgres).
postgis: system-deps  ## start the project's own test PostGIS cluster (127.0.0.1:$(PG_PORT))
	@.ci/test-postgres start

postgis-stop:  ## stop the project's own test PostGIS cluster
	@.ci/test-postgres stop

# Packages only the test suite needs: Redis for the rate limits shared across workers.
TEST_PACKAGES := redis-server

test-deps:  ## Debian packages for the test suite: install only the missing ones
	@$(call apt_install_missing,$(TEST_PACKAGES))

## --- quality ------------------------------------------------------------------------------
test: venv system-deps console browser-deps test-deps  ## the whole suite on SpatiaLite and PostGIS (a missing backend fails)
	@trap '.ci/test-postgres stop' EXIT; .ci/test-postgres start; \
	  TOURROUTE_TEST_POSTGRES_URL='$(TEST_POSTGRES_URL)' $(PY) -m pytest -p no:cacheprovider
	$(VENV)/bin/ruff check src tests migrations $(wildcard benchmarks)
	$(VENV)/bin/ruff format --check src tests migrations $(wildcard benchmarks)
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# The quick loop while editing: no PostGIS cluster, no Chromium; the API tests run on
# SpatiaLite only (the postgis-parametrized ones are deselected, so TOURROUTE_TEST_POSTGRES_URL
# is not needed), without the two that start real server processes. `make test` stays the gate.
FAST_IGNORE := tests/api/test_crash_safety.py tests/api/test_serving_process.py

test-fast: venv test-deps $(GLYPHS)/index.json  ## unit + API tests on SpatiaLite only (no PostGIS, no browser)
	$(PY) -m pytest -p no:cacheprovider -q tests/unit tests/api -k "not postgis" \
	  $(addprefix --ignore=,$(FAST_IGNORE))

lint: venv
	$(VENV)/bin/ruff check src tests migrations $(wildcard benchmarks)
	$(VENV)/bin/ruff format --check src tests migrations $(wildcard benchmarks)
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

## --- benchmarks ---------------------------------------------------------------------------
# Packages only the benchmarks need: pgRouting, the peer of the routing section.
BENCH_PACKAGES := postgresql-$(PG_VER)-pgrouting
# Arguments of `python -m benchmarks`, e.g. make bench BENCH_ARGS="--quick routing"
BENCH_ARGS ?=
# The bench's PostgreSQL cluster is its own (not `make test`'s, not the system's 5432):
# .ci/test-postgres with another name and port, started and stopped by `make bench`.
BENCH_PG_PORT ?= 55433
BENCH_PG_NAME ?= bench-postgres
BENCH_POSTGRES_URL ?= postgresql+psycopg://$(PG_TEST_USER):$(PG_TEST_PASS)@127.0.0.1:$(BENCH_PG_PORT)/$(PG_TEST_DB)
BENCH_PG_ENV := PG_PORT=$(BENCH_PG_PORT) PG_NAME=$(BENCH_PG_NAME)

.PHONY: bench-deps
bench-deps: system-deps  ## Debian packages for the benchmarks: install only the missing ones
	@$(call apt_install_missing,$(BENCH_PACKAGES))

bench: venv bench-deps  ## speed tables: sites, routing, planning, full (HTTP vs pgRouting, regional network)
	@trap '$(BENCH_PG_ENV) .ci/test-postgres stop' EXIT; $(BENCH_PG_ENV) .ci/test-postgres start; \
	  TOURROUTE_BENCH_POSTGRES_URL='$(BENCH_POSTGRES_URL)' $(PY) -m benchmarks $(BENCH_ARGS)

# Arguments of `python -m benchmarks.load`, e.g. make load LOAD_ARGS="--workers 1,4 --duration 30"
LOAD_ARGS ?=

.PHONY: load
load: venv system-deps  ## HTTP load, 1 worker vs N (mixed reads, routes, compositions, curator edits), then tipg
	@trap '.ci/test-postgres stop' EXIT; .ci/test-postgres start; \
	  TOURROUTE_BENCH_POSTGRES_URL='$(TEST_POSTGRES_URL)' $(PY) -m benchmarks.load --with-tipg $(LOAD_ARGS)

clean: postgis-stop
	rm -rf $(VENV) data .build .pytest_cache .mypy_cache .ruff_cache
