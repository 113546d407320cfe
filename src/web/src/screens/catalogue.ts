// Catalogue: published tours (/v1/tours with its filters) and a tour's page (#/tours/{slug})
// with its map and timeline.

import { api, asItinerary, qs, type Operator, type Tour, type TourPage, type TourSummary } from "../api";
import { fmtDuration, fmtKm, pick, t } from "../i18n";
import * as mapView from "../map";
import type { RouteInfo } from "../main";
import { drawItinerary, renderTimeline, totalsLine } from "../timeline";
import { CATEGORIES, DAY_COLOURS, debounce, h, problemBox, provinceOptions, select, VEHICLES } from "../ui";

/** The catalogue map draws the routes of at most this many tours (a tour's document is ~50 KB). */
const MAX_DRAWN = 24;
/** Tour documents read for the map, by slug and version (a new version is read again). */
const documents = new Map<string, Promise<Tour | null>>();

function tourDocument(tour: TourSummary): Promise<Tour | null> {
  const key = `${tour.slug}@${tour.version}`;
  let found = documents.get(key);
  if (!found) {
    found = api<Tour>(`/v1/tours/${encodeURIComponent(tour.slug)}`)
      .then(({ data }) => data)
      .catch(() => {
        documents.delete(key);
        return null;
      });
    documents.set(key, found);
  }
  return found;
}

function tourColour(i: number): string {
  return DAY_COLOURS[i % DAY_COLOURS.length];
}

/** The line of a tour (its legs, day after day) and where it starts. */
function tourLine(tour: Tour): { coords: number[][]; start: [number, number] | null } {
  const doc = asItinerary(tour.itinerary);
  const coords: number[][] = [];
  for (const d of doc.days ?? []) {
    for (const leg of d.legs ?? []) {
      const c = leg.geometry?.coordinates;
      if (Array.isArray(c)) coords.push(...c);
    }
  }
  const first = doc.days?.[0];
  const loc = first?.start?.location ?? first?.stops?.[0]?.location ?? coords[0];
  return { coords, start: Array.isArray(loc) && loc.length >= 2 ? [Number(loc[0]), Number(loc[1])] : null };
}

let panelEl: HTMLElement | null = null;
let cleanup: (() => void) | null = null;
const filters = { q: "", province: "", theme: "", vehicle: "", days_max: "" };

export function mount(panel: HTMLElement, r: RouteInfo): void {
  panelEl = panel;
  show(r);
}

export function update(r: RouteInfo): boolean {
  show(r);
  return true;
}

function show(r: RouteInfo): void {
  const panel = panelEl!;
  cleanup?.();
  cleanup = null;
  panel.replaceChildren();
  panel.scrollTop = 0;
  mapView.clearOverlays();
  document.body.dataset.screen = r.screen;
  if (r.screen === "tours" && r.parts[0]) tourPage(panel, r.parts[0]);
  else list(panel);
}

