/**
 * Fills a stopped service's data dir to `upTo` entries, fast, for the receipt
 * benchmark: entries in the stored form (JCS entry text, leaf hashes, every
 * tree node, id and dataset indexes) appended through the LevelDB adapter in
 * synced batches of 10 000, exactly as the appender writes them — but without
 * the signature check (each entry reuses one signed record with a new id, so
 * its signature does not verify) and without usage counters. What the
 * benchmark then measures — reading an entry, its inclusion proof and its
 * checkpoint — does not depend on either. Not for any data dir but a bench's.
 */
import { entryText, type ExchangeRecord } from "../../src/core/record.ts";
import { Frontier } from "../../src/core/merkle/frontier.ts";
import { hashLeaf } from "../../src/core/merkle/hash.ts";
import { decompose } from "../../src/core/merkle/range.ts";
import { fromHex, toHex, utf8 } from "../../src/core/hex.ts";
import { Store } from "../../src/adapters/leveldb/store.ts";
import type { IndexedEntry } from "../../src/ports/store.ts";

const GROUP = 10_000;

/** Appends entries to the store at `location` until it holds `upTo`; returns how many it wrote. */
export async function fillLog(location: string, template: ExchangeRecord, upTo: number, progress?: (size: number) => void): Promise<number> {
  const store = await Store.open(location);
  try {
    const start = await store.size();
    const frontier = new Frontier(start, (await store.nodes(decompose(0, start))).map(fromHex));
    for (let size = start; size < upTo;) {
      const entries: IndexedEntry[] = [];
      const nodes: Array<{ level: number; index: number; hashHex: string }> = [];
      const end = Math.min(upTo, size + GROUP);
      const receivedAt = new Date().toISOString(); // non-decreasing, as the appender keeps it
      for (let seq = size; seq < end; seq++) {
        const record = { ...template, id: `fill-${seq}` };
        const leafData = entryText({ v: 1, seq, receivedAt, record });
        for (const n of frontier.append(hashLeaf(utf8(leafData)))) nodes.push({ level: n.level, index: n.index, hashHex: toHex(n.hash) });
        entries.push({
          seq,
          leafData,
          provider: record.provider,
          id: record.id,
          dataset: record.dataset,
          derivedFrom: record.derivedFrom,
          consumer: record.consumer,
          occurredAt: record.occurredAt,
        });
      }
      await store.append({ entries, nodes, newSize: end });
      size = end;
      progress?.(size);
    }
    return Math.max(0, upTo - start);
  } finally {
    await store.close();
  }
}
