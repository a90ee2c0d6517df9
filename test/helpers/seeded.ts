/**
 * Deterministic stand-ins for randomness in tests: a test that fails must fail
 * again on the next run with the same data.
 */
import { Wallet, keccak256, toUtf8Bytes } from "ethers";

let keys = 0;

/**
 * A fresh wallet whose key follows from `label` and how many keys this process
 * has made before: distinct within a run (chains and services are per test
 * file), the same from one run to the next.
 */
export function testWallet(label = "key"): Wallet {
  return new Wallet(keccak256(toUtf8Bytes(`dxledger test ${label} ${++keys}`)));
}

/** A seeded PRNG (mulberry32): numbers in [0, 1) like Math.random, the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
