/**
 * DKIM re-verification: one DkimCheck per DKIM-Signature field, from mailauth's dkimVerify result.
 *
 * The body hash is compared before any DNS lookup, so "body changed after signing" is conclusive
 * offline. The header signature needs the signer's public key; without it the verdict is
 * "not verifiable offline", never "fail".
 */
import * as crypto from 'node:crypto';
import type { Analysis, DkimCheck, HeaderField } from '../types';
import { vendorByDkimDomain, vendorByHost } from '../net/kb';
import { mailauth, type MailauthDkimResult } from './mailauth';
import { errorCode, isNoRecord, OFFLINE_CODE, type DnsResolver } from './resolver';

export interface DkimContext {
  analysis: Analysis;
  resolver: DnsResolver;
  curTime: Date;
  /** True when the message has no usable body (saved headers only, or above the size limit). */
  headersOnly: boolean;
  /** Plain words for "DNS is off" vs "the lookup failed", for details. */
  offline: boolean;
  /** Signatures after this many (in header order) were not given to mailauth. */
  maxSignatures?: number;
}

/** How many DKIM signatures of one message are verified (real mail carries a handful). */
export const MAX_DKIM_SIGNATURES = 20;

export interface SignatureTags {
  d?: string;
  s?: string;
  a?: string;
  c?: string;
  b?: string;
  h?: string;
}

/** Reads the few tags we need from a DKIM-Signature value (linear split, no regex). */
export function readSignatureTags(value: string): SignatureTags {
  const out: Record<string, string> = {};
  const v = value.length > 200000 ? value.slice(0, 200000) : value;
  for (const part of v.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = removeWs(part.slice(0, eq)).toLowerCase();
    if (!name || name.length > 4 || name in out) continue;
    const raw = part.slice(eq + 1);
    out[name] = name === 'b' || name === 'bh' || name === 'h' ? removeWs(raw) : raw.trim();
  }
  return { d: out.d?.toLowerCase(), s: out.s, a: out.a?.toLowerCase(), c: out.c?.toLowerCase(), b: out.b, h: out.h };
}

function removeWs(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) out += s[i];
  }
  return out;
}

type HeaderCheck =
  | { kind: 'ok' }
  | { kind: 'bad' }
  | { kind: 'no-key'; code: string }
  | { kind: 'bad-key'; reason: string }
  | { kind: 'unavailable'; code: string }
  | { kind: 'error'; reason: string };

/**
 * Checks only the header signature (b=) of a signature, from the canonicalised header mailauth
 * computed. Used when the body hash does not match (mailauth then stops before the key) and for
 * headers-only input.
 */
export async function checkHeaderSignature(
  r: MailauthDkimResult,
  type: 'DKIM' | 'ARC',
  resolver: DnsResolver,
): Promise<HeaderCheck> {
  const canon = r.signingHeaders?.canonicalizedHeader;
  const algo = (r.algo ?? '').toLowerCase();
  if (!canon || !r.signature || !r.selector || !r.signingDomain || !algo) return { kind: 'error', reason: 'signature incomplete' };
  const dash = algo.indexOf('-');
  const signAlgo = dash === -1 ? algo : algo.slice(0, dash);
  const hashAlgo = dash === -1 ? algo : algo.slice(dash + 1);
  let key: { publicKey: string | Buffer; keyType?: string };
  try {
    key = await mailauth().tools.getPublicKey(type, `${r.selector}._domainkey.${r.signingDomain}`, undefined, resolver, { hashAlgo });
  } catch (e) {
    const code = errorCode(e);
    if (isNoRecord(code)) return { kind: 'no-key', code: code! };
    if (code && (code.startsWith('EINVALID') || code === 'ESHORTKEY')) return { kind: 'bad-key', reason: keyProblem(code) };
    return { kind: 'unavailable', code: code ?? (e instanceof Error ? e.message : 'unknown') };
  }
  try {
    const data = Buffer.from(canon, 'base64');
    const ok =
      signAlgo === 'rsa'
        ? crypto.verify(algo, data, key.publicKey, Buffer.from(r.signature, 'base64'))
        : crypto.verify(null, crypto.createHash('sha256').update(data).digest(), key.publicKey, Buffer.from(r.signature, 'base64'));
    return ok ? { kind: 'ok' } : { kind: 'bad' };
  } catch (e) {
    return { kind: 'error', reason: e instanceof Error ? e.message : String(e) };
  }
}

function keyProblem(code: string): string {
  switch (code) {
    case 'EINVALIDVER':
      return 'the key record has an unknown version';
    case 'EINVALIDTYPE':
      return 'the key record has an unknown key type';
    case 'EINVALIDVAL':
      return 'the key record holds no valid public key (an empty p= means the key was revoked)';
    case 'EINVALIDHASH':
      return 'the key record does not allow this hash algorithm';
    case 'EINVALIDSERVICE':
      return 'the key record is not meant for email';
    case 'ESHORTKEY':
      return 'the RSA key is shorter than 1024 bits';
    default:
      return code;
  }
}

