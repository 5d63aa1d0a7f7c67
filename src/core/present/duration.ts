/**
 * Durations and hop delays in words: the one set of rules for findings, reports, the tree and the terminal.
 */
import type { Hop } from '../types';

/**
 * A length of time in at most two neighbouring units, rounded to the second: "0 s", "45 s",
 * "3 min 20 s", "15 min", "2 h 5 min", "3 d 4 h". No sign: the caller says which way it goes.
 */
export function formatDuration(ms: number): string {
  let s = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return h ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

/** A signed duration: "+0 s", "+3 min 20 s", "−40 s" (a minus sign, U+2212, for time going backwards). */
export function formatSignedDuration(ms: number): string {
  return `${ms < 0 ? '−' : '+'}${formatDuration(ms)}`;
}

/** A hop's delay: "+2 s", "clock skew −40 s", or "" when unknown. */
export function formatDelay(hop: Pick<Hop, 'delayMs' | 'clockSkew'>): string {
  if (hop.delayMs === null) return '';
  if (hop.clockSkew || hop.delayMs < 0) return `clock skew ${formatSignedDuration(hop.delayMs)}`;
  return formatSignedDuration(hop.delayMs);
}
