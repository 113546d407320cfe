// One MapLibre map shared by every screen. Its bottom layers are the region's vector base
// map, served by the service itself (/tiles/style.json: OpenMapTiles tiles from the shipped
// PMTiles archive, labels in Vietnamese from glyphs we generate at build time, /glyphs), so
// the map works offline; TOURROUTE_CONSOLE_TILE_URL (an XYZ raster or a style URL) replaces
// it in production. Above the base geometry and below the base labels: province outlines
// (/v1/provinces) and roads coloured by corridor (/v1/roads); above everything: the
// published sites, clustered with their counts (/v1/sites?f=geojson), and the overlays.
// Site names are HTML popups and markers; the symbols of places to stay, fuel and meal
// stops are symbol layers from SVG drawn here (icons.ts). Explore's layer toggle
// (attractions / places to stay / fuel / meals) filters the sites loaded on the client,
// so toggling does not refetch them.

import maplibregl, { ExpressionSpecification, GeoJSONSource, LngLatBoundsLike, Map as MlMap, StyleSpecification } from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";

import {
  api,
  qs,
  type ConsoleSettings,
  type Corridor,
  type CorridorList,
  type FeatureCollection,
  type ProvinceProperties,
  type RoadCollection,
  type RoadProperties,
  type SiteFeaturePage,
  type SiteProperties,
} from "./api";
import { ALL_SYMBOLS, symbolImage, symbolImg, symbolOf } from "./icons";
import { lang, pick, t } from "./i18n";
import { h, Layer, layerOf, LAYERS } from "./ui";

export interface ConsoleConfig extends ConsoleSettings {
  corridors: Corridor[];
}

/** A site on the map: its API properties and what the layers draw it with (sitesWithProps). */
export interface SiteOnMap extends SiteProperties {
  category?: string;
  label?: string;
  layer?: Layer;
  icon?: string;
}
type SitesFC = FeatureCollection<SiteOnMap>;
type RoadsFC = FeatureCollection<RoadProperties & { corridor?: string }>;
type ProvincesFC = FeatureCollection<ProvinceProperties>;
const EMPTY: FeatureCollection<never> = { type: "FeatureCollection", features: [] };

declare global {
  interface Window {
    /** For the browser tests and for debugging (TESTIDS.md). */
    tourrouteMap?: MlMap;
    tourrouteSites?: () => unknown;
  }
}
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

let siteClick: ((slug: string, feature: maplibregl.MapGeoJSONFeature) => void) | null = null;
let mapClick: ((lon: number, lat: number) => void) | null = null;
let readyResolve: () => void = () => undefined;
export const ready: Promise<void> = new Promise((r) => (readyResolve = r));
let markers: maplibregl.Marker[] = [];
let sitesParams: Record<string, string> = {};
let sitesCount = 0;
let mapContainer: HTMLElement | null = null;
/** Every site loaded with the current filters (before the layer toggle). */
let allSites: SitesFC = EMPTY;
/** The first load of every site, shared by the map and Explore's first refresh (≈1 MB). */
let initialSites: Promise<SitesFC> | null = null;
let initialUsed = false;
function firstSites(): Promise<SitesFC> {
  return (initialSites ??= loadAllSites({}));
}
/** Explore's layer toggle and "type of stay" filter (kept while the page lives). */
export const layers: { visible: Set<Layer>; stayType: string } = { visible: new Set(LAYERS), stayType: "" };
const layerListeners = new Set<() => void>();
/** Sites per layer among those loaded (after the filters, before the toggle). */
export const layerCounts: Record<Layer, number> = { attractions: 0, stay: 0, fuel: 0, meal: 0 };

export function onSiteClick(fn: ((slug: string, feature: maplibregl.MapGeoJSONFeature) => void) | null): void {
  siteClick = fn;
}
export function onMapClick(fn: ((lon: number, lat: number) => void) | null): void {
  mapClick = fn;
}
export function sitesOnMap(): number {
  return sitesCount;
}
export function onLayersChange(fn: () => void): () => void {
  layerListeners.add(fn);
  return () => layerListeners.delete(fn);
}

/** Does a site (its kind and subtype) pass the layer toggle and the type-of-stay filter? */
export function siteShown(kind: string, subtype?: string | null): boolean {
  const layer = layerOf(kind, subtype);
  if (!layers.visible.has(layer)) return false;
  if (layer === "stay" && layers.stayType && subtype !== layers.stayType) return false;
  return true;
}

/** Show these layers (and only stays of this type, "" = any) on the map. */
export function setLayers(visible: Iterable<Layer>, stayType = layers.stayType): void {
  layers.visible = new Set(visible);
  layers.stayType = stayType;
  applySites();
  layerListeners.forEach((fn) => fn());
}

