/**
 * Verdict words: the one place that decides how a receiver, an authentication result and the
 * message's overall verdict are named for a person. The terminal text, the JSON records, the
 * Markdown and HTML reports (and the extension's status bar and tree, which import the same
 * functions) all read these, so no two views can disagree on the receiver or call a message
 * "failed" that the receiver passed.
 *
 * Pure and deterministic; no 'vscode' import. The texts are plain words; callers escape them for
 * their own syntax.
 */
import type { Analysis, AuthSummary, ReceiverKind } from '../types';

// ---------------------------------------------------------------------------------------------
// The receiver

const RECEIVER_KIND: Record<ReceiverKind, string> = {
  'exchange-online': 'Exchange Online',
  gmail: 'Gmail',
  other: 'other',
  unknown: 'unknown',
};

/** The receiver's kind in words, the same token family as the JSON's boundary.receiver. */
export function receiverKindText(kind: ReceiverKind): string {
  return RECEIVER_KIND[kind] ?? 'unknown';
}

/**
 * The receiver as every view shows it: its kind first (the JSON's boundary.receiver, in words),
 * then the name it stamped when it is not just the kind again. "Exchange Online",
 * "other (mx.example.org)", "unknown (last host mail.example.net)", "unknown".
 */
export function receiverText(b: Pick<Analysis['boundary'], 'receiver' | 'receiverName'>): string {
  const kind = receiverKindText(b.receiver);
  const name = b.receiverName?.trim();
  if (!name || name.toLowerCase() === kind.toLowerCase()) return kind;
  return b.receiver === 'unknown' ? `${kind} (last host ${name})` : `${kind} (${name})`;
}

// ---------------------------------------------------------------------------------------------
// One result

/** How a result reads at a glance: pass, fail, a warning, or nothing either way. */
export type Outcome = 'pass' | 'fail' | 'warn' | 'neutral';

/**
 * The outcome of one result keyword (RFC 8601 results, RFC 7208 SPF results, Exchange Online's
 * bestguesspass and compauth's softpass). temperror and neutral are warnings (nothing was
 * decided); permerror is a failure (a broken record fails for good); none is neutral.
 */
export function outcomeOf(result: string | undefined): Outcome {
  const r = (result ?? '').trim().toLowerCase();
  if (r === 'pass' || r === 'bestguesspass' || r === 'softpass') return 'pass';
  if (r === 'fail' || r === 'hardfail' || r === 'permerror') return 'fail';
  if (r === 'softfail' || r === 'temperror' || r === 'neutral' || r === 'policy') return 'warn';
  return 'neutral';
}

/**
 * What a result of a method means, by method and lower-cased result: the one wording the CLI, the
 * hovers, the tree and the reports use.
 */
export const RESULT_WORDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  spf: {
    pass: "the connecting IP is allowed by the envelope sender domain's SPF record.",
    fail: "the domain's SPF record says this IP is not allowed to send for it (-all).",
    softfail: "the domain's SPF record says this IP is probably not allowed (~all).",
    neutral: 'the SPF record makes no statement about this IP (?all).',
    none: 'the domain publishes no SPF record (or no domain to check).',
    temperror: 'the SPF record could not be fetched (a temporary DNS failure); nothing was decided.',
    permerror: "the domain's SPF record cannot be used (a syntax error, more than one record, or more than 10 DNS lookups): no SPF result at all.",
  },
  dkim: {
    pass: 'the signature verified: the signed headers and the body are unchanged since signing.',
    fail: 'the signature did not verify (see the comment for why).',
    neutral: 'the signature could not be verified; Gmail reports a body hash mismatch this way.',
    none: 'the message carries no DKIM signature.',
    policy: 'the signature verified but the receiver does not accept it by policy.',
    temperror: 'the signing key could not be fetched (a temporary DNS failure); nothing was decided.',
    permerror: 'the signature cannot be verified: no key published, a revoked key, or a malformed signature.',
  },
  dmarc: {
    pass: 'SPF or DKIM passed for a domain aligned with the From domain.',
    fail: "neither SPF nor DKIM passed for a domain aligned with the From domain; the domain's policy (p=) applies.",
    bestguesspass:
      'Exchange Online: the From domain has no DMARC record, but the message would have passed one. Not a DMARC pass: the domain publishes no policy.',
    none: 'the From domain publishes no DMARC record.',
    temperror: 'the DMARC record could not be fetched (a temporary DNS failure); nothing was decided.',
    permerror:
      "the From domain's DMARC record could not be used (for example a syntax error in it), so the receiver applied no DMARC policy. It says nothing about whether this message is genuine: judge it by SPF, DKIM and compauth, and tell the domain's owner to fix the record.",
  },
  arc: {
    pass: "the ARC chain validated: the intermediaries' seals are intact.",
    fail: 'the ARC chain is broken: a seal or signature did not verify, or a sealer reported cv=fail.',
    none: 'the message carries no ARC sets.',
  },
  iprev: {
    pass: 'the connecting IP has a reverse DNS name that resolves back to it.',
    fail: 'the reverse DNS of the connecting IP does not match.',
  },
  compauth: {
    pass: "Microsoft 365's composite authentication found the From domain genuine.",
    softpass: "Microsoft 365's composite authentication found the From domain probably genuine: a pass with low confidence (not a failure).",
    fail: "Microsoft 365's composite authentication found the From domain not genuine, treated as spoofing (see the reason code).",
    none: 'Microsoft 365 made no composite authentication decision.',
  },
};

