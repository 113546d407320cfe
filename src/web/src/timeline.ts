// The day-by-day timeline of an itinerary document (POST /v1/itineraries, or a tour's
// `itinerary`), and its drawing on the map: each day its own colour, stops numbered,
// overnights marked; a convoy's breaks (fuel ⛽ / meal 🍴) interleaved with the visits by
// time, and marked on the map.

import type { Itinerary, ItineraryBreak, ItineraryConvoy, ItineraryDay, ItineraryLeg, ItineraryPlace, ItineraryStop } from "./api";
import { symbolImg, symbolSvg } from "./icons";
import { fmtDuration, fmtKm, fmtTime, pick, t } from "./i18n";
import * as mapView from "./map";
import { DAY_COLOURS, h } from "./ui";

/** What the timeline reads of an itinerary: a composed one (Itinerary) or a tour's (asItinerary). */
export type TimelineDoc = Partial<Pick<Itinerary, "days" | "totals" | "convoy">>;

export function dayColour(day: number): string {
  return DAY_COLOURS[(day - 1) % DAY_COLOURS.length];
}

function placeName(p: ItineraryPlace | null | undefined): string {
  if (!p) return "";
  if (p.name_vi || p.name_en) return pick(p);
  if (p.site) return p.site;
  return Array.isArray(p.location) ? p.location.map((x) => x.toFixed(4)).join(", ") : String(p.id ?? "");
}

const BREAK_EMOJI: Record<string, string> = { fuel: "⛽", meal: "🍴" };

function near(a: unknown, b: unknown): boolean {
  return (
    Array.isArray(a) && Array.isArray(b) && Math.abs(Number(a[0]) - Number(b[0])) < 5e-3 && Math.abs(Number(a[1]) - Number(b[1])) < 5e-3
  );
}

/** The leg that leads to a break: by id or slug, else the leg whose line ends at the place. */
function legToBreak(legs: ItineraryLeg[], b: ItineraryBreak, used: Set<ItineraryLeg>): ItineraryLeg | undefined {
  const place: Partial<ItineraryPlace> = b.place ?? {};
  const ids = [place.id, place.site].filter(Boolean);
  const endsThere = (l: ItineraryLeg) => {
    const c = l.geometry?.coordinates;
    return Array.isArray(c) && c.length > 1 && near(c[c.length - 1], place.location) && !near(c[0], place.location);
  };
  return legs.find((l) => !used.has(l) && ids.includes(l.to)) ?? legs.find((l) => !used.has(l) && endsThere(l));
}

/** Visits and breaks of a day in time order (a break on a stop's arrival comes after it). */
function dayEvents(d: ItineraryDay): ({ kind: "stop"; stop: ItineraryStop; index: number } | { kind: "break"; brk: ItineraryBreak })[] {
  const stops = d.stops ?? [];
  const breaks = d.breaks ?? [];
  const events = [
    ...stops.map((stop, index) => ({ kind: "stop" as const, stop, index, at: String(stop.arrival ?? stop.visit_start ?? ""), order: 0 })),
    ...breaks.map((brk) => ({ kind: "break" as const, brk, at: String(brk.start ?? ""), order: 1 })),
  ];
  // ISO times of one day in one offset sort as strings; ties keep the stop first.
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order));
  return events;
}

function breakItem(b: ItineraryBreak, legs: ItineraryLeg[], used: Set<ItineraryLeg>): HTMLElement {
  const type = b.type === "meal" ? "meal" : "fuel";
  const leg = legToBreak(legs, b, used);
  if (leg) used.add(leg);
  const place = b.place;
  const note = pick(b, "note");
  const reason = b.reason ? t(`break.${b.reason}`) : "";
  return h(
    "li",
    {
      class: `timeline-break ${type}`,
      testid: "timeline-break",
      "data-type": type,
      "data-reason": b.reason ?? "",
      "data-slug": place?.site ?? "",
      "data-start": b.start ?? "",
      "data-end": b.end ?? "",
      "data-near-route": b.near_route === false ? "false" : "true",
      "data-icon": BREAK_EMOJI[type],
      "aria-label": `${BREAK_EMOJI[type]} ${t(`break.${type}`)}`,
    },
    leg ? h("div", { class: "leg small muted" }, `↓ ${fmtKm(leg.distance_m)} · ${fmtDuration(leg.duration_s)}`) : null,
    h(
      "div",
      { class: "stop-row" },
      symbolImg(type, 20, BREAK_EMOJI[type]),
      h("span", { class: "stop-time" }, `${fmtTime(b.start)}–${fmtTime(b.end)}`),
      h(
        "span",
        { class: "break-what" },
        h("strong", {}, t(`break.${type}`)),
        reason && reason !== t(`break.${type}`).toLowerCase() ? ` (${reason})` : "",
        " · ",
        place?.site ? h("a", { class: "stop-name", href: `#/explore?site=${encodeURIComponent(place.site)}` }, placeName(place)) : placeName(place),
      ),
    ),
    // The API's note says why (e.g. no meal stop within reach); without one, say it is a detour.
    note || b.near_route === false ? h("div", { class: "break-note small muted" }, note || t("break.off_route")) : null,
  );
}

