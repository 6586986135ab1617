/**
 * Micro-benchmark: µs per call of the bench transform script (bench/flows/transform.yaml) through
 * compileScript with a time limit, without one, and through a per-call `runInContext({ timeout })`
 * (the former way of limiting a call, kept here as the baseline); then what a script pays per global
 * lookup and per array element. Not a test.
 * Run: ./node_modules/.bin/node src/steps/script/script.bench.ts [calls]
 *
 * Recorded (Node 24.21, 2 vCPU AMD EPYC, load average 3-8 from parallel builds: noisy), 20k calls, 5 runs:
 *   per-call vm timeout (the former limit)   170-490 µs/call (a watchdog thread started per call)
 *   compileScript, limit 5000 (guarded)      2.2-6.3 µs/call
 *   compileScript, timeoutMs 0 (no checks)   2.1-3.6 µs/call
 *   tight loop, guarded vs unguarded         ~3.0 vs ~1.4 ns/iteration
 * So ~100x cheaper per call than the vm timeout; the checks add ~1.5 ns per loop iteration.
 *
 * Recorded later (same machine, 2 runs), a script under a limit:
 *   Math.max in a loop, ordinary global         9 ns/iteration
 *   Math.max in a loop, contextified sandbox    280-290 ns/iteration (each global lookup is an interceptor)
 *   for…of over body JSON, script's realm       9-14 ns/item
 *   for…of over body JSON, host's realm         18-30 ns/item (a cross-realm array leaves V8's fast path)
 * Unguarded, outside compileScript, for…of is ~2-3.5 against ~30 ns/item; spread ~1 against ~40.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import vm from 'node:vm';
import { Exchange } from '../../engine/exchange.ts';
import { ScriptMessage } from './script.message.ts';
import { compileScript } from './script.runner.ts';

const CALLS = Number(process.argv[2] ?? 20_000);
const payload = readFileSync(new URL('../../../bench/payload.json', import.meta.url), 'utf8');
const code = `function processData(message) {
  const order = message.getBody('json');
  let total = 0;
  for (const item of order.items) total += item.qty * item.price;
  message.setBody({ orderId: order.id, customer: order.customer.toUpperCase(), total });
  message.setHeader('Content-Type', 'application/json');
  return message;
}`;

type Call = (exchange: Exchange) => unknown;

function viaCompileScript(timeoutMs: number, source = code): Call {
  return compileScript({
    code: source,
    language: 'javascript',
    fileName: 'bench.js',
    entry: 'processData',
    timeoutMs,
    step: 'bench',
  });
}

/** The former limit: every call goes through vm.Script.runInContext with a timeout (a watchdog thread). */
function viaVmTimeout(timeoutMs: number): Call {
  const context = vm.createContext({});
  new vm.Script(code, { filename: 'bench.js' }).runInContext(context);
  const invoke = new vm.Script('processData(globalThis.__message)');
  return (exchange) => {
    context.__message = new ScriptMessage(exchange);
    return invoke.runInContext(context, { timeout: timeoutMs });
  };
}

function measure(name: string, call: Call): void {
  const run = (n: number) => {
    const exchanges = Array.from({ length: n }, () => new Exchange({ body: payload }));
    const started = performance.now();
    for (const exchange of exchanges) call(exchange);
    return (performance.now() - started) / n;
  };
  run(Math.min(CALLS, 2000)); // warm up: let V8 optimise before timing
  const perCall = Math.min(run(CALLS), run(CALLS)) * 1000;
  console.log(`${name.padEnd(42)} ${perCall.toFixed(2).padStart(8)} µs/call`);
}

console.log(`${CALLS} calls; node ${process.version}, ${cpus()[0]?.model} x${cpus().length}`);
measure('per-call vm timeout (limit 5000)', viaVmTimeout(5000));
measure('compileScript (limit 5000)', viaCompileScript(5000));
measure('compileScript (timeoutMs: 0, no limit)', viaCompileScript(0));

// The check's own cost: a tight loop, in ns per iteration.
const loop = `function processData(m) { let s = 0; for (let i = 0; i < 1e7; i++) s += i % 7; m.setHeader('s', s); return m; }`;
for (const timeoutMs of [5000, 0]) {
  const call = viaCompileScript(timeoutMs, loop);
  call(new Exchange());
  const started = performance.now();
  for (let n = 0; n < 5; n++) call(new Exchange());
  const perIteration = ((performance.now() - started) / 5 / 1e7) * 1e6;
  console.log(
    `tight loop, timeoutMs ${timeoutMs}`.padEnd(42),
    `${perIteration.toFixed(2).padStart(8)} ns/iteration`,
  );
}

// A global lookup: scripts get an ordinary global object; a contextified sandbox (the former context)
// answers each lookup through an interceptor.
const builtins =
  'function processData(m) { let s = 0; for (let i = 0; i < 1e6; i++) s += Math.max(i, 3); m.setHeader("s", s); return m; }';
const sandbox = vm.createContext({});
new vm.Script(builtins).runInContext(sandbox);
const inSandbox = (exchange: Exchange) => sandbox.processData(new ScriptMessage(exchange));
for (const [name, call] of [
  ['Math.max in a loop, ordinary global', viaCompileScript(5000, builtins)],
  ['Math.max in a loop, contextified sandbox', inSandbox],
] as const) {
  call(new Exchange());
  const started = performance.now();
  for (let n = 0; n < 3; n++) call(new Exchange());
  console.log(
    name.padEnd(42),
    `${(((performance.now() - started) / 3 / 1e6) * 1e6).toFixed(2).padStart(8)} ns/iteration`,
  );
}

// An array in the body, parsed by the script (its realm's prototypes) or by a host step before it;
// parsed once before the timed calls, which only loop over it.
const ITEMS = 1000;
const order = JSON.stringify({
  items: Array.from({ length: ITEMS }, (_, i) => ({ qty: i % 5, price: 1.5 })),
});
const sum = viaCompileScript(
  5000,
  `function processData(m) {
    const items = m.getBody('json').items;
    if (m.getHeader('parseOnly')) return m;
    let t = 0;
    for (const item of items) t += item.qty * item.price;
    m.setHeader('t', t);
    return m;
  }`,
);
for (const [name, parsedByHost] of [
  ["for…of over body JSON, script's realm", false],
  ["for…of over body JSON, host's realm", true],
] as const) {
  const exchange = new Exchange({ body: order, headers: { parseOnly: true } });
  if (parsedByHost) exchange.message.body.json();
  else sum(exchange);
  exchange.message.headers.delete('parseOnly');
  for (let n = 0; n < 500; n++) sum(exchange);
  const started = performance.now();
  for (let n = 0; n < 2000; n++) sum(exchange);
  const perItem = ((performance.now() - started) / 2000 / ITEMS) * 1e6;
  console.log(name.padEnd(42), `${perItem.toFixed(2).padStart(8)} ns/item`);
}
