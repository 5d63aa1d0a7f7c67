// From a generator's draft to a Remedy: the omitted values, the review line, the fit rank, the public sources, word lists.
import type { Remedy, RemedyKind } from '../types';
import { commentText, displayValue, psComment } from './powershell';
import { say, sourcesOf, takeUsed } from './say';
import { citation } from './sources';

export const MAX_OMITTED = 50;

export class Omitted {
  readonly list: Remedy['omitted'] = [];
  private extra = 0;
  private readonly seen = new Set<string>();

  add(value: unknown, reason: string): void {
    const v = displayValue(value);
    const key = `${v}\u0000${reason}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.list.length < MAX_OMITTED) this.list.push({ value: v, reason });
    else this.extra++;
  }

  /** A summary entry that is always kept (for caps). */
  note(value: string, reason: string): void {
    this.list.push({ value, reason });
  }

  done(): Remedy['omitted'] {
    if (this.extra) this.list.push({ value: `(${this.extra} more)`, reason: say('omit.more', { max: MAX_OMITTED }) });
    return this.list;
  }
}

export const KIND_OF: Record<string, RemedyKind> = {
  'efc-verify': 'efc',
  'efc-skip-last-ip': 'efc',
  'efc-skip-ips': 'efc',
  'efc-pilot-users': 'efc',
  'lockdown-connector': 'lockdown',
  'lockdown-certificate': 'lockdown',
  'reject-direct-send': 'lockdown',
  'arc-trusted-sealer': 'arc',
  'gmail-inbound-gateway': 'gmail',
  'device-relay-connector': 'relay',
  'device-relay-certificate': 'relay',
  'spf-record-relay': 'relay',
  'remove-scl-bypass': 'cleanup',
  'remove-ip-allow': 'cleanup',
};

/** Canonical order of remedy ids (output order within the same fit). */
export const REMEDY_IDS = Object.keys(KIND_OF);

/** The title users see for a remedy id (named in other remedies' texts instead of the id). */
export function remedyTitleWords(id: string): string {
  return say(`title.ref.${id}`);
}

/** The product's own line above every script. */
export function reviewLine(): string {
  return say('common.review');
}

export const REVIEW_LINE = 'Review before running: Mail Flow Lens only writes this text, it never runs it.';

/**
 * How well a remedy fits the message, best first: what the list is ordered by everywhere (CLI,
 * quick-fix menu, panel). recommended: the best fit; confirm-first: fits once a value is confirmed
 * or filled in; alternative: works, another one fits better; optional: clean-up or verification;
 * not-this-message: does not fit this message (shown for completeness, last).
 */
export type Fit = 'recommended' | 'confirm-first' | 'alternative' | 'optional' | 'not-this-message';

const FIT_RANK: Record<Fit, number> = { recommended: 0, 'confirm-first': 1, alternative: 2, optional: 3, 'not-this-message': 4 };

const fitOf = new WeakMap<Remedy, number>();

/** The fit rank finish() recorded for a remedy (remedies read back from JSON sort as alternatives). */
export function fitRank(r: Remedy): number {
  return fitOf.get(r) ?? (r.recommended ? 0 : FIT_RANK.alternative);
}

export interface Draft {
  id: string;
  title: string;
  language: Remedy['language'];
  /** PowerShell: comment lines (without '#'), placed first. */
  header?: string[];
  /** PowerShell: rendered command lines; markdown / dns: the text lines. */
  body: string[];
  parameters: Record<string, unknown>;
  recommended: boolean;
  /** Defaults to recommended / alternative. */
  fit?: Fit;
  why: string;
  caveats?: string[];
  preChecks?: string[];
  rollback?: string[];
  verify?: string[];
  omitted: Omitted;
}

function sourceLines(language: Remedy['language'], ids: string[]): string[] {
  const sources = sourcesOf(ids);
  if (!sources.length) return [];
  const label = say('common.sources');
  if (language === 'powershell') return ['#', psComment(label), ...sources.map((s) => psComment(`  ${citation(s)}: ${s.url}`))];
  if (language === 'dns') return [`; ${label}`, ...sources.map((s) => `;   ${citation(s)}: ${s.url}`)];
  if (language === 'markdown') return ['', `${label}`, ...sources.map((s) => `- ${citation(s)}: ${s.url}`)];
  return ['', label, ...sources.map((s) => `  ${citation(s)}: ${s.url}`)];
}

export function finish(d: Draft): Remedy {
  const kind = KIND_OF[d.id];
  if (!kind) throw new Error(`unknown remedy id ${d.id}`);
  const review = d.language === 'powershell' ? reviewLine() : '';
  const omitted = d.omitted.done();
  const used = takeUsed();
  let lines: string[];
  if (d.language === 'powershell') {
    lines = [...(d.header ?? []).map(psComment), psComment(review), ...d.body];
  } else {
    lines = [...d.body];
  }
  lines.push(...sourceLines(d.language, used));
  const r: Remedy = {
    id: d.id,
    kind,
    title: d.title,
    text: `${lines.join('\n')}\n`,
    language: d.language,
    parameters: d.parameters,
    recommended: d.recommended,
    why: d.why,
    caveats: d.caveats ?? [],
    preChecks: d.preChecks ?? [],
    rollback: d.rollback ?? [],
    verify: d.verify ?? [],
    omitted,
  };
  fitOf.set(r, d.recommended ? 0 : FIT_RANK[d.fit ?? 'alternative']);
  return r;
}

/** Comma list in words: "a", "a and b", "a, b and c"; long lists end in "and N more". */
export function words(list: readonly string[], max = 10): string {
  if (list.length > max) return `${list.slice(0, max).join(', ')} and ${list.length - max} more`;
  if (list.length <= 1) return list.join('');
  return `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

/** "1 relay address" / "3 relay addresses" */
export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export { commentText };
