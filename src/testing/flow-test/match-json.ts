/**
 * JSON subset matching for `bodyJson:` and `jsonpath:`: an expected object lists the keys that must
 * match (others may exist), an expected array must have the same length with each element matching,
 * and scalars must be equal, type included. Each mismatch names its place: `$.items[0].qty: …`.
 */
export function matchJson(actual: unknown, expected: unknown, path = '$'): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${show(actual)}`];
    if (actual.length !== expected.length) {
      return [`${path}: expected ${expected.length} items, got ${actual.length}: ${show(actual)}`];
    }
    return expected.flatMap((item, i) => matchJson(actual[i], item, `${path}[${i}]`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return [`${path}: expected an object, got ${show(actual)}`];
    }
    const record = actual as Record<string, unknown>;
    return Object.entries(expected).flatMap(([key, value]) => {
      const at = `${path}${keyPath(key)}`;
      if (!Object.hasOwn(record, key)) return [`${at}: expected ${show(value)}, got nothing (no such key)`];
      return matchJson(record[key], value, at);
    });
  }
  if (actual === expected) return [];
  return [`${path}: expected ${show(expected)}, got ${show(actual)}`];
}

function keyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** A value as JSON, shortened: enough to see what differs without flooding the terminal. */
export function show(value: unknown, max = 80): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
