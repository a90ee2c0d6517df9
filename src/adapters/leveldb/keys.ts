/**
 * The LevelDB key layout, all in one place. Keys and values are UTF-8 strings.
 *
 *   m:size                         committed log size (decimal). Written in the
 *                                  same batch as the entries it counts: the
 *                                  batch is the commit point.
 *   e:<seq:16>                     entry, as its leaf data (JCS of the entry)
 *   n:<level:2>:<index:16>         hash (hex) of perfect subtree (level, index);
 *                                  level 0 holds the leaf hashes
 *   p:<provider>:<id>              seq of the record (provider ids have no ':')
 *   a:<provider>:<id>              seq of the consumer's acknowledgement of that record
 *   u:<seq:16>                     "" — exchange seq is not acknowledged yet (deleted
 *                                  in the batch that writes its acknowledgement)
 *   c:<index:12>                   checkpoint JSON, as anchored on chain
 *   t:<tokenId>                    API token JSON (secret stored only hashed)
 *   d:<departmentId>               department JSON (the chain has the signer)
 *   s:deployment                   the contract this data dir anchors to
 *   x:d:<dataset>!<seq:16>         "" — entry seq is an exchange of dataset
 *   x:u:<dataset>!<source>         "" — dataset was derived from source (upstream)
 *   x:w:<source>!<dataset>         "" — source has dataset derived from it (downstream)
 *   x:p:<provider>!<day>!<seq:16>  "" — exchange seq has this provider; <day> is the UTC
 *   x:c:<consumer>!<day>!<seq:16>  "" — day of occurredAt (as the counters take it), so a
 *                                  department's exchanges in a day range, by role, are
 *                                  one key range in (day, seq) order. Exchanges only: an
 *                                  acknowledgement has no key here.
 *   m:index:department             "1" — the x:p:/x:c: keys are complete: a data dir
 *                                  written before they existed gets them built once,
 *                                  when it is opened (ensureDepartmentIndex)
 *
 *   q:<F>:<f>:<G>:<day>:<g>        "exchanges,records" — usage counters: entries with
 *                                  F = f (or, for F "*", all), on UTC day <day> of
 *                                  occurredAt, with G = g. F, G ∈ {d dataset, p provider,
 *                                  c consumer, u purpose}; G "_" (and no :<g>) is the total.
 *   f:<day>:<provider>:<consumer>  "exchanges,records" — the flow matrix
 *   r:<G>:<month>[:<g>]            "exchanges,records" — monthly rollups of the
 *   r:f:<month>:<provider>:<consumer>  unfiltered counters and of the flows,
 *   y:<G>:<year>[:<g>]             and yearly ones: a year of top-N or flows reads
 *   y:f:<year>:<provider>:<consumer>  one year's keys, not 365 days' (years, then
 *                                  months, then edge days)
 *
 * f and g are URI-encoded (no ":" remains), so every prefix names one thing.
 * A query with at most one filter over days D reads O(|D| × groups) keys.
 *
 * The p:, a:, u:, x:, q:, f:, r: and y: keys are derived: written in the same batch as their entry, and
 * rebuilt or checked from the entries alone (`dxledger audit`). "!" cannot
 * occur in a dataset id, so "<dataset>!" prefixes exactly that dataset's keys.
 *
 * Numbers are zero-padded decimals so that key order is numeric order.
 */
const pad = (n: number, w: number): string => n.toString().padStart(w, "0");

