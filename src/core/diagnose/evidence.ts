// Findings and their evidence: header fields and stamps as Evidence, and header text made safe to quote in a message.
import type { Analysis, AuthStamp, Evidence, Finding, Severity } from '../types';
import { displayText } from '../present/text';

export function makeFinding(
  id: string,
  severity: Severity,
  message: string,
  hopIndex: number | null,
  evidence: Array<Evidence | null | undefined>,
  remedies: string[] = [],
): Finding {
  return {
    id,
    severity,
    message: sentenceCase(message),
    hopIndex,
    evidence: dedupeEvidence(evidence),
    explanation: id,
    remedies: [...new Set(remedies)],
  };
}

/**
 * The message with a capital first letter, unless it starts with a host name, an address or a
 * header value (those are quoted as written: "mx.google.com", never "Mx.google.com").
 */
export function sentenceCase(message: string): string {
  const first = /^\S+/.exec(message)?.[0] ?? '';
  if (/[.:@=]/.test(first.replace(/[.,;:]$/, ''))) return message;
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** Drop nulls and repeated fields (the first note wins), keep the order of first appearance. */
export function dedupeEvidence(list: Array<Evidence | null | undefined>): Evidence[] {
  const out: Evidence[] = [];
  const seen = new Set<number>();
  for (const e of list) {
    if (!e || seen.has(e.fieldIndex)) continue;
    seen.add(e.fieldIndex);
    out.push(e);
  }
  return out.sort((a, b) => a.lines.startLine - b.lines.startLine);
}

/** Evidence for the header field at `fieldIndex` (its name and line range as split). */
export function fieldEvidence(a: Analysis, fieldIndex: number | undefined | null, note?: string): Evidence | null {
  if (fieldIndex === undefined || fieldIndex === null) return null;
  const f = a.headers[fieldIndex]?.index === fieldIndex ? a.headers[fieldIndex] : a.headers.find((h) => h.index === fieldIndex);
  if (!f) return null;
  const e: Evidence = { header: f.name || '(line)', fieldIndex: f.index, lines: { ...f.lines } };
  if (note) e.note = note;
  return e;
}

export function hopEvidence(a: Analysis, hopIndex: number | null | undefined, note?: string): Evidence | null {
  if (hopIndex === null || hopIndex === undefined) return null;
  const h = a.hops[hopIndex];
  return h ? fieldEvidence(a, h.fieldIndex, note) : null;
}

export function stampEvidence(a: Analysis, s: AuthStamp | null | undefined, note?: string): Evidence | null {
  return s ? fieldEvidence(a, s.fieldIndex, note) : null;
}

/** Evidence for the first header field with this (lower-case) name. */
export function headerEvidence(a: Analysis, key: string, note?: string): Evidence | null {
  const f = a.headers.find((h) => h.key === key && !h.invalid);
  return f ? fieldEvidence(a, f.index, note) : null;
}

export function forefrontEvidence(a: Analysis, note?: string): Evidence | null {
  const ff = a.microsoft?.forefront;
  return ff && !ff.untrusted ? fieldEvidence(a, ff.fieldIndex, note) : null;
}

/** Header text made safe to quote in a message: control and bidi characters become spaces, whitespace collapsed, length bounded. */
export function quote(text: string | undefined | null, max = 80): string {
  return displayText(text, { max, unsafe: 'space' });
}
