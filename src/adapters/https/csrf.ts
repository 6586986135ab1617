import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// One key per process: tokens survive a flow's hot reload (like a CPI session) and end with the runtime.
const KEY = randomBytes(32);

/** Methods that change state and so need the token (CPI checks every method except GET and HEAD). */
export const CSRF_CHECKED_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The token for a caller: bound to the authenticated user, so one user's token is useless to another. */
export function csrfToken(user: string | undefined): string {
  return createHmac('sha256', KEY)
    .update(user ?? '')
    .digest('base64url');
}

export function csrfTokenValid(sent: string | undefined, user: string | undefined): boolean {
  if (!sent) return false;
  const expected = Buffer.from(csrfToken(user));
  const actual = Buffer.from(sent);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
