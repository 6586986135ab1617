import { substituteParameters } from '../../flow/parameters.ts';
import { FlowSource } from '../../flow/source.ts';

/** What a test needs to know of a declared receiver to stand in for it. */
export interface ReceiverOutline {
  adapter: string;
  /** The HTTP method and address, for failure messages worded like the real receiver's. */
  method: string;
  address: string;
  /** HTTP: a non-2xx answer fails the call (CPI's "Throw Exception on Failure", default on). */
  throwExceptionOnFailure: boolean;
}

/** The parts of a flow a test reads before compiling it: receiver names, XPath prefixes. */
export interface FlowOutline {
  /** False when the flow is not a YAML map: its receivers are unknown until the compiler reports why. */
  readable: boolean;
  receivers: ReadonlyMap<string, ReceiverOutline>;
  namespaces: Readonly<Record<string, string>>;
  /** The ProcessDirect address the flow consumes, when its sender is one. */
  consumes?: string;
}

/**
 * Reads a flow's outline without compiling it. A flow that does not parse gives an empty outline:
 * the compiler reports its errors later, with positions.
 */
export function readFlowOutline(
  text: string,
  file: string,
  parameters: Record<string, unknown> = {},
): FlowOutline {
  const raw = new FlowSource(text, file).value as Record<string, unknown> | undefined;
  const receivers = new Map<string, ReceiverOutline>();
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return { readable: false, receivers, namespaces: {} };
  const values = new Map<string, unknown>();
  for (const [name, def] of Object.entries(asMap(raw.parameters))) {
    const value = asMap(def).default;
    if (value !== undefined) values.set(name, value);
  }
  for (const [name, value] of Object.entries(parameters)) values.set(name, value);
  for (const [name, config] of Object.entries(asMap(raw.receivers))) {
    const options = asMap(substituteParameters(config, values).value);
    receivers.set(name, {
      adapter: String(options.adapter ?? ''),
      method: typeof options.method === 'string' ? options.method : 'POST',
      address: typeof options.address === 'string' ? options.address : name,
      throwExceptionOnFailure: options.throwExceptionOnFailure !== false,
    });
  }
  const namespaces: Record<string, string> = {};
  for (const [prefix, uri] of Object.entries(asMap(raw.namespaces))) namespaces[prefix] = String(uri);
  const sender = asMap(substituteParameters(raw.sender, values).value);
  const consumes =
    sender.adapter === 'processDirect' && typeof sender.address === 'string'
      ? sender.address.trim()
      : undefined;
  return { readable: true, receivers, namespaces, consumes };
}

function asMap(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
