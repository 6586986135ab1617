import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/**
 * Where a text body is cut: at line breaks (`\n` or `\r\n`; blank lines carry no record and are
 * skipped) or at a token (every piece kept, even an empty one, except after a final token).
 */
export type TextSeparator = { lines: true } | { token: string };

/** Splits text held in memory, `grouping` pieces per part, joined again by their separator. */
export function splitText(text: string, separator: TextSeparator, grouping: number): string[] {
  const pieces = 'lines' in separator ? text.split('\n') : text.split(separator.token);
  const parts: string[] = [];
  let group: string[] = [];
  pieces.forEach((raw, i) => {
    const piece = keep(raw, separator, i === pieces.length - 1);
    if (piece === undefined) return;
    group.push(piece);
    if (group.length === grouping) {
      parts.push(join(group, separator));
      group = [];
    }
  });
  if (group.length > 0) parts.push(join(group, separator));
  return parts;
}

/**
 * Splits a streamed body as it arrives, holding only the current piece and group in memory: a
 * file of millions of lines is processed with constant memory.
 */
export async function* splitStream(
  stream: Readable,
  separator: TextSeparator,
  grouping: number,
): AsyncGenerator<string> {
  const cut = 'lines' in separator ? '\n' : separator.token;
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let group: string[] = [];
  const add = (raw: string, last: boolean): string | undefined => {
    const piece = keep(raw, separator, last);
    if (piece === undefined) return undefined;
    group.push(piece);
    if (group.length < grouping) return undefined;
    const part = join(group, separator);
    group = [];
    return part;
  };
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    let start = 0;
    for (let at = pending.indexOf(cut); at >= 0; at = pending.indexOf(cut, start)) {
      const part = add(pending.slice(start, at), false);
      if (part !== undefined) yield part;
      start = at + cut.length;
    }
    pending = pending.slice(start);
  }
  pending += decoder.end();
  const part = add(pending, true);
  if (part !== undefined) yield part;
  if (group.length > 0) yield join(group, separator);
}

/** The piece to keep, or undefined to skip it. */
function keep(raw: string, separator: TextSeparator, last: boolean): string | undefined {
  if ('lines' in separator) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    return line.trim() === '' ? undefined : line;
  }
  return last && raw === '' ? undefined : raw;
}

function join(group: string[], separator: TextSeparator): string {
  return group.join('lines' in separator ? '\n' : separator.token);
}
