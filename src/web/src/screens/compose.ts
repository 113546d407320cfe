// Compose: the itinerary form → POST /v1/itineraries; the day-by-day timeline and the map;
// exports; "save as tour" (POST /v1/tours from_itinerary) when signed in as agency/curator.
// A self-drive caravan is a convoy of cars (and motorbikes): `vehicle: car` + `convoy`;
// lunch and dinner are optional `meals` windows. The plan's breaks show in the timeline.

import {
  api,
  asItinerary,
  whoami,
  type Convoy,
  type Itinerary,
  type ItineraryRequest,
  type Meals,
  type Tour,
  type TourCreate,
  type TourPage,
  type TourSummary,
  type Vehicle,
  type Whoami,
} from "../api";
import { pick, t } from "../i18n";
import * as mapView from "../map";
import type { RouteInfo } from "../main";
import { drawItinerary, renderTimeline, totalsLine } from "../timeline";
import { planPlaceName, slugify } from "../places";
import { CATEGORIES, fill, h, PROVINCES, placeInput, placeValues, problemBox, resolvePlace, resolvePlaces, select, setPlaces, toast, VEHICLES } from "../ui";

let cleanup: (() => void) | null = null;
let lastDoc: Itinerary | null = null;
let lastForm: Record<string, string | boolean> | null = null;

export const MEALS = {
  lunch: { earliest: "11:00", latest: "13:30", duration_min: 60 },
  dinner: { earliest: "18:00", latest: "20:30", duration_min: 60 },
};
const DEFAULT_CARS = 4;

/** yyyy-mm-dd of a local date (toISOString would give the UTC date: a day early at night). */
function isoDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function today(): Date {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d;
}

function nextFriday(): string {
  const d = today();
  d.setDate(d.getDate() + ((5 - d.getDay() + 7) % 7 || 7));
  return isoDate(d);
}

/**
 * A template's start date, or — when it is less than 7 days ahead (promoted tours carry
 * their nominal date, often past) — the next date on the same weekday at least 7 days
 * from today.
 */
export function templateDate(iso: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? "");
  if (!m) return nextFriday();
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const earliest = today();
  earliest.setDate(earliest.getDate() + 7);
  if (d >= earliest) return isoDate(d);
  const shift = (d.getDay() - earliest.getDay() + 7) % 7;
  earliest.setDate(earliest.getDate() + shift);
  return isoDate(earliest);
}

/** What a template sets beyond the form's plain fields: the convoy and the meals. */
interface Extras {
  convoy: Convoy | null;
  meals: Meals | null;
}

/** The convoy and meals a tour's request carries, wherever the API puts them (its itinerary or the itinerary's request). */
function tourExtras(tour: TourSummary | Tour): Extras {
  const doc = "itinerary" in tour ? asItinerary(tour.itinerary) : null;
  const sources = [doc, doc?.request].filter((x) => x && typeof x === "object");
  const convoy = sources.map((x) => x?.convoy).find((x) => x) ?? null;
  const meals = sources.map((x) => x?.meals).find((x) => x && typeof x === "object") ?? null;
  return { convoy, meals };
}

