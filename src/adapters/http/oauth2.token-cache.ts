import { OperationalError, UserError } from '../../errors.ts';
import type { Credential } from '../../runtime/services.ts';

export type OAuth2Credential = Extract<Credential, { type: 'oauth2-client-credentials' }>;

/** Posts a form to the token endpoint. Injected so the cache is tested without sockets as well. */
export type TokenTransport = (
  url: string,
  headers: Record<string, string>,
  body: string,
) => Promise<{ status: number; text: string }>;

interface Entry {
  authorization?: string;
  expiresAt: number;
  pending?: Promise<string>;
}

/** Renew this long before `expires_in` runs out (at most a tenth of the lifetime for short tokens). */
const RENEW_EARLY_MS = 30_000;

/**
 * OAuth2 client-credentials tokens, fetched once and reused until shortly before they expire.
 * Concurrent calls share one fetch; a 401 from the receiver drops the token (`invalidate`) so the
 * next call fetches a new one.
 */
export class OAuth2TokenCache {
  readonly #receiver: string;
  readonly #transport: TokenTransport;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(receiver: string, transport: TokenTransport, now: () => number = Date.now) {
    this.#receiver = receiver;
    this.#transport = transport;
    this.#now = now;
  }

  /** The `Authorization` header value (e.g. `Bearer abc`) for `credential`. */
  authorization(name: string, credential: OAuth2Credential): Promise<string> | string {
    const key = cacheKey(credential);
    const entry = this.#entries.get(key);
    if (entry?.authorization !== undefined && this.#now() < entry.expiresAt) return entry.authorization;
    if (entry?.pending) return entry.pending;
    const fresh: Entry = { expiresAt: 0 };
    fresh.pending = this.#fetch(name, credential).then(
      ({ authorization, expiresInMs }) => {
        fresh.authorization = authorization;
        fresh.expiresAt =
          expiresInMs === undefined
            ? Number.POSITIVE_INFINITY
            : this.#now() + expiresInMs - Math.min(RENEW_EARLY_MS, expiresInMs / 10);
        fresh.pending = undefined;
        return authorization;
      },
      (error: unknown) => {
        if (this.#entries.get(key) === fresh) this.#entries.delete(key);
        throw error;
      },
    );
    this.#entries.set(key, fresh);
    return fresh.pending;
  }

  /** Drops `authorization` if it is still the cached one (a concurrent call may have renewed it). */
  invalidate(credential: OAuth2Credential, authorization: string): void {
    const key = cacheKey(credential);
    if (this.#entries.get(key)?.authorization === authorization) this.#entries.delete(key);
  }

  async #fetch(
    name: string,
    credential: OAuth2Credential,
  ): Promise<{ authorization: string; expiresInMs?: number }> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (credential.scope) form.set('scope', credential.scope);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (credential.clientAuthentication === 'body') {
      form.set('client_id', credential.clientId);
      form.set('client_secret', credential.clientSecret);
    } else {
      // RFC 6749 §2.3.1: id and secret are form-encoded before Basic encoding.
      const pair = `${formEncode(credential.clientId)}:${formEncode(credential.clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    }
    const where = `Receiver '${this.#receiver}': OAuth2 token from ${credential.tokenUrl} (credential '${name}')`;
    let answer: { status: number; text: string };
    try {
      answer = await this.#transport(credential.tokenUrl, headers, form.toString());
    } catch (cause) {
      throw new OperationalError('CW_ERR_CREDENTIAL', `${where} failed: ${(cause as Error).message}`, {
        cause,
        hint: 'Check that tokenUrl is right and the token endpoint is reachable.',
      });
    }
    const snippet = answer.text.slice(0, 1024);
    if (answer.status < 200 || answer.status >= 300) {
      const message = `${where}: the token endpoint answered ${answer.status}: ${snippet}`;
      if (answer.status >= 500 || answer.status === 429) {
        throw new OperationalError('CW_ERR_CREDENTIAL', message, {
          hint: 'The token endpoint is unavailable; retry later.',
        });
      }
      throw new UserError('CW_ERR_CREDENTIAL', message, {
        hint: `Check clientId, clientSecret, scope and clientAuthentication of the credential: \`causeway credentials set ${name}\`.`,
      });
    }
    let token: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    try {
      token = JSON.parse(answer.text);
    } catch {
      token = {};
    }
    if (typeof token.access_token !== 'string' || token.access_token === '') {
      throw new UserError('CW_ERR_CREDENTIAL', `${where}: the answer has no access_token: ${snippet}`, {
        hint: 'Check that tokenUrl points at an OAuth2 token endpoint supporting the client_credentials grant.',
      });
    }
    const type =
      typeof token.token_type === 'string' && token.token_type.toLowerCase() !== 'bearer'
        ? token.token_type
        : 'Bearer';
    const expiresIn = Number(token.expires_in);
    return {
      authorization: `${type} ${token.access_token}`,
      expiresInMs: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : undefined,
    };
  }
}

function cacheKey(c: OAuth2Credential): string {
  return `${c.tokenUrl}\n${c.clientId}\n${c.clientSecret}\n${c.scope ?? ''}\n${c.clientAuthentication ?? 'header'}`;
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
