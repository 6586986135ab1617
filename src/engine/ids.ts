import { randomFillSync } from 'node:crypto';

/**
 * Message ids as UUIDv7 (RFC 9562): a millisecond timestamp first, so ids sort by time and the
 * message log's primary key grows at its end instead of splitting pages at random; a counter in the
 * next 12 bits keeps ids from one millisecond in order; the rest is random.
 */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const POOL_SIZE = 8 * 1024;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;
let lastMs = 0;
let counter = 0;
/** `tttttttt-tttt-` of `lastMs`: the time part changes once a millisecond, not with every id. */
let timePrefix = '';

export function uuidv7(now = Date.now()): string {
  if (poolOffset + 8 > POOL_SIZE) {
    // One system call fills random bytes for a thousand ids.
    randomFillSync(pool);
    poolOffset = 0;
  }
  if (now > lastMs) {
    lastMs = now;
    counter = pool[poolOffset] & 0x7f;
    timePrefix = timeHex(lastMs);
  } else {
    counter++;
    if (counter > 0xfff) {
      // More than 4096 ids in one millisecond: borrow the next one, order stays intact.
      lastMs++;
      counter = 0;
      timePrefix = timeHex(lastMs);
    }
  }
  const b = pool;
  const o = poolOffset;
  poolOffset += 8;
  return (
    timePrefix +
    HEX[0x70 | (counter >>> 8)] +
    HEX[counter & 0xff] +
    '-' +
    HEX[0x80 | (b[o] & 0x3f)] +
    HEX[b[o + 1]] +
    '-' +
    HEX[b[o + 2]] +
    HEX[b[o + 3]] +
    HEX[b[o + 4]] +
    HEX[b[o + 5]] +
    HEX[b[o + 6]] +
    HEX[b[o + 7]]
  );
}

/** The 48-bit millisecond timestamp as the first two groups of the UUID, with the dash after each. */
function timeHex(ms: number): string {
  const high = Math.floor(ms / 0x100000000);
  const low = ms >>> 0;
  return `${HEX[(high >>> 8) & 0xff]}${HEX[high & 0xff]}${HEX[low >>> 24]}${HEX[(low >>> 16) & 0xff]}-${HEX[(low >>> 8) & 0xff]}${HEX[low & 0xff]}-`;
}
