// One MapLibre map shared by every screen. Its base layer is the service's own data —
// province outlines (/v1/provinces), roads coloured by corridor (/v1/roads) and the
// published sites, clustered (/v1/sites?f=geojson) — so it works offline; an external
// tile URL (TOURROUTE_CONSOLE_TILE_URL) is an optional underlay. No symbol layers (they
// would need a glyph server): labels are HTML popups and markers.

import maplibregl, { GeoJSONSource, LngLatBoundsLike, Map as MlMap, StyleSpecification } from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";

import { api, qs } from "./api";
import { lang, pick, t } from "./i18n";
import { h } from "./ui";

export interface ConsoleConfig {
  tile_url: string | null;
  tile_attribution: string;
  corridors: { slug: string; name_vi: string; name_en: string }[];
}

type FC = { type: "FeatureCollection"; features: any[] };
const EMPTY: FC = { type: "FeatureCollection", features: [] };
const REGION: LngLatBoundsLike = [
  [103.85, 17.85],
  [106.6, 20.7],
];

const CORRIDOR_COLOURS: Record<string, string> = {
  "expressway-north-south-east": "#7c3aed",
  ql1a: "#dc2626",
  "hcm-road": "#059669",
  "coastal-road": "#0284c7",
  "ql7-nam-can": "#f59e0b",
  "ql8a-cau-treo": "#db2777",
  "ql217-na-meo": "#65a30d",
  ql46: "#1e3a8a",
  ql45: "#06b6d4", // cyan: clearly apart from the expressway's violet (it was #9333ea, nearly the same)
  ql47: "#111827",
  ql48: "#2563eb",
  ql15: "#a16207",
};
const FALLBACK = ["#be123c", "#1d4ed8", "#15803d", "#b45309", "#6d28d9", "#0e7490"];

export const CATEGORY_COLOURS: Record<string, string> = {
  heritage: "#b45309",
  "revolutionary-history": "#dc2626",
  nature: "#16a34a",
  beach: "#0284c7",
  spiritual: "#9333ea",
  "eco-community": "#65a30d",
  "mountain-adventure": "#15803d",
  "craft-village": "#ca8a04",
  museum: "#7c3aed",
  "city-landmark": "#475569",
};
export const KIND_COLOURS: Record<string, string> = {
  attraction: "#ffffff",
  lodging: "#1e3a8a",
  campsite: "#14532d",
  service: "#374151",
};

export let config: ConsoleConfig = { tile_url: null, tile_attribution: "", corridors: [] };
export let map: MlMap | null = null;
export let corridorColour: (slug: string) => string = (s) => CORRIDOR_COLOURS[s] ?? "#64748b";

let siteClick: ((slug: string, feature: any) => void) | null = null;
let mapClick: ((lon: number, lat: number) => void) | null = null;
let readyResolve: () => void = () => undefined;
export const ready: Promise<void> = new Promise((r) => (readyResolve = r));
let markers: maplibregl.Marker[] = [];
let sitesParams: Record<string, string> = {};
let sitesCount = 0;

export function onSiteClick(fn: ((slug: string, feature: any) => void) | null): void {
  siteClick = fn;
}
export function onMapClick(fn: ((lon: number, lat: number) => void) | null): void {
  mapClick = fn;
}
export function sitesOnMap(): number {
  return sitesCount;
}

function baseStyle(): StyleSpecification {
  const style: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: "background", type: "background", paint: { "background-color": "#dfe9ee" } }],
  };
  const url = config.tile_url;
  if (url && url.includes("{z}")) {
    style.sources.base = {
      type: "raster",
      tiles: [url],
      tileSize: 256,
      attribution: config.tile_attribution || undefined,
    };
    style.layers.push({ id: "base", type: "raster", source: "base" });
  }
  return style;
}

function supportsWebGL(): boolean {
  try {
    const c = document.createElement("canvas");
    return Boolean(c.getContext("webgl2") || c.getContext("webgl"));
  } catch {
    return false;
  }
}

function markReady(container: HTMLElement, error?: string): void {
  if (error) container.dataset.error = error;
  container.dataset.ready = "true";
  readyResolve();
}

async function loadJson<T = any>(path: string): Promise<T> {
  return (await api<T>(path, { accept: "application/geo+json, application/json" })).data;
}

