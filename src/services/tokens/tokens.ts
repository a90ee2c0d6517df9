/**
 * API tokens: `dxl_<tokenId>_<secret>`, one role each. Only SHA-256 of the
 * secret is stored; the secret is shown once. Revocation is immediate (the
 * in-memory map is the store's mirror).
 *
 * The bootstrap token (ADMIN_TOKEN) has the id `bootstrap`. Its revocation is
 * stored under `t:bootstrap` and MUST survive restarts whatever ADMIN_TOKEN
 * holds then. The last active admin token MUST NOT be revoked (the service
 * would have no administrator left).
 *
 * Tokens may expire (`expiresAt`); an expired token authenticates no one.
 * `lastUsedAt` is kept in memory and written at most once a minute per token.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { LedgerError } from "../../core/errors.ts";
import type { Principal, Role } from "../../core/roles.ts";
import type { RecordStore } from "../../ports/store.ts";
import type { TokenAdmin, TokenCheck, TokenRecord, TokenView } from "../../ports/api/tokens.ts";

export type { TokenCheck, TokenRecord, TokenView } from "../../ports/api/tokens.ts";

export const BOOTSTRAP_ID = "bootstrap";
/** How often, at most, a token's `lastUsedAt` is written to the store. */
export const LAST_USED_WRITE_MS = 60_000;

const sha256 = (s: string): Buffer => createHash("sha256").update(s, "utf8").digest();

/**
 * The department registry on chain, as the service caches it (services/departments/registry.ts):
 * undefined when the chain does not know the id. MAY fail with a ChainError.
 */
export interface DepartmentLookup {
  peek(id: string): { readonly active: boolean } | undefined;
  get(id: string): Promise<{ readonly active: boolean } | undefined>;
}

/** Where tokens live, and the service's own mirror of the departments it registered. */
export interface TokenStores {
  readonly tokens: RecordStore<TokenRecord>;
  readonly departments: Pick<RecordStore<{ readonly active: boolean }>, "get">;
}

export class Tokens implements TokenAdmin {
  readonly #store: TokenStores;
  /** The chain's registry (issue 12: a department registered by any gateway is known at every one). */
  readonly #registry: DepartmentLookup | undefined;
  readonly #byId = new Map<string, TokenRecord>();
  readonly #bootstrapHash: Buffer;
  readonly #now: () => number;
  /** Token writes, one after another: each writes the record as it is then, so the last write wins with the latest state. */
  #writes: Promise<void> = Promise.resolve();
  readonly #lastUsedWritten = new Map<string, number>();

  private constructor(store: TokenStores, bootstrapToken: string, now: () => number, registry: DepartmentLookup | undefined) {
    this.#store = store;
    this.#bootstrapHash = sha256(bootstrapToken);
    this.#now = now;
    this.#registry = registry;
  }

  /** `registry`: the chain's, asked by `departmentState` (without it, only this service's mirror answers). */
  static async open(store: TokenStores, bootstrapToken: string, opts: { registry?: DepartmentLookup; now?: () => number } = {}): Promise<Tokens> {
    const now = opts.now ?? Date.now;
    const t = new Tokens(store, bootstrapToken, now, opts.registry);
    for (const rec of await store.tokens.all()) t.#byId.set(rec.tokenId, rec);
    if (!t.#byId.has(BOOTSTRAP_ID)) {
      const rec: TokenRecord = {
        tokenId: BOOTSTRAP_ID,
        role: "admin",
        label: "bootstrap (ADMIN_TOKEN)",
        secretHash: null,
        createdAt: new Date(now()).toISOString(),
        revokedAt: null,
        expiresAt: null,
      };
      await store.tokens.put(BOOTSTRAP_ID, rec);
      t.#byId.set(BOOTSTRAP_ID, rec);
    }
    return t;
  }

  /** New bootstrap-style secret (for the admin token of the embedded default). */
  static newSecret(): string {
    return `dxl_admin_${randomBytes(24).toString("base64url")}`;
  }

