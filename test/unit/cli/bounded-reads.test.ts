// Every read is bounded by the size decided before reading. A file that grows right after its size
// was checked (simulated deterministically: the size check itself appends to the file) must not be
// read past that size, in any of the ways a message, an Outlook .msg, a configuration or a DNS
// snapshot is read; standard input is not read past the limit either.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BASE_MESSAGE } from '../../fixtures/scenarios/hostile';
import { readMessageFile, readWholeFile } from '../../../src/node/read';
import { readInputFile } from '../../../src/cli/engine';
import { readStdin } from '../../../src/cli/main';
import { tempDir } from './helpers';

const MiB = 1024 * 1024;
const GROWTH = 8 * MiB;

/**
 * Makes every size check (fs.promises.stat on the path, and stat on an open file handle) append
 * GROWTH bytes to `file` right after it answered: the file grows between its size check and the
 * read, whichever way the reader checks.
 */
async function growAfterSizeCheck(file: string): Promise<() => void> {
  const grow = () => fs.appendFileSync(file, Buffer.alloc(GROWTH, 0x41));
  const promises = fs.promises as unknown as { stat: (...a: unknown[]) => Promise<fs.Stats> };
  const origStat = promises.stat;
  const probe = await fs.promises.open(file, 'r');
  const proto = Object.getPrototypeOf(probe) as { stat: (...a: unknown[]) => Promise<fs.Stats> };
  await probe.close();
  const origHandleStat = proto.stat;
  promises.stat = async function (this: unknown, ...a: unknown[]) {
    const st = await origStat.apply(this, a);
    if (a[0] === file) grow();
    return st;
  };
  proto.stat = async function (this: unknown, ...a: unknown[]) {
    const st = await origHandleStat.apply(this, a);
    if (st.isFile() && st.size > 0) grow();
    return st;
  };
  return () => {
    promises.stat = origStat;
    proto.stat = origHandleStat;
  };
}

let restore: (() => void) | undefined;
after(() => restore?.());

function messageOf(size: number): Buffer {
  const head = Buffer.from(`${BASE_MESSAGE}\r\n`, 'latin1');
  const line = Buffer.from(`${'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod '.repeat(1)}\r\n`, 'latin1');
  const body = Buffer.alloc(Math.max(0, size - head.length));
  for (let o = 0; o < body.length; o += line.length) line.copy(body, o, 0, Math.min(line.length, body.length - o));
  return Buffer.concat([head, body]);
}

async function drain(rest: AsyncIterable<Buffer> | undefined): Promise<number> {
  let n = 0;
  if (rest) for await (const c of rest) n += c.length;
  return n;
}

describe('a file that grows after its size check', () => {
  test('read whole: exactly the size that was checked', async () => {
    const file = path.join(tempDir('grow'), 'm.eml');
    const bytes = messageOf(2 * MiB);
    fs.writeFileSync(file, bytes);
    restore = await growAfterSizeCheck(file);
    try {
      const r = await readMessageFile(file, 5 * MiB);
      assert.equal(r.truncated, false);
      assert.equal(r.bytes.length, bytes.length, 'not a byte more than the size checked');
      assert.ok(r.bytes.equals(bytes));
      assert.ok(fs.statSync(file).size >= bytes.length + GROWTH, 'the file did grow');
    } finally {
      restore();
      restore = undefined;
    }
  });

  test('streamed: head and rest together stop at the size that was checked', async () => {
    const file = path.join(tempDir('grow'), 'm.eml');
    const bytes = messageOf(3 * MiB);
    fs.writeFileSync(file, bytes);
    restore = await growAfterSizeCheck(file);
    try {
      const r = await readMessageFile(file, 5 * MiB, { streamAbove: MiB, chunkBytes: 256 * 1024 });
      assert.ok(r.rest, 'streamed');
      const total = r.bytes.length + (await drain(r.rest));
      assert.equal(total, bytes.length);
      assert.ok(fs.statSync(file).size > 5 * MiB, 'the file grew past the limit meanwhile');
    } finally {
      restore();
      restore = undefined;
    }
  });

  test('the CLI reader (readInputFile) stays within the size limit that was checked', async () => {
    const file = path.join(tempDir('grow'), 'm.eml');
    const bytes = messageOf(4 * MiB);
    fs.writeFileSync(file, bytes);
    restore = await growAfterSizeCheck(file);
    try {
      const r = await readInputFile(file, 5 * MiB, Infinity);
      assert.equal(r.bytes.length, bytes.length);
      assert.ok(r.bytes.length <= 5 * MiB);
    } finally {
      restore();
      restore = undefined;
    }
  });

  test('configuration and snapshot reads (readWholeFile) stop at the size checked', async () => {
    const file = path.join(tempDir('grow'), 'dns.json');
    const text = Buffer.from(JSON.stringify({ 'example.org': { TXT: [['v=spf1 -all']] } }));
    fs.writeFileSync(file, text);
    restore = await growAfterSizeCheck(file);
    try {
      const r = await readWholeFile(file, MiB, { what: 'DNS snapshot' });
      assert.equal(r.bytes.length, text.length);
    } finally {
      restore();
      restore = undefined;
    }
  });
});

describe('standard input', () => {
  test('is not read past the limit: an endless input ends the read', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      const chunk = Buffer.from(`X-Filler: ${'a'.repeat(65000)}\r\n`);
      for (let k = 0; k < 10_000; k++) {
        pulled += chunk.length;
        yield chunk;
      }
    }
    const r = await readStdin(2 * MiB, endless());
    assert.equal(r.truncated, true);
    assert.equal(r.sizeIsLowerBound, true);
    assert.ok(pulled <= 2 * MiB + 65100, `read ${pulled} bytes for a 2 MiB limit`);
  });

  test('below the limit: everything, size exact', async () => {
    async function* small(): AsyncGenerator<Buffer> {
      yield Buffer.from(BASE_MESSAGE);
    }
    const r = await readStdin(2 * MiB, small());
    assert.equal(r.truncated, false);
    assert.equal(r.size, Buffer.byteLength(BASE_MESSAGE));
  });
});