/** Words for a key that could not be fetched. */
export function unavailableWords(code: string, offline: boolean): string {
  if (offline || code === OFFLINE_CODE) return 'DNS is off';
  return `the DNS lookup failed (${code})`;
}

export async function checkDkim(ctx: DkimContext, results: MailauthDkimResult[]): Promise<DkimCheck[]> {
  const { analysis } = ctx;
  const fields = analysis.headers.filter((f) => f.key === 'dkim-signature' && !f.invalid);
  const fromDomain = analysis.summary.fromDomain?.toLowerCase();
  const signed = results.filter((r) => r.signature !== undefined || r.signingDomain !== undefined);
  const used = new Set<number>();
  const checks: DkimCheck[] = [];

  const max = ctx.maxSignatures ?? Infinity;
  for (const [n, field] of fields.entries()) {
    const tags = readSignatureTags(field.unfolded);
    if (n >= max) {
      const c = base(field, tags.d, tags.s);
      c.detail = `Not checked: the message carries ${fields.length} DKIM signatures and only the first ${max} are verified (a guard against messages built to trigger many DNS lookups).`;
      checks.push(c);
      continue;
    }
    // mailauth leaves out signatures it cannot process (unknown algorithm, missing d=/s=), so
    // results are matched by their b= value, not by position
    let idx = signed.findIndex((r, i) => !used.has(i) && tags.b !== undefined && removeWs(String(r.signature ?? '')) === tags.b);
    if (idx === -1 && !tags.b) {
      idx = signed.findIndex((r, i) => !used.has(i) && !r.signature && r.signingDomain?.toLowerCase() === tags.d && r.selector === tags.s);
    }
    if (idx !== -1) used.add(idx);
    const r = idx === -1 ? undefined : signed[idx];
    const check = r ? await classify(ctx, field, r) : skipped(field, tags);
    if (fromDomain && check.domain) check.aligned = aligned(fromDomain, check.domain, false);
    checks.push(check);
  }
  markVendorResign(checks, fromDomain);
  return checks;
}

function base(field: HeaderField, domain?: string, selector?: string): DkimCheck {
  const c: DkimCheck = { fieldIndex: field.index, lines: field.lines, status: 'error', bodyHashOk: null, detail: '' };
  if (domain) c.domain = domain.toLowerCase();
  if (selector) c.selector = selector;
  return c;
}

function skipped(field: HeaderField, tags: SignatureTags): DkimCheck {
  const c = base(field, tags.d, tags.s);
  c.status = 'invalid';
  let why: string;
  if (!tags.d || !tags.s) why = 'it has no d= (domain) or s= (selector) tag';
  else if (tags.a && tags.a !== 'rsa-sha256' && tags.a !== 'ed25519-sha256' && tags.a !== 'rsa-sha1') why = `its algorithm "${tags.a.slice(0, 40)}" is not a DKIM algorithm`;
  else if (tags.c && !isKnownCanon(tags.c)) why = `its canonicalization "${tags.c.slice(0, 40)}" is unknown`;
  else why = 'it is malformed';
  c.detail = `This signature cannot be checked: ${why}. Receivers ignore it.`;
  return c;
}

function isKnownCanon(c: string): boolean {
  const [h, b] = c.split('/');
  const ok = (x: string | undefined) => x === undefined || x === 'simple' || x === 'relaxed';
  return ok(h.trim()) && ok(b?.trim());
}

