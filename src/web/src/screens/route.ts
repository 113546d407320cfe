// Route: from/to/via (slug, lon,lat, search or map click), vehicle, preference, avoid;
// GET /v1/routes with alternatives; the routes on the map; summary and breakdowns.

import { api, qs, type RouteAnswer, type RouteBreakdown, type RouteOption } from "../api";
import { directionsCard } from "../directions";
import { fmtDuration, fmtKm, pick, t } from "../i18n";
import * as mapView from "../map";
import type { RouteInfo } from "../main";
import { placeSpan } from "../places";
import { h, placeInput, placeValues, problemBox, resolvePlace, resolvePlaces, select, setPlaces, toast, VEHICLES } from "../ui";

const COLOURS = { best: "#2563eb", alt: ["#f97316", "#a855f7", "#0d9488"] };
let cleanup: (() => void) | null = null;

export function mount(panel: HTMLElement, r: RouteInfo): void {
  const from = placeInput("route-from");
  const to = placeInput("route-to");
  const via = placeInput("route-via", { placeholder: "route.ph", several: true });
  const vehicle = select("route-vehicle", VEHICLES.map((v) => [v, `veh.${v}`] as [string, string]), r.params.get("vehicle") ?? "car");
  const preference = select("route-preference", (["fastest", "shortest", "scenic"] as const).map((p) => [p, `pref.${p}`] as [string, string]), "fastest");
  const avoid = (name: string) => h("input", { type: "checkbox", testid: `route-avoid-${name}`, value: name });
  const avoidToll = avoid("toll");
  const avoidExpressway = avoid("expressway");
  const avoidUnpaved = avoid("unpaved");
  const submit = h("button", { type: "submit", class: "primary", testid: "route-submit", i18n: "route.submit" });
  const problem = problemBox();
  const result = h("div", { class: "route-result" });
  setPlaces(from.input, [r.params.get("from") ?? ""]);
  setPlaces(to.input, [r.params.get("to") ?? ""]);
  setPlaces(via.input, (r.params.get("via") ?? "").split(";"));

  let focused: HTMLInputElement = from.input;
  for (const inp of [from.input, to.input, via.input]) inp.addEventListener("focus", () => (focused = inp));

  const form = h(
    "form",
    { class: "stack", onsubmit: (ev: Event) => (ev.preventDefault(), void run()) },
    h("h2", { i18n: "route.title" }),
    h("label", { class: "field" }, h("span", { class: "label", i18n: "route.from" }), from.wrap),
    h("label", { class: "field" }, h("span", { class: "label", i18n: "route.to" }), to.wrap),
    h("label", { class: "field" }, h("span", { class: "label", i18n: "route.via" }), via.wrap),
    h("p", { class: "muted small", i18n: "route.mapclick" }),
    h(
      "div",
      { class: "row" },
      h("label", { class: "field" }, h("span", { class: "label", i18n: "route.vehicle" }), vehicle),
      h("label", { class: "field" }, h("span", { class: "label", i18n: "route.preference" }), preference),
    ),
    h(
      "fieldset",
      { class: "checks" },
      h("legend", { i18n: "route.avoid" }),
      h("label", {}, avoidToll, h("span", { i18n: "route.avoid.toll" })),
      h("label", {}, avoidExpressway, h("span", { i18n: "route.avoid.expressway" })),
      h("label", {}, avoidUnpaved, h("span", { i18n: "route.avoid.unpaved" })),
    ),
    submit,
  );
  panel.append(form, problem.el, result);

  let last: RouteAnswer | null = null;
  let selected = 0;

  const run = async () => {
    problem.clear();
    let fromV: string | null, toV: string | null;
    let viaV: string[];
    try {
      [fromV, toV, viaV] = await Promise.all([resolvePlace(from.input), resolvePlace(to.input), resolvePlaces(via.input)]);
    } catch (err) {
      problem.show(err);
      return;
    }
    if (!fromV || !toV) {
      toast(t("route.need_ends"), "error");
      return;
    }
    const avoidList = [avoidToll, avoidExpressway, avoidUnpaved].filter((c) => c.checked).map((c) => c.value);
    const query = {
      from: fromV,
      to: toV,
      via: viaV,
      vehicle: vehicle.value,
      preference: preference.value,
      avoid: avoidList.join(","),
      alternatives: 2,
      steps: true,
    };
    history.replaceState(null, "", `#/route${qs({ from: fromV, to: toV, via: viaV.join(";"), vehicle: vehicle.value })}`);
    submit.disabled = true;
    result.replaceChildren(h("p", { class: "muted", i18n: "common.loading" }));
    try {
      const { data } = await api<RouteAnswer>(`/v1/routes${qs(query)}`);
      last = data;
      selected = 0;
      render();
      const coords = data.routes.flatMap(lineOf);
      mapView.fitTo(coords);
      // Opened from a link, the route may come before the map has its layers: draw it again then.
      // Only the map is drawn again: the panel stays as it is (a reader may be in it).
      if (!mapView.map?.getSource("overlay-lines")) void mapView.ready.then(() => last === data && (drawLines(), mapView.fitTo(coords)));
    } catch (err) {
      last = null;
      result.replaceChildren();
      mapView.clearOverlays();
      problem.show(err);
    } finally {
      submit.disabled = false;
    }
  };

  const colour = (i: number) => (i === 0 ? COLOURS.best : COLOURS.alt[(i - 1) % COLOURS.alt.length]);

  /** The routes on the map, the selected one on top, with its A and B pins. */
  const drawLines = () => {
    if (!last) return;
    const routes = last.routes;
    mapView.clearOverlays();
    mapView.setLines(
      routes
        .map((rt, i) => ({ coordinates: lineOf(rt), color: colour(i), width: i === selected ? 6 : 4, opacity: i === selected ? 1 : 0.55, i }))
        .sort((a, b) => (a.i === selected ? 1 : b.i === selected ? -1 : 0)),
    );
    const line = lineOf(routes[selected]);
    const first = line[0];
    const lastC = line[line.length - 1];
    if (first) mapView.addMarker(first, { html: "A", className: "pin pin-a" });
    if (lastC) mapView.addMarker(lastC, { html: "B", className: "pin pin-b" });
  };

  const render = () => {
    if (!last) return;
    const routes = last.routes;
    const best = routes[selected];
    drawLines();

    const bd = best.breakdown;
    const row = (group: string, key: string, label: string, m: number) =>
      h(
        "tr",
        { testid: "breakdown-row", "data-group": group, "data-key": key, "data-distance-m": m },
        h("td", {}, label),
        h("td", { class: "num" }, fmtKm(m)),
        h("td", { class: "bar" }, h("span", { style: `width:${Math.max(2, Math.round((100 * m) / best.distance_m))}%` })),
      );
    result.replaceChildren(
      h(
        "div",
        { class: "card route-summary", testid: "route-summary", "data-distance-m": best.distance_m, "data-duration-s": best.duration_s, "data-label": best.label },
        h("div", { class: "big" }, h("span", {}, fmtKm(best.distance_m)), " · ", h("span", {}, fmtDuration(best.duration_s))),
        h("div", { class: "muted small" }, `${t(`veh.${last.vehicle}`)} · ${t(`pref.${last.preference}`)}${best.avoided?.length ? ` · ${t("route.avoiding")} ${best.avoided.map(mapView.corridorName).join(", ")}` : ""}`),
        best.legs.length > 1
          ? h("ol", { class: "legs small" }, ...best.legs.map((l) => h("li", {}, placeSpan(l.from), " → ", placeSpan(l.to), `: ${fmtKm(l.distance_m)}, ${fmtDuration(l.duration_s)}`)))
          : null,
      ),
      h(
        "ul",
        { class: "alternatives" },
        ...routes.map((rt, i) =>
          h(
            "li",
            {
              testid: "route-alternative",
              class: i === selected ? "alt active" : "alt",
              "data-index": i,
              "data-label": rt.label,
              "data-distance-m": rt.distance_m,
              "data-duration-s": rt.duration_s,
              tabindex: 0,
              onclick: () => {
                selected = i;
                render();
              },
            },
            h("span", { class: "swatch line", style: `background:${colour(i)}` }),
            h("span", { class: "alt-label" }, i === 0 ? t("route.best") : `${t("route.avoiding")} ${rt.avoided.map(mapView.corridorName).join(", ")}`),
            h("span", { class: "alt-meta" }, `${fmtKm(rt.distance_m)} · ${fmtDuration(rt.duration_s)}`),
          ),
        ),
      ),
      h(
        "div",
        { class: "card breakdown", testid: "route-breakdown" },
        h("h3", { i18n: "route.breakdown" }),
        summaryList(bd),
        h(
          "table",
          {},
          h("tbody", {}, h("tr", { class: "group" }, h("th", { colspan: 3, i18n: "route.by_road" }))),
          h("tbody", {}, ...bd.by_ref.map((x) => row("road", x.ref ?? "", x.ref ?? t("common.unknown_road"), x.distance_m))),
          h("tbody", {}, h("tr", { class: "group" }, h("th", { colspan: 3, i18n: "route.by_corridor" }))),
          h(
            "tbody",
            {},
            ...bd.by_corridor.map((x) => {
              const tr = row("corridor", x.corridor, mapView.corridorName(x.corridor) || x.name, x.distance_m);
              tr.firstElementChild!.prepend(h("span", { class: "swatch line", style: `background:${mapView.corridorColour(x.corridor)}` }));
              return tr;
            }),
          ),
          h("tbody", {}, h("tr", { class: "group" }, h("th", { colspan: 3, i18n: "route.by_province" }))),
          h("tbody", {}, ...bd.by_province.map((x) => row("province", x.province, provinceName(x.province, x.name), x.distance_m))),
        ),
      ),
      directionsCard(best),
    );
  };

  // A click on the map or on a site fills the focused input (via: adds a place); it shows the place's name.
  const put = (value: string) => {
    const target = focused === from.input || focused === to.input || focused === via.input ? focused : from.input;
    setPlaces(target, target === via.input ? [...placeValues(via.input), value] : [value]);
    if (target === from.input && !to.input.value) focused = to.input;
  };
  mapView.onMapClick((lon, lat) => put(`${lon},${lat}`));
  mapView.onSiteClick((slug) => put(slug));
  const onLang = () => render();
  window.addEventListener("langchange", onLang);
  cleanup = () => window.removeEventListener("langchange", onLang);

  if (from.input.value && to.input.value) void run();
  else (from.input.value ? to.input : from.input).focus();
}

