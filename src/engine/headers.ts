/**
 * Message headers. Camel (and so CPI) looks headers up case-insensitively, and HTTP delivers them
 * lower-cased, so `${header.Content-Type}` must find `content-type`. The name as first set is kept
 * for output.
 */
export class Headers implements Iterable<[string, unknown]> {
  readonly #entries = new Map<string, { name: string; value: unknown }>();

  constructor(init?: Iterable<[string, unknown]> | Record<string, unknown>) {
    if (!init) return;
    const pairs = Symbol.iterator in init ? init : Object.entries(init);
    for (const [name, value] of pairs as Iterable<[string, unknown]>) this.set(name, value);
  }

  get(name: string): unknown {
    return this.#entries.get(name.toLowerCase())?.value;
  }

  /** `get` with the lower-cased name at hand (a constant key on the message path). */
  getKeyed(key: string): unknown {
    return this.#entries.get(key)?.value;
  }

  has(name: string): boolean {
    return this.#entries.has(name.toLowerCase());
  }

  set(name: string, value: unknown): void {
    this.setKeyed(name.toLowerCase(), name, value);
  }

  /**
   * `set` with the lower-cased name at hand (`key` must be `name.toLowerCase()`): the message path sets
   * its own headers with constant keys, which saves converting and hashing a new string each time.
   */
  setKeyed(key: string, name: string, value: unknown): void {
    const existing = this.#entries.get(key);
    if (existing) existing.value = value;
    else this.#entries.set(key, { name, value });
  }

  delete(name: string): boolean {
    return this.#entries.delete(name.toLowerCase());
  }

  get size(): number {
    return this.#entries.size;
  }

  names(): string[] {
    return [...this.#entries.values()].map((e) => e.name);
  }

  *[Symbol.iterator](): Iterator<[string, unknown]> {
    for (const { name, value } of this.#entries.values()) yield [name, value];
  }

  /**
   * Calls `fn` for each header with its name as first set and lower-cased: cheaper than iterating on
   * the message path.
   */
  forEach(fn: (value: unknown, name: string, key: string) => void): void {
    this.#entries.forEach((entry, key) => {
      fn(entry.value, entry.name, key);
    });
  }

  toObject(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const { name, value } of this.#entries.values()) out[name] = value;
    return out;
  }

  clone(): Headers {
    return new Headers(this);
  }
}
