// Turn-by-turn directions of a route (GET /v1/routes?steps=true): an ordered list per leg,
// each step with an arrow for its maneuver, the instruction in the UI language and the
// distance driven after it. Clicking a step flies the map to where it is.

import type { RouteOption, RouteStep } from "./api";
import { fmtDuration, lang, t } from "./i18n";
import * as mapView from "./map";
import { h } from "./ui";

/** The arrow drawn for a step: by its modifier, or by its type for depart/arrive/roundabout. */
const ARROWS: Record<string, string> = {
  depart: "●",
  arrive: "⚑",
  roundabout: "⟲",
  straight: "↑",
  "slight left": "↖",
  "slight right": "↗",
  left: "←",
  right: "→",
  "sharp left": "↙",
  "sharp right": "↘",
  uturn: "↶",
};

/** "350 m" under a kilometre, else "2.3 km" / "148 km" (what a driver reads at a glance). */
export function fmtStepDistance(m: number): string {
  if (m < 1000) return `${Math.round(m / 10) * 10} m`;
  const km = m / 1000;
  const text = km >= 10 ? km.toFixed(0) : km.toFixed(1);
  return `${lang() === "vi" ? text.replace(".", ",") : text} km`;
}

function instruction(step: RouteStep): string {
  return lang() === "vi" ? step.instruction_vi : step.instruction_en;
}

function stepItem(step: RouteStep, index: number): HTMLElement {
  const arrow = ARROWS[step.type === "turn" || step.type === "continue" ? (step.modifier ?? "straight") : step.type] ?? "↑";
  // The time only from a minute up: "250 m · 0 min" says nothing.
  const time = step.duration_s >= 60 ? ` · ${fmtDuration(step.duration_s)}` : "";
  const meta = step.type === "arrive" ? "" : `${fmtStepDistance(step.distance_m)}${time}`;
  return h(
    "li",
    {
      testid: "direction",
      class: `direction ${step.type}`,
      "data-index": index,
      "data-type": step.type,
      "data-modifier": step.modifier ?? "",
      "data-distance-m": step.distance_m,
      tabindex: 0,
      i18nTitle: "dir.show",
      onclick: () => mapView.flyTo(step.location, 15),
    },
    h("span", { class: "dir-arrow", "aria-hidden": "true" }, arrow),
    h("span", { class: "dir-text" }, instruction(step)),
    meta ? h("span", { class: "dir-meta" }, meta) : null,
  );
}

/** The directions card of a route (empty and hidden when it came without steps). */
export function directionsCard(route: RouteOption): HTMLElement {
  const legs = route.legs.filter((leg) => leg.steps?.length);
  if (!legs.length) return h("div", { class: "card directions", testid: "route-directions", hidden: true });
  let index = 0;
  return h(
    "div",
    { class: "card directions", testid: "route-directions" },
    h("h3", { i18n: "dir.title" }),
    ...legs.map((leg, i) =>
      h(
        "section",
        { class: "dir-leg", testid: "direction-leg" },
        legs.length > 1 ? h("h4", { class: "small" }, `${t("dir.leg")} ${i + 1}: ${leg.from} → ${leg.to}`) : null,
        h("ol", { class: "dir-steps" }, ...(leg.steps ?? []).map((step) => stepItem(step, index++))),
      ),
    ),
  );
}
