import type JsonataModule from 'jsonata';
import { lazyModule } from '../engine/lazy-module.ts';

const jsonata = lazyModule<typeof JsonataModule>('jsonata');

import type { Exchange } from '../engine/exchange.ts';
import { ExpressionSyntaxError, evaluationError } from './errors.ts';
import type { Expression } from './expression.ts';

interface JsonataError {
  message: string;
  code?: string;
  position?: number;
  token?: string;
}

const HINT =
  'See https://docs.jsonata.org for the syntax; read headers with $header("name") and properties with $property("name").';

/**
 * JSONata over the body's parsed JSON. Compiled once; `evaluate` returns a promise (JSONata 2 is
 * async). Mappings read the message through `$header(name)`, `$property(name)`, and the variables
 * `$headers`, `$properties`, `$exchangeId` and `$flowId`.
 */
export function compileJsonata(source: string): Expression {
  let compiled: JsonataModule.Expression;
  try {
    compiled = jsonata()(source);
  } catch (error) {
    const e = error as JsonataError;
    throw new ExpressionSyntaxError('jsonata', source, offsetOf(e, source), e.message, HINT);
  }
  return {
    language: 'jsonata',
    source,
    evaluate(exchange: Exchange): Promise<unknown> {
      let input: unknown;
      try {
        input = exchange.message.body.json();
      } catch (error) {
        return Promise.reject(evaluationError('jsonata', source, error));
      }
      return compiled.evaluate(input, bindings(exchange)).catch((error: unknown) => {
        throw evaluationError('jsonata', source, error);
      });
    },
  };
}

function bindings(exchange: Exchange): Record<string, unknown> {
  return {
    header: (name: string) => exchange.message.headers.get(name),
    property: (name: string) => exchange.properties.get(name),
    headers: exchange.message.headers.toObject(),
    properties: Object.fromEntries(exchange.properties),
    exchangeId: exchange.id,
    flowId: exchange.flowId,
  };
}

/** JSONata reports the position just past the offending token; point at its start instead. */
function offsetOf(error: JsonataError, source: string): number {
  const end = error.position ?? 0;
  const tokenLength = error.token && error.token !== '(end)' ? String(error.token).length : 0;
  return Math.max(0, Math.min(source.length, end - tokenLength));
}
