/** A Map that keeps at most `max` entries, dropping the least recently remembered first. */
export class LruMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }

  /** Sets `key` as the most recent entry, evicting the oldest beyond `max`. */
  remember(key: K, value: V): void {
    this.delete(key); // re-insert: a Map iterates in insertion order, so this is recency order
    this.set(key, value);
    if (this.size <= this.max) return;
    for (const k of this.keys()) {
      this.delete(k);
      if (this.size <= this.max) return;
    }
  }
}
