/**
 * Fills a real service with a plan of departments, datasets (with lineage),
 * exchanges (signed by their providers, in batches), acknowledgements by
 * their consumers (some left missing) and checkpoints; issues one token per
 * role. Used by the console's browser tests and by `npm run screenshots`.
 */
import { Wallet, keccak256, toUtf8Bytes } from "ethers";
import { Api, signExchange } from "../helpers/service.ts";
import { payloadDigest, signAcknowledgement } from "../../src/client/sign.ts";

export interface PlannedExchange {
  readonly dataset: string;
  readonly consumer: string;
  readonly purpose: string;
  readonly recordCount: number;
  /** When it took place: this many days before now (fractions allowed). */
  readonly daysAgo: number;
  /** The consumer acknowledges it. */
  readonly ack: boolean;
}

export interface Plan {
  readonly departments: ReadonlyArray<{ id: string; name: string }>;
  /** Each dataset's provider is the department named before its first "/". */
  readonly datasets: ReadonlyArray<{ id: string; derivedFrom?: readonly string[] }>;
  /** Anchored in this many checkpoints, in order (each group one POST /v1/anchor). */
  readonly groups: ReadonlyArray<readonly PlannedExchange[]>;
  readonly legalBasis?: string;
}

export interface Made {
  readonly seq: number;
  readonly provider: string;
  readonly id: string;
  readonly consumer: string;
  readonly dataset: string;
  readonly leafHash: string;
}

export interface Seeded {
  readonly tokens: { admin: string; auditor: string; regulator: string; department: string };
  /** The department the department token belongs to (the first of the plan). */
  readonly departmentId: string;
  readonly exchanges: Made[];
}

/** A department's key: derived from its id, so a plan always gives the same signers. */
const keyOf = (id: string) => new Wallet(keccak256(toUtf8Bytes(`dxledger console seed ${id}`)));

export async function seed(api: Api, plan: Plan, onProgress: (done: number, total: number) => void = () => {}): Promise<Seeded> {
  const must = async <T>(what: string, p: Promise<{ status: number; body: T }>, ok = [200, 201]): Promise<T> => {
    const r = await p;
    if (!ok.includes(r.status)) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const domain = (await api.get("/v1/info")).body.eip712.domain;
  for (const d of plan.departments) await must(`department ${d.id}`, api.post("/v1/departments", { id: d.id, name: d.name, signer: keyOf(d.id).address }));
  const token = async (role: string) => (await must(`token ${role}`, api.post("/v1/tokens", { role, label: `console ${role}` }))).token as string;
  const departmentId = plan.departments[0]!.id;
  const tokens = {
    admin: api.token!,
    auditor: await token("auditor"),
    regulator: await token("regulator"),
    department: await token(`department:${departmentId}`),
  };

  const derived = new Map(plan.datasets.map((d) => [d.id, d.derivedFrom ?? []]));
  const total = plan.groups.reduce((n, g) => n + g.length, 0);
  const exchanges: Made[] = [];
  const now = Date.now();
  let n = 0;
  for (const group of plan.groups) {
    const acks: Array<{ made: Made; at: string }> = [];
    for (let i = 0; i < group.length; i += 200) {
      const chunk = group.slice(i, i + 200);
      const records = await Promise.all(
        chunk.map((x, j) => {
          const provider = x.dataset.split("/")[0]!;
          const occurredAt = new Date(Math.floor(now - x.daysAgo * 86_400_000)).toISOString();
          return signExchange(keyOf(provider), domain, {
            id: `ex-${String(n + i + j + 1).padStart(5, "0")}`,
            provider,
            consumer: x.consumer,
            dataset: x.dataset,
            purpose: x.purpose,
            legalBasis: plan.legalBasis ?? "Data Exchange Act s.12",
            recordCount: x.recordCount,
            payloadDigest: payloadDigest(`${x.dataset} ${n + i + j}`),
            occurredAt,
            ...(derived.get(x.dataset)?.length ? { derivedFrom: [...derived.get(x.dataset)!] } : {}),
          });
        }),
      );
      const body = await must("batch", api.post("/v1/exchanges/batch", { records }));
      (body as { results: Array<{ seq: number; provider: string; id: string; leafHash: string }> }).results.forEach((r, j) => {
        const x = chunk[j]!;
        const made = { seq: r.seq, provider: r.provider, id: r.id, consumer: x.consumer, dataset: x.dataset, leafHash: r.leafHash };
        exchanges.push(made);
        if (x.ack) acks.push({ made, at: new Date(Math.min(now, now - x.daysAgo * 86_400_000 + 3_600_000)).toISOString() });
      });
      onProgress(n + i + chunk.length, total);
    }
    n += group.length;
    for (const { made, at } of acks) {
      const ack = await signAcknowledgement(keyOf(made.consumer), domain, {
        provider: made.provider,
        id: made.id,
        consumer: made.consumer,
        exchangeLeafHash: made.leafHash,
        acknowledgedAt: at,
      });
      await must(`ack ${made.id}`, api.post("/v1/acknowledgements", ack));
    }
    await must("anchor", api.post("/v1/anchor"));
  }
  return { tokens, departmentId, exchanges };
}
