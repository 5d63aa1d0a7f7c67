/**
 * The body of a message verified as it streams past, chunk by chunk, without ever being held
 * whole: every DKIM and ARC body hash the verification will ask for (listed beforehand from the
 * header block, see plannedBodyHashes in dkim-fast.ts) is computed in one pass, together with the
 * windows body hints read and the line count the header splitter would give the whole file. The
 * figures are exactly those bodyHashOf() computes on the whole body, so a verification run on
 * them (createDkimVerifier with precomputed figures) gives the same result as on the bytes.
 *
 * What has to survive chunk boundaries, and how:
 *  - line ends: a message's CRLF, bare LF and lone CR all become CRLF (what toCrlf does to the
 *    whole message). A CR at the end of a chunk is written as CRLF at once and an LF that starts
 *    the next chunk is then dropped, so no CRLF pair is ever split between two pieces;
 *  - empty lines (and, relaxed, whitespace) at the end of the body: both canonicalisations drop
 *    them at the END of the body only, so a run of them at the end of a piece is held back as a
 *    count (CRLFs) and a flag (pending whitespace), written out when more content follows and
 *    dropped when the body ends there. Memory stays bounded: counts, never bytes;
 *  - relaxed whitespace runs across a boundary collapse to one space, like within a piece.
 *
 * Pure: no I/O; chunks come from the caller (src/node/stream.ts reads files).
 */
import * as crypto from 'node:crypto';
import type { BodyHints } from '../types';
import { BodyHintWindows } from './body-hints';
import {
  bodyHashKey,
  bodyHashLimit,
  ChunkWriter,
  mimeStartFinder,
  relaxedLines,
  type BodyCanonicalization,
  type BodyHashFigures,
  type BodyHashRequest,
  type MimeStartFinder,
} from './body-hash';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const TAB = 0x09;
const CRLF = Buffer.from('\r\n', 'latin1');
const SPACE = Buffer.from(' ', 'latin1');
/** Held-back empty lines are written from this (any count, in slices of it). */
const CRLF_RUN = Buffer.from('\r\n'.repeat(8192), 'latin1');

type Emit = (piece: Buffer) => void;

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function growInt32(a: Int32Array): Int32Array {
  const g: Int32Array = new Int32Array(a.length * 2);
  g.set(a);
  return g;
}

/**
 * Incremental toCrlf: turns a raw body, given in chunks of any size, into CRLF-only pieces (bare
 * LF and lone CR become CRLF, CRLF stays) and counts the line breaks the header splitter counts
 * (CRLF, LF and a lone CR each one). Unchanged stretches are passed on without a copy.
 */
export class CrlfConverter {
  /** The last chunk ended with a CR already written as CRLF: an LF that comes next belongs to it. */
  private skipLf = false;
  /** The raw byte before the current chunk was a CR (for the line count). */
  private prevCr = false;
  lf = 0;
  cr = 0;
  crlf = 0;
  /** Bytes of CRLF output so far. */
  outLength = 0;
  private fixes: Int32Array = new Int32Array(256);
  /** Where converted chunks are written (reused: a piece is only valid during emit). */
  private scratch = Buffer.alloc(0);

  /** Line breaks so far, as the header splitter counts them. */
  get lineBreaks(): number {
    return this.lf + this.cr - this.crlf;
  }

