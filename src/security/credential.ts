import type { Credential } from '../runtime/services.ts';

/** What listing shows about a credential: never the secret. */
export interface CredentialSummary {
  name: string;
  type: Credential['type'];
  /** The user of a `basic` credential or the client id of an OAuth2 one. */
  user?: string;
}

export const CREDENTIAL_TYPES: ReadonlyArray<Credential['type']> = [
  'basic',
  'oauth2-client-credentials',
  'secure-parameter',
];

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** Why `name` cannot name a credential or user, or undefined when it can. */
export function nameProblem(name: string, what: 'credential' | 'user'): string | undefined {
  if (NAME.test(name)) return undefined;
  return `'${name}' is not a valid ${what} name: use 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit`;
}

/** Why `credential` is incomplete, or undefined when it is usable. Checks the shape the store will keep. */
export function credentialProblem(credential: Credential): string | undefined {
  switch (credential.type) {
    case 'basic':
      if (!credential.user) return 'a basic credential needs a user';
      if (!credential.password) return 'a basic credential needs a password';
      return undefined;
    case 'oauth2-client-credentials': {
      if (!credential.tokenUrl) return 'an OAuth2 credential needs a token URL';
      let url: URL;
      try {
        url = new URL(credential.tokenUrl);
      } catch {
        return `the token URL '${credential.tokenUrl}' is not a URL`;
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:')
        return `the token URL '${credential.tokenUrl}' must use http or https`;
      if (!credential.clientId) return 'an OAuth2 credential needs a client id';
      if (!credential.clientSecret) return 'an OAuth2 credential needs a client secret';
      if (
        credential.clientAuthentication !== undefined &&
        credential.clientAuthentication !== 'header' &&
        credential.clientAuthentication !== 'body'
      )
        return `client authentication must be 'header' or 'body', not '${credential.clientAuthentication}'`;
      return undefined;
    }
    case 'secure-parameter':
      if (typeof credential.value !== 'string' || credential.value === '')
        return 'a secure parameter needs a value';
      return undefined;
    default:
      return `unknown credential type '${(credential as { type: unknown }).type}'; use one of ${CREDENTIAL_TYPES.join(', ')}`;
  }
}

export function summarize(name: string, credential: Credential): CredentialSummary {
  if (credential.type === 'basic') return { name, type: credential.type, user: credential.user };
  if (credential.type === 'oauth2-client-credentials')
    return { name, type: credential.type, user: credential.clientId };
  return { name, type: credential.type };
}
