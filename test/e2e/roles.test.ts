/**
 * Least privilege, endpoint by endpoint (issue 9 item 6): the matrix of
 * docs/roles.md — every endpoint with every kind of token — is read from the
 * document and run against a real service, cell by cell; and it is held to
 * the operations' declarations (src/api: who may call each).
 */
import { expect } from "chai";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ifSet, Api, dept, signExchange, start, tempDir, unsigned, until, type Dept } from "../helpers/service.ts";
import { signAcknowledgement } from "../../src/client/sign.ts";
import { cancellationAuthorization, selfRotate } from "../helpers/keys.ts";
import type { RunningService } from "../../src/server.ts";
import { testWallet } from "../helpers/seeded.ts";
import { OPERATIONS } from "../../src/api/index.ts";

const ROLES = ["none", "admin", "auditor", "regulator", "department:A (party)", "department:B (not party)"] as const;
type RoleName = (typeof ROLES)[number];
type Row = readonly number[];
/** The first markdown table whose header row starts with `| endpoint |`, as endpoint → cells. */
export function parseRoleTable(md: string): { header: string[]; rows: Map<string, string[]> } {
  const lines = md.split("\n");
  const at = lines.findIndex((l) => /^\|\s*endpoint\s*\|/.test(l));
  if (at < 0) throw new Error("no role table (a markdown table whose header starts with '| endpoint |')");
  const cells = (l: string) =>
    l
      .trim()
      .replace(/^\||\|$/g, "")
      .split("|")
      .map((c) => c.trim().replace(/^`|`$/g, ""));
  const rows = new Map<string, string[]>();
  for (const l of lines.slice(at + 2)) {
    if (!l.trim().startsWith("|")) break;
    const [endpoint, ...rest] = cells(l);
    rows.set(endpoint!, rest);
  }
  return { header: cells(lines[at]!).slice(1), rows };
}

const ROLES_MD = join(import.meta.dirname, "../..", "docs/roles.md");
/** The matrix: endpoint → status for each of ROLES, as docs/roles.md states it. */
const TABLE = parseRoleTable(readFileSync(ROLES_MD, "utf8"));
const MATRIX: Record<string, Row> = Object.fromEntries([...TABLE.rows].map(([endpoint, cells]) => [endpoint, cells.map(Number)]));

/** A set-up step the next cells rely on: throws (failing the test as broken set-up) unless it answers 200. */
async function setUp(what: string, answer: Promise<{ status: number; body: unknown }>): Promise<void> {
  const r = await answer;
  if (r.status !== 200) throw new Error(`set-up failed, ${what}: ${r.status} ${JSON.stringify(r.body)}`);
}