export async function initMap(container: HTMLElement, legend: HTMLElement): Promise<void> {
  // Deployment settings (the optional tile URL) and the corridors (public API) in parallel;
  // either may fail (an old server, a network blip) and the map still draws the roads.
  const [settings, corridors] = await Promise.allSettled([
    api<Omit<ConsoleConfig, "corridors">>("/console-config.json"),
    api<{ items: ConsoleConfig["corridors"] }>("/v1/corridors"),
  ]);
  config = {
    ...config,
    ...(settings.status === "fulfilled" ? settings.value.data : {}),
    corridors: corridors.status === "fulfilled" ? corridors.value.data.items : [],
  };
  const slugs = config.corridors.map((c) => c.slug);
  corridorColour = (s: string) => CORRIDOR_COLOURS[s] ?? FALLBACK[Math.max(0, slugs.indexOf(s)) % FALLBACK.length];
  renderLegend(legend);
  window.addEventListener("langchange", () => renderLegend(legend));

  const dataPromise = Promise.all([
    loadJson<FC>("/v1/provinces?f=geojson"),
    loadJson<FC>("/v1/roads"),
    loadJson<FC>(`/v1/sites${qs({ f: "geojson", limit: 500 })}`),
  ]);

  if (!supportsWebGL()) {
    container.append(h("div", { class: "map-fallback", i18n: "map.nowebgl" }));
    try {
      await dataPromise;
    } finally {
      markReady(container, "no-webgl");
    }
    return;
  }

  let styleSpec: StyleSpecification | string = baseStyle();
  if (config.tile_url && !config.tile_url.includes("{z}")) styleSpec = config.tile_url;
  const m = new maplibregl.Map({
    container,
    style: styleSpec,
    bounds: REGION,
    fitBoundsOptions: { padding: 10 },
    attributionControl: { compact: true, customAttribution: "© OpenStreetMap contributors · geoBoundaries" },
    dragRotate: false,
    pitchWithRotate: false,
  });
  map = m;
  m.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  m.touchZoomRotate.disableRotation();

  await new Promise<void>((resolve) => m.once("load", () => resolve()));
  let provinces: FC, roads: FC, sites: FC;
  try {
    [provinces, roads, sites] = await dataPromise;
  } catch {
    markReady(container, "data");
    return;
  }
  for (const f of roads.features) {
    f.properties.corridor = f.properties.corridors?.[0] ?? "";
  }
  addLayers(m, provinces, roads, sites);
  m.once("idle", () => markReady(container));
  // Resize when the layout changes (drawer on phones, panel width).
  new ResizeObserver(() => m.resize()).observe(container);
}

function sitesWithProps(sites: FC): FC {
  for (const f of sites.features) {
    const p = f.properties;
    p.category = p.categories?.[0] ?? "";
    p.label = pick(p);
  }
  sitesCount = sites.features.length;
  return sites;
}

