import type { Path } from './path.ts';

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}$/;

export interface UnknownParameter {
  path: Path;
  name: string;
  offset: number;
}

/**
 * Replaces `{{name}}` externalized parameters in every string of a flow (CPI's externalization).
 * A string that is only `{{name}}` takes the parameter's own value and type, so a number parameter
 * fills a number option. Returns the new value and the placeholders with no parameter of that name.
 */
export function substituteParameters(
  value: unknown,
  parameters: ReadonlyMap<string, unknown>,
  path: Path = [],
  unknown: UnknownParameter[] = [],
): { value: unknown; unknown: UnknownParameter[] } {
  return { value: substitute(value, parameters, path, unknown), unknown };
}

function substitute(
  value: unknown,
  parameters: ReadonlyMap<string, unknown>,
  path: Path,
  unknown: UnknownParameter[],
): unknown {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value;
    const whole = WHOLE.exec(value);
    if (whole) {
      if (parameters.has(whole[1])) return parameters.get(whole[1]);
      unknown.push({ path, name: whole[1], offset: 0 });
      return value;
    }
    return value.replace(PLACEHOLDER, (match, name: string, offset: number) => {
      if (parameters.has(name)) return String(parameters.get(name));
      unknown.push({ path, name, offset });
      return match;
    });
  }
  if (Array.isArray(value))
    return value.map((item, i) => substitute(item, parameters, [...path, i], unknown));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      out[key] = substitute(item, parameters, [...path, key], unknown);
    return out;
  }
  return value;
}

/** `--param k=v` values are strings; numbers and booleans are recognised so they fill typed options. */
export function parseParameterValue(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}
