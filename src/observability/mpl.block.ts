import type { MplEntry } from './mpl.types.ts';

/**
 * Message log blocks: most messages end the same plain way (COMPLETED, correlated by their own id, no
 * error, no application ids, no custom header properties). Such entries of one flow, sender and log
 * level are stored together, one `mpl_block` row for up to BLOCK_MAX_ENTRIES of them, their guids and
 * times (and details, if any) as a JSON array. One row and no index entries per message instead of a row
 * with four index entries: the difference between the log costing a quarter of a plain message's CPU
 * and a few percent. Everything a query can ask about a plain entry is found through the block's columns
 * and two bounds that make its time searchable:
 * - the entries of a block started within BLOCK_SPAN_MS of each other (first_start..last_start), so a
 *   time window reaches the blocks through an index on first_start;
 * - a plain entry's id is a UUIDv7 whose time lies within GUID_SLACK_MS of the entry's start, so a
 *   lookup by message id knows which few blocks to open.
 * Entries that are not plain get a row of their own in `message_log`, with every index.
 */

export const BLOCK_SPAN_MS = 1000;
export const GUID_SLACK_MS = 1000;
/** Entries per block at most: a block is one JSON text that a lookup parses whole. */
export const BLOCK_MAX_ENTRIES = 500;

/** A block as stored: the columns it shares with all its entries, and the entries as a JSON array. */
export interface MplBlock {
  flowId: string;
  status: 'COMPLETED';
  logLevel: MplEntry['logLevel'];
  sender: string;
  firstStart: number;
  lastStart: number;
  count: number;
  /** `[[guid, start, end], [guid, start, end, details], ...]`, details as `detailsJson` gives them. */
  entries: string;
}

const TIME_PREFIX = /^[0-9a-f]{8}-[0-9a-f]{4}-$/;
/** The last time prefix read and its time: a busy runtime's ids share it for a millisecond. */
let lastPrefix = '';
let lastTime = 0;

/**
 * The millisecond time of a UUIDv7 as the runtime writes them (36 characters, lower-case time, version
 * 7), or undefined for any other id. Only what the time needs is checked: the rest of an id is never
 * interpreted, and blocks store ids JSON-escaped.
 */
export function uuidv7Time(guid: string): number | undefined {
  if (guid.length !== 36 || guid.charCodeAt(14) !== 0x37) return undefined;
  if (lastPrefix !== '' && guid.startsWith(lastPrefix)) return lastTime;
  const prefix = guid.slice(0, 14);
  if (!TIME_PREFIX.test(prefix)) return undefined;
  lastPrefix = prefix;
  lastTime = Number.parseInt(guid.slice(0, 8) + guid.slice(9, 13), 16);
  return lastTime;
}

/** Whether `e` can be stored in a block: see the module comment for what plain means. */
export function isPlain(e: MplEntry): boolean {
  if (
    e.status !== 'COMPLETED' ||
    e.correlationId !== e.messageGuid ||
    e.error !== undefined ||
    e.applicationMessageId !== undefined ||
    e.applicationMessageType !== undefined ||
    e.customHeaderProperties.length > 0 ||
    !Number.isSafeInteger(e.logStart) ||
    !Number.isSafeInteger(e.logEnd)
  ) {
    return false;
  }
  const time = uuidv7Time(e.messageGuid);
  return time !== undefined && Math.abs(e.logStart - time) <= GUID_SLACK_MS;
}

/** What `details` holds: only the lists that are not empty. */
export interface Details {
  receivers?: MplEntry['receivers'];
  steps?: MplEntry['steps'];
  customHeaderProperties?: MplEntry['customHeaderProperties'];
  attachments?: MplEntry['attachments'];
}

/** The entry's steps, receivers, custom headers and attachments as JSON; null when all are empty. */
export function detailsJson(e: MplEntry): string | null {
  const { receivers, steps, customHeaderProperties, attachments } = e;
  if (receivers.length + steps.length + customHeaderProperties.length + attachments.length === 0) return null;
  const details: Details = {};
  if (receivers.length > 0) details.receivers = receivers;
  if (steps.length > 0) details.steps = steps;
  if (customHeaderProperties.length > 0) details.customHeaderProperties = customHeaderProperties;
  if (attachments.length > 0) details.attachments = attachments;
  return JSON.stringify(details);
}

