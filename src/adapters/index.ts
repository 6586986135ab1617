import type { ReceiverAdapterSpec, SenderAdapterSpec } from './adapter.spec.ts';
import { httpReceiver } from './http/http.spec.ts';
import { httpsSender } from './https/https.spec.ts';
import { processDirectReceiver } from './process-direct/process-direct.receiver.ts';
import { processDirectSender } from './process-direct/process-direct.sender.ts';
import { timerSender } from './timer/timer.sender.ts';

/** Sender adapters (and start events), by the value of `adapter:` in a flow's `sender:`. */
export const senderAdapters: SenderAdapterSpec<any>[] = [httpsSender, timerSender, processDirectSender];

/** Receiver adapters, by the value of `adapter:` under `receivers:`. */
export const receiverAdapters: ReceiverAdapterSpec<any>[] = [httpReceiver, processDirectReceiver];

export function senderAdapter(kind: string): SenderAdapterSpec<any> | undefined {
  return senderAdapters.find((spec) => spec.kind === kind);
}

export function receiverAdapter(kind: string): ReceiverAdapterSpec<any> | undefined {
  return receiverAdapters.find((spec) => spec.kind === kind);
}
