/**
 * DMARC from our own DKIM and SPF results: the From domain's policy (from DNS when available,
 * with the organisational-domain fallback), the alignment modes, and the result the message would
 * get if SPF were evaluated for the original sender (the what-if).
 *
 * Alignment: strict = the same domain; relaxed = the same organisational domain, found with the
 * public suffix list (mailauth's getAlignment, fixed for strict mode in 7.x).
 */
import type { DkimCheck, DnsMode, SpfWhatIf, Verification } from '../types';
import { aligned } from './dkim';
import { mailauth, type MailauthDmarcRecord } from './mailauth';
import { errorCode, type DnsResolver } from './resolver';
import type { MailFrom } from './spf';

type DmarcResult = NonNullable<Verification['dmarc']>;

export interface DmarcContext {
  fromDomain: string | undefined;
  dnsMode: DnsMode;
  resolver: DnsResolver;
  dkim: DkimCheck[];
  spf: SpfWhatIf[];
  mailFrom: MailFrom | undefined;
}

export async function checkDmarc(ctx: DmarcContext): Promise<DmarcResult> {
  const from = ctx.fromDomain?.toLowerCase();
  if (!from) return { alignment: {}, detail: 'DMARC cannot be evaluated: no From address could be read.' };
  const out: DmarcResult = { fromDomain: from, alignment: {}, detail: '' };
  const parts: string[] = [];

  // --- policy
  let record: MailauthDmarcRecord | false | undefined;
  let policyError: string | undefined;
  if (ctx.dnsMode !== 'off') {
    try {
      record = await mailauth().dmarcRecord(from, ctx.resolver);
    } catch (e) {
      policyError = errorCode(e) ?? (e instanceof Error ? e.message : String(e));
    }
  }
  let adkim: 'strict' | 'relaxed' = 'relaxed';
  let aspf: 'strict' | 'relaxed' = 'relaxed';
  if (record) {
    adkim = record.adkim === 's' ? 'strict' : 'relaxed';
    aspf = record.aspf === 's' ? 'strict' : 'relaxed';
    out.alignment = { dkim: adkim, spf: aspf };
    out.policy = (record.isOrgRecord ? record.sp || record.p : record.p) ?? 'none';
    parts.push(
      `Policy p=${out.policy}${record.isOrgRecord ? ` (inherited from _dmarc.${record.recordDomain}${record.sp ? ', sp=' + record.sp : ''})` : ''}` +
        `, DKIM alignment ${adkim}, SPF alignment ${aspf}${typeof record.pct === 'number' && record.pct !== 100 ? `, pct=${record.pct}` : ''}.`,
    );
  } else if (record === false) {
    out.alignment = { dkim: 'relaxed', spf: 'relaxed' };
    parts.push(`${from} publishes no DMARC record (nor does its organisational domain).`);
  } else if (ctx.dnsMode === 'off') {
    parts.push('The DMARC record was not looked up (DNS is off); alignment was judged as relaxed, the default.');
  } else {
    parts.push(`The DMARC record could not be fetched (${policyError}); alignment was judged as relaxed, the default.`);
  }

  // --- DKIM
  const dkimAligned = ctx.dkim.filter((c) => c.domain && aligned(from, c.domain, adkim === 'strict'));
  const dkimPass = dkimAligned.filter((c) => c.status === 'pass');
  const dkimUnknown = dkimAligned.filter((c) => c.status === 'not-verifiable-offline' || c.status === 'error');
  const strictMissed = adkim === 'strict' ? ctx.dkim.filter((c) => c.status === 'pass' && c.domain && !dkimAligned.includes(c) && aligned(from, c.domain, false)) : [];
  if (dkimPass.length) parts.push(`DKIM: aligned pass by ${dkimPass.map((c) => c.domain).join(', ')}.`);
  else if (dkimUnknown.length) parts.push(`DKIM: the aligned signature by ${dkimUnknown.map((c) => c.domain).join(', ')} could not be fully verified.`);
  else if (dkimAligned.length) parts.push(`DKIM: the aligned signature by ${dkimAligned.map((c) => `${c.domain} (${c.status})`).join(', ')} does not pass.`);
  else parts.push(`DKIM: no signature aligned with ${from}${ctx.dkim.length ? ` (signed by ${[...new Set(ctx.dkim.map((c) => c.domain ?? '?'))].join(', ')})` : ''}.`);
  if (strictMissed.length) parts.push(`Strict DKIM alignment (adkim=s) rejects ${strictMissed.map((c) => c.domain).join(', ')}: the domain must equal ${from} exactly.`);

  // --- SPF (what-if for the original sender's IP)
  const mfDomain = ctx.mailFrom ? ctx.mailFrom.address.slice(ctx.mailFrom.address.lastIndexOf('@') + 1) : undefined;
  const spfAligned = mfDomain ? aligned(from, mfDomain, aspf === 'strict') : false;
  const original = ctx.spf.find((s) => s.role === 'original-sender') ?? ctx.spf.find((s) => s.role === 'connecting-relay');
  let spfState: 'pass' | 'fail' | 'unknown';
  if (!mfDomain) {
    spfState = 'fail';
    parts.push('SPF: no envelope sender known.');
  } else if (!spfAligned) {
    spfState = 'fail';
    parts.push(`SPF: the envelope sender domain ${mfDomain} is not aligned with ${from} (${aspf}).`);
  } else if (!original) {
    spfState = 'unknown';
    parts.push(`SPF: aligned envelope sender ${mfDomain}, but SPF was not evaluated (${ctx.dnsMode === 'off' ? 'DNS is off' : 'no sender IP'}).`);
  } else if (original.result === 'pass') {
    spfState = 'pass';
    parts.push(`SPF: ${mfDomain} passes for ${original.ip} (${original.role}) and is aligned.`);
  } else if (original.result === 'temperror' || original.result === 'error') {
    spfState = 'unknown';
    parts.push(`SPF: could not be evaluated for ${original.ip} (${original.result}).`);
  } else {
    spfState = 'fail';
    parts.push(`SPF: ${original.result} for ${original.ip} (${original.role}).`);
  }

  // --- result
  if (record === false) out.result = 'none';
  else if (dkimPass.length || spfState === 'pass') out.result = 'pass';
  else if (dkimUnknown.length || spfState === 'unknown' || record === undefined) out.result = ctx.dnsMode === 'off' ? 'not-verifiable-offline' : 'temperror';
  else out.result = 'fail';

  const head =
    out.result === 'pass'
      ? `DMARC would pass for ${from}.`
      : out.result === 'fail'
        ? `DMARC would fail for ${from}: no aligned identifier passes.`
        : out.result === 'none'
          ? `DMARC does not apply: ${from} has no policy.`
          : `DMARC for ${from} could not be decided${ctx.dnsMode === 'off' ? ' offline' : ''}.`;
  // what the receiver itself would have concluded, judging SPF on the relay it saw
  const relay = ctx.spf.find((s) => s.role === 'connecting-relay');
  if (out.result === 'pass' && !dkimPass.length && original?.role === 'original-sender' && relay && relay.result !== 'pass') {
    parts.push(
      `This pass rests on SPF for the original sender alone. The receiver saw the relay ${relay.ip}, for which SPF gives ${relay.result}: judged on that relay, DMARC fails, unless the receiver looks past the relay (Enhanced Filtering, Gmail's inbound gateway setting) or trusts an ARC sealer.`,
    );
  }
  out.detail = [head, ...parts].join(' ');
  return out;
}
