/**
 * State proofs of checkpoints (`?proof=state`, docs/evidence.md): one
 * `eth_getProof` of the checkpoint's storage slots and one
 * `eth_getBlockByNumber`, at the latest block the service considers confirmed
 * (head − CONFIRMATIONS + 1, the block itself counting as one, as everywhere
 * in the service), with the block header RLP-encoded from its JSON fields.
 *
 * Contract (the StateProofs port, ports/receipts.ts):
 * - The header MUST hash to the block's hash, and the whole proof MUST pass
 *   the verifier's own `checkStateProof` before it is returned. When it does
 *   not (a chain whose header format we do not know, a node without
 *   eth_getProof), the answer is 501 STATE_PROOF_UNAVAILABLE naming why:
 *   never a wrong proof.
 * - The slots come from @dxledger/verify (`checkpointSlots`): the verifier
 *   checks exactly the slots proven here.
 */
import { encodeRlp, getBytes, keccak256, toBeArray, toQuantity, zeroPadValue, type JsonRpcProvider } from "ethers";
import { checkStateProof, checkpointSlots, type StateProof } from "@dxledger/verify";
import { LedgerError } from "../../core/errors.ts";
import type { ProvenCheckpoint, StateProofs } from "../../ports/receipts.ts";
import { toChainError } from "./to-chain-error.ts";

/** The header fields every chain since the Merge has, in header order; integers are minimal big-endian. */
const REQUIRED = [
  "parentHash",
  "sha3Uncles",
  "miner",
  "stateRoot",
  "transactionsRoot",
  "receiptsRoot",
  "logsBloom",
  "difficulty",
  "number",
  "gasLimit",
  "gasUsed",
  "timestamp",
  "extraData",
  "mixHash",
  "nonce",
] as const;
/** Fields added by later forks (London, Shanghai, Cancun, Prague), in header order; each present only from its fork on. */
const OPTIONAL = ["baseFeePerGas", "withdrawalsRoot", "blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot", "requestsHash"] as const;
const INTEGERS = new Set<string>(["difficulty", "number", "gasLimit", "gasUsed", "timestamp", "baseFeePerGas", "blobGasUsed", "excessBlobGas"]);

const unavailable = (why: string) => new LedgerError("STATE_PROOF_UNAVAILABLE", `no state proof on this chain: ${why}`);

/**
 * The RLP of a block header from `eth_getBlockByNumber`'s JSON. Throws
 * STATE_PROOF_UNAVAILABLE when a field is missing or the encoding does not
 * hash to the block's hash (a header format this code does not know).
 */
export function encodeHeader(block: Record<string, unknown>): string {
  const missing = REQUIRED.filter((k) => typeof block[k] !== "string");
  if (missing.length) throw unavailable(`block ${String(block.number)} has no ${missing.join(", ")} (not an Ethereum block header)`);
  const present = OPTIONAL.filter((k) => typeof block[k] === "string");
  const last = present.length ? OPTIONAL.indexOf(present.at(-1)!) : -1;
  const gap = OPTIONAL.slice(0, last + 1).filter((k) => !present.includes(k));
  if (gap.length) throw unavailable(`block ${String(block.number)} has ${present.at(-1)} but not ${gap.join(", ")}: an unknown header layout`);
  const fields = [...REQUIRED, ...present];
  const header = encodeRlp(fields.map((k) => (INTEGERS.has(k) ? toBeArray(BigInt(block[k] as string)) : getBytes(block[k] as string))));
  const hash = String(block.hash).toLowerCase();
  if (keccak256(header) !== hash) {
    throw unavailable(
      `the header of block ${BigInt(block.number as string)} encoded from its fields (${fields.join(", ")}) hashes to ${keccak256(header)}, ` +
        `not to the block's hash ${hash}: this chain's header format is not one the service knows`,
    );
  }
  return header;
}

interface GetProofAnswer {
  accountProof: string[];
  storageProof: Array<{ key: string; value: string; proof: string[] }>;
}

export class ChainStateProofs implements StateProofs {
  readonly #provider: JsonRpcProvider;
  readonly #contract: string;
  readonly #confirmations: number;

  /** `confirmations`: CONFIRMATIONS (≥ 1; the block itself counts as one). */
  constructor(provider: JsonRpcProvider, contract: string, confirmations: number) {
    this.#provider = provider;
    this.#contract = contract.toLowerCase();
    this.#confirmations = confirmations;
  }

  async prove(cp: ProvenCheckpoint): Promise<StateProof> {
    const slots = checkpointSlots(cp.logId, cp.index);
    const keys = [slots.length, slots.packed, slots.rootHash];
    const head = await this.#rpc("eth_blockNumber", () => this.#provider.getBlockNumber());
    const at = head - this.#confirmations + 1;
    if (at < cp.blockNumber) {
      throw new LedgerError(
        "NOT_YET_ANCHORED",
        `checkpoint ${cp.index} is in block ${cp.blockNumber}, not yet confirmed (${this.#confirmations} confirmation(s); head ${head}); retry shortly`,
        {
          checkpointBlock: cp.blockNumber,
          head,
        },
      );
    }
    const tag = toQuantity(at);
    const [block, proof] = await Promise.all([
      this.#rpc("eth_getBlockByNumber", () => this.#provider.send("eth_getBlockByNumber", [tag, false]) as Promise<Record<string, unknown> | null>),
      this.#rpc("eth_getProof", () => this.#provider.send("eth_getProof", [this.#contract, keys, tag]) as Promise<GetProofAnswer>),
    ]);
    if (!block) throw new LedgerError("CHAIN_UNAVAILABLE", `the chain has no block ${at} (a reorganisation?); retry shortly`);
    const out: StateProof = {
      block: { number: at, hash: String(block.hash).toLowerCase(), header: encodeHeader(block) },
      account: { address: this.#contract, proof: proof.accountProof.map((n) => n.toLowerCase()) },
      storage: keys.map((slot) => {
        const p = proof.storageProof.find((s) => BigInt(s.key) === BigInt(slot));
        if (!p) throw unavailable(`eth_getProof answered without slot ${slot}`);
        return { slot, value: zeroPadValue(toBeArray(BigInt(p.value)), 32).toLowerCase(), proof: p.proof.map((n) => n.toLowerCase()) };
      }),
    };
    // Never a wrong proof: checked as an auditor will check it.
    const check = checkStateProof(out, { contract: this.#contract, ...cp });
    if (!check.ok) throw unavailable(`the chain's proof at block ${at} does not check out (${check.code}: ${check.message})`);
    return out;
  }

  async #rpc<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      const ce = toChainError(e, what);
      if (ce.kind === "OTHER" && /not (supported|found|available)|unknown method|does not exist/i.test(ce.message))
        throw unavailable(`the node does not answer ${what} (${ce.message})`);
      throw ce;
    }
  }
}
