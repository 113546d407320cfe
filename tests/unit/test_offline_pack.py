"""The pack cache without HTTP: keyed by its inputs, built once, deterministic, and a new
key replaces only the same trip's older packs."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from tourroute.offline.pack import PackContents, PackKey, PackStore, TileOptions, archive_sha256

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "basemap-sam-son.pmtiles"
OPTIONS = TileOptions(corridor_m=500.0, site_radius_m=300.0, low_max_zoom=8, max_zoom=14)
# Sầm Sơn beach to Độc Cước temple, as the seed network drives it (tests/data/README.md).
LEG = [(105.9066, 19.7451), (105.9010, 19.7400), (105.8957, 19.7325)]


def _key(store: PackStore, ident: str = "a", version: int = 1) -> PackKey:
    return PackKey(
        kind="tour",
        ident=ident,
        version=version,
        base_url="http://test/v1/tours/" + ident,
        language="en",
        sites=(("sam-son-beach", 1),),
        archive_sha256=store.archive_digest(),
        options=store.options,
    )


class _Contents:
    """Counts how often the pack's contents are rendered."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> PackContents:
        self.calls += 1
        files = {"plan.json": b"{}", "sites/sam-son-beach.json": b'{"slug":"sam-son-beach"}'}
        return PackContents(files=files, lines=[LEG], points=[LEG[0], LEG[-1]])


def test_a_pack_is_built_once_and_is_deterministic(tmp_path: Path) -> None:
    store = PackStore(tmp_path / "one", FIXTURE, OPTIONS)
    contents = _Contents()
    first = store.get(_key(store), contents)
    again = store.get(_key(store), contents)
    assert contents.calls == 1
    assert again == first
    elsewhere = PackStore(tmp_path / "two", FIXTURE, OPTIONS)
    rebuilt = elsewhere.get(_key(elsewhere), _Contents())
    assert rebuilt.path.read_bytes() == first.path.read_bytes()
    with zipfile.ZipFile(first.path) as zf:
        assert zf.namelist() == [
            "manifest.json",
            "plan.json",
            "sites/sam-son-beach.json",
            "basemap.pmtiles",
        ]
        assert zf.getinfo("basemap.pmtiles").compress_type == zipfile.ZIP_STORED
        assert zf.getinfo("basemap.pmtiles").file_size == first.tile_bytes
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["basemap"]["tiles"] == first.tiles > 0
    assert "OpenStreetMap" in manifest["attribution"]


def test_every_input_is_in_the_key(tmp_path: Path) -> None:
    store = PackStore(tmp_path, FIXTURE, OPTIONS)
    key = _key(store)
    changed = [
        replace(key, version=2),
        replace(key, base_url="http://other/v1/tours/a"),
        replace(key, language="vi"),
        replace(key, sites=(("sam-son-beach", 2),)),
        replace(key, archive_sha256="0" * 64),
        replace(key, options=replace(OPTIONS, corridor_m=600.0)),
    ]
    assert len({key.etag, *(k.etag for k in changed)}) == len(changed) + 1


def test_a_new_version_replaces_only_its_own_trip(tmp_path: Path) -> None:
    store = PackStore(tmp_path, FIXTURE, OPTIONS)
    old = store.get(_key(store, "a"), _Contents())
    neighbour = store.get(_key(store, "a-b"), _Contents())  # its name also starts "tour-a-"
    new = store.get(_key(store, "a", version=2), _Contents())
    assert not old.path.exists()
    assert new.path.exists()
    assert neighbour.path.exists()
    assert store.cached(_key(store, "a")) is None


def test_without_an_archive_a_pack_has_no_map(tmp_path: Path) -> None:
    store = PackStore(tmp_path, tmp_path / "missing.pmtiles", OPTIONS)
    assert store.archive_digest() is None
    pack = store.get(_key(store), _Contents())
    assert (pack.tiles, pack.tile_bytes) == (0, 0)
    with zipfile.ZipFile(pack.path) as zf:
        assert "basemap.pmtiles" not in zf.namelist()


def test_a_trip_outside_the_archive_gets_no_map(tmp_path: Path) -> None:
    # The fixture covers a 4 km box only: a trip in Hà Tĩnh has no tile of it above zoom 8,
    # but zooms 0–8 of the archive's bounds are still taken.
    store = PackStore(tmp_path, FIXTURE, OPTIONS)
    far = PackContents(files={}, lines=[[(105.9, 18.3), (105.95, 18.35)]], points=[])
    pack = store.get(_key(store), lambda: far)
    assert 0 < pack.tiles <= 9


def test_the_archive_digest_is_its_sha256(tmp_path: Path) -> None:
    assert archive_sha256(FIXTURE) == hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    copy = tmp_path / "copy.pmtiles"
    data = FIXTURE.read_bytes()
    copy.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
    assert archive_sha256(copy) != archive_sha256(FIXTURE)


@pytest.mark.parametrize("corridor_m", [300.0, 1500.0])
def test_a_wider_corridor_takes_more_tiles(tmp_path: Path, corridor_m: float) -> None:
    narrow = PackStore(tmp_path / "n", FIXTURE, replace(OPTIONS, corridor_m=100.0))
    wide = PackStore(tmp_path / "w", FIXTURE, replace(OPTIONS, corridor_m=corridor_m))
    small = narrow.get(_key(narrow), _Contents())
    large = wide.get(_key(wide), _Contents())
    assert large.tiles >= small.tiles
    if corridor_m > 1000:
        assert large.tiles > small.tiles