export const K = {
  size: "m:size",
  entry: (seq: number): string => `e:${pad(seq, 16)}`,
  entryPrefix: "e:",
  node: (level: number, index: number): string => `n:${pad(level, 2)}:${pad(index, 16)}`,
  byProvider: (provider: string, id: string): string => `p:${provider}:${id}`,
  ackOf: (provider: string, id: string): string => `a:${provider}:${id}`,
  unacknowledged: (seq: number): string => `u:${pad(seq, 16)}`,
  unacknowledgedPrefix: "u:",
  checkpoint: (index: number): string => `c:${pad(index, 12)}`,
  checkpointPrefix: "c:",
  token: (tokenId: string): string => `t:${tokenId}`,
  tokenPrefix: "t:",
  department: (id: string): string => `d:${id}`,
  departmentPrefix: "d:",
  deployment: "s:deployment",
  datasetExchange: (dataset: string, seq: number): string => `x:d:${dataset}!${pad(seq, 16)}`,
  datasetExchangePrefix: (dataset: string): string => `x:d:${dataset}!`,
  upstream: (dataset: string, source: string): string => `x:u:${dataset}!${source}`,
  upstreamPrefix: (dataset: string): string => `x:u:${dataset}!`,
  downstream: (source: string, dataset: string): string => `x:w:${source}!${dataset}`,
  downstreamPrefix: (source: string): string => `x:w:${source}!`,
  /** A department's exchanges in one role ("p" provider, "c" consumer), by UTC day of occurredAt, then seq. */
  departmentExchange: (role: "p" | "c", department: string, day: string, seq: number): string => `x:${role}:${department}!${day}!${pad(seq, 16)}`,
  departmentExchangePrefix: (role: "p" | "c", department: string): string => `x:${role}:${department}!`,
  departmentIndexDone: "m:index:department",
  indexPrefix: "x:",
  /** Filter and group values come URI-encoded (counterKeys encodes each value once). */
  counterEncoded: (f: string, fvalEnc: string, g: string, day: string, gvalEnc?: string): string =>
    gvalEnc === undefined ? `q:${f}:${fvalEnc}:_:${day}` : `q:${f}:${fvalEnc}:${g}:${day}:${gvalEnc}`,
  counterPrefix: (f: string, fval: string, g: string): string => `q:${f}:${encodeURIComponent(fval)}:${g}:`,
  flow: (day: string, provider: string, consumer: string): string => `f:${day}:${provider}:${consumer}`,
  flowPrefix: "f:",
  monthCounterEncoded: (g: string, month: string, gvalEnc?: string): string => (gvalEnc === undefined ? `r:${g}:${month}` : `r:${g}:${month}:${gvalEnc}`),
  monthCounterPrefix: (g: string): string => `r:${g}:`,
  monthFlow: (month: string, provider: string, consumer: string): string => `r:f:${month}:${provider}:${consumer}`,
  monthFlowPrefix: "r:f:",
  yearCounterEncoded: (g: string, year: string, gvalEnc?: string): string => (gvalEnc === undefined ? `y:${g}:${year}` : `y:${g}:${year}:${gvalEnc}`),
  yearCounterPrefix: (g: string): string => `y:${g}:`,
  yearFlow: (year: string, provider: string, consumer: string): string => `y:f:${year}:${provider}:${consumer}`,
  yearFlowPrefix: "y:f:",
} as const;

/** Upper bound for a prefix range scan. */
export const prefixEnd = (prefix: string): string => `${prefix}\xff`;

/** The fields of an exchange its department index keys are made of. */
export interface DepartmentIndexed {
  readonly seq: number;
  readonly provider: string;
  readonly consumer: string;
  readonly occurredAt: string;
}

/** The two department index keys of an exchange (values are ""): as its provider's, and as its consumer's. */
export function departmentKeys(e: DepartmentIndexed): [string, string] {
  const day = e.occurredAt.slice(0, 10);
  return [K.departmentExchange("p", e.provider, day, e.seq), K.departmentExchange("c", e.consumer, day, e.seq)];
}

/** Every dataset and lineage index key an exchange has (values are all ""). */
export function indexKeys(e: { readonly seq: number; readonly dataset: string; readonly derivedFrom: readonly string[] }): string[] {
  const keys = [K.datasetExchange(e.dataset, e.seq)];
  for (const src of e.derivedFrom) keys.push(K.upstream(e.dataset, src), K.downstream(src, e.dataset));
  return keys;
}
