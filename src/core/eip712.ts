/**
 * EIP-712 signing of exchange records (SPEC §3): the domain, the types, and a
 * digest computed from precomputed type hashes (the hot path; ethers'
 * `TypedDataEncoder` gives the same bytes and is used to cross-check it).
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { fromHex, utf8 } from "./hex.ts";
import { SIGNED_FIELDS, type Eip712FieldType, type RecordValues, type SignedField, type SignedFieldName } from "./record-fields.ts";

/** What the provider signs: the record without its signature. */
export type SignedValues = Pick<RecordValues, SignedFieldName>;

/** `Exchange`'s fields: the signed fields of RECORD_FIELDS, in their order. */
export const EIP712_TYPES: { readonly Exchange: ReadonlyArray<{ readonly name: SignedFieldName; readonly type: Eip712FieldType }> } = {
  Exchange: SIGNED_FIELDS.map((f) => ({ name: f.name, type: f.eip712 })),
};

/** SPEC §3's type string, spelled from EIP712_TYPES (test/core/record-fields.test.ts holds it to the SPEC's text). */
export const EXCHANGE_TYPE = `Exchange(${EIP712_TYPES.Exchange.map((f) => `${f.type} ${f.name}`).join(",")})`;

export interface Eip712Domain {
  readonly name: "dxledger";
  readonly version: "1";
  readonly chainId: number;
  readonly verifyingContract: string;
}

export function eip712Domain(chainId: number, verifyingContract: string): Eip712Domain {
  return { name: "dxledger", version: "1", chainId, verifyingContract: verifyingContract.toLowerCase() };
}

/** A keccak256 implementation: noble's (pure JS, everywhere) by default; the signer workers pass a faster one. */
export type Keccak256 = (data: Uint8Array) => Uint8Array;

const kString = (s: string): Uint8Array => keccak_256(utf8(s));

/**
 * Values of the fields declared `repeats` (department ids, datasets, purposes,
 * legal bases) recur across records: each digester caches their keccak256,
 * computed with its own keccak (bounded; cleared when full). Ids and times are not.
 */
const CACHE_MAX = 100_000;
function cachedKeccak(keccak: Keccak256): (s: string) => Uint8Array {
  const cache = new Map<string, Uint8Array>();
  return (s) => {
    let h = cache.get(s);
    if (h === undefined) {
      if (cache.size >= CACHE_MAX) cache.clear();
      h = keccak(utf8(s));
      cache.set(s, h);
    }
    return h;
  };
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

type Slot = (r: SignedValues) => Uint8Array;

/** `encodeData`'s 32-byte word of one field (EIP-712): strings and arrays by their keccak256, atoms in place. */
function slotOf(f: SignedField, keccak: Keccak256, cached: (s: string) => Uint8Array): Slot {
  const k = f.repeats ? cached : (s: string) => keccak(utf8(s));
  const name = f.name;
  switch (f.eip712) {
    case "string":
      return (r) => k(r[name] as string);
    case "uint64":
      return (r) => word(BigInt(r[name] as number));
    case "bytes32":
      return (r) => hexWord(r[name] as string, 32);
    case "string[]":
      return (r) => {
        const a = r[name] as readonly string[];
        if (a.length === 0) return EMPTY_ARRAY_HASH;
        const words = new Uint8Array(32 * a.length);
        a.forEach((s, i) => words.set(k(s), 32 * i));
        return keccak(words);
      };
  }
}

/** hashStruct's layout: the type hash, then field i's word at 32·(i+1), in SIGNED_FIELDS order. */
const STRUCT_BYTES = 32 * (1 + SIGNED_FIELDS.length);

/**
 * keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(record)) for a given domain
 * separator. `keccak` MUST compute keccak256 (the same bytes as noble's).
 */
export class Eip712Digester {
  readonly domainSeparator: Uint8Array;
  readonly #keccak: Keccak256;
  readonly #slots: readonly Slot[];

  constructor(domain: Eip712Domain, keccak: Keccak256 = keccak_256) {
    this.#keccak = keccak;
    const cached = cachedKeccak(keccak);
    this.#slots = SIGNED_FIELDS.map((f) => slotOf(f, keccak, cached));
    const buf = new Uint8Array(5 * 32);
    buf.set(DOMAIN_TYPEHASH, 0);
    buf.set(kString(domain.name), 32);
    buf.set(kString(domain.version), 64);
    buf.set(word(BigInt(domain.chainId)), 96);
    buf.set(hexWord(domain.verifyingContract, 20), 128);
    this.domainSeparator = keccak_256(buf);
  }

  structHash(r: SignedValues): Uint8Array {
    const buf = new Uint8Array(STRUCT_BYTES);
    buf.set(EXCHANGE_TYPEHASH, 0);
    for (let i = 0; i < this.#slots.length; i++) buf.set(this.#slots[i]!(r), 32 * (i + 1));
    return this.#keccak(buf);
  }

  digest(r: SignedValues): Uint8Array {
    const buf = new Uint8Array(66);
    buf[0] = 0x19;
    buf[1] = 0x01;
    buf.set(this.domainSeparator, 2);
    buf.set(this.structHash(r), 34);
    return this.#keccak(buf);
  }
}