  /** Only counts the line breaks of `chunk` (no output). */
  count(input: Uint8Array): void {
    const chunk = asBuffer(input);
    const n = chunk.length;
    if (!n) return;
    if (this.prevCr && chunk[0] === LF) this.crlf++;
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) this.lf++;
    for (let i = chunk.indexOf(CR); i !== -1; i = chunk.indexOf(CR, i + 1)) {
      this.cr++;
      if (i + 1 < n && chunk[i + 1] === LF) this.crlf++;
    }
    this.prevCr = chunk[n - 1] === CR;
  }

  /** Converts `chunk`; the pieces (CRLF-only, no pair split) go to `emit`, valid during the call. */
  push(input: Uint8Array, emit: Emit): void {
    const chunk = asBuffer(input);
    const n = chunk.length;
    if (!n) return;
    if (this.prevCr && chunk[0] === LF) this.crlf++;
    let start = 0;
    if (this.skipLf) {
      this.skipLf = false;
      if (chunk[0] === LF) {
        this.lf++;
        start = 1;
      }
    }
    // one search pass per byte kind records the places that need a byte inserted, in order:
    // a bare LF (CR before it) or a lone CR (LF after it)
    let fixes: Int32Array = this.fixes;
    let count = 0;
    let nextLf = chunk.indexOf(LF, start);
    let nextCr = chunk.indexOf(CR, start);
    while (nextLf !== -1 || nextCr !== -1) {
      if (nextCr === -1 || (nextLf !== -1 && nextLf < nextCr)) {
        this.lf++;
        if (nextLf === start || chunk[nextLf - 1] !== CR) {
          if (count === fixes.length) fixes = this.fixes = growInt32(fixes);
          fixes[count++] = nextLf;
        }
        nextLf = chunk.indexOf(LF, nextLf + 1);
      } else {
        this.cr++;
        if (nextCr + 1 < n && chunk[nextCr + 1] === LF) this.crlf++;
        else {
          if (count === fixes.length) fixes = this.fixes = growInt32(fixes);
          fixes[count++] = nextCr;
        }
        nextCr = chunk.indexOf(CR, nextCr + 1);
      }
    }
    this.prevCr = chunk[n - 1] === CR;
    // a CR that ends the chunk becomes CRLF now; the LF that may start the next chunk is its own
    if (chunk[n - 1] === CR) this.skipLf = true;
    if (count === 0) {
      this.out(chunk.subarray(start), emit);
      return;
    }
    if (count === 1 && fixes[0] === n - 1 && chunk[n - 1] === CR) {
      // only the final CR: no copy
      if (n - 1 > start) this.out(chunk.subarray(start, n - 1), emit);
      this.out(CRLF, emit);
      return;
    }
    if (this.scratch.length < n - start + count) this.scratch = Buffer.allocUnsafe(Math.max(n - start + count, 64 * 1024));
    const out = this.scratch;
    let o = 0;
    let from = start;
    for (let k = 0; k < count; k++) {
      const i = fixes[k];
      if (chunk[i] === LF) {
        o += chunk.copy(out, o, from, i);
        out[o++] = CR;
        out[o++] = LF;
      } else {
        o += chunk.copy(out, o, from, i + 1);
        out[o++] = LF;
      }
      from = i + 1;
    }
    o += chunk.copy(out, o, from);
    this.out(out.subarray(0, o), emit);
  }

  private out(piece: Buffer, emit: Emit): void {
    if (!piece.length) return;
    this.outLength += piece.length;
    emit(piece);
  }
}

/** A body canonicaliser fed CRLF-only pieces (no CRLF split between two). */
export interface StreamCanonicalizer {
  push(piece: Buffer): void;
  /** The end of the body: what the canonical form ends with. */
  end(): void;
}

function writeCrlfs(count: number, emit: Emit): void {
  while (count > 0) {
    const k = Math.min(count, CRLF_RUN.length / 2);
    emit(CRLF_RUN.subarray(0, k * 2));
    count -= k;
  }
}

/** RFC 6376 §3.4.3 simple: the body as it is, empty lines at its end reduced to the one CRLF that ends it. */
export class SimpleCanonicalizer implements StreamCanonicalizer {
  /** Empty lines (CRLFs) held back at the end of what was seen. */
  private pending = 0;

  constructor(private readonly emit: Emit) {}

  push(p: Buffer): void {
    let t = p.length;
    while (t >= 2 && p[t - 1] === LF && p[t - 2] === CR) t -= 2;
    if (t === 0) {
      this.pending += p.length / 2;
      return;
    }
    writeCrlfs(this.pending, this.emit);
    this.emit(t === p.length ? p : p.subarray(0, t));
    this.pending = (p.length - t) / 2;
  }

  end(): void {
    this.emit(CRLF);
  }
}

