import http from 'node:http';
import { rssMb } from './proc.ts';

export const GIB = 1024 ** 3;
const MB = 1024 * 1024;

export interface StreamResult {
  sentBytes: number;
  receivedBytes: number;
  status: number;
  peakRssMb: number;
  seconds: number;
  /** Set when the bench stopped early because the server's memory ran away. */
  abortedReason?: string;
}

export interface StreamRun {
  url: string;
  pid: number;
  bytes: number;
  /** Stop sending when the server's RSS passes this, to protect the machine from a buffering server. */
  abortAboveMb: number;
}

/**
 * POSTs `bytes` of generated data with chunked transfer, reads the echoed answer counting bytes,
 * and samples the server's RSS every 100 ms. Nothing is held in the bench process: one 64 KiB
 * chunk is written again and again, honouring back-pressure.
 */
export function streamThrough(run: StreamRun): Promise<StreamResult> {
  const chunk = Buffer.alloc(64 * 1024, 'causeway streams ');
  const started = performance.now();
  let peak = rssMb(run.pid);
  let sent = 0;
  let received = 0;
  let status = 0;
  let abortedReason: string | undefined;

  return new Promise((resolve, reject) => {
    const req = http.request(run.url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
    });
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, rssMb(run.pid));
      } catch {
        return; // the server exited; the request's error reports it
      }
      if (peak > run.abortAboveMb && !abortedReason) {
        abortedReason = `server RSS passed ${run.abortAboveMb} MB after ${(sent / MB).toFixed(0)} MB sent`;
        req.destroy(new Error(abortedReason));
      }
    }, 100);
    const finish = () => {
      clearInterval(sampler);
      resolve({
        sentBytes: sent,
        receivedBytes: received,
        status,
        peakRssMb: peak,
        seconds: (performance.now() - started) / 1000,
        abortedReason,
      });
    };
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.on('data', (c: Buffer) => {
        received += c.length;
      });
      res.on('end', finish);
      res.on('error', () => finish());
    });
    req.on('error', (err) => {
      if (abortedReason) return finish();
      clearInterval(sampler);
      reject(
        new Error(`streaming ${run.bytes} bytes to ${run.url} failed after ${sent} bytes: ${err.message}`),
      );
    });
    const write = () => {
      while (sent < run.bytes) {
        const piece = run.bytes - sent >= chunk.length ? chunk : chunk.subarray(0, run.bytes - sent);
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}
