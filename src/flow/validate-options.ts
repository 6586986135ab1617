import type { TSchema } from '@sinclair/typebox';
import type { Path } from './path.ts';
import { schemaErrors, withDefaults } from './schema-check.ts';

export interface OptionProblem {
  path: Path;
  message: string;
  hint?: string;
  /** Point at the key rather than the value (unknown options). */
  key?: boolean;
}

/**
 * Checks `value` against an option schema and fills in defaults. Problems come back with paths
 * relative to `base` and messages written for people, not for the validator.
 */
export function validateOptions(
  schema: TSchema,
  value: unknown,
  base: Path,
): { value: unknown; problems: OptionProblem[] } {
  const filled = withDefaults(schema, structuredClone(value ?? {}));
  const problems: OptionProblem[] = [];
  const seen = new Set<string>();
  for (const error of schemaErrors(schema, filled)) {
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    // A union reports its member errors too; the union's own message is the useful one.
    if ([...seen].some((p) => p !== error.path && error.path.startsWith(`${p}/`))) continue;
    const segments = error.path
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const path = [...base, ...segments];
    const last = segments.at(-1);
    // A list item is named by the path (`codes[1]`); its index is no option name.
    const name = typeof last === 'number' ? '' : String(last ?? '');
    if (error.kind === 'unknown') {
      const parent = schemaAt(schema, segments.slice(0, -1));
      const known = Object.keys(parent?.properties ?? {});
      const close = closest(name, known);
      problems.push({
        path,
        key: true,
        message: `unknown option '${name}'`,
        hint: close
          ? `Did you mean '${close}'? Valid options: ${known.join(', ')}`
          : `Valid options: ${known.join(', ') || 'none'}`,
      });
    } else if (error.kind === 'required') {
      problems.push({
        path: path.slice(0, -1),
        message: `missing required option '${name}'`,
        hint: describe(error.schema),
      });
    } else if (error.kind === 'union') {
      const literals = literalValues(error.schema);
      problems.push({
        path,
        message: literals
          ? `'${String(error.value)}' is not one of ${literals.map((l) => `'${l}'`).join(', ')}`
          : `${JSON.stringify(error.value)} does not match any allowed form`,
        hint: literals ? literalHint(String(error.value), literals, error.schema) : describe(error.schema),
      });
    } else {
      problems.push({
        path,
        message: `${name ? `'${name}': ` : ''}${lower(error.message)}, got ${show(error.value)}`,
        hint:
          describe(error.schema) ??
          // An item without a description of its own is described by its list.
          (typeof last === 'number' ? describe(schemaAt(schema, segments.slice(0, -1))) : undefined) ??
          (error.schema.type === 'object' ? MAP_HINT : undefined),
      });
    }
  }
  return { value: filled, problems };
}

function schemaAt(schema: TSchema, segments: Array<string | number>): TSchema | undefined {
  let current: TSchema | undefined = schema;
  for (const segment of segments) {
    if (!current) return undefined;
    if (typeof segment === 'number') current = current.items;
    else
      current =
        current.properties?.[segment] ??
        current.patternProperties?.[Object.keys(current.patternProperties ?? {})[0]];
  }
  return current;
}

function literalValues(schema: TSchema): string[] | undefined {
  const members = schema.anyOf as TSchema[] | undefined;
  if (!members?.every((m) => m.const !== undefined)) return undefined;
  return members.map((m) => String(m.const));
}

/** A step's or adapter's options written as a scalar or a list (`- end: yes`). */
const MAP_HINT = 'Write a map: "key: value" lines indented under it, or { key: value }; {} for an empty one.';

/**
 * A misspelt value gets the nearest allowed one, and the option's description says what each means
 * (the message already lists the allowed values).
 */
function literalHint(value: string, literals: string[], schema: TSchema): string | undefined {
  const close = closest(value, literals);
  const description = describe(schema);
  if (!close) return description;
  return description ? `Did you mean '${close}'? ${description}` : `Did you mean '${close}'?`;
}

function describe(schema: TSchema | undefined): string | undefined {
  return typeof schema?.description === 'string' ? schema.description : undefined;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function lower(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** The known name nearest to `name` (edit distance ≤ 3), for "did you mean" hints. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const candidate of known) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}
