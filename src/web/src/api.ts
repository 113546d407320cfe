// The API client: JSON in/out, Accept-Language from the UI language, the bearer token
// (sessionStorage) when signed in, RFC 9457 problems turned into ApiProblem errors.
//
// The API's types are generated from its OpenAPI document (api/schema.d.ts, by `make
// console-types`); the aliases below are what the screens use. The few answers the document
// does not describe yet are hand-written in api/manual.ts.

import type { components } from "./api/schema";
import type { Problem } from "./api/manual";
import { lang } from "./i18n";

type Schemas = components["schemas"];

export type Site = Schemas["SiteRead"];
export type SitePage = Schemas["SitePage"];
export type CuratedSite = Schemas["CuratedSiteRead"];
export type CuratedSitePage = Schemas["CuratedSitePage"];
export type SiteDraft = Schemas["SiteDraft"];
export type SiteUpdate = Schemas["SiteUpdate"];
export type SiteKind = Schemas["SiteKind"];
export type SiteType = Schemas["SiteType"];
export type SiteStatus = Schemas["SiteStatus"];
export type Category = Schemas["Category"];
export type ProvinceRef = Schemas["ProvinceRef"];
export type Tour = Schemas["TourRead"];
export type TourSummary = Schemas["TourSummary"];
export type TourPage = Schemas["TourPage"];
export type TourCreate = Schemas["TourCreate"];
export type Operator = Schemas["OperatorRead"];
export type Corridor = Schemas["CorridorRead"];
export type CorridorList = Schemas["CorridorList"];
export type RouteAnswer = Schemas["RouteResponse"];
export type RouteOption = Schemas["RouteOut"];
export type RouteBreakdown = Schemas["RouteBreakdown"];
export type RouteStep = Schemas["RouteStep"];
export type RoadCollection = Schemas["RoadCollection"];
export type RoadProperties = Schemas["RoadProperties"];
export type AuditEntry = Schemas["AuditEntryRead"];
export type AuditPage = Schemas["AuditPage"];
export type ItineraryRequest = Schemas["ItineraryRequest"];
export type Itinerary = Schemas["ItineraryDocument"];
export type ItineraryDay = Schemas["Day"];
export type ItineraryStop = Schemas["Visit"];
export type ItineraryBreak = Schemas["Break"];
export type ItineraryLeg = Schemas["Leg"];
export type ItineraryPlace = Schemas["PlanPlace"];
export type ItineraryConvoy = Schemas["PlanConvoy"];
export type Convoy = Schemas["Convoy"];
export type Meals = Schemas["Meals"];
export type Vehicle = Schemas["Vehicle"];
export type Whoami = Schemas["Me"];

export type {
  ConsoleSettings,
  Feature,
  FeatureCollection,
  Problem,
  ProvinceProperties,
  SiteFeaturePage,
  SiteProperties,
  TourItinerary,
} from "./api/manual";
export { asItinerary } from "./api/manual";

export class ApiProblem extends Error {
  constructor(
    public problem: Problem,
    public response?: Response,
  ) {
    super(problem.detail || problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
}

const TOKEN_KEY = "tourroute.token";

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* ignore */
  }
}

export interface ApiResult<T> {
  data: T;
  etag: string | null;
  response: Response;
}

export interface ApiOptions {
  method?: string;
  body?: unknown;
  contentType?: string;
  ifMatch?: string | null;
  auth?: boolean;
  accept?: string;
  token?: string | null;
  signal?: AbortSignal;
}

/** Call the API; `T` is what a 2xx answer holds (one of the types above). */
export async function api<T>(path: string, opts: ApiOptions = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = {
    Accept: opts.accept ?? "application/json, application/problem+json",
    "Accept-Language": lang(),
  };
  const token = opts.token !== undefined ? opts.token : opts.auth ? getToken() : null;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers["Content-Type"] = opts.contentType ?? "application/json";
  if (opts.ifMatch) headers["If-Match"] = opts.ifMatch;
  let response: Response;
  try {
    response = await fetch(path, {
      method: opts.method ?? "GET",
      headers,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      signal: opts.signal,
      cache: "no-cache",
    });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiProblem({ title: "Network error", status: 0, detail: String(err) });
  }
  const text = await response.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!response.ok) {
    const problem: Problem =
      isProblem(data)
        ? data
        : { title: response.statusText || "Error", status: response.status, detail: String(data ?? "") };
    if (!problem.status) problem.status = response.status;
    throw new ApiProblem(problem, response);
  }
  return { data: data as T, etag: response.headers.get("ETag"), response };
}

/** A problem+json body: an object with a title (RFC 9457). */
function isProblem(data: unknown): data is Problem {
  return typeof data === "object" && data !== null && typeof (data as { title?: unknown }).title === "string";
}

export function qs(params: Record<string, string | number | boolean | null | undefined | string[]>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === "") continue;
    if (Array.isArray(v)) v.forEach((x) => x !== "" && u.append(k, x));
    else u.append(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : "";
}

let whoamiCache: { token: string; who: Whoami } | null = null;

/** Who the stored token belongs to (null when signed out or the token is refused). */
export async function whoami(force = false): Promise<Whoami | null> {
  const token = getToken();
  if (!token) return null;
  if (!force && whoamiCache && whoamiCache.token === token) return whoamiCache.who;
  try {
    const { data } = await api<Whoami>("/v1/me", { auth: true });
    whoamiCache = { token, who: data };
    return data;
  } catch (err) {
    if (err instanceof ApiProblem && (err.status === 401 || err.status === 403)) return null;
    throw err;
  }
}

export function forgetWhoami(): void {
  whoamiCache = null;
}
