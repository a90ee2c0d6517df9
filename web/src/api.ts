/**
 * The service's HTTP API, same origin, with the session's token. A 401 on a
 * request that carried a token signs the tab out (event "dx-unauthorized").
 */
import { session } from "./session.ts";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call(path: string, token: string | null = session.token()): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(path, { headers, cache: "no-store" });
  if (res.ok) return res;
  let code = `HTTP_${res.status}`;
  let message = res.statusText;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
  } catch {
    /* not a JSON error body */
  }
  if (res.status === 401 && token) window.dispatchEvent(new CustomEvent("dx-unauthorized"));
  throw new ApiError(res.status, code, message);
}

export async function getJson<T>(path: string, token?: string | null): Promise<T> {
  return (await (await call(path, token)).json()) as T;
}

/** GETs `path` (a CSV answer) and hands it to the browser as a file named `filename`. */
export async function download(path: string, filename: string): Promise<void> {
  const blob = await (await call(path)).blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `path?k=v&…`, leaving out empty values. */
export function withQuery(path: string, q: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}
