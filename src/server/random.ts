/**
 * mulberry32: a seeded PRNG with 32 bits of state, uniform in [0, 1). The demo source, test
 * data and benchmarks use it so that the same seed gives the same attacks on every run (it is
 * not for anything secret).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
