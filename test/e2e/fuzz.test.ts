/**
 * Property-based fuzzing of every write and query endpoint (fast-check,
 * seeded): random and adversarial bodies and parameters — Unicode edge cases
 * (lone surrogates, bidi, zero-width, NFD), prototype-pollution keys, deep
 * nesting, huge numbers, wrong types, mutated signed records.
 * Properties: never a 5xx; a rejected write stores nothing; the service is
 * healthy afterwards and still takes a good record.
 * Bounded: FUZZ_RUNS per property (default 60 in `npm test`; `npm run fuzz` runs 2 000).
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import fc from "fast-check";
import { Api, dept, signExchange, start, tempDir, unsigned } from "../helpers/service.ts";
import { RECORD_FIELDS } from "../../src/core/record-fields.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

const edge = fc.constantFrom(
  "\ud800",
  "a\udfffb",
  "\u202e",
  "\u2066x\u2069",
  "\u200b",
  "\ufeff",
  "\u0000",
  "\u001f",
  "e\u0301",
  "\u00e9",
  "𝟘",
  "\\",
  '"',
  '=HYPERLINK("x")',
  "+1",
  "-1",
  "@SUM(A1)",
  "%00",
  "../../etc",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "",
);
const nasty = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: fc.oneof(edge, fc.string({ unit: "binary-ascii", maxLength: 3 })), maxLength: 12 }),
  fc.constantFrom("a".repeat(300), "9".repeat(400), "2026-13-01", "2026-02-30", "2026-00-10", "0000-01-01", "-1", "1e309", "NaN"),
);
const scalar = fc.oneof(nasty, fc.integer(), fc.double(), fc.constantFrom(2 ** 53, 2 ** 64, -1, Number.MAX_VALUE), fc.boolean(), fc.constant(null));
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("v"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(nasty, edge), tie("v"), { maxKeys: 4 }),
  ),
})).v;

/** Raw bodies JSON.stringify cannot make: deep nesting, huge literals, broken JSON, prototype keys. */
const rawBody = fc.oneof(
  fc.integer({ min: 1, max: 20_000 }).map((n) => "[".repeat(n) + "]".repeat(n)),
  fc.constantFrom(
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '{"recordCount":1e400}',
    '{"records":[',
    "",
    "null",
    "[]",
    '"str"',
    '{"a":"\\ud800"}',
  ),
  fc.string({ unit: "binary", maxLength: 200 }),
);

/** encodeURIComponent, with a lone surrogate sent as the invalid UTF-8 a hostile client would send. */
const enc = (v: string): string => {
  try {
    return encodeURIComponent(v);
  } catch {
    return "%ED%A0%80";
  }
};

/** Every field of the record, from its one declaration. */
const FIELDS = RECORD_FIELDS.map((f) => f.name);

