import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname } from 'node:path';
import { P99_GOAL, type Scenario } from './scenarios.ts';
import type { WrkResult } from './wrk.ts';

export interface ScenarioResult {
  scenario: Scenario;
  baseline: WrkResult;
  causeway: WrkResult;
}

export interface MemoryResult {
  idleRssMb: number;
  streamPeakRssMb: number;
  streamedBytes: number;
  echoedBytes: number;
  streamSeconds: number;
  abortedReason?: string;
}

export const IDLE_RSS_GOAL_MB = 80;
export const STREAM_PEAK_GOAL_MB = 200;

/** One row of bench/results/latest.json. */
export interface ResultRow {
  scenario: string;
  unit: string;
  value: number;
  baseline: string;
  baselineValue: number;
  ratio: number;
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));
const mark = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

export function throughputOk(r: ScenarioResult): boolean {
  return r.causeway.requestsPerSecond / r.baseline.requestsPerSecond >= r.scenario.throughputGoal;
}

export function latencyOk(r: ScenarioResult): boolean {
  return r.causeway.p99 / r.baseline.p99 <= P99_GOAL;
}

export function memoryOk(m: MemoryResult): { idle: boolean; stream: boolean } {
  return {
    idle: m.idleRssMb < IDLE_RSS_GOAL_MB,
    stream: m.streamPeakRssMb < STREAM_PEAK_GOAL_MB && m.echoedBytes === m.streamedBytes && !m.abortedReason,
  };
}

export function machine(): string {
  return `${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? 'unknown model'}), Node ${process.version}`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export function formatScenarios(results: ScenarioResult[]): string {
  const ms = (n: number) => n.toFixed(2);
  const header = [
    'scenario',
    'bare req/s',
    'causeway req/s',
    'ratio',
    'goal',
    'bare p50/p99 ms',
    'causeway p50/p99 ms',
    'p99 ratio',
    'goal',
  ];
  const rows = results.map((r) => [
    r.scenario.name,
    r.baseline.requestsPerSecond.toFixed(0),
    r.causeway.requestsPerSecond.toFixed(0),
    (r.causeway.requestsPerSecond / r.baseline.requestsPerSecond).toFixed(2),
    `>= ${r.scenario.throughputGoal} ${mark(throughputOk(r))}`,
    `${ms(r.baseline.p50)} / ${ms(r.baseline.p99)}`,
    `${ms(r.causeway.p50)} / ${ms(r.causeway.p99)}`,
    (r.causeway.p99 / r.baseline.p99).toFixed(2),
    `<= ${P99_GOAL} ${mark(latencyOk(r))}`,
  ]);
  return table([header, ...rows]);
}

export function formatMemory(m: MemoryResult): string {
  const ok = memoryOk(m);
  const bytes =
    m.echoedBytes === m.streamedBytes
      ? 'all bytes echoed'
      : `ECHOED ${m.echoedBytes} of ${m.streamedBytes} bytes`;
  return [
    `idle RSS after start-up + 5 s: ${m.idleRssMb.toFixed(1)} MB (goal < ${IDLE_RSS_GOAL_MB}) ${mark(ok.idle)}`,
    `1 GiB streamed through echo:   peak RSS ${m.streamPeakRssMb.toFixed(1)} MB (goal < ${STREAM_PEAK_GOAL_MB}), ` +
      `${bytes}, ${m.streamSeconds.toFixed(1)} s ${mark(ok.stream)}` +
      (m.abortedReason ? ` (aborted: ${m.abortedReason})` : ''),
  ].join('\n');
}

export function rows(results: ScenarioResult[], memory: MemoryResult | undefined): ResultRow[] {
  const out: ResultRow[] = [];
  for (const r of results) {
    const name = r.scenario.name;
    const rps = [r.causeway.requestsPerSecond, r.baseline.requestsPerSecond];
    out.push({
      scenario: name,
      unit: 'req/s',
      value: round(rps[0], 0),
      baseline: 'bare-node',
      baselineValue: round(rps[1], 0),
      ratio: round(rps[0] / rps[1], 3),
    });
    out.push({
      scenario: name,
      unit: 'ms p99',
      value: round(r.causeway.p99),
      baseline: 'bare-node',
      baselineValue: round(r.baseline.p99),
      ratio: round(r.causeway.p99 / r.baseline.p99, 3),
    });
  }
  if (memory) {
    // Memory has no bare-node counterpart: the baseline is the goal, so a ratio below 1 meets it.
    out.push({
      scenario: 'idle-rss',
      unit: 'MB',
      value: round(memory.idleRssMb, 1),
      baseline: 'goal',
      baselineValue: IDLE_RSS_GOAL_MB,
      ratio: round(memory.idleRssMb / IDLE_RSS_GOAL_MB, 3),
    });
    out.push({
      scenario: 'stream-1gib-peak-rss',
      unit: 'MB',
      value: round(memory.streamPeakRssMb, 1),
      baseline: 'goal',
      baselineValue: STREAM_PEAK_GOAL_MB,
      ratio: round(memory.streamPeakRssMb / STREAM_PEAK_GOAL_MB, 3),
    });
  }
  return out;
}

/** Writes the rows, keeping rows of scenarios this run did not measure (e.g. with --scenario echo). */
export function writeResults(file: string, fresh: ResultRow[]): void {
  const key = (r: ResultRow) => `${r.scenario}\u0000${r.unit}`;
  const previous: ResultRow[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
  const replaced = new Set(fresh.map((r) => r.scenario));
  const merged = [...previous.filter((r) => !replaced.has(r.scenario)), ...fresh];
  const order = ['echo', 'transform', 'proxy', 'idle-rss', 'stream-1gib-peak-rss'];
  merged.sort(
    (a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario) || key(a).localeCompare(key(b)),
  );
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
}
