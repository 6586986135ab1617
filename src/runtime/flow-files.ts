import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Flow files are `.yaml`/`.yml`; flow tests sit beside them as `.test.yaml`. */
export function isFlowFile(name: string): boolean {
  return /\.ya?ml$/.test(name) && !/\.test\.ya?ml$/.test(name);
}

export function isFlowTestFile(name: string): boolean {
  return /\.test\.ya?ml$/.test(name);
}

/** The flow (or flow test) files named by `paths`: files as given, folders searched recursively. */
export function findFiles(paths: readonly string[], accept: (name: string) => boolean): string[] {
  const out: string[] = [];
  const visit = (path: string, explicit: boolean) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (entry === 'node_modules' || entry.startsWith('.')) continue;
        visit(join(path, entry), false);
      }
    } else if (explicit || accept(path)) {
      out.push(resolve(path));
    }
  };
  for (const path of paths) visit(path, true);
  return out;
}
