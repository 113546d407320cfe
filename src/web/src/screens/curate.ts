// Curate: sign in with a bearer token (sessionStorage), list the province's sites in any
// status, create and edit them (draggable point), submit / publish / archive. Writes send
// If-Match with the ETag last read; a 412 opens a conflict panel (mine vs the server's
// current version) to reapply my changes onto it or discard them. Field errors of a
// problem+json are shown beside their fields; a 403 in a clear form-level message.

import type { Marker } from "maplibre-gl";

import {
  api,
  ApiProblem,
  forgetWhoami,
  qs,
  setToken,
  getToken,
  whoami,
  type AuditPage,
  type CuratedSite,
  type CuratedSitePage,
  type Whoami,
} from "../api";
import { pick, t } from "../i18n";
import * as mapView from "../map";
import type { RouteInfo } from "../main";
import { CATEGORIES, h, KINDS, problemBox, PROVINCES, select, SITE_TYPES, toast, toProblem } from "../ui";

const CAPITALS: Record<string, [number, number]> = {
  "VN-21": [105.776, 19.807],
  "VN-22": [105.692, 18.673],
  "VN-23": [105.905, 18.343],
};
const TEXT_FIELDS = ["name_vi", "name_en", "district", "opening_hours", "source"] as const;
const AREA_FIELDS = ["description_vi", "description_en"] as const;
const NUMBER_FIELDS = ["visit_duration_min", "interest_score", "ticket_price_vnd"] as const;
const BOOL_FIELDS = ["coach_parking", "motorhome_parking", "motorhome_overnight", "motorbike_only_access"] as const;

/**
 * A site as the editor holds it: the fields of the form, what a PATCH sends (the changed
 * ones) and what a conflict compares. Choices are plain strings: the form may hold a value
 * the API refuses, and the 422 then shows beside its field.
 */
type Doc = Record<(typeof TEXT_FIELDS)[number], string | null> &
  Record<(typeof AREA_FIELDS)[number], string> &
  Record<(typeof NUMBER_FIELDS)[number], number | null> &
  Record<(typeof BOOL_FIELDS)[number], boolean> & {
    province: string;
    kind: string;
    subtype: string | null;
    categories: string[];
    coord_confidence: string | null;
    location: { type: "Point"; coordinates: [number, number] };
  };
type DocField = keyof Doc;

/** Every field compared for changes and conflicts, in display order. */
const DOC_FIELDS: DocField[] = [
  "name_vi",
  "name_en",
  "description_vi",
  "description_en",
  "province",
  "district",
  "kind",
  "subtype",
  "categories",
  "opening_hours",
  "visit_duration_min",
  "interest_score",
  "ticket_price_vnd",
  "coord_confidence",
  ...BOOL_FIELDS,
  "source",
  "location",
];

let root: HTMLElement | null = null;
let cleanup: (() => void) | null = null;
let who: Whoami | null = null;
let listEl: HTMLElement | null = null;
let editorEl: HTMLElement | null = null;
let statusFilter = "";
let marker: Marker | null = null;
/** The screen's one `problem` box (TESTIDS.md: at most one per screen): sign-in, the site
 * list and a refused opening of a site all report here. */
let problem: ReturnType<typeof problemBox> | null = null;

export function mount(panel: HTMLElement, r: RouteInfo): void {
  root = panel;
  void start(r);
}

export function update(r: RouteInfo): boolean {
  if (!root || !who || who.role === "agency" || !editorEl) return false;
  openEditor(r);
  return true;
}

export function unmount(): void {
  cleanup?.();
  cleanup = null;
  marker = null;
  root = null;
  problem = null;
}

