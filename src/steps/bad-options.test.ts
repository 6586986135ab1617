import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { receiverAdapters, senderAdapters } from '../adapters/index.ts';
import { compileFlow } from '../flow/compiler.ts';
import type { Diagnostic } from '../flow/diagnostic.ts';
import { detachedServices } from '../runtime/detached-services.ts';
import { stepErrors } from '../testing/run-steps.ts';
import { steps } from './index.ts';

// One contract for every step and adapter the registry lists, so that a new one cannot ship
// without it: a bad definition is reported at its line and column, with a hint.

/** The diagnostic at `line:col`, which must say `message` and how to fix it. */
function reportedAt(diagnostics: Diagnostic[], line: number, col: number, message: RegExp, what: string) {
  const found = diagnostics.find((d) => d.line === line && d.col === col && message.test(d.message));
  assert.ok(
    found,
    `${what}: expected ${message} at ${line}:${col}, got ${JSON.stringify(diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`))}`,
  );
  assert.ok(found.hint, `${what}: "${found.message}" has a hint`);
}

describe('every step reports bad options at their place, with a hint', () => {
  for (const spec of steps) {
    it(spec.kind, () => {
      const unknown = `- ${spec.kind}: { noSuchOption: 1 }`;
      reportedAt(
        stepErrors(unknown),
        1,
        unknown.indexOf('noSuchOption') + 1,
        /unknown option 'noSuchOption'/,
        spec.kind,
      );
      const scalar = `- ${spec.kind}: 42`;
      reportedAt(stepErrors(scalar), 1, scalar.indexOf('42') + 1, /expected object, got 42/, spec.kind);
    });
  }
});

describe('every adapter reports bad options at their place, with a hint', () => {
  const load = (text: string) =>
    compileFlow(text, { file: '/flows/f.yaml', services: detachedServices() }).diagnostics;

  for (const spec of senderAdapters) {
    it(`sender ${spec.kind}`, () => {
      const diagnostics = load(`id: f\nsender:\n  adapter: ${spec.kind}\n  noSuchOption: 1\nsteps: []\n`);
      reportedAt(diagnostics, 4, 3, /^sender\.noSuchOption: unknown option 'noSuchOption'/, spec.kind);
    });
  }
  for (const spec of receiverAdapters) {
    it(`receiver ${spec.kind}`, () => {
      const diagnostics = load(
        `id: f\nreceivers:\n  r:\n    adapter: ${spec.kind}\n    noSuchOption: 1\nsteps: []\n`,
      );
      reportedAt(diagnostics, 5, 5, /^receivers\.r\.noSuchOption: unknown option 'noSuchOption'/, spec.kind);
    });
  }
});
