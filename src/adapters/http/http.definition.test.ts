// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the definitions use Simple templates
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFlow } from '../../flow/compiler.ts';
import { detachedServices } from '../../runtime/detached-services.ts';

// HTTP receivers declared wrong in a flow file, loaded by the real compiler: each problem is reported
// at its file, line and column, with a hint. The receiver's options start at line 5.

const FILE = '/flows/orders.yaml';

const flowWith = (options: string, receiver = 'backend') =>
  `id: orders\nreceivers:\n  backend:\n    adapter: http\n${options}\nsteps:\n  - requestReply: { name: Call, receiver: ${receiver} }\n`;

const load = (options: string, receiver?: string) =>
  compileFlow(flowWith(options, receiver), { file: FILE, services: detachedServices() }).diagnostics;

/** Options (indented under the receiver) with one problem, where it is reported, and its hint. */
const BAD_OPTIONS: Array<[options: string, reported: string, hint: RegExp]> = [
  // Unknown and missing options
  [
    '    address: http://a/b\n    adress: http://a/c',
    "6:5 receivers.backend.adress: unknown option 'adress'",
    /^Did you mean 'address'\? Valid options: address, query, method/,
  ],
  ['    method: GET', "4:5 receivers.backend: missing required option 'address'", /^Absolute http\(s\) URL/],
  // Wrong types and values
  [
    '    address: http://a/b\n    timeoutMs: 5s',
    '6:16 receivers.backend.timeoutMs: \'timeoutMs\': expected integer, got "5s"',
    /^Longest wait to connect/,
  ],
  [
    '    address: http://a/b\n    timeoutMs: 0',
    "6:16 receivers.backend.timeoutMs: 'timeoutMs': expected integer to be greater or equal to 1, got 0",
    /^Longest wait to connect/,
  ],
  [
    "    address: http://a/b\n    throwExceptionOnFailure: 'no'",
    '6:30 receivers.backend.throwExceptionOnFailure: \'throwExceptionOnFailure\': expected boolean, got "no"',
    /^A non-2xx answer fails the message/,
  ],
  [
    '    address: http://a/b\n    requestHeaders: 5',
    '6:21 receivers.backend.requestHeaders: 5 does not match any allowed form',
    /^Message headers sent as HTTP headers/,
  ],
  // Method
  [
    '    address: http://a/b\n    method: FETCH',
    "6:13 receivers.backend.method: 'FETCH' is not one of 'POST', 'GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'dynamic'",
    /^Did you mean 'PATCH'\? HTTP method/,
  ],
  [
    '    address: http://a/b\n    method: post',
    "6:13 receivers.backend.method: 'post' is not one of 'POST', 'GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'dynamic'",
    /^Did you mean 'POST'\?/,
  ],
  [
    "    address: http://a/b\n    methodExpression: '${header.verb}'",
    "6:23 receivers.backend.methodExpression: methodExpression is only used with method 'dynamic' (method is 'POST')",
    /^Set method: dynamic, or remove methodExpression\.$/,
  ],
  [
    "    address: http://a/b\n    method: dynamic\n    methodExpression: ''",
    '7:23 receivers.backend.methodExpression: empty method expression',
    /^For example \$\{header\.CamelHttpMethod\}\.$/,
  ],
  [
    "    address: http://a/b\n    method: dynamic\n    methodExpression: '${header.verb'",
    "7:24 receivers.backend.methodExpression: Invalid Simple expression '${header.verb': '${' is not closed (at offset 0)",
    /^Close the function with '\}'/,
  ],
  // Address and query
  [
    '    address: /orders',
    "5:14 receivers.backend.address: '/orders' is not an absolute http(s) URL",
    /^Write the full URL, e\.g\. https:\/\/api\.example\.com\/orders/,
  ],
  [
    '    address: ftp://files.example.com/orders',
    "5:14 receivers.backend.address: 'ftp://files.example.com/orders' is not an absolute http(s) URL",
    /^Write the full URL/,
  ],
  [
    "    address: 'http://exa mple.com/x'",
    "5:14 receivers.backend.address: 'http://exa mple.com/x' is not an absolute http(s) URL",
    /^Write the full URL/,
  ],
  [
    "    address: ''",
    '5:14 receivers.backend.address: \'address\': expected string length greater or equal to 1, got ""',
    /^Absolute http\(s\) URL/,
  ],
  [
    "    address: 'http://a/${header.resource'",
    "5:24 receivers.backend.address: Invalid Simple expression 'http://a/${header.resource': '${' is not closed (at offset 9)",
    /^Close the function with '\}'/,
  ],
  [
    "    address: '{{backendUrl}}/orders'",
    "5:15 receivers.backend.address: unknown parameter '{{backendUrl}}'",
    /^Declare it under "parameters:" with a default, or pass --param backendUrl=VALUE\.$/,
  ],
  [
    "    address: http://a/b\n    query: 'id=${property.id'",
    "6:16 receivers.backend.query: Invalid Simple expression 'id=${property.id': '${' is not closed (at offset 3)",
    /^Close the function with '\}'/,
  ],
  // Authentication and credential
  [
    '    address: http://a/b\n    authentication: oauth2',
    "6:21 receivers.backend.authentication: 'oauth2' is not one of 'none', 'basic', 'oauth2-client-credentials'",
    /^How to authenticate; basic and OAuth2 need a credential\.$/,
  ],
  [
    '    address: http://a/b\n    authentication: basic',
    "4:5 receivers.backend: authentication 'basic' needs a credential",
    /^Add credential: <name>, and create it with `causeway credentials set <name>`\.$/,
  ],
  [
    '    address: http://a/b\n    credential: orders-api',
    "6:17 receivers.backend.credential: a credential is only used with authentication 'basic' or 'oauth2-client-credentials'",
    /^Set authentication, or remove credential\.$/,
  ],
  [
    "    address: http://a/b\n    authentication: basic\n    credential: ''",
    '7:17 receivers.backend.credential: \'credential\': expected string length greater or equal to 1, got ""',
    /^Name of a credential in the secure store/,
  ],
  [
    '    address: http://a/b\n    authentication: oauth2-client-credentials\n    credential: orders api',
    "7:17 receivers.backend.credential: 'orders api' is not a valid credential name: use 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit",
    /causeway credentials set/,
  ],
  [
    "    address: http://a/b\n    authentication: basic\n    credential: '{{partnerCredential}}'",
    "7:18 receivers.backend.credential: unknown parameter '{{partnerCredential}}'",
    /^Declare it under "parameters:"/,
  ],
  [
    "    address: http://a/b\n    authentication: basic\n    credential: '${header.partner'",
    "7:18 receivers.backend.credential: Invalid Simple expression '${header.partner': '${' is not closed (at offset 0)",
    /^Close the function with '\}'/,
  ],
  // Retry
  [
    '    address: http://a/b\n    retry: 3',
    "6:12 receivers.backend.retry: 'retry': expected object, got 3",
    /^Retry on chosen status codes/,
  ],
  [
    '    address: http://a/b\n    retry: { attempts: 3 }',
    "6:14 receivers.backend.retry.attempts: unknown option 'attempts'",
    /^Did you mean 'maxAttempts'\? Valid options: statusCodes, maxAttempts, intervalMs, onConnectionError$/,
  ],
  [
    '    address: http://a/b\n    retry: { maxAttempts: 0 }',
    "6:27 receivers.backend.retry.maxAttempts: 'maxAttempts': expected integer to be greater or equal to 1, got 0",
    /^Attempts in all, the first included\.$/,
  ],
  [
    '    address: http://a/b\n    retry: { statusCodes: [503, 700] }',
    '6:33 receivers.backend.retry.statusCodes[1]: expected integer to be less or equal to 599, got 700',
    /^HTTP status codes that are retried\.$/,
  ],
  [
    '    address: http://a/b\n    retry: { intervalMs: 120000 }',
    "6:26 receivers.backend.retry.intervalMs: 'intervalMs': expected integer to be less or equal to 60000, got 120000",
    /at most 60 s/,
  ],
];