export function renderTimeline(doc: TimelineDoc): HTMLElement {
  const days = doc.days ?? [];
  const el = h("ol", { class: "timeline", testid: "timeline" });
  for (const d of days) {
    const colour = dayColour(d.day);
    const legs = d.legs ?? [];
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
    const hasBreaks = (d.breaks ?? []).length > 0;
    const used = new Set<ItineraryLeg>();
    for (const ev of dayEvents(d)) {
      if (ev.kind === "break") {
        list.append(breakItem(ev.brk, legs, used));
        continue;
      }
      const s = ev.stop;
      const i = ev.index;
      // With breaks the legs no longer line up with the stops: only the one leading here.
      const leg = legs.find((l) => !used.has(l) && l.to === s.id) ?? (hasBreaks ? undefined : legs[i]);
      if (leg) used.add(leg);
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
    }
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
export function drawItinerary(doc: TimelineDoc): void {
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
    (d.stops ?? []).forEach((s, i) => {
      if (!Array.isArray(s.location)) return;
      mapView.addMarker(s.location, { html: String(i + 1), className: "stop-marker", color: colour, title: `${t("common.day")} ${d.day}: ${placeName(s)}` });
      all.push(s.location);
    });
    // A break without a location of its own is where the convoy is: the last place before it.
    let last = d.start?.location ?? null;
    for (const ev of dayEvents(d)) {
      if (ev.kind === "stop") {
        last = ev.stop.location ?? last;
        continue;
      }
      const b = ev.brk;
      const loc = Array.isArray(b.place?.location) ? b.place.location : last;
      if (!Array.isArray(loc)) continue;
      last = loc;
      const type = b.type === "meal" ? "meal" : "fuel";
      mapView.addMarker(loc, {
        html: symbolSvg(type, 18),
        className: `break-marker ${type}`,
        title: `${t("common.day")} ${d.day} · ${fmtTime(b.start)} ${BREAK_EMOJI[type]} ${t(`break.${type}`)}: ${placeName(b.place)}`,
      });
    }
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

export function totalsLine(doc: TimelineDoc): HTMLElement {
  const tot: Partial<NonNullable<TimelineDoc["totals"]>> = doc.totals ?? {};
  const convoy = doc.convoy;
  return h(
    "div",
    { class: "totals" },
    h("strong", { i18n: "compose.totals" }),
    `: ${fmtKm(tot.distance_m ?? 0)} · ${fmtDuration(tot.driving_s ?? 0)} ${t("compose.driving")} · ${tot.visits ?? 0} ${t("compose.visits")}`,
    convoy ? convoyLine(convoy) : null,
  );
}

/** "Đoàn caravan tự lái: 4 ô tô, 2 xe máy · thời gian lái ×1.15". */
export function convoyLine(convoy: ItineraryConvoy): HTMLElement {
  const parts = [`${convoy.cars ?? 0} ${t("compose.convoy_cars_n")}`];
  if (convoy.motorbikes) parts.push(`${convoy.motorbikes} ${t("compose.convoy_motorbikes_n")}`);
  const factor = typeof convoy.factor === "number" ? ` · ${t("compose.convoy_factor")}${convoy.factor.toFixed(2)}` : "";
  return h(
    "div",
    { class: "convoy-summary small", testid: "convoy-summary", "data-cars": convoy.cars ?? 0, "data-motorbikes": convoy.motorbikes ?? 0, "data-factor": convoy.factor ?? "" },
    h("strong", {}, t("veh.convoy")),
    `: ${parts.join(", ")}${factor}`,
  );
}
