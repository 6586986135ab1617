#!/usr/bin/env node
// Starts the CLI on Node 24, which runs TypeScript directly. An older `node` on PATH re-executes
// this file with the project's pinned Node (the `node` devDependency) so `npx causeway` works anywhere.
// Plain JavaScript on purpose: it must run before Node strips the types of the first .ts file.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
if (major >= 24) {
  enableCompileCache();
  await import(join(root, 'src', 'cli', 'main.ts'));
} else {
  const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned)) {
    process.stderr.write(
      `causeway needs Node.js 24 or newer (this is ${process.version}); run npm install first.\n`,
    );
    process.exit(1);
  }
  const { spawnSync } = await import('node:child_process');
  const self = fileURLToPath(import.meta.url);
  const result = spawnSync(pinned, [self, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

/**
 * Node strips the types of a .ts file with a WebAssembly compiler that it loads on first use and that
 * then holds some 25 MB for the life of the process. Node's compile cache keeps the stripped and
 * compiled code on disk, so from the second start on that compiler is not loaded at all and start-up
 * is faster. The cache lives in the user's cache folder, which (unlike the temporary folder) survives
 * a reboot. Node's own NODE_COMPILE_CACHE=dir and NODE_DISABLE_COMPILE_CACHE=1 take precedence.
 */
function enableCompileCache() {
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const { status } = module.enableCompileCache(join(cacheHome, 'causeway', 'compile-cache'));
  // A user without a writable home (a service account, a read-only container) uses Node's default
  // folder in the temporary folder instead.
  if (status === module.constants.compileCacheStatus.FAILED) module.enableCompileCache();
}