function list(panel: HTMLElement): void {
  const q = h("input", { type: "search", testid: "tour-filter-q", i18nPh: "cat.q", value: filters.q, autocomplete: "off" });
  const province = select("tour-filter-province", provinceOptions(), filters.province);
  const theme = select("tour-filter-theme", [["", "common.any"], ...CATEGORIES.map((c) => [c, `cat.${c}`] as [string, string])], filters.theme);
  const vehicle = select("tour-filter-vehicle", [["", "common.any"], ...VEHICLES.map((v) => [v, `veh.${v}`] as [string, string])], filters.vehicle);
  const daysMax = h("input", { type: "number", testid: "tour-filter-days-max", min: 1, max: 14, value: filters.days_max, placeholder: "≤" });
  const listEl = h("ul", { class: "tour-list", testid: "tour-list" });
  const count = h("div", { class: "muted small" });
  const problem = problemBox();
  panel.append(
    h("h2", { i18n: "cat.title" }),
    q,
    h(
      "div",
      { class: "filters" },
      h("label", { class: "field" }, h("span", { class: "label", i18n: "explore.province" }), province),
      h("label", { class: "field" }, h("span", { class: "label", i18n: "cat.theme" }), theme),
      h("label", { class: "field" }, h("span", { class: "label", i18n: "route.vehicle" }), vehicle),
      h("label", { class: "field narrow" }, h("span", { class: "label", i18n: "compose.days" }), daysMax),
    ),
    problem.el,
    count,
    listEl,
  );
  let items: TourSummary[] = [];
  let seq = 0;
  const load = async () => {
    const my = ++seq;
    problem.clear();
    try {
      const { data } = await api<TourPage>(`/v1/tours${qs({ ...filters, limit: 100 })}`);
      if (my !== seq) return;
      items = data.items;
      render();
      void drawTours(my);
    } catch (err) {
      if (my === seq) problem.show(err);
    }
  };
  // The tours listed, on the map: each route in its colour, its start numbered as its card.
  let drawn: { slug: string; coords: number[][]; colour: string }[] = [];
  const paint = (highlight: string | null) =>
    mapView.setLines(
      drawn
        .map((d) => ({
          coordinates: d.coords,
          color: d.colour,
          id: d.slug,
          width: highlight === d.slug ? 6 : 4,
          opacity: highlight && highlight !== d.slug ? 0.35 : 0.9,
        }))
        // the highlighted route on top
        .sort((a, b) => (a.id === highlight ? 1 : b.id === highlight ? -1 : 0)),
    );
  const drawTours = async (my: number) => {
    const shown = items.slice(0, MAX_DRAWN);
    const tours = await Promise.all(shown.map(tourDocument));
    await mapView.ready;
    if (my !== seq) return;
    mapView.clearOverlays();
    drawn = [];
    const all: number[][] = [];
    tours.forEach((tour, i) => {
      if (!tour) return;
      const { coords, start } = tourLine(tour);
      const colour = tourColour(i);
      if (coords.length) drawn.push({ slug: tour.slug, coords, colour });
      all.push(...coords);
      if (start) {
        all.push(start);
        const marker = mapView.addMarker(start, { html: String(i + 1), className: "tour-start-marker", color: colour, title: pick(tour, "title") });
        const el = marker?.getElement();
        if (el) {
          el.dataset.testid = "catalogue-tour-start";
          el.dataset.slug = tour.slug;
          el.style.cursor = "pointer";
          el.addEventListener("click", () => (location.hash = `#/tours/${encodeURIComponent(tour.slug)}`));
        }
      }
    });
    paint(null);
    listEl.dataset.onMap = drawn.map((d) => d.slug).join(",");
    if (all.length) mapView.fitTo(all, 10);
    else mapView.resetView();
  };
  const render = () => {
    count.textContent = `${items.length} ${t("cat.count")}`;
    listEl.replaceChildren(
      ...items.map((tour, i) =>
        h(
          "li",
          {
            class: "tour-card card",
            testid: "tour-card",
            "data-slug": tour.slug,
            onmouseenter: () => paint(tour.slug),
            onmouseleave: () => paint(null),
          },
          h(
            "a",
            { href: `#/tours/${encodeURIComponent(tour.slug)}`, class: "tour-link" },
            h("h3", {}, i < MAX_DRAWN ? h("span", { class: "tour-num", style: `background:${tourColour(i)}` }, String(i + 1)) : null, pick(tour, "title")),
          ),
          h("p", { class: "small" }, pick(tour, "summary")),
          h(
            "div",
            { class: "chips" },
            h("span", { class: "chip" }, `${tour.duration_days} ${t("cat.days")}`),
            h("span", { class: "chip", "data-vehicle": tour.vehicle }, vehicleLabel(tour)),
            h("span", { class: "chip" }, fmtKm(totalDistance(tour))),
            ...tour.themes.map((c) => h("span", { class: "chip", style: `border-color:${mapView.CATEGORY_COLOURS[c]}` }, t(`cat.${c}`))),
          ),
          h("div", { class: "muted small" }, `${t("cat.operator")}: ${operatorName(tour.operator)} · ${tour.provinces.join(", ")}`),
        ),
      ),
    );
    if (!items.length) listEl.append(h("li", { class: "empty", i18n: "common.no_results" }));
  };
  const reload = debounce(() => void load(), 300);
  q.addEventListener("input", () => {
    filters.q = q.value.trim();
    reload();
  });
  for (const [el, key] of [
    [province, "province"],
    [theme, "theme"],
    [vehicle, "vehicle"],
    [daysMax, "days_max"],
  ] as const) {
    el.addEventListener("change", () => {
      filters[key] = el.value;
      void load();
    });
  }
  const onLang = () => render();
  window.addEventListener("langchange", onLang);
  cleanup = () => window.removeEventListener("langchange", onLang);
  void load();
}

