/**
 * Fast DKIM verification: mailauth's own DkimVerifier (header parsing, h= selection, header
 * canonicalisation, key lookup, signature check) handed only the header block, with the body
 * hashes it asks for computed once per body by body-hash.ts.
 */
import { mailauth, type MailauthDkimResult, type MailauthDkimVerifyResult } from './mailauth';
import { headerEnd, isCrlfOnly, toCrlf } from './message';
import { OFFLINE_CODE, type DnsResolver } from './resolver';
import { bodyHashKey, bodyHashOf, boundaryOf, CR, LF, type BodyCanonicalization, type BodyHashFigures, type BodyHashRequest, type MailauthContentType } from './body-hash';

/**
 * Stands in for mailauth's SimpleHash/RelaxedHash inside its DkimVerifier: it never receives body
 * chunks; digest() computes the hash from the body held by the verification (or reuses the value
 * computed for the same body by an earlier call, or takes the one computed while a streamed body
 * went past).
 */
class PrecomputedBodyHash {
  byteLength = 0;
  canonicalizedLength = 0;
  bodyHashedBytes = 0;
  private boundary: string | undefined;
  private figures: BodyHashFigures | undefined;

  constructor(
    private readonly canon: BodyCanonicalization,
    private readonly hashAlgo: string,
    private readonly maxBodyLength: number | '',
    private readonly source: BodySource,
  ) {}

  setContentType(ct: MailauthContentType): void {
    this.boundary = boundaryOf(ct);
  }

  update(): void {
    // the body never streams through mailauth here
  }

  /** What this hash needs (read by the streaming planner before any body byte is seen). */
  request(): BodyHashRequest {
    return { canon: this.canon, hashAlgo: this.hashAlgo, maxBodyLength: this.maxBodyLength, ...(this.boundary !== undefined ? { boundary: this.boundary } : {}) };
  }

  digest(encoding: string): string {
    if (encoding !== 'base64') throw new Error(`unexpected body hash encoding ${encoding}`);
    const f = this.source.figures({ canon: this.canon, hashAlgo: this.hashAlgo, maxBodyLength: this.maxBodyLength, boundary: this.boundary });
    this.figures = f;
    this.byteLength = f.byteLength;
    this.canonicalizedLength = f.canonicalizedLength;
    this.bodyHashedBytes = f.bodyHashedBytes;
    return f.hash;
  }

  getMimeStructureStart(): number {
    return this.figures ? this.figures.mimeStructureStart : this.boundary ? -1 : 0;
  }
}

/**
 * The body of the message being verified, and the hashes already computed for identical bodies.
 * Without a body (null), every figure must be in the cache already: the body was hashed while it
 * streamed past (body-stream.ts), for the requests the planner below collected.
 */
class BodySource {
  constructor(
    readonly body: Buffer | null,
    private readonly cache: ReadonlyMap<string, BodyHashFigures> | Map<string, BodyHashFigures>,
  ) {}

  figures(r: BodyHashRequest): BodyHashFigures {
    const key = bodyHashKey(r);
    let f = this.cache.get(key);
    if (!f) {
      if (!this.body) {
        throw new Error(`the ${r.canon}/${r.hashAlgo}${r.maxBodyLength === '' ? '' : ` l=${r.maxBodyLength}`} body hash was not computed while the body was read`);
      }
      f = bodyHashOf(this.body, r.canon, r.hashAlgo, r.maxBodyLength, r.boundary);
      (this.cache as Map<string, BodyHashFigures>).set(key, f);
    }
    return f;
  }
}

interface DkimVerifierInstance {
  bodyHashes: Map<string, unknown>;
  arc?: { chain?: unknown };
  headerFrom: string[];
  fromFields: number;
  envelopeFrom: string | false;
  results: MailauthDkimResult[];
  headers?: unknown;
  seal?: unknown;
  emitHeaders(chunk?: Buffer): Promise<void>;
  finalChunk(): Promise<void>;
}

type VerifierClass = new (options: DkimVerifyOptions, source: BodySource) => DkimVerifierInstance;

let fastClass: VerifierClass | null | undefined;

/** mailauth's DkimVerifier with body hashes from a BodySource; null when its internals differ from 7.1.0's. */
function fastVerifierClass(): VerifierClass | null {
  if (fastClass !== undefined) return fastClass;
  fastClass = null;
  try {
    const { DkimVerifier } = require('mailauth/lib/dkim/dkim-verifier') as { DkimVerifier: new (options: DkimVerifyOptions) => DkimVerifierInstance };
    const proto = DkimVerifier?.prototype as unknown as Record<string, unknown> | undefined;
    if (!proto || typeof proto.emitHeaders !== 'function' || typeof proto.finalChunk !== 'function' || typeof proto.addBodyHash !== 'function') return null;
    const Base = DkimVerifier;
    class FastDkimVerifier extends Base {
      constructor(
        options: DkimVerifyOptions,
        private readonly source: BodySource,
      ) {
        super(options);
      }
      addBodyHash(bodyCanon: string, hashAlgo: string, maxBodyLength: number | ''): string {
        const key = [bodyCanon, hashAlgo, maxBodyLength].join(':');
        if (!this.bodyHashes.has(key)) {
          const canon: BodyCanonicalization = bodyCanon === 'relaxed' ? 'relaxed' : 'simple';
          this.bodyHashes.set(key, new PrecomputedBodyHash(canon, hashAlgo || 'sha256', maxBodyLength, this.source));
        }
        return key;
      }
    }
    fastClass = FastDkimVerifier;
  } catch {
    fastClass = null;
  }
  return fastClass;
}