export function mount(panel: HTMLElement, r: RouteInfo): void {
  const template = h("select", { testid: "compose-tour-template" }, h("option", { value: "", i18n: "compose.template.none" }));
  const start = placeInput("compose-start");
  const end = placeInput("compose-end");
  const date = h("input", { type: "date", testid: "compose-date", value: nextFriday(), required: true });
  const days = h("input", { type: "number", testid: "compose-days", min: 1, max: 14, value: 2, required: true });
  const vehicle = select("compose-vehicle", VEHICLES.map((v) => [v, `veh.${v}`] as [string, string]), "car");
  const convoy = h("input", { type: "checkbox", testid: "compose-convoy" });
  const cars = h("input", { type: "number", testid: "compose-convoy-cars", min: 1, max: 50, value: DEFAULT_CARS });
  const motorbikes = h("input", { type: "number", testid: "compose-convoy-motorbikes", min: 0, max: 50, value: 0 });
  const lunch = h("input", { type: "checkbox", testid: "compose-lunch" });
  const dinner = h("input", { type: "checkbox", testid: "compose-dinner" });
  const convoyFields = h(
    "div",
    { class: "row convoy-fields" },
    h("label", { class: "field narrow" }, h("span", { class: "label", i18n: "compose.convoy_cars" }), cars),
    h("label", { class: "field narrow" }, h("span", { class: "label", i18n: "compose.convoy_motorbikes" }), motorbikes),
  );
  // A convoy is routed as cars: the vehicle is fixed to car while it is on.
  const syncConvoy = () => {
    convoyFields.hidden = !convoy.checked;
    if (convoy.checked) vehicle.value = "car";
    vehicle.disabled = convoy.checked;
  };
  convoy.addEventListener("change", syncConvoy);
  const pace = select("compose-pace", (["relaxed", "normal", "intense"] as const).map((p) => [p, `pace.${p}`] as [string, string]), "normal");
  const mustVisit = placeInput("compose-must-visit", { several: true });
  const must = mustVisit.input;
  const overnight = select(
    "compose-overnight",
    [
      ["", "compose.overnight.default"],
      ["hotel", "compose.overnight.hotel"],
      ["homestay", "compose.overnight.homestay"],
      ["campsite", "compose.overnight.campsite"],
      ["hotel,homestay,campsite", "common.any"],
    ],
    "",
  );
  const corridor = h("select", { testid: "compose-corridor" }, h("option", { value: "", i18n: "common.none" }));
  const corridorDays = h("input", { type: "text", testid: "compose-corridor-days", placeholder: "1,2", size: 6 });
  const themeBoxes = CATEGORIES.map((c) => h("input", { type: "checkbox", value: c, testid: `compose-theme-${c}` }));
  const submit = h("button", { type: "submit", class: "primary", testid: "compose-submit", i18n: "compose.submit" });
  const problem = problemBox();
  const result = h("div", { class: "compose-result" });

  const fillCorridors = () => {
    const keep = corridor.value;
    corridor.replaceChildren(h("option", { value: "", i18n: "common.none" }), ...mapView.config.corridors.map((c) => h("option", { value: c.slug }, pick(c))));
    corridor.value = keep;
  };
  void mapView.ready.then(fillCorridors);

  const form = h(
    "form",
    { class: "stack", onsubmit: (ev: Event) => (ev.preventDefault(), void run()) },
    h("h2", { i18n: "compose.title" }),
    h("label", { class: "field" }, h("span", { class: "label", i18n: "compose.template" }), template),
    h("label", { class: "field" }, h("span", { class: "label", i18n: "compose.start" }), start.wrap),
    h("label", { class: "field" }, h("span", { class: "label", i18n: "compose.end" }), end.wrap),
    h(
      "div",
      { class: "row" },
      h("label", { class: "field" }, h("span", { class: "label", i18n: "compose.date" }), date),
      h("label", { class: "field narrow" }, h("span", { class: "label", i18n: "compose.days" }), days),
      h("label", { class: "field" }, h("span", { class: "label", i18n: "route.vehicle" }), vehicle),
    ),
    h(
      "fieldset",
      { class: "checks convoy" },
      h("legend", { i18n: "veh.convoy" }),
      h("label", {}, convoy, h("span", { i18n: "compose.convoy" })),
      h("p", { class: "small muted hint", i18n: "compose.convoy_hint" }),
      convoyFields,
    ),
    h(
      "fieldset",
      { class: "checks meals" },
      h("legend", { i18n: "compose.meals" }),
      h("label", {}, lunch, h("span", { i18n: "compose.lunch" })),
      h("label", {}, dinner, h("span", { i18n: "compose.dinner" })),
    ),
    h("label", { class: "field" }, h("span", { class: "label", i18n: "compose.must" }), mustVisit.wrap),
    h(
      "fieldset",
      { class: "checks themes" },
      h("legend", { i18n: "compose.themes" }),
      ...themeBoxes.map((b) => h("label", {}, b, h("span", { i18n: `cat.${b.value}` }))),
    ),
    h(
      "div",
      { class: "row" },
      // both as wide as their longest option; pace wraps below when the panel is too narrow
      h("label", { class: "field fit" }, h("span", { class: "label", i18n: "compose.overnight" }), overnight),
      h("label", { class: "field fit" }, h("span", { class: "label", i18n: "compose.pace" }), pace),
    ),
    h(
      "div",
      { class: "row" },
      h("label", { class: "field" }, h("span", { class: "label", i18n: "compose.corridor" }), corridor),
      h("label", { class: "field narrow" }, h("span", { class: "label", i18n: "compose.corridor_days" }), corridorDays),
    ),
    submit,
  );
  panel.append(form, problem.el, result);
  syncConvoy();

  // Promoted tours as templates.
  let tours: TourSummary[] = [];
  const fillTemplates = () => {
    const keep = template.value;
    template.replaceChildren(
      h("option", { value: "", i18n: "compose.template.none" }),
      ...tours.map((tour) => h("option", { value: tour.slug }, pick(tour, "title"))),
    );
    template.value = keep;
  };
  void api<TourPage>("/v1/tours?limit=100")
    .then(({ data }) => {
      tours = data.items;
      fillTemplates();
      const wanted = r.params.get("tour");
      if (wanted && tours.some((x) => x.slug === wanted)) {
        template.value = wanted;
        applyTemplate(wanted);
      }
    })
    .catch(() => undefined);
  const setExtras = (extras: Extras) => {
    convoy.checked = Boolean(extras.convoy);
    if (extras.convoy) {
      cars.value = String(extras.convoy.cars ?? DEFAULT_CARS);
      motorbikes.value = String(extras.convoy.motorbikes ?? 0);
    }
    // A convoy template without meals of its own gets lunch.
    lunch.checked = extras.meals ? Boolean(extras.meals.lunch) : Boolean(extras.convoy);
    dinner.checked = extras.meals ? Boolean(extras.meals.dinner) : false;
    syncConvoy();
  };
  let templateSeq = 0;
  const applyTemplate = (slug: string) => {
    const tour = tours.find((x) => x.slug === slug);
    const my = ++templateSeq;
    if (!tour) {
      submit.disabled = false;
      return;
    }
    const sites = tour.sites ?? [];
    setPlaces(start.input, [sites[0] ?? ""]);
    setPlaces(end.input, [sites.length > 1 && sites[sites.length - 1] !== sites[0] ? sites[sites.length - 1] : ""]);
    date.value = templateDate(tour.start_date);
    days.value = String(tour.duration_days ?? 2);
    // Before 2026-12 "caravan" named the motorhome profile; a caravan tour is now a convoy of cars.
    const legacyCaravan = (tour.vehicle as string) === "caravan";
    vehicle.value = legacyCaravan || !VEHICLES.includes(tour.vehicle) ? "car" : tour.vehicle;
    const fallback = legacyCaravan ? { cars: DEFAULT_CARS } : null;
    const listed = tourExtras(tour);
    setExtras({ convoy: listed.convoy ?? fallback, meals: listed.meals });
    // The convoy and meals live in the tour's document: read it before allowing a submit.
    submit.disabled = true;
    form.dataset.loading = "template";
    void api<Tour>(`/v1/tours/${encodeURIComponent(slug)}`)
      .then(({ data }) => {
        if (my !== templateSeq) return;
        const extras = tourExtras(data);
        setExtras({ convoy: extras.convoy ?? fallback, meals: extras.meals });
      })
      .catch(() => undefined)
      .finally(() => {
        if (my !== templateSeq) return;
        submit.disabled = false;
        delete form.dataset.loading;
      });
    // Every site the tour visits between its ends must be visited again.
    const ends = new Set([sites[0], sites[sites.length - 1]]);
    setPlaces(must, [...new Set(sites.slice(1, -1))].filter((x) => !ends.has(x)));
    themeBoxes.forEach((b) => (b.checked = (tour.themes ?? []).some((c) => c === b.value)));
  };
  template.addEventListener("change", () => applyTemplate(template.value));

  if (lastForm) {
    setPlaces(start.input, String(lastForm.start).split(";"));
    setPlaces(end.input, String(lastForm.end).split(";"));
    date.value = String(lastForm.date);
    days.value = String(lastForm.days);
    vehicle.value = String(lastForm.vehicle);
    setPlaces(must, String(lastForm.must).split(";"));
    convoy.checked = Boolean(lastForm.convoy);
    cars.value = String(lastForm.cars ?? DEFAULT_CARS);
    motorbikes.value = String(lastForm.motorbikes ?? 0);
    lunch.checked = Boolean(lastForm.lunch);
    dinner.checked = Boolean(lastForm.dinner);
    syncConvoy();
  }
  if (r.params.get("start")) setPlaces(start.input, [r.params.get("start")!]);
  if (r.params.get("end")) setPlaces(end.input, [r.params.get("end")!]);

  const run = async () => {
    problem.clear();
    let startV: string | null, endV: string | null, mustList: string[];
    try {
      [startV, endV, mustList] = await Promise.all([resolvePlace(start.input), resolvePlace(end.input), resolvePlaces(must)]);
    } catch (err) {
      problem.show(err);
      return;
    }
    if (!startV) {
      start.input.focus();
      toast(t("route.need_ends"), "error");
      return;
    }
    const body: ItineraryRequest = {
      start: startV,
      start_date: date.value,
      days: Number(days.value),
      vehicle: convoy.checked ? "car" : (vehicle.value as Vehicle),
      pace: pace.value as ItineraryRequest["pace"],
    };
    if (convoy.checked) {
      body.convoy = { cars: Math.max(1, Number(cars.value) || 1), motorbikes: Math.max(0, Number(motorbikes.value) || 0) };
    }
    if (lunch.checked || dinner.checked) {
      body.meals = { ...(lunch.checked ? { lunch: MEALS.lunch } : {}), ...(dinner.checked ? { dinner: MEALS.dinner } : {}) };
    }
    if (endV) body.end = endV;
    if (mustList.length) body.must_visit = mustList;
    const themes = themeBoxes.filter((b) => b.checked).map((b) => b.value);
    if (themes.length) body.themes = Object.fromEntries(themes.map((x) => [x, 2]));
    if (overnight.value) body.overnight = overnight.value.split(",") as NonNullable<ItineraryRequest["overnight"]>;
    if (corridor.value) {
      const ds = corridorDays.value.split(",").map((s) => Number(s.trim())).filter((n) => n >= 1);
      body.corridor_legs = [{ corridor: corridor.value, days: ds.length ? ds : Array.from({ length: Number(days.value) }, (_, i) => i + 1) }];
    }
    lastForm = {
      start: startV,
      end: endV ?? "",
      date: date.value,
      days: days.value,
      vehicle: vehicle.value,
      must: mustList.join(";"),
      convoy: convoy.checked,
      cars: cars.value,
      motorbikes: motorbikes.value,
      lunch: lunch.checked,
      dinner: dinner.checked,
    };
    submit.disabled = true;
    result.replaceChildren(h("p", { class: "muted", i18n: "compose.working" }));
    try {
      const { data } = await api<Itinerary>("/v1/itineraries", { method: "POST", body });
      lastDoc = data;
      void render();
    } catch (err) {
      result.replaceChildren();
      mapView.clearOverlays();
      problem.show(err);
    } finally {
      submit.disabled = false;
    }
  };

  const render = async () => {
    const doc = lastDoc;
    if (!doc) return;
    drawItinerary(doc);
    const unplaced = doc.unplaced ?? [];
    const skipped = doc.skipped ?? [];
    const links = doc.links ?? {};
    const saveBox = h("div", { class: "card save-tour" });
    fill(
      result,
      totalsLine(doc),
      renderTimeline(doc),
      unplaced.length
        ? h("div", { class: "card warn" }, h("h3", { i18n: "compose.unplaced" }), h("ul", {}, ...unplaced.map((u) => h("li", { testid: "unplaced", "data-slug": u.site }, h("code", {}, u.site), `: ${u.reason}`))))
        : null,
      skipped.length
        ? h("details", { class: "card" }, h("summary", {}, `${t("compose.skipped")} (${skipped.length})`), h("ul", { class: "small" }, ...skipped.map((u) => h("li", { testid: "skipped", "data-slug": u.site }, h("code", {}, u.site), `: ${u.reason}`))))
        : null,
      h(
        "div",
        { class: "exports" },
        h("strong", { i18n: "compose.exports" }),
        h("a", { testid: "export-gpx", href: links.gpx ?? `/v1/itineraries/${doc.id}.gpx`, download: `${doc.id}.gpx` }, "GPX"),
        h("a", { testid: "export-ics", href: links.ics ?? `/v1/itineraries/${doc.id}.ics`, download: `${doc.id}.ics` }, "iCalendar"),
        h("a", { testid: "export-geojson", href: links.geojson ?? `/v1/itineraries/${doc.id}.geojson`, download: `${doc.id}.geojson` }, "GeoJSON"),
      ),
      saveBox,
    );
    await renderSave(saveBox, doc);
  };

  const renderSave = async (box: HTMLElement, doc: Itinerary) => {
    let who: Whoami | null = null;
    try {
      who = await whoami();
    } catch {
      who = null;
    }
    // "Hành trình 3 ngày từ Vinh" / "3-day trip from Vinh": the start's name (a site's, or the
    // town a point is in), never its slug or coordinates.
    const first = doc.days?.[0]?.start;
    const [nameVi, nameEn] = await Promise.all([planPlaceName(first, "vi", true), planPlaceName(first, "en", true)]);
    const n = String(doc.days.length);
    const title = (l: "vi" | "en", place: string) => t("place.trip_title", l).replace("{days}", n).replace("{place}", place);
    const slugBase = first?.site ?? (slugify(nameVi) || "tour");
    const slug = h("input", { type: "text", testid: "save-tour-slug", value: `${slugBase}-${doc.id.slice(0, 6)}`, spellcheck: "false" });
    const titleVi = h("input", { type: "text", testid: "save-tour-title-vi", value: title("vi", nameVi) });
    const titleEn = h("input", { type: "text", testid: "save-tour-title-en", value: title("en", nameEn) });
    const opProvince = select("save-tour-province", PROVINCES.map(([c, vi]) => [c, `=${vi}`] as [string, string]), who?.province ?? "VN-21");
    const button = h("button", { type: "button", class: "primary", testid: "save-tour", i18n: "compose.save" });
    const saveProblem = problemBox();
    const canSave = who && (who.role === "agency" || who.role === "curator" || who.role === "admin");
    button.addEventListener("click", async () => {
      saveProblem.clear();
      if (!canSave) {
        toast(t("compose.save_hint"), "error");
        return;
      }
      const operator: TourCreate["operator"] = who!.role === "agency" ? { agency: who!.agency } : { province: who!.province ?? opProvince.value };
      const body: TourCreate = { from_itinerary: doc.id, slug: slug.value.trim(), title_vi: titleVi.value.trim(), title_en: titleEn.value.trim(), operator };
      try {
        button.disabled = true;
        const { data } = await api<Tour>("/v1/tours", { method: "POST", auth: true, body });
        toast(`${t("compose.saved")}: ${data.slug}`);
        box.append(h("p", {}, h("a", { href: `#/tours/${encodeURIComponent(data.slug)}`, testid: "saved-tour-link" }, pick(data, "title"))));
      } catch (err) {
        saveProblem.show(err);
      } finally {
        button.disabled = false;
      }
    });
    fill(
      box,
      h("h3", { i18n: "compose.save" }),
      canSave ? null : h("p", { class: "muted small", i18n: "compose.save_hint" }),
      h("label", { class: "field" }, h("span", { class: "label", i18n: "tour.slug" }), slug),
      h("label", { class: "field" }, h("span", { class: "label", i18n: "tour.title_vi" }), titleVi),
      h("label", { class: "field" }, h("span", { class: "label", i18n: "tour.title_en" }), titleEn),
      who?.role === "admin" ? h("label", { class: "field" }, h("span", { class: "label", i18n: "tour.operator_province" }), opProvince) : null,
      button,
      saveProblem.el,
    );
  };

  mapView.onSiteClick((slug) => {
    const active = document.activeElement;
    if (active === end.input) setPlaces(end.input, [slug]);
    else if (active === must) setPlaces(must, [...placeValues(must), slug]);
    else if (!start.input.value) setPlaces(start.input, [slug]);
    else if (!end.input.value) setPlaces(end.input, [slug]);
    else setPlaces(must, [...placeValues(must), slug]);
  });
  mapView.onMapClick((lon, lat) => {
    if (document.activeElement === end.input) setPlaces(end.input, [`${lon},${lat}`]);
    else setPlaces(start.input, [`${lon},${lat}`]);
  });
  const onLang = () => {
    fillTemplates();
    fillCorridors();
    void render();
  };
  window.addEventListener("langchange", onLang);
  cleanup = () => window.removeEventListener("langchange", onLang);
  if (lastDoc) void render();
}

export function unmount(): void {
  cleanup?.();
  cleanup = null;
}
