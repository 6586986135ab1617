import { Headers } from '../../engine/headers.ts';

/** Which request headers enter the message (CPI passes only the allowed ones). Built once per endpoint. */
export interface HeaderPolicy {
  all: boolean;
  /** Lower-cased names. */
  names: ReadonlySet<string>;
}

/** Never passed with `*`: credentials and connection details must not travel on to receivers. */
const NEVER_WITH_WILDCARD: ReadonlySet<string> = new Set([
  'authorization',
  'cookie',
  'proxy-authorization',
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'te',
  'upgrade',
  'expect',
  'x-csrf-token',
]);

export function headerPolicy(allowed: readonly string[] | undefined): HeaderPolicy {
  const list = allowed ?? [];
  return {
    all: list.includes('*'),
    names: new Set(list.filter((n) => n !== '*').map((n) => n.toLowerCase())),
  };
}

/** What the endpoint needs from the request's headers, read in one pass over `rawHeaders`. */
export interface RequestHead {
  headers: Headers;
  contentLength?: string;
  chunked: boolean;
  authorization?: string;
  csrfToken?: string;
  host?: string;
}

export function readRequestHead(raw: readonly string[], policy: HeaderPolicy): RequestHead {
  const headers = new Headers();
  const head: RequestHead = { headers, chunked: false };
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    const lower = name.toLowerCase();
    switch (lower) {
      case 'content-length':
        head.contentLength = value;
        continue;
      case 'transfer-encoding':
        head.chunked = true;
        continue;
      case 'authorization':
        head.authorization = value;
        break;
      case 'x-csrf-token':
        head.csrfToken = value;
        break;
      case 'host':
        head.host = value;
        break;
      case 'content-type':
        headers.setKeyed(lower, name, value);
        continue;
    }
    if (policy.names.has(lower) || (policy.all && !NEVER_WITH_WILDCARD.has(lower))) {
      if (isReserved(lower)) continue;
      const previous = headers.get(lower);
      headers.setKeyed(lower, name, previous === undefined ? value : `${previous}, ${value}`);
    }
  }
  return head;
}

/**
 * Names the runtime sets itself (`CamelHttp…`, `SAP_…`, `SapAuthenticatedUserName`): a caller must not
 * be able to forge them through a header or a query parameter.
 */
export function isReserved(lowerName: string): boolean {
  return (
    lowerName.startsWith('camel') || lowerName.startsWith('sap_') || lowerName === 'sapauthenticatedusername'
  );
}

/** Query parameters become headers (CPI); a repeated parameter becomes a list. */
export function addQueryHeaders(headers: Headers, query: string): void {
  const seen = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(query)) {
    if (name === '' || isReserved(name.toLowerCase())) continue;
    const values = seen.get(name);
    if (values) values.push(value);
    else seen.set(name, [value]);
  }
  for (const [name, values] of seen) headers.set(name, values.length === 1 ? values[0] : values);
}
