import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname } from 'node:path';
import { P99_GOAL, type Scenario } from './scenarios.ts';
import type { WrkResult } from './wrk.ts';

/** A wrk run and the server's CPU time per request during it (user + system, all its threads). */
export interface Measurement extends WrkResult {
  cpuUsPerRequest: number;
}

export interface ScenarioResult {
  scenario: Scenario;
  baseline: Measurement;
  causeway: Measurement;
  /** Node-RED on the same scenario, with `--peer nodered`. */
  peer?: Measurement;
  /** Causeway's req/s over bare node's in each round, when there were several. */
  roundRatios?: number[];
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

/**
 * Each round's req/s ratio (the two sides measured back to back) and their median. The headline keeps
 * each side's best round; on a noisy host the paired median shows how far that pairing moved the ratio.
 */
export function formatRounds(ratios: number[]): string {
  const sorted = [...ratios].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return `round ratios ${ratios.map((r) => r.toFixed(2)).join(' ')} (median ${median.toFixed(2)})`;
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
    'CPU µs/req bare/causeway',
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
    `${r.baseline.cpuUsPerRequest.toFixed(0)} / ${r.causeway.cpuUsPerRequest.toFixed(0)}`,
  ]);
  return table([header, ...rows]);
}

/** Causeway against Node-RED: no goal, the ratio says how much faster (above 1) or slower Causeway is. */
export function formatPeer(results: ScenarioResult[]): string {
  const header = [
    'scenario',
    'causeway req/s',
    'node-red req/s',
    'ratio',
    'causeway p99 ms',
    'node-red p99 ms',
    'p99 ratio',
    'CPU µs/req causeway/node-red',
  ];
  const rows = results.flatMap(({ scenario, causeway: c, peer: p }) =>
    p
      ? [
          [
            scenario.name,
            c.requestsPerSecond.toFixed(0),
            p.requestsPerSecond.toFixed(0),
            (c.requestsPerSecond / p.requestsPerSecond).toFixed(2),
            c.p99.toFixed(2),
            p.p99.toFixed(2),
            (c.p99 / p.p99).toFixed(2),
            `${c.cpuUsPerRequest.toFixed(0)} / ${p.cpuUsPerRequest.toFixed(0)}`,
          ],
        ]
      : [],
  );
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

function row(
  scenario: string,
  unit: string,
  value: number,
  baseline: string,
  baselineValue: number,
): ResultRow {
  const digits = unit === 'req/s' || unit.startsWith('µs') ? 0 : 2;
  return {
    scenario,
    unit,
    value: round(value, digits),
    baseline,
    baselineValue: round(baselineValue, digits),
    ratio: round(value / baselineValue, 3),
  };
}

export function rows(results: ScenarioResult[], memory: MemoryResult | undefined): ResultRow[] {
  const out: ResultRow[] = [];
  for (const { scenario, causeway: c, baseline: b, peer: p } of results) {
    out.push(row(scenario.name, 'req/s', c.requestsPerSecond, 'bare-node', b.requestsPerSecond));
    out.push(row(scenario.name, 'ms p99', c.p99, 'bare-node', b.p99));
    out.push(row(scenario.name, 'µs CPU/req', c.cpuUsPerRequest, 'bare-node', b.cpuUsPerRequest));
    if (!p) continue;
    out.push(row(scenario.name, 'req/s', c.requestsPerSecond, 'nodered', p.requestsPerSecond));
    out.push(row(scenario.name, 'ms p99', c.p99, 'nodered', p.p99));
    out.push(row(scenario.name, 'µs CPU/req', c.cpuUsPerRequest, 'nodered', p.cpuUsPerRequest));
  }
  if (memory) {
    // Memory has no bare-node counterpart: the baseline is the goal, so a ratio below 1 meets it.
    out.push(row('idle-rss', 'MB', memory.idleRssMb, 'goal', IDLE_RSS_GOAL_MB));
    out.push(row('stream-1gib-peak-rss', 'MB', memory.streamPeakRssMb, 'goal', STREAM_PEAK_GOAL_MB));
  }
  return out;
}

/**
 * Writes the rows, keeping rows this run did not measure: other scenarios (e.g. with --scenario echo),
 * and the Node-RED rows of a run without --peer.
 */
export function writeResults(file: string, fresh: ResultRow[]): void {
  const previous: ResultRow[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
  const key = (r: ResultRow) => `${r.scenario} ${r.baseline}`;
  const replaced = new Set(fresh.map(key));
  const merged = [...previous.filter((r) => !replaced.has(key(r))), ...fresh];
  const scenarios = ['echo', 'transform', 'proxy', 'idle-rss', 'stream-1gib-peak-rss'];
  const baselines = ['bare-node', 'nodered', 'goal'];
  const units = ['req/s', 'ms p99', 'µs CPU/req', 'MB'];
  merged.sort(
    (a, b) =>
      scenarios.indexOf(a.scenario) - scenarios.indexOf(b.scenario) ||
      baselines.indexOf(a.baseline) - baselines.indexOf(b.baseline) ||
      units.indexOf(a.unit) - units.indexOf(b.unit),
  );
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
}
