// Explore: the sites on the map, accent-insensitive search, filters, a layer toggle
// (attractions / places to stay / fuel / meals) with a "type of stay" filter, a site panel.

import { api, qs, type Site, type SitePage } from "../api";
import { symbolImg, symbolOf } from "../icons";
import { pick, t } from "../i18n";
import * as mapView from "../map";
import type { RouteInfo } from "../main";
import { CATEGORIES, debounce, h, KINDS, Layer, LAYERS, layerOf, problemBox, provinceOptions, select, STAY_TYPES, ticketText } from "../ui";

const LAYER_SYMBOL = { attractions: null, stay: "stay", fuel: "fuel", meal: "meal" } as const;
const LIST_LIMIT = 100;
/** The list is sorted on the client over every site matching (one query per kind: ≤ 500 a page). */
const QUERY_LIMIT = 500;
const MAX_PAGES = 10;
export type SortOrder = "interest" | "name";
/** Vietnamese collation for names (Đ after D, Ă and Â after A), whatever the console's language. */
const collator = new Intl.Collator("vi", { sensitivity: "base", numeric: true });

/** The list's order: by interest (highest first, then by name) or by name alone. */
export function sortSites<T extends { slug: string; interest_score?: number | null }>(items: T[], order: SortOrder, name: (s: T) => string): T[] {
  const byName = (a: T, b: T) => collator.compare(name(a), name(b)) || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
  const interest = (s: T) => (typeof s.interest_score === "number" ? s.interest_score : -1);
  return [...items].sort(order === "name" ? byName : (a, b) => interest(b) - interest(a) || byName(a, b));
}

/** Every page of one /v1/sites query. */
async function allPages(query: Record<string, string | number>): Promise<Site[]> {
  const items: Site[] = [];
  let url: string | null = `/v1/sites${qs({ ...query, limit: QUERY_LIMIT })}`;
  for (let n = 0; url && n < MAX_PAGES; n++) {
    const answer: SitePage = (await api<SitePage>(url)).data;
    items.push(...answer.items);
    const next: URL | null = answer.next ? new URL(answer.next, location.href) : null;
    url = next ? next.pathname + next.search : null;
  }
  return items;
}

/**
 * The /v1/sites queries that list what the layer toggle shows (kind × type); each is read
 * whole and the list sorts them together (sortSites).
 */
function layerQueries(kind: string): Record<string, string>[] {
  const on = mapView.layers.visible;
  const stayType = mapView.layers.stayType;
  const out: Record<string, string>[] = [];
  if (on.has("attractions")) out.push({ kind: "attraction" });
  if (on.has("stay")) {
    if (stayType === "camp_site") out.push({ kind: "campsite" });
    else if (stayType) out.push({ kind: "lodging", type: stayType });
    else out.push({ kind: "lodging" }, { kind: "campsite" });
  }
  if (on.has("fuel") && on.has("meal")) out.push({ kind: "service" });
  else if (on.has("fuel")) out.push({ kind: "service", type: "fuel" });
  else if (on.has("meal")) out.push({ kind: "service", type: "meal" });
  return kind ? out.filter((q) => q.kind === kind) : out;
}

let cleanup: (() => void) | null = null;
const state: { q: string; province: string; category: string; kind: string; slug: string; sort: SortOrder } = {
  q: "",
  province: "",
  category: "",
  kind: "",
  slug: "",
  sort: "interest",
};

