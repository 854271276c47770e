// Timing two things on a shared machine: alternate them so other load hits both alike, and compare
// medians rather than single runs.

/** Median wall time in ms of each of `a` and `b`, run alternately `rounds` times. */
export async function alternatingMedians(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  rounds = 5,
): Promise<[number, number]> {
  const time = async (fn: () => Promise<unknown>): Promise<number> => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < rounds; i++) {
    ta.push(await time(a));
    tb.push(await time(b));
  }
  const median = (xs: number[]): number => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return [median(ta), median(tb)];
}