function addLayers(m: MlMap, provinces: FC, roads: FC, sites: FC): void {
  m.addSource("provinces", { type: "geojson", data: provinces as any });
  m.addSource("roads", { type: "geojson", data: roads as any });
  m.addSource("sites", {
    type: "geojson",
    data: sitesWithProps(sites) as any,
    cluster: true,
    clusterRadius: 40,
    clusterMaxZoom: 11,
  });
  m.addSource("overlay-lines", { type: "geojson", data: EMPTY as any });
  m.addSource("overlay-points", { type: "geojson", data: EMPTY as any });

  m.addLayer({
    id: "provinces-fill",
    type: "fill",
    source: "provinces",
    paint: {
      "fill-color": ["match", ["get", "code"], "VN-21", "#fdf6e3", "VN-22", "#ecfdf3", "VN-23", "#eef6fd", "#f1f5f9"],
      "fill-opacity": config.tile_url ? 0.25 : 0.9,
    },
  });
  m.addLayer({
    id: "provinces-line",
    type: "line",
    source: "provinces",
    paint: { "line-color": "#64748b", "line-width": 1.2, "line-dasharray": [3, 2] },
  });
  m.addLayer({
    id: "roads-other",
    type: "line",
    source: "roads",
    filter: ["==", ["get", "corridor"], ""],
    layout: { "line-cap": "round", "line-join": "round" },
    paint: { "line-color": "#94a3b8", "line-width": ["interpolate", ["linear"], ["zoom"], 7, 0.6, 12, 2] },
  });
  const colourMatch: any[] = ["match", ["get", "corridor"]];
  for (const c of config.corridors) colourMatch.push(c.slug, corridorColour(c.slug));
  colourMatch.push("#64748b");
  m.addLayer({
    id: "roads-corridor",
    type: "line",
    source: "roads",
    filter: ["!=", ["get", "corridor"], ""],
    layout: { "line-cap": "round", "line-join": "round" },
    paint: {
      "line-color": config.corridors.length ? (colourMatch as any) : "#64748b",
      "line-width": [
        "interpolate",
        ["linear"],
        ["zoom"],
        7,
        ["match", ["get", "road_class"], "motorway", 2.6, "trunk", 2, 1.4],
        12,
        ["match", ["get", "road_class"], "motorway", 6, "trunk", 5, 3.5],
      ],
    },
  });
  m.addLayer({
    id: "overlay-lines-casing",
    type: "line",
    source: "overlay-lines",
    layout: { "line-cap": "round", "line-join": "round" },
    paint: { "line-color": "#ffffff", "line-width": ["+", ["coalesce", ["get", "width"], 5], 3], "line-opacity": ["coalesce", ["get", "opacity"], 1] },
  });
  m.addLayer({
    id: "overlay-lines",
    type: "line",
    source: "overlay-lines",
    layout: { "line-cap": "round", "line-join": "round" },
    paint: {
      "line-color": ["coalesce", ["get", "color"], "#2563eb"],
      "line-width": ["coalesce", ["get", "width"], 5],
      "line-opacity": ["coalesce", ["get", "opacity"], 1],
    },
  });
  m.addLayer({
    id: "site-clusters",
    type: "circle",
    source: "sites",
    filter: ["has", "point_count"],
    paint: {
      "circle-color": "#0f766e",
      "circle-opacity": 0.85,
      "circle-radius": ["step", ["get", "point_count"], 12, 5, 16, 15, 21],
      "circle-stroke-color": "#ffffff",
      "circle-stroke-width": 2,
    },
  });
  m.addLayer({
    id: "site-points",
    type: "circle",
    source: "sites",
    filter: ["!", ["has", "point_count"]],
    paint: {
      "circle-color": [
        "match",
        ["get", "kind"],
        "lodging",
        KIND_COLOURS.lodging,
        "campsite",
        KIND_COLOURS.campsite,
        "service",
        KIND_COLOURS.service,
        ["match", ["get", "category"], ...Object.entries(CATEGORY_COLOURS).flat(), "#0f766e"],
      ] as any,
      "circle-radius": ["interpolate", ["linear"], ["zoom"], 6, 5, 12, 9],
      "circle-stroke-color": ["match", ["get", "kind"], "attraction", "#ffffff", "#fbbf24"] as any,
      "circle-stroke-width": 2,
    },
  });
  m.addLayer({
    id: "overlay-points",
    type: "circle",
    source: "overlay-points",
    paint: {
      "circle-color": ["coalesce", ["get", "color"], "#2563eb"],
      "circle-radius": 6,
      "circle-stroke-color": "#ffffff",
      "circle-stroke-width": 2,
    },
  });

  const hover = new maplibregl.Popup({ closeButton: false, closeOnClick: false, offset: 10, className: "hover-popup" });
  for (const layer of ["site-points", "site-clusters"]) {
    m.on("mouseenter", layer, () => (m.getCanvas().style.cursor = "pointer"));
    m.on("mouseleave", layer, () => {
      m.getCanvas().style.cursor = "";
      hover.remove();
    });
  }
  m.on("mousemove", "site-points", (e) => {
    const f = e.features?.[0];
    if (!f) return;
    hover.setLngLat((f.geometry as any).coordinates).setText(pick(f.properties)).addTo(m);
  });
  m.on("mousemove", "site-clusters", (e) => {
    const f = e.features?.[0];
    if (!f) return;
    hover.setLngLat((f.geometry as any).coordinates).setText(`${f.properties?.point_count} ${t("map.sites").toLowerCase()}`).addTo(m);
  });

  m.on("click", (e) => {
    const feats = m.queryRenderedFeatures(e.point, { layers: ["site-points", "site-clusters"] });
    const f = feats[0];
    if (f && f.layer.id === "site-clusters") {
      const src = m.getSource("sites") as GeoJSONSource;
      Promise.resolve(src.getClusterExpansionZoom(f.properties?.cluster_id)).then((zoom: any) => {
        m.easeTo({ center: (f.geometry as any).coordinates, zoom: Number(zoom) + 0.5 });
      });
      return;
    }
    if (f && siteClick) {
      siteClick(String(f.properties?.slug), f);
      return;
    }
    if (mapClick) mapClick(Number(e.lngLat.lng.toFixed(5)), Number(e.lngLat.lat.toFixed(5)));
  });
}

