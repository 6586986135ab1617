// The optional peer of `npm run bench -- --peer nodered`: Node-RED 5, the tool most Node.js users
// would pick for the same flows. Installed once into a cache outside the repo, never a dependency.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR } from './scenarios.ts';

export const NODERED_MAJOR = 5;

/** `$XDG_CACHE_HOME/causeway-bench/nodered` (default `~/.cache/...`): survives runs, outside the repo. */
export function noderedHome(): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'causeway-bench', 'nodered');
}

function installedVersion(home: string): string | undefined {
  const manifest = join(home, 'node_modules', 'node-red', 'package.json');
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/**
 * Installs node-red@5 into the cache on first use (about 20 s) and returns the path of red.js.
 * An install of another major is replaced, so the figures always name the version they measured.
 */
export function ensureNodered(log: (line: string) => void): { redJs: string; version: string } {
  const home = noderedHome();
  let version = installedVersion(home);
  if (version?.split('.')[0] !== String(NODERED_MAJOR)) {
    log(`installing node-red@${NODERED_MAJOR} into ${home} (first use) ...`);
    mkdirSync(home, { recursive: true });
    const manifest = join(home, 'package.json');
    if (!existsSync(manifest)) writeFileSync(manifest, '{ "private": true }\n');
    const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', `node-red@${NODERED_MAJOR}`], {
      cwd: home,
      encoding: 'utf8',
    });
    if (npm.error || npm.status !== 0) {
      throw new Error(
        `npm install node-red@${NODERED_MAJOR} in ${home} failed ` +
          `(${npm.error?.message ?? `exit code ${npm.status}`}).\n${npm.stderr ?? ''}\n` +
          'Check that the npm registry is reachable, or run the bench without --peer.',
      );
    }
    version = installedVersion(home);
    if (!version) throw new Error(`npm install succeeded but ${home}/node_modules/node-red is missing`);
  }
  return { redJs: join(home, 'node_modules', 'node-red', 'red.js'), version };
}

/**
 * Arguments and environment to run Node-RED on `port` with bench/nodered/flows.json. The flow file is
 * copied into a user directory in the cache, since Node-RED writes its own files beside it.
 */
export function noderedCommand(
  redJs: string,
  port: number,
  backendPort: number,
): { args: string[]; env: NodeJS.ProcessEnv } {
  const userDir = join(noderedHome(), 'user');
  mkdirSync(userDir, { recursive: true });
  copyFileSync(join(BENCH_DIR, 'nodered', 'flows.json'), join(userDir, 'flows.json'));
  const settings = join(BENCH_DIR, 'nodered', 'settings.cjs');
  return {
    args: [redJs, '--settings', settings, '--userDir', userDir, '--port', String(port)],
    // flows.json's HTTP request node reads its URL from this variable (`${BENCH_BACKEND_URL}`).
    env: { ...process.env, BENCH_BACKEND_URL: `http://127.0.0.1:${backendPort}/` },
  };
}
