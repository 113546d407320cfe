"""Our MapLibre style for the OpenMapTiles-schema base map: muted, for touring.

Land cover and land use in pale tints, water in blue, national parks and nature reserves
(the ``park`` layer) in green, roads by class in soft colours (the console draws its own
corridor layer above them), boundaries, and labels: provinces, cities, towns, villages,
suburbs, rivers, parks, peaks and road names, in ``name:latin`` (Vietnamese with its
diacritics) or ``name``, set in our own DejaVu Sans glyphs (``/glyphs``). Every layer id
starts with ``base-``: the console puts its own layers above the base geometry and below
the base labels (the first ``base-label-`` layer). Built in code rather than kept as a
JSON file because the four road source-layers of the archive share one set of rules.
"""

from __future__ import annotations

from typing import Any

from tourroute.basemap.tiles import OSM_ATTRIBUTION

__all__ = ["FONT_BOLD", "FONT_REGULAR", "SOURCE", "style_document"]

SOURCE = "openmaptiles"
FONT_REGULAR = "DejaVu Sans Book"
FONT_BOLD = "DejaVu Sans Bold"
NAME: list[Any] = ["coalesce", ["get", "name:latin"], ["get", "name"]]

_WATER = "#b7d3e6"
_WATER_TEXT = "#3b6f94"
_HALO = "rgba(255,255,255,0.9)"

Layer = dict[str, Any]


def _zoom(*stops: Any) -> list[Any]:
    """An exponential zoom ramp: ``_zoom(z1, v1, z2, v2, …)``."""
    return ["interpolate", ["exponential", 1.4], ["zoom"], *stops]


def _class_in(*classes: str) -> list[Any]:
    return ["match", ["get", "class"], list(classes), True, False]


def _fill(
    id_: str,
    source_layer: str,
    colour: str,
    classes: tuple[str, ...] | None = None,
    minzoom: float = 0,
    opacity: float | list[Any] = 1.0,
) -> Layer:
    layer: Layer = {
        "id": f"base-{id_}",
        "type": "fill",
        "source": SOURCE,
        "source-layer": source_layer,
        "minzoom": minzoom,
        "paint": {"fill-color": colour, "fill-opacity": opacity, "fill-antialias": False},
    }
    if classes:
        layer["filter"] = _class_in(*classes)
    return layer


# Road classes, bottom to top: (classes, colour, minzoom, width ramp).
_ROADS: tuple[tuple[tuple[str, ...], str, float, list[Any]], ...] = (
    (("track", "path"), "#b9a88e", 13, _zoom(13, 0.6, 16, 1.5)),
    (("service",), "#ffffff", 13, _zoom(13, 0.6, 16, 3)),
    (("minor",), "#ffffff", 12, _zoom(12, 0.6, 14, 2.2, 16, 5)),
    (("tertiary",), "#fffdf5", 10, _zoom(10, 0.4, 14, 3, 16, 7)),
    (("secondary",), "#fbf1cf", 9, _zoom(9, 0.5, 14, 3.5, 16, 8)),
    (("primary",), "#f6e3b0", 7, _zoom(7, 0.5, 14, 4, 16, 9)),
    (("trunk", "motorway"), "#f0cf9a", 5, _zoom(5, 0.5, 14, 5, 16, 10)),
)
_ROAD_LAYERS = (
    "transportation",
    "transportation_main",
    "transportation_mid",
    "transportation_detail",
)


def _roads() -> list[Layer]:
    layers: list[Layer] = []
    for source_layer in _ROAD_LAYERS:
        not_tunnel = ["!=", ["get", "brunnel"], "tunnel"]
        layers.append(
            {
                "id": f"base-{source_layer}-casing",
                "type": "line",
                "source": SOURCE,
                "source-layer": source_layer,
                "minzoom": 11,
                "filter": [
                    "all",
                    _class_in("primary", "secondary", "tertiary", "minor", "trunk", "motorway"),
                    not_tunnel,
                ],
                "layout": {"line-cap": "round", "line-join": "round"},
                "paint": {"line-color": "#d8cfbf", "line-width": _zoom(11, 1.2, 14, 5.5, 16, 11)},
            }
        )
        for classes, colour, minzoom, width in _ROADS:
            paint: dict[str, Any] = {"line-color": colour, "line-width": width}
            if classes == ("track", "path"):
                paint["line-dasharray"] = [2, 2]
            layers.append(
                {
                    "id": f"base-{source_layer}-{classes[0]}",
                    "type": "line",
                    "source": SOURCE,
                    "source-layer": source_layer,
                    "minzoom": minzoom,
                    "filter": _class_in(*classes),
                    "layout": {"line-cap": "round", "line-join": "round"},
                    "paint": paint,
                }
            )
        layers.append(
            {
                "id": f"base-{source_layer}-rail",
                "type": "line",
                "source": SOURCE,
                "source-layer": source_layer,
                "minzoom": 9,
                "filter": _class_in("rail", "transit"),
                "paint": {
                    "line-color": "#a8a29e",
                    "line-width": _zoom(9, 0.6, 14, 1.6),
                    "line-dasharray": [3, 2],
                },
            }
        )
    return layers


