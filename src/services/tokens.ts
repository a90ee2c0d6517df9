/**
 * API tokens: `dxl_<tokenId>_<secret>`, one role each. Only SHA-256 of the
 * secret is stored; the secret is shown once. Revocation is immediate (the
 * in-memory map is the store's mirror).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { DEPARTMENT_ID } from "../core/record.ts";
import { K } from "../adapters/leveldb/keys.ts";
import type { Store } from "../adapters/leveldb/store.ts";

export type Role = "admin" | "auditor" | "regulator" | `department:${string}`;

export const roleSchema = z.string().refine(
  (r) => r === "admin" || r === "auditor" || r === "regulator" || (r.startsWith("department:") && DEPARTMENT_ID.test(r.slice(11))),
  "must be admin, auditor, regulator or department:<id>",
);

export interface TokenRecord {
  readonly tokenId: string;
  readonly role: Role;
  readonly label: string;
  readonly secretHash: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export interface Principal {
  readonly tokenId: string;
  readonly role: Role;
}

const sha256 = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

export class Tokens {
  readonly #store: Store;
  readonly #byId = new Map<string, TokenRecord>();
  readonly #bootstrapHash: Buffer;

  private constructor(store: Store, bootstrapToken: string) {
    this.#store = store;
    this.#bootstrapHash = sha256(bootstrapToken);
  }

  static async open(store: Store, bootstrapToken: string): Promise<Tokens> {
    const t = new Tokens(store, bootstrapToken);
    for (const rec of await store.jsonRange<TokenRecord>(K.tokenPrefix)) t.#byId.set(rec.tokenId, rec);
    return t;
  }

  /** New bootstrap-style secret (for the admin token of the embedded default). */
  static newSecret(): string {
    return `dxl_admin_${randomBytes(24).toString("base64url")}`;
  }

  async create(role: Role, label: string): Promise<{ tokenId: string; token: string }> {
    const tokenId = randomBytes(8).toString("hex");
    const secret = randomBytes(24).toString("base64url");
    const rec: TokenRecord = {
      tokenId,
      role,
      label,
      secretHash: sha256(secret).toString("hex"),
      createdAt: new Date().toISOString(),
      revokedAt: null,
    };
    await this.#store.putJson(K.token(tokenId), rec);
    this.#byId.set(tokenId, rec);
    return { tokenId, token: `dxl_${tokenId}_${secret}` };
  }

  /** Returns false when no such (unrevoked) token exists. */
  async revoke(tokenId: string): Promise<boolean> {
    const rec = this.#byId.get(tokenId);
    if (!rec || rec.revokedAt) return false;
    const next = { ...rec, revokedAt: new Date().toISOString() };
    await this.#store.putJson(K.token(tokenId), next);
    this.#byId.set(tokenId, next);
    return true;
  }

  /** The principal a bearer token stands for, or undefined. Constant-time on secrets. */
  authenticate(token: string): Principal | undefined {
    const h = sha256(token);
    if (timingSafeEqual(h, this.#bootstrapHash)) return { tokenId: "bootstrap", role: "admin" };
    const m = /^dxl_([0-9a-f]{16})_([A-Za-z0-9_-]{32})$/.exec(token);
    if (!m) return undefined;
    const rec = this.#byId.get(m[1]!);
    if (!rec || rec.revokedAt) return undefined;
    return timingSafeEqual(sha256(m[2]!), Buffer.from(rec.secretHash, "hex")) ? { tokenId: rec.tokenId, role: rec.role } : undefined;
  }
}