/** A route's line: GeoJSON, unless a polyline was asked for (this screen never does). */
function lineOf(rt: RouteOption): [number, number][] {
  return typeof rt.geometry === "string" ? [] : rt.geometry.coordinates;
}

/** "78 km on the expressway in Nghệ An", in the UI language, from by_corridor_and_province. */
function summaryList(bd: RouteBreakdown): HTMLElement | null {
  const rows = (bd.by_corridor_and_province ?? []).filter((x) => x.distance_m >= 1000).slice(0, 6);
  if (!rows.length) return null;
  const vi = document.documentElement.lang === "vi";
  return h(
    "ul",
    { class: "summary small" },
    ...rows.map((x) => {
      const km = `${Math.round(x.distance_m / 1000)} km`;
      const corridor = mapView.corridorName(x.corridor);
      const province = provinceName(x.province, x.province);
      return h("li", {}, vi ? `${km} trên ${corridor} ở ${province}` : `${km} on ${corridor} in ${province}`);
    }),
  );
}

function provinceName(code: string, fallback: string): string {
  const names: Record<string, { name_vi: string; name_en: string }> = {
    "VN-21": { name_vi: "Thanh Hóa", name_en: "Thanh Hoa" },
    "VN-22": { name_vi: "Nghệ An", name_en: "Nghe An" },
    "VN-23": { name_vi: "Hà Tĩnh", name_en: "Ha Tinh" },
  };
  return names[code] ? pick(names[code]) : fallback || code;
}

export function unmount(): void {
  cleanup?.();
  cleanup = null;
}