describe('HTTP receiver definitions in a flow file', () => {
  it('reports each bad option once, at its file, line and column, with a hint', () => {
    for (const [options, reported, hint] of BAD_OPTIONS) {
      const diagnostics = load(options);
      assert.deepEqual(
        diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.message}`),
        [`${FILE}:${reported}`],
        options,
      );
      assert.match(diagnostics[0].hint ?? '(no hint)', hint, options);
    }
  });

  it('reports a misspelt adapter or receiver name where it is written, with the name meant', () => {
    const adapter = compileFlow(
      flowWith('    address: http://a/b').replace('adapter: http', 'adapter: htp'),
      {
        file: FILE,
        services: detachedServices(),
      },
    ).diagnostics;
    assert.deepEqual(
      adapter.map((d) => `${d.line}:${d.col} ${d.message} (hint: ${d.hint})`),
      ["4:14 receivers.backend.adapter: unknown receiver adapter 'htp' (hint: Did you mean 'http'?)"],
    );
    assert.deepEqual(
      load('    address: http://a/b', 'backnd').map(
        (d) => `${d.line}:${d.col} ${d.message} (hint: ${d.hint})`,
      ),
      ["7:43 steps[0].requestReply.receiver: unknown receiver 'backnd' (hint: Did you mean 'backend'?)"],
    );
  });

  it('loads a good definition without problems', () => {
    assert.deepEqual(
      load(
        "    address: 'https://api.example.com/orders/${header.id}'\n    method: PUT\n" +
          '    authentication: oauth2-client-credentials\n    credential: orders-api\n' +
          '    retry: { statusCodes: [503, 429], maxAttempts: 3, intervalMs: 500 }',
      ),
      [],
    );
  });
});
