import type { Static } from '@sinclair/typebox';
import { Type } from '../../flow/schema-builder.ts';
import { parseAddress } from '../../runtime/http-server.ts';
import { DEFAULT_SENDER_ROLE } from '../../security/roles.ts';
import { defineSender } from '../adapter.spec.ts';
import { HttpsEndpoint } from './https.sender.ts';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export const HttpsSenderOptions = Type.Object(
  {
    address: Type.String({
      description:
        "Relative path served at /http/<address>, e.g. '/orders'. Case-insensitive and unique per runtime. " +
        "A final '/*' matches any suffix, which arrives in the header CamelHttpPath.",
    }),
    methods: Type.Optional(
      Type.Array(Type.Union(HTTP_METHODS.map((m) => Type.Literal(m))), {
        minItems: 1,
        uniqueItems: true,
        description: 'HTTP methods accepted; others get 405. Default: all. GET also allows HEAD.',
      }),
    ),
    authentication: Type.Union([Type.Literal('none'), Type.Literal('basic')], {
      default: 'none',
      description:
        "'basic': callers send Basic auth of a user created with `causeway users add` that has `userRole`. " +
        "'none' (default): anyone who reaches the port may call; Causeway listens on 127.0.0.1 unless told otherwise.",
    }),
    userRole: Type.String({
      default: DEFAULT_SENDER_ROLE,
      minLength: 1,
      description: 'The role a user needs when authentication is basic (CPI: User Role).',
    }),
    csrfProtection: Type.Boolean({
      default: false,
      description:
        "CPI's CSRF Protected. Off by default in Causeway: CSRF attacks ride on a browser's session cookie, and a " +
        'local runtime called by tools and other flows has none. When on, fetch a token with GET/HEAD and ' +
        "'X-CSRF-Token: Fetch', then send it in 'X-CSRF-Token' with every POST, PUT, PATCH or DELETE (else 403).",
    }),
    allowedHeaders: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description:
        "Request headers passed into the message, by name (case-insensitive), or ['*'] for all but " +
        'Authorization, Cookie and connection headers. Content-Type always passes (CPI: Allowed Header(s)).',
    }),
    maxBodySize: Type.Integer({
      default: 40 * 1024 * 1024,
      minimum: 1,
      description: 'Largest request body in bytes (default 40 MB); larger gets 413 (CPI: Body Size).',
    }),
    returnExceptionToSender: Type.Boolean({
      default: false,
      description:
        'On failure, answer 500 with the error message (true) or with a generic error only (false, default). ' +
        'Either way the header SAP_MessageProcessingLogID names the message log.',
    }),
  },
  { additionalProperties: false },
);

export type HttpsSenderOptions = Static<typeof HttpsSenderOptions>;

export const httpsSender = defineSender({
  kind: 'https',
  title: 'HTTPS',
  description:
    'Receives messages over HTTP at /http/<address> and answers with the flow result (CPI: HTTPS sender adapter). ' +
    'The request body reaches the flow as a stream, so large bodies pass through without being held in memory.',
  options: HttpsSenderOptions,
  examples: [
    {
      title: 'An endpoint for orders, POST only',
      yaml: 'sender:\n  adapter: https\n  address: /orders\n  methods: [POST]\n  allowedHeaders: [X-Request-Id]',
    },
    {
      title: 'Any path below /api, with Basic auth',
      yaml: 'sender:\n  adapter: https\n  address: /api/*\n  authentication: basic',
    },
  ],
  create(options, ctx, path) {
    const parsed = parseAddress(options.address);
    if (typeof parsed === 'string') {
      ctx.error(
        [...path, 'address'],
        `invalid address: ${parsed}`,
        "Use a relative path such as '/orders' or '/orders/*'.",
      );
    }
    if (options.allowedHeaders?.includes('*') && options.allowedHeaders.length > 1) {
      ctx.error(
        [...path, 'allowedHeaders'],
        "'*' already allows every header",
        "Give either ['*'] or a list of header names, not both.",
      );
    }
    return new HttpsEndpoint(options, ctx);
  },
});
