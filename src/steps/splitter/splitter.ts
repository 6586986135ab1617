import { CancelScope } from '../../engine/cancel.ts';
import type { Exchange } from '../../engine/exchange.ts';
import type { Processor } from '../../engine/processor.ts';
import { OperationalError } from '../../errors.ts';
import { evaluationError } from '../../expression/errors.ts';
import type { Path } from '../../flow/path.ts';
import { compileGather, type GatherSpec } from '../gather/gather.options.ts';
import type { CompileContext } from '../step.spec.ts';
import { partError } from './part-error.ts';
import { runParts } from './run-parts.ts';
import { compileNodeSelector } from './select-nodes.ts';
import { splitJson } from './split-json.ts';
import { splitStream, splitText, type TextSeparator } from './split-text.ts';
import { type SplitType, splitXml } from './split-xml.ts';

export interface SplitterOptions {
  type?: SplitType;
  expression: { xpath?: string; jsonpath?: string; lineBreak?: true; token?: string };
  grouping?: number;
  parallel?: { enabled?: boolean; limit?: number; timeoutMs?: number };
  streaming?: boolean;
  stopOnException?: boolean;
  steps?: unknown[];
  gather?: GatherSpec;
}

/** CPI's default Timeout of parallel processing: 300 s. */
export const DEFAULT_PARALLEL_TIMEOUT_MS = 300_000;

/** The parts of one message: a list when the body is in memory, a generator when split from a stream. */
type PartSource = (exchange: Exchange) => Promise<Iterable<unknown> | AsyncIterable<unknown>>;

export function compileSplitter(
  options: SplitterOptions,
  ctx: CompileContext,
  path: Path,
  label: string,
): Processor {
  const type = options.type ?? 'iterating';
  const grouping = options.grouping ?? 1;
  const parallel = options.parallel?.enabled === true;
  const limit = parallel ? (options.parallel?.limit ?? 10) : 1;
  const timeoutMs = parallel ? (options.parallel?.timeoutMs ?? DEFAULT_PARALLEL_TIMEOUT_MS) : undefined;
  const stopOnError = options.stopOnException ?? true;
  const partsOf = compilePartSource(options, ctx, [...path, 'expression'], type, grouping);
  const steps = ctx.steps(options.steps ?? [], [...path, 'steps']);
  const gather =
    options.gather &&
    compileGather(options.gather, ctx, [...path, 'gather'], { format: 'same', where: `Splitter "${label}"` });

  return async (exchange) => {
    const parts = await partsOf(exchange);
    const size = Array.isArray(parts) ? parts.length : undefined;
    const done: Exchange[] = [];
    let finished = 0;
    // A parallel split has a time limit (CPI's Timeout): when it passes, the parts still running are
    // cancelled like a message and no further part starts. The parts also stop with the message.
    const scope =
      timeoutMs === undefined
        ? undefined
        : new CancelScope(exchange.signal).abortAfter(timeoutMs, () =>
            timeoutError(label, timeoutMs, finished, size),
          );
    const signal = scope ? scope.signal : exchange.signal;
    let outcome: Awaited<ReturnType<typeof runParts>>;
    try {
      outcome = await runParts(parts, { limit, stopOnError, signal }, async (body, index, last) => {
        const part = exchange.fork(body, signal);
        part.properties.set('CamelSplitIndex', index);
        // A streamed split learns its size only at the last part, as in Camel.
        if (size !== undefined || last) part.properties.set('CamelSplitSize', size ?? index + 1);
        part.properties.set('CamelSplitComplete', last);
        const pending = steps(part);
        if (pending) await pending;
        if (gather) {
          // A receiver in the part may have left a streamed reply; the gather reads it whole.
          await part.message.body.materialize();
          done[index] = part;
        }
        finished++;
      });
    } finally {
      scope?.dispose();
    }
    const { count, failures, aborted } = outcome;
    if (failures.length > 0) {
      const { index, error } = failures[0];
      const of = size ?? (stopOnError ? undefined : count);
      throw partError(error, `Splitter "${label}", part ${index + 1}${of === undefined ? '' : ` of ${of}`}`);
    }
    // The split's own timeout, or the reason the whole message was cancelled for.
    if (aborted) throw (signal as AbortSignal).reason;
    if (gather) exchange.message.setBody(await gather(done));
  };
}

function timeoutError(label: string, timeoutMs: number, finished: number, size: number | undefined): Error {
  const of = size === undefined ? '' : ` of ${size}`;
  return new OperationalError(
    'CW_ERR_SPLITTER_TIMEOUT',
    `Splitter "${label}": the parts did not finish within the parallel processing timeout of ${timeoutMs} ms; ${finished}${of} finished, the others were stopped.`,
    {
      hint: "Raise parallel.timeoutMs (CPI's Timeout, 300 s by default) or parallel.limit, or make the parts faster (a receiver's timeoutMs bounds each call).",
    },
  );
}

function compilePartSource(
  options: SplitterOptions,
  ctx: CompileContext,
  path: Path,
  type: SplitType,
  grouping: number,
): PartSource {
  const given = (['xpath', 'jsonpath', 'lineBreak', 'token'] as const).filter(
    (k) => options.expression[k] !== undefined,
  );
  if (given.length !== 1) {
    ctx.error(
      path,
      given.length === 0
        ? 'the splitter expression is empty'
        : `the splitter expression has ${given.join(' and ')}; it takes one`,
      'Give exactly one of `xpath`, `jsonpath`, `lineBreak: true`, `token`.',
    );
    return async () => [];
  }
  const { xpath, jsonpath, token } = options.expression;
  if (xpath !== undefined) {
    const select = compileNodeSelector(xpath, ctx, [...path, 'xpath']);
    return async (exchange) => {
      await exchange.message.body.materialize();
      return splitXml(select(exchange), type, grouping);
    };
  }
  if (jsonpath !== undefined) {
    // Compiled for its syntax check; the split itself needs the matches' locations (for the envelope).
    ctx.expression(jsonpath, [...path, 'jsonpath'], 'jsonpath');
    return async (exchange) => {
      await exchange.message.body.materialize();
      try {
        return splitJson(exchange.message.body.json(), jsonpath, type, grouping);
      } catch (error) {
        // A body that is not JSON fails naming the expression, as XPath does (select-nodes.ts).
        throw evaluationError('jsonpath', jsonpath, error);
      }
    };
  }
  const separator: TextSeparator = token !== undefined ? { token } : { lines: true };
  const streaming = options.streaming ?? false;
  return async (exchange) => {
    const body = exchange.message.body;
    if (streaming && body.isStream) return splitStream(body.stream(), separator, grouping);
    await body.materialize();
    return splitText(body.text(), separator, grouping);
  };
}
