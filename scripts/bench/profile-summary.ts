/**
 * Per-stage breakdown of V8 CPU profiles (`node --cpu-prof`): every sample
 * is given to the innermost frame on its stack that a stage rule claims (a
 * native builtin such as JSON.parse is claimed by name; anything unclaimed
 * goes to its nearest claimed caller, else "other"). Prints one table per
 * thread: stage, self ms, share of the thread's busy (non-idle) time.
 *
 *   node scripts/bench/profile-summary.ts <dir-or-.cpuprofile>...
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** [stage, test on (functionName, url)], first match wins; order: most specific first. */
const RULES: Array<[string, (f: string, u: string) => boolean]> = [
  ["idle", (f) => f === "(idle)"],
  ["GC", (f) => f === "(garbage collector)"],
  [
    "startup (module loading, type stripping)",
    (f, u) =>
      /node:internal\/(modules|vm|source_map)|internal\/deps\/(cjs-module-lexer|amaro)|^wasm:|\/amaro\//.test(u) ||
      /^(compileSourceTextModule|compileForInternalLoader|internalModuleStat|wrapSafe|__require|js-to-wasm|wasm-to-js|wasm-function.*)$/.test(f),
  ],
  [
    "chain client (anchoring, RPC over fetch)",
    (f, u) =>
      u.includes("/ethers/") ||
      u.includes("/adapters/chain/") ||
      u.includes("/services/anchor/anchorer.ts") ||
      /node:internal\/deps\/undici|internal\/webstreams|internal\/encoding/.test(u),
  ],
  ["JSON parse", (f, u) => (f === "parse" && u === "") || u.includes("/body-parser/")],
  ["JSON stringify (response, entry text)", (f, u) => f === "stringify" && u === ""],
  ["zod (schema)", (f, u) => u.includes("/zod/") || (u.endsWith("/src/services/append/intake.ts") && f === "parse")],
  ["canonical form (JCS)", (f, u) => u.includes("/canonicalize/") || (u.endsWith("/core/record.ts") && /entryText|normalize|canonical/.test(f))],
  ["EIP-712 digest (keccak)", (f, u) => u.includes("/core/eip712.ts") || u.includes("/@noble/hashes/sha3")],
  ["signature recovery (libsecp256k1)", (f, u) => u.includes("/secp256k1/") || u.endsWith("/core/signature.ts")],
  [
    "worker hand-off (pack, post, unpack)",
    (f, u) =>
      u.includes("signer-pack.ts") || u.includes("signer-pool.ts") || u.includes("signer-worker.ts") || f === "postMessage" || u.includes("internal/worker"),
  ],
  ["leaf hash (SHA-256)", (f, u) => u.endsWith("/merkle/hash.ts") || u.includes("/@noble/hashes/")],
  ["tree append / proofs", (f, u) => u.includes("/core/merkle/") || u.endsWith("/services/proofs/prover.ts")],
  ["statistics counters", (f, u) => u.endsWith("/stats-counters.ts") || u.endsWith("/leveldb/keys.ts")],
  [
    "LevelDB (batch, get)",
    (f, u) =>
      u.includes("/classic-level/") ||
      u.includes("/abstract-level/") ||
      u.includes("/level-") ||
      u.endsWith("/leveldb/store.ts") ||
      u.includes("/module-error/"),
  ],
  ["appender (group, idempotency)", (f, u) => /\/services\/(appender|append-[a-z]+|known-keys)\.ts$/.test(u) || u.endsWith("/core/bloom.ts")],
  ["ledger read (receipt)", (f, u) => u.endsWith("/services/proofs/reader.ts")],
  ["mw: request id", (f, u) => u.endsWith("/http/request-id.ts") || u.includes("/log/context.ts")],
  ["mw: helmet", (f, u) => u.includes("/helmet/")],
  ["mw: cors", (f, u) => u.includes("/cors/") || u.includes("/vary/")],
  ["mw: rate limit", (f, u) => u.includes("/express-rate-limit/") || u.endsWith("/http/rate-limit.ts")],
  ["mw: metrics", (f, u) => u.includes("/prom-client/") || u.endsWith("/http/metrics-routes.ts") || u.endsWith("/ports/metrics.ts")],
  ["mw: token check", (f, u) => /\/http\/(authenticate-first|auth)\.ts$/.test(u) || u.endsWith("/services/tokens/tokens.ts")],
  ["mw: body budget", (f, u) => u.endsWith("/http/body-budget.ts")],
  [
    "route handler + error mapping",
    (f, u) => /\/http\/[a-z-]+-routes\.ts$/.test(u) || u.endsWith("/http/errors.ts") || u.endsWith("/http/mount.ts") || u.endsWith("/api/params.ts"),
  ],
  ["logging (pino)", (f, u) => u.includes("/pino")],
  [
    "Express (router, req/res)",
    (f, u) =>
      /\/node_modules\/(express|router|finalhandler|send|on-finished|type-is|content-type|media-typer|mime-types|qs|parseurl|path-to-regexp|depd|raw-body|iconv-lite|statuses|http-errors|accepts|negotiator|encodeurl|escape-html|cookie|content-disposition|etag|fresh|range-parser|debug|ms|merge-descriptors|utils-merge|proxy-addr|forwarded|ipaddr\.js)\//.test(
        u,
      ),
  ],
  [
    "node HTTP + sockets",
    (f, u) =>
      /node:(_http|http|net|stream|internal\/(http|streams|stream_base|net|timers|dns)|_stream|events|internal\/events)/.test(u) ||
      f === "writev" ||
      f === "writeUtf8String" ||
      f === "writeBuffer",
  ],
  ["async plumbing (promises, ticks)", (f, u) => /node:internal\/(process\/task_queues|async_hooks|process\/promises|timers)/.test(u) || f === "(program)"],
];

