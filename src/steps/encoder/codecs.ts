import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type * as Fflate from 'fflate';
import { lazyModule } from '../../engine/lazy-module.ts';

const fflate = lazyModule<typeof Fflate>('fflate');

import { conversionError } from '../converters/conversion.ts';

/** The encodings of CPI's Encoder and Decoder steps, plus raw deflate. */
export type Encoding = 'base64' | 'gzip' | 'zip' | 'deflate';

// zlib's async forms run on the thread pool, so a large body does not stall other messages.
const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);
const deflate = promisify(zlib.deflateRaw);
const inflate = promisify(zlib.inflateRaw);

const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;

export async function encode(encoding: Encoding, data: Buffer, entryName: string): Promise<Buffer | string> {
  switch (encoding) {
    case 'base64':
      return data.toString('base64');
    case 'gzip':
      return gzip(data);
    case 'deflate':
      return deflate(data);
    case 'zip':
      return Buffer.from(fflate().zipSync({ [entryName]: data }));
  }
}

export async function decode(
  encoding: Encoding,
  data: Buffer,
  entryName: string | undefined,
  step: string,
): Promise<Buffer> {
  const fail = (what: string, cause?: unknown) =>
    conversionError(
      step,
      `the message body is not valid ${encoding} data: ${what}`,
      `Check that the sender delivers ${encoding} content, or decode with the encoding it uses.`,
      cause,
    );
  switch (encoding) {
    case 'base64': {
      const text = data.toString('latin1').replace(/\s+/g, '');
      if (!BASE64.test(text) || text.length % 4 === 1)
        throw fail('it holds characters outside the Base64 alphabet.');
      return Buffer.from(text, 'base64');
    }
    case 'gzip':
    case 'deflate':
      try {
        return await (encoding === 'gzip' ? gunzip(data) : inflate(data));
      } catch (error) {
        throw fail((error as Error).message, error);
      }
    case 'zip': {
      let entries: Record<string, Uint8Array>;
      try {
        entries = fflate().unzipSync(data);
      } catch (error) {
        throw fail((error as Error).message, error);
      }
      const names = Object.keys(entries).filter((name) => !name.endsWith('/'));
      const name = entryName ?? (names.length === 1 ? names[0] : undefined);
      if (name === undefined) {
        throw conversionError(
          step,
          names.length === 0
            ? 'the ZIP archive holds no files.'
            : `the ZIP archive holds ${names.length} files (${names.slice(0, 5).join(', ')}); which one is meant?`,
          'Set entryName to the file to extract.',
        );
      }
      const entry = entries[name];
      if (!entry) {
        throw conversionError(
          step,
          `the ZIP archive has no file '${name}' (it holds ${names.slice(0, 5).join(', ') || 'nothing'}).`,
          'Set entryName to one of the files in the archive.',
        );
      }
      return Buffer.from(entry.buffer, entry.byteOffset, entry.byteLength);
    }
  }
}