/** Reload the sites on the map with these filters (province, category, kind, q). */
export async function filterSites(params: Record<string, string>): Promise<number> {
  sitesParams = params;
  const data = await loadJson<FC>(`/v1/sites${qs({ ...params, f: "geojson", limit: 500 })}`);
  if (sitesParams !== params) return sitesCount;
  const withProps = sitesWithProps(data);
  await ready;
  (map?.getSource("sites") as GeoJSONSource | undefined)?.setData(withProps as any);
  return sitesCount;
}

export interface OverlayLine {
  coordinates: number[][];
  color: string;
  width?: number;
  opacity?: number;
  id?: string;
}

export function setLines(lines: OverlayLine[]): void {
  const fc = {
    type: "FeatureCollection",
    features: lines.map((l) => ({
      type: "Feature",
      geometry: { type: "LineString", coordinates: l.coordinates },
      properties: { color: l.color, width: l.width ?? 5, opacity: l.opacity ?? 1, id: l.id ?? "" },
    })),
  };
  (map?.getSource("overlay-lines") as GeoJSONSource | undefined)?.setData(fc as any);
  // Fade the base roads while a route or an itinerary is drawn over them.
  if (map?.getLayer("roads-corridor")) {
    map.setPaintProperty("roads-corridor", "line-opacity", lines.length ? 0.35 : 1);
    map.setPaintProperty("roads-other", "line-opacity", lines.length ? 0.45 : 1);
  }
}

export function setPoints(points: { coordinates: number[]; color: string }[]): void {
  const fc = {
    type: "FeatureCollection",
    features: points.map((p) => ({ type: "Feature", geometry: { type: "Point", coordinates: p.coordinates }, properties: { color: p.color } })),
  };
  (map?.getSource("overlay-points") as GeoJSONSource | undefined)?.setData(fc as any);
}

/** An HTML marker (a label without glyphs); returns it so the caller may drag it. */
export function addMarker(lngLat: [number, number], opts: { html?: string; className?: string; title?: string; draggable?: boolean; color?: string } = {}): maplibregl.Marker | null {
  if (!map) return null;
  let marker: maplibregl.Marker;
  if (opts.html !== undefined) {
    const el = h("div", { class: `html-marker ${opts.className ?? ""}`, title: opts.title ?? "" });
    el.innerHTML = opts.html;
    if (opts.color) el.style.background = opts.color;
    marker = new maplibregl.Marker({ element: el, draggable: opts.draggable });
  } else {
    marker = new maplibregl.Marker({ color: opts.color ?? "#e11d48", draggable: opts.draggable });
  }
  marker.setLngLat(lngLat).addTo(map);
  markers.push(marker);
  return marker;
}

export function clearOverlays(): void {
  setLines([]);
  setPoints([]);
  markers.forEach((m) => m.remove());
  markers = [];
}

export function fitTo(coords: number[][], maxZoom = 13): void {
  if (!map || !coords.length) return;
  const b = new maplibregl.LngLatBounds(coords[0] as [number, number], coords[0] as [number, number]);
  coords.forEach((c) => b.extend(c as [number, number]));
  map.fitBounds(b, { padding: 50, maxZoom, duration: 600 });
}

export function flyTo(coord: number[], zoom = 11): void {
  map?.flyTo({ center: coord as [number, number], zoom: Math.max(zoom, map.getZoom()), duration: 700 });
}

export function resetView(): void {
  map?.fitBounds(REGION, { padding: 10, duration: 500 });
}

export function corridorName(slug: string): string {
  const c = config.corridors.find((x) => x.slug === slug);
  return c ? pick(c) : slug;
}

function renderLegend(legend: HTMLElement): void {
  const used = config.corridors;
  legend.replaceChildren(
    h("summary", { i18n: "map.legend" }),
    h("div", { class: "legend-title", i18n: "map.roads" }),
    h(
      "ul",
      { class: "legend-list" },
      ...used.map((c) =>
        h("li", { "data-corridor": c.slug }, h("span", { class: "swatch line", style: `background:${corridorColour(c.slug)}` }), pick(c)),
      ),
      h("li", {}, h("span", { class: "swatch line thin", style: "background:#94a3b8" }), t("map.other_roads")),
    ),
    h("div", { class: "legend-title", i18n: "map.sites" }),
    h(
      "ul",
      { class: "legend-list cols" },
      ...Object.entries(CATEGORY_COLOURS).map(([k, c]) => h("li", {}, h("span", { class: "swatch dot", style: `background:${c}` }), t(`cat.${k}`))),
      ...["lodging", "campsite"].map((k) =>
        h("li", {}, h("span", { class: "swatch dot ring", style: `background:${KIND_COLOURS[k]}` }), t(`kind.${k}`)),
      ),
    ),
  );
  void lang;
}
