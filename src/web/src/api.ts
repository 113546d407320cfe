// The API client: JSON in/out, Accept-Language from the UI language, the bearer token
// (sessionStorage) when signed in, RFC 9457 problems turned into ApiProblem errors.

import { lang } from "./i18n";

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { name: string; in?: string; reason: string }[];
}

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

export async function api<T = any>(path: string, opts: ApiOptions = {}): Promise<ApiResult<T>> {
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
  let data: any = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!response.ok) {
    const problem: Problem =
      data && typeof data === "object" && "title" in data
        ? (data as Problem)
        : { title: response.statusText || "Error", status: response.status, detail: String(data ?? "") };
    if (!problem.status) problem.status = response.status;
    throw new ApiProblem(problem, response);
  }
  return { data: data as T, etag: response.headers.get("ETag"), response };
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

export interface Whoami {
  name: string;
  role: "admin" | "curator" | "agency";
  province: string | null;
  agency: string | null;
  scope: string;
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
