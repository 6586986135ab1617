// `npm run bench`: Causeway's message path against bare node:http, in the same run, on this machine.
// Server under test on CPU 0, wrk (and the proxy backend) on CPU 1. See docs/benchmarks.md.
// With `--peer nodered`, Node-RED 5 runs the same scenarios in the same run, pinned the same way.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  atExit,
  type Child,
  canPin,
  freePorts,
  killAll,
  StartError,
  sleep,
  start,
  waitForPort,
} from './lib/children.ts';
import { GIB, streamThrough } from './lib/memory.ts';
import { ensureNodered, noderedCommand } from './lib/nodered.ts';
import { post } from './lib/probe.ts';
import { cpuSeconds, executable, rssMb } from './lib/proc.ts';
import * as report from './lib/report.ts';
import { BENCH_DIR, PAYLOAD, SCENARIOS, type Scenario } from './lib/scenarios.ts';
import { runWrk, WRK_MISSING, type WrkResult, wrkAvailable } from './lib/wrk.ts';

const USAGE = `Usage: npm run bench -- [--duration 10] [--connections 32] [--warmup 3] [--rounds 1]
                        [--scenario echo|transform|proxy|memory] [--no-memory] [--strict]
                        [--peer nodered]
  --duration S      seconds of each measured wrk run (default 10)
  --connections N   wrk connections (default 32)
  --warmup S        seconds of the unmeasured wrk run against each server first (default 3)
  --rounds N        measure baseline and Causeway N times, alternating; keep each side's best (default 1)
  --scenario NAME   run one scenario only (memory = idle RSS and the 1 GiB stream)
  --no-memory       skip the memory measurements
  --strict          exit 1 when a goal is missed (default: report it, exit 0)
  --peer nodered    also measure Node-RED 5 (installed on first use into ~/.cache/causeway-bench)`;

const ROOT = join(BENCH_DIR, '..');
const NODE = process.execPath;
const SERVER_CPU = 0;
const LOAD_CPU = 1;

function options() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '32' },
      warmup: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '1' },
      scenario: { type: 'string' },
      'no-memory': { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      peer: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const names = [...SCENARIOS.map((s) => s.name), 'memory'];
  if (values.scenario !== undefined && !names.includes(values.scenario)) {
    throw new Error(`--scenario must be one of ${names.join(', ')}, got '${values.scenario}'`);
  }
  if (values.peer !== undefined && values.peer !== 'nodered') {
    throw new Error(`--peer must be 'nodered' (the one peer the bench knows), got '${values.peer}'`);
  }
  const positive = (name: string, value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`--${name} must be a whole number ≥ 1, got '${value}'`);
    return n;
  };
  return {
    durationS: positive('duration', values.duration),
    connections: positive('connections', values.connections),
    warmupS: positive('warmup', values.warmup),
    rounds: positive('rounds', values.rounds),
    scenarios: SCENARIOS.filter((s) => values.scenario === undefined || values.scenario === s.name),
    memory: values.scenario === 'memory' || (values.scenario === undefined && !values['no-memory']),
    strict: values.strict,
    peer: values.peer === 'nodered',
  };
}

type Options = ReturnType<typeof options>;

/** Where Node-RED's red.js is, once installed; undefined without --peer. */
let noderedJs: string | undefined;

/**
 * Starts `causeway run bench/flows` with a fresh data directory (so earlier message logs weigh nothing),
 * through bin/causeway.mjs as users start it: that entry turns on Node's compile cache.
 */
function startCauseway(port: number, backendPort: number): Child {
  const data = mkdtempSync(join(tmpdir(), 'causeway-bench-'));
  const args = ['bin/causeway.mjs', 'run', 'bench/flows', '--port', String(port), '--data', data];
  const child = start('causeway', SERVER_CPU, NODE, [...args, '--param', `backendPort=${backendPort}`], {
    cwd: ROOT,
  });
  const remove = () => rmSync(data, { recursive: true, force: true });
  child.proc.once('exit', remove);
  atExit(remove);
  return child;
}

/**
 * Waits for the port, then checks one answer. `settleMs` allows a server that listens before its flows
 * are deployed (Node-RED) to answer wrongly for that long before the answer counts.
 */
