/**
 * EIP-712 signing of exchange records (SPEC §3): the domain, the types, and a
 * digest computed from precomputed type hashes (the hot path; ethers'
 * `TypedDataEncoder` gives the same bytes and is used to cross-check it).
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { ExchangeRecord } from "./record.ts";
import { fromHex, utf8 } from "./hex.ts";

export const EXCHANGE_TYPE =
  "Exchange(string id,string provider,string consumer,string dataset,string purpose,string legalBasis,uint64 recordCount,bytes32 payloadDigest,string[] derivedFrom,string occurredAt)";

export const EIP712_TYPES = {
  Exchange: [
    { name: "id", type: "string" },
    { name: "provider", type: "string" },
    { name: "consumer", type: "string" },
    { name: "dataset", type: "string" },
    { name: "purpose", type: "string" },
    { name: "legalBasis", type: "string" },
    { name: "recordCount", type: "uint64" },
    { name: "payloadDigest", type: "bytes32" },
    { name: "derivedFrom", type: "string[]" },
    { name: "occurredAt", type: "string" },
  ],
} as const;

export interface Eip712Domain {
  readonly name: "dxledger";
  readonly version: "1";
  readonly chainId: number;
  readonly verifyingContract: string;
}

export function eip712Domain(chainId: number, verifyingContract: string): Eip712Domain {
  return { name: "dxledger", version: "1", chainId, verifyingContract: verifyingContract.toLowerCase() };
}

const kString = (s: string): Uint8Array => keccak_256(utf8(s));

/**
 * Department ids, datasets, purposes and legal bases repeat across records:
 * their keccak256 is cached (bounded; cleared when full). Ids and times are not.
 */
const CACHE_MAX = 100_000;
const cache = new Map<string, Uint8Array>();
function kCached(s: string): Uint8Array {
  let h = cache.get(s);
  if (h === undefined) {
    if (cache.size >= CACHE_MAX) cache.clear();
    h = kString(s);
    cache.set(s, h);
  }
  return h;
}

const DOMAIN_TYPEHASH = kString("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
const EXCHANGE_TYPEHASH = kString(EXCHANGE_TYPE);
const EMPTY_ARRAY_HASH = keccak_256(new Uint8Array(0));

function word(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let x = n;
  for (let i = 31; i >= 0 && x > 0n; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

function hexWord(hex: string, bytes: number): Uint8Array {
  const out = new Uint8Array(32);
  out.set(fromHex(hex).subarray(0, bytes), 32 - bytes);
  return out;
}

/** keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(record)) for a given domain separator. */
export class Eip712Digester {
  readonly domainSeparator: Uint8Array;

  constructor(domain: Eip712Domain) {
    const buf = new Uint8Array(5 * 32);
    buf.set(DOMAIN_TYPEHASH, 0);
    buf.set(kString(domain.name), 32);
    buf.set(kString(domain.version), 64);
    buf.set(word(BigInt(domain.chainId)), 96);
    buf.set(hexWord(domain.verifyingContract, 20), 128);
    this.domainSeparator = keccak_256(buf);
  }

  structHash(r: Omit<ExchangeRecord, "signature">): Uint8Array {
    const buf = new Uint8Array(11 * 32);
    buf.set(EXCHANGE_TYPEHASH, 0);
    buf.set(kString(r.id), 32);
    buf.set(kCached(r.provider), 64);
    buf.set(kCached(r.consumer), 96);
    buf.set(kCached(r.dataset), 128);
    buf.set(kCached(r.purpose), 160);
    buf.set(kCached(r.legalBasis), 192);
    buf.set(word(BigInt(r.recordCount)), 224);
    buf.set(hexWord(r.payloadDigest, 32), 256);
    const arr = new Uint8Array(32 * r.derivedFrom.length);
    r.derivedFrom.forEach((d, i) => arr.set(kCached(d), 32 * i));
    buf.set(r.derivedFrom.length === 0 ? EMPTY_ARRAY_HASH : keccak_256(arr), 288);
    buf.set(kString(r.occurredAt), 320);
    return keccak_256(buf);
  }

  digest(r: Omit<ExchangeRecord, "signature">): Uint8Array {
    const buf = new Uint8Array(66);
    buf[0] = 0x19;
    buf[1] = 0x01;
    buf.set(this.domainSeparator, 2);
    buf.set(this.structHash(r), 34);
    return keccak_256(buf);
  }
}
