/** Pure sums of the gateways' statistics (SPEC §5 orders). */

export interface Figures {
  readonly exchanges: number;
  readonly records: number;
}
export interface Group extends Figures {
  readonly key: string;
}
export interface Flow extends Figures {
  readonly provider: string;
  readonly consumer: string;
}

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function sumTotals(totals: readonly Figures[]): Figures {
  return totals.reduce((s, t) => ({ exchanges: s.exchanges + t.exchanges, records: s.records + t.records }), { exchanges: 0, records: 0 });
}

/** Groups summed by key; time groups by key ascending, others by exchanges descending, then key. */
export function sumGroups(lists: ReadonlyArray<readonly Group[]>, timeGroups: boolean): Group[] {
  const m = new Map<string, { exchanges: number; records: number }>();
  for (const list of lists) {
    for (const g of list) {
      const s = m.get(g.key) ?? { exchanges: 0, records: 0 };
      s.exchanges += g.exchanges;
      s.records += g.records;
      m.set(g.key, s);
    }
  }
  const out = [...m].map(([key, f]) => ({ key, ...f }));
  return out.sort(timeGroups ? (a, b) => byKey(a.key, b.key) : (a, b) => b.exchanges - a.exchanges || byKey(a.key, b.key));
}

/** Flow cells summed by (provider, consumer); by exchanges descending, then provider, consumer. */
export function sumFlows(lists: ReadonlyArray<readonly Flow[]>): Flow[] {
  const m = new Map<string, Flow>();
  for (const list of lists) {
    for (const f of list) {
      const k = `${f.provider}\u0000${f.consumer}`;
      const s = m.get(k);
      m.set(k, s ? { ...s, exchanges: s.exchanges + f.exchanges, records: s.records + f.records } : { ...f });
    }
  }
  return [...m.values()].sort((a, b) => b.exchanges - a.exchanges || byKey(a.provider, b.provider) || byKey(a.consumer, b.consumer));
}