async function ready(
  child: Child,
  port: number,
  scenario?: Scenario,
  path = '/',
  settleMs = 0,
): Promise<void> {
  await waitForPort(child, port, settleMs > 0 ? 60_000 : undefined);
  if (!scenario) return;
  const deadline = Date.now() + settleMs;
  for (;;) {
    const answer = await post(`http://127.0.0.1:${port}${path}`, PAYLOAD);
    try {
      scenario.check(answer);
      return;
    } catch (error) {
      if (Date.now() < deadline) {
        await sleep(250);
        continue;
      }
      throw new StartError(
        `${child.name} does not do the ${scenario.name} scenario: ${(error as Error).message}\n` +
          `--- answer ${answer.status} ---\n${answer.body.slice(0, 2000)}\n--- server output ---\n${child.output()}`,
      );
    }
  }
}

function wrkRun(url: string, o: Options, durationS: number): Promise<WrkResult> {
  const script = join(BENCH_DIR, 'post.lua');
  return runWrk({ url, connections: o.connections, cpu: LOAD_CPU, script, body: PAYLOAD, durationS });
}

/** One measured wrk run, with the CPU time the server used for it. */
async function measured(url: string, server: Child, o: Options): Promise<report.Measurement> {
  const cpuBefore = cpuSeconds(server.pid);
  const result = await wrkRun(url, o, o.durationS);
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  if (result.non2xx > 0 || result.socketErrors > 0) {
    throw new Error(
      `${url}: ${result.non2xx} non-2xx answers and ${result.socketErrors} socket errors under load`,
    );
  }
  return { ...result, cpuUsPerRequest: (cpu * 1e6) / result.requests };
}

/** The run with the most requests/s: on a shared machine the best run is the one least disturbed. */
const best = (runs: report.Measurement[]) =>
  runs.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));

/**
 * Both servers are started (idle ones cost nothing), warmed up, then measured one after the other,
 * `rounds` times alternating, so that a disturbance from outside hits both sides alike.
 */
async function measure(s: Scenario, ports: number[], o: Options): Promise<report.ScenarioResult> {
  const [serverPort, causewayPort, backendPort, peerPort] = ports;
  const started: Child[] = [];
  try {
    if (s.needsBackend) {
      const backend = start('backend', LOAD_CPU, NODE, [
        join(BENCH_DIR, 'baseline/backend.ts'),
        String(backendPort),
      ]);
      started.push(backend);
      await waitForPort(backend, backendPort);
    }
    const baselineArgs = [join(BENCH_DIR, 'baseline', s.baseline), String(serverPort), String(backendPort)];
    const bare = start(`bare ${s.name}`, SERVER_CPU, NODE, baselineArgs);
    const causeway = startCauseway(causewayPort, backendPort);
    started.push(bare, causeway);
    await ready(bare, serverPort, s);
    await ready(causeway, causewayPort, s, s.path);
    let peer: Child | undefined;
    if (noderedJs) {
      const { args, env } = noderedCommand(noderedJs, peerPort, backendPort);
      peer = start(`Node-RED ${s.name}`, SERVER_CPU, NODE, args, { env });
      started.push(peer);
      await ready(peer, peerPort, s, `/${s.name}`, 10_000);
    }
    const peerUrl = `http://127.0.0.1:${peerPort}/${s.name}`;

    const bareUrl = `http://127.0.0.1:${serverPort}/`;
    const causewayUrl = `http://127.0.0.1:${causewayPort}${s.path}`;
    await wrkRun(bareUrl, o, o.warmupS);
    await wrkRun(causewayUrl, o, o.warmupS);
    if (peer) await wrkRun(peerUrl, o, o.warmupS);
    const bareRuns: report.Measurement[] = [];
    const causewayRuns: report.Measurement[] = [];
    const peerRuns: report.Measurement[] = [];
    for (let round = 0; round < o.rounds; round++) {
      bareRuns.push(await measured(bareUrl, bare, o));
      causewayRuns.push(await measured(causewayUrl, causeway, o));
      if (peer) peerRuns.push(await measured(peerUrl, peer, o));
    }
    const roundRatios =
      o.rounds > 1
        ? bareRuns.map((b, i) => causewayRuns[i].requestsPerSecond / b.requestsPerSecond)
        : undefined;
    const result = { scenario: s, baseline: best(bareRuns), causeway: best(causewayRuns), roundRatios };
    return peer ? { ...result, peer: best(peerRuns) } : result;
  } finally {
    for (const child of started.reverse()) await child.stop();
  }
}

/**
 * Idle memory is measured as users see it from the second start on: the first start after an install
 * or an update fills the compile cache (see docs/user-guide.md) and holds the TypeScript compiler too.
 * Causeway writes the cache when it exits on SIGTERM, which it handles once it has started.
 */
