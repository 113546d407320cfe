// The day-by-day timeline of an itinerary document (POST /v1/itineraries, or a tour's
// `itinerary`), and its drawing on the map: each day its own colour, stops numbered,
// overnights marked; a convoy's breaks (fuel ⛽ / meal 🍴) interleaved with the visits by
// time, and marked on the map.

import type { Itinerary, ItineraryBreak, ItineraryConvoy, ItineraryDay, ItineraryLeg, ItineraryPlace, ItineraryStop } from "./api";
import { symbolImg, symbolSvg } from "./icons";
import { fmtDuration, fmtKm, fmtTime, pick, t } from "./i18n";
import * as mapView from "./map";
import { planPlaceNow, planPlaceSpan } from "./places";
import { DAY_COLOURS, h } from "./ui";

/** What the timeline reads of an itinerary: a composed one (Itinerary) or a tour's (asItinerary). */
export type TimelineDoc = Partial<Pick<Itinerary, "days" | "totals" | "convoy">>;

export function dayColour(day: number): string {
  return DAY_COLOURS[(day - 1) % DAY_COLOURS.length];
}

/** A place's name at once (marker titles): its names, else formatted coordinates. */
function placeName(p: ItineraryPlace | null | undefined): string {
  return planPlaceNow(p);
}

const BREAK_EMOJI: Record<string, string> = { fuel: "⛽", meal: "🍴" };

function near(a: unknown, b: unknown): boolean {
  return (
    Array.isArray(a) && Array.isArray(b) && Math.abs(Number(a[0]) - Number(b[0])) < 5e-3 && Math.abs(Number(a[1]) - Number(b[1])) < 5e-3
  );
}

/** Where an event of the day is: the ids a leg's `to` may name, and its location. */
function eventPlace(ev: DayEvent): { ids: string[]; location: unknown } {
  if (ev.kind === "stop") return { ids: [ev.stop.id, ev.stop.site].filter((x): x is string => Boolean(x)), location: ev.stop.location };
  const place: Partial<ItineraryPlace> = ev.brk.place ?? {};
  return { ids: [place.id, place.site].filter((x): x is string => Boolean(x)), location: place.location };
}

/**
 * The legs of a day split among its events. The legs are a chain (each leaves where the
 * previous one arrived), so they are handed out in order: an event gets every leg not yet
 * shown up to the one that reaches it (by id or slug; a break without one: the leg whose
 * line ends there). An event no leg reaches (the first visit at the day's start) gets none;
 * what is left (the drive to the night's place or the day's end) goes before the overnight
 * line. So every leg is shown once, in order, and the day's totals are their sum.
 */
export function splitLegs(legs: ItineraryLeg[], events: DayEvent[]): { before: ItineraryLeg[][]; after: ItineraryLeg[] } {
  let next = 0;
  const before = events.map((ev) => {
    const { ids, location } = eventPlace(ev);
    const endsThere = (l: ItineraryLeg) => {
      const c = l.geometry?.coordinates;
      return Array.isArray(c) && c.length > 1 && near(c[c.length - 1], location) && !near(c[0], location);
    };
    let j = legs.findIndex((l, k) => k >= next && ids.includes(l.to));
    if (j < 0 && ev.kind === "break") j = legs.findIndex((l, k) => k >= next && endsThere(l));
    if (j < 0) return [];
    const mine = legs.slice(next, j + 1);
    next = j + 1;
    return mine;
  });
  return { before, after: legs.slice(next) };
}

function legItem(leg: ItineraryLeg): HTMLElement {
  return h(
    "div",
    {
      class: "leg small muted",
      testid: "timeline-leg",
      "data-from": leg.from,
      "data-to": leg.to,
      "data-distance-m": leg.distance_m,
      "data-duration-s": leg.duration_s,
    },
    `↓ ${fmtKm(leg.distance_m)} · ${fmtDuration(leg.duration_s)}`,
  );
}

/** Visits and breaks of a day in time order (a break on a stop's arrival comes after it). */
type DayEvent = { kind: "stop"; stop: ItineraryStop; index: number } | { kind: "break"; brk: ItineraryBreak };

function dayEvents(d: ItineraryDay): DayEvent[] {
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

function breakItem(b: ItineraryBreak, legs: ItineraryLeg[]): HTMLElement {
  const type = b.type === "meal" ? "meal" : "fuel";
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
    ...legs.map(legItem),
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
        place?.site ? h("a", { class: "stop-name", href: `#/explore?site=${encodeURIComponent(place.site)}` }, planPlaceSpan(place)) : planPlaceSpan(place),
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
    const events = dayEvents(d);
    const { before, after } = splitLegs(legs, events);
    // The day's totals are those of the legs it shows (the API's day totals are the same sum).
    const distance = legs.reduce((sum, l) => sum + (l.distance_m ?? 0), 0);
    const driving = legs.reduce((sum, l) => sum + (l.duration_s ?? 0), 0);
    const dayEl = h(
      "li",
      { class: "timeline-day", testid: "timeline-day", "data-day": d.day, style: `--day:${colour}` },
      h(
        "div",
        { class: "day-head" },
        h("span", { class: "day-badge", style: `background:${colour}` }, `${t("common.day")} ${d.day}`),
        h("span", { class: "day-date" }, d.date ?? ""),
        h(
          "span",
          { class: "day-totals muted small", testid: "timeline-day-totals", "data-distance-m": distance, "data-duration-s": driving },
          `${fmtKm(distance)} · ${fmtDuration(driving)} ${t("compose.driving")}`,
        ),
      ),
      d.start ? h("div", { class: "tl-start small muted" }, `${t("compose.depart")} ${fmtTime(d.start.departure)} · `, planPlaceSpan(d.start)) : null,
    );
    const list = h("ol", { class: "stops" });
    events.forEach((ev, k) => {
      if (ev.kind === "break") {
        list.append(breakItem(ev.brk, before[k]));
        return;
      }
      const s = ev.stop;
      const i = ev.index;
      list.append(
        h(
          "li",
          { class: "timeline-stop", testid: "timeline-stop", "data-slug": s.site ?? s.id ?? "" },
          ...before[k].map(legItem),
          h(
            "div",
            { class: "stop-row" },
            h("span", { class: "stop-num", style: `background:${colour}` }, String(i + 1)),
            h("span", { class: "stop-time" }, `${fmtTime(s.arrival ?? s.visit_start)}–${fmtTime(s.departure)}`),
            h("a", { class: "stop-name", href: `#/explore?site=${encodeURIComponent(s.site ?? s.id)}` }, planPlaceSpan(s)),
          ),
          s.wait_s ? h("div", { class: "small muted" }, `⏳ ${fmtDuration(s.wait_s)}`) : null,
        ),
      );
    });
    dayEl.append(list);
    // The drive to the night's place (or the day's end) comes last.
    if (after.length) dayEl.append(h("div", { class: "tl-last-legs", title: t("compose.last_drive") }, ...after.map(legItem)));
    const overnight = d.overnight;
    const endArrival = d.end?.arrival;
    dayEl.append(
      h(
        "div",
        { class: overnight ? "timeline-overnight" : "timeline-overnight none", testid: "timeline-overnight", "data-slug": overnight?.site ?? overnight?.id ?? "" },
        h("span", { class: "moon" }, "☾"),
        overnight
          ? h("span", {}, `${t("compose.overnight_at")}: `, planPlaceSpan(overnight), endArrival ? ` (${fmtTime(endArrival)})` : "")
          : d.end
            ? h("span", {}, `${t("compose.arrive_end")} ${fmtTime(endArrival)} · `, planPlaceSpan(d.end))
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
