/**
 * Hovers on .eml headers: what the route says about an IP under the cursor (the connecting host,
 * a relay of the recipient with its vendor and evidence, the original sender, which hops and who
 * wrote them: all from `analysis.facts`), then its class and network; what a host is (private /
 * public / Microsoft 365 / Google / gateway vendor, with the pattern and its source); what a header
 * is; what a decoded field means (X-Forefront-Antispam-Report `SFV:SPM`, compauth reason codes,
 * Authentication-Results results and comments such as "body hash did not verify", DKIM/ARC tags).
 * The wording lives in src/core/present/hover-texts.ts, shared with the CLI.
 *
 * Everything derived from header text is escaped with escapeMarkdown, which first passes it
 * through displayText (src/core/present/text.ts: control and bidi characters dropped, line breaks
 * collapsed, length bounded); the MarkdownString is never trusted and never renders HTML or theme icons. The token under the cursor is found by scanning
 * characters (tokens.ts), never with a regular expression over the header.
 */
import * as vscode from 'vscode';
import type { Analysis, HeaderField, Hop } from '../../core/types';
import type { AnalysisStore } from '../api';
import { ipInfo, lookupProviderByHost, vendorByArcSealer, vendorByDkimDomain, vendorByHost, vendorsByHeaderName } from '../../core/net/kb';
import { normalizeIp } from '../../core/net/ip';
import {
  antispamFieldMeaning,
  compauthMeaning,
  forefrontFieldMeaning,
  mailboxDeliveryFieldMeaning,
  microsoftHeaderMeaning,
} from '../../core/parse/microsoft';
import { commentMeaning, HEADER_WORDS, HOP_ROLE_WORDS, IP_CLASS_WORDS, RESULT_PROPERTY_WORDS, STAMP_TRUST_WORDS, TAG_WORDS } from '../../core/present/hover-texts';
import { dmarcActionMeaning, resultMeaning, RESULT_WORDS } from '../../core/present/verdicts';
import { hopLine, ipInRoute, segmentName, segmentOf, segmentRole, TRUST_LABEL } from '../../core/present/route';
import { escapeMarkdown } from './html';
import { hostAt, ipCandidateAt, joinLines, parseResultSegment, positionOf, segmentAt, splitPair, type ResultSegment, type Span } from './tokens';

/** Fields longer than this are scanned on the hovered line only. */
const MAX_FIELD_CHARS = 64 * 1024;

// ---------------------------------------------------------------------------------------------
// Markdown assembly: only our literals as Markdown, everything else escaped

class Md {
  private readonly parts: string[] = [];
  /** A bold heading followed by an escaped value. */
  head(label: string, value?: string): this {
    this.parts.push(`**${escapeMarkdown(label, 120)}**${value ? ` ${escapeMarkdown(value, 300)}` : ''}`);
    return this;
  }
  /** A paragraph of escaped text. */
  text(value: string, max = 1200): this {
    if (value) this.parts.push(escapeMarkdown(value, max));
    return this;
  }
  /** "*Label:* value" line, all escaped. */
  field(label: string, value: string | undefined, max = 600): this {
    if (value) this.parts.push(`*${escapeMarkdown(label, 80)}:* ${escapeMarkdown(value, max)}`);
    return this;
  }
  /** "*Label:*" and one escaped bullet per item. */
  list(label: string, items: string[], max = 600): this {
    if (!items.length) return this;
    this.parts.push(`*${escapeMarkdown(label, 80)}:*\n${items.map((i) => `- ${escapeMarkdown(i, max)}`).join('\n')}`);
    return this;
  }
  merge(other: Md): this {
    this.parts.push(...other.parts);
    return this;
  }
  rule(): this {
    if (this.parts.length) this.parts.push('---');
    return this;
  }
  get empty(): boolean {
    return this.parts.filter((p) => p !== '---').length === 0;
  }
  build(): vscode.MarkdownString {
    while (this.parts[this.parts.length - 1] === '---') this.parts.pop();
    const md = new vscode.MarkdownString(this.parts.join('\n\n'), false);
    md.isTrusted = false;
    md.supportHtml = false;
    md.supportThemeIcons = false;
    return md;
  }
}

// ---------------------------------------------------------------------------------------------
// Content builders (exported for the tests through the provider)