/** Our font for the text the console adds (cluster counts): in our glyphs (/glyphs). */
const FONT_BOLD = ["DejaVu Sans Bold"];
/** Our base map's label layers start with this: the service's roads go below them. */
const BASE_LABELS = "base-label-";
/** Whether the map's glyphs are ours (so the console may draw text in our font). */
let ownGlyphs = false;
/** The first base-map label layer, if the base map has one. */
let labelsFrom: string | undefined;

/** The base map's style: ours (/tiles/style.json), or a raster tile URL over a plain ground. */
async function baseStyle(): Promise<StyleSpecification | string> {
  if (config.tile_url && !config.tile_url.includes("{z}")) return config.tile_url;
  if (config.basemap_style) {
    try {
      const style = (await api<StyleSpecification>(config.basemap_style)).data;
      ownGlyphs = true;
      labelsFrom = style.layers.find((l) => l.id.startsWith(BASE_LABELS))?.id;
      return style;
    } catch {
      /* the service's own layers alone, over a plain ground */
    }
  }
  const style: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: "background", type: "background", paint: { "background-color": "#dfe9ee" } }],
  };
  if (config.glyphs) {
    // Braces kept as they are: new URL() would percent-encode the {fontstack} template.
    style.glyphs = location.origin + config.glyphs;
    ownGlyphs = true;
  }
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

async function loadJson<T>(path: string): Promise<T> {
  return (await api<T>(path, { accept: "application/geo+json, application/json" })).data;
}