/** A tour's distance: its `totals` are a free-form object in the API's schema. */
function totalDistance(tour: TourSummary): number {
  const m = tour.totals.distance_m;
  return typeof m === "number" ? m : 0;
}

/** The tour's vehicle; a convoy (or a tour saved when "caravan" still named it) is a self-drive caravan. */
function vehicleLabel(tour: TourSummary | Tour): string {
  const convoy = "itinerary" in tour ? asItinerary(tour.itinerary).convoy : null;
  // Before 2026-12 "caravan" named the motorhome profile: older tours may still say so.
  if (convoy || (tour.vehicle as string) === "caravan") return t("veh.convoy");
  return t(`veh.${tour.vehicle}`);
}

function operatorName(op: Operator | null | undefined): string {
  if (!op) return "";
  if (op.kind === "agency") return op.agency?.name ?? op.agency?.slug ?? "";
  return pick(op.province);
}

function tourPage(panel: HTMLElement, slug: string): void {
  const problem = problemBox();
  const body = h("div", { class: "tour-page", testid: "tour-page", "data-slug": slug }, h("p", { class: "muted", i18n: "common.loading" }));
  panel.append(h("a", { href: "#/catalogue", class: "back", i18n: "cat.back" }), problem.el, body);
  let tour: Tour | null = null;
  const render = () => {
    if (!tour) return;
    const price = tour.price?.min_vnd != null ? `${tour.price.min_vnd.toLocaleString("vi-VN")}–${(tour.price.max_vnd ?? tour.price.min_vnd).toLocaleString("vi-VN")} ₫` : t("cat.price_unknown");
    const links = tour.links;
    const doc = asItinerary(tour.itinerary);
    body.replaceChildren(
      h("h2", { testid: "tour-title" }, pick(tour, "title")),
      h("p", {}, pick(tour, "summary")),
      h(
        "div",
        { class: "chips" },
        h("span", { class: "chip" }, `${tour.duration_days} ${t("cat.days")}`),
        h("span", { class: "chip", "data-vehicle": tour.vehicle }, vehicleLabel(tour)),
        h("span", { class: "chip" }, `${t("cat.price")}: ${price}`),
        ...tour.themes.map((c) => h("span", { class: "chip" }, t(`cat.${c}`))),
      ),
      h("div", { class: "muted small" }, `${t("cat.operator")}: ${operatorName(tour.operator)} · ${tour.start_date} · v${tour.version}`),
      totalsLine(doc),
      renderTimeline(doc),
      h(
        "div",
        { class: "exports" },
        h("strong", { i18n: "compose.exports" }),
        h("a", { testid: "export-gpx", href: links.gpx, download: `${tour.slug}.gpx` }, "GPX"),
        h("a", { testid: "export-ics", href: links.ics, download: `${tour.slug}.ics` }, "iCalendar"),
        h("a", { testid: "export-geojson", href: links.geojson, download: `${tour.slug}.geojson` }, "GeoJSON"),
        h("a", { testid: "export-jsonld", href: links.jsonld }, "JSON-LD"),
      ),
      h("p", {}, h("a", { class: "button", href: `#/compose?tour=${encodeURIComponent(tour.slug)}`, i18n: "cat.compose_from" })),
    );
    void fmtDuration;
  };
  void api<Tour>(`/v1/tours/${encodeURIComponent(slug)}`)
    .then(({ data }) => {
      tour = data;
      render();
      void mapView.ready.then(() => drawItinerary(asItinerary(data.itinerary)));
    })
    .catch((err) => {
      body.replaceChildren();
      problem.show(err);
    });
  const onLang = () => render();
  window.addEventListener("langchange", onLang);
  cleanup = () => window.removeEventListener("langchange", onLang);
}

export function unmount(): void {
  cleanup?.();
  cleanup = null;
}
