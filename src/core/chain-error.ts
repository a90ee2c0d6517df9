/**
 * The one catalogue of chain failures. The chain adapter MUST turn every
 * failure of an RPC call or transaction into a ChainError of one of these
 * kinds; services and the HTTP layer map kinds, never ethers' error shapes.
 */
export type ChainErrorKind =
  /** The node did not answer (refused, reset, DNS) or answered after RPC_TIMEOUT_MS. */
  | "UNAVAILABLE"
  /** The transaction or call reverted; `revert` names the contract's custom error. */
  | "REVERTED"
  /** The node refused the fee: below the base fee, the node's minimum, or a replacement not bumped enough. */
  | "UNDERPRICED"
  /** The fee needed is above the configured cap (MAX_GAS_PRICE). */
  | "FEE_CAP"
  /** The nonce was already used or is too far ahead. */
  | "NONCE"
  /** The sending account cannot pay gas × fee. */
  | "INSUFFICIENT_FUNDS"
  /** No ExchangeLedger at the address, or another chain than expected. */
  | "WRONG_CONTRACT"
  /** Anything else the node said. */
  | "OTHER";

/** Every kind, for schemas (the compiler holds the list to the type, both ways). */
export const CHAIN_ERROR_KINDS = [
  "UNAVAILABLE",
  "REVERTED",
  "UNDERPRICED",
  "FEE_CAP",
  "NONCE",
  "INSUFFICIENT_FUNDS",
  "WRONG_CONTRACT",
  "OTHER",
] as const satisfies readonly ChainErrorKind[];
export type AllKindsListed = Exclude<ChainErrorKind, (typeof CHAIN_ERROR_KINDS)[number]> extends never ? true : never;
export const ALL_CHAIN_ERROR_KINDS_LISTED: AllKindsListed = true;

export class ChainError extends Error {
  readonly kind: ChainErrorKind;
  /** For REVERTED: the custom error's name and arguments, when decodable. */
  readonly revert: { readonly name: string; readonly args: readonly unknown[] } | undefined;
  constructor(kind: ChainErrorKind, message: string, revert?: { name: string; args: readonly unknown[] }) {
    super(message);
    this.name = "ChainError";
    this.kind = kind;
    this.revert = revert;
  }
}

export function isChainError(e: unknown, kind?: ChainErrorKind): e is ChainError {
  return e instanceof ChainError && (kind === undefined || e.kind === kind);
}
