/** What the HTTP layer asks of API tokens (SPEC §4): authenticate, issue, list, revoke. */
import type { Principal, Role } from "../../core/roles.ts";

export interface TokenRecord {
  readonly tokenId: string;
  readonly role: Role;
  readonly label: string;
  /** Hex SHA-256 of the secret; null for the bootstrap token (its secret is ADMIN_TOKEN). */
  readonly secretHash: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  /** Absent on records written before expiry existed: never expires. */
  readonly expiresAt?: string | null;
  readonly lastUsedAt?: string | null;
}

/** What `GET /v1/tokens` shows: never the secret nor its hash. */
export interface TokenView {
  readonly tokenId: string;
  readonly role: Role;
  readonly label: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly status: "active" | "revoked" | "expired";
}

export type TokenCheck = { ok: true; principal: Principal } | { ok: false; reason: "unknown" | "revoked" | "expired" };

export interface TokenAdmin {
  /** The principal of a token, or why it authenticates no one. */
  check(token: string): TokenCheck;
  create(role: Role, label: string, expiresAt?: string | null): Promise<{ tokenId: string; token: string; expiresAt: string | null }>;
  /** False when there is no such token. */
  revoke(tokenId: string): Promise<boolean>;
  list(): TokenView[];
  /** A department's state as this gateway knows it (its own record, else the chain's registry). */
  departmentState(id: string): Promise<"active" | "revoked" | undefined>;
}
