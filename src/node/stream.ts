/**
 * A message file as a stream (Node only; the engine does no I/O): its head, read until the blank
 * line that ends the header block (bounded), then the rest of the file as chunks read on demand.
 * analyzeStream() (src/core/analyze.ts) takes the two and never holds the body: with the
 * default 1 MiB chunks, a 50 MB message costs about one chunk of memory, not 50 MB.
 */
import { promises as fs } from 'node:fs';

/** Chunk size the body is read in. */
export const STREAM_CHUNK_BYTES = 1024 * 1024;
/** The head is read in steps of this size until the header block has ended. */
const HEAD_STEP = 64 * 1024;
/** Reading the head stops here even without a blank line (the engine then decides; see analyzeStream). */
export const MAX_HEAD_BYTES = 1024 * 1024;

export interface MessageStream {
  /** The start of the file: its header block and the blank line after it (plus what the last read brought), or MAX_HEAD_BYTES. */
  head: Buffer;
  /**
   * Every byte after `head`, in order. The file is opened on the first read and closed at the end
   * (or when iteration stops). Chunks are views of ONE reused buffer: a chunk is valid until the
   * next one is asked for (analyzeStream copies what it keeps), so reading a 50 MB body leaves no
   * 50 MB of spent chunks for the garbage collector to find.
   */
  rest: AsyncIterable<Buffer>;
}

/**
 * True when `buf` holds an empty line: an EOL right after an EOL ("\n\n", "\n\r", "\r\r",
 * which also covers CRLF CRLF, LF CRLF and CR CRLF), or an EOL first. A quick look only: the
 * header splitter decides where the header block really ends.
 */
export function hasBlankLine(buf: Buffer): boolean {
  if (buf.length && (buf[0] === 0x0a || buf[0] === 0x0d)) return true;
  return buf.indexOf('\n\n', 0, 'latin1') !== -1 || buf.indexOf('\n\r', 0, 'latin1') !== -1 || buf.indexOf('\r\r', 0, 'latin1') !== -1;
}

/**
 * Opens a message file as head + rest. `onError` turns read errors into the caller's error type
 * (the path and the errno code). The head is read through one file handle, closed before return;
 * the rest through a second handle, `chunkBytes` at a time into one reused buffer, from right
 * after the head.
 */
export async function openMessageStream(
  path: string,
  o: { chunkBytes?: number; maxHeadBytes?: number; onError?: (e: unknown) => Error } = {},
): Promise<MessageStream> {
  const chunkBytes = o.chunkBytes ?? STREAM_CHUNK_BYTES;
  const maxHead = o.maxHeadBytes ?? MAX_HEAD_BYTES;
  const wrap = (e: unknown) => (o.onError ? o.onError(e) : e);
  let head: Buffer;
  try {
    const fh = await fs.open(path, 'r');
    try {
      const parts: Buffer[] = [];
      let total = 0;
      for (;;) {
        const want = Math.min(HEAD_STEP, maxHead - total);
        if (want <= 0) break;
        const buf = Buffer.allocUnsafe(want);
        const { bytesRead } = await fh.read(buf, 0, want, total);
        if (bytesRead === 0) break;
        parts.push(buf.subarray(0, bytesRead));
        total += bytesRead;
        // (the whole head again: at most MAX_HEAD_BYTES / HEAD_STEP short native searches)
        if (hasBlankLine(parts.length === 1 ? parts[0] : Buffer.concat(parts, total))) break;
      }
      head = Buffer.concat(parts, total);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw wrap(e);
  }
  const start = head.length;
  async function* rest(): AsyncGenerator<Buffer> {
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(path, 'r');
    } catch (e) {
      throw wrap(e);
    }
    try {
      const buf = Buffer.allocUnsafe(chunkBytes);
      let pos = start;
      for (;;) {
        let bytesRead: number;
        try {
          ({ bytesRead } = await fh.read(buf, 0, chunkBytes, pos));
        } catch (e) {
          throw wrap(e);
        }
        if (bytesRead === 0) return;
        pos += bytesRead;
        yield buf.subarray(0, bytesRead);
      }
    } finally {
      await fh.close();
    }
  }
  return { head, rest: { [Symbol.asyncIterator]: () => rest() } };
}
