/**
 * `npm run bench:audit`: how long `dxledger audit` takes over BENCH_ENTRIES
 * (default 1 000 000) entries, next to a bare LevelDB scan of the same
 * entries measured in the same run. Entries go in through the real append
 * path (group-committed Appender); signatures are not part of the audit.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../../src/adapters/leveldb/store.ts";
import { Appender } from "../../src/services/append/appender.ts";
import { Prover } from "../../src/services/proofs/prover.ts";
import { audit } from "../../src/services/audit/audit.ts";
import { payloadDigest } from "../../src/client/sign.ts";
import type { ExchangeRecord } from "../../src/core/record.ts";

const N = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), "dxledger-bench-audit-"));
const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

try {
  const store = await Store.open(join(dir, "ledger"));
  const appender = await Appender.open(store);
  const t0 = performance.now();
  const sig = `0x${"1b".repeat(65)}`;
  const inflight: Array<Promise<unknown>> = [];
  for (let n = 0; n < N; n += 2000) {
    const recs: ExchangeRecord[] = [];
    for (let i = n; i < Math.min(N, n + 2000); i++) {
      recs.push({
        id: `r-${i}`,
        provider: `dept-${i % 80}`,
        consumer: `dept-${(i + 7) % 80}`,
        dataset: `city/ds-${i % 2000}`,
        purpose: "benefit eligibility",
        legalBasis: "Act s.12",
        recordCount: i % 5000,
        payloadDigest: payloadDigest(`p${i}`),
        derivedFrom: i % 10 === 0 ? [`city/ds-${(i + 1) % 2000}`] : [],
        occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
        signature: sig,
      });
    }
    inflight.push(appender.submit(recs));
    if (inflight.length >= 4) await inflight.shift();
  }
  await Promise.all(inflight);
  const loadS = (performance.now() - t0) / 1000;
  // A local checkpoint at the end, so the audit recomputes one root too.
  const prover = new Prover(store);
  await store.putCheckpoint({ index: 0, treeSize: N, rootHash: await prover.root(N), txHash: "", blockNumber: 0, anchoredAt: 0 });
  console.log(`loaded ${fmt(N)} entries through the append path in ${fmt(loadS, 1)} s (${fmt(N / loadS)} entries/s)`);

  const t1 = performance.now();
  let scanned = 0;
  for await (const _ of store.entriesFrom(0)) scanned++;
  const scanS = (performance.now() - t1) / 1000;

  const t2 = performance.now();
  const report = await audit(store, undefined, "0x00");
  const auditS = (performance.now() - t2) / 1000;
  const mem = process.memoryUsage().rss / 2 ** 20;
  console.log("");
  console.log("| measure | dxledger audit | baseline (bare LevelDB scan) | ratio |");
  console.log("|---|---|---|---|");
  console.log(
    `| ${fmt(N)} entries | ${fmt(auditS, 1)} s (${fmt(N / auditS)} entries/s) | ${fmt(scanS, 1)} s (${fmt(scanned / scanS)} entries/s) | ${fmt(auditS / scanS, 1)}× |`,
  );
  console.log("");
  console.log(
    `audit: ${report.clean ? "clean" : `${report.discrepancies.length} discrepancies`}, ${report.entriesChecked} entries, rss ${fmt(mem)} MiB, one core (the audit is single-threaded)`,
  );
  await appender.close();
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
