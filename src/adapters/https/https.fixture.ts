import { Value } from '@sinclair/typebox/value';
import { Exchange } from '../../engine/exchange.ts';
import { HttpServer } from '../../runtime/http-server.ts';
import type { RuntimeServices, SecureStore } from '../../runtime/services.ts';
import { MemorySecureStore } from '../../security/memory-secure-store.ts';
import type { SenderEndpoint } from '../adapter.spec.ts';
import { type HttpsSenderOptions, httpsSender } from './https.spec.ts';

/** What a test's flow does with the exchange; the default echoes the request. */
export type TestFlow = (exchange: Exchange) => void | Promise<void>;

export interface TestEndpoint {
  endpoint: SenderEndpoint;
  server: HttpServer;
  /** Every exchange the flow received, in order. */
  exchanges: Exchange[];
  url(path?: string): string;
  close(): Promise<void>;
}

/**
 * An HTTPS sender on a real server on a free port, with a hand-made SenderContext: options get their
 * defaults as the compiler gives them, and dispatch runs `flow` and returns the error it throws, as the
 * flow runner does (without a promise when `flow` returns none).
 */
export async function startEndpoint(
  options: Partial<HttpsSenderOptions> & { address: string },
  flow: TestFlow = () => {},
  secureStore: SecureStore = new MemorySecureStore(),
): Promise<TestEndpoint> {
  const server = new HttpServer();
  await server.listen(0);
  const exchanges: Exchange[] = [];
  const services = { http: server, secureStore } as unknown as RuntimeServices;
  const errors: string[] = [];
  const endpoint = httpsSender.create(
    Value.Default(httpsSender.options, structuredClone(options)) as never,
    {
      flowId: 'test-flow',
      services,
      logLevel: 'INFO',
      newExchange: (init) => new Exchange({ ...init, flowId: 'test-flow' }),
      // Synchronous when the flow is, as the flow runner is.
      dispatch: (exchange) => {
        exchanges.push(exchange);
        try {
          const pending = flow(exchange);
          if (!pending) return { exchange };
          return pending.then(
            () => ({ exchange }),
            (error: Error) => ({ exchange, error }),
          );
        } catch (error) {
          return { exchange, error: error as Error };
        }
      },
      error: (_path, message) => errors.push(message),
      template: () => () => '',
    },
    ['sender'],
  );
  if (errors.length > 0) throw new Error(errors.join('; '));
  await endpoint.start();
  return {
    endpoint,
    server,
    exchanges,
    url: (path = options.address) => `${server.baseUrl()}/http${path}`,
    close: async () => {
      await endpoint.stop();
      await server.close();
    },
  };
}