/** The lists `detailsJson` stored (as JSON text, or parsed), each empty when it was left out. */
export function detailLists(
  details: string | Details | null | undefined,
): Pick<MplEntry, 'receivers' | 'steps' | 'customHeaderProperties' | 'attachments'> {
  const d: Details = typeof details === 'string' ? JSON.parse(details) : (details ?? {});
  return {
    receivers: d.receivers ?? [],
    steps: d.steps ?? [],
    customHeaderProperties: d.customHeaderProperties ?? [],
    attachments: d.attachments ?? [],
  };
}

/**
 * One block being filled. It keeps each entry's parts (its id, times and details JSON, all flat strings
 * or numbers) and builds the JSON at `close`: an element built per entry would be a rope of a dozen
 * pieces, and under load hundreds of blocks' worth of them wait for their commit, which every
 * collection of the young generation would copy piece by piece. Joined at the end rather than
 * appended to one string, which would be a rope of hundreds of pieces for SQLite to flatten.
 */
class OpenBlock {
  readonly flowId: string;
  readonly sender: string;
  readonly logLevel: MplEntry['logLevel'];
  firstStart: number;
  lastStart: number;
  readonly #guids: string[] = [];
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];
  readonly #details: Array<string | null> = [];

  constructor(e: MplEntry) {
    this.flowId = e.flowId;
    this.sender = e.sender;
    this.logLevel = e.logLevel;
    this.firstStart = this.lastStart = e.logStart;
  }

  holds(e: MplEntry): boolean {
    return e.flowId === this.flowId && e.sender === this.sender && e.logLevel === this.logLevel;
  }

  /** Whether `e` fits without stretching the block beyond BLOCK_SPAN_MS or BLOCK_MAX_ENTRIES. */
  fits(e: MplEntry): boolean {
    return (
      this.#guids.length < BLOCK_MAX_ENTRIES &&
      Math.max(this.lastStart, e.logStart) - Math.min(this.firstStart, e.logStart) <= BLOCK_SPAN_MS
    );
  }

  add(e: MplEntry, details: string | null): void {
    this.#guids.push(e.messageGuid);
    this.#starts.push(e.logStart);
    this.#ends.push(e.logEnd);
    this.#details.push(details);
    if (e.logStart < this.firstStart) this.firstStart = e.logStart;
    if (e.logStart > this.lastStart) this.lastStart = e.logStart;
  }

  /** The entries as JSON: `[[guid,start,end,details?],...]`. */
  #json(): string {
    const elements = new Array<string>(this.#guids.length);
    for (let i = 0; i < elements.length; i++) {
      const details = this.#details[i];
      elements[i] =
        `[${JSON.stringify(this.#guids[i])},${this.#starts[i]},${this.#ends[i]}${details === null ? '' : `,${details}`}]`;
    }
    return `[${elements.join(',')}]`;
  }

  close(): MplBlock {
    return {
      flowId: this.flowId,
      status: 'COMPLETED',
      logLevel: this.logLevel,
      sender: this.sender,
      firstStart: this.firstStart,
      lastStart: this.lastStart,
      count: this.#guids.length,
      entries: this.#json(),
    };
  }
}

/**
 * Gathers plain entries into blocks, one open block per flow, sender and level. `add` hands back a
 * block that is full (or whose time span an entry would stretch), to be stored now; `close` hands back
 * the rest, to be stored before the transaction commits.
 */
export class BlockBuilder {
  #open: OpenBlock[] = [];
  /** The block the last entry went to: a busy flow's entries come in runs. */
  #last?: OpenBlock;

  /** Adds a plain entry (check with `isPlain` first); returns a block that is complete, if one is. */
  add(e: MplEntry): MplBlock | undefined {
    const details = detailsJson(e);
    let block = this.#last?.holds(e) ? this.#last : this.#open.find((b) => b.holds(e));
    let complete: MplBlock | undefined;
    if (block !== undefined && !block.fits(e)) {
      complete = block.close();
      this.#open.splice(this.#open.indexOf(block), 1);
      block = undefined;
    }
    if (block === undefined) {
      block = new OpenBlock(e);
      this.#open.push(block);
    }
    block.add(e, details);
    this.#last = block;
    return complete;
  }

  /** The blocks still open, which the builder forgets. */
  close(): MplBlock[] {
    const blocks = this.#open.map((b) => b.close());
    this.clear();
    return blocks;
  }

  /** Forgets the open blocks (their transaction was rolled back). */
  clear(): void {
    this.#open = [];
    this.#last = undefined;
  }
}