export interface DkimVerifyOptions {
  resolver: DnsResolver;
  sender?: string;
  curTime: Date;
  minBitLength?: number;
}

/** Same shape as mailauth's dkimVerify result (headers, arc and seal are non-enumerable there too). */
function resultOf(v: DkimVerifierInstance): MailauthDkimVerifyResult {
  const result = { headerFrom: v.headerFrom, fromFields: v.fromFields, envelopeFrom: v.envelopeFrom, results: v.results } as MailauthDkimVerifyResult;
  for (const key of ['headers', 'arc', 'seal'] as const) {
    if (v[key]) Object.defineProperty(result, key, { enumerable: false, configurable: false, writable: false, value: v[key] });
  }
  return result;
}

/**
 * Verifies one message; with `body`, `message` is only its header block (blank line included)
 * and `body` the body that goes with it, so a header edited elsewhere needs no copy of the body.
 */
export type DkimVerifyFn = (message: Buffer, body?: Buffer) => Promise<MailauthDkimVerifyResult>;

/**
 * A DKIM verifier with mailauth's dkimVerify contract (same options, same result), for one
 * verification run: messages given to it that share the same body (a message and the copies of
 * it with newer ARC sets removed) are body-hashed once. `message` should be CRLF (toCrlf);
 * anything else is converted first.
 */
export function createDkimVerifier(options: DkimVerifyOptions): DkimVerifyFn;
/**
 * The same verifier for a body that was hashed while it streamed past: it is given header blocks
 * only, and every body hash comes from `precomputed` (keys from bodyHashKey). A hash missing
 * there makes the verification fail with an error; plannedBodyHashes() lists them all.
 */
export function createDkimVerifier(options: DkimVerifyOptions, precomputed: ReadonlyMap<string, BodyHashFigures>): DkimVerifyFn;
export function createDkimVerifier(options: DkimVerifyOptions, precomputed?: ReadonlyMap<string, BodyHashFigures>): DkimVerifyFn {
  const Fast = fastVerifierClass();
  if (precomputed) {
    if (!Fast) return () => Promise.reject(new Error('streamed verification needs mailauth 7.1.0\u2019s verifier internals'));
    return async (input: Buffer) => {
      const crlf = isCrlfOnly(input) ? input : toCrlf(input);
      const v = new Fast(options, new BodySource(null, precomputed));
      await v.emitHeaders(crlf.subarray(0, headerEnd(crlf)));
      await v.finalChunk();
      return resultOf(v);
    };
  }
  if (!Fast) {
    return (message, body) => mailauth().dkim.dkimVerify(body ? Buffer.concat([message, body]) : message, options);
  }
  let lastBody: Buffer | undefined;
  let cache = new Map<string, BodyHashFigures>();
  return async (input: Buffer, bodyInput?: Buffer) => {
    let header: Buffer;
    let body: Buffer;
    if (bodyInput) {
      header = isCrlfOnly(input) ? input : toCrlf(input);
      body = isCrlfOnly(bodyInput) ? bodyInput : toCrlf(bodyInput);
      if (!isHeaderBlock(header)) {
        // not a header block that ends with its blank line: verify the whole thing as one message
        const whole = toCrlf(Buffer.concat([header, body]));
        const at = headerEnd(whole);
        header = whole.subarray(0, at);
        body = whole.subarray(at);
      }
    } else {
      const message = isCrlfOnly(input) ? input : toCrlf(input);
      const end = headerEnd(message);
      header = message.subarray(0, end);
      body = message.subarray(end);
    }
    if (!lastBody || !sameBytes(lastBody, body)) {
      lastBody = body;
      cache = new Map();
    }
    const v = new Fast(options, new BodySource(body, cache));
    await v.emitHeaders(header);
    await v.finalChunk();
    return resultOf(v);
  };
}

/** A CRLF header block that ends with its blank line and holds no other (mailauth would split it there). */
function isHeaderBlock(h: Buffer): boolean {
  const n = h.length;
  const endsBlank = (n === 2 && h[0] === CR && h[1] === LF) || (n >= 4 && h[n - 4] === CR && h[n - 3] === LF && h[n - 2] === CR && h[n - 1] === LF);
  return endsBlank && headerEnd(h) === n;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  if (a.buffer === b.buffer && a.byteOffset === b.byteOffset) return true;
  return a.equals(b);
}

/** True when verification can run on precomputed body hashes (mailauth's verifier internals are the expected ones). */
export function canVerifyStreamed(): boolean {
  return fastVerifierClass() !== null;
}

/**
 * The body hashes mailauth's verifier will ask for when it verifies this CRLF header block (blank
 * line included), and the length of the ARC chain it reads: the verifier's own header pass
 * (signature tags, ARC chain, Content-Type boundary) is run without a body and without DNS, and
 * the hashes it registers are collected. Null when the verifier internals are not the expected ones.
 */
export async function plannedBodyHashes(header: Buffer): Promise<{ requests: BodyHashRequest[]; arcChainLength: number } | null> {
  const Fast = fastVerifierClass();
  if (!Fast) return null;
  const noDns: DnsResolver = () => Promise.reject(Object.assign(new Error('no DNS while planning'), { code: OFFLINE_CODE }));
  const v = new Fast({ resolver: noDns, curTime: new Date(0) }, new BodySource(null, new Map()));
  try {
    await v.emitHeaders(header);
  } catch {
    // the verification itself fails the same way on the same header; what was registered stands
  }
  const requests: BodyHashRequest[] = [];
  for (const h of v.bodyHashes.values()) if (h instanceof PrecomputedBodyHash) requests.push(h.request());
  const chain = v.arc?.chain;
  return { requests, arcChainLength: Array.isArray(chain) ? chain.length : 0 };
}
