/** What the HTTP layer asks of provenance (SPEC §5): a dataset's exchanges, page by page, and its lineage both ways. */
import type { Entry } from "../../core/record.ts";
import type { RecordValues } from "../../core/record-fields.ts";

export { DEFAULT_PAGE, MAX_PAGE } from "../../api/operations/log.ts";
/** One exchange of a dataset: the record's fields but the dataset (asked for) and the signature (in the receipt), then its place in the log. */
export interface ExchangeItem extends Readonly<Omit<RecordValues, "dataset" | "signature">> {
  readonly seq: number;
  readonly receivedAt: string;
  readonly leafHash: string;
  readonly status: "pending" | "anchored";
  readonly checkpoint: { index: number; treeSize: number; rootHash: string; txHash: string; blockNumber: number } | null;
  readonly receipt: string;
  /** Seq of the consumer's acknowledgement, or null while the exchange is one-sided. */
  readonly acknowledgedBySeq: number | null;
}

export interface LineageEdge {
  /** The derived dataset. */
  readonly dataset: string;
  /** What it was derived from. */
  readonly source: string;
  /** Distance from the dataset asked about (1 = direct). */
  readonly depth: number;
}

export interface Lineage {
  readonly upstream: LineageEdge[];
  readonly downstream: LineageEdge[];
  readonly truncated: boolean;
}

/** A page of a dataset's exchanges: `next` is the seq to continue after, or null at the end. */
export interface ExchangePage {
  readonly items: ExchangeItem[];
  readonly next: number | null;
}

/** One exchange naming a department: the provenance item with its dataset. */
export interface DepartmentExchangeItem extends ExchangeItem {
  readonly dataset: string;
}

/** What a department's exchanges are asked for: `role`, the UTC days of occurredAt [from, to], and entries below `belowSeq` only. */
export interface DepartmentExchangeQuery {
  readonly department: string;
  readonly role: "provider" | "consumer";
  readonly from: string;
  readonly to: string;
  readonly limit: number;
  /** Continue after this position (a page's `next`). */
  readonly after?: { readonly day: string; readonly seq: number };
  /** Only entries with seq below this (an anchored checkpoint's treeSize); the log size bounds it anyway. */
  readonly belowSeq?: number;
}

/** A page of a department's exchanges, by day of occurredAt then seq; `next` is where to continue, or null at the end. */
export interface DepartmentExchangePage {
  readonly items: DepartmentExchangeItem[];
  readonly next: { readonly day: string; readonly seq: number } | null;
}

export interface ProvenanceQueries {
  /** A department's exchanges in one role, from its index (never a scan of datasets). */
  departmentExchanges(q: DepartmentExchangeQuery): Promise<DepartmentExchangePage>;
  /** Exchanges of `dataset` with seq > `after`, at most `limit`, in log order; `filter` may hide some. */
  exchanges(dataset: string, after: number | undefined, limit: number, filter?: (e: Entry) => boolean): Promise<ExchangePage>;
  /** Both directions of `derivedFrom`; with `party`, only edges that department may see. */
  lineage(dataset: string, party?: string): Promise<Lineage>;
}
