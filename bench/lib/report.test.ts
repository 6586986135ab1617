import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  formatPeer,
  formatRounds,
  type Measurement,
  type ResultRow,
  rows,
  type ScenarioResult,
  writeResults,
} from './report.ts';
import { SCENARIOS } from './scenarios.ts';

const run = (rps: number, p99: number, cpu: number): Measurement => ({
  requestsPerSecond: rps,
  requests: rps * 10,
  p50: p99 / 3,
  p75: p99 / 2,
  p90: p99 / 1.5,
  p99,
  non2xx: 0,
  socketErrors: 0,
  cpuUsPerRequest: cpu,
});

const echo = SCENARIOS[0];
const withPeer: ScenarioResult = {
  scenario: echo,
  baseline: run(40_000, 2, 20),
  causeway: run(20_000, 6, 40),
  peer: run(5_000, 40, 160),
};

test('a peer adds rows with baseline "nodered" and Causeway as the value', () => {
  const out = rows([withPeer], undefined).filter((r) => r.baseline === 'nodered');
  assert.deepEqual(
    out.map((r) => [r.unit, r.value, r.baselineValue, r.ratio]),
    [
      ['req/s', 20_000, 5_000, 4],
      ['ms p99', 6, 40, 0.15],
      ['µs CPU/req', 40, 160, 0.25],
    ],
  );
});

test('without a peer there are no nodered rows and no peer table rows', () => {
  const { peer: _, ...bare } = withPeer;
  assert.equal(
    rows([bare], undefined).some((r) => r.baseline === 'nodered'),
    false,
  );
  assert.equal(formatPeer([bare]).split('\n').length, 2, 'header and rule only');
});

test('the peer table shows the ratio to Node-RED', () => {
  const line = formatPeer([withPeer]).split('\n')[2];
  assert.match(line, /^echo\s+20000\s+5000\s+4\.00\s+6\.00\s+40\.00\s+0\.15\s+40 \/ 160$/);
});

test('a run without --peer keeps the Node-RED rows of an earlier run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  try {
    const file = join(dir, 'latest.json');
    writeResults(file, rows([withPeer], undefined));
    const { peer: _, ...bare } = withPeer;
    writeResults(file, rows([{ ...bare, causeway: run(30_000, 5, 30) }], undefined));
    const saved = JSON.parse(readFileSync(file, 'utf8')) as ResultRow[];
    const rps = saved.filter((r) => r.unit === 'req/s');
    assert.deepEqual(
      rps.map((r) => [r.baseline, r.value]),
      [
        ['bare-node', 30_000],
        ['nodered', 20_000],
      ],
    );
    assert.equal(saved.length, 6);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('round ratios are listed in order with their median', () => {
  assert.equal(formatRounds([0.8, 0.7, 0.9]), 'round ratios 0.80 0.70 0.90 (median 0.80)');
  assert.equal(formatRounds([0.8, 0.7, 0.9, 0.6]), 'round ratios 0.80 0.70 0.90 0.60 (median 0.75)');
});
