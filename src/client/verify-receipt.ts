/**
 * Verification of a receipt with nothing but a chain RPC: leaf hash,
 * inclusion proof, the checkpoint on chain (and the contract's own inclusion
 * check), and the provider's EIP-712 signature against the signer the on-chain
 * registry gave that department when the entry was accepted. Pins (chain id,
 * contract, log id) come from the auditor, never from the receipt.
 */
import { Contract } from "ethers";
import { checkReceiptOffline } from "../core/receipt.ts";
import { Eip712Digester, eip712Domain } from "../core/eip712.ts";
import { recoverSigner } from "../core/signature.ts";
import { signersActiveAt } from "../core/key-history.ts";
import { ackDigest, isAckEntry, type LogEntry } from "../core/ack.ts";
import { ledgerArtifact } from "../adapters/chain/artifact.ts";
import { makeProvider } from "../adapters/chain/ledger-client.ts";
import { registryHistory } from "../adapters/chain/registry-history.ts";

export interface VerifyOutcome {
  readonly valid: boolean;
  readonly checks: Array<{ check: string; ok: boolean; detail?: string }>;
}

export interface Pins {
  readonly chainId?: number;
  readonly contract?: string;
  readonly logId?: string;
}

/**
 * What verification reads from the chain, cached: one checkpoint read per
 * index and one registry history per department, however many receipts.
 */
export class ChainView {
  readonly provider: ReturnType<typeof makeProvider>;
  #chainId: Promise<number> | undefined;
  readonly #checkpoints = new Map<string, Promise<{ count: number; size?: number; root?: string; block?: number }>>();
  readonly #histories = new Map<string, ReturnType<typeof registryHistory>>();

  constructor(rpcUrl: string) {
    this.provider = makeProvider(rpcUrl);
  }

  chainId(): Promise<number> {
    this.#chainId ??= this.provider.getNetwork().then((n) => Number(n.chainId));
    return this.#chainId;
  }

  ledger(contract: string): Contract {
    return new Contract(contract, ledgerArtifact().abi as never[], this.provider);
  }

  checkpoint(contract: string, logId: string, index: number) {
    const key = `${contract}:${logId}:${index}`;
    let p = this.#checkpoints.get(key);
    if (!p) {
      p = (async () => {
        const ledger = this.ledger(contract);
        const count = Number(await ledger.getFunction("checkpointCount")(logId));
        if (index >= count) return { count };
        const c = await ledger.getFunction("checkpointAt")(logId, index);
        return { count, size: Number(c[0]), root: String(c[1]).toLowerCase(), block: Number(c[3]) };
      })();
      this.#checkpoints.set(key, p);
    }
    return p;
  }

  history(contract: string, department: string) {
    const key = `${contract}:${department}`;
    let p = this.#histories.get(key);
    if (!p) {
      p = registryHistory(this.provider, contract, department);
      this.#histories.set(key, p);
    }
    return p;
  }

  close(): void {
    this.provider.destroy();
  }
}

export async function verifyReceipt(receiptJson: unknown, rpcUrl: string, pins: Pins = {}): Promise<VerifyOutcome> {
  const view = new ChainView(rpcUrl);
  try {
    return await verifyWith(view, receiptJson, pins, true);
  } finally {
    view.close();
  }
}

/** Verifies one receipt through `view`; `askContract` also calls the contract's verifyInclusion. */
export async function verifyWith(view: ChainView, receiptJson: unknown, pins: Pins, askContract: boolean): Promise<VerifyOutcome> {
  const checks: VerifyOutcome["checks"] = [];
  const done = (): VerifyOutcome => ({ valid: checks.every((c) => c.ok), checks });
  const off = checkReceiptOffline(receiptJson);
  if (!off.ok) {
    checks.push({ check: "receipt, leaf hash and inclusion proof", ok: false, detail: off.reason });
    return done();
  }
  const r = off.receipt;
  const cp = r.checkpoint;
  checks.push({ check: "leaf hash and inclusion proof", ok: true, detail: `root ${off.root}` });
  const pinned: Array<[string, unknown, unknown]> = [
    ["chain id", pins.chainId, cp.chainId],
    ["contract", pins.contract?.toLowerCase(), cp.contract.toLowerCase()],
    ["log id", pins.logId?.toLowerCase(), cp.logId],
  ];
  for (const [what, pin, named] of pinned) {
    if (pin === undefined) continue;
    if (pin !== named) {
      checks.push({ check: `pinned ${what}`, ok: false, detail: `the receipt names ${named}; you pinned ${pin}` });
      return done();
    }
    checks.push({ check: `pinned ${what}`, ok: true, detail: String(pin) });
  }

  const chainId = await view.chainId();
  if (chainId !== cp.chainId) {
    checks.push({ check: "chain id", ok: false, detail: `RPC is chain ${chainId}, receipt names ${cp.chainId}` });
    return done();
  }
  const onChain = await view.checkpoint(cp.contract, cp.logId, cp.index);
  if (onChain.size === undefined) {
    checks.push({ check: "checkpoint on chain", ok: false, detail: `log ${cp.logId} has ${onChain.count} checkpoints on chain; receipt names index ${cp.index}` });
    return done();
  }
  const same = onChain.size === cp.treeSize && onChain.root === cp.rootHash;
  checks.push({
    check: "checkpoint on chain",
    ok: same,
    detail: same ? `index ${cp.index}, size ${onChain.size}, block ${onChain.block}` : `chain has size ${onChain.size} root ${onChain.root}`,
  });
  if (askContract) {
    const ledger = view.ledger(cp.contract);
    const included = Boolean(await ledger.getFunction("verifyInclusion")(cp.logId, cp.index, r.leafIndex, r.leafHash, r.inclusionProof));
    checks.push({ check: "contract verifyInclusion", ok: included });
  }

  // An exchange is signed by its provider, an acknowledgement by the consumer.
  const entry = r.entry as LogEntry;
  const digester = new Eip712Digester(eip712Domain(cp.chainId, cp.contract));
  const [who, role, digest, signature] = isAckEntry(entry)
    ? [entry.ack.consumer, "consumer", ackDigest(digester, entry.ack), entry.ack.signature]
    : [entry.record.provider, "provider", digester.digest(entry.record), entry.record.signature];
  const signer = recoverSigner(digest, signature);
  if (!signer.ok) {
    checks.push({ check: `${role} signature`, ok: false, detail: signer.reason });
    return done();
  }
  const history = await view.history(cp.contract, who);
  const active = signersActiveAt(history, Date.parse(r.entry.receivedAt));
  const ok = active.has(signer.address);
  checks.push({
    check: `${role} signature (key history)`,
    ok,
    detail: ok
      ? `signed by ${signer.address}, ${who}'s active signer when the entry was accepted (${r.entry.receivedAt})`
      : `signed by ${signer.address}; ${who}'s signer at ${r.entry.receivedAt} was ${[...active].join(" or ") || "none (not registered or revoked)"}`,
  });
  return done();
}
