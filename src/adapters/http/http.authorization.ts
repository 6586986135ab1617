import type { Exchange } from '../../engine/exchange.ts';
import { UserError } from '../../errors.ts';
import type { Credential } from '../../runtime/services.ts';
import { type OAuth2Credential, OAuth2TokenCache, type TokenTransport } from './oauth2.token-cache.ts';

export type HttpAuthentication = 'none' | 'basic' | 'oauth2-client-credentials';

/**
 * The Authorization header of an HTTP receiver. The credential is looked up per call (by a name that
 * may be dynamic), so rotating it in the secure store takes effect without redeploying.
 */
export class HttpAuthorization {
  readonly mode: HttpAuthentication;
  readonly #receiver: string;
  readonly #credentialName?: (exchange: Exchange) => string;
  readonly #lookup: (name: string) => Credential | undefined;
  readonly #tokens?: OAuth2TokenCache;
  // The last Basic user, password and header: the base64 work is done once per credential.
  #basicUser?: string;
  #basicPassword?: string;
  #basicHeader = '';

  constructor(
    receiver: string,
    mode: HttpAuthentication,
    credentialName: ((exchange: Exchange) => string) | undefined,
    lookup: (name: string) => Credential | undefined,
    tokenTransport: TokenTransport,
  ) {
    this.#receiver = receiver;
    this.mode = mode;
    this.#credentialName = credentialName;
    this.#lookup = lookup;
    if (mode === 'oauth2-client-credentials') this.#tokens = new OAuth2TokenCache(receiver, tokenTransport);
  }

  /** The header value for this call; a promise only while an OAuth2 token is being fetched. */
  header(exchange: Exchange): string | Promise<string> | undefined {
    if (this.mode === 'none') return undefined;
    const name = this.#name(exchange);
    const credential = this.#credential(name);
    if (credential.type === 'oauth2-client-credentials') {
      return (this.#tokens as OAuth2TokenCache).authorization(name, credential);
    }
    if (credential.type !== 'basic') return undefined; // unreachable: #credential checked the type
    if (credential.user !== this.#basicUser || credential.password !== this.#basicPassword) {
      this.#basicHeader = `Basic ${Buffer.from(`${credential.user}:${credential.password}`).toString('base64')}`;
      this.#basicUser = credential.user;
      this.#basicPassword = credential.password;
    }
    return this.#basicHeader;
  }

  /**
   * After a 401: drops the OAuth2 token that was refused. True when fetching a new token and sending
   * again can help (only OAuth2: a Basic password does not change between two tries).
   */
  refused(exchange: Exchange, header: string): boolean {
    if (this.mode !== 'oauth2-client-credentials') return false;
    const credential = this.#lookup(this.#name(exchange)) as OAuth2Credential;
    (this.#tokens as OAuth2TokenCache).invalidate(credential, header);
    return true;
  }

  #name(exchange: Exchange): string {
    return (this.#credentialName as (exchange: Exchange) => string)(exchange);
  }

  #credential(name: string): Credential {
    const credential = this.#lookup(name);
    if (!credential) {
      throw new UserError(
        'CW_ERR_CREDENTIAL',
        `Receiver '${this.#receiver}': credential '${name}' does not exist in the secure store.`,
        {
          hint: `Create it with \`causeway credentials set ${name}\` (type ${this.mode}), or fix the credential name.`,
        },
      );
    }
    if (credential.type !== this.mode) throw this.#wrongType(name, credential.type);
    return credential;
  }

  #wrongType(name: string, type: string): UserError {
    return new UserError(
      'CW_ERR_CREDENTIAL',
      `Receiver '${this.#receiver}': credential '${name}' is of type '${type}', but authentication is '${this.mode}'.`,
      {
        hint: `Store a ${this.mode} credential with \`causeway credentials set ${name}\`, or change authentication.`,
      },
    );
  }
}
