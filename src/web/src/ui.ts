// Small DOM helpers shared by the screens: element builder, toast, problem box,
// debounce, and the site-suggestion text input used by Route and Compose.

import { api, ApiProblem, type Problem, type SitePage } from "./api";
import { pick, t } from "./i18n";
import { LONLAT_RE, placeLabel, rememberSite, SLUG_RE } from "./places";

/** Attributes: strings, numbers and booleans (true = present), on<event> listeners. */
type AttrValue = string | number | boolean | null | undefined | ((ev: never) => unknown);
type Attrs = Record<string, AttrValue>;
type Child = Node | string | null | undefined | false;

/** h("div", {class: "x", testid: "y", i18n: "key"}, ...children) */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2), v as EventListener);
    } else if (k === "testid") {
      el.dataset.testid = String(v);
    } else if (k === "i18n") {
      el.dataset.i18n = String(v);
      el.textContent = t(String(v));
    } else if (k === "i18nPh") {
      el.dataset.i18nPh = String(v);
      (el as HTMLInputElement).placeholder = t(String(v));
    } else if (k === "i18nTitle") {
      el.dataset.i18nTitle = String(v);
      el.title = t(String(v));
    } else if (k === "class") {
      el.className = String(v);
    } else if (k === "value") {
      (el as HTMLInputElement).value = String(v);
    } else if (k === "checked") {
      (el as HTMLInputElement).checked = Boolean(v);
    } else if (v === true) {
      el.setAttribute(k, "");
    } else {
      el.setAttribute(k, String(v));
    }
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return el;
}

/** Replace an element's children, skipping null/false entries. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren(...(children.filter((c) => c !== null && c !== undefined && c !== false) as (Node | string)[]));
}

/** A translated text span. */
export function tr(key: string, tag: keyof HTMLElementTagNameMap = "span"): HTMLElement {
  return h(tag, { i18n: key });
}

export function labelled(key: string, control: HTMLElement, extraClass = ""): HTMLLabelElement {
  return h("label", { class: `field ${extraClass}` }, h("span", { i18n: key, class: "label" }), control);
}

let toastTimer: number | undefined;

export function toast(message: string, kind: "info" | "error" = "info"): void {
  const el = document.querySelector<HTMLElement>('[data-testid="toast"]');
  if (!el) return;
  el.textContent = message;
  el.className = `toast show ${kind}`;
  el.hidden = false;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => {
    el.className = "toast";
    el.hidden = true;
  }, 4000);
}

/** A box showing an API problem (title, detail, field list); empty and hidden when none. */
export function problemBox(): { el: HTMLElement; show: (err: unknown) => void; clear: () => void } {
  const el = h("div", { class: "problem", testid: "problem", role: "alert", hidden: true });
  return {
    el,
    show(err: unknown) {
      const p = toProblem(err);
      fill(
        el,
        h("strong", { class: "problem-title" }, p.status ? `${p.status} · ${p.title}` : p.title),
        p.detail ? h("div", { class: "problem-detail" }, p.detail) : null,
        p.errors && p.errors.length
          ? h("ul", {}, ...p.errors.map((e) => h("li", {}, h("code", {}, e.name), ": ", e.reason)))
          : null,
      );
      el.hidden = false;
    },
    clear() {
      el.replaceChildren();
      el.hidden = true;
    },
  };
}

export function toProblem(err: unknown): Problem {
  if (err instanceof ApiProblem) {
    if (err.status === 0) return { ...err.problem, title: t("common.network_error") };
    return err.problem;
  }
  return { title: t("common.error"), status: 0, detail: String((err as Error)?.message ?? err) };
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: number | undefined;
  return (...args: A) => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => fn(...args), ms);
  };
}

export { LONLAT_RE, SLUG_RE };

/**
 * A text input for one or more places (`several`: separated by ";"). It shows names;
 * what the API takes (a slug or "lon,lat") is kept in `data-value` whenever the place was
 * picked (a suggestion, the map, a template, a link) — see setPlaces. Typing clears it:
 * free text is then a slug, "lon,lat", or a name resolved by search on submit
 * (resolvePlaces). Free text shows `route-suggestion` items from /v1/sites?q=.
 */
