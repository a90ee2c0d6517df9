/**
 * A Bloom filter over strings (Kirsch–Mitzenmacher double hashing of two
 * 32-bit FNV-1a hashes). `mightContain` has no false negatives; the false
 * positive rate is ≈ `fpRate` while at most `capacity` keys were added.
 */
export class BloomFilter {
  readonly capacity: number;
  readonly #bits: Uint32Array;
  readonly #m: number;
  readonly #k: number;
  #count = 0;

  constructor(capacity: number, fpRate = 0.01) {
    this.capacity = Math.max(1024, Math.ceil(capacity));
    this.#m = Math.ceil((-this.capacity * Math.log(fpRate)) / Math.LN2 ** 2);
    this.#k = Math.max(1, Math.round((this.#m / this.capacity) * Math.LN2));
    this.#bits = new Uint32Array(Math.ceil(this.#m / 32));
  }

  get count(): number {
    return this.#count;
  }

  add(key: string): void {
    const [h1, h2] = hashes(key);
    for (let i = 0; i < this.#k; i++) {
      const bit = (h1 + i * h2) % this.#m;
      this.#bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    this.#count++;
  }

  mightContain(key: string): boolean {
    const [h1, h2] = hashes(key);
    for (let i = 0; i < this.#k; i++) {
      const bit = (h1 + i * h2) % this.#m;
      if ((this.#bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

function hashes(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [a >>> 0, (b | 1) >>> 0];
}
