/**
 * ARC, one row per instance: the seal (the chain up to this instance validates), the
 * ARC-Message-Signature of this instance (checked by removing the newer ARC sets and verifying
 * again), and whether the body is still the one this sealer signed. Together they show which
 * hop last saw the body unchanged.
 *
 * mailauth reports a bare "fail" when a key lookup failed for a reason other than "no such
 * record"; those cases are re-labelled "not-verifiable-offline" here.
 */
import type { Analysis, ArcInstanceCheck, DnsLookup, Verification } from '../types';
import { checkHeaderSignature, unavailableWords } from './dkim';
import { mailauth, type MailauthArcData, type MailauthArcInstance, type MailauthDkimResult, type MailauthDkimVerifyResult } from './mailauth';
import { withoutArcNewerThan } from './message';
import { errorCode, isNoRecord, normalizeName, type DnsResolver } from './resolver';

export interface ArcContext {
  analysis: Analysis;
  resolver: DnsResolver;
  lookups: DnsLookup[];
  headersOnly: boolean;
  offline: boolean;
  /** The header block (CRLF, blank line included) of the prepared message that was verified. */
  header: Buffer;
  /** Runs dkimVerify, with the same options and the same body, on another version of the header block. */
  verify(header: Buffer): Promise<MailauthDkimVerifyResult>;
}

type ArcResult = NonNullable<Verification['arc']>;

const MAX_INSTANCES = 50;

function tag(h: MailauthArcInstance['arc-seal'], name: string): string | undefined {
  const v = h?.parsed?.[name]?.value;
  return typeof v === 'string' || typeof v === 'number' || v === true ? String(v) : undefined;
}

export async function checkArc(ctx: ArcContext, data: MailauthArcData | undefined): Promise<ArcResult> {
  const sets = ctx.analysis.arcSets;
  const chain = data && Array.isArray(data.chain) ? data.chain : [];
  if (!sets.length && !chain.length && !data?.error) {
    return { instances: [], chain: 'none', detail: 'The message has no ARC headers: no intermediary sealed it.' };
  }

  if (data?.error || !chain.length) {
    const why = data?.error?.message ?? 'the ARC header fields do not form a chain';
    const instances: ArcInstanceCheck[] = sets.map((s) => ({
      instance: s.instance,
      sealer: s.seal?.domain,
      cv: s.seal?.cv,
      seal: s.seal ? 'fail' : 'missing',
      ams: s.messageSignature ? 'fail' : 'missing',
      bodyHashOk: null,
      detail: `Not checked: ${why}.`,
    }));
    return { instances, chain: 'fail', detail: `The ARC chain is broken: ${why}. Receivers treat a malformed chain as arc=fail.` };
  }

  const instances: ArcInstanceCheck[] = [];
  const n = Math.min(chain.length, MAX_INSTANCES);
  // a chain that verifies whole verifies at every prefix (each seal is checked on the sets up to
  // it, and the cv rules are per instance), so the prefixes are only tried when it does not
  let wholeChain = false;
  if (n > 0 && chain.every((e) => e['arc-seal'])) {
    try {
      await mailauth().arc.verifyASChain({ chain }, { resolver: ctx.resolver });
      wholeChain = true;
    } catch {
      // checked instance by instance below, with the reason
    }
  }
  for (let k = 1; k <= n; k++) {
    const entry = chain[k - 1];
    const row: ArcInstanceCheck = {
      instance: entry.i ?? k,
      seal: 'missing',
      ams: 'missing',
      bodyHashOk: null,
      detail: '',
    };
    const sealer = tag(entry['arc-seal'], 'd');
    if (sealer) row.sealer = sealer.toLowerCase();
    const cv = tag(entry['arc-seal'], 'cv');
    if (cv) row.cv = cv.toLowerCase();
    const words: string[] = [];

    // --- seal: the chain up to this instance
    if (entry['arc-seal']) {
      try {
        if (!wholeChain) await mailauth().arc.verifyASChain({ chain: chain.slice(0, k) }, { resolver: ctx.resolver });
        row.seal = 'pass';
        words.push('seal: valid (the chain up to here verifies)');
      } catch (e) {
        const s = classifySealError(e, entry, ctx);
        row.seal = s.status;
        words.push(`seal: ${s.words}`);
      }
    } else {
      words.push('seal: missing');
    }

    // --- AMS of this instance
    let ams: MailauthDkimResult | undefined;
    if (entry['arc-message-signature']) {
      try {
        const dk = k === chain.length ? undefined : await ctx.verify(withoutArcNewerThan(ctx.header, k));
        const src = dk ? dk.arc : data;
        ams = src?.lastEntry?.i === entry.i ? src.lastEntry.messageSignature : undefined;
      } catch (e) {
        words.push(`message signature: could not be checked (${e instanceof Error ? e.message : String(e)})`);
      }
      if (ams) {
        const a = await classifyAms(ams, ctx);
        row.ams = a.status;
        row.bodyHashOk = a.bodyHashOk;
        words.push(`message signature: ${a.words}`);
      } else if (!words.some((w) => w.startsWith('message signature'))) {
        row.ams = 'fail';
        words.push('message signature: not usable (malformed or does not sign From)');
      }
    } else {
      words.push('message signature: missing');
    }
    row.detail = `i=${row.instance}${row.sealer ? ` sealed by ${row.sealer}` : ''}${row.cv ? ` (cv=${row.cv})` : ''}: ${words.join('; ')}.`;
    instances.push(row);
  }

  return { instances, ...overall(instances, chain.length > n) };
}

