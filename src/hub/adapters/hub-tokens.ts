/**
 * The hub's own tokens (HUB_TOKENS): each stored as its SHA-256 only and
 * compared in constant time. They open the hub, never a gateway: the hub
 * reaches gateways with the tokens their admins issued to it.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { HubRole, HubTokens } from "../ports.ts";

const sha = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

export function hubTokens(entries: ReadonlyArray<{ role: HubRole; token: string }>): HubTokens {
  const hashed = entries.map((e) => ({ role: e.role, hash: sha(e.token) }));
  return {
    check(secret: string): HubRole | undefined {
      const h = sha(secret);
      let found: HubRole | undefined;
      for (const e of hashed) if (timingSafeEqual(e.hash, h)) found = e.role;
      return found;
    },
  };
}