export function placeInput(testid: string, opts: { placeholder?: string; onPick?: (slug: string) => void; several?: boolean } = {}) {
  const input = h("input", {
    type: "text",
    testid,
    autocomplete: "off",
    spellcheck: "false",
    i18nPh: opts.placeholder ?? "route.ph",
  });
  if (opts.several) input.dataset.several = "true";
  const list = h("ul", { class: "suggestions", hidden: true, role: "listbox" });
  const wrap = h("div", { class: "place-input" }, input, list);
  let controller: AbortController | null = null;

  const close = () => {
    list.hidden = true;
    list.replaceChildren();
  };
  // With several places, the suggestions are for the last one being typed.
  const typed = () => (opts.several ? input.value.split(";").pop() ?? "" : input.value).trim();
  const search = debounce(async (text: string) => {
    controller?.abort();
    if (text.length < 2 || LONLAT_RE.test(text)) {
      close();
      return;
    }
    controller = new AbortController();
    try {
      const { data } = await api<SitePage>(`/v1/sites?q=${encodeURIComponent(text)}&limit=8`, { signal: controller.signal });
      if (typed() !== text || document.activeElement !== input) return;
      data.items.forEach(rememberSite);
      list.replaceChildren(
        ...data.items.map((s) =>
          h(
            "li",
            {
              testid: "route-suggestion",
              "data-slug": s.slug,
              role: "option",
              onmousedown: (ev: Event) => {
                ev.preventDefault();
                // with several, the places before the one being typed are kept
                setPlaces(input, opts.several ? [...placeValues(input).slice(0, -1), s.slug] : [s.slug]);
                close();
                opts.onPick?.(s.slug);
                input.dispatchEvent(new Event("change"));
              },
            },
            h("span", { class: "s-name" }, pick(s)),
            h("span", { class: "s-meta" }, `${pick(s.province)}${s.district ? ` · ${s.district}` : ""}`),
          ),
        ),
      );
      if (!data.items.length) list.append(h("li", { class: "empty" }, t("common.no_results")));
      list.hidden = false;
    } catch (err) {
      if ((err as Error).name !== "AbortError") close();
    }
  }, 250);
  input.addEventListener("input", () => {
    // Typed over: what it shows is no longer exactly the picked places (data-pairs
    // still maps each name shown to its place, for the parts left as they were).
    delete input.dataset.value;
    delete input.dataset.label;
    search(typed());
  });
  input.addEventListener("blur", () => window.setTimeout(close, 150));
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") close();
    if (ev.key === "Enter") {
      const first = list.querySelector<HTMLElement>('[data-testid="route-suggestion"]');
      if (first && !list.hidden) {
        ev.preventDefault();
        first.dispatchEvent(new MouseEvent("mousedown"));
      }
    }
  });
  return { wrap, input };
}

const SEPARATOR = "; ";
let labelSeq = 0;

/** Put places (slugs or "lon,lat") in a place input: it keeps them in data-value and shows their names. */
export function setPlaces(input: HTMLInputElement, values: string[]): void {
  const clean = values.map((v) => (LONLAT_RE.test(v) ? v.replace(/\s+/g, "") : v.trim())).filter(Boolean);
  if (!clean.length) {
    input.value = "";
    delete input.dataset.value;
    delete input.dataset.label;
    delete input.dataset.pairs;
    return;
  }
  const value = clean.join(SEPARATOR);
  const my = String(++labelSeq);
  input.dataset.value = value;
  input.dataset.labelSeq = my;
  // Until the names arrive the input shows what it holds; then the names, unless typed over.
  input.value = value;
  input.dataset.label = value;
  void relabel(input, my);
}

async function relabel(input: HTMLInputElement, my: string): Promise<void> {
  const value = input.dataset.value;
  if (!value) return;
  const labels = await Promise.all(value.split(SEPARATOR).map((v) => placeLabel(v)));
  if (input.dataset.labelSeq !== my || input.dataset.value !== value || input.value !== input.dataset.label) return;
  const label = labels.join(SEPARATOR);
  input.value = label;
  input.dataset.label = label;
  input.dataset.pairs = JSON.stringify(labels.map((l, i) => [l, value.split(SEPARATOR)[i]]));
}

// The names follow the console's language.
window.addEventListener("langchange", () => {
  document.querySelectorAll<HTMLInputElement>("input[data-value]").forEach((input) => {
    if (input.value !== input.dataset.label) return;
    const my = String(++labelSeq);
    input.dataset.labelSeq = my;
    void relabel(input, my);
  });
});

