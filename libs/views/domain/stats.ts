// The views' statistics (views.md, common rules). Statistics of an empty set are null.
//
// Determinism: a published figure must not depend on the order the ledger happens to hold cases
// in. Medians and p90 are order statistics (order-independent by nature); `mean` adds the values in
// ascending order (floating-point addition is not associative), so it is computed on sorted values.
//
// The aggregations collect values into a `Samples` buffer (a growable Float64Array) and take the
// order statistics by selection (O(n)) instead of sorting, which matters at 100,000 cases.

/** A growable buffer of numbers (no per-value allocation). */
export class Samples {
  private data: Float64Array;
  length = 0;

  constructor(capacity = 16) {
    this.data = new Float64Array(Math.max(1, capacity));
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** The values (a view on the buffer: order statistics reorder it in place). */
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/**
 * Rearranges `a` so that a[k] is the value a full ascending sort would put there, everything before
 * it is <= and everything after it >= (Hoare's selection). Returns a[k].
 */
export function selectInPlace(a: Float64Array, k: number): number {
  let lo = 0, hi = a.length - 1;
  while (hi > lo) {
    // Median-of-three pivot, then Hoare partition (copes with many equal values).
    const mid = (lo + hi) >> 1;
    let x = a[lo]!, y = a[mid]!, z = a[hi]!;
    if (x > y) { const t = x; x = y; y = t; }
    if (y > z) { y = z; if (x > y) y = x; }
    const pivot = y;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) { const t = a[i]!; a[i] = a[j]!; a[j] = t; i++; j--; }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break; // j < k < i: a[k] equals the pivot
  }
  return a[k]!;
}

/** Median of the values (reorders them): the middle one, or the mean of the two middle ones for an even count. */
export function medianInPlace(a: Float64Array): number | null {
  const n = a.length;
  if (n === 0) return null;
  const upper = selectInPlace(a, n >> 1);
  if (n % 2 === 1) return upper;
  // Even: the lower middle value is the largest of the part before n/2.
  let lower = a[0]!;
  for (let i = 1; i < n >> 1; i++) if (a[i]! > lower) lower = a[i]!;
  return (lower + upper) / 2;
}

/** Nearest-rank 90th percentile (reorders the values): the value at rank ceil(0.9·n), 1-based. */
export function p90InPlace(a: Float64Array): number | null {
  const n = a.length;
  return n === 0 ? null : selectInPlace(a, Math.ceil((9 * n) / 10) - 1);
}

/** A sorted (ascending) copy of the values. */
export function sortedAscending(values: ArrayLike<number>): Float64Array {
  return new Float64Array(values as ArrayLike<number>).sort();
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

export function median(values: ArrayLike<number>): number | null { return medianInPlace(new Float64Array(values)); }
export function p90(values: ArrayLike<number>): number | null { return p90InPlace(new Float64Array(values)); }
export function mean(values: ArrayLike<number>): number | null { return meanOfSorted(sortedAscending(values)); }
export function max(values: ArrayLike<number>): number | null { return maxOfSorted(sortedAscending(values)); }