function describeIp(md: Md, raw: string, a: Analysis | undefined): boolean {
  const ip = normalizeIp(raw);
  if (!ip) return false;
  const info = ipInfo(ip);
  if (!info) return false;
  md.head(`IPv${info.version} address`, ip);
  // what the route says about it first: that is what the user is asking
  const route = a ? ipInRoute(a, ip) : [];
  if (route.length) md.list('In this route', route);
  md.field('Class', IP_CLASS_WORDS[info.class] ?? info.class);
  if (info.provider) md.field('Network', `${info.provider.name} (range ${info.provider.range}; source: ${info.provider.source})`);
  if (info.vendor) md.field('Gateway vendor', `${info.vendor.name} (published range ${info.vendor.range}; source: ${info.vendor.source})`);
  return true;
}

function describeHost(md: Md, host: string): boolean {
  const vendor = vendorByHost(host);
  const provider = lookupProviderByHost(host);
  if (!vendor && !provider) return false;
  md.head('Host', host);
  if (provider) md.field('Provider', `${provider.name}: ${provider.purpose} (pattern ${provider.pattern}; source: ${provider.source})`);
  if (vendor) {
    md.field('Gateway vendor', `${vendor.name} (pattern ${vendor.matched}; ${vendor.weight} signal${vendor.verified ? '' : ', unverified'}; source: ${vendor.source})`);
    if (vendor.note) md.text(vendor.note);
  }
  return true;
}

function hopOfField(a: Analysis, fieldIndex: number): Hop | undefined {
  return a.hops.find((h) => h.fieldIndex === fieldIndex);
}

function describeHeaderName(md: Md, field: HeaderField, a: Analysis): void {
  const key = field.key;
  md.head('Header', field.name);
  const ms = microsoftHeaderMeaning(key, key.startsWith('x-ms-exchange-organization-') ? field.unfolded : undefined);
  const own = HEADER_WORDS[key];
  if (own) md.text(own);
  if (ms && !own) md.text(ms);
  else if (ms && own && key.startsWith('x-ms-')) md.text(ms);
  if (key === 'received') {
    const hop = hopOfField(a, field.index);
    if (hop) {
      md.field(`Hop ${hop.index + 1} of ${a.hops.length} (oldest first)`, `${HOP_ROLE_WORDS[hop.role]}: ${hopLine(hop)}`);
      const seg = segmentOf(a, hop);
      if (seg) md.field('Written by', `${segmentName(seg)} (${segmentRole(seg)}; ${TRUST_LABEL[seg.trust]})`);
      if (a.facts.entry.hopIndex === hop.index) md.text(`This is where ${a.facts.receiver.name ?? 'the receiver'} took the message from outside (the trust boundary).`);
    }
  }
  const stamp = a.stamps.find((s) => s.fieldIndex === field.index);
  if (stamp) md.field('Written by', `${stamp.writer ?? 'unknown'}, ${STAMP_TRUST_WORDS[stamp.trust]}`);
  const vendors = vendorsByHeaderName(field.name);
  if (vendors.length) {
    const v = vendors[0];
    md.field('Vendor fingerprint', `${v.name} writes this header (${v.weight}${v.weight === 'supporting' ? ': needs another signal' : ''}; source: ${v.source})`);
  }
  if (md.empty) md.text('No description for this header.');
}

function describeResult(md: Md, r: ResultSegment): boolean {
  const words = resultMeaning(r.method, r.result);
  if (r.method === 'compauth') {
    md.head('compauth', r.result + (r.reason ? ` reason=${r.reason}` : ''));
    md.text("Microsoft 365's composite authentication: its overall verdict on whether the From domain is genuine, from SPF, DKIM, DMARC, ARC and its own signals.");
    md.field('Meaning', compauthMeaning(r.result, r.reason));
  } else {
    md.head(r.method, r.result);
    if (words) md.field('Meaning', words);
    else if (r.method.length) md.field('Meaning', `result "${r.result}" of the ${r.method} check`);
  }
  for (const c of r.comments.slice(0, 4)) {
    const hit = commentMeaning(c);
    md.field('Comment', c, 200);
    if (hit) md.text(hit);
  }
  const action = r.props['action'];
  if (action) md.field(`action=${action}`, dmarcActionMeaning(action) ?? 'not a documented action value');
  for (const [k, label] of RESULT_PROPERTY_WORDS) if (r.props[k]) md.field(label, r.props[k], 200);
  return true;
}