def _label(
    id_: str,
    source_layer: str,
    *,
    size: list[Any] | float,
    colour: str,
    font: str = FONT_REGULAR,
    minzoom: float = 0,
    maxzoom: float = 24,
    classes: tuple[str, ...] | None = None,
    line: bool = False,
    layout: dict[str, Any] | None = None,
    halo: float = 1.4,
) -> Layer:
    layer: Layer = {
        "id": f"base-label-{id_}",
        "type": "symbol",
        "source": SOURCE,
        "source-layer": source_layer,
        "minzoom": minzoom,
        "maxzoom": maxzoom,
        "layout": {
            "text-field": NAME,
            "text-font": [font],
            "text-size": size,
            "text-max-width": 8,
            "symbol-placement": "line" if line else "point",
            **(layout or {}),
        },
        "paint": {"text-color": colour, "text-halo-color": _HALO, "text-halo-width": halo},
    }
    if classes:
        layer["filter"] = _class_in(*classes)
    return layer


def _labels() -> list[Layer]:
    place = "place"
    return [
        _label(
            "waterway",
            "waterway",
            size=_zoom(10, 10, 14, 12),
            colour=_WATER_TEXT,
            minzoom=10,
            classes=("river", "canal"),
            line=True,
            layout={"symbol-spacing": 400, "text-letter-spacing": 0.05},
        ),
        _label("water", "water_name", size=12, colour=_WATER_TEXT),
        _label(
            "road",
            "transportation_name",
            size=_zoom(13, 10, 16, 12),
            colour="#6b6358",
            minzoom=13,
            line=True,
            layout={"symbol-spacing": 350},
        ),
        _label(
            "park",
            "park",
            size=_zoom(9, 10, 14, 13),
            colour="#2f6b2f",
            minzoom=9,
            layout={"text-max-width": 7},
        ),
        _label(
            "peak",
            "mountain_peak",
            size=10,
            colour="#7a5b3a",
            minzoom=12,
            layout={
                "text-field": [
                    "case",
                    ["has", "ele"],
                    ["concat", NAME, "\n", ["to-string", ["get", "ele"]], " m"],
                    NAME,
                ]
            },
        ),
        _label("airport", "aerodrome_label", size=11, colour="#4b5563", minzoom=10),
        _label(
            "suburb",
            place,
            size=_zoom(12, 10, 15, 12),
            colour="#6b7280",
            minzoom=12,
            classes=("suburb", "quarter", "neighbourhood"),
            layout={"text-transform": "uppercase", "text-letter-spacing": 0.08},
        ),
        _label(
            "hamlet",
            place,
            size=10,
            colour="#57534e",
            minzoom=13,
            classes=("hamlet", "isolated_dwelling", "locality"),
        ),
        _label(
            "village",
            place,
            size=_zoom(11, 10, 14, 12),
            colour="#44403c",
            minzoom=11,
            classes=("village",),
        ),
        _label(
            "town", place, size=_zoom(8, 11, 13, 14), colour="#292524", minzoom=8, classes=("town",)
        ),
        _label(
            "city",
            place,
            size=_zoom(5, 12, 12, 18),
            colour="#1c1917",
            font=FONT_BOLD,
            minzoom=5,
            classes=("city",),
        ),
        _label(
            "province",
            place,
            size=_zoom(6, 11, 9, 14),
            colour="#6d5d7e",
            font=FONT_BOLD,
            minzoom=6,
            maxzoom=10,
            classes=("state", "province"),
            layout={"text-transform": "uppercase", "text-letter-spacing": 0.12},
            halo=1.8,
        ),
    ]


