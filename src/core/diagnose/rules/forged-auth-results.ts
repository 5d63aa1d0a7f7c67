/**
 * forged-auth-results: an authentication header carries the receiver's own identity (EOP's id-less
 * Authentication-Results, mx.google.com, ...) but sits below the point where the receiver took the
 * message, so the receiver cannot have written it. It was added before delivery — typically by the
 * sender, to make the message look authenticated. Its results must be ignored (RFC 8601 §5).
 */
import type { AuthStamp, Finding } from '../../types';
import type { Rule } from '../rule';
import { vendorByAuthservId } from '../../net/kb';
import { hopEvidence, makeFinding, quote, stampEvidence } from '../evidence';
import { nonLinearRoute, receiverLabel } from '../route';
import { stampName } from '../verdicts';
import { shortVendorName } from '../../present/vendors';

/** Stamps written in the receiver's own name (EOP's id-less results, mx.google.com, ...). */
function isReceiverStamp(s: AuthStamp): boolean {
  return s.kind !== 'authentication-results-original' && (s.writer === 'Exchange Online' || /(^|\.)(mx\.google\.com|google\.com|mx\.microsoft\.com|protection\.outlook\.com)$/i.test(s.writer ?? ''));
}

function claimedPasses(s: AuthStamp): string[] {
  return Object.entries(s.summary)
    .filter(([, v]) => typeof v === 'string' && /^(pass|bestguesspass)$/i.test(v))
    .map(([k, v]) => `${k}=${v}`);
}

export const forgedAuthResults: Rule = {
  id: 'forged-auth-results',
  description: "An authentication header claims the receiver's identity but sits below the receiver's entry: it was added before delivery.",
  run({ analysis: a, options }) {
    const forged = a.stamps.filter((s) => s.trust === 'forged');
    if (!forged.length) return [];
    // Non-linear routing legitimately leaves an older verdict of the same receiver below the entry.
    const nl = nonLinearRoute(a, options);
    const out: Finding[] = [];
    const receiver = receiverLabel(a);
    const entry = a.boundary.entryHopIndex;
    for (const s of forged) {
      // the first pass's verdict, written before the message left Microsoft 365
      if (nl && s.fieldIndex > a.hops[nl.leftHopIndex].fieldIndex) continue;
      // only authentication results can be forged this way (skip-listing headers have no position)
      if (s.kind === 'skip-listed' || s.kind === 'external-original') continue;
      const passes = claimedPasses(s);
      const who = s.writer ? quote(s.writer, 60) : receiver;
      const ignore = passes.length ? `; its ${passes.join(', ')} must be ignored` : '';
      const vendor = s.writer ? vendorByAuthservId(s.writer) : undefined;
      const operator = /(^|\.)google\.com$/i.test(s.writer ?? '') ? 'Google' : s.writer === 'Exchange Online' || /(^|\.)(mx\.microsoft\.com|protection\.outlook\.com)$/i.test(s.writer ?? '') ? 'Exchange Online' : null;
      const ownName = operator !== null && operator === receiver;
      const msg =
        vendor && !isReceiverStamp(s)
          ? `${stampName(s)} claims to be the results of ${shortVendorName(vendor.name)} (${who}), but no ${shortVendorName(vendor.name)} host handled this message on its route, so ${shortVendorName(vendor.name)} did not write it${ignore}. The sender added it, most likely to make the message look authenticated.`
          : ownName || operator === null
            ? `${stampName(s)} claims to come from ${who}, but it sits below the point where ${receiver} took the message, so ${receiver} did not write it${ignore}. It was added before delivery, most likely to make the message look authenticated.`
            : `${stampName(s)} claims to come from ${who}, but ${operator} handled nothing on this message's route, so ${operator} did not write it${ignore}. It was added before delivery, most likely to make the message look authenticated.`;
      out.push(
        makeFinding(
          'forged-auth-results',
          passes.length ? 'error' : 'warning',
          msg,
          s.hopIndex,
          [stampEvidence(a, s, 'written before the receiver'), hopEvidence(a, entry, `${receiver} took the message here`)],
          [],
        ),
      );
    }
    return out;
  },
};
