// The views' statistics (views.md, common rules). Statistics of an empty set are null.
//
// Determinism: a published figure must not depend on the order the ledger happens to hold cases
// in, so every statistic works on the values sorted ascending, and `mean` adds them in that order
// (floating-point addition is not associative).

/** A sorted (ascending) copy of the values, as a Float64Array (numeric sort, no comparator). */
export function sortedAscending(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Median of ascending values: the middle one, or the mean of the two middle ones for an even count. */
export function medianOfSorted(sorted: ArrayLike<number>): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank 90th percentile of ascending values: the value at rank ceil(0.9·n) (1-based). */
export function p90OfSorted(sorted: ArrayLike<number>): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  return sorted[Math.ceil((9 * n) / 10) - 1]!;
}

/** Arithmetic mean of ascending values, summed in ascending order. */
export function meanOfSorted(sorted: ArrayLike<number>): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  return sum / n;
}

export function maxOfSorted(sorted: ArrayLike<number>): number | null {
  return sorted.length === 0 ? null : sorted[sorted.length - 1]!;
}

export function median(values: ArrayLike<number>): number | null { return medianOfSorted(sortedAscending(values)); }
export function p90(values: ArrayLike<number>): number | null { return p90OfSorted(sortedAscending(values)); }
export function mean(values: ArrayLike<number>): number | null { return meanOfSorted(sortedAscending(values)); }
export function max(values: ArrayLike<number>): number | null { return maxOfSorted(sortedAscending(values)); }
