#!/usr/bin/env node
// Starts the CLI on Node 24, which runs TypeScript directly. An older `node` on PATH re-executes
// with the project's pinned Node (the `node` devDependency) so `npx causeway` works anywhere.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'src', 'cli', 'main.ts');
const major = Number(process.versions.node.split('.')[0]);
if (major >= 24) {
  await import(main);
} else {
  const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned)) {
    process.stderr.write(
      `causeway needs Node.js 24 or newer (this is ${process.version}); run npm install first.\n`,
    );
    process.exit(1);
  }
  const result = spawnSync(pinned, [main, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
