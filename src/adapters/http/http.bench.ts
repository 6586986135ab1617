// Micro-benchmark of one HTTP receiver call (not a test): the receiver against the raw clients it could
// be built on, each POSTing the bench payload to a keep-alive backend in a child process, so the CPU
// measured with process.cpuUsage() is the calling side's only.
// Run: taskset -c 0 node src/adapters/http/http.bench.ts [--calls 20000] [--rounds 2] [--only name,name]
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http, { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { Exchange } from '../../engine/exchange.ts';
import { createReceiver } from './context.fixture.ts';
import { httpReceiver } from './http.spec.ts';

type Call = () => Promise<unknown>;
interface Variant {
  name: string;
  setup: (origin: string) => Promise<{ call: Call; close: () => Promise<unknown> }>;
}

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '2' },
    only: { type: 'string' },
  },
});
const CALLS = Number(args.calls);
const CONCURRENCY = 32;
const payload = Buffer.from(JSON.stringify(JSON.parse(readFileSync('bench/payload.json', 'utf8'))));
const jsonType = { 'content-type': 'application/json' };

/** The proxy scenario's backend: small JSON with a Content-Length, in its own process. */
const BACKEND = `
const body = JSON.stringify({ status: 'ok', items: [{ id: 1, name: 'alpha' }, { id: 2, name: 'beta' }] });
const server = require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;

async function startBackend(): Promise<{ origin: string; stop: () => void }> {
  // On CPU 1 when taskset exists, so that `taskset -c 0` on this process leaves CPU 0 to the caller.
  const pinned = spawnSync('taskset', ['-c', '1', 'true']).status === 0;
  const command = pinned ? ['taskset', '-c', '1', process.execPath] : [process.execPath];
  const child = spawn(command[0], [...command.slice(1), '-e', BACKEND], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (d) => resolve(String(d).trim())),
  );
  return { origin: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

function receiverVariant(name: string, body: () => unknown): Variant {
  return {
    name,
    setup: async (origin) => {
      const { receiver } = createReceiver(httpReceiver, { address: `${origin}/` });
      const call = async () => {
        const exchange = new Exchange({ body: body(), headers: jsonType });
        await receiver.call(exchange, 'request-reply');
        return exchange.message.body.buffer();
      };
      return { call, close: async () => receiver.close?.() };
    },
  };
}

const socket = new Socket();
/** A body as the HTTPS sender passes it on: the request stream, its length announced. */
function incoming(): IncomingMessage {
  const message = new IncomingMessage(socket);
  message.headers = { 'content-length': String(payload.length) };
  message.push(payload);
  message.push(null);
  return message;
}

/** The raw clients, imported lazily so a run without them does not load undici. */
const variants: Variant[] = [
  receiverVariant('receiver', () => payload),
  receiverVariant('receiver (streamed body)', () => Readable.from([payload])),
  receiverVariant('receiver (HTTP request body)', () => incoming()),
  {
    name: 'undici Pool.request',
    setup: async (origin) => {
      const { Pool } = await import('undici');
      const pool = new Pool(origin);
      const call = async () => {
        const res = await pool.request({ path: '/', method: 'POST', headers: jsonType, body: payload });
        return Buffer.from(await res.body.arrayBuffer());
      };
      return { call, close: () => pool.close() };
    },
  },
  {
    name: 'undici Pool.dispatch',
    setup: async (origin) => {
      const { Pool } = await import('undici');
      const pool = new Pool(origin);
      return { call: () => dispatchCall(pool), close: () => pool.close() };
    },
  },
  {
    name: 'undici Client ×32, pipelining 1',
    setup: async (origin) => {
      const { Client } = await import('undici');
      const clients = Array.from({ length: CONCURRENCY }, () => ({
        client: new Client(origin, { pipelining: 1 }),
        busy: 0,
      }));
      const call = async () => {
        let pick = clients[0];
        for (const c of clients) if (c.busy < pick.busy) pick = c;
        pick.busy++;
        try {
          return await dispatchCall(pick.client);
        } finally {
          pick.busy--;
        }
      };
      return { call, close: () => Promise.all(clients.map((c) => c.client.close())) };
    },
  },
  {
    name: 'node:http Agent lifo',
    setup: async (origin) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 64, scheduling: 'lifo' });
      const { hostname, port } = new URL(origin);
      const options = { hostname, port, path: '/', method: 'POST', agent, headers: jsonType };
      const call = () =>
        new Promise<Buffer>((resolve, reject) => {
          const req = http.request(options, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(Buffer.concat(chunks)));
            res.on('error', reject);
          });
          req.on('error', reject);
          req.end(payload);
        });
      return { call, close: async () => agent.destroy() };
    },
  },
];

/** undici's low-level handler API: no Readable body, no promise per chunk. */
function dispatchCall(dispatcher: import('undici').Dispatcher): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    dispatcher.dispatch(
      { path: '/', method: 'POST', headers: jsonType, body: payload },
      {
        onConnect: () => {},
        onHeaders: () => true,
        onData: (chunk) => chunks.push(chunk) > 0,
        onComplete: () => resolve(Buffer.concat(chunks)),
        onError: reject,
      },
    );
  });
}

async function measure(call: Call, concurrency: number): Promise<{ cpuUs: number; perSec: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let left = CALLS;
  const worker = async () => {
    while (left-- > 0) await call();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1000;
  return { cpuUs: (used.user + used.system) / CALLS, perSec: CALLS / seconds };
}

const backend = await startBackend();
const chosen = args.only ? variants.filter((v) => args.only?.split(',').includes(v.name)) : variants;
const best = new Map<
  string,
  { seq: { cpuUs: number; perSec: number }; par: { cpuUs: number; perSec: number } }
>();
try {
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const variant of chosen) {
      const { call, close } = await variant.setup(backend.origin);
      const check = String(await call());
      if (!check.includes('"status":"ok"')) throw new Error(`${variant.name} answered ${check}`);
      await measure(call, CONCURRENCY); // warm-up
      const seq = await measure(call, 1);
      const par = await measure(call, CONCURRENCY);
      await close();
      const prev = best.get(variant.name);
      best.set(variant.name, {
        seq: prev && prev.seq.cpuUs < seq.cpuUs ? prev.seq : seq,
        par: prev && prev.par.cpuUs < par.cpuUs ? prev.par : par,
      });
    }
  }
} finally {
  backend.stop();
}
console.log(`${CALLS} calls per run, best of ${args.rounds} rounds; CPU is this process (user+system)`);
console.log('variant                            seq µs/call  seq calls/s   c32 µs/call  c32 calls/s');
for (const [name, { seq, par }] of best) {
  const f = (n: number, w: number) => n.toFixed(1).padStart(w);
  console.log(
    `${name.padEnd(34)} ${f(seq.cpuUs, 11)} ${f(seq.perSec, 12)} ${f(par.cpuUs, 13)} ${f(par.perSec, 12)}`,
  );
}
