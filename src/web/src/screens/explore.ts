// Explore: the sites on the map, accent-insensitive search, filters, a site panel.

import { api, qs } from "../api";
import { pick, t } from "../i18n";
import * as mapView from "../map";
import type { RouteInfo } from "../main";
import { CATEGORIES, debounce, h, KINDS, problemBox, provinceOptions, select } from "../ui";

let cleanup: (() => void) | null = null;
const state = { q: "", province: "", category: "", kind: "", slug: "" };

export function mount(panel: HTMLElement, r: RouteInfo): void {
  const search = h("input", { type: "search", testid: "search-input", class: "search", i18nPh: "explore.search", value: state.q, autocomplete: "off" });
  const province = select("filter-province", provinceOptions("common.any"), state.province);
  const category = select("filter-category", [["", "common.any"], ...CATEGORIES.map((c) => [c, `cat.${c}`] as [string, string])], state.category);
  const kind = select("filter-kind", [["", "common.any"], ...KINDS.map((k) => [k, `kind.${k}`] as [string, string])], state.kind);
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
    ),
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
      const list = await api(`/v1/sites${qs({ ...params, limit: 100 })}`);
      if (my !== seq) return;
      loaded = true;
      results.removeAttribute("aria-busy");
      renderResults(list.data.items);
      count.replaceChildren(`${list.data.items.length} `, h("span", { i18n: "explore.count" }));
    } catch (err) {
      if (my === seq) {
        problem.show(err);
        if (!loaded) results.replaceChildren();
        results.removeAttribute("aria-busy");
      }
    }
  };
  let lastItems: any[] = [];
  const renderResults = (items: any[]) => {
    if (!loaded) return; // still the loading message (e.g. the language changed meanwhile)
    lastItems = items;
    results.replaceChildren(
      ...items.map((s) =>
        h(
          "li",
          {
            testid: "search-result",
            "data-slug": s.slug,
            class: s.slug === state.slug ? "result active" : "result",
            tabindex: 0,
            onclick: () => openSite(s.slug, true),
            onkeydown: (ev: KeyboardEvent) => ev.key === "Enter" && openSite(s.slug, true),
          },
          h("span", { class: "dot", style: `background:${mapView.CATEGORY_COLOURS[s.categories?.[0]] ?? "#0f766e"}` }),
          h("span", { class: "r-name" }, pick(s)),
          h("span", { class: "r-meta" }, `${t(`kind.${s.kind}`)} · ${pick(s.province)}`),
        ),
      ),
    );
    if (!items.length) results.append(h("li", { class: "empty", i18n: "common.no_results" }));
  };

  const openSite = async (slug: string, fly: boolean) => {
    state.slug = slug;
    results.querySelectorAll("li").forEach((li) => li.classList.toggle("active", li.dataset.slug === slug));
    try {
      const { data: s } = await api(`/v1/sites/${encodeURIComponent(slug)}`);
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
  let shownSite: any = null;
  const renderSite = (s: any) => {
    shownSite = s;
    const hours = s.opening_hours || t("site.hours_unknown");
    sitePanel.replaceChildren(
      h(
        "article",
        { class: "card site-panel", testid: "site-panel", "data-slug": s.slug },
        h("button", { type: "button", class: "close", "aria-label": t("common.close"), onclick: () => closeSite() }, "×"),
        h("h3", { testid: "site-name-vi", lang: "vi", class: lang_is("vi") ? "primary-name" : "secondary-name" }, s.name_vi),
        h("div", { testid: "site-name-en", lang: "en", class: lang_is("en") ? "primary-name" : "secondary-name" }, s.name_en),
        h(
          "div",
          { class: "chips" },
          h("span", { class: "chip" }, t(`kind.${s.kind}`)),
          ...s.categories.map((c: string) => h("span", { class: "chip", style: `border-color:${mapView.CATEGORY_COLOURS[c]}` }, t(`cat.${c}`))),
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
          h("dd", {}, s.ticket_price_vnd ? `${s.ticket_price_vnd.toLocaleString("vi-VN")} ₫` : t("site.free")),
        ),
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
      (state as any)[key] = el.value;
      void refresh();
    });
  }

  mapView.onSiteClick((slug) => void openSite(slug, false));
  const onLang = () => {
    renderResults(lastItems);
    if (shownSite) void openSite(shownSite.slug, false);
  };
  window.addEventListener("langchange", onLang);
  cleanup = () => window.removeEventListener("langchange", onLang);

  void refresh();
  const initial = r.params.get("site") || state.slug;
  if (initial) void openSite(initial, true);
}

function lang_is(l: string): boolean {
  return document.documentElement.lang === l;
}

export function unmount(): void {
  cleanup?.();
  cleanup = null;
  void mapView.filterSites({});
}
