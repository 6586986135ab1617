import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { uuidv7 } from '../engine/ids.ts';
import {
  BLOCK_MAX_ENTRIES,
  BLOCK_SPAN_MS,
  BlockBuilder,
  GUID_SLACK_MS,
  isPlain,
  type MplBlock,
  uuidv7Time,
} from './mpl.block.ts';
import { plainEntry, sampleEntry } from './mpl.fixtures.ts';

describe('uuidv7Time', () => {
  test('reads the millisecond time of a UUIDv7, as the runtime makes them', () => {
    const now = Date.now();
    assert.equal(uuidv7Time(uuidv7(now)), now);
  });

  test('is undefined for other ids: another version, upper case, wrong shape', () => {
    for (const id of [
      '0000000a-cafe-4000-8000-000000000010',
      uuidv7().toUpperCase(),
      `${uuidv7()}x`,
      'not-a-uuid',
      '',
    ])
      assert.equal(uuidv7Time(id), undefined, id);
  });
});

describe('isPlain', () => {
  test('a COMPLETED entry correlated by itself, without error, application ids or custom headers', () => {
    assert.equal(isPlain(plainEntry(1)), true);
    assert.equal(isPlain(plainEntry(1, { steps: [], receivers: [] })), true, 'details may be empty');
  });

  test('anything else needs a row of its own', () => {
    const cases: Array<[string, Partial<ReturnType<typeof plainEntry>>]> = [
      ['failed', { status: 'FAILED' }],
      ['still processing', { status: 'PROCESSING' }],
      ['with an error', { error: 'x' }],
      ['correlated to another message', { correlationId: 'corr-1' }],
      ['with an application id', { applicationMessageId: 'A-1' }],
      ['with an application message type', { applicationMessageType: 'Order' }],
      ['with custom headers', { customHeaderProperties: [['orderId', '1']] }],
      ['with a start far from its id', { logStart: plainEntry(1).logStart + GUID_SLACK_MS + 1 }],
      ['with a fractional time', { logEnd: plainEntry(1).logEnd + 0.5 }],
    ];
    for (const [name, overrides] of cases) assert.equal(isPlain(plainEntry(1, overrides)), false, name);
    assert.equal(isPlain(sampleEntry(1)), false, 'an id that is no UUIDv7');
  });
});

describe('BlockBuilder', () => {
  const entriesOf = (b: MplBlock) => JSON.parse(b.entries) as unknown[][];

  test('one block per flow, sender and level, with the span of its starts', () => {
    const builder = new BlockBuilder();
    for (let n = 0; n < 6; n++) {
      const full = builder.add(plainEntry(n, n % 2 === 0 ? {} : { flowId: 'billing' }));
      assert.equal(full, undefined);
    }
    const blocks = builder.close();
    assert.deepEqual(
      blocks.map((b) => [b.flowId, b.count, b.firstStart, b.lastStart]),
      [
        ['order-intake', 3, plainEntry(0).logStart, plainEntry(4).logStart],
        ['billing', 3, plainEntry(1).logStart, plainEntry(5).logStart],
      ],
    );
    assert.deepEqual(builder.close(), [], 'close forgets the blocks');
  });

  test('entries keep their ids, times and details, in order', () => {
    const builder = new BlockBuilder();
    const withDetails = plainEntry(1);
    const without = plainEntry(2, { steps: [], receivers: [] });
    builder.add(withDetails);
    builder.add(without);
    const [block] = builder.close();
    assert.deepEqual(entriesOf(block), [
      [
        withDetails.messageGuid,
        withDetails.logStart,
        withDetails.logEnd,
        { receivers: withDetails.receivers, steps: withDetails.steps },
      ],
      [without.messageGuid, without.logStart, without.logEnd],
    ]);
  });

  test('a block is complete when the next entry would stretch its span or its size', () => {
    const builder = new BlockBuilder();
    const first = plainEntry(0);
    assert.equal(builder.add(first), undefined);
    assert.equal(builder.add(plainEntry(1, { logStart: first.logStart + BLOCK_SPAN_MS })), undefined);
    const stretched = builder.add(plainEntry(2, { logStart: first.logStart + BLOCK_SPAN_MS + 1 }));
    assert.equal(stretched?.count, 2, 'the block before the entry that would stretch it');
    // An entry that started earlier stretches it too.
    assert.equal(builder.add(plainEntry(3, { logStart: first.logStart }))?.count, 1);
    assert.equal(builder.close().length, 1);

    const complete: MplBlock[] = [];
    for (let n = 0; n <= BLOCK_MAX_ENTRIES; n++) {
      const full = builder.add(plainEntry(n, { logStart: first.logStart }));
      if (full) complete.push(full);
    }
    assert.deepEqual(
      complete.map((b) => b.count),
      [BLOCK_MAX_ENTRIES],
    );
    assert.equal(builder.close()[0].count, 1);
  });

  test('clear forgets open blocks (their transaction rolled back)', () => {
    const builder = new BlockBuilder();
    builder.add(plainEntry(1));
    builder.clear();
    assert.deepEqual(builder.close(), []);
  });
});
