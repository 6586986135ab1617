// biome-ignore-all lint/suspicious/noTemplateCurlyInString: option docs and defaults show Simple syntax, which uses ${…}
import { debuglog } from 'node:util';
import type { Static } from '@sinclair/typebox';
import type { Exchange } from '../../engine/exchange.ts';
import { asError, CausewayError, UserError } from '../../errors.ts';
import { Type } from '../../flow/schema-builder.ts';
import { defineSender, type SenderContext, type SenderEndpoint } from '../adapter.spec.ts';
import { compileSchedule, type Trigger } from './schedule.ts';

const debug = debuglog('causeway-timer');

const ScheduleOption = Type.Union(
  [
    Type.Object({ onDeployment: Type.Literal(true) }, { additionalProperties: false }),
    Type.Object({ every: Type.Union([Type.String(), Type.Number()]) }, { additionalProperties: false }),
    Type.Object(
      { cron: Type.String({ minLength: 1 }), timezone: Type.Optional(Type.String({ minLength: 1 })) },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      "One of { onDeployment: true }, { every: '30s' } (ms, s, m, h, d or a number of ms), " +
      "or { cron: '0 */5 * * * *', timezone: 'Europe/Berlin' }.",
  },
);

export const TimerOptions = Type.Object(
  {
    schedule: ScheduleOption,
    body: Type.String({
      default: '',
      description: 'Body of the message each firing creates; may hold `${...}`.',
    }),
    headers: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'Headers of the created message; values may hold `${...}`.',
      }),
    ),
  },
  { additionalProperties: false },
);

export type TimerOptions = Static<typeof TimerOptions>;
type Template = (exchange: Exchange) => string;

export const timerSender = defineSender({
  kind: 'timer',
  title: 'Timer',
  description:
    'Starts the flow on a schedule (CPI Timer start event): once on deployment, at a fixed interval, or by cron ' +
    'in a time zone. A firing is skipped while the previous message of the flow is still running.',
  options: TimerOptions,
  examples: [
    { title: 'Every five minutes', yaml: 'sender:\n  adapter: timer\n  schedule: { every: 5m }' },
    {
      title: 'Weekdays at 06:00 Berlin time',
      yaml: "sender:\n  adapter: timer\n  schedule: { cron: '0 6 * * 1-5', timezone: Europe/Berlin }",
    },
  ],
  create(options, ctx, path) {
    const trigger = compileSchedule(options.schedule, [...path, 'schedule'], (p, message, hint) =>
      ctx.error(p, message, hint),
    );
    const body = ctx.template(options.body ?? '', [...path, 'body']);
    const headers = Object.entries(options.headers ?? {}).map(
      ([name, value]) => [name, ctx.template(value, [...path, 'headers', name])] as [string, Template],
    );
    return new TimerStart(trigger, ctx, body, headers);
  },
});

/** A running timer start: fires the flow, never two runs of it at once. */
export class TimerStart implements SenderEndpoint {
  readonly #trigger: Trigger;
  readonly #ctx: SenderContext;
  readonly #body: Template;
  readonly #headers: Array<[string, Template]>;
  #running?: Promise<void>;
  #active = false;
  #fired = 0;
  #skipped = 0;

  constructor(trigger: Trigger, ctx: SenderContext, body: Template, headers: Array<[string, Template]>) {
    this.#trigger = trigger;
    this.#ctx = ctx;
    this.#body = body;
    this.#headers = headers;
  }

  /** Ticks dropped because the previous run had not finished. */
  get skippedTicks(): number {
    return this.#skipped;
  }

  async start(): Promise<void> {
    if (this.#active) return;
    this.#active = true;
    this.#trigger.start(() => this.#tick());
  }

  /** Stops the schedule at once, then waits for a run already under way. */
  async stop(): Promise<void> {
    this.#active = false;
    this.#trigger.stop();
    await this.#running;
  }

  describe(): string[] {
    return [this.#trigger.label];
  }

  #tick(): void {
    if (!this.#active) return;
    if (this.#running) {
      this.#skipped++;
      debug(
        'flow %s: tick skipped, the previous run is still going (%d skipped so far)',
        this.#ctx.flowId,
        this.#skipped,
      );
      return;
    }
    this.#running = this.#fire().finally(() => {
      this.#running = undefined;
    });
  }

  async #fire(): Promise<void> {
    this.#fired++;
    const exchange = this.#ctx.newExchange();
    // Camel's timer properties, for flows that log or branch on them.
    exchange.properties.set('CamelTimerFiredTime', new Date());
    exchange.properties.set('CamelTimerCounter', this.#fired);
    const problem = this.#makeMessage(exchange);
    if (problem) return this.#failed(exchange, problem);
    try {
      const { error } = await this.#ctx.dispatch(exchange);
      // The message log records the failure; the timer carries on with the next firing.
      if (error) debug('flow %s: run %d failed: %s', this.#ctx.flowId, this.#fired, error.message);
    } catch (error) {
      // The flow runner logs what fails in a run; reaching here is a bug: say it where people look.
      warn(`Timer of flow '${this.#ctx.flowId}': run ${this.#fired} failed: ${asError(error).message}`);
    }
  }

  /** Sets the configured body and headers; a template that fails is returned as an error naming it. */
  #makeMessage(exchange: Exchange): Error | undefined {
    let what = 'the body (sender.body)';
    try {
      exchange.message.setBody(this.#body(exchange));
      for (const [name, value] of this.#headers) {
        what = `the header '${name}' (sender.headers.${name})`;
        exchange.message.headers.set(name, value(exchange));
      }
      return undefined;
    } catch (thrown) {
      const error = asError(thrown);
      const message = `Timer: ${what} could not be made: ${error.message}`;
      const hint = error instanceof CausewayError ? error.hint : undefined;
      return new UserError(error instanceof CausewayError ? error.code : 'CW_ERR_EXPRESSION_EVAL', message, {
        cause: error,
        hint: hint ?? 'Check the expression; when the timer fires, the body is still empty.',
      });
    }
  }

  /** The message failed before the flow ran: logged FAILED; the timer carries on with the next firing. */
  #failed(exchange: Exchange, error: Error): void {
    if (this.#ctx.fail) this.#ctx.fail(exchange, error);
    else warn(`Timer of flow '${this.#ctx.flowId}': run ${this.#fired} could not start: ${error.message}`);
  }
}

function warn(message: string): void {
  process.emitWarning(message, { code: 'CW_TIMER_FIRE' });
}
