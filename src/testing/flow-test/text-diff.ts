import { diff } from 'node:util';

/** Unchanged lines kept around each change; longer unchanged runs collapse to `…`. */
const CONTEXT = 3;

/** Text as compared by `body:`: trimmed, with Windows line endings made plain. */
export function normalizeText(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim();
}

/**
 * A line diff of expected and actual text, for a failed `body:` check: `- ` lines are expected,
 * `+ ` lines are what the flow produced;
 * within a change the expected lines come first. Single-line texts also get the column where they part.
 */
export function lineDiff(expected: string, actual: string): string[] {
  const want = expected.split('\n');
  const got = actual.split('\n');
  const out = ['- expected', '+ actual'];
  if (want.length === 1 && got.length === 1) {
    out.push(
      `- ${want[0]}`,
      `+ ${got[0]}`,
      `  (first difference at character ${firstDifference(want[0], got[0]) + 1})`,
    );
    return out;
  }
  // util.diff marks lines only in its first argument with 1 and only in its second with -1.
  const ops = diff(got, want);
  const changed = ops.map(([op]) => op !== 0);
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    out.push(...removed.map((l) => `- ${l}`), ...added.map((l) => `+ ${l}`));
    removed = [];
    added = [];
  };
  ops.forEach(([op, line], i) => {
    if (op === 1) added.push(line);
    else if (op === -1) removed.push(line);
    else {
      flush();
      if (near(changed, i)) out.push(`  ${line}`);
      else if (out.at(-1) !== '  …') out.push('  …');
    }
  });
  flush();
  return out;
}

function near(changed: boolean[], index: number): boolean {
  for (let d = -CONTEXT; d <= CONTEXT; d++) if (changed[index + d]) return true;
  return false;
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