/**
 * RFC 6376 §3.4.4 relaxed, as mailauth computes it: whitespace runs become one SP, whitespace at
 * line ends and empty lines at the end of the body go, a non-empty body ends with one CRLF.
 */
export class RelaxedCanonicalizer implements StreamCanonicalizer {
  /** Line breaks held back (they end the body unless content follows). */
  private pending = 0;
  /** Whitespace seen after the last held-back line break (or after content): one SP if content follows on that line. */
  private pendingWsp = false;
  private started = false;
  private readonly w: ChunkWriter;

  constructor(emit: Emit) {
    this.w = new ChunkWriter(emit);
  }

  push(p: Buffer): void {
    const n = p.length;
    // the tail of whitespace and line breaks: held back
    let t = n;
    for (;;) {
      if (t >= 2 && p[t - 1] === LF && p[t - 2] === CR) t -= 2;
      else if (t >= 1 && (p[t - 1] === SP || p[t - 1] === TAB)) t--;
      else break;
    }
    if (t === 0) {
      this.hold(p, 0, n);
      return;
    }
    // the head of whitespace and line breaks joins what was held back
    let f = 0;
    let breaks = 0;
    let wsp = false;
    for (;;) {
      const c = p[f];
      if (c === SP || c === TAB) {
        wsp = true;
        f++;
      } else if (c === CR) {
        // CRLF (pieces hold no lone CR)
        breaks++;
        wsp = false;
        f += 2;
      } else break;
    }
    const w = this.w;
    if (breaks) {
      w.flush();
      writeCrlfs(this.pending + breaks, (b) => w.raw(b));
      if (wsp) w.raw(SPACE);
    } else {
      if (this.pending) {
        w.flush();
        writeCrlfs(this.pending, (b) => w.raw(b));
      }
      if (this.pendingWsp || wsp) w.raw(SPACE);
    }
    relaxedLines(p, f, t, w);
    w.flush();
    this.started = true;
    this.pending = 0;
    this.pendingWsp = false;
    this.hold(p, t, n);
  }

  /** Takes in p[from, to), which holds only whitespace and CRLFs. */
  private hold(p: Buffer, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      if (p[i] === CR) {
        this.pending++;
        this.pendingWsp = false;
        i++;
      } else this.pendingWsp = true;
    }
  }

  end(): void {
    if (this.started) {
      this.w.crlf();
      this.w.flush();
    }
  }
}

/** One requested body hash, fed the canonical body. */
class HashSink {
  private readonly hash: crypto.Hash;
  private readonly limit: number;
  private readonly finder: MimeStartFinder | undefined;
  private canonical = 0;
  private hashed = 0;

  constructor(readonly request: BodyHashRequest) {
    this.hash = crypto.createHash(request.hashAlgo);
    this.limit = bodyHashLimit(request.maxBodyLength);
    if (request.boundary) {
      this.finder = mimeStartFinder();
      this.finder.setBoundary(request.boundary);
    }
  }

  write(chunk: Buffer): void {
    if (this.finder) this.finder.update(chunk);
    this.canonical += chunk.length;
    if (this.hashed >= this.limit) return;
    const take = Math.min(chunk.length, this.limit - this.hashed);
    this.hash.update(take === chunk.length ? chunk : chunk.subarray(0, take));
    this.hashed += take;
  }

  figures(byteLength: number): BodyHashFigures {
    return {
      hash: this.hash.digest('base64'),
      byteLength,
      canonicalizedLength: this.canonical,
      bodyHashedBytes: this.hashed,
      mimeStructureStart: this.finder ? this.finder.getMimeStructureStart() : 0,
    };
  }
}

/** The hashes of one canonicalisation, fed by one canonicaliser. */
class CanonGroup {
  readonly sinks: HashSink[] = [];
  readonly canonicalizer: StreamCanonicalizer;

  constructor(canon: BodyCanonicalization) {
    const emit: Emit = (c) => {
      for (const s of this.sinks) s.write(c);
    };
    this.canonicalizer = canon === 'relaxed' ? new RelaxedCanonicalizer(emit) : new SimpleCanonicalizer(emit);
  }
}

