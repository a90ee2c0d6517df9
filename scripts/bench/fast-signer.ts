/**
 * Signs exchange records quickly for load generation: the same EIP-712 digest
 * as the service (cross-checked against ethers in test/core/record.test.ts),
 * signed with native libsecp256k1 (low-s). Benchmarks only: departments use
 * src/client/sign.ts with an ethers signer.
 */
import secp256k1 from "secp256k1";
import { Eip712Digester, type Eip712Domain } from "../../src/core/eip712.ts";
import type { ExchangeRecord } from "../../src/core/record.ts";

export class FastSigner {
  readonly #key: Uint8Array;
  readonly #digester: Eip712Digester;
  constructor(privateKeyHex: string, domain: Eip712Domain) {
    this.#key = Buffer.from(privateKeyHex.slice(2), "hex");
    this.#digester = new Eip712Digester(domain);
  }
  sign(r: Omit<ExchangeRecord, "signature">): ExchangeRecord {
    const { signature, recid } = secp256k1.ecdsaSign(this.#digester.digest(r), this.#key);
    const v = (27 + recid).toString(16);
    return { ...r, signature: `0x${Buffer.from(signature).toString("hex")}${v}` };
  }
}
