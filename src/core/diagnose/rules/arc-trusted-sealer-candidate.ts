/**
 * arc-trusted-sealer-candidate: the gateway in front of Exchange Online ARC-sealed the message and
 * the ARC chain verifies, yet Exchange Online did not use the sealed results (compauth fail or DMARC
 * fail, and not compauth reason 130). Adding the gateway's sealing domain to the trusted ARC sealers
 * (Set-ArcConfig -ArcTrustedSealers) lets Microsoft 365 honour the gateway's authentication results.
 */
import type { Evidence } from '../../types';
import type { Rule } from '../rule';
import { compauth, verdictResult } from '../verdicts';
import { fieldEvidence, makeFinding, quote, stampEvidence } from '../evidence';
import { gatewayArcSet, relayLabel } from '../route';

export const arcTrustedSealerCandidate: Rule = {
  id: 'arc-trusted-sealer-candidate',
  description: "The gateway ARC-sealed the message and the chain verifies, but Exchange Online did not honour it: a trusted ARC sealer is missing.",
  run({ analysis: a }) {
    if (a.boundary.receiver !== 'exchange-online') return [];
    const g = gatewayArcSet(a);
    if (!g || !g.set.seal) return [];
    const sealer = g.set.seal.domain!.toLowerCase();
    // does the chain verify?
    const evidence: Array<Evidence | null> = [fieldEvidence(a, g.set.seal.fieldIndex, `ARC-Seal i=${g.set.instance} d=${quote(sealer, 60)}`)];
    let verifies: string | null = null;
    const arcVerdict = verdictResult(a, 'arc');
    if (arcVerdict?.result.result === 'pass') {
      verifies = `arc=pass at Exchange Online`;
      evidence.push(stampEvidence(a, arcVerdict.from.stamp, 'arc=pass'));
    } else if (arcVerdict && arcVerdict.result.result !== 'none') {
      return [];
    }
    const chk = a.verification?.arc;
    if (!verifies && chk && chk.chain === 'pass') verifies = 'the ARC chain verifies in our re-verification';
    if (!verifies && chk) {
      const inst = chk.instances.find((i) => i.instance === g.set.instance);
      if (inst && inst.seal === 'pass' && inst.ams === 'pass') verifies = `ARC set i=${g.set.instance} verifies in our re-verification`;
    }
    if (!verifies) return [];
    // ... and was not honoured
    const ca = compauth(a);
    if (ca?.reason === '130') return [];
    const dm = verdictResult(a, 'dmarc');
    const caFail = ca?.result === 'fail';
    const dmFail = dm?.result.result === 'fail';
    if (!caFail && !dmFail) return [];
    if (ca) evidence.push(ca.evidence);
    if (dm && dmFail) evidence.push(stampEvidence(a, dm.from.stamp, 'dmarc=fail'));
    const outcome = caFail ? `compauth=fail${ca?.reason ? ` reason=${ca.reason}` : ''}` : 'dmarc=fail';
    const msg = `${relayLabel(a)} ARC-sealed the message as d=${quote(sealer, 60)} (i=${g.set.instance}) and ${verifies}, but Exchange Online did not use the sealed results (${outcome}, not reason 130): ${quote(sealer, 60)} is not a trusted ARC sealer.`;
    return [makeFinding('arc-trusted-sealer-candidate', 'warning', msg, g.sealStamp?.hopIndex ?? a.boundary.entryHopIndex, evidence, ['arc-trusted-sealer'])];
  },
};
