// The day-by-day timeline of an itinerary document (POST /v1/itineraries, or a tour's
// `itinerary`), and its drawing on the map: each day its own colour, stops numbered,
// overnights marked.

import { fmtDuration, fmtKm, fmtTime, pick, t } from "./i18n";
import * as mapView from "./map";
import { DAY_COLOURS, h } from "./ui";

export function dayColour(day: number): string {
  return DAY_COLOURS[(day - 1) % DAY_COLOURS.length];
}

function placeName(p: any): string {
  if (!p) return "";
  if (p.name_vi || p.name_en) return pick(p);
  if (p.site) return p.site;
  return Array.isArray(p.location) ? p.location.map((x: number) => x.toFixed(4)).join(", ") : String(p.id ?? "");
}

export function renderTimeline(doc: any): HTMLElement {
  const days: any[] = doc.days ?? [];
  const el = h("ol", { class: "timeline", testid: "timeline" });
  for (const d of days) {
    const colour = dayColour(d.day);
    const stops: any[] = d.stops ?? [];
    const legs: any[] = d.legs ?? [];
    const dayEl = h(
      "li",
      { class: "timeline-day", testid: "timeline-day", "data-day": d.day, style: `--day:${colour}` },
      h(
        "div",
        { class: "day-head" },
        h("span", { class: "day-badge", style: `background:${colour}` }, `${t("common.day")} ${d.day}`),
        h("span", { class: "day-date" }, d.date ?? ""),
        d.totals
          ? h("span", { class: "day-totals muted small" }, `${fmtKm(d.totals.distance_m ?? 0)} · ${fmtDuration(d.totals.driving_s ?? 0)} ${t("compose.driving")}`)
          : null,
      ),
      d.start
        ? h("div", { class: "tl-start small muted" }, `${t("compose.depart")} ${fmtTime(d.start.departure)} · ${placeName(d.start)}`)
        : null,
    );
    const list = h("ol", { class: "stops" });
    stops.forEach((s, i) => {
      const leg = legs.find((l) => l.to === s.id) ?? legs[i];
      list.append(
        h(
          "li",
          { class: "timeline-stop", testid: "timeline-stop", "data-slug": s.site ?? s.id ?? "" },
          leg ? h("div", { class: "leg small muted" }, `↓ ${fmtKm(leg.distance_m)} · ${fmtDuration(leg.duration_s)}`) : null,
          h(
            "div",
            { class: "stop-row" },
            h("span", { class: "stop-num", style: `background:${colour}` }, String(i + 1)),
            h("span", { class: "stop-time" }, `${fmtTime(s.arrival ?? s.visit_start)}–${fmtTime(s.departure)}`),
            h("a", { class: "stop-name", href: `#/explore?site=${encodeURIComponent(s.site ?? s.id)}` }, placeName(s)),
          ),
          s.wait_s ? h("div", { class: "small muted" }, `⏳ ${fmtDuration(s.wait_s)}`) : null,
        ),
      );
    });
    dayEl.append(list);
    const overnight = d.overnight;
    const endArrival = d.end?.arrival;
    dayEl.append(
      h(
        "div",
        { class: overnight ? "timeline-overnight" : "timeline-overnight none", testid: "timeline-overnight", "data-slug": overnight?.site ?? overnight?.id ?? "" },
        h("span", { class: "moon" }, "☾"),
        overnight
          ? h("span", {}, `${t("compose.overnight_at")}: ${placeName(overnight)}${endArrival ? ` (${fmtTime(endArrival)})` : ""}`)
          : d.end
            ? h("span", {}, `${t("compose.arrive_end")} ${fmtTime(endArrival)} · ${placeName(d.end)}`)
            : h("span", { i18n: "compose.no_overnight" }),
      ),
    );
    el.append(dayEl);
  }
  return el;
}

/** Draw the itinerary on the shared map and fit it. */
export function drawItinerary(doc: any): void {
  if (!mapView.map) {
    void mapView.ready.then(() => mapView.map && drawItinerary(doc));
    return;
  }
  mapView.clearOverlays();
  const lines: mapView.OverlayLine[] = [];
  const all: number[][] = [];
  for (const d of doc.days ?? []) {
    const colour = dayColour(d.day);
    for (const leg of d.legs ?? []) {
      const coords = leg.geometry?.coordinates;
      if (Array.isArray(coords) && coords.length) {
        lines.push({ coordinates: coords, color: colour, width: 5 });
        all.push(...coords);
      }
    }
    (d.stops ?? []).forEach((s: any, i: number) => {
      if (!Array.isArray(s.location)) return;
      mapView.addMarker(s.location, { html: String(i + 1), className: "stop-marker", color: colour, title: `${t("common.day")} ${d.day}: ${placeName(s)}` });
      all.push(s.location);
    });
    if (d.overnight && Array.isArray(d.overnight.location)) {
      mapView.addMarker(d.overnight.location, { html: "☾", className: "night-marker", title: `${t("compose.overnight_at")}: ${placeName(d.overnight)}` });
    }
    if (d.day === 1 && Array.isArray(d.start?.location)) {
      mapView.addMarker(d.start.location, { html: "A", className: "pin pin-a", title: placeName(d.start) });
    }
  }
  const lastDay = (doc.days ?? [])[(doc.days ?? []).length - 1];
  if (lastDay && !lastDay.overnight && Array.isArray(lastDay.end?.location)) {
    mapView.addMarker(lastDay.end.location, { html: "B", className: "pin pin-b", title: placeName(lastDay.end) });
  }
  mapView.setLines(lines);
  mapView.fitTo(all, 12);
}

export function totalsLine(doc: any): HTMLElement {
  const tot = doc.totals ?? {};
  return h(
    "div",
    { class: "totals" },
    h("strong", { i18n: "compose.totals" }),
    `: ${fmtKm(tot.distance_m ?? 0)} · ${fmtDuration(tot.driving_s ?? 0)} ${t("compose.driving")} · ${tot.visits ?? 0} ${t("compose.visits")}`,
  );
}
