/**
 * A message file as a stream (Node only; the engine does no I/O): its head, read until the blank
 * line that ends the header block (bounded), then the rest of the file as chunks read on demand.
 * analyzeStream() (src/core/analyze.ts) takes the two and never holds the body: with the
 * default 1 MiB chunks, a 50 MB message costs about one chunk of memory, not 50 MB.
 */
import { constants as fsConstants, promises as fs } from 'node:fs';

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

const O_NOFOLLOW = fsConstants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = fsConstants.O_NONBLOCK ?? 0;

/** An error with an errno-style code (ENOENT, ELOOP for a symbolic link not followed, EISDIR, ENOTREG, ECHANGED, …). */
export function codeError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

export interface OpenFileOptions {
  /** Refuse a symbolic link as the last path component (code ELOOP). */
  noFollow?: boolean;
  /** The file must still be this one (device and inode of an earlier open; else code ECHANGED). */
  expect?: { dev: number; ino: number };
}

/**
 * Opens a regular file for reading and stats the open handle: the size and identity returned are
 * those of the file actually opened, decided once, before any byte is read. Never blocks on a FIFO
 * (O_NONBLOCK); with `noFollow` a symbolic link is refused by the kernel (O_NOFOLLOW; lstat first
 * where the flag does not exist). Throws errors with a code; the handle is closed on every error.
 */
export async function openRegularFile(path: string, o: OpenFileOptions = {}): Promise<{ fh: fs.FileHandle; size: number; dev: number; ino: number }> {
  if (o.noFollow && !O_NOFOLLOW) {
    const l = await fs.lstat(path);
    if (l.isSymbolicLink()) throw codeError('ELOOP', 'symbolic link not followed');
  }
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(path, fsConstants.O_RDONLY | O_NONBLOCK | (o.noFollow ? O_NOFOLLOW : 0));
  } catch (e) {
    // O_NOFOLLOW on a link: ELOOP (Linux, macOS) or EMLINK (FreeBSD)
    if (o.noFollow && (e as NodeJS.ErrnoException).code === 'EMLINK') throw codeError('ELOOP', 'symbolic link not followed');
    throw e;
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw codeError('EISDIR', 'is a folder');
    if (!st.isFile()) throw codeError('ENOTREG', 'not a regular file');
    if (o.expect && (st.dev !== o.expect.dev || st.ino !== o.expect.ino)) throw codeError('ECHANGED', 'the file was replaced while it was being read');
    return { fh, size: st.size, dev: st.dev, ino: st.ino };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/**
 * Reads at most `limit` bytes from `from` on: a file that grows while it is read is not read past
 * the limit, and one that shrinks gives what is there.
 */
export async function readUpTo(fh: fs.FileHandle, limit: number, from = 0): Promise<Buffer> {
  const want = Math.max(0, Math.floor(limit));
  const buf = Buffer.allocUnsafe(want);
  let got = 0;
  while (got < want) {
    const { bytesRead } = await fh.read(buf, got, want - got, from + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  // a file that shrank a lot: do not keep the large allocation alive
  return got === want ? buf : got < want / 2 ? Buffer.from(buf.subarray(0, got)) : buf.subarray(0, got);
}

export interface MessageStreamOptions extends OpenFileOptions {
  chunkBytes?: number;
  maxHeadBytes?: number;
  onError?: (e: unknown) => Error;
  /**
   * Bytes of the file read in all (head and rest together): the size decided when the file was
   * first opened. A file that grows afterwards is not read past it. Default: no limit.
   */
  limit?: number;
}

/**
 * Opens a message file as head + rest. `onError` turns read errors into the caller's error type
 * (the path and the errno code). The head is read through one file handle, closed before return;
 * the rest through a second handle, opened on the first read (so a rest that is never read holds
 * no handle), `chunkBytes` at a time into one reused buffer, from right after the head. Both opens
 * apply `noFollow` and check that the file is still the one opened first (`expect`, else the first
 * open's identity), and neither reads past `limit`.
 */
export async function openMessageStream(path: string, o: MessageStreamOptions = {}): Promise<MessageStream> {
  const chunkBytes = o.chunkBytes ?? STREAM_CHUNK_BYTES;
  const maxHead = o.maxHeadBytes ?? MAX_HEAD_BYTES;
  const limit = o.limit ?? Infinity;
  const wrap = (e: unknown) => (o.onError ? o.onError(e) : e);
  let head: Buffer;
  let identity = o.expect;
  try {
    const opened = await openRegularFile(path, { noFollow: o.noFollow, expect: identity });
    identity = { dev: opened.dev, ino: opened.ino };
    const fh = opened.fh;
    try {
      const parts: Buffer[] = [];
      let total = 0;
      for (;;) {
        const want = Math.min(HEAD_STEP, maxHead - total, limit - total);
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
      fh = (await openRegularFile(path, { noFollow: o.noFollow, expect: identity })).fh;
    } catch (e) {
      throw wrap(e);
    }
    try {
      const buf = Buffer.allocUnsafe(chunkBytes);
      let pos = start;
      for (;;) {
        const want = Math.min(chunkBytes, limit - pos);
        if (want <= 0) return;
        let bytesRead: number;
        try {
          ({ bytesRead } = await fh.read(buf, 0, want, pos));
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
