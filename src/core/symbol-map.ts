/**
 * A Map keyed by symbol that remembers the last key it was asked for. Hot paths look up the same
 * symbol bar after bar; the remembered entry turns those lookups into one string comparison
 * (usually a pointer comparison, since the symbol string is shared).
 */
export class SymbolMap<V> {
  private readonly map = new Map<string, V>();
  private lastKey: string | undefined;
  private lastValue: V | undefined;

  get(key: string): V | undefined {
    if (key === this.lastKey) return this.lastValue;
    const value = this.map.get(key);
    if (value !== undefined) {
      this.lastKey = key;
      this.lastValue = value;
    }
    return value;
  }

  /**
   * The value for a key, created by `make` the first time. (On hot paths prefer `get` then
   * `set`: the `make` closure is allocated on every call.)
   */
  getOrCreate(key: string, make: () => V): V {
    let value = this.get(key);
    if (value === undefined) {
      value = make();
      this.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.map.set(key, value);
    this.lastKey = key;
    this.lastValue = value;
  }

  has(key: string): boolean {
    return key === this.lastKey || this.map.has(key);
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  get size(): number {
    return this.map.size;
  }
}