async function start(r: RouteInfo): Promise<void> {
  const panel = root!;
  const tokenInput = h("input", { type: "password", testid: "token-input", i18nPh: "cur.token_ph", autocomplete: "off", spellcheck: "false" });
  const signIn = h("button", { type: "button", class: "primary", testid: "sign-in", i18n: "cur.sign_in" });
  const box = problemBox();
  problem = box;
  const authBox = h("div", { class: "card auth" });
  panel.append(h("h2", { i18n: "cur.title" }), authBox, box.el);

  const showSignedOut = () => {
    authBox.replaceChildren(
      h("p", { class: "small muted", i18n: "cur.need_token" }),
      h("label", { class: "field" }, h("span", { class: "label", i18n: "cur.token" }), tokenInput),
      signIn,
    );
  };
  signIn.addEventListener("click", async () => {
    box.clear();
    const token = tokenInput.value.trim();
    if (!token) return;
    try {
      const { data } = await api<Whoami>("/v1/me", { token });
      setToken(token);
      forgetWhoami();
      who = data;
      tokenInput.value = "";
      renderSignedIn(r);
    } catch (err) {
      box.show(err);
    }
  });
  tokenInput.addEventListener("keydown", (ev) => ev.key === "Enter" && signIn.click());

  const renderSignedIn = (route: RouteInfo) => {
    const w = who!;
    authBox.replaceChildren(
      h(
        "div",
        { class: "signed-in" },
        h("span", { i18n: "cur.signed_in" }),
        " ",
        h(
          "strong",
          { testid: "signed-in-as", "data-role": w.role, "data-province": w.province ?? "" },
          `${w.name} · ${w.role}${w.province ? ` · ${provinceName(w.province)} (${w.province})` : ""}${w.agency ? ` · ${w.agency}` : ""}`,
        ),
        h(
          "button",
          {
            type: "button",
            class: "link",
            testid: "sign-out",
            i18n: "cur.sign_out",
            onclick: () => {
              setToken(null);
              forgetWhoami();
              who = null;
              listEl?.remove();
              editorEl?.remove();
              listEl = editorEl = null;
              mapView.clearOverlays();
              showSignedOut();
              if (location.hash !== "#/curate") history.replaceState(null, "", "#/curate");
            },
          },
        ),
      ),
    );
    listEl?.remove();
    editorEl?.remove();
    if (w.role === "agency") {
      listEl = h("p", { class: "card muted", i18n: "cur.agency_no_sites" });
      editorEl = null;
      panel.append(listEl);
      return;
    }
    listEl = h("div", { class: "curate-list" });
    editorEl = h("div", { class: "curate-editor" });
    panel.append(listEl, editorEl);
    void loadList();
    openEditor(route);
  };

  if (getToken()) {
    try {
      who = await whoami(true);
    } catch (err) {
      box.show(err);
      who = null;
    }
  } else who = null;
  if (who) renderSignedIn(r);
  else {
    if (getToken()) setToken(null);
    showSignedOut();
  }
  const onLang = () => {
    if (who && who.role !== "agency") void loadList();
  };
  window.addEventListener("langchange", onLang);
  cleanup = () => window.removeEventListener("langchange", onLang);
}

function provinceName(code: string): string {
  const p = PROVINCES.find(([c]) => c === code);
  return p ? (document.documentElement.lang === "vi" ? p[1] : p[2]) : code;
}

async function loadList(): Promise<void> {
  if (!listEl) return;
  const el = listEl;
  const status = select(
    "curate-filter-status",
    [["", "common.any"], ...["draft", "in_review", "published", "archived"].map((s) => [s, `st.${s}`] as [string, string])],
    statusFilter,
  );
  status.addEventListener("change", () => {
    statusFilter = status.value;
    void loadList();
  });
  const ul = h("ul", { class: "curate-sites", testid: "curate-site-list" });
  // A reload (after a save, a transition, a language change) keeps the sites listed until
  // the answer replaces them, so the list never blinks empty.
  const previous = el.querySelector('[data-testid="curate-site-list"]');
  if (previous) ul.replaceChildren(...previous.childNodes);
  const box = problem;
  el.replaceChildren(
    h(
      "div",
      { class: "list-head" },
      h("h3", { i18n: "cur.sites" }),
      h("a", { class: "button", href: "#/curate/new", testid: "curate-new-site", i18n: "cur.new" }),
    ),
    h("label", { class: "field inline" }, h("span", { class: "label", i18n: "cur.filter_status" }), status),
    ul,
  );
  try {
    const { data } = await api<CuratedSitePage>(`/v1/curation/sites${qs({ limit: 500, status: statusFilter })}`, { auth: true });
    const current = currentSlug();
    ul.replaceChildren(
      ...data.items.map((s) =>
        h(
          "li",
          { testid: "curate-site", "data-slug": s.slug, "data-status": s.status, class: s.slug === current ? "active" : "" },
          h("a", { href: `#/curate/${encodeURIComponent(s.slug)}` }, h("span", { class: "r-name" }, pick(s)), h("span", { class: `status st-${s.status}`, i18n: `st.${s.status}` })),
        ),
      ),
    );
    if (!data.items.length) ul.append(h("li", { class: "empty", i18n: "common.no_results" }));
  } catch (err) {
    box?.show(err);
  }
}

