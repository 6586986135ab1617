import type { SecureStore } from '../../runtime/services.ts';

/** User and password from an `Authorization: Basic …` header, or undefined when there is none or it is malformed. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  if (!header || header.length < 7 || header.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The authenticated sender, or null when credentials are missing or wrong. */
export type BasicAuthResult = { user: string; roles: string[] } | null;

/**
 * Checks the Basic auth header against the store. Synchronous when the store knows the answer (the client's
 * password was checked before: nearly every request), so the hot path creates no promise; otherwise a
 * promise of the scrypt check, which rejects with CW_ERR_AUTH_BUSY when too many checks wait.
 */
export function authenticateBasic(
  store: SecureStore,
  header: string | undefined,
): BasicAuthResult | Promise<BasicAuthResult> {
  const sent = parseBasicAuth(header);
  if (!sent) return null;
  const known = store.knownPassword?.(sent.user, sent.password);
  if (known !== undefined) return known && { user: sent.user, roles: known };
  return store
    .authenticate(sent.user, sent.password)
    .then((roles) => (roles ? { user: sent.user, roles } : null));
}
