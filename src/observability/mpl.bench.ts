/**
 * Micro-benchmark of MplWriter, each run on a fresh store:
 * - burst: `entries` written 1000 per event-loop turn, more than the store takes (throughput);
 * - steady: 10 000 entries/s for `seconds`, written every millisecond as a busy runtime finishing
 *   messages would; reports the event-loop delay the message path would see;
 * - steady, no writer: the same loop into nothing, the benchmark's own share of the figures;
 * - steady, plain (and no writer): entries as an echo flow leaves them, which go into blocks.
 * Each reports the CPU per entry of the main thread (process.threadCpuUsage) and of the whole process
 * (process.cpuUsage: all threads), the max / p99 event-loop delay (monitorEventLoopDelay, 1 ms
 * resolution) and the writer's longest turn. Run: ./node_modules/.bin/node src/observability/mpl.bench.ts
 * [entries] [seconds].
 *
 * Recorded (Node 24.21, 2 vCPU AMD EPYC shared with other benchmarks, load average 1.7-2: noisy), three
 * alternating runs each, steady 10k/s, process CPU per entry with the no-writer loop (~5.5 µs) subtracted:
 *   worker thread + postMessage (before)    23-25 µs  (main thread 3-4 µs), event-loop delay max 24-42 ms
 *   main thread, 1 ms slices (now)          13-14 µs  (all of it on the main thread), max 4-27 ms
 * Burst: 32-36k entries/s before, 40-47k now. The event-loop delay of the bare loop is itself up to
 * 5-12 ms max on that machine (preemption); the writer's turns are bounded by construction: a 1 ms insert
 * slice, a commit of at most 200 entries (median 0.2-0.4 ms) or a checkpoint copy (median 0.3-0.7 ms).
 * Later (Node 24.21, 2 vCPU Xeon, same subtraction): entries with their own rows about 15 µs, plain
 * entries in blocks about 4.5 µs (commits, checkpoint fsyncs and the writer's turns, shared by fewer
 * entries at higher rates).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { uuidv7 } from '../engine/ids.ts';
import { sampleEntry } from './mpl.fixtures.ts';
import type { MplEntry } from './mpl.types.ts';
import { MplWriter } from './mpl.writer.ts';

const TOTAL = Number(process.argv[2] ?? 100_000);
const SECONDS = Number(process.argv[3] ?? 5);
const PER_TICK = 1000;
const STEADY_RATE = 10_000;

/**
 * Built as it is written, as the runtime does (entries kept up front would be old-generation garbage the
 * collector has to mark, which the runtime does not have); one in four carries a custom header. The
 * cost of building is measured alone and reported, so the writer's share is the difference.
 */
const entry = (n: number): MplEntry => sampleEntry(n, n % 4 === 0 ? {} : { customHeaderProperties: [] });
/** A plain entry as an echo flow's message leaves it (mpl.block.ts): stored in a block. */
const plain = (): MplEntry => {
  const now = Date.now();
  const id = uuidv7(now);
  return {
    messageGuid: id,
    correlationId: id,
    flowId: 'bench-echo',
    status: 'COMPLETED',
    logLevel: 'INFO',
    logStart: now,
    logEnd: now,
    sender: 'https',
    receivers: [],
    steps: [],
    customHeaderProperties: [],
    attachments: [],
  };
};

function buildCost(): string {
  const sink: MplEntry[] = [];
  const before = process.threadCpuUsage();
  for (let n = 0; n < TOTAL; n++) {
    sink.push(entry(n));
    if (sink.length === 500) sink.length = 0;
  }
  const used = process.threadCpuUsage(before);
  return ((used.user + used.system) / TOTAL).toFixed(1);
}

interface Sink {
  write(entry: MplEntry): void;
}

/** The same loops into an array that is dropped: the share of the figures that is the benchmark's own. */
const noWriter: Sink = {
  write(entry) {
    discard.push(entry);
    if (discard.length === 500) discard = [];
  },
};
let discard: MplEntry[] = [];

async function measure(name: string, produce: (writer: Sink) => Promise<number>, real = true): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cw-mpl-bench-'));
  try {
    const writer = real ? new MplWriter({ dataDir: dir }) : undefined;
    await writer?.flush();
    const delay = monitorEventLoopDelay({ resolution: 1 });
    const thread = process.threadCpuUsage();
    const all = process.cpuUsage();
    const started = performance.now();
    delay.enable();
    const count = await produce(writer ?? noWriter);
    await writer?.close();
    delay.disable();
    const seconds = (performance.now() - started) / 1000;
    const perEntry = (u: NodeJS.CpuUsage) => ((u.user + u.system) / count).toFixed(1);
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    console.log(
      `${name.padEnd(24)} ${count} entries  ${Math.round(count / seconds).toLocaleString('en')} entries/s  ` +
        `CPU/entry main ${perEntry(process.threadCpuUsage(thread))} µs, process ${perEntry(process.cpuUsage(all))} µs  ` +
        `event-loop delay max ${ms(delay.max)} ms, p99 ${ms(delay.percentile(99))} ms` +
        (writer ? `; writer's longest turn ${writer.stats.longestTurnMs.toFixed(2)} ms` : ''),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `node ${process.version}, ${cpus()[0]?.model} x${cpus().length}; building an entry: ${buildCost()} µs CPU`,
);
const burst = async (writer: Sink) => {
  for (let i = 0; i < TOTAL; i += PER_TICK) {
    for (let k = i; k < Math.min(i + PER_TICK, TOTAL); k++) writer.write(entry(k));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return TOTAL;
};
const steadyOf = (make: (n: number) => MplEntry) => async (writer: Sink) => {
  const total = STEADY_RATE * SECONDS;
  const started = performance.now();
  let written = 0;
  while (written < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * STEADY_RATE) / 1000));
    for (; written < due; written++) writer.write(make(written));
    await sleep(1);
  }
  return total;
};
await measure('burst', burst);
await measure('steady', steadyOf(entry));
await measure('steady, no writer', steadyOf(entry), false);
await measure('steady, plain', steadyOf(plain));
await measure('steady, plain, no writer', steadyOf(plain), false);
