/**
 * Reading message files for the CLI and the extension host (Node only; the engine does no I/O).
 * Large files are read head-first: above the size limit only the header block is read, so a 2 GB
 * file never lands in memory. Below it, a caller can ask for files above a size to be streamed
 * (streamAbove): the header block is read, the body follows in chunks (src/node/stream.ts).
 * Every read is bounded by the size taken from the open handle before reading (see
 * readMessageFile), and a file found in a folder is opened without following a symbolic link.
 */
import { openMessageStream, openRegularFile, readUpTo } from './stream';

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const HEAD_CHUNK = 1024 * 1024;
/** Above the size limit, reading the header block stops here even without a blank line. */
const MAX_TRUNCATED_HEAD = 16 * HEAD_CHUNK;

export class InputError extends Error {
  constructor(message: string, readonly path: string) {
    super(message);
  }
}

export interface ReadResult {
  bytes: Buffer;
  /** Size on disk. */
  size: number;
  /** True when only the head of the file was read (above maxBytes). */
  truncated: boolean;
  /** The input was not read to its end (standard input above the limit): `size` is only a lower bound. */
  sizeIsLowerBound?: boolean;
  /**
   * Streamed (see ReadOptions.streamAbove): `bytes` is only the start of the file, at least its
   * header block when it has one within 1 MiB, and the rest of the file follows here, read on
   * demand in chunks (analyzeStream in src/core/analyze.ts takes both).
   */
  rest?: AsyncIterable<Buffer>;
}

export interface ReadOptions {
  /** Files larger than this (and not above maxBytes) are streamed instead of read whole. */
  streamAbove?: number;
  /** Chunk size of a streamed file's rest (default 1 MiB). */
  chunkBytes?: number;
  /** Refuse a symbolic link (a file found in a folder walk; see src/cli/inputs.ts). */
  noFollow?: boolean;
}

/** One clear sentence for an error opening or reading `path` (codes from openRegularFile and the system). */
export function readError(path: string, e: unknown, what = 'message file'): InputError {
  if (e instanceof InputError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return new InputError(`${path}: no such file`, path);
    case 'ELOOP':
      return new InputError(`${path}: is a symbolic link; not followed`, path);
    case 'EISDIR':
      return new InputError(`${path}: is a folder, not a ${what}`, path);
    case 'ENOTREG':
      return new InputError(`${path}: not a regular file`, path);
    case 'ECHANGED':
      return new InputError(`${path}: the file was replaced while it was being read`, path);
    default:
      return new InputError(`${path}: cannot read (${code ?? (e as Error).message})`, path);
  }
}

/**
 * Read a message file; throws InputError with one clear sentence for missing paths, folders,
 * links not followed and unreadable files.
 *
 * The size is decided once, from the open handle, before any byte is read, and no read goes past
 * it: a file that grows while it is read (a log being written, a crafted FIFO-like source) is read
 * as it was when opened, never beyond the size limit that was checked.
 */
export async function readMessageFile(path: string, maxBytes = DEFAULT_MAX_MESSAGE_BYTES, o: ReadOptions = {}): Promise<ReadResult> {
  let opened: Awaited<ReturnType<typeof openRegularFile>>;
  try {
    opened = await openRegularFile(path, { noFollow: o.noFollow });
  } catch (e) {
    throw readError(path, e);
  }
  const { fh, size } = opened;
  if (o.streamAbove !== undefined && size > o.streamAbove && size <= maxBytes) {
    await fh.close();
    const m = await openMessageStream(path, {
      chunkBytes: o.chunkBytes,
      noFollow: o.noFollow,
      expect: { dev: opened.dev, ino: opened.ino },
      limit: size,
      onError: (e) => readError(path, e),
    });
    return { bytes: m.head, size, truncated: false, rest: m.rest };
  }
  try {
    if (size <= maxBytes) return { bytes: await readUpTo(fh, size), size, truncated: false };
    // Too large: read until the end of the header block (bounded).
    const chunks: Buffer[] = [];
    let total = 0;
    const headLimit = Math.min(MAX_TRUNCATED_HEAD, size);
    while (total < headLimit) {
      const buf = await readUpTo(fh, Math.min(HEAD_CHUNK, headLimit - total), total);
      if (buf.length === 0) break;
      chunks.push(buf);
      total += buf.length;
      const all = Buffer.concat(chunks);
      const sep = findHeaderEnd(all);
      if (sep >= 0) return { bytes: all.subarray(0, sep), size, truncated: true };
    }
    return { bytes: Buffer.concat(chunks), size, truncated: true };
  } catch (e) {
    throw readError(path, e);
  } finally {
    await fh.close();
  }
}

/**
 * A whole small file (a configuration, a DNS snapshot, an Outlook .msg): at most `maxBytes`, decided
 * from the open handle before reading, never read past the size it had then (nor past `limit`, a
 * size decided by an earlier open). Throws InputError (`what` names the file in the message:
 * "DNS snapshot", …).
 */
export async function readWholeFile(path: string, maxBytes: number, o: { noFollow?: boolean; what?: string; limit?: number } = {}): Promise<{ bytes: Buffer; size: number }> {
  let opened: Awaited<ReturnType<typeof openRegularFile>>;
  try {
    opened = await openRegularFile(path, { noFollow: o.noFollow });
  } catch (e) {
    throw readError(path, e, o.what);
  }
  try {
    if (opened.size > maxBytes) {
      throw new InputError(`${path}: the ${o.what ?? 'file'} is larger than ${maxBytes >= 1048576 ? `${+(maxBytes / 1048576).toFixed(1)} MiB` : `${maxBytes} bytes`}`, path);
    }
    return { bytes: await readUpTo(opened.fh, Math.min(opened.size, o.limit ?? Infinity)), size: opened.size };
  } catch (e) {
    throw readError(path, e, o.what);
  } finally {
    await opened.fh.close();
  }
}

/** Offset just past the blank line ending the header block, or -1. */
export function findHeaderEnd(buf: Buffer): number {
  const candidates = [buf.indexOf('\r\n\r\n'), buf.indexOf('\n\n'), buf.indexOf('\r\r')].filter((x) => x >= 0);
  if (!candidates.length) return -1;
  const i = Math.min(...candidates);
  return buf[i] === 0x0d && buf[i + 1] === 0x0a ? i + 4 : i + 2;
}