export async function initMap(container: HTMLElement, legend: HTMLElement): Promise<void> {
  // Deployment settings (the optional tile URL) and the corridors (public API) in parallel;
  // either may fail (an old server, a network blip) and the map still draws the roads.
  const [settings, corridors] = await Promise.allSettled([
    api<ConsoleSettings>("/console-config.json"),
    api<CorridorList>("/v1/corridors"),
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
    loadJson<ProvincesFC>("/v1/provinces?f=geojson"),
    loadJson<RoadCollection>("/v1/roads"),
    firstSites(),
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

  const styleSpec = await baseStyle();
  mapContainer = container;
  const m = new maplibregl.Map({
    container,
    style: styleSpec,
    bounds: REGION,
    fitBoundsOptions: { padding: 10 },
    // Never compact: the OpenStreetMap credit stays visible at every width (phones too).
    attributionControl: { compact: false, customAttribution: "© OpenStreetMap contributors · geoBoundaries" },
    dragRotate: false,
    pitchWithRotate: false,
  });
  map = m;
  // For the browser tests and for debugging in the console (extra, see TESTIDS.md).
  window.tourrouteMap = m;
  window.tourrouteSites = () => m.getSource<GeoJSONSource>("sites")?._data ?? EMPTY;
  m.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  m.touchZoomRotate.disableRotation();

  await new Promise<void>((resolve) => m.once("load", () => resolve()));
  await addSymbolImages(m);
  let provinces: ProvincesFC, roads: RoadsFC, sites: SitesFC;
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

async function addSymbolImages(m: MlMap): Promise<void> {
  await Promise.all(
    ALL_SYMBOLS.map(async (name) => {
      try {
        if (!m.hasImage(`sym-${name}`)) m.addImage(`sym-${name}`, await symbolImage(name), { pixelRatio: 2 });
      } catch {
        /* the layer falls back to no icon */
      }
    }),
  );
}

/** Every page of /v1/sites?f=geojson (the API answers at most 500 a page). */
async function loadAllSites(params: Record<string, string>): Promise<SitesFC> {
  let url: string | null = `/v1/sites${qs({ ...params, f: "geojson", limit: 500 })}`;
  const features: SitesFC["features"] = [];
  for (let page = 0; url && page < 20; page++) {
    const data: SiteFeaturePage = await loadJson<SiteFeaturePage>(url);
    features.push(...(data.features ?? []));
    const next: string | null = data.next ?? data.links?.find((l) => l.rel === "next")?.href ?? null;
    if (!next) break;
    const u = new URL(next, location.href);
    url = u.pathname + u.search;
  }
  return { type: "FeatureCollection", features };
}

function sitesWithProps(sites: SitesFC): SitesFC {
  for (const k of LAYERS) layerCounts[k] = 0;
  for (const f of sites.features) {
    const p = f.properties;
    p.category = p.categories?.[0] ?? "";
    p.label = pick(p);
    p.subtype = p.subtype ?? null;
    const layer = layerOf(p.kind, p.subtype);
    p.layer = layer;
    p.icon = symbolOf(p.kind, p.subtype) ? `sym-${symbolOf(p.kind, p.subtype)}` : "";
    layerCounts[layer] += 1;
  }
  allSites = sites;
  return sites;
}

/** The loaded sites that pass the layer toggle: what the map's source holds. */
function shownSites(): SitesFC {
  const features = allSites.features.filter((f) => siteShown(f.properties.kind, f.properties.subtype));
  sitesCount = features.length;
  if (mapContainer) {
    mapContainer.dataset.layers = LAYERS.filter((l) => layers.visible.has(l)).join(",");
    mapContainer.dataset.sites = String(sitesCount);
  }
  return { type: "FeatureCollection", features };
}

function applySites(): void {
  const data = shownSites();
  map?.getSource<GeoJSONSource>("sites")?.setData(data);
}

/** A point feature's lon,lat (sites and clusters are points). */
function pointOf(f: maplibregl.MapGeoJSONFeature): [number, number] | null {
  const g = f.geometry;
  return g.type === "Point" ? [g.coordinates[0], g.coordinates[1]] : null;
}

/** ["match", input, value1, output1, value2, output2, …, fallback]; just the fallback without pairs. */
function matchExpression(input: ExpressionSpecification, pairs: [string, string][], fallback: string): ExpressionSpecification | string {
  if (!pairs.length) return fallback;
  const [[value, output], ...rest] = pairs;
  return ["match", input, value, output, ...rest.flat(), fallback];
}

function addLayers(m: MlMap, provinces: ProvincesFC, roads: RoadsFC, sites: SitesFC): void {
  m.addSource("provinces", { type: "geojson", data: provinces });
  m.addSource("roads", { type: "geojson", data: roads });
  m.addSource("sites", {
    type: "geojson",
    data: (sitesWithProps(sites), shownSites()),
    cluster: true,
    clusterRadius: 40,
    clusterMaxZoom: 11,
  });
  m.addSource("overlay-lines", { type: "geojson", data: EMPTY });
  m.addSource("overlay-points", { type: "geojson", data: EMPTY });

  const basemap = Boolean(config.basemap_style && labelsFrom);
  m.addLayer({
    id: "provinces-fill",
    type: "fill",
    source: "provinces",
    paint: {
      "fill-color": ["match", ["get", "code"], "VN-21", "#fdf6e3", "VN-22", "#ecfdf3", "VN-23", "#eef6fd", "#f1f5f9"],
      // A tint over a base map; the whole ground without one.
      "fill-opacity": config.tile_url ? 0.25 : basemap ? 0.22 : 0.9,
    },
  }, labelsFrom);
  m.addLayer({
    id: "provinces-line",
    type: "line",
    source: "provinces",
    paint: { "line-color": "#64748b", "line-width": 1.2, "line-dasharray": [3, 2] },
  }, labelsFrom);
  m.addLayer({
    id: "roads-other",
    type: "line",
    source: "roads",
    filter: ["==", ["get", "corridor"], ""],
    layout: { "line-cap": "round", "line-join": "round" },
    paint: { "line-color": "#94a3b8", "line-width": ["interpolate", ["linear"], ["zoom"], 7, 0.6, 12, 2] },
  }, labelsFrom);
  m.addLayer({
    id: "roads-corridor",
    type: "line",
    source: "roads",
    filter: ["!=", ["get", "corridor"], ""],
    layout: { "line-cap": "round", "line-join": "round" },
    paint: {
      "line-color": matchExpression(["get", "corridor"], config.corridors.map((c) => [c.slug, corridorColour(c.slug)]), "#64748b"),
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
  }, labelsFrom);
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
  // The count on each cluster (text in our own font, so only when the glyphs are ours).
  if (ownGlyphs) {
    m.addLayer({
      id: "site-cluster-count",
      type: "symbol",
      source: "sites",
      filter: ["has", "point_count"],
      layout: {
        "text-field": ["get", "point_count_abbreviated"],
        "text-font": FONT_BOLD,
        "text-size": ["step", ["get", "point_count"], 11, 15, 12, 100, 13],
        "text-allow-overlap": true,
        "text-ignore-placement": true,
      },
      paint: { "text-color": "#ffffff" },
    });
  }
  m.addLayer({
    id: "site-points",
    type: "circle",
    source: "sites",
    filter: ["all", ["!", ["has", "point_count"]], ["==", ["get", "icon"], ""]],
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
        matchExpression(["get", "category"], Object.entries(CATEGORY_COLOURS), "#0f766e"),
      ],
      "circle-radius": ["interpolate", ["linear"], ["zoom"], 6, 5, 12, 9],
      "circle-stroke-color": ["match", ["get", "kind"], "attraction", "#ffffff", "#fbbf24"],
      "circle-stroke-width": 2,
    },
  });
  // Places to stay, campsites, fuel and meal stops: one symbol each (icons only, no glyphs).
  m.addLayer({
    id: "site-icons",
    type: "symbol",
    source: "sites",
    filter: ["all", ["!", ["has", "point_count"]], ["!=", ["get", "icon"], ""]],
    layout: {
      "icon-image": ["get", "icon"],
      "icon-size": ["interpolate", ["linear"], ["zoom"], 6, 0.75, 12, 1.05],
      "icon-allow-overlap": true,
      "icon-ignore-placement": true,
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
  for (const layer of ["site-points", "site-icons", "site-clusters"]) {
    m.on("mouseenter", layer, () => (m.getCanvas().style.cursor = "pointer"));
    m.on("mouseleave", layer, () => {
      m.getCanvas().style.cursor = "";
      hover.remove();
    });
  }
  for (const layer of ["site-points", "site-icons"]) {
    m.on("mousemove", layer, (e) => {
      const f = e.features?.[0];
      if (!f) return;
      const at = pointOf(f);
      if (at) hover.setLngLat(at).setText(pick(f.properties)).addTo(m);
    });
  }
  m.on("mousemove", "site-clusters", (e) => {
    const f = e.features?.[0];
    if (!f) return;
    const at = pointOf(f);
    if (at) hover.setLngLat(at).setText(`${f.properties?.point_count} ${t("map.sites").toLowerCase()}`).addTo(m);
  });

  m.on("click", (e) => {
    const feats = m.queryRenderedFeatures(e.point, { layers: ["site-icons", "site-points", "site-clusters"] });
    const f = feats[0];
    if (f && f.layer.id === "site-clusters") {
      const src = m.getSource<GeoJSONSource>("sites");
      const center = pointOf(f);
      if (src && center) {
        void Promise.resolve(src.getClusterExpansionZoom(f.properties?.cluster_id)).then((zoom) => {
          m.easeTo({ center, zoom: Number(zoom) + 0.5 });
        });
      }
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
  const first = !initialUsed && !Object.keys(params).length ? firstSites() : null;
  initialUsed = true;
  const data = await (first ?? loadAllSites(params)).catch((err) => {
    if (first) return loadAllSites(params);
    throw err;
  });
  if (sitesParams !== params) return sitesCount;
  await ready;
  if (sitesParams !== params) return sitesCount;
  sitesWithProps(data);
  applySites();
  layerListeners.forEach((fn) => fn());
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
  const fc: FeatureCollection<{ color: string; width: number; opacity: number; id: string }> = {
    type: "FeatureCollection",
    features: lines.map((l) => ({
      type: "Feature",
      geometry: { type: "LineString", coordinates: l.coordinates },
      properties: { color: l.color, width: l.width ?? 5, opacity: l.opacity ?? 1, id: l.id ?? "" },
    })),
  };
  map?.getSource<GeoJSONSource>("overlay-lines")?.setData(fc);
  // Fade the base roads while a route or an itinerary is drawn over them.
  if (map?.getLayer("roads-corridor")) {
    map.setPaintProperty("roads-corridor", "line-opacity", lines.length ? 0.35 : 1);
    map.setPaintProperty("roads-other", "line-opacity", lines.length ? 0.45 : 1);
    // …and the sites (hundreds of stays, fuel and meal stops would hide the itinerary).
    const faded = lines.length > 0;
    map.setPaintProperty("site-clusters", "circle-opacity", faded ? 0.3 : 0.85);
    map.setPaintProperty("site-clusters", "circle-stroke-opacity", faded ? 0.3 : 1);
    if (map.getLayer("site-cluster-count")) map.setPaintProperty("site-cluster-count", "text-opacity", faded ? 0.3 : 1);
    map.setPaintProperty("site-points", "circle-opacity", faded ? 0.45 : 1);
    map.setPaintProperty("site-points", "circle-stroke-opacity", faded ? 0.45 : 1);
    map.setPaintProperty("site-icons", "icon-opacity", faded ? 0.4 : 1);
  }
}

export function setPoints(points: { coordinates: number[]; color: string }[]): void {
  const fc: FeatureCollection<{ color: string }> = {
    type: "FeatureCollection",
    features: points.map((p) => ({ type: "Feature", geometry: { type: "Point", coordinates: p.coordinates }, properties: { color: p.color } })),
  };
  map?.getSource<GeoJSONSource>("overlay-points")?.setData(fc);
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
    ),
    h(
      "ul",
      { class: "legend-list cols" },
      ...(
        [
          ["stay", "layer.stay"],
          ["camp", "type.camp_site"],
          ["fuel", "layer.fuel"],
          ["meal", "layer.meal"],
        ] as const
      ).map(([sym, key]) => h("li", { testid: "legend-symbol", "data-symbol": sym }, symbolImg(sym, 14), t(key))),
    ),
  );
  void lang;
}