/** The places an input holds as the API takes them: its data-value, else its text split at ";" (or ","). */
export function placeValues(input: HTMLInputElement): string[] {
  const picked = input.dataset.value;
  if (picked) return picked.split(SEPARATOR).map((v) => v.trim()).filter(Boolean);
  const text = input.value.trim();
  if (!text) return [];
  if (LONLAT_RE.test(text)) return [text.replace(/\s+/g, "")];
  // A name shown for a place picked earlier still means that place.
  const known = new Map<string, string>(input.dataset.pairs ? (JSON.parse(input.dataset.pairs) as [string, string][]) : []);
  const parts = input.dataset.several ? text.split(text.includes(";") ? ";" : ",") : [text];
  return parts
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => known.get(v) ?? (LONLAT_RE.test(v) ? v.replace(/\s+/g, "") : v));
}

/** The first place an input holds (slug or lon,lat as typed or picked); null if empty. */
export function placeValue(input: HTMLInputElement): string | null {
  return placeValues(input)[0] ?? null;
}

/** One place as the API takes it: a slug or lon,lat as is; free text → the best search hit's slug. */
async function resolveOne(v: string): Promise<string> {
  if (LONLAT_RE.test(v) || SLUG_RE.test(v)) return v;
  const { data } = await api<SitePage>(`/v1/sites?q=${encodeURIComponent(v)}&limit=1`);
  if (data.items.length) {
    rememberSite(data.items[0]);
    return data.items[0].slug;
  }
  return v;
}

/** Resolve what a place input holds; the input then shows the names of what was resolved. */
export async function resolvePlaces(input: HTMLInputElement): Promise<string[]> {
  if (input.dataset.value) return placeValues(input);
  const values = await Promise.all(placeValues(input).map(resolveOne));
  if (values.length) setPlaces(input, values);
  return values;
}

/** Resolve a single-place input; null if empty. */
export async function resolvePlace(input: HTMLInputElement): Promise<string | null> {
  return (await resolvePlaces(input))[0] ?? null;
}

export function select(testid: string, options: [string, string][], value = ""): HTMLSelectElement {
  // options: [value, i18n key or literal text prefixed with "=" ]
  const el = h("select", { testid });
  for (const [v, label] of options) {
    const opt = label.startsWith("=") ? h("option", { value: v }, label.slice(1)) : h("option", { value: v, i18n: label });
    el.append(opt);
  }
  el.value = value;
  return el;
}

export const PROVINCES: [string, string, string][] = [
  ["VN-21", "Thanh Hóa", "Thanh Hoa"],
  ["VN-22", "Nghệ An", "Nghe An"],
  ["VN-23", "Hà Tĩnh", "Ha Tinh"],
];
export const CATEGORIES = [
  "heritage",
  "revolutionary-history",
  "nature",
  "beach",
  "spiritual",
  "eco-community",
  "mountain-adventure",
  "craft-village",
  "museum",
  "city-landmark",
];
export const KINDS = ["attraction", "lodging", "campsite", "service"];
// "caravan" is no longer a vehicle: a motorhome is "motorhome"; a self-drive caravan (a
// convoy of cars, maybe motorbikes) is a car itinerary with a `convoy` (Compose).
export const VEHICLES = ["car", "coach", "motorbike", "motorhome"];
/** Types of stay (lodging and campsite subtypes), for the "type of stay" filter. */
export const STAY_TYPES = ["hotel", "motel", "guest_house", "homestay", "hostel", "hut", "chalet", "camp_site"];
/** Every subtype a site may have (the API's `subtype`; attractions have none). */
export const SITE_TYPES = [...STAY_TYPES, "fuel", "meal"];
/** Map layers of Explore: which sites each shows. */
export const LAYERS = ["attractions", "stay", "fuel", "meal"] as const;
export type Layer = (typeof LAYERS)[number];

/** The layer a site (its kind and subtype) belongs to. */
export function layerOf(kind: string, subtype?: string | null): Layer {
  if (kind === "lodging" || kind === "campsite") return "stay";
  if (kind === "service") return subtype === "meal" ? "meal" : "fuel";
  return "attractions";
}

/** "Miễn phí" for 0, "chưa rõ giá" for null/undefined (not known is not free), else the price in đồng. */
export function ticketText(price: number | null | undefined): string {
  if (price === null || price === undefined) return t("site.ticket_unknown");
  if (price === 0) return t("site.ticket_free");
  return `${price.toLocaleString("vi-VN")} ₫`;
}
export const DAY_COLOURS = ["#e11d48", "#2563eb", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#ea580c", "#4f46e5", "#0d9488", "#b91c1c", "#9333ea", "#ca8a04"];

export function provinceOptions(anyKey = "common.any"): [string, string][] {
  return [["", anyKey], ...PROVINCES.map(([code, vi]) => [code, `=${vi} (${code})`] as [string, string])];
}