def _layers() -> list[Layer]:
    return [
        {"id": "base-background", "type": "background", "paint": {"background-color": "#f2efe6"}},
        _fill("landcover-farmland", "landcover", "#eef0d9", ("farmland",)),
        _fill(
            "landcover-wood",
            "landcover",
            "#d9e7cc",
            ("wood", "forest"),
            opacity=_zoom(5, 0.6, 12, 0.9),
        ),
        _fill("landcover-grass", "landcover", "#e3eed4", ("grass",)),
        _fill("landcover-wetland", "landcover", "#dbebe5", ("wetland",)),
        _fill("landcover-sand", "landcover", "#f5ecd0", ("sand",)),
        _fill(
            "landuse-residential",
            "landuse",
            "#ebe4da",
            ("residential", "suburb", "neighbourhood"),
            opacity=_zoom(8, 0.5, 13, 0.8),
        ),
        _fill("landuse-urban", "urban_areas", "#ebe4da", minzoom=4, opacity=0.6),
        _fill(
            "landuse-industrial",
            "landuse",
            "#e9e3ea",
            ("industrial", "commercial", "retail", "railway"),
        ),
        _fill(
            "landuse-public",
            "landuse",
            "#f1e6d8",
            ("school", "college", "university", "hospital", "stadium", "pitch", "cemetery"),
            minzoom=12,
        ),
        _fill("park", "park", "#cfe5c0", opacity=0.55),
        {
            "id": "base-park-outline",
            "type": "line",
            "source": SOURCE,
            "source-layer": "park",
            "paint": {
                "line-color": "#7fb06c",
                "line-width": _zoom(8, 0.6, 14, 1.6),
                "line-opacity": 0.8,
            },
        },
        _fill("ocean", "ocean", _WATER),
        _fill("water", "water", _WATER),
        {
            "id": "base-waterway",
            "type": "line",
            "source": SOURCE,
            "source-layer": "waterway",
            "filter": ["!=", ["get", "brunnel"], "tunnel"],
            "layout": {"line-cap": "round", "line-join": "round"},
            "paint": {
                "line-color": "#9cc2dc",
                # Zoom must be the top-level input; the class picks each stop's width.
                "line-width": _zoom(
                    8,
                    ["match", ["get", "class"], "river", 0.8, 0.2],
                    14,
                    ["match", ["get", "class"], "river", 3.5, "canal", 2, 1.2],
                ),
            },
        },
        _fill("aeroway", "aeroway", "#e2e0db", ("runway", "taxiway", "apron"), minzoom=11),
        _fill("building", "building", "#e0d8cc", minzoom=13, opacity=0.8),
        {
            "id": "base-boundary-district",
            "type": "line",
            "source": SOURCE,
            "source-layer": "boundary",
            "minzoom": 9,
            "filter": ["==", ["get", "admin_level"], 6],
            "paint": {"line-color": "#b8aec4", "line-width": 0.8, "line-dasharray": [2, 2]},
        },
        {
            "id": "base-boundary-province",
            "type": "line",
            "source": SOURCE,
            "source-layer": "boundary",
            "filter": ["==", ["get", "admin_level"], 4],
            "paint": {
                "line-color": "#a397b3",
                "line-width": _zoom(6, 0.8, 12, 1.6),
                "line-dasharray": [4, 2],
            },
        },
        {
            "id": "base-boundary-country",
            "type": "line",
            "source": SOURCE,
            "source-layer": "boundary",
            "filter": ["==", ["get", "admin_level"], 2],
            "paint": {"line-color": "#8b7fa0", "line-width": _zoom(4, 1, 12, 2.5)},
        },
        *_roads(),
        *_labels(),
    ]


def style_document(tilejson_url: str, glyphs_url: str) -> dict[str, Any]:
    """The style, its source at ``tilejson_url`` and its glyphs at ``glyphs_url``."""
    return {
        "version": 8,
        "name": "tourroute base map",
        "metadata": {"tourroute:labels-from": "base-label-"},
        "sources": {
            SOURCE: {"type": "vector", "url": tilejson_url, "attribution": OSM_ATTRIBUTION}
        },
        "glyphs": glyphs_url,
        "layers": _layers(),
    }
