/**
 * Recovers the signers of exchange records on a pool of worker threads, so
 * signature checking — the dominant cost of ingest — uses every core while
 * the main thread does HTTP and LevelDB. Requests arriving in the same turn
 * of the event loop are sent to a worker as one message.
 *
 * Contract: `recover(records)` resolves to one result per record, in order,
 * identical to `recoverSigner(digest(record), record.signature)` inline.
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { Eip712Domain } from "../../core/eip712.ts";
import { Eip712Digester } from "../../core/eip712.ts";
import { recoverSigner, type RecoverResult } from "../../core/signature.ts";
import type { ExchangeRecord } from "../../core/record.ts";
import { packRecords } from "../../core/signer-pack.ts";

interface Waiting {
  readonly records: readonly ExchangeRecord[];
  readonly resolve: (r: RecoverResult[]) => void;
  readonly reject: (e: unknown) => void;
}

/** Records per worker message when a large batch is split across workers. */
const MIN_CHUNK = 64;

export class SignerPool {
  readonly #workers: Worker[] = [];
  readonly #load: number[] = [];
  readonly #inflight = new Map<number, { worker: number; parts: Array<{ w: Waiting; from: number; to: number }>; size: number }>();
  readonly #inline: Eip712Digester;
  #nextId = 1;
  #queue: Waiting[] = [];
  #scheduled = false;
  #closed = false;

  /** `size` 0 verifies on the main thread (no workers). */
  constructor(domain: Eip712Domain, size = availableParallelism()) {
    this.#inline = new Eip712Digester(domain);
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL("./signer-worker.ts", import.meta.url), { workerData: domain });
      w.on("message", (m: { id: number; packed: string }) => this.#done(m.id, unpackResults(m.packed)));
      w.on("error", (e) => this.#failWorker(i, e));
      w.unref();
      this.#workers.push(w);
      this.#load.push(0);
    }
  }

  recover(records: readonly ExchangeRecord[]): Promise<RecoverResult[]> {
    if (this.#workers.length === 0 || this.#closed || records.length === 0) {
      return Promise.resolve(records.map((r) => recoverSigner(this.#inline.digest(r), r.signature)));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ records, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const queue = this.#queue;
    this.#queue = [];
    const total = queue.reduce((n, w) => n + w.records.length, 0);
    // Spread over the workers in chunks of at least MIN_CHUNK records.
    const chunk = Math.max(MIN_CHUNK, Math.ceil(total / this.#workers.length));
    let parts: Array<{ w: Waiting; from: number; to: number }> = [];
    let size = 0;
    const send = () => {
      if (size === 0) return;
      const worker = this.#leastLoaded();
      const id = this.#nextId++;
      const records = parts.flatMap((p) => p.w.records.slice(p.from, p.to));
      this.#inflight.set(id, { worker, parts, size });
      this.#load[worker]! += size;
      this.#workers[worker]!.postMessage({ id, packed: packRecords(records) });
      parts = [];
      size = 0;
    };
    for (const w of queue) {
      let from = 0;
      while (from < w.records.length) {
        const take = Math.min(chunk - size, w.records.length - from);
        parts.push({ w, from, to: from + take });
        size += take;
        from += take;
        if (size >= chunk) send();
      }
    }
    send();
  }

  /** Partial results of submissions split over several worker messages. */
  readonly #all = new Map<Waiting, { out: RecoverResult[]; missing: number }>();

  #done(id: number, res: RecoverResult[]): void {
    const job = this.#inflight.get(id);
    if (!job) return;
    this.#inflight.delete(id);
    this.#load[job.worker]! -= job.size;
    let k = 0;
    for (const p of job.parts) {
      let st = this.#all.get(p.w);
      if (!st) {
        st = { out: new Array<RecoverResult>(p.w.records.length), missing: p.w.records.length };
        this.#all.set(p.w, st);
      }
      for (let i = p.from; i < p.to; i++) st.out[i] = res[k++]!;
      st.missing -= p.to - p.from;
      if (st.missing === 0) {
        this.#all.delete(p.w);
        p.w.resolve(st.out);
      }
    }
  }

  #leastLoaded(): number {
    let best = 0;
    for (let i = 1; i < this.#load.length; i++) if (this.#load[i]! < this.#load[best]!) best = i;
    return best;
  }

  #failWorker(index: number, e: unknown): void {
    for (const [id, job] of this.#inflight) {
      if (job.worker !== index) continue;
      this.#inflight.delete(id);
      for (const p of job.parts) {
        this.#all.delete(p.w);
        p.w.reject(e);
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

function unpackResults(packed: string): RecoverResult[] {
  return packed.split("\n").map((x) => (x.startsWith("!") ? { ok: false, reason: x.slice(1) } : { ok: true, address: x }));
}