/** A plain-words meaning of "method=result" ("dmarc=permerror", "compauth=softpass"), or undefined. */
export function resultMeaning(method: string, result: string | undefined): string | undefined {
  const r = (result ?? '').trim().toLowerCase();
  if (!r) return undefined;
  const words = RESULT_WORDS[method.toLowerCase()];
  return words && Object.prototype.hasOwnProperty.call(words, r) ? words[r] : undefined;
}

/** DMARC `action=` values as Exchange Online writes them, in plain words. */
export const DMARC_ACTIONS: Readonly<Record<string, string>> = {
  none: "no action: the domain's policy is p=none, or the message passed.",
  reject: "rejected under the domain's p=reject policy.",
  quarantine: "quarantined or sent to Junk under the domain's p=quarantine policy.",
  oreject:
    'the domain asks for p=reject, and Exchange Online overrode it: the message was accepted and sent to Junk or quarantine instead of rejected.',
  'o.reject':
    'the domain asks for p=reject, and Exchange Online overrode it: the message was accepted and sent to Junk or quarantine instead of rejected.',
  pct: 'the policy was not applied to this message because of the pct= sampling rate.',
  'pct.quarantine': 'the pct= sampling rate chose not to apply the quarantine policy to this message.',
  'pct.reject': 'the pct= sampling rate chose not to apply the reject policy to this message.',
  permerror: 'the DMARC record could not be used.',
  temperror: 'a temporary DNS error stopped the check.',
};

/** A plain-words meaning of Exchange Online's DMARC action= ("oreject", "quarantine", "none"), or undefined. */
export function dmarcActionMeaning(action: string | undefined): string | undefined {
  const a = (action ?? '').trim().toLowerCase();
  return a && Object.prototype.hasOwnProperty.call(DMARC_ACTIONS, a) ? DMARC_ACTIONS[a] : undefined;
}

// ---------------------------------------------------------------------------------------------
// The receiver's verdict and the headline

/** The receiver's own verdict, merged over every verdict stamp (first value per method wins). */
export function receiverVerdict(a: Analysis): AuthSummary {
  const out: AuthSummary = {};
  const keys: Array<keyof AuthSummary> = ['spf', 'dkim', 'dmarc', 'arc', 'compauth'];
  for (const s of a.stamps) {
    if (s.trust !== 'verdict') continue;
    for (const k of keys) if (out[k] === undefined && s.summary[k] !== undefined) out[k] = s.summary[k];
  }
  return out;
}

/** "spf=pass dkim=fail dmarc=fail compauth=fail", or "" when nothing was stamped. */
export function formatAuthSummary(s: AuthSummary): string {
  const parts: string[] = [];
  for (const k of ['spf', 'dkim', 'dmarc', 'arc', 'compauth'] as const) if (s[k] !== undefined) parts.push(`${k}=${s[k]}`);
  return parts.join(' ');
}

/**
 * Did the receiver, taken as a whole, pass or fail the sender? Its DMARC or compauth result
 * decides (compauth overrides DMARC at Exchange Online: an ARC-trusted or implicit pass); a
 * failed SPF or DKIM alone is not a failed message when either of those passed.
 */
export function receiverOutcome(v: AuthSummary): Outcome {
  const ca = outcomeOf(v.compauth);
  const dm = outcomeOf(v.dmarc);
  if (ca === 'pass') return 'pass';
  if (ca === 'fail') return 'fail';
  if (dm === 'pass') return 'pass';
  if (dm === 'fail') return 'fail';
  const rest = (Object.values(v) as Array<string | undefined>).map((x) => outcomeOf(x));
  if (rest.includes('fail')) return 'fail';
  if (rest.includes('warn')) return 'warn';
  if (rest.includes('pass')) return 'pass';
  return 'neutral';
}

/** The one-line authentication verdict: "Authentication passed (…)", "Authentication failed (…)", … */
export function receiverVerdictText(a: Analysis): { outcome: Outcome; text: string } {
  const v = receiverVerdict(a);
  const s = formatAuthSummary(v);
  const o = receiverOutcome(v);
  if (!s) return { outcome: 'neutral', text: 'No verdict from the receiver' };
  const head = o === 'pass' ? 'Authentication passed' : o === 'fail' ? 'Authentication failed' : o === 'warn' ? 'Authentication undecided' : 'No authentication decision';
  return { outcome: o, text: `${head} (${s})` };
}
