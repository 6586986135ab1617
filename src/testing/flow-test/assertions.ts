import type { Exchange } from '../../engine/exchange.ts';
import { errorMessage } from '../../errors.ts';
import { compileExpression } from '../../expression/index.ts';
import type { ExpectModel, ReceiverExpectModel, RequestExpectModel } from './flow-test.spec.ts';
import { matchJson, show } from './match-json.ts';
import type { CallLog } from './mock-receiver.ts';
import { lineDiff, normalizeText } from './text-diff.ts';
import { normalizeXml } from './xml-normalize.ts';

/** One failed check: what was checked (`body`, `header x-id`, `receivers.backend.calls`) and why. */
export interface Failure {
  check: string;
  /** Readable detail: a reason, a diff, or one line per JSON mismatch. */
  lines: string[];
}

/** What one test's message did. */
export interface Outcome {
  exchange: Exchange;
  error?: Error;
  calls: CallLog;
}

export interface CheckContext {
  files: ReadonlyMap<string, string>;
  namespaces: Readonly<Record<string, string>>;
}

/** Checks everything `expect:` lists against the outcome; an empty list means the test passed. */
export function checkExpectations(expect: ExpectModel, outcome: Outcome, ctx: CheckContext): Failure[] {
  const { exchange } = outcome;
  const body = exchange.message.body;
  const text = body.isStream ? '' : body.text();
  const failures: Failure[] = outcome.calls.problems.map((p) => ({ check: 'receivers', lines: [p] }));
  failures.push(...checkEnd(expect, outcome));
  failures.push(...checkBody(expect, text, ''));
  if (expect.bodyFile !== undefined) {
    failures.push(...exactText(`bodyFile (${expect.bodyFile})`, ctx.files.get(expect.bodyFile) ?? '', text));
  }
  failures.push(...checkExpressions(expect, exchange, ctx));
  const headers = exchange.message.headers;
  failures.push(...checkEntries('header', 'header', expect.headers, (name) => headers.get(name)));
  failures.push(
    ...checkEntries('property', 'property', expect.properties, (n) => exchange.properties.get(n)),
  );
  for (const [name, want] of Object.entries(expect.receivers ?? {})) {
    failures.push(...checkReceiver(name, want, outcome.calls));
  }
  return failures;
}

/** The status, by default COMPLETED (or FAILED when an error is expected), and the error text. */
function checkEnd(expect: ExpectModel, { exchange, error }: Outcome): Failure[] {
  const failures: Failure[] = [];
  const status = exchange.log.status;
  const wanted = expect.status ?? (expect.error !== undefined ? 'FAILED' : 'COMPLETED');
  if (status !== wanted) {
    const why = error ? [`the message ended with: ${errorMessage(error)}`] : [];
    failures.push({ check: 'status', lines: [`expected ${wanted}, got ${status}`, ...why] });
  }
  if (expect.error === undefined) return failures;
  const wantText = `expected an error containing '${expect.error}'`;
  if (!error) failures.push({ check: 'error', lines: [`${wantText}, but none was thrown`] });
  else if (!errorMessage(error).includes(expect.error)) {
    failures.push({ check: 'error', lines: [wantText, `got: ${errorMessage(error)}`] });
  }
  return failures;
}

/** `xpath:` values compare as strings, `jsonpath:` values as JSON subsets. */
function checkExpressions(expect: ExpectModel, exchange: Exchange, ctx: CheckContext): Failure[] {
  const failures: Failure[] = [];
  for (const [source, value] of Object.entries(expect.xpath ?? {})) {
    const found = evaluate(source, 'xpath', exchange, ctx);
    if (found.error) failures.push({ check: 'xpath', lines: [`${source}: ${found.error}`] });
    else if (String(found.value) !== String(value)) {
      failures.push({
        check: 'xpath',
        lines: [`${source}: expected ${show(String(value))}, got ${show(found.value)}`],
      });
    }
  }
  for (const [source, value] of Object.entries(expect.jsonpath ?? {})) {
    const found = evaluate(source, 'jsonpath', exchange, ctx);
    const lines = found.error ? [`${source}: ${found.error}`] : matchJson(found.value, value, source);
    if (lines.length > 0) failures.push({ check: 'jsonpath', lines });
  }
  return failures;
}

