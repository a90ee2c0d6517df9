/**
 * `node scripts/bench/anchor-gas.ts`: gas of one `anchor` transaction as a
 * log grows — what a gateway pays per checkpoint, measured on Anvil.
 *
 * The contract re-checks an RFC 9162 consistency proof from the last
 * checkpoint on every anchor, so its cost grows with log2(tree size), not
 * with the leaves. To reach city sizes (10^8 entries and more) without
 * hashing them, every leaf is the same entry: a perfect subtree's hash then
 * depends only on its level, and any root or proof node is a fold of O(log n)
 * such hashes — the same proof lengths and the same on-chain work as a real
 * log of that size. Each proof is checked off chain first (src/core/merkle).
 *
 * Prints, per tree size and step (entries added since the last checkpoint):
 * proof length and gasUsed from the transaction's receipt; then the first
 * anchor of a log (no proof). Env: BENCH_SIZES (comma-separated), BENCH_STEPS.
 */
import { Contract, Wallet, type ContractTransactionResponse } from "ethers";
import { ANVIL_DEV_KEY, runAnvil } from "../../src/adapters/chain/anvil.ts";
import { freeLoopbackPort } from "../../src/adapters/chain/loopback-port.ts";
import { LedgerClient, makeProvider } from "../../src/adapters/chain/ledger-client.ts";
import { ledgerArtifact } from "../../src/adapters/chain/artifact.ts";
import { logIdOf } from "../../src/config.ts";
import { hashChildren, hashLeaf, type Hash } from "../../src/core/merkle/hash.ts";
import { consistencyRanges } from "../../src/core/merkle/proofs.ts";
import { decompose, foldRange } from "../../src/core/merkle/range.ts";
import { verifyConsistency } from "../../src/core/merkle/verify.ts";
import { toHex, utf8 } from "../../src/core/hex.ts";

const SIZES = (process.env.BENCH_SIZES ?? "1000,100000,1000000,10000000,100000000,300000000,1000000000").split(",").map(Number);
const STEPS = (process.env.BENCH_STEPS ?? "1,16,300,5000").split(",").map(Number);

const level: Hash[] = [hashLeaf(utf8('{"v":1,"same":"entry"}'))];
for (let l = 1; l <= 40; l++) level.push(hashChildren(level[l - 1]!, level[l - 1]!));
const range = (a: number, b: number): Hash => foldRange(decompose(a, b).map((id) => level[id.level]!));
const root = (n: number): string => toHex(range(0, n));
const proof = (m: number, n: number): Hash[] => consistencyRanges(m, n).map((r) => range(r.begin, r.end));

const chain = await runAnvil([], await freeLoopbackPort(), 30_000, "gas bench");
try {
  const logId = logIdOf("gas-bench");
  const { address } = await LedgerClient.deploy(chain.rpcUrl, ANVIL_DEV_KEY, logId);
  const provider = makeProvider(chain.rpcUrl);
  const c = new Contract(address, ledgerArtifact().abi as never[], new Wallet(ANVIL_DEV_KEY, provider));
  const anchor = async (m: number, n: number): Promise<{ gas: bigint; len: number }> => {
    const p = m === 0 ? [] : proof(m, n);
    if (m > 0) {
      const ok = verifyConsistency(m, n, p, range(0, m), range(0, n));
      if (!ok.ok) throw new Error(`bad proof ${m} → ${n}`);
    }
    const tx = (await c.getFunction("anchor")(logId, n, root(n), p.map(toHex))) as ContractTransactionResponse;
    const rc = await tx.wait();
    return { gas: rc!.gasUsed, len: p.length };
  };
  const first = await anchor(0, SIZES[0]!);
  console.log(`first anchor of a log (no proof): ${first.gas} gas`);
  console.log("tree size        step  proof  gasUsed");
  let last = SIZES[0]!;
  for (const size of SIZES) {
    for (const step of STEPS) {
      const m = Math.max(size, last + 1);
      if (m > last) await anchor(last, m);
      const r = await anchor(m, m + step);
      last = m + step;
      console.log(`${String(m).padStart(13)} ${String(step).padStart(7)} ${String(r.len).padStart(6)}  ${r.gas}`);
    }
  }
  provider.destroy();
} finally {
  await chain.stop();
}
