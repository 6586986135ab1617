import type { Headers } from '../../engine/headers.ts';
import { HOP_BY_HOP_HEADERS } from '../hop-by-hop.ts';

/**
 * Which headers cross the HTTP boundary (CPI's request/response header lists). Compiled once into a
 * flag and a list of lower-case names, so a call only walks the names it needs.
 */
export interface HeaderFilter {
  all: boolean;
  /** Lower-case names to copy when `all` is false. */
  names: readonly string[];
}

/** `*`, a pipe list `a|b` (CPI's form), or a YAML list. */
export function compileHeaderFilter(
  spec: string | string[],
  direction: 'request' | 'response',
): HeaderFilter {
  const list = typeof spec === 'string' ? spec.split('|') : spec;
  const trimmed = list.map((n) => n.trim()).filter((n) => n.length > 0);
  if (trimmed.includes('*')) return { all: true, names: [] };
  const names = new Set<string>();
  for (const name of trimmed) {
    const lower = name.toLowerCase();
    if (!HOP_BY_HOP_HEADERS.has(lower) && !lower.startsWith('camel')) names.add(lower);
  }
  // Camel builds the request entity from the Content-Type header, so CPI always sends it.
  if (direction === 'request') names.add('content-type');
  return { all: false, names: [...names] };
}

/** An answer's headers: lower-case names, repeated ones (Set-Cookie) as a list. */
export type ResponseHeaders = Record<string, string | string[]>;

/** undici's raw `[name, value, …]` Buffers as an object; latin1 is HTTP's byte-for-byte header decoding. */
export function parseResponseHeaders(raw: Buffer[]): ResponseHeaders {
  const out: ResponseHeaders = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toString('latin1').toLowerCase();
    const value = raw[i + 1].toString('latin1');
    const seen = out[name];
    if (seen === undefined) out[name] = value;
    else if (typeof seen === 'string') out[name] = [seen, value];
    else seen.push(value);
  }
  return out;
}

/**
 * The message headers to send, as undici's flat `[name, value, …]` list. `authorization` is left out
 * when the receiver authenticates itself, so a caller's token never reaches another system.
 */
export function requestHeaders(headers: Headers, filter: HeaderFilter, dropAuthorization: boolean): string[] {
  const out: string[] = [];
  if (filter.all) {
    for (const [name, value] of headers) {
      const lower = name.toLowerCase();
      if (HOP_BY_HOP_HEADERS.has(lower) || lower.startsWith('camel')) continue;
      if (dropAuthorization && lower === 'authorization') continue;
      pushValue(out, name, value);
    }
    return out;
  }
  for (const name of filter.names) {
    if (dropAuthorization && name === 'authorization') continue;
    const value = headers.get(name);
    if (value !== undefined) pushValue(out, name, value);
  }
  return out;
}

/** Copies the answer's headers onto the message (names lower-case, as HTTP/2 and undici give them). */
export function applyResponseHeaders(target: Headers, source: ResponseHeaders, filter: HeaderFilter): void {
  if (filter.all) {
    for (const name in source) if (!HOP_BY_HOP_HEADERS.has(name)) target.set(name, source[name]);
    return;
  }
  for (const name of filter.names) {
    const value = source[name];
    if (value !== undefined) target.set(name, value);
  }
}

function pushValue(out: string[], name: string, value: unknown): void {
  if (typeof value === 'string') out.push(name, value);
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    out.push(name, String(value));
  } else if (value instanceof Date) out.push(name, value.toUTCString());
  else if (Array.isArray(value)) for (const item of value) pushValue(out, name, item);
  // Objects (parsed documents, buffers) have no header form; they stay in the flow.
}
