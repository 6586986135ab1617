import type { ReceiverAdapterSpec, SenderAdapterSpec } from './adapter.spec.ts';

/** Sender adapters (and start events), by the value of `adapter:` in a flow's `sender:`. */
export const senderAdapters: SenderAdapterSpec<any>[] = [];

/** Receiver adapters, by the value of `adapter:` under `receivers:`. */
export const receiverAdapters: ReceiverAdapterSpec<any>[] = [];

export function senderAdapter(kind: string): SenderAdapterSpec<any> | undefined {
  return senderAdapters.find((spec) => spec.kind === kind);
}

export function receiverAdapter(kind: string): ReceiverAdapterSpec<any> | undefined {
  return receiverAdapters.find((spec) => spec.kind === kind);
}
