/**
 * unparsed-header: part of a header field could not be read (a Received clause, an
 * Authentication-Results piece, a line that is not a header field at all). Shown so nothing is
 * silently ignored; the analysis of the rest is unaffected.
 */
import type { Finding } from '../../types';
import type { Rule } from '../rule';
import { makeFinding } from '../evidence';

const CODES = new Set(['received-unparsed', 'auth-results-unparsed', 'not-a-field']);

export const unparsedHeader: Rule = {
  id: 'unparsed-header',
  description: 'Something in the headers could not be parsed (shown with its lines).',
  run({ analysis: a }) {
    const out: Finding[] = [];
    for (const p of a.problems) {
      if (!CODES.has(p.code) || !p.lines) continue;
      const lines = p.lines;
      const field =
        p.fieldIndex !== undefined
          ? a.headers.find((h) => h.index === p.fieldIndex)
          : a.headers.find((h) => h.lines.startLine <= lines.startLine && h.lines.endLine >= lines.startLine);
      const fieldIndex = p.fieldIndex ?? field?.index;
      const hop = fieldIndex !== undefined ? a.hops.find((h) => h.fieldIndex === fieldIndex) : undefined;
      const header = p.header || field?.name || '(not a header field)';
      out.push(
        makeFinding(
          'unparsed-header',
          'info',
          p.message,
          hop ? hop.index : null,
          [{ header, fieldIndex: fieldIndex ?? -1, lines: { ...lines }, note: p.code }],
          [],
        ),
      );
    }
    return out;
  },
};