function currentSlug(): string {
  const m = /^#\/curate\/([^?]+)/.exec(location.hash);
  return m && m[1] !== "new" ? decodeURIComponent(m[1]) : "";
}

// --- the editor ---------------------------------------------------------------------

interface EditorState {
  isNew: boolean;
  slug: string;
  base: Doc | null; // the server version my edits start from
  etag: string | null;
  site: CuratedSite | null;
}

/** {key: value(key)} for each of the keys. */
function byKey<K extends string, V>(keys: readonly K[], value: (key: K) => V): Record<K, V> {
  return Object.fromEntries(keys.map((k) => [k, value(k)])) as Record<K, V>;
}

function docFromSite(s: CuratedSite): Doc {
  return {
    name_vi: s.name_vi,
    name_en: s.name_en,
    description_vi: s.description_vi ?? "",
    description_en: s.description_en ?? "",
    province: s.province.code,
    district: s.district ?? null,
    kind: s.kind,
    subtype: s.subtype ?? null,
    categories: [...(s.categories ?? [])],
    opening_hours: s.opening_hours ?? null,
    visit_duration_min: s.visit_duration_min,
    interest_score: s.interest_score,
    ticket_price_vnd: s.ticket_price_vnd ?? null,
    coord_confidence: s.coord_confidence ?? null,
    coach_parking: Boolean(s.suitability?.coach_parking),
    motorhome_parking: Boolean(s.suitability?.motorhome_parking),
    motorhome_overnight: Boolean(s.suitability?.motorhome_overnight),
    motorbike_only_access: Boolean(s.suitability?.motorbike_only_access),
    source: s.source ?? "",
    location: { type: "Point", coordinates: [...s.location.coordinates] },
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function copyField<K extends DocField>(to: Partial<Doc>, from: Doc, k: K): void {
  to[k] = from[k];
}

function diff(mine: Doc, base: Doc): Partial<Doc> {
  const out: Partial<Doc> = {};
  for (const k of DOC_FIELDS) if (!same(mine[k], base[k])) copyField(out, mine, k);
  return out;
}

function show(v: unknown): string {
  if (v === null || v === undefined || v === "") return "—";
  if (Array.isArray(v)) return v.join(", ");
  if (typeof v === "object" && "coordinates" in v && Array.isArray(v.coordinates)) return v.coordinates.join(", ");
  return String(v);
}

function fieldLabel(k: string): string {
  return t(`f.${k}`);
}

function openEditor(r: RouteInfo): void {
  if (!editorEl || !who) return;
  const slug = r.parts[0] ?? "";
  listEl?.querySelectorAll<HTMLElement>("[data-testid=curate-site]").forEach((li) => li.classList.toggle("active", li.dataset.slug === slug));
  mapView.clearOverlays();
  marker = null;
  problem?.clear();
  if (!slug) {
    editorEl.replaceChildren(h("p", { class: "muted", i18n: "cur.select" }));
    mapView.onMapClick(null);
    return;
  }
  if (slug === "new") {
    const province = who.province ?? "VN-21";
    const [lon, lat] = CAPITALS[province] ?? [105.7, 19];
    const doc: Doc = {
      name_vi: "",
      name_en: "",
      description_vi: "",
      description_en: "",
      province,
      district: null,
      kind: "attraction",
      subtype: null,
      categories: [],
      opening_hours: null,
      visit_duration_min: 60,
      interest_score: 50,
      ticket_price_vnd: null,
      coord_confidence: "medium",
      coach_parking: false,
      motorhome_parking: false,
      motorhome_overnight: false,
      motorbike_only_access: false,
      source: "",
      location: { type: "Point", coordinates: [lon, lat] },
    };
    buildEditor({ isNew: true, slug: "", base: null, etag: null, site: null }, doc);
    return;
  }
  editorEl.replaceChildren(h("p", { class: "muted", i18n: "common.loading" }));
  void api<CuratedSite>(`/v1/curation/sites/${encodeURIComponent(slug)}`, { auth: true })
    .then(({ data, etag }) => buildEditor({ isNew: false, slug, base: docFromSite(data), etag, site: data }, docFromSite(data)))
    .catch((err) => {
      // The refusal in the editor (form-error, with the HTTP status as TESTIDS.md says),
      // the full problem (title, detail, errors) in the screen's one problem box.
      if (currentSlug() !== slug) return;
      const formError = h(
        "div",
        { class: "form-error", testid: "form-error", role: "alert", "data-status": String(toProblem(err).status) },
        formErrorText(err),
      );
      editorEl?.replaceChildren(formError);
      problem?.show(err);
    });
}

function formErrorText(err: unknown): string {
  const p = toProblem(err);
  const prefix = p.status === 403 ? `${t("cur.forbidden")}: ` : p.status ? `${p.status} ${p.title}: ` : "";
  return `${prefix}${p.detail ?? p.title}`;
}

function buildEditor(st: EditorState, initial: Doc): void {
  const ed = editorEl!;
  const inputs: Record<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement> = {};
  const wrapOf: Record<string, HTMLElement> = {};
  const field = (name: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, labelKey = `f.${name}`, cls = "") => {
    control.dataset.testid = `field-${name}`;
    control.name = name;
    inputs[name] = control;
    const wrap = h("label", { class: `field ${cls}`, "data-name": name }, h("span", { class: "label", i18n: labelKey }), control);
    wrapOf[name] = wrap;
    return wrap;
  };
  const slugInput = h("input", { type: "text", spellcheck: "false", autocomplete: "off", pattern: "[a-z0-9]+(-[a-z0-9]+)*", value: st.slug });
  if (!st.isNew) slugInput.readOnly = true;
  const textInputs = Object.fromEntries(TEXT_FIELDS.map((n) => [n, h("input", { type: "text" })]));
  const areas = Object.fromEntries(AREA_FIELDS.map((n) => [n, h("textarea", { rows: 3 })]));
  const numbers = Object.fromEntries(NUMBER_FIELDS.map((n) => [n, h("input", { type: "number", min: 0, step: 1 })]));
  const bools = Object.fromEntries(BOOL_FIELDS.map((n) => [n, h("input", { type: "checkbox" })]));
  const province = select("", PROVINCES.map(([c, vi]) => [c, `=${vi} (${c})`] as [string, string]));
  const kind = select("", KINDS.map((k) => [k, `kind.${k}`] as [string, string]));
  const subtype = select("", [["", "=—"], ...SITE_TYPES.map((k) => [k, `type.${k}`] as [string, string])]);
  const categories = h("input", { type: "text", spellcheck: "false", list: "category-values", placeholder: "heritage, museum" });
  const confidence = select("", [["", "=—"], ["high", "=high"], ["medium", "=medium"], ["low", "=low"]]);
  const lon = h("input", { type: "number", step: "0.00001", min: -180, max: 180 });
  const lat = h("input", { type: "number", step: "0.00001", min: -90, max: 90 });
  const statusEl = h("span", { class: "status", testid: "site-status" });
  const versionEl = h("code", { testid: "site-version" });
  const formError = h("div", { class: "form-error", testid: "form-error", role: "alert", hidden: true });
  const conflictSlot = h("div", {});
  const auditSlot = h("div", {});
  const save = h("button", { type: "submit", class: "primary", testid: "site-save", i18n: st.isNew ? "cur.create" : "cur.save" });
  const submitReview = h("button", { type: "button", testid: "site-submit-review", i18n: "cur.submit" });
  const publish = h("button", { type: "button", testid: "site-publish", i18n: "cur.publish" });
  const archive = h("button", { type: "button", testid: "site-archive", i18n: "cur.archive" });

  const form = h(
    "form",
    { class: "site-form stack", testid: "site-form", novalidate: true, onsubmit: (ev: Event) => (ev.preventDefault(), void doSave()) },
    h(
      "div",
      { class: "form-head" },
      h("h3", {}, st.isNew ? t("cur.new").replace("+ ", "") : pick(st.site)),
      h("div", { class: "small" }, h("span", { i18n: "cur.status" }), ": ", statusEl, " · ", h("span", { i18n: "cur.version" }), ": ", versionEl),
    ),
    formError,
    conflictSlot,
    field("slug", slugInput),
    h("div", { class: "row" }, field("name_vi", textInputs.name_vi), field("name_en", textInputs.name_en)),
    field("description_vi", areas.description_vi),
    field("description_en", areas.description_en),
    h("div", { class: "row" }, field("province", province), field("district", textInputs.district)),
    h("div", { class: "row" }, field("kind", kind), field("subtype", subtype), field("categories", categories)),
    h("datalist", { id: "category-values" }, ...CATEGORIES.map((c) => h("option", { value: c }))),
    h("div", { class: "muted small" }, CATEGORIES.join(", ")),
    field("opening_hours", textInputs.opening_hours),
    h("div", { class: "row" }, field("visit_duration_min", numbers.visit_duration_min, undefined, "narrow"), field("interest_score", numbers.interest_score, undefined, "narrow"), field("ticket_price_vnd", numbers.ticket_price_vnd)),
    h(
      "div",
      { class: "row", "data-name": "location" },
      field("lon", lon),
      field("lat", lat),
      field("coord_confidence", confidence),
    ),
    h("p", { class: "muted small", i18n: "f.drag" }),
    h(
      "fieldset",
      { class: "checks" },
      ...BOOL_FIELDS.map((n) => {
        const box = bools[n] as HTMLInputElement;
        box.dataset.testid = `field-${n}`;
        box.name = n;
        inputs[n] = box;
        const wrap = h("label", { "data-name": n }, box, h("span", { i18n: `f.${n}` }));
        wrapOf[n] = wrap;
        return wrap;
      }),
    ),
    field("source", textInputs.source),
    h("div", { class: "actions" }, save, submitReview, publish, archive),
  );
  wrapOf.location = wrapOf.lat;
  ed.replaceChildren(form, auditSlot);

  // --- form <-> document --------------------------------------------------------------
  const fill = (d: Doc) => {
    for (const n of TEXT_FIELDS) (inputs[n] as HTMLInputElement).value = d[n] ?? "";
    for (const n of AREA_FIELDS) (inputs[n] as HTMLTextAreaElement).value = d[n] ?? "";
    for (const n of NUMBER_FIELDS) (inputs[n] as HTMLInputElement).value = d[n] == null ? "" : String(d[n]);
    for (const n of BOOL_FIELDS) (inputs[n] as HTMLInputElement).checked = Boolean(d[n]);
    province.value = d.province ?? "";
    kind.value = d.kind ?? "attraction";
    subtype.value = d.subtype ?? "";
    categories.value = (d.categories ?? []).join(", ");
    confidence.value = d.coord_confidence ?? "";
    lon.value = String(d.location.coordinates[0]);
    lat.value = String(d.location.coordinates[1]);
    placeMarker(d.location.coordinates);
  };
  const read = (): Doc => ({
    ...byKey(TEXT_FIELDS, (n) => {
      const v = (inputs[n] as HTMLInputElement).value.trim();
      return v === "" && n !== "name_vi" && n !== "name_en" && n !== "source" ? null : v;
    }),
    ...byKey(AREA_FIELDS, (n) => (inputs[n] as HTMLTextAreaElement).value),
    ...byKey(NUMBER_FIELDS, (n) => {
      const v = (inputs[n] as HTMLInputElement).value.trim();
      return v === "" ? null : Number(v);
    }),
    ...byKey(BOOL_FIELDS, (n) => (inputs[n] as HTMLInputElement).checked),
    province: province.value,
    kind: kind.value,
    subtype: subtype.value || null,
    categories: categories.value.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean),
    coord_confidence: confidence.value || null,
    location: { type: "Point", coordinates: [Number(lon.value), Number(lat.value)] },
  });
  const setMeta = () => {
    const s = st.site;
    statusEl.textContent = s ? t(`st.${s.status}`) : t("st.draft");
    statusEl.dataset.status = s ? s.status : "new";
    statusEl.className = `status st-${s ? s.status : "draft"}`;
    versionEl.textContent = s ? `v${s.version} ${st.etag ?? ""}` : "—";
    versionEl.dataset.version = s ? String(s.version) : "";
    versionEl.dataset.etag = st.etag ?? "";
    for (const b of [submitReview, publish, archive]) b.disabled = st.isNew;
    if (s) {
      submitReview.disabled = s.status !== "draft";
      publish.disabled = s.status === "published";
      archive.disabled = s.status === "archived";
    }
  };

  // --- errors -------------------------------------------------------------------------
  const clearErrors = () => {
    form.querySelectorAll("[data-testid=field-error]").forEach((e) => e.remove());
    form.querySelectorAll(".has-error").forEach((e) => e.classList.remove("has-error"));
    formError.hidden = true;
    formError.replaceChildren();
  };
  const showError = (err: unknown) => {
    clearErrors();
    const p = toProblem(err);
    const leftovers: string[] = [];
    const fieldErrors = (p.errors ?? []).filter((e) => !e.in || e.in === "body");
    if (p.status === 422 && fieldErrors.length) {
      for (const e of fieldErrors) {
        const name = e.name.split(".")[0];
        const wrap = wrapOf[name];
        if (!wrap) {
          leftovers.push(`${e.name}: ${e.reason}`);
          continue;
        }
        wrap.classList.add("has-error");
        wrap.append(h("div", { class: "field-error", testid: "field-error", "data-field": name }, e.reason));
      }
      if (leftovers.length) {
        formError.replaceChildren(h("strong", {}, p.title), h("ul", {}, ...leftovers.map((x) => h("li", {}, x))));
        formError.dataset.status = String(p.status);
        formError.hidden = false;
      }
      form.querySelector(".has-error")?.scrollIntoView({ block: "center", behavior: "smooth" });
      return;
    }
    formError.replaceChildren(formErrorText(err));
    formError.dataset.status = String(p.status);
    formError.hidden = false;
  };

  // --- map ----------------------------------------------------------------------------
  const placeMarker = (c: [number, number]) => {
    if (!mapView.map) {
      void mapView.ready.then(() => form.isConnected && mapView.map && placeMarker(c));
      return;
    }
    if (!form.isConnected) return;
    if (!marker) {
      const added = mapView.addMarker(c, { draggable: true, color: "#e11d48" });
      marker = added;
      added?.on("dragend", () => {
        const ll = added.getLngLat();
        lon.value = ll.lng.toFixed(5);
        lat.value = ll.lat.toFixed(5);
      });
    } else marker.setLngLat(c);
  };
  for (const inp of [lon, lat]) {
    inp.addEventListener("change", () => {
      const c: [number, number] = [Number(lon.value), Number(lat.value)];
      if (c.every((x) => Number.isFinite(x))) placeMarker(c);
    });
  }
  mapView.onMapClick((x, y) => {
    lon.value = String(x);
    lat.value = String(y);
    placeMarker([x, y]);
  });
  mapView.onSiteClick(null);

  // --- writes -------------------------------------------------------------------------
  const afterWrite = (data: CuratedSite, etag: string | null) => {
    st.site = data;
    st.base = docFromSite(data);
    st.etag = etag;
    st.slug = data.slug;
    fill(st.base);
    setMeta();
    conflictSlot.replaceChildren();
    void loadAudit();
    void loadList();
  };

  const doSave = async (): Promise<void> => {
    clearErrors();
    const mine = read();
    if (st.isNew) {
      const body: Partial<Doc> & { slug: string } = { slug: slugInput.value.trim(), ...mine };
      for (const k of ["district", "opening_hours", "ticket_price_vnd", "coord_confidence", "subtype"] as const) if (body[k] === null) delete body[k];
      try {
        save.disabled = true;
        const { data, etag } = await api<CuratedSite>("/v1/sites", { method: "POST", body, auth: true });
        toast(t("cur.created"));
        st.isNew = false;
        afterWrite(data, etag);
        location.hash = `#/curate/${encodeURIComponent(data.slug)}`;
      } catch (err) {
        showError(err);
      } finally {
        save.disabled = false;
      }
      return;
    }
    const patch = diff(mine, st.base!);
    if (!Object.keys(patch).length) {
      toast(t("cur.nochange"));
      return;
    }
    try {
      save.disabled = true;
      const { data, etag } = await api<CuratedSite>(`/v1/sites/${encodeURIComponent(st.slug)}`, {
        method: "PATCH",
        body: patch,
        contentType: "application/merge-patch+json",
        ifMatch: st.etag,
        auth: true,
      });
      toast(t("cur.saved"));
      afterWrite(data, etag);
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 412) await showConflict(mine);
      else showError(err);
    } finally {
      save.disabled = false;
    }
  };

  const transition = async (action: "submit" | "publish" | "archive") => {
    clearErrors();
    try {
      const { data, etag } = await api<CuratedSite>(`/v1/sites/${encodeURIComponent(st.slug)}/${action}`, { method: "POST", ifMatch: st.etag, auth: true });
      // Keep unsaved edits in the form: only the status and version change.
      const mine = read();
      const pending = diff(mine, st.base!);
      afterWrite(data, etag);
      if (Object.keys(pending).length) fill({ ...st.base!, ...pending });
      toast(`${t("cur.transitioned")}: ${t(`st.${data.status}`)}`);
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 412) await showConflict(read());
      else showError(err);
    }
  };
  submitReview.addEventListener("click", () => void transition("submit"));
  publish.addEventListener("click", () => void transition("publish"));
  archive.addEventListener("click", () => void transition("archive"));

  // --- conflicts ----------------------------------------------------------------------
  const showConflict = async (mine: Doc) => {
    let theirs: CuratedSite, theirsEtag: string | null;
    try {
      const res = await api<CuratedSite>(`/v1/curation/sites/${encodeURIComponent(st.slug)}`, { auth: true });
      theirs = res.data;
      theirsEtag = res.etag;
    } catch (err) {
      showError(err);
      return;
    }
    const theirsDoc = docFromSite(theirs);
    const myChanges = diff(mine, st.base!);
    const rows = DOC_FIELDS.filter((k) => k in myChanges || !same(theirsDoc[k], st.base![k]));
    const table = h(
      "table",
      { class: "conflict-table" },
      h("thead", {}, h("tr", {}, h("th", { i18n: "cur.field" }), h("th", { i18n: "cur.mine" }), h("th", { i18n: "cur.theirs" }))),
      h(
        "tbody",
        {},
        ...rows.map((k) => {
          const differ = !same(mine[k], theirsDoc[k]);
          return h(
            "tr",
            { class: differ ? "differs" : "", "data-field": k, "data-differs": differ ? "true" : "false" },
            h("th", {}, fieldLabel(k)),
            h("td", { class: "mine" }, show(mine[k])),
            h("td", { class: "theirs" }, show(theirsDoc[k])),
          );
        }),
      ),
    );
    const mineBox = h(
      "div",
      { class: "conflict-side", testid: "conflict-mine", "data-version": st.site?.version ?? "" },
      h("strong", { i18n: "cur.mine" }),
      ` (v${st.site?.version ?? "?"} + ${Object.keys(myChanges).length})`,
      h("ul", { class: "small" }, ...DOC_FIELDS.filter((k) => k in myChanges).map((k) => h("li", { "data-field": k }, fieldLabel(k), `: ${show(myChanges[k])}`))),
    );
    const theirsBox = h(
      "div",
      { class: "conflict-side", testid: "conflict-theirs", "data-version": theirs.version },
      h("strong", { i18n: "cur.theirs" }),
      ` (v${theirs.version}, ${theirs.status})`,
      h(
        "ul",
        { class: "small" },
        ...DOC_FIELDS.filter((k) => !same(theirsDoc[k], st.base![k])).map((k) => h("li", { "data-field": k }, fieldLabel(k), `: ${show(theirsDoc[k])}`)),
      ),
    );
    const reapply = h("button", { type: "button", class: "primary", testid: "conflict-reapply", i18n: "cur.reapply" });
    const discard = h("button", { type: "button", testid: "conflict-discard", i18n: "cur.discard" });
    reapply.addEventListener("click", () => {
      st.site = theirs;
      st.base = theirsDoc;
      st.etag = theirsEtag;
      fill({ ...theirsDoc, ...myChanges });
      setMeta();
      conflictSlot.replaceChildren();
      void doSave();
    });
    discard.addEventListener("click", () => {
      afterWrite(theirs, theirsEtag);
      toast(t("cur.discard"));
    });
    conflictSlot.replaceChildren(
      h(
        "div",
        { class: "conflict-panel card warn", testid: "conflict-panel", role: "alert" },
        h("h4", { i18n: "cur.conflict" }),
        h("p", { class: "small", i18n: "cur.conflict_help" }),
        table,
        h("div", { class: "conflict-sides" }, mineBox, theirsBox),
        h("div", { class: "actions" }, reapply, discard),
      ),
    );
    conflictSlot.scrollIntoView({ block: "start", behavior: "smooth" });
  };

  // --- audit --------------------------------------------------------------------------
  const loadAudit = async () => {
    if (st.isNew || !st.slug) {
      auditSlot.replaceChildren();
      return;
    }
    const list = h("ol", { class: "audit-trail", testid: "audit-trail" });
    auditSlot.replaceChildren(h("h3", { i18n: "cur.audit" }), list);
    try {
      const { data } = await api<AuditPage>(`/v1/audit${qs({ resource: `site:${st.slug}`, limit: 100 })}`, { auth: true });
      list.replaceChildren(
        ...data.items.map((e) => {
          const { before, after } = e;
          const changed = before && after ? Object.keys(after).filter((k) => !same(before[k], after[k]) && !["updated_at", "version"].includes(k)) : [];
          return h(
            "li",
            { class: "audit-entry", testid: "audit-entry", "data-action": e.action, "data-principal": e.principal },
            h("div", {}, h("strong", {}, e.action), " · ", e.principal, e.role ? ` (${e.role})` : ""),
            h("div", { class: "small muted" }, new Date(e.at).toLocaleString(document.documentElement.lang === "vi" ? "vi-VN" : "en-GB")),
            changed.length ? h("div", { class: "small" }, `${t("cur.audit_fields")}: ${changed.join(", ")}`) : null,
          );
        }),
      );
      if (!data.items.length) list.append(h("li", { class: "muted", i18n: "cur.audit_none" }));
    } catch (err) {
      list.replaceChildren(h("li", { class: "muted" }, toProblem(err).detail ?? ""));
    }
  };

  fill(initial);
  setMeta();
  void loadAudit();
  if (!st.isNew) mapView.flyTo(initial.location.coordinates, 11);
  else void mapView.ready.then(() => {
    placeMarker(initial.location.coordinates);
    mapView.flyTo(initial.location.coordinates, 10);
  });
}
