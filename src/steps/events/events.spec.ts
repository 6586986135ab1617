import { ErrorEndSignal, EscalationSignal } from '../../engine/signals.ts';
import { Type } from '../../flow/schema-builder.ts';
import { defineStep } from '../step.spec.ts';

const NoOptions = Type.Object(
  { name: Type.Optional(Type.String({ description: 'Label shown in the message processing log' })) },
  { additionalProperties: false },
);

export const end = defineStep({
  kind: 'end',
  title: 'End',
  description:
    'Ends the process here. In an exception subprocess the error counts as handled: the message completes and a synchronous sender gets the current message.',
  options: NoOptions,
  streaming: true,
  examples: [{ title: 'End', yaml: '- end: {}' }],
  compile() {
    return (exchange) => {
      exchange.stopped = true;
    };
  },
});

export const errorEnd = defineStep({
  kind: 'errorEnd',
  title: 'Error End',
  description:
    'Ends the message as FAILED with the error being handled; a synchronous sender gets the error.',
  options: NoOptions,
  streaming: true,
  examples: [{ title: 'Fail the message', yaml: '- errorEnd: {}' }],
  compile() {
    return (exchange) => {
      throw new ErrorEndSignal(exchange.exception);
    };
  },
});

export const escalationEnd = defineStep({
  kind: 'escalationEnd',
  title: 'Escalation End',
  description: 'Ends the message as ESCALATED; a synchronous sender gets the error.',
  options: NoOptions,
  streaming: true,
  examples: [{ title: 'Escalate', yaml: '- escalationEnd: {}' }],
  compile() {
    return (exchange) => {
      throw new EscalationSignal(exchange.exception);
    };
  },
});

export const terminate = defineStep({
  kind: 'terminate',
  title: 'Terminate Message',
  description: 'Stops processing the message; it ends COMPLETED with the message as it is.',
  options: NoOptions,
  streaming: true,
  examples: [{ title: 'Stop here', yaml: '- terminate: {}' }],
  compile() {
    return (exchange) => {
      exchange.stopped = true;
    };
  },
});
