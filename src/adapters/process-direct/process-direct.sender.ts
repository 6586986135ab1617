import type { Exchange } from '../../engine/exchange.ts';
import { Type } from '../../flow/schema-builder.ts';
import { defineSender, type SenderContext, type SenderEndpoint } from '../adapter.spec.ts';

export const ProcessDirectSenderOptions = Type.Object(
  {
    address: Type.String({
      minLength: 1,
      pattern: '^\\S+$',
      description:
        'The address other flows call, e.g. /orders/enrich. One flow consumes an address; many may call it.',
    }),
  },
  { additionalProperties: false },
);

export const processDirectSender = defineSender({
  kind: 'processDirect',
  title: 'ProcessDirect',
  description:
    'Starts the flow when another flow in the same runtime calls its address (CPI ProcessDirect sender). ' +
    "The caller's body, headers and attachments arrive (not its properties); the reply goes back to it.",
  options: ProcessDirectSenderOptions,
  examples: [
    { title: 'Consume an address', yaml: 'sender:\n  adapter: processDirect\n  address: /orders/enrich' },
  ],
  create(options, ctx) {
    return new ProcessDirectConsumer(options.address.trim(), ctx);
  },
});

/** The consumer side: registered with the runtime's registry while the flow is deployed. */
class ProcessDirectConsumer implements SenderEndpoint {
  readonly #address: string;
  readonly #ctx: SenderContext;
  #unregister?: () => void;

  constructor(address: string, ctx: SenderContext) {
    this.#address = address;
    this.#ctx = ctx;
  }

  async start(): Promise<void> {
    // A UserError here (the address is another flow's) stops the deployment with its hint.
    this.#unregister = this.#ctx.services.processDirect.register(
      this.#address,
      this.#ctx.flowId,
      async (caller) => this.#ctx.dispatch(this.#exchangeFor(caller)),
    );
  }

  async stop(): Promise<void> {
    this.#unregister?.();
    this.#unregister = undefined;
  }

  describe(): string[] {
    return [`processDirect ${this.#address}`];
  }

  /**
   * CPI passes the message, not the exchange: properties stay with the caller; the ids link the logs.
   * The called flow runs as part of the caller's message, so it stops when the caller is cancelled.
   */
  #exchangeFor(caller: Exchange): Exchange {
    const exchange = this.#ctx.newExchange({
      body: caller.message.body,
      headers: caller.message.headers.clone(),
      correlationId: caller.correlationId,
      signal: caller.signal,
    });
    if (caller.message.attachments.size > 0)
      exchange.message.attachments = new Map(caller.message.attachments);
    return exchange;
  }
}