function keyLookupFailed(ctx: ArcContext, keyName: string | undefined): DnsLookup | undefined {
  if (!keyName) return undefined;
  const n = normalizeName(keyName);
  return ctx.lookups.find((l) => l.name === n && l.type === 'TXT' && (l.outcome === 'offline' || l.outcome === 'error'));
}

function classifySealError(e: unknown, entry: MailauthArcInstance, ctx: ArcContext): { status: ArcInstanceCheck['seal']; words: string } {
  const code = errorCode(e);
  const msg = e instanceof Error ? e.message : String(e);
  const queryDomain = e && typeof e === 'object' && 'queryDomain' in e ? String((e).queryDomain) : undefined;
  switch (code) {
    case 'failing_arc_seal': {
      // mailauth of older versions turned an unavailable key into this; guard against it
      const ownKey = `${tag(entry['arc-seal'], 's')}._domainkey.${tag(entry['arc-seal'], 'd')}`;
      const failed = keyLookupFailed(ctx, ownKey);
      if (failed) return { status: 'not-verifiable-offline', words: `not verifiable (the key ${failed.name} could not be fetched: ${unavailableWords(failed.error ?? '', ctx.offline)})` };
      return { status: 'fail', words: `does not verify (${msg}): an ARC header field was changed after sealing` };
    }
    case 'invalid_cv_value':
      return { status: 'fail', words: `invalid chain status (${msg}); a sealer that records cv=fail saw a broken chain` };
    case 'missing_arc_header':
    case 'invalid_arc_instance':
    case 'invalid_arc_seal':
      return { status: 'fail', words: `malformed (${msg})` };
    case 'EINVALIDKEYALGO':
      return { status: 'fail', words: `the key ${queryDomain ?? ''} does not suit the seal algorithm` };
    case 'ESHORTKEY':
      return { status: 'fail', words: `the key ${queryDomain ?? ''} is too short` };
    default:
      if (isNoRecord(code)) return { status: 'fail', words: `the key ${queryDomain ?? ''} does not exist in DNS` };
      if (code && code.startsWith('EINVALID')) return { status: 'fail', words: `the key ${queryDomain ?? ''} is not usable (${code})` };
      if (code && queryDomain) return { status: 'not-verifiable-offline', words: `not verifiable (the key ${queryDomain} could not be fetched: ${unavailableWords(code, ctx.offline)})` };
      return { status: 'fail', words: `does not verify (${msg})` };
  }
}

