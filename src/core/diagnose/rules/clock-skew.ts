/**
 * clock-skew: a hop is timestamped earlier than the hop before it. One of the two servers' clocks
 * is wrong (or a time zone is written wrongly), so the delays around it cannot be trusted.
 */
import type { Finding } from '../../types';
import type { Rule } from '../rule';
import { hopEvidence, makeFinding, quote } from '../evidence';
import { formatDuration } from '../../present/duration';

export const clockSkew: Rule = {
  id: 'clock-skew',
  description: 'A hop is timestamped before the previous one: a server clock or time zone is wrong.',
  run({ analysis: a }) {
    const out: Finding[] = [];
    for (const h of a.hops) {
      if (!h.clockSkew || h.delayMs === null || h.delayMs >= 0 || h.index === 0) continue;
      const prev = a.hops[h.index - 1];
      const by = quote(h.by.host, 80) || 'this host';
      const prevBy = quote(prev.by.host, 80) || 'the previous host';
      const msg = `${by} stamped the message ${formatDuration(-h.delayMs)} before ${prevBy} handed it on: one of the two clocks (or time zones) is wrong, so the delay at this hop is unknown.`;
      out.push(
        makeFinding(
          'clock-skew',
          'warning',
          msg,
          h.index,
          [hopEvidence(a, prev.index, `timestamp ${prev.timestamp ?? '?'}`), hopEvidence(a, h.index, `timestamp ${h.timestamp ?? '?'}`)],
          [],
        ),
      );
    }
    return out;
  },
};
