import type { MplEntry, MplSummary } from './mpl.types.ts';

/** Plain-text views of message logs for `causeway logs`: a table of summaries and one entry in detail. */

const ERROR_WIDTH = 60;

/** `2024-05-01 10:00:00.123` in UTC: sortable, and the same on every machine reading the same store. */
export function formatTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}

export function formatTable(entries: readonly MplSummary[]): string {
  const rows = entries.map((e) => [
    formatTime(e.logStart),
    e.status,
    e.flowId,
    String(e.logEnd - e.logStart),
    // In full: UUIDv7 ids share their first characters for a minute, and `--id` takes what is shown.
    e.messageGuid,
    oneLine(e.error ?? '', ERROR_WIDTH),
  ]);
  const header = ['TIME (UTC)', 'STATUS', 'FLOW', 'MS', 'MESSAGE', 'ERROR'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export function formatDetail(e: MplEntry): string {
  const out: string[] = [];
  const field = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') out.push(`${name.padEnd(14)}${value}`);
  };
  field('Message', e.messageGuid);
  field('Correlation', e.correlationId);
  field('Flow', e.flowId);
  field('Status', `${e.status} (log level ${e.logLevel})`);
  field('Start', formatTime(e.logStart));
  field('End', `${formatTime(e.logEnd)} (${e.logEnd - e.logStart} ms)`);
  field('Sender', e.sender);
  field('App. message', e.applicationMessageId);
  field('Message type', e.applicationMessageType);
  field('Error', e.error);

  section(out, 'Steps', e.steps, (s) => {
    const lines = [`+${s.startedAt - e.logStart} ms  ${s.durationMs} ms  ${s.kind}  ${s.step}`];
    if (s.error !== undefined) lines.push(`  error: ${s.error}`);
    if (s.payload !== undefined) lines.push('  payload:', indent(s.payload, '    '));
    return lines;
  });
  section(out, 'Receivers', e.receivers, (r) => {
    const status = r.status === undefined ? '' : `  HTTP ${r.status}`;
    const lines = [`${r.receiver}  ${r.adapter}  ${r.url ?? ''}${status}  ${r.durationMs} ms`];
    if (r.error !== undefined) lines.push(`  error: ${r.error}`);
    return lines;
  });
  section(out, 'Custom headers', e.customHeaderProperties, ([name, value]) => [`${name} = ${value}`]);
  section(out, 'Attachments', e.attachments, (a) => [
    `${a.name} (${a.contentType}, ${a.content.length} chars)`,
    indent(a.content, '  '),
  ]);
  return out.join('\n') + '\n';
}

function section<T>(out: string[], title: string, items: readonly T[], render: (item: T) => string[]): void {
  if (items.length === 0) return;
  out.push('', `${title}:`);
  for (const item of items)
    for (const line of render(item).flatMap((l) => l.split('\n'))) out.push(`  ${line}`);
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

/** Errors can be long stack-like texts; a table row shows the start of the first line. */
function oneLine(text: string, width: number): string {
  const first = text.split('\n', 1)[0];
  return first.length <= width ? first : `${first.slice(0, width - 1)}…`;
}
