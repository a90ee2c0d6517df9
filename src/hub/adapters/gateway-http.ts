/** GatewayHttp over fetch: one GET, JSON parsed when it is JSON, the caller's signal honoured. */
import type { GatewayHttp, GatewayReply } from "../ports.ts";

export const fetchGateways: GatewayHttp = {
  async get(url: string, path: string, token: string | undefined, signal: AbortSignal): Promise<GatewayReply> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${url}${path}`, { headers, signal, redirect: "error" });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the text stays the body
    }
    return { status: res.status, body, text };
  },
};
