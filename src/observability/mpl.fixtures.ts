import type { MplEntry } from './mpl.types.ts';

/** A day ago, so that the default 30-day retention keeps sample entries. */
const BASE = Date.now() - 24 * 60 * 60 * 1000;

/** A complete entry for tests and the benchmark; `n` makes the guid, correlation id and times distinct. */
export function sampleEntry(n: number, overrides: Partial<MplEntry> = {}): MplEntry {
  const start = BASE + n * 1000;
  return {
    // UUID-shaped, with `n` in hex up front so that the 8-character short form differs too.
    messageGuid: `${n.toString(16).padStart(8, '0')}-cafe-4000-8000-${String(n).padStart(12, '0')}`,
    correlationId: `corr-${n}`,
    flowId: 'order-intake',
    status: 'COMPLETED',
    logLevel: 'INFO',
    logStart: start,
    logEnd: start + 12,
    sender: 'https POST /http/orders',
    receivers: [
      {
        receiver: 'backend',
        adapter: 'http',
        url: 'http://127.0.0.1:8080/orders',
        status: 200,
        durationMs: 7,
      },
    ],
    steps: [
      { step: 'Set order id', kind: 'contentModifier', startedAt: start + 1, durationMs: 1 },
      { step: 'steps[1].requestReply', kind: 'requestReply', startedAt: start + 2, durationMs: 8 },
    ],
    customHeaderProperties: [['orderId', `O-${n}`]],
    attachments: [],
    ...overrides,
  };
}

/**
 * A plain entry (mpl.block.ts), which the store keeps in a block: a UUIDv7 id of its start time,
 * correlated by itself, COMPLETED, no custom headers. Entries `n` start 10 ms apart.
 */
export function plainEntry(n: number, overrides: Partial<MplEntry> = {}): MplEntry {
  const start = BASE + n * 10;
  const messageGuid = uuidv7At(start, n);
  return {
    ...sampleEntry(n),
    messageGuid,
    correlationId: messageGuid,
    logStart: start,
    logEnd: start + 3,
    customHeaderProperties: [],
    ...overrides,
  };
}

/** A UUIDv7 of time `ms` with `n` in its random part: distinct and reproducible. */
export function uuidv7At(ms: number, n: number): string {
  const time = ms.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8)}-7000-8000-${n.toString(16).padStart(12, '0')}`;
}
