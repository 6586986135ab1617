import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';

/** Resident set size of a process in MB (VmRSS from /proc/PID/status, which is in kB). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line (has the process exited?)`);
  return Number(match[1]) / 1024;
}

/** The executable of a process, to make sure the pid measured is node itself and not a wrapper. */
export function executable(pid: number): string {
  return readlinkSync(`/proc/${pid}/exe`);
}

let ticksPerSecond: number | undefined;

/**
 * CPU time (user + system, all threads) a process has used, in seconds. Divided by the requests served
 * it gives CPU per request, which other work on a shared machine disturbs far less than requests/s.
 */
export function cpuSeconds(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