const AUTH_RESULT_KEYS = new Set([
  'authentication-results',
  'authentication-results-original',
  'x-ms-exchange-authentication-results',
  'arc-authentication-results',
  'original-authentication-results',
  'x-original-authentication-results',
]);

const PAIR_HEADERS: Record<string, (k: string, v: string) => string | undefined> = {
  'x-forefront-antispam-report': forefrontFieldMeaning,
  'x-forefront-antispam-report-untrusted': forefrontFieldMeaning,
  'x-microsoft-antispam': antispamFieldMeaning,
  'x-microsoft-antispam-untrusted': antispamFieldMeaning,
  'x-microsoft-antispam-mailbox-delivery': mailboxDeliveryFieldMeaning,
};

const TAG_HEADERS = new Set(['dkim-signature', 'arc-seal', 'arc-message-signature']);

export interface HoverHit {
  md: vscode.MarkdownString;
  /** Range of the token the hover is about. */
  range: vscode.Range;
}

/** Binary search of the header field on a line. */
export function fieldAtLine(a: Analysis, line: number): HeaderField | undefined {
  const hs = a.headers;
  let lo = 0;
  let hi = hs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const f = hs[mid];
    if (line < f.lines.startLine) hi = mid - 1;
    else if (line > f.lines.endLine) lo = mid + 1;
    else return f;
  }
  return undefined;
}

