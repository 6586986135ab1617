import type { Static, TSchema } from '@sinclair/typebox';
import type { Exchange } from '../engine/exchange.ts';
import type { LogLevel } from '../engine/message-log.ts';
import type { Path } from '../flow/path.ts';
import type { RuntimeServices } from '../runtime/services.ts';
import type { CompileContext } from '../steps/step.spec.ts';

/** How a step uses a receiver: wait for the reply (Request-Reply) or hand the message over (Send). */
export type CallPattern = 'request-reply' | 'send';

/** A configured receiver: the step calls it with the exchange; a reply replaces body and headers. */
export interface Receiver {
  readonly name: string;
  readonly adapter: string;
  call(exchange: Exchange, pattern: CallPattern): Promise<void>;
  close?(): Promise<void>;
}

/**
 * What a sender hands a message to: runs the flow with its log and error handling. A flow that ran
 * synchronously answers at once, without a promise.
 */
export type Dispatch = (exchange: Exchange) => DispatchResult | Promise<DispatchResult>;

export interface DispatchResult {
  /** The exchange after the flow ran (its message is the reply for synchronous senders). */
  exchange: Exchange;
  /** The error that ended the message, when it failed. */
  error?: Error;
}

/** A started sender: an HTTP endpoint, a timer, a ProcessDirect consumer. */
export interface SenderEndpoint {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** What the endpoint listens on, for `causeway run` to print (e.g. `POST /http/orders`). */
  describe(): string[];
}

export interface SenderContext {
  readonly flowId: string;
  readonly services: RuntimeServices;
  readonly logLevel: LogLevel;
  /** Creates an exchange for this flow (with its log at the flow's level). */
  newExchange(init?: ConstructorParameters<typeof Exchange>[0]): Exchange;
  dispatch: Dispatch;
  /**
   * Ends a message that failed before the flow could run (a timer's body could not be made): it is
   * logged FAILED with the error, as a failed run is. Hand-made test contexts may leave it out.
   */
  fail?(exchange: Exchange, error: Error): DispatchResult;
}

export interface ReceiverContext extends CompileContext {
  readonly services: RuntimeServices;
  readonly receiverName: string;
}

interface AdapterSpecBase<S extends TSchema> {
  /** The value of `adapter:` in YAML, e.g. `https`. */
  kind: string;
  /** CPI's name, e.g. `HTTPS`. */
  title: string;
  description: string;
  options: S;
  examples?: Array<{ title: string; yaml: string }>;
}

export interface SenderAdapterSpec<S extends TSchema = TSchema> extends AdapterSpecBase<S> {
  direction: 'sender';
  /** Checks options at compile time and returns the endpoint to start at deployment. */
  create(
    options: Static<S>,
    ctx: SenderContext & Pick<CompileContext, 'error' | 'template'>,
    path: Path,
  ): SenderEndpoint;
}

export interface ReceiverAdapterSpec<S extends TSchema = TSchema> extends AdapterSpecBase<S> {
  direction: 'receiver';
  create(options: Static<S>, ctx: ReceiverContext, path: Path): Receiver;
}

export type AdapterSpec = SenderAdapterSpec | ReceiverAdapterSpec;

export function defineSender<S extends TSchema>(
  spec: Omit<SenderAdapterSpec<S>, 'direction'>,
): SenderAdapterSpec<S> {
  return { ...spec, direction: 'sender' };
}

export function defineReceiver<S extends TSchema>(
  spec: Omit<ReceiverAdapterSpec<S>, 'direction'>,
): ReceiverAdapterSpec<S> {
  return { ...spec, direction: 'receiver' };
}