async function classify(ctx: DkimContext, field: HeaderField, r: MailauthDkimResult): Promise<DkimCheck> {
  const c = base(field, r.signingDomain, r.selector);
  const who = `d=${c.domain ?? '?'} s=${c.selector ?? '?'}`;
  const keyName = `${r.selector}._domainkey.${r.signingDomain}`;
  const result = r.status.result;
  const comment = r.status.comment ?? '';
  const bhKnown = typeof r.bodyHash === 'string' && typeof r.bodyHashExpecting === 'string';
  const bhOk = bhKnown ? r.bodyHash === r.bodyHashExpecting : null;
  if (r.bodyHashExpecting) c.bodyHashExpected = r.bodyHashExpecting;
  if (r.bodyHash && !(ctx.headersOnly && bhOk === false)) c.bodyHashComputed = r.bodyHash;
  c.bodyHashOk = ctx.headersOnly && bhOk === false ? null : bhOk;

  const under = r.status.underSized ?? (r.canonBodyLengthLimited && (r.canonBodyLengthTotal ?? 0) > (r.canonBodyLength ?? 0) ? (r.canonBodyLengthTotal ?? 0) - (r.canonBodyLength ?? 0) : undefined);
  if (typeof under === 'number' && under > 0) c.unsignedTailBytes = under;
  const tail = c.unsignedTailBytes
    ? ` The signature covers only the first ${r.canonBodyLengthLimit ?? r.canonBodyLength} bytes of the body (l= tag): ${c.unsignedTailBytes} bytes after them are not signed and could have been added by anyone.`
    : '';
  const expired = r.expiresAfter && Date.parse(r.expiresAfter) < ctx.curTime.getTime();

  if (bhOk === false) {
    // body hash differs: mailauth stopped before the key; check the header signature on its own
    const h = await checkHeaderSignature(r, 'DKIM', ctx.resolver);
    if (ctx.headersOnly) {
      const bodyWords = 'Body: not available (headers only).';
      switch (h.kind) {
        case 'ok':
          c.status = expired ? 'expired' : 'pass';
          c.detail = expired
            ? `${bodyWords} The header signature (${who}) verifies, but it had expired (x=) before delivery.`
            : `${bodyWords} The header signature (${who}) verifies with the published key; the body hash could not be checked.`;
          break;
        case 'bad':
          c.status = 'header-modified';
          c.detail = `${bodyWords} The header signature (${who}) does not verify with the published key: a signed header field was changed after signing.`;
          break;
        case 'no-key':
          c.status = 'key-missing';
          c.detail = `${bodyWords} The key ${keyName} does not exist in DNS, so the signature cannot verify anywhere.`;
          break;
        case 'unavailable':
          c.status = 'not-verifiable-offline';
          c.detail = `${bodyWords} The header signature (${who}) was not checked: the key ${keyName} could not be fetched (${unavailableWords(h.code, ctx.offline)}).`;
          break;
        case 'bad-key':
          c.status = 'invalid';
          c.detail = `${bodyWords} The key ${keyName} cannot be used: ${h.reason}.`;
          break;
        default:
          c.status = 'error';
          c.detail = `${bodyWords} The header signature could not be checked: ${h.reason}.`;
      }
      return c;
    }
    c.status = 'body-modified';
    const hw =
      h.kind === 'ok'
        ? ' The header signature itself verifies: only the body was changed.'
        : h.kind === 'bad'
          ? ' The signed header fields were changed as well.'
          : h.kind === 'unavailable'
            ? ` The header signature was not checked (the key could not be fetched: ${unavailableWords(h.code, ctx.offline)}).`
            : h.kind === 'no-key'
              ? ` The key ${keyName} does not exist in DNS either.`
              : '';
    c.detail = `The body changed after ${c.domain ?? 'the signer'} signed it: the body hash (bh=) no longer matches (${who}). Typical causes: a banner or disclaimer added, links rewritten, attachments replaced, or the content re-encoded.${hw}`;
    return c;
  }

  if (result === 'pass') {
    c.status = 'pass';
    c.detail = `The signature (${who}) verifies: headers and body are as signed.${tail}`;
    return c;
  }
  if (result === 'fail') {
    c.status = 'header-modified';
    c.detail = `The body is as signed, but the header signature (${who}) does not verify with the published key: a signed header field (e.g. Subject, From, To, Date) was changed or added after signing.${tail}`;
    return c;
  }
  if (result === 'temperror') {
    const code = comment.startsWith('DNS failure: ') ? comment.slice(13) : comment;
    c.status = 'not-verifiable-offline';
    c.detail = `Body: intact (the body hash matches). The header signature (${who}) was not checked: the key ${keyName} could not be fetched (${unavailableWords(code, ctx.offline)}).${tail}`;
    return c;
  }
  if (result === 'neutral' && comment === 'no key') {
    c.status = 'key-missing';
    c.detail = `The key ${keyName} does not exist in DNS (selector removed or mistyped), so this signature cannot verify anywhere. The body hash ${bhOk ? 'matches' : 'was not compared'}.`;
    return c;
  }
  if (result === 'neutral' && comment === 'expired') {
    c.status = 'expired';
    c.detail = `The signature (${who}) verifies, but it had expired (x=${r.expiresAfter ?? '?'}) before the message was delivered (${ctx.curTime.toISOString()}).`;
    return c;
  }
  if (result === 'policy' || result === 'neutral') {
    c.status = 'invalid';
    c.detail = `The signature (${who}) is not usable: ${comment || result}.`;
    return c;
  }
  c.status = 'error';
  c.detail = `Unexpected verification result "${result}"${comment ? ` (${comment})` : ''}.`;
  return c;
}

/** DMARC identifier alignment: strict = same domain, relaxed = same organisational domain (public suffix list). */
export function aligned(fromDomain: string, domain: string, strict: boolean): boolean {
  try {
    return !!mailauth().tools.getAlignment(fromDomain, [domain], strict);
  } catch {
    return false;
  }
}

function vendorName(domain: string): string | undefined {
  try {
    const v = vendorByDkimDomain(domain) ?? vendorByHost(domain);
    return v?.name;
  } catch {
    return undefined;
  }
}

function markVendorResign(checks: DkimCheck[], fromDomain: string | undefined): void {
  const hasFromSig = checks.some((c) => c.aligned);
  for (const c of checks) {
    if (!c.domain || c.aligned) continue;
    const vendor = vendorName(c.domain);
    if (vendor) c.vendorResign = vendor;
    else if (hasFromSig && fromDomain && !c.aligned) c.vendorResign = c.domain;
  }
}
