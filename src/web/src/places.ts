// Names for what the API takes as a place — a site's slug or "lon,lat" — so that inputs,
// titles and the timeline show "Thành nhà Hồ" or "gần Kim Liên", never a slug or raw
// coordinates. A slug is read from /v1/sites/{slug}; a point is looked up with
// /v1/sites?near= (a site right there, else the nearest attraction and its district).
// Answers are cached for the page's life: names change rarely and a stale one is harmless.

import { api, ApiProblem, qs, type Site, type SitePage } from "./api";
import { lang, type Lang, t } from "./i18n";

export const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const LONLAT_RE = /^\s*-?\d+(?:\.\d+)?\s*,\s*-?\d+(?:\.\d+)?\s*$/;

/** A click this close to a site is on it (metres). */
const ON_SITE_M = 150;
/** Within this distance a point is "gần <attraction>" (metres). */
const NEAR_SITE_M = 2_000;
/** Within this distance the nearest attraction's district names the point's area (metres). */
const AREA_M = 20_000;

/** Anything with a Vietnamese and an English name. */
export interface Named {
  name_vi?: string | null;
  name_en?: string | null;
}

/** A name in the given language (the other one if that is empty). */
export function nameIn(obj: Named | null | undefined, l: Lang = lang()): string {
  if (!obj) return "";
  const vi = obj.name_vi ?? "";
  const en = obj.name_en ?? "";
  return (l === "vi" ? vi || en : en || vi) || "";
}

const sites = new Map<string, Promise<Site | null>>();

/** A published site by slug (null when there is none). */
export function siteBySlug(slug: string): Promise<Site | null> {
  let found = sites.get(slug);
  if (!found) {
    found = api<Site>(`/v1/sites/${encodeURIComponent(slug)}`)
      .then(({ data }) => data)
      .catch((err) => {
        if (err instanceof ApiProblem && err.status === 404) return null;
        sites.delete(slug); // a network blip: ask again next time
        return null;
      });
    sites.set(slug, found);
  }
  return found;
}

/** Keep a site already read (a search hit) so that its name needs no request. */
export function rememberSite(site: Site): void {
  if (!sites.has(site.slug)) sites.set(site.slug, Promise.resolve(site));
}

/** What a point is: on a site, near an attraction, in a district — or none of these. */
export interface PointPlace {
  lon: number;
  lat: number;
  /** the site the point is on (within ON_SITE_M) */
  site: Site | null;
  /** the nearest attraction within NEAR_SITE_M */
  near: Site | null;
  /** the district of the nearest attraction within AREA_M (a town or district name) */
  area: string | null;
}

const points = new Map<string, Promise<PointPlace>>();

async function nearest(lon: number, lat: number, radius: number, kind?: string): Promise<Site | null> {
  const { data } = await api<SitePage>(`/v1/sites${qs({ near: `${lon},${lat}`, radius_m: radius, kind, limit: 1 })}`);
  return data.items[0] ?? null;
}

/** Reverse lookup of a point (cached per 1e-5°). */
export function describePoint(lon: number, lat: number): Promise<PointPlace> {
  const key = `${lon.toFixed(5)},${lat.toFixed(5)}`;
  let found = points.get(key);
  if (!found) {
    found = Promise.all([nearest(lon, lat, ON_SITE_M), nearest(lon, lat, AREA_M, "attraction")])
      .then(([site, attraction]) => {
        const distance = (attraction as { distance_m?: number } | null)?.distance_m ?? Infinity;
        return {
          lon,
          lat,
          site,
          near: attraction && distance <= NEAR_SITE_M ? attraction : null,
          area: attraction?.district || null,
        };
      })
      .catch(() => {
        points.delete(key);
        return { lon, lat, site: null, near: null, area: null };
      });
    points.set(key, found);
  }
  return found;
}

