import { spawn, spawnSync } from 'node:child_process';
import { pinned, track } from './children.ts';

export interface WrkResult {
  requestsPerSecond: number;
  requests: number;
  /** Latency percentiles in milliseconds, from `--latency`. */
  p50: number;
  p75: number;
  p90: number;
  p99: number;
  /** Answers that were not 2xx/3xx, and socket errors: any of these makes the figure meaningless. */
  non2xx: number;
  socketErrors: number;
}

export interface WrkRun {
  url: string;
  durationS: number;
  connections: number;
  cpu: number;
  script: string;
  /** The request body, handed to post.lua in BENCH_BODY. */
  body: string;
}

export const WRK_MISSING =
  'wrk is not installed (or not on PATH). The bench uses it as the load generator.\n' +
  'Install it:  apt-get install -y wrk   (Debian/Ubuntu; macOS: brew install wrk)';

export function wrkAvailable(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

/** Runs `wrk -t1 -cN -dS -s post.lua --latency URL` pinned to `cpu` and parses what it prints. */
export function runWrk(run: WrkRun): Promise<WrkResult> {
  const args = ['-t1', `-c${run.connections}`, `-d${run.durationS}s`, '-s', run.script, '--latency', run.url];
  const [cmd, argv] = pinned(run.cpu, 'wrk', args);
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, argv, {
      env: { ...process.env, BENCH_BODY: run.body },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    track(proc);
    let out = '';
    proc.stdout.on('data', (c: Buffer) => {
      out += c;
    });
    proc.stderr.on('data', (c: Buffer) => {
      out += c;
    });
    proc.once('error', reject);
    proc.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited with code ${code}:\n${out}`));
      try {
        resolve(parseWrk(out));
      } catch (error) {
        reject(error);
      }
    });
  });
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function latencyMs(text: string, percentile: string): number {
  const match = new RegExp(`^\\s*${percentile}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(text);
  if (!match)
    throw new Error(`wrk output has no ${percentile}% latency line (was --latency passed?):\n${text}`);
  return Number(match[1]) * UNIT_MS[match[2]];
}

/** Parses wrk 4's report; throws when a figure the bench needs is missing rather than guessing. */
export function parseWrk(text: string): WrkResult {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(text);
  const total = /^\s*(\d+) requests in /m.exec(text);
  if (!rps || !total) throw new Error(`wrk output has no Requests/sec line:\n${text}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    requestsPerSecond: Number(rps[1]),
    requests: Number(total[1]),
    p50: latencyMs(text, '50'),
    p75: latencyMs(text, '75'),
    p90: latencyMs(text, '90'),
    p99: latencyMs(text, '99'),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}
