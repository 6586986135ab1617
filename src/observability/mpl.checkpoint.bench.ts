/**
 * How long a checkpoint's copy holds the event loop, by what was written since the last one: plain
 * entries (in blocks, with a transform flow's two steps) and entries with rows of their own, committed
 * as the writer does (1 500 plain entries or 300 rows a transaction). The copy runs on the main thread
 * (mpl.checkpoint.ts), so this sets MplWriter's CHECKPOINT_WORK. Run:
 * ./node_modules/.bin/node src/observability/mpl.checkpoint.bench.ts
 *
 * Recorded (Node 24.21, 2 vCPU AMD EPYC, pinned with taskset -c 0), median of 8 copies:
 *   15 000 plain 4.6 ms (max 11.9)   3 000 plain 0.9 ms   2 500 rows 1.8 ms   1 000 rows 0.8 ms
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlockBuilder } from './mpl.block.ts';
import { plainEntry, sampleEntry } from './mpl.fixtures.ts';
import { MplStore } from './mpl.store.ts';
import type { MplEntry } from './mpl.types.ts';

const COPIES = 8;
const TRANSFORM_STEPS: MplEntry['steps'] = [
  { step: 'Mark processed', kind: 'contentModifier', startedAt: 1_795_328_347_778, durationMs: 0.117 },
  { step: 'Summarise order', kind: 'script', startedAt: 1_795_328_347_778, durationMs: 0.292 },
];

function copyTimes(rows: boolean, perCopy: number): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'cw-checkpoint-bench-'));
  const store = new MplStore(dir, { checkpoints: 'manual', busyTimeoutMs: 0 });
  try {
    const times: number[] = [];
    let n = 0;
    for (let copy = 0; copy < COPIES; copy++) {
      for (let left = perCopy; left > 0; ) {
        const size = Math.min(left, rows ? 300 : 1500);
        const blocks = new BlockBuilder();
        store.begin();
        for (let i = 0; i < size; i++, n++) {
          if (rows) store.insert(sampleEntry(n));
          else {
            const full = blocks.add(plainEntry(n, { steps: TRANSFORM_STEPS, receivers: [] }));
            if (full) store.insertBlock(full);
          }
        }
        for (const block of blocks.close()) store.insertBlock(block);
        store.commit();
        left -= size;
      }
      const started = performance.now();
      store.checkpointWithoutSync();
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const [rows, perCopy] of [
  [false, 15_000],
  [false, 3000],
  [true, 2500],
  [true, 1000],
] as const) {
  const times = copyTimes(rows, perCopy);
  console.log(
    `${String(perCopy).padStart(6)} ${rows ? 'rows ' : 'plain'}  copy median ${times[COPIES / 2].toFixed(2)} ms, ` +
      `max ${times[COPIES - 1].toFixed(2)} ms`,
  );
}
