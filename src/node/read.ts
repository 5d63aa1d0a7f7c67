/**
 * Reading message files for the CLI and the extension host (Node only; the engine does no I/O).
 * Large files are read head-first: above the size limit only the header block is read, so a 2 GB
 * file never lands in memory. Below it, a caller can ask for files above a size to be streamed
 * (streamAbove): the header block is read, the body follows in chunks (src/node/stream.ts).
 */
import { promises as fs } from 'node:fs';
import { openMessageStream } from './stream';

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const HEAD_CHUNK = 1024 * 1024;

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
}

function readError(path: string, e: unknown): InputError {
  return new InputError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
}

/** Read a message file; throws InputError with one clear sentence for missing paths, folders and unreadable files. */
export async function readMessageFile(path: string, maxBytes = DEFAULT_MAX_MESSAGE_BYTES, o: ReadOptions = {}): Promise<ReadResult> {
  let st;
  try {
    st = await fs.stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? (e as Error).message})`, path);
  }
  if (st.isDirectory()) throw new InputError(`${path}: is a folder, not a message file`, path);
  if (!st.isFile()) throw new InputError(`${path}: not a regular file`, path);
  if (o.streamAbove !== undefined && st.size > o.streamAbove && st.size <= maxBytes) {
    const m = await openMessageStream(path, { chunkBytes: o.chunkBytes, onError: (e) => (e instanceof InputError ? e : readError(path, e)) });
    return { bytes: m.head, size: st.size, truncated: false, rest: m.rest };
  }
  if (st.size <= maxBytes) {
    try {
      return { bytes: await fs.readFile(path), size: st.size, truncated: false };
    } catch (e) {
      throw new InputError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
    }
  }
  // Too large: read until the end of the header block (bounded).
  const fh = await fs.open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < 16 * HEAD_CHUNK) {
      const buf = Buffer.alloc(HEAD_CHUNK);
      const { bytesRead } = await fh.read(buf, 0, HEAD_CHUNK, total);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      const all = Buffer.concat(chunks);
      const sep = findHeaderEnd(all);
      if (sep >= 0) return { bytes: all.subarray(0, sep), size: st.size, truncated: true };
    }
    return { bytes: Buffer.concat(chunks), size: st.size, truncated: true };
  } finally {
    await fh.close();
  }
}

/** Offset just past the blank line ending the header block, or -1. */
export function findHeaderEnd(buf: Buffer): number {
  const candidates = [buf.indexOf('\r\n\r\n'), buf.indexOf('\n\n'), buf.indexOf('\r\r')].filter((x) => x >= 0);
  if (!candidates.length) return -1;
  const i = Math.min(...candidates);
  return buf[i] === 0x0d && buf[i + 1] === 0x0a ? i + 4 : i + 2;
}
