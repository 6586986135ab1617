import type { DispatchResult } from '../adapters/adapter.spec.ts';
import type { Exchange } from '../engine/exchange.ts';
import { OperationalError, UserError } from '../errors.ts';
import type { ProcessDirectRegistry as Registry } from './services.ts';

type Consumer = (exchange: Exchange) => Promise<DispatchResult>;

interface Registration {
  flowId: string;
  consumer: Consumer;
}

/**
 * CPI's ProcessDirect inside one runtime: many flows call an address, one flow consumes it (N:1).
 * A flow that registers its address again (a hot reload) replaces its earlier registration in one
 * step, so no call in between finds the address empty; the old version's unregister is then a no-op.
 */
export class ProcessDirectRegistry implements Registry {
  readonly #consumers = new Map<string, Registration>();

  register(address: string, flowId: string, consumer: Consumer): () => void {
    const key = normalize(address);
    const current = this.#consumers.get(key);
    if (current && current.flowId !== flowId) {
      throw new UserError(
        'CW_ERR_PROCESS_DIRECT_ADDRESS_IN_USE',
        `ProcessDirect address '${key}' is already consumed by flow '${current.flowId}'; flow '${flowId}' cannot consume it too.`,
        {
          hint: 'One flow consumes an address (many may call it). Give one of the two senders another address.',
        },
      );
    }
    const registration: Registration = { flowId, consumer };
    this.#consumers.set(key, registration);
    return () => {
      if (this.#consumers.get(key) === registration) this.#consumers.delete(key);
    };
  }

  /**
   * Hands `exchange` (the caller's) to the consumer, which builds its own exchange from it; the
   * result is the consumer flow's exchange after it ran.
   */
  call(address: string, exchange: Exchange): Promise<DispatchResult> {
    const registration = this.#consumers.get(normalize(address));
    if (!registration) {
      return Promise.reject(
        new OperationalError(
          'CW_ERR_PROCESS_DIRECT_NO_CONSUMER',
          `No deployed flow consumes ProcessDirect address '${normalize(address)}'.`,
          {
            hint:
              'Deploy a flow with "sender: { adapter: processDirect, address: ... }" for this address, ' +
              'or check the address of the caller.',
          },
        ),
      );
    }
    return registration.consumer(exchange);
  }

  /** The flow consuming `address`, for `causeway run` and diagnostics. */
  consumerOf(address: string): string | undefined {
    return this.#consumers.get(normalize(address))?.flowId;
  }
}

/** Addresses match exactly, apart from surrounding blanks (a common copy-and-paste slip). */
function normalize(address: string): string {
  return address.trim();
}
