import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Exchange, type ExchangeInit } from '../../engine/exchange.ts';
import { compileTemplate } from '../../expression/index.ts';
import type { Path } from '../../flow/path.ts';
import { ProcessDirectRegistry } from '../../runtime/process-direct.registry.ts';
import type { RuntimeServices } from '../../runtime/services.ts';
import { MemorySecureStore } from '../../security/memory-secure-store.ts';
import type {
  DispatchResult,
  Receiver,
  ReceiverAdapterSpec,
  SenderAdapterSpec,
  SenderEndpoint,
} from '../adapter.spec.ts';

/**
 * Hand-made compile contexts for adapter tests: real templates and services, problems collected in
 * `problems` the way the flow compiler collects diagnostics.
 */
export interface Problem {
  path: Path;
  message: string;
  hint?: string;
}

export function testServices(overrides: Partial<RuntimeServices> = {}): RuntimeServices {
  return {
    http: {
      register: () => {
        throw new Error('no HTTP server in adapter tests');
      },
      baseUrl: () => 'http://127.0.0.1:0',
    },
    processDirect: new ProcessDirectRegistry(),
    secureStore: new MemorySecureStore(),
    messageLogs: { write: () => {} },
    ...overrides,
  };
}

function template(source: string): (exchange: Exchange) => string {
  return source.includes('${') ? compileTemplate(source) : () => source;
}

function notUsed(): never {
  throw new Error('not used by adapters');
}

/** Validates `options` (with defaults, as the compiler does) and creates the receiver. */
export function createReceiver(
  spec: ReceiverAdapterSpec<TSchema>,
  options: unknown,
  services: RuntimeServices = testServices(),
  name = 'backend',
): { receiver: Receiver; problems: Problem[] } {
  const problems: Problem[] = [];
  const value = Value.Default(spec.options, structuredClone(options));
  for (const e of Value.Errors(spec.options, value))
    problems.push({ path: e.path.split('/'), message: e.message });
  const ctx = {
    flowId: 'test-flow',
    file: 'test-flow.yaml',
    namespaces: {},
    scriptTimeoutMs: 1000,
    services,
    receiverName: name,
    error: (path: Path, message: string, hint?: string) => void problems.push({ path, message, hint }),
    template: (source: string) => template(source),
    expression: notUsed,
    predicate: notUsed,
    steps: notUsed,
    receiver: notUsed,
    localProcess: notUsed,
    readFile: notUsed,
    resolvePath: notUsed,
  };
  return { receiver: spec.create(value as never, ctx, ['receivers', name]), problems };
}

/** Creates a sender endpoint whose dispatch runs `run` on each exchange. */
export function createSender(
  spec: SenderAdapterSpec<TSchema>,
  options: unknown,
  run: (exchange: Exchange) => void | Promise<void>,
  { flowId = 'test-flow', services = testServices() }: { flowId?: string; services?: RuntimeServices } = {},
): { endpoint: SenderEndpoint; problems: Problem[]; dispatched: Exchange[] } {
  const problems: Problem[] = [];
  const dispatched: Exchange[] = [];
  const value = Value.Default(spec.options, structuredClone(options));
  for (const e of Value.Errors(spec.options, value))
    problems.push({ path: e.path.split('/'), message: e.message });
  const endpoint = spec.create(
    value as never,
    {
      flowId,
      services,
      logLevel: 'INFO',
      newExchange: (init?: ExchangeInit) => new Exchange({ ...init, flowId }),
      dispatch: async (exchange: Exchange): Promise<DispatchResult> => {
        dispatched.push(exchange);
        try {
          await run(exchange);
          return { exchange };
        } catch (error) {
          return { exchange, error: error as Error };
        }
      },
      error: (path: Path, message: string, hint?: string) => void problems.push({ path, message, hint }),
      template: (source: string) => template(source),
    },
    ['sender'],
  );
  return { endpoint, problems, dispatched };
}
