import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { availableParallelism } from 'node:os';

/** A process the bench started: its output is kept so that a failure can show why. */
export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  output(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Registers a process to be killed when the bench exits or is interrupted. */
export function track(proc: ChildProcess): void {
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
}
const OUTPUT_KEEP = 16_384;

/** Pinning needs taskset and two CPUs; without them the bench still runs, unpinned, and says so. */
export const canPin = availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;

/** The command line with `taskset -c cpu` in front when pinning is possible. taskset execs, so the pid stays. */
export function pinned(cpu: number, command: string, args: string[]): [string, string[]] {
  return canPin ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

export function start(
  name: string,
  cpu: number,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Child {
  const [cmd, argv] = pinned(cpu, command, args);
  const proc = spawn(cmd, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEEP);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  let done = false;
  const closed = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.once('exit', () => {
    done = true;
  });
  track(proc);
  proc.once('error', (err) => keep(Buffer.from(`\n${err.message}\n`)));
  const child: Child = {
    name,
    proc,
    pid: proc.pid ?? -1,
    output: () => output,
    exited: () => done,
    async stop() {
      if (done) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await closed;
      clearTimeout(timer);
    },
  };
  return child;
}

const cleanups: (() => void)[] = [];

/** Work to do after the children are gone (removing their temporary data), also on Ctrl-C. */
export function atExit(cleanup: () => void): void {
  cleanups.push(cleanup);
}

/** Kills whatever is still running; called on exit, Ctrl-C and failures so no server outlives the bench. */
export function killAll(): void {
  for (const proc of running) proc.kill('SIGKILL');
  running.clear();
  for (const cleanup of cleanups.splice(0)) cleanup();
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the servers the bench started\n`);
    killAll();
    process.exit(130);
  });
}

/** A server that did not come up: the message carries its output so the cause is visible. */
export class StartError extends Error {
  override name = 'StartError';
}

/** Resolves once the port accepts a TCP connection; fails early if the child exits first. */
export async function waitForPort(child: Child, port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exited()) {
      throw new StartError(
        `${child.name} exited before listening on port ${port} (exit code ${child.proc.exitCode}).\n` +
          `--- its output ---\n${child.output() || '(none)'}`,
      );
    }
    if (await accepts(port)) return;
    if (Date.now() > deadline) {
      throw new StartError(
        `${child.name} did not accept connections on port ${port} within ${timeoutMs / 1000} s.\n` +
          `--- its output ---\n${child.output() || '(none)'}`,
      );
    }
    await sleep(50);
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Distinct free ports, picked at start by letting the kernel choose and keeping all open until done. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
