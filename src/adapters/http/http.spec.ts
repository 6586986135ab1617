// biome-ignore-all lint/suspicious/noTemplateCurlyInString: option docs and defaults show Simple syntax, which uses ${…}
import type { Static } from '@sinclair/typebox';
import { Type } from '../../flow/schema-builder.ts';
import { nameProblem } from '../../security/credential.ts';
import { defineReceiver } from '../adapter.spec.ts';
import { compileHeaderFilter } from './http.headers.ts';
import { HTTP_METHODS, HttpReceiver, type HttpReceiverConfig } from './http.receiver.ts';

const HeaderList = (description: string, defaultValue?: string) =>
  Type.Union([Type.Array(Type.String({ minLength: 1 })), Type.String()], {
    description,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  });

export const HttpRetryOptions = Type.Object(
  {
    statusCodes: Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), {
      default: [503, 429],
      description: 'HTTP status codes that are retried.',
    }),
    maxAttempts: Type.Integer({
      minimum: 1,
      maximum: 10,
      default: 3,
      description: 'Attempts in all, the first included.',
    }),
    intervalMs: Type.Integer({
      minimum: 0,
      maximum: 60_000,
      default: 1000,
      description: 'Wait between attempts when the answer has no Retry-After header (at most 60 s).',
    }),
    onConnectionError: Type.Boolean({
      default: false,
      description:
        'Also retry when no answer arrives: connection refused or reset, DNS failure, connect timeout. ' +
        'Answer timeouts are not retried (the receiver may have processed the request).',
    }),
  },
  {
    additionalProperties: false,
    description:
      'Retry on chosen status codes, honouring Retry-After (seconds or an HTTP date, at most 60 s). ' +
      'A streamed request body is read into memory first so that it can be sent again.',
  },
);

export const HttpReceiverOptions = Type.Object(
  {
    address: Type.String({
      minLength: 1,
      description:
        'Absolute http(s) URL. May hold `${header.x}`/`${property.x}`; the header CamelHttpUri, when set, replaces it.',
    }),
    query: Type.Optional(
      Type.String({ description: 'Query string appended to the address (without `?`); may hold `${...}`.' }),
    ),
    method: Type.Union([...HTTP_METHODS.map((m) => Type.Literal(m)), Type.Literal('dynamic')], {
      default: 'POST',
      description: 'HTTP method, or `dynamic` to take it from methodExpression.',
    }),
    methodExpression: Type.Optional(
      Type.String({
        description:
          'With method `dynamic`: a template giving the method. Default `${header.CamelHttpMethod}`.',
      }),
    ),
    authentication: Type.Union(
      [Type.Literal('none'), Type.Literal('basic'), Type.Literal('oauth2-client-credentials')],
      { default: 'none', description: 'How to authenticate; basic and OAuth2 need a credential.' },
    ),
    credential: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Name of a credential in the secure store (`causeway credentials set`); may hold `${...}`.',
      }),
    ),
    requestHeaders: HeaderList(
      'Message headers sent as HTTP headers: a list of names, a pipe list `a|b`, or `*` for all. ' +
        'Content-Type is always sent; Camel* and hop-by-hop headers never are.',
      '',
    ),
    responseHeaders: HeaderList(
      'HTTP response headers kept as message headers: a list, a pipe list or `*` (all but hop-by-hop).',
      '*',
    ),
    timeoutMs: Type.Integer({
      minimum: 1,
      default: 60_000,
      description: 'Longest wait to connect, for the answer headers, and between body chunks.',
    }),
    throwExceptionOnFailure: Type.Boolean({
      default: true,
      description:
        'A non-2xx answer fails the message (5xx and 429 retryable). When false, the answer becomes the message ' +
        'with its status in header CamelHttpResponseCode.',
    }),
    retry: Type.Optional(HttpRetryOptions),
    streaming: Type.Boolean({
      default: false,
      description:
        'Keep the answer body a stream (for large answers passed on as they are) instead of reading it.',
    }),
  },
  { additionalProperties: false },
);

export type HttpReceiverOptions = Static<typeof HttpReceiverOptions>;

/** The URL when neither address nor query holds `${`, so the call path parses nothing per message. */
function staticUrl(address: string, query: string | undefined): string | undefined {
  if (address.includes('${') || query?.includes('${')) return undefined;
  if (!query) return address;
  return `${address}${address.includes('?') ? '&' : '?'}${query}`;
}

