/**
 * For io.test.ts: writes `COUNT` chunks of 64 KiB to this process's real stdout through
 * `writeChunksOut(processIO(), …)`, and reports on stderr the most stdout ever held
 * unwritten when the next chunk was made.
 */
import { processIO, writeChunksOut } from '../../../engine/cli/io.ts';

const count = Number(process.argv[2]);
let most = 0;
function* chunks(): Generator<string> {
  for (let i = 0; i < count; i++) {
    most = Math.max(most, process.stdout.writableLength);
    yield 'x'.repeat(1 << 16);
  }
}
await writeChunksOut(processIO(), chunks());
process.stderr.write(`${JSON.stringify({ most, highWaterMark: process.stdout.writableHighWaterMark })}\n`);