describe("fuzz: every write and query endpoint", function () {
  this.timeout(600_000);
  const dir = tempDir();
  let svc: Awaited<ReturnType<typeof start>>;
  let api: Api;
  const tokens: Record<string, string> = {};
  let sign: () => Promise<Record<string, unknown>>;
  let provWallet: ReturnType<typeof dept>["wallet"];

  before(async () => {
    svc = await start(dir, { RATE_LIMIT_RPS: "0" });
    api = new Api(svc.url, svc.adminToken);
    const a = dept("prov");
    provWallet = a.wallet;
    const b = dept("cons");
    for (const d of [a, b]) expect((await api.post("/v1/departments", { id: d.id, name: d.id, signer: d.wallet.address })).status).to.equal(201);
    const domain = (await api.get("/v1/info")).body.eip712.domain;
    sign = async () => await signExchange(a.wallet, domain, unsigned("prov", "cons"));
    for (const role of ["auditor", "regulator", "department:prov"]) tokens[role] = (await api.post("/v1/tokens", { role, label: "fuzz" })).body.token;
    expect((await api.post("/v1/exchanges", await sign())).status).to.equal(201);
    await api.post("/v1/anchor");
  });
  after(async () => {
    await svc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const size = async () => (await api.get("/v1/info")).body.treeSize as number;
  const opts = (path: string) => ({ numRuns: RUNS, seed: SEED + path.length, endOnFailure: true });

  /** A write that is refused must leave the log as it was. */
  async function refusedWritesStoreNothing(path: string, body: fc.Arbitrary<{ json?: unknown; raw?: string }>) {
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const before = await size();
        const r = b.raw !== undefined ? await api.post(path, undefined, { raw: b.raw }) : await api.post(path, b.json);
        expect(r.status, `${path} ${JSON.stringify(r.body).slice(0, 300)}`).to.be.below(500);
        const after = await size();
        expect(r.status < 400 || after === before, `a refused write (${r.status}) stored something: ${before} → ${after}`).to.equal(true);
      }),
      opts(path),
    );
  }

  it("POST /v1/exchanges: adversarial bodies and mutated signed records", async () => {
    await refusedWritesStoreNothing(
      "/v1/exchanges",
      fc.oneof(
        value.map((json) => ({ json })),
        rawBody.map((raw) => ({ raw })),
      ),
    );
    // Mutations of a genuinely signed record (one field replaced, or an extra key).
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIELDS, "__proto__", "extra"), value, async (field, v) => {
        const rec = { ...(await sign()) };
        if (field === "__proto__") Object.defineProperty(rec, "__proto__", { value: v, enumerable: true });
        else (rec as Record<string, unknown>)[field] = v;
        const before = await size();
        const r = await api.post("/v1/exchanges", rec);
        expect(r.status, JSON.stringify(r.body).slice(0, 300)).to.be.below(500);
        expect(await size(), `status ${r.status}`).to.equal(r.status >= 400 ? before : before + 1);
      }),
      opts("/v1/exchanges mutated"),
    );
  });

  it("POST /v1/exchanges: validly signed records carrying adversarial text (signed over its well-formed form, sent raw)", async () => {
    const wellFormed = (v: string) => (v as string & { toWellFormed(): string }).toWellFormed();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("purpose", "legalBasis", "dataset", "id"),
        fc.oneof(nasty, fc.string({ unit: edge, minLength: 1, maxLength: 4 })),
        async (field, v) => {
          const domain = (await api.get("/v1/info")).body.eip712.domain;
          let signed: Record<string, unknown>;
          try {
            signed = await signExchange(provWallet, domain, unsigned("prov", "cons", { [field]: wellFormed(v) }));
          } catch {
            return; // the client library refuses to sign it: nothing to send
          }
          const rec = { ...signed, [field]: v };
          const before = await size();
          const r = await api.post("/v1/exchanges", rec);
          expect(r.status, JSON.stringify(r.body).slice(0, 300)).to.be.below(500);
          expect(await size()).to.equal(r.status >= 400 ? before : before + 1);
        },
      ),
      opts("/v1/exchanges signed"),
    );
  });

  it("POST /v1/exchanges/batch and /v1/acknowledgements: adversarial bodies", async () => {
    await refusedWritesStoreNothing(
      "/v1/exchanges/batch",
      fc.oneof(
        value.map((json) => ({ json })),
        fc.array(value, { maxLength: 5 }).map((records) => ({ json: { records } })),
        rawBody.map((raw) => ({ raw })),
      ),
    );
    await refusedWritesStoreNothing(
      "/v1/acknowledgements",
      fc.oneof(
        value.map((json) => ({ json })),
        rawBody.map((raw) => ({ raw })),
      ),
    );
  });

  it("GET queries: statistics, provenance, checkpoints, proofs, receipts, acknowledgements — adversarial parameters", async () => {
    const param = fc.oneof(
      nasty,
      fc.integer().map(String),
      fc.constantFrom("2026-01-01", "2026-12-31", "day", "month", "dataset", "csv", "prov", "bundle", "0", "100000000000000000000"),
    );
    const paths = [
      "/v1/stats/usage",
      "/v1/stats/top",
      "/v1/stats/flows",
      "/v1/checkpoints",
      "/v1/proofs/consistency",
      "/v1/acknowledgements/missing",
      "/v1/datasets/population%2Fregister/provenance",
    ];
    const names = ["from", "to", "groupBy", "by", "limit", "after", "asOf", "format", "dataset", "provider", "consumer", "purpose", "before", "__proto__"];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.dictionary(fc.constantFrom(...names), param, { maxKeys: 5 }),
        fc.constantFrom("auditor", "regulator", "department:prov", "admin"),
        async (path, q, role) => {
          const qs = Object.entries(q)
            .map(([k, v]) => `${enc(k)}=${enc(v)}`)
            .join("&");
          const r = await api.get(`${path}?${qs}`, { token: role === "admin" ? svc.adminToken : tokens[role]! });
          expect(r.status, `${path}?${qs} → ${JSON.stringify(r.body).slice(0, 300)}`).to.be.below(500);
        },
      ),
      opts("GET"),
    );
    await fc.assert(
      fc.asyncProperty(nasty, nasty, async (a, b) => {
        for (const p of [
          `/v1/exchanges/${enc(a)}/${enc(b)}`,
          `/v1/exchanges/${enc(a)}/${enc(b)}/receipt`,
          `/v1/entries/${enc(a)}/receipt`,
          `/v1/datasets/${enc(a)}/provenance`,
        ]) {
          const r = await api.get(p);
          expect(r.status, `${p} → ${JSON.stringify(r.body).slice(0, 200)}`).to.be.below(500);
        }
      }),
      opts("GET paths"),
    );
  });

  it("is healthy afterwards and still takes a good record", async () => {
    expect((await api.get("/readyz")).status).to.equal(200);
    const before = await size();
    expect((await api.post("/v1/exchanges", await sign())).status).to.equal(201);
    expect(await size()).to.equal(before + 1);
  });
});
