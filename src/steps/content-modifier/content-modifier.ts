import type { Exchange } from '../../engine/exchange.ts';
import type { Processor } from '../../engine/processor.ts';
import type { Path } from '../../flow/path.ts';
import type { CompileContext } from '../step.spec.ts';
import { compileValue, type ValueSource, type ValueSpec } from './value-source.ts';

export interface EntrySpec extends ValueSpec {
  action?: 'create' | 'delete';
  name: string;
}

export interface BodySpec extends ValueSpec {
  contentType?: string;
}

/** One change to the message; `async` only when it reads a JSONata value. */
interface Operation {
  async: boolean;
  run(exchange: Exchange): void | Promise<void>;
}

type Target = 'header' | 'property';

/**
 * Builds the Content Modifier's processor: headers first, then properties, then the body, in the order
 * written (CPI's order, so a property may read a header set just before).
 */
export function compileContentModifier(
  spec: { headers?: EntrySpec[]; properties?: EntrySpec[]; body?: BodySpec },
  ctx: CompileContext,
  path: Path,
): Processor {
  const operations: Operation[] = [];
  spec.headers?.forEach((entry, i) => {
    operations.push(compileEntry('header', entry, ctx, [...path, 'headers', i]));
  });
  spec.properties?.forEach((entry, i) => {
    operations.push(compileEntry('property', entry, ctx, [...path, 'properties', i]));
  });
  if (spec.body) operations.push(compileBody(spec.body, ctx, [...path, 'body']));

  if (!operations.some((op) => op.async)) {
    return (exchange) => {
      for (const op of operations) op.run(exchange);
    };
  }
  return async (exchange) => {
    for (const op of operations) {
      if (op.async) await op.run(exchange);
      else op.run(exchange);
    }
  };
}

function compileEntry(target: Target, entry: EntrySpec, ctx: CompileContext, path: Path): Operation {
  const what = `${target} "${entry.name}"`;
  if (entry.action === 'delete') {
    // `source` is not checked: the loader fills in its default even for a delete.
    for (const key of ['value', 'type', 'default'] as const) {
      if (entry[key] !== undefined) {
        ctx.error([...path, key], `deleting ${what} takes no \`${key}\``, 'A delete entry has only `name`.');
      }
    }
    return { async: false, run: compileDelete(target, entry.name) };
  }
  const reader = compileValue(entry, ctx, path, what);
  const name = entry.name;
  // Nothing found and no default: the entry is absent afterwards, not null, so that no adapter sends
  // a "null" header and `${header.x}` reads as empty either way.
  const set =
    target === 'header'
      ? (exchange: Exchange, value: unknown): void => {
          if (value == null) exchange.message.headers.delete(name);
          else exchange.message.headers.set(name, value);
        }
      : (exchange: Exchange, value: unknown): void => {
          if (value == null) exchange.properties.delete(name);
          else exchange.properties.set(name, value);
        };
  if (reader.async) {
    return { async: true, run: async (exchange) => set(exchange, await reader.read(exchange)) };
  }
  return { async: false, run: (exchange) => set(exchange, reader.read(exchange)) };
}

/**
 * Deletes by name; a `*` in the name matches any characters, as in CPI (`SAP_*`, `*`). Header names
 * match case-insensitively like header lookups; property names are case-sensitive.
 */
function compileDelete(target: Target, name: string): (exchange: Exchange) => void {
  if (!name.includes('*')) {
    return target === 'header'
      ? (exchange) => void exchange.message.headers.delete(name)
      : (exchange) => void exchange.properties.delete(name);
  }
  const pattern = new RegExp(
    `^${name.split('*').map(escapeRegExp).join('.*')}$`,
    target === 'header' ? 'i' : '',
  );
  if (target === 'header') {
    return (exchange) => {
      const headers = exchange.message.headers;
      for (const header of headers.names()) if (pattern.test(header)) headers.delete(header);
    };
  }
  return (exchange) => {
    for (const key of [...exchange.properties.keys()]) if (pattern.test(key)) exchange.properties.delete(key);
  };
}

function compileBody(body: BodySpec, ctx: CompileContext, path: Path): Operation {
  const source: ValueSource = body.source ?? 'expression';
  const contentType = body.contentType;
  let reader: { async: boolean; read(exchange: Exchange): unknown };
  if (source === 'expression' && typeof body.value === 'string' && body.type === undefined) {
    // The body is text with `${...}` parts, often large: a template costs nothing when it has none.
    const template = ctx.template(body.value, [...path, 'value']);
    reader = { async: false, read: template };
  } else {
    reader = compileValue({ ...body, source }, ctx, path, 'the body');
  }
  const set = (exchange: Exchange, value: unknown) => {
    exchange.message.setBody(value ?? '');
    if (contentType) exchange.message.headers.set('Content-Type', contentType);
  };
  if (reader.async) {
    return { async: true, run: async (exchange) => set(exchange, await reader.read(exchange)) };
  }
  return { async: false, run: (exchange) => set(exchange, reader.read(exchange)) };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