/** "18.6730°B, 105.6920°Đ" / "18.6730°N, 105.6920°E". */
export function fmtCoords(lon: number, lat: number, l: Lang = lang()): string {
  return t("place.coords", l).replace("{lat}", lat.toFixed(4)).replace("{lon}", lon.toFixed(4));
}

/** A point's label for an input: the site it is on, "gần <attraction>", "gần <district>", or coordinates. */
export function pointLabel(p: PointPlace, l: Lang = lang()): string {
  if (p.site) return nameIn(p.site, l);
  if (p.near) return t("place.near", l).replace("{place}", nameIn(p.near, l));
  if (p.area) return t("place.near", l).replace("{place}", p.area);
  return fmtCoords(p.lon, p.lat, l);
}

/** A point's name for a title ("3-day trip from Vinh"): the site, else its district, else the attraction, else coordinates. */
export function pointTitleName(p: PointPlace, l: Lang = lang()): string {
  if (p.site) return nameIn(p.site, l);
  if (p.area) return p.area;
  if (p.near) return nameIn(p.near, l);
  return fmtCoords(p.lon, p.lat, l);
}

function parsePoint(value: string): [number, number] {
  const [lon, lat] = value.split(",").map((x) => Number(x.trim()));
  return [lon, lat];
}

/** The label of a place value (slug or lon,lat) in a language; other text is returned as it is. */
export async function placeLabel(value: string, l: Lang = lang()): Promise<string> {
  const v = value.trim();
  if (LONLAT_RE.test(v)) return pointLabel(await describePoint(...parsePoint(v)), l);
  if (SLUG_RE.test(v)) {
    const site = await siteBySlug(v);
    return site ? nameIn(site, l) : v;
  }
  return v;
}

/** A place of a plan (start, stop, overnight…): its id, maybe its site, names and location. */
export interface PlanPlaceLike extends Named {
  id?: string | null;
  site?: string | null;
  location?: number[] | null;
}

/** A plan place's name in a language: its own names, its site's, or its point's (as a title names it). */
export async function planPlaceName(p: PlanPlaceLike | null | undefined, l: Lang = lang(), forTitle = false): Promise<string> {
  if (!p) return "";
  if (p.name_vi || p.name_en) return nameIn(p, l);
  if (p.site) {
    const site = await siteBySlug(p.site);
    if (site) return nameIn(site, l);
  }
  if (Array.isArray(p.location) && p.location.length >= 2) {
    const point = await describePoint(Number(p.location[0]), Number(p.location[1]));
    return forTitle ? pointTitleName(point, l) : pointLabel(point, l);
  }
  return p.site ?? p.id ?? "";
}

/** The name a plan place can be shown with at once (no request): its names, else formatted coordinates. */
export function planPlaceNow(p: PlanPlaceLike | null | undefined): string {
  if (!p) return "";
  if (p.name_vi || p.name_en) return nameIn(p);
  if (Array.isArray(p.location) && p.location.length >= 2) return fmtCoords(Number(p.location[0]), Number(p.location[1]));
  return p.site ?? p.id ?? "";
}

/** A span showing a plan place's name, filled in when a lookup is needed. */
export function planPlaceSpan(p: PlanPlaceLike | null | undefined): HTMLSpanElement {
  const span = document.createElement("span");
  span.className = "place-name";
  span.textContent = planPlaceNow(p);
  if (p && !(p.name_vi || p.name_en)) {
    void planPlaceName(p).then((name) => {
      if (name) span.textContent = name;
    });
  }
  return span;
}

/** A span showing a place value's label (slug or lon,lat), filled in when known. */
export function placeSpan(value: string): HTMLSpanElement {
  const span = document.createElement("span");
  span.className = "place-name";
  span.textContent = LONLAT_RE.test(value) ? fmtCoords(...parsePoint(value)) : value;
  void placeLabel(value).then((name) => {
    if (name) span.textContent = name;
  });
  return span;
}

/** A slug made of a name ("Thành nhà Hồ" → "thanh-nha-ho"). */
export function slugify(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/g, "");
}
