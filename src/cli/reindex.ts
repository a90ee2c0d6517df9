/**
 * `dxledger reindex [--data-dir DIR] [--write] [--json]`: rebuilds every
 * derived index (ids, acknowledgements, dataset and lineage keys, usage
 * counters) from the entries alone and compares it with the live one, key by
 * key. Exit 0 when equal (or, with --write, once rewritten and equal), 1 when
 * they differ, 2 on error. Runs with the service stopped.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { Store } from "../adapters/leveldb/store.ts";
import { compareDerived, deriveFromStore, DERIVED_PREFIXES, writeDerived } from "../adapters/leveldb/derived-indexes.ts";

export async function reindexCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let o;
  try {
    o = parseArgs({
      args: argv,
      options: { "data-dir": { type: "string" }, write: { type: "boolean", default: false }, json: { type: "boolean", default: false } },
    }).values;
  } catch (e) {
    process.stderr.write(`dxledger reindex: ${(e as Error).message}\nusage: dxledger reindex [--data-dir DIR] [--write] [--json]\n`);
    return 2;
  }
  const dataDir = resolve(o["data-dir"] ?? env.DATA_DIR ?? "./data");
  let store: Store;
  try {
    store = await Store.open(resolve(dataDir, "ledger"));
  } catch (e) {
    process.stderr.write(
      `dxledger reindex: cannot open the store in ${dataDir}: ${(e as Error).message.split("\n")[0]} (is the service still running? stop it first)\n`,
    );
    return 2;
  }
  try {
    const size = await store.size();
    const derived = await deriveFromStore(store);
    let cmp = await compareDerived(store, derived, DERIVED_PREFIXES);
    const differences = cmp.total;
    const report: Record<string, unknown> = {
      entries: size,
      derivedKeys: derived.size,
      liveKeysCompared: cmp.compared,
      differences,
      firstDifferences: cmp.diffs,
    };
    if (cmp.total > 0 && o.write) {
      await writeDerived(store, derived);
      cmp = await compareDerived(store, derived, DERIVED_PREFIXES);
      report.rewritten = true;
      report.differencesAfterRewrite = cmp.total;
    }
    if (o.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      for (const d of report.firstDifferences as Array<{ key: string; live: string | null; rebuilt: string | null }>) {
        process.stdout.write(`${d.key}\tlive ${d.live ?? "(none)"}\trebuilt ${d.rebuilt ?? "(none)"}\n`);
      }
      process.stdout.write(
        `rebuilt ${derived.size} derived keys from ${size} entries: ${differences === 0 ? "EQUAL to the live ones" : `${differences} DIFFERENCES`}` +
          (report.rewritten ? `; rewritten, now ${cmp.total === 0 ? "EQUAL" : `${cmp.total} differences`}` : "") +
          "\n",
      );
    }
    return cmp.total === 0 ? 0 : 1;
  } catch (e) {
    process.stderr.write(`dxledger reindex: error: ${(e as Error).message}\n`);
    return 2;
  } finally {
    await store.close();
  }
}
