// Rows of a row-major count×dim matrix, gathered into a new one (subsets of a library's faces).

/** The rows `rows` of `matrix` (count×dim), in that order. */
export function gatherRows(matrix: Float32Array, dim: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * dim);
  for (let r = 0; r < rows.length; r++)
    out.set(matrix.subarray(rows[r]! * dim, (rows[r]! + 1) * dim), r * dim);
  return out;
}
