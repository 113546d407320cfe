// Catalogue: published tours (/v1/tours with its filters) and a tour's page (#/tours/{slug})
// with its map and timeline.

import { api, asItinerary, qs, type Operator, type Tour, type TourPage, type TourSummary } from "../api";
import { fmtDuration, fmtKm, pick, t } from "../i18n";
import * as mapView from "../map";
import type { RouteInfo } from "../main";
import { drawItinerary, renderTimeline, totalsLine } from "../timeline";
import { CATEGORIES, debounce, h, problemBox, provinceOptions, select, VEHICLES } from "../ui";

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
    } catch (err) {
      if (my === seq) problem.show(err);
    }
  };
  const render = () => {
    count.textContent = `${items.length} ${t("cat.count")}`;
    listEl.replaceChildren(
      ...items.map((tour) =>
        h(
          "li",
          { class: "tour-card card", testid: "tour-card", "data-slug": tour.slug },
          h("a", { href: `#/tours/${encodeURIComponent(tour.slug)}`, class: "tour-link" }, h("h3", {}, pick(tour, "title"))),
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
  mapView.resetView();
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
