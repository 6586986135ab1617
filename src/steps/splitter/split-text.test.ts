import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { splitStream, splitText } from './split-text.ts';

async function collect(
  chunks: Array<string | Buffer>,
  ...args: Parameters<typeof splitText> extends [string, ...infer R] ? R : never
) {
  const out: string[] = [];
  for await (const part of splitStream(Readable.from(chunks), ...args)) out.push(part);
  return out;
}

describe('splitText', () => {
  it('splits lines, \\n or \\r\\n, skipping blank lines and a final line break', () => {
    assert.deepEqual(splitText('a\r\nb\n\n  \nc\n', { lines: true }, 1), ['a', 'b', 'c']);
    assert.deepEqual(splitText('', { lines: true }, 1), []);
  });

  it('splits at a token, keeping empty pieces except after a final token', () => {
    assert.deepEqual(splitText('a,,b,', { token: ',' }, 1), ['a', '', 'b']);
    assert.deepEqual(splitText('a||b||c', { token: '||' }, 2), ['a||b', 'c']);
  });

  it('groups pieces, joined by their separator', () => {
    assert.deepEqual(splitText('1\n2\n3\n4\n5', { lines: true }, 2), ['1\n2', '3\n4', '5']);
  });
});

describe('splitStream', () => {
  it('gives the same parts as splitText whatever the chunk boundaries', async () => {
    const text = 'alpha\r\nbeta\n\ngamma\ndelta\nepsilon\n';
    for (const size of [1, 2, 3, 5, 8, 100]) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      assert.deepEqual(
        await collect(chunks, { lines: true }, 2),
        splitText(text, { lines: true }, 2),
        `size ${size}`,
      );
    }
  });

  it('keeps multi-byte characters cut between chunks whole', async () => {
    const bytes = Buffer.from('äö;€;😀', 'utf8');
    const chunks = Array.from(bytes, (b) => Buffer.from([b]));
    assert.deepEqual(await collect(chunks, { token: ';' }, 1), ['äö', '€', '😀']);
  });

  it('splits at a token cut between chunks', async () => {
    assert.deepEqual(await collect(['a<', '/>b<', '/', '>c'], { token: '</>' }, 1), ['a', 'b', 'c']);
  });
});