function stageOf(f: CallFrame): string | undefined {
  const url = f.url.replace(/^file:\/\//, "");
  for (const [name, test] of RULES) if (test(f.functionName, url)) return name;
  return undefined;
}

export function summarise(p: Profile): { busyMs: number; idleMs: number; rows: Array<[string, number]> } {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const memo = new Map<number, string>();
  const stage = (id: number): string => {
    const hit = memo.get(id);
    if (hit !== undefined) return hit;
    let cur: number | undefined = id;
    let s: string | undefined;
    while (cur !== undefined && s === undefined) {
      s = stageOf(byId.get(cur)!.callFrame);
      cur = parent.get(cur);
    }
    const out = s ?? "other";
    memo.set(id, out);
    return out;
  };
  const ms = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const s = stage(p.samples[i]!);
    ms.set(s, (ms.get(s) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  }
  const idleMs = ms.get("idle") ?? 0;
  ms.delete("idle");
  const busyMs = [...ms.values()].reduce((a, b) => a + b, 0);
  return { busyMs, idleMs, rows: [...ms].sort((a, b) => b[1] - a[1]) };
}

function files(args: string[]): string[] {
  return args.flatMap((a) =>
    statSync(a).isDirectory()
      ? readdirSync(a)
          .filter((f) => f.endsWith(".cpuprofile"))
          .sort()
          .map((f) => join(a, f))
      : [a],
  );
}

if (import.meta.main) {
  for (const f of files(process.argv.slice(2))) {
    const { busyMs, idleMs, rows } = summarise(JSON.parse(readFileSync(f, "utf8")) as Profile);
    if (busyMs < 50) continue;
    console.log(`\n${basename(f)}: busy ${(busyMs / 1000).toFixed(2)} s, idle ${(idleMs / 1000).toFixed(2)} s`);
    console.log("| stage | self ms | % of busy |\n|---|---|---|");
    for (const [s, v] of rows) if (v / busyMs >= 0.005) console.log(`| ${s} | ${v.toFixed(0)} | ${((100 * v) / busyMs).toFixed(1)} % |`);
  }
}
