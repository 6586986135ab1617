import { Type } from '../../flow/schema-builder.ts';
import { defineStep } from '../step.spec.ts';

const options = Type.Object(
  {
    name: Type.Optional(Type.String({ description: 'Label shown in the message processing log' })),
    receiver: Type.String({ description: 'Name of a receiver declared under `receivers:`' }),
  },
  { additionalProperties: false },
);

export const requestReply = defineStep({
  kind: 'requestReply',
  title: 'Request Reply',
  description:
    "Calls a receiver and continues with its reply: the reply's body and headers replace the message's.",
  options,
  streaming: true,
  examples: [{ title: 'Call a backend', yaml: '- requestReply: { receiver: backend }' }],
  compile(opts, ctx, path) {
    const receiver = ctx.receiver(opts.receiver, [...path, 'receiver']);
    return (exchange) => receiver?.call(exchange, 'request-reply');
  },
});

export const send = defineStep({
  kind: 'send',
  title: 'Send',
  description:
    'Hands the message to a receiver without waiting for a reply (one-way); the message continues unchanged.',
  options,
  streaming: true,
  examples: [{ title: 'Notify a system', yaml: '- send: { receiver: audit }' }],
  compile(opts, ctx, path) {
    const receiver = ctx.receiver(opts.receiver, [...path, 'receiver']);
    return (exchange) => receiver?.call(exchange, 'send');
  },
});