export function mount(panel: HTMLElement, r: RouteInfo): void {
  const search = h("input", { type: "search", testid: "search-input", class: "search", i18nPh: "explore.search", value: state.q, autocomplete: "off" });
  const province = select("filter-province", provinceOptions("common.any"), state.province);
  const category = select("filter-category", [["", "common.any"], ...CATEGORIES.map((c) => [c, `cat.${c}`] as [string, string])], state.category);
  const kind = select("filter-kind", [["", "common.any"], ...KINDS.map((k) => [k, `kind.${k}`] as [string, string])], state.kind);
  const sort = select(
    "explore-sort",
    [
      ["interest", "explore.sort.interest"],
      ["name", "explore.sort.name"],
    ],
    state.sort,
  );
  const stayType = select("filter-type", [["", "common.any"], ...STAY_TYPES.map((k) => [k, `type.${k}`] as [string, string])], mapView.layers.stayType);
  const layerBoxes = LAYERS.map((l) =>
    h("input", { type: "checkbox", testid: `layer-${l}`, value: l, checked: mapView.layers.visible.has(l) }),
  );
  const layerCounts = LAYERS.map((l) => h("span", { class: "layer-count muted", "data-layer": l }));
  const layerToggle = h(
    "fieldset",
    { class: "checks layers", testid: "layer-toggle" },
    h("legend", { i18n: "explore.layers" }),
    ...LAYERS.map((l, i) => {
      const sym = LAYER_SYMBOL[l];
      return h(
        "label",
        { "data-layer": l },
        layerBoxes[i],
        sym ? symbolImg(sym, 16) : h("span", { class: "swatch dot attraction-dot" }),
        h("span", { i18n: `layer.${l}` }),
        layerCounts[i],
      );
    }),
  );
  // "<n> sites on the map": what the map shows (the list stops at 100).
  const showCounts = () => {
    count.replaceChildren(h("span", { testid: "map-site-count", "data-count": mapView.sitesOnMap() }, String(mapView.sitesOnMap())), " ", h("span", { i18n: "explore.count" }));
    LAYERS.forEach((l, i) => {
      layerCounts[i].textContent = `(${mapView.layerCounts[l]})`;
      layerCounts[i].dataset.count = String(mapView.layerCounts[l]);
    });
  };
  // Until the first answer arrives the list says it is loading (not "no results").
  const results = h("ul", { class: "results", testid: "search-results", "aria-busy": "true" }, h("li", { class: "empty loading", i18n: "common.loading" }));
  const count = h("div", { class: "muted small" });
  const problem = problemBox();
  const sitePanel = h("div", { class: "site-panel-slot" });

  panel.append(
    h("h2", { i18n: "explore.title" }),
    search,
    h(
      "div",
      { class: "filters" },
      h("label", { class: "field" }, h("span", { class: "label", i18n: "explore.province" }), province),
      h("label", { class: "field" }, h("span", { class: "label", i18n: "explore.category" }), category),
      h("label", { class: "field" }, h("span", { class: "label", i18n: "explore.kind" }), kind),
      h("label", { class: "field" }, h("span", { class: "label", i18n: "explore.stay_type" }), stayType),
      h("label", { class: "field" }, h("span", { class: "label", i18n: "explore.sort" }), sort),
    ),
    layerToggle,
    problem.el,
    sitePanel,
    count,
    results,
  );

  let seq = 0;
  let loaded = false; // the first answer arrived
  const refresh = async () => {
    const my = ++seq;
    problem.clear();
    const params = { province: state.province, category: state.category, kind: state.kind, q: state.q };
    // The map follows the filters on its own: the list does not wait for the map to load.
    mapView.filterSites(Object.fromEntries(Object.entries(params).filter(([, v]) => v))).catch((err) => {
      if (my === seq) problem.show(err);
    });
    try {
      // The list follows the layer toggle: one query per kind (and type) shown, merged.
      const base = { province: state.province, category: state.category, q: state.q };
      const queries = layerQueries(state.kind);
      const answers = await Promise.all(queries.map((extra) => allPages({ ...base, ...extra })));
      if (my !== seq) return;
      const items = answers.flat().filter((s) => mapView.siteShown(s.kind, s.subtype));
      loaded = true;
      results.removeAttribute("aria-busy");
      renderResults(items);
      showCounts();
    } catch (err) {
      if (my === seq) {
        problem.show(err);
        if (!loaded) results.replaceChildren();
        results.removeAttribute("aria-busy");
      }
    }
  };
  let lastItems: Site[] = [];
  const renderResults = (items: Site[]) => {
    if (!loaded) return; // still the loading message (e.g. the language changed meanwhile)
    lastItems = items;
    // Sorted over every site matching, then cut: the first 100 in the chosen order.
    const shown = sortSites(items, state.sort, (s) => pick(s)).slice(0, LIST_LIMIT);
    results.dataset.sort = state.sort;
    results.replaceChildren(
      ...shown.map((s) =>
        h(
          "li",
          {
            testid: "search-result",
            "data-slug": s.slug,
            "data-kind": s.kind,
            "data-type": s.subtype ?? "",
            "data-layer": layerOf(s.kind, s.subtype),
            "data-interest": s.interest_score ?? "",
            class: s.slug === state.slug ? "result active" : "result",
            tabindex: 0,
            onclick: () => openSite(s.slug, true),
            onkeydown: (ev: KeyboardEvent) => ev.key === "Enter" && openSite(s.slug, true),
          },
          resultSymbol(s),
          h("span", { class: "r-name" }, pick(s), s.name_generated ? h("span", { class: "generated muted" }, ` ${t("site.generated_name")}`) : null),
          h("span", { class: "r-meta" }, `${typeLabel(s)} · ${pick(s.province)}`),
        ),
      ),
    );
    if (!shown.length) results.append(h("li", { class: "empty", i18n: "common.no_results" }));
  };

  const openSite = async (slug: string, fly: boolean) => {
    state.slug = slug;
    results.querySelectorAll("li").forEach((li) => li.classList.toggle("active", li.dataset.slug === slug));
    try {
      const { data: s } = await api<Site>(`/v1/sites/${encodeURIComponent(slug)}`);
      if (state.slug !== slug) return;
      renderSite(s);
      mapView.clearOverlays();
      mapView.addMarker(s.location.coordinates, { color: "#e11d48" });
      if (fly) mapView.flyTo(s.location.coordinates, 11);
      if (location.hash.replace(/\?.*/, "") !== "#/explore" || new URLSearchParams(location.hash.split("?")[1]).get("site") !== slug) {
        history.replaceState(null, "", `#/explore?site=${encodeURIComponent(slug)}`);
      }
    } catch (err) {
      problem.show(err);
    }
  };
  let shownSite: Site | null = null;
  const renderSite = (s: Site) => {
    shownSite = s;
    const hours = s.opening_hours || t("site.hours_unknown");
    sitePanel.replaceChildren(
      h(
        "article",
        { class: "card site-panel", testid: "site-panel", "data-slug": s.slug },
        h("button", { type: "button", class: "close", "aria-label": t("common.close"), onclick: () => closeSite() }, "×"),
        h("h3", { testid: "site-name-vi", lang: "vi", class: lang_is("vi") ? "primary-name" : "secondary-name" }, s.name_vi),
        h("div", { testid: "site-name-en", lang: "en", class: lang_is("en") ? "primary-name" : "secondary-name" }, s.name_en),
        s.name_generated
          ? h("div", { class: "generated-name small muted", testid: "site-name-generated", title: t("site.generated_name_title") }, t("site.generated_name"))
          : null,
        h(
          "div",
          { class: "chips" },
          h("span", { class: "chip" }, t(`kind.${s.kind}`)),
          subtypeOf(s) ? h("span", { class: "chip", testid: "site-type", "data-type": subtypeOf(s) }, t(`type.${subtypeOf(s)}`)) : null,
          ...s.categories.map((c) => h("span", { class: "chip", style: `border-color:${mapView.CATEGORY_COLOURS[c]}` }, t(`cat.${c}`))),
          h("span", { class: "chip" }, `${pick(s.province)}${s.district ? ` · ${s.district}` : ""}`),
        ),
        h("p", { class: "desc" }, pick(s, "description")),
        h(
          "dl",
          { class: "facts" },
          h("dt", { i18n: "site.hours" }),
          h("dd", { testid: "site-hours" }, hours),
          h("dt", { i18n: "site.visit" }),
          h("dd", { testid: "site-visit-duration", "data-minutes": s.visit_duration_min }, `${s.visit_duration_min} ${t("common.min")}`),
          h("dt", { i18n: "site.ticket" }),
          h("dd", { testid: "site-ticket", "data-price": s.ticket_price_vnd ?? "" }, ticketText(s.ticket_price_vnd)),
          s.licence ? h("dt", { i18n: "site.licence" }) : null,
          s.licence ? h("dd", { testid: "site-licence" }, s.licence) : null,
        ),
        s.attribution ? h("p", { class: "attribution small", testid: "site-attribution" }, `${t("site.attribution")}: ${s.attribution}`) : null,
        h(
          "div",
          { class: "actions" },
          h("a", { class: "button", testid: "plan-from", href: `#/route?from=${encodeURIComponent(s.slug)}`, role: "button", i18n: "site.plan_from" }),
          h("a", { class: "button", testid: "plan-to", href: `#/route?to=${encodeURIComponent(s.slug)}`, role: "button", i18n: "site.plan_to" }),
        ),
        h("details", { class: "source" }, h("summary", { i18n: "site.source" }), h("p", { class: "small" }, s.source)),
      ),
    );
  };
  const closeSite = () => {
    state.slug = "";
    shownSite = null;
    sitePanel.replaceChildren();
    mapView.clearOverlays();
    results.querySelectorAll("li").forEach((li) => li.classList.remove("active"));
    history.replaceState(null, "", "#/explore");
  };

  const onSearch = debounce(() => {
    state.q = search.value.trim();
    void refresh();
  }, 300);
  search.addEventListener("input", onSearch);
  search.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      state.q = search.value.trim();
      void refresh();
    }
  });
  for (const [el, key] of [
    [province, "province"],
    [category, "category"],
    [kind, "kind"],
  ] as const) {
    el.addEventListener("change", () => {
      state[key] = el.value;
      void refresh();
    });
  }
  // The layer toggle and the type of stay filter the loaded sites on the map (no refetch)
  // and the list (refetched: it is limited to 100).
  const onLayers = () => {
    const visible = LAYERS.filter((_, i) => layerBoxes[i].checked);
    // Picking a type of stay shows the places to stay.
    if (stayType.value && !visible.includes("stay")) {
      visible.push("stay");
      layerBoxes[LAYERS.indexOf("stay")].checked = true;
    }
    mapView.setLayers(visible as Layer[], stayType.value);
    void refresh();
  };
  layerBoxes.forEach((b) => b.addEventListener("change", onLayers));
  // The order is the user's choice; no refetch (the list holds every site matching).
  sort.addEventListener("change", () => {
    state.sort = sort.value === "name" ? "name" : "interest";
    renderResults(lastItems);
  });
  stayType.addEventListener("change", onLayers);
  const offLayers = mapView.onLayersChange(showCounts);
  showCounts();

  mapView.onSiteClick((slug) => void openSite(slug, false));
  const onLang = () => {
    renderResults(lastItems);
    if (shownSite) void openSite(shownSite.slug, false);
  };
  window.addEventListener("langchange", onLang);
  cleanup = () => {
    window.removeEventListener("langchange", onLang);
    offLayers();
  };

  void refresh();
  const initial = r.params.get("site") || state.slug;
  if (initial) void openSite(initial, true);
}

function subtypeOf(s: Site): string {
  return s.subtype ?? "";
}

function typeLabel(s: Site): string {
  const sub = subtypeOf(s);
  return sub ? t(`type.${sub}`) : t(`kind.${s.kind}`);
}

/** The list's marker: the map's symbol, or a dot in the category's colour for attractions. */
function resultSymbol(s: Site): HTMLElement {
  const sym = symbolOf(s.kind, subtypeOf(s));
  if (sym) {
    const img = symbolImg(sym, 14);
    img.classList.add("r-symbol");
    return img;
  }
  return h("span", { class: "dot", "data-symbol": "attraction", style: `background:${mapView.CATEGORY_COLOURS[s.categories?.[0]] ?? "#0f766e"}` });
}

function lang_is(l: string): boolean {
  return document.documentElement.lang === l;
}

export function unmount(): void {
  cleanup?.();
  cleanup = null;
  void mapView.filterSites({});
}
