/** What the HTTP layer asks of usage statistics (SPEC §5). */

export const DIM_OF = { dataset: "d", provider: "p", consumer: "c", purpose: "u" } as const;
export type FilterName = keyof typeof DIM_OF;
export type GroupBy = "day" | "month" | FilterName;

export interface UsageQuery {
  readonly from: string;
  readonly to: string;
  readonly filters: Partial<Record<FilterName, string>>;
  readonly groupBy?: GroupBy;
}

export interface Group {
  key: string;
  exchanges: number;
  records: number;
}

export interface UsageAnswer {
  readonly from: string;
  readonly to: string;
  readonly filters: Partial<Record<FilterName, string>>;
  readonly groupBy: GroupBy | null;
  readonly total: { exchanges: number; records: number };
  readonly groups: Group[];
  /** The log size these figures cover. */
  readonly treeSize: number;
}

export interface Flow {
  readonly provider: string;
  readonly consumer: string;
  readonly exchanges: number;
  readonly records: number;
}

export interface UsageStatistics {
  /** Counts per (day, group) for one query, as of the log size `asOfSize` when given. */
  usage(q: UsageQuery, asOfSize?: number): Promise<UsageAnswer>;
  /** Provider × consumer counts over the days [from, to]. */
  flows(from: string, to: string, asOfSize?: number): Promise<Flow[]>;
}
