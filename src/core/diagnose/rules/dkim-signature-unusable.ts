/**
 * dkim-signature-unusable: a DKIM signature could not be verified at all, for a reason that has
 * nothing to do with the message changing on the way: no key published for its selector ("no key
 * for signature"), a revoked, malformed or too-short key, a malformed signature, an unsupported
 * algorithm, or an expired signature. Sources: the receiver's own comment on its dkim result and
 * our re-verification (key-missing, invalid, expired). Such a signature fails everywhere, so it is
 * the sender's DKIM setup to fix, not a gateway or a list; a body or header change found on the
 * same signature is named too but is not what failed it.
 */
import type { Analysis, AuthResult, Evidence, Finding } from '../../types';
import type { Rule } from '../rule';
import { alignedDkimPassAtReceiver, dkimResultDomain, dkimSignatureField } from '../dkim';
import { commentsText, sameOrgDomain, verdictResults } from '../verdicts';
import { fieldEvidence, makeFinding, quote, stampEvidence } from '../evidence';
import { fromDomain } from '../organisation';

type Reason = 'no-key' | 'bad-key' | 'bad-signature' | 'expired';

/** The receiver's comment, read for a reason that makes a signature unusable (null: none of them). */
export function unusableReason(comment: string): Reason | null {
  const t = comment.toLowerCase();
  if (/\bno key\b|key not found|no public key|key (?:is )?missing/.test(t)) return 'no-key';
  if (/revoked|invalid public key|bad key|\d+-bit key|key too (?:small|short)|unprotected/.test(t)) return 'bad-key';
  if (/signature syntax error|bad message\/signature format|inappropriate hash algorithm|unsupported (?:hash )?algorithm/.test(t)) return 'bad-signature';
  if (/expired|exipred/.test(t)) return 'expired';
  return null;
}

const WORDS: Record<Reason, (key: string) => string> = {
  'no-key': (key) => `no key is published for it (${key} has no DKIM key: the selector was removed, mistyped or never published)`,
  'bad-key': (key) => `its key (${key}) cannot be used: revoked (empty p=), malformed, or too short to be accepted`,
  'bad-signature': () => 'the signature itself is malformed or uses an algorithm the receiver does not accept',
  expired: () => 'the signature had expired (x=) before the message was delivered',
};

const CHECK_STATUS: Record<string, Reason> = { 'key-missing': 'no-key', invalid: 'bad-key', expired: 'expired' };

interface Unusable {
  domain?: string;
  selector?: string;
  reason: Reason;
  receiverText?: string;
  evidence: Array<Evidence | null>;
}

/** The receiver's dkim results that name an unusable signature. */
function receiverUnusable(a: Analysis): Array<{ r: AuthResult; reason: Reason; evidence: Evidence | null }> {
  const v = verdictResults(a, 'dkim');
  const out: Array<{ r: AuthResult; reason: Reason; evidence: Evidence | null }> = [];
  for (const r of v?.results ?? []) {
    if (r.result === 'pass' || r.result === 'none') continue;
    const reason = unusableReason(commentsText(r));
    if (reason) out.push({ r, reason, evidence: stampEvidence(a, v!.from.stamp, `dkim=${r.result} (${quote(r.comments.join(' '), 60)})`) });
  }
  return out;
}

/** True when the receiver said this signature was unusable (no key, bad key, …): its failure is not a change in transit. */
export function unusableAtReceiver(a: Analysis, domain: string | undefined, selector: string | undefined): boolean {
  return receiverUnusable(a).some(({ r }) => {
    const d = dkimResultDomain(r);
    const s = r.props['header.s'];
    return !!d && d === domain?.toLowerCase() && (!s || !selector || s.toLowerCase() === selector.toLowerCase());
  });
}

export const dkimSignatureUnusable: Rule = {
  id: 'dkim-signature-unusable',
  description: 'A DKIM signature could not be verified at all (no key published, a revoked or bad key, a malformed or expired signature): a sender-side setup problem, not a change in transit.',
  run({ analysis: a }) {
    const found = new Map<string, Unusable>();
    const keyOf = (d: string | undefined, s: string | undefined) => `${(d ?? '?').toLowerCase()}\u0000${(s ?? '').toLowerCase()}`;
    for (const { r, reason, evidence } of receiverUnusable(a)) {
      const d = dkimResultDomain(r);
      const s = r.props['header.s'];
      const k = keyOf(d, s);
      if (!found.has(k)) found.set(k, { domain: d, selector: s, reason, receiverText: `dkim=${r.result} (${r.comments.join(' ')})`, evidence: [evidence] });
    }
    for (const c of a.verification?.dkim ?? []) {
      const reason = CHECK_STATUS[c.status];
      const mine = [...found.values()].find((u) => u.domain === c.domain?.toLowerCase() && (!u.selector || u.selector.toLowerCase() === c.selector?.toLowerCase()));
      if (mine) {
        mine.selector ??= c.selector;
        mine.evidence.push(fieldEvidence(a, c.fieldIndex, `our check: ${c.status}`));
        continue;
      }
      if (!reason) continue;
      found.set(keyOf(c.domain, c.selector), { domain: c.domain?.toLowerCase(), selector: c.selector, reason, evidence: [fieldEvidence(a, c.fieldIndex, `our check: ${c.status}`)] });
    }

    const receiver = a.boundary.receiverName ?? 'the receiver';
    const out: Finding[] = [];
    for (const u of found.values()) {
      const sigField = dkimSignatureField(a, u.domain, u.selector);
      const key = u.selector ? `${u.selector}._domainkey.${u.domain ?? '?'}` : `the selector's name under _domainkey.${u.domain ?? '?'}`;
      const check = (a.verification?.dkim ?? []).find((c) => c.fieldIndex === sigField);
      const who = `DKIM signature d=${u.domain ?? '?'}${u.selector ? ` s=${quote(u.selector, 40)}` : ''}`;
      let msg = u.receiverText
        ? `${who}: ${receiver} could not use it (${quote(u.receiverText, 80)}): ${WORDS[u.reason](key)}.`
        : `${who}: our re-verification could not use it: ${WORDS[u.reason](key)}.`;
      msg += ' It fails at every receiver whatever happens to the message, so this is for the signer to fix, not a gateway or a list.';
      if (check?.status === 'body-modified') msg += ' Our re-verification also found the body hash differing, but that is not what failed it here.';
      const fd = fromDomain(a);
      const alignedSig = !!fd && sameOrgDomain(u.domain, fd);
      const other = alignedDkimPassAtReceiver(a, { domain: u.domain, selector: u.selector });
      if (other) msg += ` Another aligned signature (d=${other}) passed, so DMARC does not depend on this one.`;
      const severity = alignedSig && !other ? 'warning' : 'info';
      out.push(makeFinding('dkim-signature-unusable', severity, msg, a.boundary.entryHopIndex, [fieldEvidence(a, sigField, 'the unusable signature'), ...u.evidence], []));
    }
    return out;
  },
};
