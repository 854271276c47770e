// Seeded randomness (the one PRNG, ml/util/prng.ts) so synthetic data and k-means sampling are
// reproducible across runs and platforms, with the integer and normal draws they need.
import { mulberry32 } from '../util/prng.ts';

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

export function createRandom(seed: number): Random {
  const next = mulberry32(seed);
  let spare = Number.NaN;
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      if (!Number.isNaN(spare)) {
        const s = spare;
        spare = Number.NaN;
        return s;
      }
      const u = 1 - next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}