async function classifyAms(r: MailauthDkimResult, ctx: ArcContext): Promise<{ status: ArcInstanceCheck['ams']; bodyHashOk: boolean | null; words: string }> {
  const bhKnown = typeof r.bodyHash === 'string' && typeof r.bodyHashExpecting === 'string';
  const bhOk = bhKnown ? r.bodyHash === r.bodyHashExpecting : null;
  const keyName = `${r.selector}._domainkey.${r.signingDomain}`;
  const comment = r.status.comment ?? '';
  if (bhOk === false) {
    if (ctx.headersOnly) {
      const h = await checkHeaderSignature(r, 'ARC', ctx.resolver);
      const body = 'body not available (headers only)';
      if (h.kind === 'ok') return { status: 'pass', bodyHashOk: null, words: `header signature valid; ${body}` };
      if (h.kind === 'bad') return { status: 'fail', bodyHashOk: null, words: `header signature does not verify; ${body}` };
      if (h.kind === 'unavailable') return { status: 'not-verifiable-offline', bodyHashOk: null, words: `${body}; header signature not checked (${unavailableWords(h.code, ctx.offline)})` };
      return { status: 'fail', bodyHashOk: null, words: `${body}; the key ${keyName} is missing or unusable` };
    }
    return { status: 'body-modified', bodyHashOk: false, words: 'the body changed after this sealer signed it (body hash mismatch)' };
  }
  switch (r.status.result) {
    case 'pass':
      return { status: 'pass', bodyHashOk: bhOk, words: 'valid, body unchanged since this hop' };
    case 'fail':
      return { status: 'fail', bodyHashOk: bhOk, words: 'body unchanged, but the signed header fields were changed after this hop' };
    case 'temperror': {
      const code = comment.startsWith('DNS failure: ') ? comment.slice(13) : comment;
      return { status: 'not-verifiable-offline', bodyHashOk: bhOk, words: `body unchanged since this hop; header signature not checked (the key ${keyName} could not be fetched: ${unavailableWords(code, ctx.offline)})` };
    }
    default:
      if (comment === 'no key') return { status: 'fail', bodyHashOk: bhOk, words: `the key ${keyName} does not exist in DNS` };
      return { status: 'fail', bodyHashOk: bhOk, words: `not usable (${comment || r.status.result})` };
  }
}

function overall(instances: ArcInstanceCheck[], truncated: boolean): { chain: string; detail: string } {
  const last = instances[instances.length - 1];
  const parts: string[] = [];

  // where the body changed: the newest instance whose signer saw a different body
  const changedAfter = [...instances].reverse().find((r) => r.bodyHashOk === false);
  if (changedAfter) {
    const next = instances.find((r) => r.instance > changedAfter.instance && r.bodyHashOk === true);
    parts.push(
      next
        ? `The body changed after i=${changedAfter.instance}${changedAfter.sealer ? ` (${changedAfter.sealer})` : ''} signed it and before i=${next.instance}${next.sealer ? ` (${next.sealer})` : ''} did; i=${next.instance} and later saw the body as delivered.`
        : `The body changed after the newest sealer, i=${changedAfter.instance}${changedAfter.sealer ? ` (${changedAfter.sealer})` : ''}, signed it.`,
    );
  } else if (instances.some((r) => r.bodyHashOk === true)) {
    parts.push(`Every sealer whose body hash could be compared saw the body as delivered.`);
  }
  if (truncated) parts.push(`Only the first ${MAX_INSTANCES} instances were checked.`);

  let chain: string;
  if (last.seal === 'pass' && last.ams === 'pass') {
    chain = 'pass';
    parts.unshift(`The ARC chain validates (${instances.length} instance${instances.length === 1 ? '' : 's'}, newest sealer ${last.sealer ?? '?'}).`);
  } else if (last.seal === 'fail' || last.seal === 'missing' || last.ams === 'fail' || last.ams === 'body-modified' || last.ams === 'missing') {
    chain = 'fail';
    parts.unshift(`The ARC chain fails at i=${last.instance}: ${last.detail}`);
  } else {
    chain = 'not-verifiable-offline';
    parts.unshift('The ARC chain could not be fully checked: the sealers\' public keys were not available, so the seals and the newest message signature were not verified. Nothing found so far breaks the chain.');
  }
  return { chain, detail: parts.join(' ') };
}
