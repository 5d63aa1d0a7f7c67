/** The Route view's wording: stamp names, times and line ranges, finding titles, and the untrusted tooltip builder (Tip) every value goes through as text. */
import * as vscode from 'vscode';
import type { AuthStamp, Finding, LineRange } from '../../core/types';
import { explanationFor } from '../../core/diagnose/explanations';
import { displayText } from '../../core/present/text';

export const STAMP_NAMES: Record<AuthStamp['kind'], string> = {
  'authentication-results': 'Authentication-Results',
  'authentication-results-original': 'Authentication-Results-Original',
  'x-ms-exchange-authentication-results': 'X-MS-Exchange-Authentication-Results',
  'arc-authentication-results': 'ARC-Authentication-Results',
  'arc-seal': 'ARC-Seal',
  'arc-message-signature': 'ARC-Message-Signature',
  'received-spf': 'Received-SPF',
  'dkim-signature': 'DKIM-Signature',
  'skip-listed': 'X-MS-Exchange-SkipListedInternetSender',
  'external-original': 'X-MS-Exchange-ExternalOriginalInternetSender',
};

export const STAMP_TRUST_LABEL: Record<AuthStamp['trust'], string> = {
  verdict: "receiver's verdict",
  claim: 'claim',
  forged: 'forged',
};

/** Short single-line text for labels, descriptions and tooltips: displayText, controls and bidi characters dropped. */
export function t(text: string | undefined | null, max = 120): string {
  return displayText(text, { max, unsafe: 'drop' });
}

export function utc(iso: string | null): string {
  if (!iso) return '';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC');
}

export function offsetText(min: number | null): string {
  if (min === null) return '';
  const sign = min < 0 ? '-' : '+';
  const a = Math.abs(min);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}${String(a % 60).padStart(2, '0')}`;
}

export function linesText(r: LineRange): string {
  return r.startLine === r.endLine ? `line ${r.startLine + 1}` : `lines ${r.startLine + 1}–${r.endLine + 1}`;
}

/** A finding's title from our explanations (never its internal id). */
export function findingTitle(f: Finding): string {
  return explanationFor(f.explanation)?.title ?? explanationFor(f.id)?.title ?? firstSentence(f.message);
}

/** An untrusted Markdown tooltip; values are only ever added as escaped text. */
export class Tip {
  readonly md = new vscode.MarkdownString('', true);
  constructor() {
    this.md.isTrusted = false;
    this.md.supportHtml = false;
  }
  title(text: string): this {
    this.md.appendMarkdown('**');
    this.md.appendText(t(text, 200));
    this.md.appendMarkdown('**\n\n');
    return this;
  }
  row(name: string, value: string | undefined | null, max = 300): this {
    if (value === undefined || value === null || value === '') return this;
    this.md.appendMarkdown(`${name}: `);
    this.md.appendText(t(value, max));
    this.md.appendMarkdown('  \n');
    return this;
  }
  para(text: string, max = 1500): this {
    this.md.appendMarkdown('\n\n');
    this.md.appendText(t(text, max));
    this.md.appendMarkdown('\n\n');
    return this;
  }
  bullets(items: string[], max = 600): this {
    if (!items.length) return this;
    this.md.appendMarkdown('\n\n');
    for (const i of items) {
      this.md.appendMarkdown('- ');
      this.md.appendText(t(i, max));
      this.md.appendMarkdown('\n');
    }
    this.md.appendMarkdown('\n');
    return this;
  }
}

function firstSentence(text: string): string {
  const i = text.search(/[.:;]\s/);
  return i > 20 && i < 160 ? text.slice(0, i) : text;
}
