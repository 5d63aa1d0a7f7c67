/**
 * slow-hop: the message waited at one hop longer than the threshold (options.slowHopMs, default
 * 15 minutes): a queue, a greylisting delay, a sandbox detonation or a retry after a failure.
 */
import type { Finding } from '../../types';
import type { DiagnoseOptions, Rule } from '../rule';
import { hopEvidence, makeFinding, quote } from '../evidence';
import { formatDuration } from '../../present/duration';
import { shortVendorName } from '../../present/vendors';

/** The threshold: options.slowHopMs when it is a positive number, else 15 minutes. */
function slowHopMs(options: DiagnoseOptions): number {
  const v = options.slowHopMs;
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 15 * 60 * 1000;
}

export const slowHop: Rule = {
  id: 'slow-hop',
  description: 'A hop took longer than the slow-hop threshold (default 15 minutes).',
  run({ analysis: a, options }) {
    const limit = slowHopMs(options);
    const out: Finding[] = [];
    for (const h of a.hops) {
      if (h.index === 0 || h.delayMs === null || h.clockSkew || h.delayMs <= limit) continue;
      const prev = a.hops[h.index - 1];
      const by = quote(h.by.host, 80) || 'the next host';
      const prevBy = quote(prev.by.host, 80) || 'the previous host';
      const vendor = h.role === 'receiver-edge' && prev.role === 'gateway' && prev.vendor ? ` (held at the ${shortVendorName(prev.vendor.name)} gateway)` : '';
      const msg = `The message took ${formatDuration(h.delayMs)} from ${prevBy} to ${by}${vendor}, above the ${formatDuration(limit)} threshold.`;
      out.push(makeFinding('slow-hop', 'warning', msg, h.index, [hopEvidence(a, prev.index, `timestamp ${prev.timestamp ?? '?'}`), hopEvidence(a, h.index, `timestamp ${h.timestamp ?? '?'}`)], []));
    }
    return out;
  },
};