/** The hover for a position in a message document, or undefined. */
export function hoverAt(document: vscode.TextDocument, position: vscode.Position, a: Analysis): HoverHit | undefined {
  if (position.line >= a.input.bodyStartLine || position.line >= document.lineCount) return undefined;
  const field = fieldAtLine(a, position.line);
  if (!field || field.invalid || !field.name) return undefined;
  const endLine = Math.min(field.lines.endLine, document.lineCount - 1);
  const firstLine = document.lineAt(field.lines.startLine).text;
  // the analysis may lag behind an edit: only trust it when the field still starts where it says
  if (!firstLine.toLowerCase().startsWith(field.key + ':') && !firstLine.toLowerCase().startsWith(field.key + ' ')) return undefined;

  // the field's text, or the hovered line alone for a giant field
  let lines: string[] = [];
  let base = field.lines.startLine;
  let total = 0;
  for (let l = field.lines.startLine; l <= endLine; l++) {
    total += document.lineAt(l).text.length + 1;
    if (total > MAX_FIELD_CHARS) break;
  }
  if (total > MAX_FIELD_CHARS) {
    lines = [document.lineAt(position.line).text.slice(0, MAX_FIELD_CHARS)];
    base = position.line;
  } else {
    for (let l = field.lines.startLine; l <= endLine; l++) lines.push(document.lineAt(l).text);
  }
  const { text, starts } = joinLines(lines);
  const rel = position.line - base;
  const offset = starts[rel] + Math.min(position.character, lines[rel].length);
  const toRange = (s: Span) => {
    const p1 = positionOf(starts, s.start);
    const p2 = positionOf(starts, s.end);
    return new vscode.Range(base + p1.line, p1.character, base + p2.line, p2.character);
  };

  // on the field name
  const colon = base === field.lines.startLine ? firstLine.indexOf(':') : -1;
  if (colon > 0 && rel === 0 && position.character <= colon) {
    const md = new Md();
    describeHeaderName(md, field, a);
    return { md: md.build(), range: new vscode.Range(field.lines.startLine, 0, field.lines.startLine, colon) };
  }
  const valueStart = colon > 0 ? colon + 1 : 0;
  const md = new Md();
  let range: vscode.Range | undefined;

  // decoded KEY:value pairs (Microsoft anti-spam headers)
  const pairMeaning = PAIR_HEADERS[field.key];
  if (pairMeaning) {
    const seg = segmentAt(text, offset, ';');
    if (seg && seg.start >= valueStart) {
      const pair = splitPair(seg.text, ':');
      if (pair) {
        const meaning = pairMeaning(pair.key, pair.value);
        md.head(`${field.name} · ${pair.key.toUpperCase()}`, pair.value || '(empty)');
        md.text(meaning ?? 'Not a documented field (Microsoft says undocumented fields are for its anti-spam team).');
        if (field.key.endsWith('-untrusted')) md.text("Note: this is the -Untrusted copy, the sending tenant's verdict, not the receiver's.");
        range = toRange(seg);
      }
    }
  }

  // Authentication-Results family: the result part under the cursor
  if (AUTH_RESULT_KEYS.has(field.key)) {
    const seg = segmentAt(text, offset, ';', true);
    if (seg && seg.start >= valueStart) {
      const r = parseResultSegment(seg.text);
      if (r && describeResult(md, r)) range = toRange(seg);
    }
    const stamp = a.stamps.find((s) => s.fieldIndex === field.index);
    if (stamp && !md.empty) {
      md.field(
        'Counts?',
        stamp.trust === 'verdict' ? "yes: the receiver's own verdict" : stamp.trust === 'forged' ? 'no: looks forged (below the trust boundary)' : `no: a claim by ${stamp.writer ?? 'an earlier system'}`,
      );
    }
  }

  if (field.key === 'received-spf') {
    const first = text.slice(valueStart).trimStart();
    let end = 0;
    while (end < first.length && end < 40 && ((first.charCodeAt(end) | 0x20) >= 0x61 && (first.charCodeAt(end) | 0x20) <= 0x7a)) end++;
    const result = first.slice(0, end).toLowerCase();
    const words = RESULT_WORDS.spf[result];
    if (words) {
      md.head('SPF', result);
      md.field('Meaning', words);
    }
  }

  // DKIM / ARC tags
  if (TAG_HEADERS.has(field.key)) {
    const seg = segmentAt(text, offset, ';');
    if (seg && seg.start >= valueStart) {
      const pair = splitPair(seg.text, '=');
      if (pair) {
        const tag = pair.key.toLowerCase();
        const words = TAG_WORDS[tag];
        md.head(`${field.name} · ${tag}=`, tag === 'b' || tag === 'bh' ? undefined : pair.value.slice(0, 200));
        md.text(words ?? 'Not a standard tag.');
        if (tag === 'd') {
          const v = field.key === 'arc-seal' ? vendorByArcSealer(pair.value) : vendorByDkimDomain(pair.value);
          if (v) md.field('Vendor', `${v.name} (${field.key === 'arc-seal' ? 'ARC sealer' : 'signs with this domain'}; source: ${v.source})`);
        }
        range = toRange(seg);
      }
    }
  }

  // Other Microsoft headers with documented values (X-MS-Exchange-Organization-*)
  if (md.empty && field.key.startsWith('x-ms-exchange-')) {
    const meaning = microsoftHeaderMeaning(field.key, field.unfolded);
    if (meaning) {
      md.head(field.name);
      md.text(meaning);
    }
  }

  // the IP or host under the cursor, in any header
  const ipSpan = ipCandidateAt(text, offset);
  const tokenMd = new Md();
  let tokenRange: vscode.Range | undefined;
  if (ipSpan && describeIp(tokenMd, ipSpan.text, a)) tokenRange = toRange(ipSpan);
  else {
    const host = hostAt(text, offset);
    if (host && host.start >= valueStart && describeHost(tokenMd, host.text)) tokenRange = toRange(host);
  }
  if (tokenRange) {
    // the token first: it is what the cursor is on; the surrounding result or field after it
    const out = new Md();
    out.merge(tokenMd);
    if (!md.empty) {
      out.rule();
      out.merge(md);
    }
    return { md: out.build(), range: tokenRange };
  }
  if (md.empty) return undefined;
  return { md: md.build(), range: range ?? document.getWordRangeAtPosition(position) ?? new vscode.Range(position, position) };
}

export class EmlHoverProvider implements vscode.HoverProvider {
  constructor(private readonly store: AnalysisStore) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const a = this.store.get(document.uri) ?? (await this.store.analyze(document));
    if (!a || token.isCancellationRequested) return undefined;
    const hit = hoverAt(document, position, a);
    return hit ? new vscode.Hover(hit.md, hit.range) : undefined;
  }
}

export function registerHovers(store: AnalysisStore): vscode.Disposable {
  return vscode.languages.registerHoverProvider({ language: 'eml' }, new EmlHoverProvider(store));
}