function checkReceiver(name: string, want: ReceiverExpectModel, log: CallLog): Failure[] {
  const calls = log.of(name);
  const at = `receivers.${name}`;
  const failures: Failure[] = [];
  if (want.calls !== undefined && calls.length !== want.calls) {
    failures.push({ check: `${at}.calls`, lines: [`expected ${want.calls} call(s), got ${calls.length}`] });
  }
  const checksLast =
    want.body !== undefined || want.bodyJson !== undefined || want.bodyXml !== undefined || want.headers;
  if (checksLast) {
    const last = calls.at(-1);
    if (!last) failures.push({ check: at, lines: ['expected a call to check, but it was never called'] });
    else failures.push(...checkRequest(want, last, `${at} (last call)`));
  }
  want.requests?.forEach((request, i) => {
    const call = calls[i];
    if (!call)
      failures.push({
        check: `${at}.requests[${i}]`,
        lines: [`expected call ${i + 1}, but it was called ${calls.length} time(s)`],
      });
    else failures.push(...checkRequest(request, call, `${at}.requests[${i}]`));
  });
  return failures;
}

function checkRequest(
  want: RequestExpectModel,
  call: { body: string; headers: Record<string, unknown> },
  at: string,
) {
  const headers = new Map(Object.entries(call.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return [
    ...checkBody(want, call.body, `${at} `),
    ...checkEntries(`${at} header`, 'header', want.headers, (name) => headers.get(name.toLowerCase())),
  ];
}

/** `body`, `bodyJson` and `bodyXml`, for the final message and for what a receiver got. */
function checkBody(want: RequestExpectModel, text: string, prefix: string): Failure[] {
  const failures: Failure[] = [];
  if (want.body !== undefined) failures.push(...exactText(`${prefix}body`, want.body, text));
  if (want.bodyJson !== undefined) {
    let actual: unknown;
    try {
      actual = JSON.parse(text);
    } catch (error) {
      return [
        ...failures,
        {
          check: `${prefix}bodyJson`,
          lines: [`the body is not JSON (${(error as Error).message}): ${show(text)}`],
        },
      ];
    }
    const lines = matchJson(actual, want.bodyJson);
    if (lines.length > 0) failures.push({ check: `${prefix}bodyJson`, lines });
  }
  if (want.bodyXml !== undefined) {
    let actual: string[];
    try {
      actual = normalizeXml(text);
    } catch (error) {
      return [
        ...failures,
        { check: `${prefix}bodyXml`, lines: [`the body is ${(error as Error).message}: ${show(text)}`] },
      ];
    }
    const expected = normalizeXml(want.bodyXml);
    if (actual.join('\n') !== expected.join('\n')) {
      failures.push({ check: `${prefix}bodyXml`, lines: lineDiff(expected.join('\n'), actual.join('\n')) });
    }
  }
  return failures;
}

function exactText(check: string, expected: string, actual: string): Failure[] {
  const want = normalizeText(expected);
  const got = normalizeText(actual);
  return want === got ? [] : [{ check, lines: lineDiff(want, got) }];
}

/** Headers and properties: compared as strings; `null` means the entry must be absent. */
function checkEntries(
  label: string,
  what: 'header' | 'property',
  expected: Record<string, unknown> | undefined,
  get: (name: string) => unknown,
): Failure[] {
  const failures: Failure[] = [];
  for (const [name, value] of Object.entries(expected ?? {})) {
    const actual = get(name);
    const check = `${label} ${name}`;
    if (value === null) {
      if (actual !== undefined)
        failures.push({ check, lines: [`expected no ${what}, got ${show(asText(actual))}`] });
    } else if (actual === undefined) {
      failures.push({ check, lines: [`expected ${show(String(value))}, but it is not set`] });
    } else if (asText(actual) !== String(value)) {
      failures.push({ check, lines: [`expected ${show(String(value))}, got ${show(asText(actual))}`] });
    }
  }
  return failures;
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function evaluate(
  source: string,
  language: 'xpath' | 'jsonpath',
  exchange: Exchange,
  ctx: CheckContext,
): { value?: unknown; error?: string } {
  try {
    const expression = compileExpression(source, language, { namespaces: ctx.namespaces });
    return { value: expression.evaluate(exchange) };
  } catch (error) {
    return { error: errorMessage(error) };
  }
}
