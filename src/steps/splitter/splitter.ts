import type { Exchange } from '../../engine/exchange.ts';
import type { Processor } from '../../engine/processor.ts';
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
  parallel?: { enabled?: boolean; limit?: number };
  streaming?: boolean;
  stopOnException?: boolean;
  steps?: unknown[];
  gather?: GatherSpec;
}

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
  const limit = options.parallel?.enabled ? (options.parallel.limit ?? 10) : 1;
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
    const { count, failures } = await runParts(parts, { limit, stopOnError }, async (body, index, last) => {
      const part = exchange.fork(body);
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
    });
    if (failures.length > 0) {
      const { index, error } = failures[0];
      const of = size ?? (stopOnError ? undefined : count);
      throw partError(error, `Splitter "${label}", part ${index + 1}${of === undefined ? '' : ` of ${of}`}`);
    }
    if (gather) exchange.message.setBody(await gather(done));
  };
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
      return splitJson(exchange.message.body.json(), jsonpath, type, grouping);
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