export const httpReceiver = defineReceiver({
  kind: 'http',
  title: 'HTTP',
  description:
    'Calls an HTTP(S) endpoint (CPI HTTP receiver). Request-Reply replaces the body and adds the answer ' +
    'headers; Send discards the answer. Keep-alive connections are pooled per origin.',
  options: HttpReceiverOptions,
  examples: [
    {
      title: 'POST to a backend with OAuth2',
      yaml:
        'backend:\n  adapter: http\n  address: https://api.example.com/orders\n  method: POST\n' +
        '  authentication: oauth2-client-credentials\n  credential: orders-api\n  requestHeaders: [Content-Type, SAP-Client]\n' +
        '  retry: { statusCodes: [503, 429], maxAttempts: 3 }',
    },
    {
      title: 'Dynamic address and method',
      yaml:
        'dynamic:\n  adapter: http\n  address: http://backend/${header.resource}\n  query: id=${property.id}\n' +
        '  method: dynamic\n  methodExpression: ${header.verb}',
    },
  ],
  create(options, ctx, path): HttpReceiver {
    const fixedUrl = staticUrl(options.address, options.query);
    if (fixedUrl !== undefined && (!/^https?:\/\/[^/]/i.test(fixedUrl) || !URL.canParse(fixedUrl))) {
      ctx.error(
        [...path, 'address'],
        `'${options.address}' is not an absolute http(s) URL`,
        'Write the full URL, e.g. https://api.example.com/orders (or use {{parameter}} / ${header.x}).',
      );
    }
    if (options.method === 'dynamic' && options.methodExpression === '') {
      ctx.error(
        [...path, 'methodExpression'],
        'empty method expression',
        'For example ${header.CamelHttpMethod}.',
      );
    }
    if (options.methodExpression !== undefined && options.method !== 'dynamic') {
      ctx.error(
        [...path, 'methodExpression'],
        `methodExpression is only used with method 'dynamic' (method is '${options.method}')`,
        'Set method: dynamic, or remove methodExpression.',
      );
    }
    const auth = options.authentication ?? 'none';
    if (auth !== 'none' && options.credential === undefined) {
      ctx.error(
        path,
        `authentication '${auth}' needs a credential`,
        'Add credential: <name>, and create it with `causeway credentials set <name>`.',
      );
    }
    // The secure store keeps only such names, so another could never be found; a dynamic name that
    // finds none fails its call with CW_ERR_CREDENTIAL.
    const badName =
      options.credential !== undefined && !options.credential.includes('${')
        ? nameProblem(options.credential, 'credential')
        : undefined;
    if (badName) {
      ctx.error(
        [...path, 'credential'],
        badName,
        'Use the name the credential was created with (`causeway credentials set <name>`; `causeway credentials list` shows them).',
      );
    }
    if (auth === 'none' && options.credential !== undefined) {
      ctx.error(
        [...path, 'credential'],
        "a credential is only used with authentication 'basic' or 'oauth2-client-credentials'",
        'Set authentication, or remove credential.',
      );
    }
    const config: HttpReceiverConfig = {
      name: ctx.receiverName,
      staticUrl: fixedUrl,
      address: ctx.template(options.address, [...path, 'address']),
      query: options.query ? ctx.template(options.query, [...path, 'query']) : undefined,
      method: options.method === 'dynamic' ? undefined : (options.method ?? 'POST'),
      methodExpression:
        options.method === 'dynamic'
          ? ctx.template(options.methodExpression ?? '${header.CamelHttpMethod}', [
              ...path,
              'methodExpression',
            ])
          : undefined,
      authentication: auth,
      credential: options.credential ? ctx.template(options.credential, [...path, 'credential']) : undefined,
      requestHeaders: compileHeaderFilter(options.requestHeaders ?? '', 'request'),
      responseHeaders: compileHeaderFilter(options.responseHeaders ?? '*', 'response'),
      timeoutMs: options.timeoutMs ?? 60_000,
      throwExceptionOnFailure: options.throwExceptionOnFailure ?? true,
      retry: options.retry && {
        statusCodes: new Set(options.retry.statusCodes ?? [503, 429]),
        maxAttempts: options.retry.maxAttempts ?? 3,
        intervalMs: options.retry.intervalMs ?? 1000,
        onConnectionError: options.retry.onConnectionError ?? false,
      },
      streaming: options.streaming ?? false,
      credentials: (name) => ctx.services.secureStore.credential(name),
    };
    return new HttpReceiver(config);
  },
});
