/**
 * A child process for mpl.writer.test.ts. `loop`: writes entries through MplWriter forever, printing the
 * number committed after each flush (the parent kills it with SIGKILL). `idle`: writes, flushes and
 * returns without closing the writer; the process must still exit by itself.
 */
import { sampleEntry } from '../mpl.fixtures.ts';
import { MplWriter } from '../mpl.writer.ts';

const [dataDir, mode] = process.argv.slice(2);
const writer = new MplWriter({ dataDir, flushIntervalMs: 5 });
let n = 0;
if (mode === 'loop') {
  for (;;) {
    for (let i = 0; i < 100; i++) writer.write(sampleEntry(n++));
    await writer.flush();
    process.stdout.write(`${n}\n`);
  }
} else {
  for (let i = 0; i < 10; i++) writer.write(sampleEntry(n++));
  await writer.flush();
  process.stdout.write('flushed\n');
}
