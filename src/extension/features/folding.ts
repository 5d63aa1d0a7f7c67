/**
 * Folding for .eml: every header field that spans several lines (folded Received, DKIM-Signature,
 * ARC sets, X-Forefront-Antispam-Report…) and the body, from its first line to the end.
 *
 * The ranges come from the header splitter run on the document's current text (linear and fast),
 * so they match what is on screen even while the full analysis is still catching up with an edit.
 */
import * as vscode from 'vscode';
import { splitHeaders } from '../../core/parse/headers';
import type { SplitMessage } from '../../core/types';

/** Folding ranges (0-based, inclusive) for a split message. Pure; exported for the tests. */
export function foldingRangesFor(split: Pick<SplitMessage, 'fields' | 'bodyStartLine' | 'lineCount' | 'hasSeparator'>): Array<{ start: number; end: number; kind: 'region' | 'comment' }> {
  const out: Array<{ start: number; end: number; kind: 'region' | 'comment' }> = [];
  for (const f of split.fields) {
    if (f.lines.endLine > f.lines.startLine) out.push({ start: f.lines.startLine, end: f.lines.endLine, kind: 'region' });
  }
  const last = split.lineCount - 1;
  if (split.hasSeparator && split.bodyStartLine < last) out.push({ start: split.bodyStartLine, end: last, kind: 'region' });
  return out;
}

export class EmlFoldingProvider implements vscode.FoldingRangeProvider {
  provideFoldingRanges(document: vscode.TextDocument, _context: vscode.FoldingContext, token: vscode.CancellationToken): vscode.FoldingRange[] {
    if (token.isCancellationRequested) return [];
    return foldingRangesFor(splitDocumentHeaders(document)).map((r) => new vscode.FoldingRange(r.start, r.end, vscode.FoldingRangeKind.Region));
  }
}

/** Lines searched for the blank separator line before the whole text is split instead. */
const MAX_HEADER_LINES = 100_000;

/**
 * The header split of a document without encoding its body: the splitter runs on the text up to
 * the first empty line, and the body is counted from the document's line count. A document with no
 * empty line within MAX_HEADER_LINES is split whole.
 */
export function splitDocumentHeaders(document: vscode.TextDocument): Pick<SplitMessage, 'fields' | 'bodyStartLine' | 'lineCount' | 'hasSeparator'> {
  const limit = Math.min(document.lineCount, MAX_HEADER_LINES);
  let sep = -1;
  for (let l = 0; l < limit; l++) {
    if (document.lineAt(l).text.length === 0) {
      sep = l;
      break;
    }
  }
  if (sep < 0) return splitHeaders(Buffer.from(document.getText(), 'utf8'));
  // the header lines plus the separator and one (empty) body line: the splitter sees a complete header block
  const head = document.getText(new vscode.Range(0, 0, sep + 1, 0));
  const split = splitHeaders(Buffer.from(head, 'utf8'));
  return { fields: split.fields, bodyStartLine: sep + 1, lineCount: document.lineCount, hasSeparator: true };
}

export function registerFolding(): vscode.Disposable {
  return vscode.languages.registerFoldingRangeProvider({ language: 'eml' }, new EmlFoldingProvider());
}