async function warmCompileCache(port: number, backendPort: number): Promise<void> {
  const causeway = startCauseway(port, backendPort);
  const deadline = Date.now() + 20_000;
  while (!causeway.output().includes('Causeway is serving on')) {
    if (causeway.exited() || Date.now() > deadline)
      throw new StartError(`causeway did not start:\n${causeway.output()}`);
    await sleep(50);
  }
  await causeway.stop();
}

async function memory(port: number, backendPort: number): Promise<report.MemoryResult> {
  await warmCompileCache(port, backendPort);
  const causeway = startCauseway(port, backendPort);
  await ready(causeway, port);
  const exe = executable(causeway.pid);
  if (basename(exe) !== 'node')
    throw new Error(`pid ${causeway.pid} runs ${exe}, not node: its RSS is not Causeway's`);
  await sleep(5000);
  const idleRssMb = rssMb(causeway.pid);
  const stream = await streamThrough({
    url: `http://127.0.0.1:${port}/http/echo`,
    pid: causeway.pid,
    bytes: GIB,
    abortAboveMb: 2048,
  });
  await causeway.stop();
  if (stream.status !== 200 && !stream.abortedReason) {
    throw new Error(`streaming 1 GiB through /http/echo answered ${stream.status}\n${causeway.output()}`);
  }
  return {
    idleRssMb,
    streamPeakRssMb: stream.peakRssMb,
    streamedBytes: stream.sentBytes,
    echoedBytes: stream.receivedBytes,
    streamSeconds: stream.seconds,
    abortedReason: stream.abortedReason,
  };
}

async function main(): Promise<number> {
  if (!wrkAvailable()) {
    console.error(WRK_MISSING);
    return 1;
  }
  const o = options();
  if (!canPin) console.warn('warning: fewer than 2 CPUs or no taskset: server and wrk are not pinned');
  console.log(`machine: ${report.machine()}`);
  const rounds = o.rounds > 1 ? `, best of ${o.rounds} alternating rounds` : '';
  console.log(
    `wrk -t1 -c${o.connections} -d${o.durationS}s after a ${o.warmupS} s warm-up${rounds}; ` +
      `server on CPU ${SERVER_CPU}, wrk and backend on CPU ${LOAD_CPU}`,
  );
  const load = loadavg()[0];
  if (load > 0.5)
    console.log(`note: load average ${load.toFixed(1)} before start: other work may disturb the figures`);
  if (o.peer && o.scenarios.length > 0) {
    const nodered = ensureNodered((line) => console.log(line));
    noderedJs = nodered.redJs;
    console.log(`peer: Node-RED ${nodered.version} (${nodered.redJs}), on CPU ${SERVER_CPU} like the others`);
  }
  console.log();
  const ports = await freePorts(4);
  const results: report.ScenarioResult[] = [];
  for (const s of o.scenarios) {
    process.stdout.write(
      `${s.name}: measuring bare node, then Causeway${o.peer ? ', then Node-RED' : ''} ... `,
    );
    const r = await measure(s, ports, o);
    results.push(r);
    const peer = r.peer ? ` vs ${r.peer.requestsPerSecond.toFixed(0)}` : '';
    const rounds = r.roundRatios ? `; ${report.formatRounds(r.roundRatios)}` : '';
    console.log(
      `${r.baseline.requestsPerSecond.toFixed(0)} vs ${r.causeway.requestsPerSecond.toFixed(0)}${peer} req/s${rounds}`,
    );
  }
  let mem: report.MemoryResult | undefined;
  if (o.memory) {
    process.stdout.write('memory: idle RSS, then 1 GiB through the echo flow ... ');
    mem = await memory(ports[1], ports[2]);
    console.log('done');
  }
  console.log();
  if (results.length > 0) console.log(`${report.formatScenarios(results)}\n`);
  if (results.some((r) => r.peer)) console.log(`${report.formatPeer(results)}\n`);
  if (mem) console.log(`${report.formatMemory(mem)}\n`);
  const file = join(BENCH_DIR, 'results/latest.json');
  report.writeResults(file, report.rows(results, mem));
  console.log(`results written to ${file}`);
  const missed =
    results.some((r) => !report.throughputOk(r) || !report.latencyOk(r)) ||
    (mem !== undefined && Object.values(report.memoryOk(mem)).includes(false));
  if (missed) console.log('at least one goal was missed (see FAIL above)');
  return missed && o.strict ? 1 : 0;
}

main().then(
  (code) => {
    killAll();
    process.exit(code);
  },
  (error: Error) => {
    killAll();
    console.error(`\nbench failed: ${error.message}`);
    process.exit(1);
  },
);
