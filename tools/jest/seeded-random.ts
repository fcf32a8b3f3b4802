/**
 * A test helper every package's tests share, beside failure-of.ts: mulberry32, a small
 * seeded generator, so a random sequence (a fuzz corpus, an interleaving) is the same on
 * every run and a failing one can be replayed from its seed.
 */
export interface SeededRandom {
  /** The next number in [0, 1). */
  next(): number;
  /** The next whole number in [0, below). */
  int(below: number): number;
}

export function seededRandom(seed: number): SeededRandom {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (below) => Math.floor(next() * below) };
}