describe("e2e: roles, endpoint by endpoint", function () {
  let dir: string;
  let svc: RunningService;
  let admin: Api;
  let domain: any;
  const a = dept("a");
  const b = dept("b");
  const c = dept("c");
  const token: Partial<Record<RoleName, string | null>> = { none: null };
  /** The exchange the read rows ask for: a → c, anchored. */
  let x: { seq: number; id: string; dataset: string };
  let spareToken: string;
  let deptCounter = 0;

  const send = async (from: Dept, to: string, patch = {}) => {
    const r = await admin.post("/v1/exchanges", await signExchange(from.wallet, domain, unsigned(from.id, to, patch)));
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body as { seq: number; id: string; leafHash: string };
  };
  const freshDepartment = async (key: { address: string } = testWallet()) => {
    const id = `r${++deptCounter}`;
    const r = await admin.post("/v1/departments", { id, name: id, signer: key.address });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return id;
  };
  /** Department `id` (admin: a fresh one) whose current key is `key`, for the key-change cells. */
  const keyCell = async (role: RoleName) => {
    if (role !== "admin") return { id: "a", key: a.wallet };
    const key = testWallet();
    return { id: await freshDepartment(key), key };
  };

  before(async () => {
    dir = tempDir();
    svc = await start(dir);
    admin = new Api(svc.url, svc.adminToken);
    domain = (await admin.get("/v1/info")).body.eip712.domain;
    for (const d of [a, b, c]) await admin.post("/v1/departments", { id: d.id, name: d.id, signer: d.wallet.address });
    token.admin = svc.adminToken;
    for (const [name, role] of [
      ["auditor", "auditor"],
      ["regulator", "regulator"],
      ["department:A (party)", "department:a"],
      ["department:B (not party)", "department:b"],
    ] as const) {
      const r = await admin.post("/v1/tokens", { role, label: name });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      token[name] = r.body.token;
    }
    spareToken = (await admin.post("/v1/tokens", { role: "auditor", label: "spare" })).body.tokenId;
    const dataset = "roles/derived";
    const made = await send(a, "c", { dataset, derivedFrom: ["roles/secret-source"] });
    x = { seq: made.seq, id: made.id, dataset };
    await send(b, "c", { dataset: "roles/secret-source", derivedFrom: ["roles/b-only"] });
    expect((await admin.post("/v1/anchor")).status).to.equal(200);
  });
  after(async () => {
    await ifSet(svc)?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** One call per endpoint; `as` is the token (null: none) and `role` the column it stands for. */
  const CALLS: Record<string, (as: string | null, role: RoleName) => Promise<number>> = {
    "GET /healthz": (t) => get("/healthz", t),
    "GET /readyz": (t) => get("/readyz", t),
    "GET /v1/info": (t) => get("/v1/info", t),
    "GET /v1/federation": (t) => get("/v1/federation", t),
    "GET /v1/whoami": (t) => get("/v1/whoami", t),
    "GET /openapi.json": (t) => get("/openapi.json", t),
    "GET /docs": (t) => get("/docs", t),
    "GET /v1/checkpoints/latest": (t) => get("/v1/checkpoints/latest", t),
    "GET /v1/checkpoints": (t) => get("/v1/checkpoints", t),
    "GET /v1/proofs/consistency": (t) => get("/v1/proofs/consistency?from=1&to=1", t),
    "POST /v1/exchanges": async (t) => (await admin.post("/v1/exchanges", await signExchange(a.wallet, domain, unsigned("a", "c")), { token: t })).status,
    "POST /v1/exchanges/batch": async (t) =>
      (await admin.post("/v1/exchanges/batch", { records: [await signExchange(a.wallet, domain, unsigned("a", "c"))] }, { token: t })).status,
    "POST /v1/acknowledgements": async (t) => {
      // A's own acknowledgement: of an exchange c → a.
      const made = await send(c, "a");
      const ack = await signAcknowledgement(a.wallet, domain, {
        provider: "c",
        id: made.id,
        consumer: "a",
        exchangeLeafHash: made.leafHash,
        acknowledgedAt: "2026-11-23T12:00:00.000Z",
      });
      return (await admin.post("/v1/acknowledgements", ack, { token: t })).status;
    },
    "GET /v1/exchanges/{provider}/{id}": (t) => get(`/v1/exchanges/a/${x.id}`, t),
    "GET /v1/exchanges/{provider}/{id}/receipt": (t) => get(`/v1/exchanges/a/${x.id}/receipt`, t),
    "GET /v1/entries/{seq}/receipt": (t) => get(`/v1/entries/${x.seq}/receipt`, t),
    "GET /v1/acknowledgements/missing": (t) => get("/v1/acknowledgements/missing", t),
    "GET /v1/datasets/{dataset}/provenance": (t) => get(`/v1/datasets/${encodeURIComponent(x.dataset)}/provenance`, t),
    "GET /v1/datasets/{dataset}/provenance?format=prov": (t) => get(`/v1/datasets/${encodeURIComponent(x.dataset)}/provenance?format=prov`, t),
    "GET /v1/datasets/{dataset}/provenance?format=bundle": (t) => get(`/v1/datasets/${encodeURIComponent(x.dataset)}/provenance?format=bundle`, t),
    "GET /v1/departments/{id}/exchanges": (t) => get("/v1/departments/a/exchanges?role=provider&from=2026-01-01&to=2026-12-31", t),
    "GET /v1/stats/usage": (t) => get("/v1/stats/usage?from=2026-01-01&to=2026-12-31", t),
    "GET /v1/stats/top": (t) => get("/v1/stats/top?by=dataset&from=2026-01-01&to=2026-12-31", t),
    "GET /v1/stats/flows": (t) => get("/v1/stats/flows?from=2026-01-01&to=2026-12-31", t),
    "GET /v1/departments": (t) => get("/v1/departments", t),
    "POST /v1/departments": async (t, role) => {
      const id = `n${++deptCounter}${role === "admin" ? "" : "x"}`;
      return (await admin.post("/v1/departments", { id, name: id, signer: testWallet().address }, { token: t })).status;
    },
    "GET /v1/departments/{id}": (t) => get("/v1/departments/a", t),
    "PUT /v1/departments/{id}/signer (authorization)": async (t, role) => {
      const { id, key } = await keyCell(role);
      const next = testWallet();
      const status = (await selfRotate(admin, svc.rpcUrl, id, key, next.address, t)).status;
      // Department a's key goes back, so that the other cells can sign with it (set-up for them, not this cell's finding).
      if (status === 200 && id === "a") await setUp("rotating a's key back", selfRotate(admin, svc.rpcUrl, "a", next, a.wallet.address));
      return status;
    },
    "PUT /v1/departments/{id}/signer (recovery)": async (t, role) => {
      const { id } = await keyCell(role);
      return (await admin.req("PUT", `/v1/departments/${id}/signer`, { signer: testWallet().address }, { token: t })).status;
    },
    "DELETE /v1/departments/{id}/recovery": async (t, role) => {
      const { id, key } = await keyCell(role);
      const pending = await admin.req("PUT", `/v1/departments/${id}/signer`, { signer: testWallet().address });
      expect(pending.status, JSON.stringify(pending.body)).to.equal(202);
      const authorization = await cancellationAuthorization(admin, svc.rpcUrl, id, key);
      const status = (await admin.req("DELETE", `/v1/departments/${id}/recovery`, { authorization }, { token: t })).status;
      // A role that may not cancel leaves the recovery pending: the admin cancels it for the next cells (set-up, not this cell's finding).
      if (status !== 200) await setUp("cancelling the recovery as admin", admin.req("DELETE", `/v1/departments/${id}/recovery`, { authorization }));
      return status;
    },
    "DELETE /v1/departments/{id}": async (t, role) => {
      const id = role === "admin" ? await freshDepartment() : "a";
      return (await admin.req("DELETE", `/v1/departments/${id}`, undefined, { token: t })).status;
    },
    "POST /v1/tokens": async (t) => (await admin.post("/v1/tokens", { role: "auditor", label: "made in a cell" }, { token: t })).status,
    "GET /v1/tokens": (t) => get("/v1/tokens", t),
    "DELETE /v1/tokens/{tokenId}": async (t, role) => {
      const id = role === "admin" ? (await admin.post("/v1/tokens", { role: "auditor", label: "to revoke" })).body.tokenId : spareToken;
      return (await admin.req("DELETE", `/v1/tokens/${id}`, undefined, { token: t })).status;
    },
    "POST /v1/anchor": async (t) => (await admin.post("/v1/anchor", undefined, { token: t })).status,
    "GET /metrics": (t) => get("/metrics", t),
  };
  const get = async (path: string, t: string | null) => (await admin.get(path, { token: t })).status;

  it("docs/roles.md has a row for every declared operation, a call for every row, and says what the declarations say", () => {
    expect(TABLE.header, "column headers of docs/roles.md").to.deep.equal([...ROLES]);
    expect(Object.keys(CALLS)).to.have.members(Object.keys(MATRIX));
    const declared = new Map(OPERATIONS.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o]));
    const rowsOf = (key: string) => Object.keys(MATRIX).filter((e) => e.replace(/\?.*$| \(.*\)$/, "") === key);
    const missing = [...declared.keys()].filter((k) => k !== "GET /docs/{asset}" && rowsOf(k).length === 0);
    expect(missing, "declared operations without a row").to.deep.equal([]);
    for (const [endpoint, row] of Object.entries(MATRIX)) {
      const op = declared.get(endpoint.replace(/\?.*$| \(.*\)$/, ""));
      expect(op, `${endpoint} is not a declared operation`).to.not.equal(undefined);
      expect(row[0] === 401, `${endpoint}: "none" is 401 exactly when a token is required`).to.equal(op!.who !== "anyone");
      const listed: readonly string[] = typeof op!.who === "string" ? ["admin", "auditor", "regulator"] : op!.who;
      ROLES.slice(1, 4).forEach((role, i) =>
        expect(row[i + 1] === 403, `${endpoint} as ${role}: 403 exactly when the role is not declared`).to.equal(!listed.includes(role)),
      );
    }
  });

  for (const [endpoint, row] of Object.entries(MATRIX)) {
    ROLES.forEach((role, i) => {
      const cell = `${endpoint} | ${role}`;
      it(`${endpoint} as ${role} → ${row[i]}`, async () => {
        expect(await CALLS[endpoint]!(token[role]!, role), cell).to.equal(row[i]);
      });
    });
  }

  describe("what a department sees", () => {
    it("another department's exchange and receipts are 404 with exactly the body of a missing one", async () => {
      const asB = token["department:B (not party)"]!;
      const pairs: Array<[string, string]> = [
        [`/v1/exchanges/a/${x.id}`, "/v1/exchanges/a/no-such-id"],
        [`/v1/exchanges/a/${x.id}/receipt`, "/v1/exchanges/a/no-such-id/receipt"],
        [`/v1/entries/${x.seq}/receipt`, "/v1/entries/999999/receipt"],
      ];
      for (const [hidden, missing] of pairs) {
        const h = await admin.get(hidden, { token: asB });
        const m = await admin.get(missing, { token: asB });
        expect(h.status, hidden).to.equal(404);
        expect(h.body, hidden).to.deep.equal(m.body);
        expect(h.body.error.code).to.equal("NOT_FOUND");
        expect((await admin.get(missing)).body, `${missing} as admin`).to.deep.equal(m.body);
      }
    });

    it("lineage shows a department only edges declared in records it may read", async () => {
      const path = `/v1/datasets/${encodeURIComponent(x.dataset)}/provenance`;
      const all = (await admin.get(path)).body.lineage.upstream.map((e: any) => `${e.dataset}<-${e.source}`);
      expect(all).to.have.members(["roles/derived<-roles/secret-source", "roles/secret-source<-roles/b-only"]);
      const asA = (await admin.get(path, { token: token["department:A (party)"]! })).body;
      expect(asA.lineage.upstream.map((e: any) => `${e.dataset}<-${e.source}`)).to.deep.equal(["roles/derived<-roles/secret-source"]);
      const asB = (await admin.get(path, { token: token["department:B (not party)"]! })).body;
      expect(asB).to.deep.include({ exchanges: [], origin: null });
      expect(asB.lineage).to.deep.equal({ upstream: [], downstream: [], truncated: false });
      // From the source's side, B sees its own edge but not a's derived dataset.
      const src = (await admin.get(`/v1/datasets/roles%2Fsecret-source/provenance`, { token: token["department:B (not party)"]! })).body;
      expect(src.lineage.downstream).to.deep.equal([]);
      expect(src.lineage.upstream.map((e: any) => e.source)).to.deep.equal(["roles/b-only"]);
      const prov = (await admin.get(`${path}?format=prov`, { token: token["department:B (not party)"]! })).body;
      expect(Object.keys(prov.entity)).to.deep.equal([`dx:dataset/${encodeURIComponent(x.dataset)}`]);
      const bundle = (await admin.get(`${path}?format=bundle`, { token: token["department:B (not party)"]! })).body;
      expect(bundle).to.deep.include({ receipts: [], pending: [] });
    });
  });

  describe("tokens", () => {
    it("a token for an unregistered department is 422 UNKNOWN_DEPARTMENT; a revoked department's is refused", async () => {
      const r = await admin.post("/v1/tokens", { role: "department:nobody", label: "x" });
      expect(r.status).to.equal(422);
      expect(r.body.error.code).to.equal("UNKNOWN_DEPARTMENT");
      const id = await freshDepartment();
      const t = (await admin.post("/v1/tokens", { role: `department:${id}`, label: id })).body.token;
      expect((await admin.get("/v1/departments", { token: t })).status).to.equal(200);
      expect((await admin.req("DELETE", `/v1/departments/${id}`)).status).to.equal(200);
      const used = await admin.get("/v1/departments", { token: t });
      expect(used.status).to.equal(403);
      expect(used.body.error.code).to.equal("DEPARTMENT_REVOKED");
      expect((await admin.post("/v1/tokens", { role: `department:${id}`, label: id })).body.error.code).to.equal("DEPARTMENT_REVOKED");
    });

    it("lists tokens with role, label, times and status, never the secret or its hash", async () => {
      const made = await admin.post("/v1/tokens", { role: "auditor", label: "listed" });
      await admin.get("/v1/departments", { token: made.body.token });
      const r = await admin.get("/v1/tokens");
      expect(r.status).to.equal(200);
      const text = JSON.stringify(r.body);
      // dxl_<tokenId>_<secret>; the secret is base64url and may itself hold "_".
      expect(text).to.not.contain(made.body.token.slice(`dxl_${made.body.tokenId}_`.length));
      expect(text).to.not.contain("secretHash");
      const mine = r.body.tokens.find((t: any) => t.tokenId === made.body.tokenId);
      expect(mine).to.include({ role: "auditor", label: "listed", status: "active", revokedAt: null, expiresAt: null });
      expect(mine.lastUsedAt).to.be.a("string");
      expect(Object.keys(mine)).to.have.members(["tokenId", "role", "label", "createdAt", "lastUsedAt", "expiresAt", "revokedAt", "status"]);
      expect(r.body.tokens.find((t: any) => t.tokenId === "bootstrap")).to.include({ role: "admin", status: "active" });
    });

    it("tokens may expire: ttlSeconds or expiresAt; an expired token is 401", async () => {
      const soon = await admin.post("/v1/tokens", { role: "auditor", label: "1 s", ttlSeconds: 1 });
      expect(soon.status, JSON.stringify(soon.body)).to.equal(201);
      expect(Date.parse(soon.body.expiresAt)).to.be.greaterThan(Date.now());
      expect((await admin.get("/v1/departments", { token: soon.body.token })).status).to.equal(200);
      const at = new Date(Date.now() + 3600_000).toISOString().replace("Z", "+00:00");
      const later = await admin.post("/v1/tokens", { role: "auditor", label: "1 h", expiresAt: at });
      expect(later.body.expiresAt).to.equal(new Date(at).toISOString());
      for (const bad of [{ expiresAt: "2020-01-01T00:00:00Z" }, { expiresAt: "tomorrow" }, { ttlSeconds: 0 }, { ttlSeconds: 5, expiresAt: at }]) {
        const r = await admin.post("/v1/tokens", { role: "auditor", ...bad });
        expect(r.status, JSON.stringify(bad)).to.equal(400);
        expect(r.body.error.code).to.equal("VALIDATION_FAILED");
      }
      const expired = await until(
        "the 1 s token to expire",
        async () => {
          const r = await admin.get("/v1/departments", { token: soon.body.token });
          return r.status === 200 ? undefined : r;
        },
        5_000,
        50,
      );
      expect(expired.status).to.equal(401);
      expect(expired.body.error.message).to.contain("expired");
      expect((await admin.get("/v1/tokens")).body.tokens.find((t: any) => t.tokenId === soon.body.tokenId).status).to.equal("expired");
    });
  });
});

