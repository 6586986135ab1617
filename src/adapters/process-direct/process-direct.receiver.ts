// biome-ignore-all lint/suspicious/noTemplateCurlyInString: option docs and defaults show Simple syntax, which uses ${…}

import type { Exchange } from '../../engine/exchange.ts';
import { UserError } from '../../errors.ts';
import { Type } from '../../flow/schema-builder.ts';
import type { ProcessDirectRegistry } from '../../runtime/services.ts';
import { type CallPattern, defineReceiver, type Receiver } from '../adapter.spec.ts';

export const ProcessDirectReceiverOptions = Type.Object(
  {
    address: Type.String({
      minLength: 1,
      description: 'The address of the flow to call, e.g. /orders/enrich; may hold `${header.x}` (dynamic).',
    }),
  },
  { additionalProperties: false },
);

export const processDirectReceiver = defineReceiver({
  kind: 'processDirect',
  title: 'ProcessDirect',
  description:
    'Calls another flow in the same runtime (CPI ProcessDirect receiver). Request-Reply takes back its ' +
    "body and headers; Send discards them. A failure in the called flow fails the caller's step.",
  options: ProcessDirectReceiverOptions,
  examples: [
    { title: 'Static address', yaml: 'enrich:\n  adapter: processDirect\n  address: /orders/enrich' },
    {
      title: 'Dynamic address',
      yaml: 'route:\n  adapter: processDirect\n  address: /partner/${header.partner}',
    },
  ],
  create(options, ctx, path) {
    const address = ctx.template(options.address.trim(), [...path, 'address']);
    return new ProcessDirectReceiver(ctx.receiverName, address, ctx.services.processDirect);
  },
});

export class ProcessDirectReceiver implements Receiver {
  readonly name: string;
  readonly adapter = 'processDirect';
  readonly #address: (exchange: Exchange) => string;
  readonly #registry: ProcessDirectRegistry;

  constructor(name: string, address: (exchange: Exchange) => string, registry: ProcessDirectRegistry) {
    this.name = name;
    this.#address = address;
    this.#registry = registry;
  }

  async call(exchange: Exchange, pattern: CallPattern): Promise<void> {
    const started = performance.now();
    let address = '';
    try {
      address = this.#address(exchange).trim();
      if (address === '') {
        throw new UserError(
          'CW_ERR_RECEIVER',
          `Receiver '${this.name}': the ProcessDirect address is empty.`,
          {
            hint: 'The address expression gave an empty string; check the header or property it uses.',
          },
        );
      }
      const message = exchange.message;
      // Both flows share the body; a stream read by the called flow would be gone for the caller.
      if (pattern === 'send' && message.body.isStream) await message.body.materialize();
      const result = await this.#registry.call(address, exchange);
      if (result.error) throw result.error;
      if (pattern === 'request-reply') {
        const reply = result.exchange.message;
        message.body = reply.body;
        message.headers = reply.headers;
        message.attachments = reply.attachments;
      }
      exchange.log.receivers.push(this.#record(address, started));
    } catch (error) {
      exchange.log.receivers.push({ ...this.#record(address, started), error: (error as Error).message });
      throw error;
    }
  }

  #record(address: string, started: number) {
    return {
      receiver: this.name,
      adapter: 'processDirect',
      url: address,
      durationMs: performance.now() - started,
    };
  }
}