  /** `expiresAt`: ISO time, MUST be in the future (the caller validates the form). */
  async create(role: Role, label: string, expiresAt: string | null = null): Promise<{ tokenId: string; token: string; expiresAt: string | null }> {
    if (expiresAt !== null && Date.parse(expiresAt) <= this.#now()) {
      throw new LedgerError("VALIDATION_FAILED", "expiresAt must be in the future", [{ path: "expiresAt", message: "must be in the future" }]);
    }
    const tokenId = randomBytes(8).toString("hex");
    const secret = randomBytes(24).toString("base64url");
    const rec: TokenRecord = {
      tokenId,
      role,
      label,
      secretHash: sha256(secret).toString("hex"),
      createdAt: new Date(this.#now()).toISOString(),
      revokedAt: null,
      expiresAt,
      lastUsedAt: null,
    };
    this.#byId.set(tokenId, rec);
    await this.#write(tokenId).catch((e: unknown) => {
      this.#byId.delete(tokenId);
      throw e;
    });
    return { tokenId, token: `dxl_${tokenId}_${secret}`, expiresAt };
  }

  /**
   * Revokes at once. Returns false when no such unrevoked token exists; throws
   * LAST_ADMIN_TOKEN (409) rather than leave no active admin token.
   */
  async revoke(tokenId: string): Promise<boolean> {
    const rec = this.#byId.get(tokenId);
    if (!rec || rec.revokedAt) return false;
    if (rec.role === "admin" && !this.#list().some((x) => x.tokenId !== tokenId && x.role === "admin" && this.#status(x) === "active")) {
      throw new LedgerError(
        "LAST_ADMIN_TOKEN",
        `token ${tokenId} is the last active admin token; create another admin token first (POST /v1/tokens {"role":"admin"})`,
        { tokenId },
      );
    }
    this.#byId.set(tokenId, { ...rec, revokedAt: new Date(this.#now()).toISOString() });
    try {
      await this.#write(tokenId);
    } catch (e) {
      // Not stored, so not done: the token stays as the store has it, and a retry revokes it again.
      this.#byId.set(tokenId, rec);
      throw e;
    }
    return true;
  }

  /** Every token, bootstrap included, oldest first: never the secret nor its hash. */
  list(): TokenView[] {
    return this.#list().map((r) => ({
      tokenId: r.tokenId,
      role: r.role,
      label: r.label,
      createdAt: r.createdAt,
      lastUsedAt: r.lastUsedAt ?? null,
      expiresAt: r.expiresAt ?? null,
      revokedAt: r.revokedAt,
      status: this.#status(r),
    }));
  }

  /** The principal a bearer token stands for, or why not. Constant-time on secrets. */
  check(token: string): TokenCheck {
    const h = sha256(token);
    let rec: TokenRecord | undefined;
    if (timingSafeEqual(h, this.#bootstrapHash)) rec = this.#byId.get(BOOTSTRAP_ID);
    else {
      const m = /^dxl_([0-9a-f]{16})_([A-Za-z0-9_-]{32})$/.exec(token);
      const cand = m ? this.#byId.get(m[1]!) : undefined;
      if (cand?.secretHash && timingSafeEqual(sha256(m![2]!), Buffer.from(cand.secretHash, "hex"))) rec = cand;
    }
    if (!rec) return { ok: false, reason: "unknown" };
    const status = this.#status(rec);
    if (status !== "active") return { ok: false, reason: status };
    this.#touch(rec.tokenId);
    return { ok: true, principal: { tokenId: rec.tokenId, role: rec.role } };
  }

  /** The principal a bearer token stands for, or undefined. */
  authenticate(token: string): Principal | undefined {
    const c = this.check(token);
    return c.ok ? c.principal : undefined;
  }

  /**
   * The department as the chain's registry has it — registered by this
   * gateway, another one, or directly — undefined when the chain does not
   * know it. Asked in this order, so a department registered here keeps
   * working while the chain is away: the registry's fresh cache, this
   * service's mirror (`d:<id>`, written when it registers or revokes one and
   * kept in step with the chain), then the chain (which may fail with a
   * ChainError: 503 CHAIN_UNAVAILABLE).
   */
  async departmentState(id: string): Promise<"active" | "revoked" | undefined> {
    const state = (d: { active: boolean } | undefined) => (d === undefined ? undefined : d.active ? "active" : "revoked");
    const cached = this.#registry?.peek(id);
    if (cached) return state(cached);
    const mine = await this.#store.departments.get(id);
    if (mine !== undefined || !this.#registry) return state(mine);
    return state(await this.#registry.get(id));
  }

  /** Waits for token writes under way (lastUsedAt); call before closing the store. */
  async flush(): Promise<void> {
    await this.#writes;
  }

  #list(): TokenRecord[] {
    return [...this.#byId.values()].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }

  #status(r: TokenRecord): TokenView["status"] {
    if (r.revokedAt) return "revoked";
    if (r.expiresAt && Date.parse(r.expiresAt) <= this.#now()) return "expired";
    return "active";
  }

  #touch(tokenId: string): void {
    const now = this.#now();
    const rec = this.#byId.get(tokenId)!;
    this.#byId.set(tokenId, { ...rec, lastUsedAt: new Date(now).toISOString() });
    if (now - (this.#lastUsedWritten.get(tokenId) ?? 0) < LAST_USED_WRITE_MS) return;
    this.#lastUsedWritten.set(tokenId, now);
    // Best effort: a lost lastUsedAt (store closing) harms nothing.
    this.#write(tokenId).catch(() => undefined);
  }

  #write(tokenId: string): Promise<void> {
    const next = this.#writes.then(() => this.#store.tokens.put(tokenId, this.#byId.get(tokenId)!));
    this.#writes = next.catch(() => undefined);
    return next;
  }
}