describe("e2e: the bootstrap token", () => {
  let dir: string;
  let svc: RunningService & { chainPort: number };

  before(() => {
    dir = tempDir();
  });
  after(async () => {
    await ifSet(svc)?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("can be revoked once another admin token exists, and stays revoked after a restart with ADMIN_TOKEN still set", async () => {
    const bootstrap = "dxl_admin_roles-test-bootstrap-token-0123456789";
    svc = await start(dir, { ADMIN_TOKEN: bootstrap });
    const boot = new Api(svc.url, bootstrap);
    const refused = await boot.req("DELETE", "/v1/tokens/bootstrap");
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal("LAST_ADMIN_TOKEN");
    const next = await boot.post("/v1/tokens", { role: "admin", label: "successor" });
    expect(next.status).to.equal(201);
    const gone = await boot.req("DELETE", "/v1/tokens/bootstrap");
    expect(gone.status, JSON.stringify(gone.body)).to.equal(200);
    expect((await boot.get("/v1/departments")).status).to.equal(401);
    const successor = new Api(svc.url, next.body.token);
    // The successor is now the last admin token: it cannot revoke itself.
    expect((await successor.req("DELETE", `/v1/tokens/${next.body.tokenId}`)).body.error.code).to.equal("LAST_ADMIN_TOKEN");

    const port = svc.chainPort;
    await svc.stop();
    svc = await start(dir, { ADMIN_TOKEN: bootstrap }, port);
    expect((await new Api(svc.url, bootstrap).get("/v1/departments")).status).to.equal(401);
    const list = await new Api(svc.url, next.body.token).get("/v1/tokens");
    expect(list.status).to.equal(200);
    expect(list.body.tokens.find((t: any) => t.tokenId === "bootstrap")).to.include({ status: "revoked" });
  });
});