function groupsFor(requests: readonly BodyHashRequest[]): Map<BodyCanonicalization, CanonGroup> {
  const groups = new Map<BodyCanonicalization, CanonGroup>();
  const seen = new Set<string>();
  for (const r of requests) {
    const key = bodyHashKey(r);
    if (seen.has(key)) continue;
    seen.add(key);
    let g = groups.get(r.canon);
    if (!g) groups.set(r.canon, (g = new CanonGroup(r.canon)));
    g.sinks.push(new HashSink(r));
  }
  return groups;
}

export interface BodyStreamPlan {
  /** The body hashes to compute (plannedBodyHashes). */
  requests: readonly BodyHashRequest[];
  /** Keep the windows body hints read. */
  hints: boolean;
  /**
   * Raw body bytes above which the message counts as above the size limit: verification then
   * works on the header alone, so the hashes are those of an empty body (what the in-memory
   * verification computes for such a message) and no hints are kept. Default: no limit.
   */
  maxBytes?: number;
}

/** What one pass over the body leaves: no body bytes, only figures and two small windows. */
export interface StreamedBody {
  /** Raw body bytes read. */
  byteLength: number;
  /** Line breaks in the raw body (CRLF, LF and a lone CR each one), as the header splitter counts them. */
  lineBreaks: number;
  /** True when the body went past plan.maxBytes. */
  overLimit: boolean;
  /** Figures by bodyHashKey(), for every planned request. */
  figures: Map<string, BodyHashFigures>;
  /** The body hints of the windows kept (undefined when not asked for or over the limit). */
  hints(): BodyHints | undefined;
}

/**
 * One pass over a body given in chunks: push() each chunk, then end(). Chunks may be cut
 * anywhere, even between CR and LF, and are not kept (the caller may reuse a chunk's buffer as
 * soon as push returns): what stays is a few counters, the hash states and the hint windows.
 */
export class BodyStreamReader {
  private readonly conv = new CrlfConverter();
  private groups: Map<BodyCanonicalization, CanonGroup>;
  private readonly windows: BodyHintWindows | undefined;
  private readonly limit: number;
  private total = 0;
  private over = false;
  private readonly toCanon: Emit;

  constructor(private readonly plan: BodyStreamPlan) {
    this.groups = groupsFor(plan.requests);
    this.windows = plan.hints ? new BodyHintWindows() : undefined;
    this.limit = plan.maxBytes ?? Infinity;
    this.toCanon = (piece) => {
      for (const g of this.groups.values()) g.canonicalizer.push(piece);
    };
  }

  push(input: Uint8Array): void {
    const chunk = asBuffer(input);
    if (!chunk.length) return;
    this.total += chunk.length;
    if (!this.over && this.total > this.limit) {
      // above the size limit: the body is not verified; only the counting goes on
      this.over = true;
      this.groups = groupsFor(this.plan.requests);
    }
    if (this.over || (!this.groups.size && !this.windows)) {
      this.conv.count(chunk);
      return;
    }
    this.windows?.push(chunk);
    if (this.groups.size) this.conv.push(chunk, this.toCanon);
    else this.conv.count(chunk);
  }

  end(): StreamedBody {
    for (const g of this.groups.values()) g.canonicalizer.end();
    const crlfLength = this.over ? 0 : this.conv.outLength;
    const figures = new Map<string, BodyHashFigures>();
    for (const g of this.groups.values()) for (const s of g.sinks) figures.set(bodyHashKey(s.request), s.figures(crlfLength));
    const windows = this.over ? undefined : this.windows;
    return {
      byteLength: this.total,
      lineBreaks: this.conv.lineBreaks,
      overLimit: this.over,
      figures,
      hints: () => windows?.hints(),
    };
  }
}

/** Reads a body from an async source of chunks (see BodyStreamReader). */
export async function readBodyStream(chunks: AsyncIterable<Uint8Array>, plan: BodyStreamPlan, first?: Uint8Array): Promise<StreamedBody> {
  const reader = new BodyStreamReader(plan);
  if (first) reader.push(first);
  for await (const c of chunks) reader.push(c);
  return reader.end();
}
