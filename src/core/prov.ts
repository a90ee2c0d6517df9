/**
 * W3C PROV-JSON (https://www.w3.org/submissions/prov-json/) for a dataset's
 * provenance: datasets are entities, exchanges are activities, departments
 * are agents. Each exchange also carries its leaf hash and checkpoint, so a
 * PROV consumer can tie every statement back to the anchored log.
 */
import { RECORD_FIELDS, type ProvAttributeName, type RecordValues } from "./record-fields.ts";

/** The record's fields declared `provAttribute`, each written as `dx:<name>` on its exchange. */
const ATTRIBUTES = RECORD_FIELDS.flatMap((f) => (f.provAttribute ? [f.name] : []));

/** An exchange as PROV shows it: its parties (agents), time, attributes, and where it sits in the log. */
export interface ProvExchange extends Readonly<Pick<RecordValues, ProvAttributeName | "provider" | "consumer" | "occurredAt">> {
  readonly seq: number;
  readonly receivedAt: string;
  readonly leafHash: string;
  readonly status: string;
  readonly checkpoint: { index: number; treeSize: number; rootHash: string } | null;
}

export interface ProvEdge {
  readonly dataset: string;
  readonly source: string;
}

export const PROV_PREFIX = { dx: "urn:dxledger:", prov: "http://www.w3.org/ns/prov#", xsd: "http://www.w3.org/2001/XMLSchema#" };

const entityId = (d: string) => `dx:dataset/${encodeURIComponent(d)}`;
const agentId = (d: string) => `dx:department/${d}`;
const activityId = (seq: number) => `dx:exchange/${seq}`;

export function toProvJson(dataset: string, exchanges: readonly ProvExchange[], edges: readonly ProvEdge[]) {
  const entity: Record<string, object> = {};
  const activity: Record<string, object> = {};
  const agent: Record<string, object> = {};
  const used: Record<string, object> = {};
  const wasAssociatedWith: Record<string, object> = {};
  const wasDerivedFrom: Record<string, object> = {};
  const addEntity = (d: string) => {
    entity[entityId(d)] ??= { "prov:type": { $: "dx:Dataset", type: "xsd:QName" }, "prov:label": d };
  };
  const addAgent = (d: string) => {
    agent[agentId(d)] ??= { "prov:type": { $: "prov:Organization", type: "xsd:QName" }, "prov:label": d };
  };
  addEntity(dataset);
  for (const x of exchanges) {
    const a = activityId(x.seq);
    const attributes: Record<string, unknown> = {};
    for (const name of ATTRIBUTES) attributes[`dx:${name}`] = x[name];
    activity[a] = {
      "prov:type": { $: "dx:Exchange", type: "xsd:QName" },
      "prov:startTime": x.occurredAt,
      "prov:endTime": x.occurredAt,
      ...attributes,
      "dx:receivedAt": x.receivedAt,
      "dx:seq": x.seq,
      "dx:leafHash": x.leafHash,
      "dx:status": x.status,
      ...(x.checkpoint
        ? { "dx:checkpointIndex": x.checkpoint.index, "dx:checkpointTreeSize": x.checkpoint.treeSize, "dx:checkpointRoot": x.checkpoint.rootHash }
        : {}),
    };
    addAgent(x.provider);
    addAgent(x.consumer);
    used[`_:used${x.seq}`] = { "prov:activity": a, "prov:entity": entityId(dataset), "prov:time": x.occurredAt };
    wasAssociatedWith[`_:provider${x.seq}`] = { "prov:activity": a, "prov:agent": agentId(x.provider), "prov:role": { $: "dx:provider", type: "xsd:QName" } };
    wasAssociatedWith[`_:consumer${x.seq}`] = { "prov:activity": a, "prov:agent": agentId(x.consumer), "prov:role": { $: "dx:consumer", type: "xsd:QName" } };
  }
  edges.forEach((e, i) => {
    addEntity(e.dataset);
    addEntity(e.source);
    wasDerivedFrom[`_:derived${i}`] = { "prov:generatedEntity": entityId(e.dataset), "prov:usedEntity": entityId(e.source) };
  });
  const doc: Record<string, object> = { prefix: PROV_PREFIX, entity, activity, agent };
  if (Object.keys(used).length) doc.used = used;
  if (Object.keys(wasAssociatedWith).length) doc.wasAssociatedWith = wasAssociatedWith;
  if (Object.keys(wasDerivedFrom).length) doc.wasDerivedFrom = wasDerivedFrom;
  return doc;
}
