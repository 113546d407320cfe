// The console shell: top bar (nav, language toggle), the shared map, the screen panel,
// and a tiny hash router (#/explore, #/route, #/compose, #/catalogue, #/tours/{slug},
// #/curate[/{slug}|/new]).

import "./style.css";

import { initLang, lang, setLang, t, translate } from "./i18n";
import * as mapView from "./map";
import { h } from "./ui";
import * as explore from "./screens/explore";
import * as route from "./screens/route";
import * as compose from "./screens/compose";
import * as catalogue from "./screens/catalogue";
import * as curate from "./screens/curate";

export interface RouteInfo {
  screen: string;
  parts: string[];
  params: URLSearchParams;
}

export interface Screen {
  mount(panel: HTMLElement, r: RouteInfo): void;
  update?(r: RouteInfo): boolean;
  unmount?(): void;
}

const SCREENS: Record<string, Screen> = {
  explore,
  route,
  compose,
  catalogue,
  tours: catalogue,
  curate,
};
const NAV = ["explore", "route", "compose", "catalogue", "curate"];

function parseHash(): RouteInfo {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, query = ""] = raw.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const screen = parts[0] && SCREENS[parts[0]] ? parts[0] : "explore";
  return { screen, parts: parts.slice(1), params: new URLSearchParams(query) };
}

initLang();

const app = document.getElementById("app")!;
const nav = h(
  "nav",
  { class: "nav", "aria-label": "main" },
  ...NAV.map((s) => h("a", { href: `#/${s}`, testid: `nav-${s}`, "data-screen": s, i18n: `nav.${s}` })),
);
const langButton = h("button", {
  type: "button",
  class: "lang-toggle",
  testid: "lang-toggle",
  i18n: "lang.switch",
  i18nTitle: "lang.switch.title",
  onclick: () => setLang(lang() === "vi" ? "en" : "vi"),
});
const mapEl = h("div", { id: "map", class: "map", testid: "map", "data-ready": "false" });
const legend = h("details", { class: "legend" });
const panel = h("section", { class: "panel", id: "panel" });
const drawerToggle = h("button", { type: "button", class: "drawer-toggle", "aria-label": "panel", onclick: () => document.body.classList.toggle("panel-collapsed") }, "⇅");

app.append(
  h(
    "header",
    { class: "topbar" },
    h("a", { class: "brand", href: "#/explore" }, h("img", { src: "/favicon.svg", alt: "" }), h(
      "span",
      { class: "brand-text" },
      h("span", { class: "brand-full", i18n: "app.title" }),
      h("span", { class: "brand-short", i18n: "app.title.short" }),
    )),
    nav,
    langButton,
  ),
  h("main", { class: "layout" }, h("div", { class: "map-wrap" }, mapEl, legend, drawerToggle), panel),
  h("div", { class: "toast", testid: "toast", hidden: true, role: "status", "aria-live": "polite" }),
);
translate();
document.title = `tourroute · ${t("app.title")}`;
window.addEventListener("langchange", () => (document.title = `tourroute · ${t("app.title")}`));

let current: { name: string; screen: Screen } | null = null;

function navigate(): void {
  const r = parseHash();
  const screen = SCREENS[r.screen];
  nav.querySelectorAll("a").forEach((a) => {
    const s = a.dataset.screen;
    a.classList.toggle("active", s === r.screen || (r.screen === "tours" && s === "catalogue"));
  });
  if (current && current.screen === screen && screen.update && screen.update(r)) {
    current.name = r.screen;
    return;
  }
  current?.screen.unmount?.();
  mapView.onMapClick(null);
  mapView.onSiteClick(null);
  mapView.clearOverlays();
  panel.replaceChildren();
  panel.scrollTop = 0;
  document.body.dataset.screen = r.screen;
  current = { name: r.screen, screen };
  screen.mount(panel, r);
  translate(panel);
}

window.addEventListener("hashchange", navigate);
if (!location.hash) history.replaceState(null, "", "#/explore");
void mapView.initMap(mapEl, legend);
navigate();
