/**
 * The Markdown report of an Analysis: summary, route table, findings with evidence, remedies with
 * their checks. Shared by the extension (Export Report, Copy Route as Markdown Table) and the CLI.
 *
 * Header text is attacker-controlled. Everything taken from the message is written either as a
 * code span (hosts, IPs, identifiers: no HTML, no links, no emphasis) or as escaped text, with
 * control characters removed, line breaks flattened and lengths bounded, so a header can neither
 * inject HTML or links into a rendered report nor break the table layout. Scripts go into fenced
 * blocks whose fence is longer than any backtick run inside.
 *
 * Bare links in escaped text (a Subject like "Pay at https://evil.example/login" in the title, a
 * finding quoting a header, a cell of the folder summary) would still become clickable: GitHub,
 * GitLab and most ticket systems turn `https://…`, `www.…` and `javascript:`-like text into links
 * by themselves (autolinks), escaping or not. Such text is defanged the way security advisories
 * write indicators, readable and never linked: the scheme's colon becomes `[:]` and the dots of the
 * host `[.]` (`https[:]//evil[.]example/login`, `www[.]evil[.]example`, `javascript[:]alert(1)`);
 * see defangLinks. Bare domain names without a scheme or "www." and e-mail addresses are left as
 * they are (the renderers named above do not link the former; the latter become mailto: links at
 * most).
 *
 * Deterministic: no clock; a generation time is only printed when the caller passes one.
 */
import type { Analysis, Finding, Hop, HopRole, Remedy, Severity } from '../types';
import { displayText } from '../present/text';
import { formatAuthSummary, receiverText, receiverVerdict } from '../present/verdicts';

export interface MarkdownReportOptions {
  /** Shown in the footer when given (ISO-8601); the renderer never reads the clock. */
  generatedAt?: string;
  /** Leave out the remedies section. */
  omitRemedies?: boolean;
}

const MAX_CELL = 200;
const MAX_PARAGRAPH = 4000;

// ---------------------------------------------------------------------------------------------
// Escaping

/**
 * Removes control and bidi characters (keeping none), flattens line breaks and whitespace runs,
 * bounds the length: displayText in its 'drop' mode (src/core/present/text.ts).
 */
export function flatten(text: string, max = MAX_CELL): string {
  return displayText(text, { max, unsafe: 'drop' });
}

// Parentheses need no escape: a link needs "](", and "[" / "]" are always escaped.
const MD_SPECIAL = new Set(['\\', '`', '*', '_', '{', '}', '[', ']', '<', '>', '#', '+', '!', '|', '~', '&', '$']);

/**
 * Inline Markdown text: links defanged (defangLinks), then every character with a Markdown or HTML
 * meaning backslash-escaped.
 */
export function mdText(text: string, max = MAX_PARAGRAPH): string {
  let out = '';
  for (const ch of defangLinks(flatten(text, max))) out += MD_SPECIAL.has(ch) ? `\\${ch}` : ch;
  return out;
}

/** "scheme://host" (any scheme), the host up to the first "/", "?", "#", whitespace or quote. */
const URL_WITH_SCHEME = /([A-Za-z][A-Za-z0-9+.-]{0,31}):\/\/([^\s/?#"'<>]*)/g;
/** "www." at the start of a word, and the host after it. */
const WWW_HOST = /(^|[^A-Za-z0-9.-])([Ww][Ww][Ww])\.([^\s/?#"'<>]*)/g;
/** Schemes a renderer may link (or run) without "//". */
const BARE_SCHEME = /(^|[^A-Za-z0-9+.-])(javascript|vbscript|data|file|mailto|tel|sms|ms-[a-z-]{1,30}):/gi;

/**
 * Bare links made unclickable and still readable, as security advisories write indicators:
 * `https://evil.example/login` → `https[:]//evil[.]example/login`, `www.evil.example` →
 * `www[.]evil[.]example`, `javascript:alert(1)` → `javascript[:]alert(1)`. Only the scheme's
 * colon and the dots of the host change; the path stays as it was.
 */
export function defangLinks(text: string): string {
  if (text.indexOf(':') === -1 && !/www\./i.test(text)) return text;
  return text
    .replace(URL_WITH_SCHEME, (_m, scheme: string, host: string) => `${scheme}[:]//${host.split('.').join('[.]')}`)
    .replace(WWW_HOST, (_m, before: string, www: string, host: string) => `${before}${www}[.]${host.split('.').join('[.]')}`)
    .replace(BARE_SCHEME, (_m, before: string, scheme: string) => `${before}${scheme}[:]`);
}

/** A code span for a value from the message (safe inside a table cell too). Empty text gives "–". */
export function mdCode(text: string | undefined | null, max = MAX_CELL): string {
  const t = flatten(text ?? '', max).replace(/\|/g, '\\|');
  if (!t) return '–';
  let longest = 0;
  let run = 0;
  for (const ch of t) {
    run = ch === '`' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || (t.startsWith(' ') && t.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** A fenced block for a script: the fence is longer than any backtick run in the text. */
export function mdFence(text: string, language = ''): string {
  let longest = 0;
  let run = 0;
  for (const ch of text) {
    run = ch === '`' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const lang = /^[A-Za-z0-9_+-]{1,20}$/.test(language) ? language : '';
  const body = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  return `${fence}${lang}\n${body}\n${fence}`;
}

// ---------------------------------------------------------------------------------------------
// Shared wording (the tree view and the status bar use these too)

const ROLE_LABELS: Record<HopRole, string> = {
  origin: 'sender',
  'sender-internal': 'sender (internal)',
  gateway: 'gateway',
  'receiver-edge': 'receiver edge',
  'receiver-internal': 'receiver (internal)',
  unknown: 'unknown',
};

export function roleLabel(role: HopRole): string {
  return ROLE_LABELS[role] ?? role;
}

/**
 * A vendor's short name for one-line places (status bar, tree descriptions):
 * "Proofpoint (PPS / Enterprise, hosted)" → "Proofpoint", "Barracuda Email Security Service / Email
 * Gateway Defense" → "Barracuda", "Cisco Secure Email (IronPort ESA / CES)" → "Cisco".
 */
export function shortVendorName(name: string): string {
  let n = name;
  for (const sep of [' (', ' / ']) {
    const i = n.indexOf(sep);
    if (i > 0) n = n.slice(0, i);
  }
  const e = n.search(/ (?:Secure )?Email\b/);
  if (e > 0) n = n.slice(0, e);
  return n.trim();
}

/** "+0 s", "+45 s", "+3 min 20 s", "+2 h 5 min", "+3 d 4 h"; negative values are clock skew. */
export function formatDuration(ms: number): string {
  const neg = ms < 0;
  let s = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  let text: string;
  if (d > 0) text = h ? `${d} d ${h} h` : `${d} d`;
  else if (h > 0) text = m ? `${h} h ${m} min` : `${h} h`;
  else if (m > 0) text = s ? `${m} min ${s} s` : `${m} min`;
  else text = `${s} s`;
  return `${neg ? '−' : '+'}${text}`;
}

/** The delay column: "+2 s", "clock skew −40 s", or "" when unknown. */
export function formatDelay(hop: Pick<Hop, 'delayMs' | 'clockSkew'>): string {
  if (hop.delayMs === null) return '';
  if (hop.clockSkew || hop.delayMs < 0) return `clock skew ${formatDuration(hop.delayMs)}`;
  return formatDuration(hop.delayMs);
}

/** The sending side of a hop as a name: rDNS, else HELO, else the IP. */
export function hopFromName(hop: Hop): string {
  return hop.from.rdns || hop.from.helo || hop.from.ip || '(unknown)';
}

// the receiver's verdict and its one-line form live with the other verdict words
export { formatAuthSummary, receiverVerdict } from '../present/verdicts';

/**
 * The hop where authentication broke: the verdict's break hop, and only for a message broken in
 * transit (a pass before it, a failure after it). A spoof or a message that never passed for its
 * From domain has none, whatever its findings say.
 */
export function breakHopIndex(a: Analysis): number | null {
  const v = a.facts?.verdict;
  if (!v || v.class !== 'broken-in-transit' || v.breakHopIndex === null) return null;
  return a.hops[v.breakHopIndex] ? v.breakHopIndex : null;
}

const SEVERITY_LABEL: Record<Severity, string> = { error: 'Error', warning: 'Warning', info: 'Info' };

// ---------------------------------------------------------------------------------------------
// Route table

function utcTime(iso: string | null): string {
  if (!iso) return '';
  // 2026-03-03T09:14:06.000Z → 2026-03-03 09:14:06
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

function tlsText(hop: Hop): string {
  const parts: string[] = [];
  if (hop.protocol) parts.push(hop.protocol);
  if (hop.tls?.version) parts.push(hop.tls.version);
  else if (hop.with?.tls) parts.push('TLS');
  return parts.join(', ');
}

function hopRoleCell(hop: Hop): string {
  const role = roleLabel(hop.role);
  return hop.vendor ? `${mdText(role)} · ${mdText(shortVendorName(hop.vendor.name), 80)}` : mdText(role);
}

/** The route as a GitHub-flavoured Markdown table, oldest hop first. */
export function renderRouteTable(a: Analysis): string {
  const broke = breakHopIndex(a);
  const rows = [
    '| # | From | IP | By | Role | Protocol / TLS | Time (UTC) | Delay |',
    '|---:|---|---|---|---|---|---|---|',
  ];
  for (const hop of a.hops) {
    const from = hop.from.rdns && hop.from.helo && hop.from.rdns.toLowerCase() !== hop.from.helo.toLowerCase()
      ? `${mdCode(hop.from.rdns)} (HELO ${mdCode(hop.from.helo)})`
      : mdCode(hop.from.rdns || hop.from.helo);
    const cells = [
      `${hop.index + 1}${hop.index === broke ? ' ⚠' : ''}`,
      from,
      mdCode(hop.from.ip),
      mdCode(hop.by.host),
      hopRoleCell(hop),
      tlsText(hop) ? mdCode(tlsText(hop)) : '–',
      utcTime(hop.timestamp) || '–',
      mdText(formatDelay(hop)) || '–',
    ];
    rows.push(`| ${cells.join(' | ')} |`);
  }
  if (!a.hops.length) rows.push('| – | no Received fields | – | – | – | – | – | – |');
  return rows.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// The whole report

function lineRangeText(r: { startLine: number; endLine: number }): string {
  return r.startLine === r.endLine ? `line ${r.startLine + 1}` : `lines ${r.startLine + 1}–${r.endLine + 1}`;
}

function findingSection(a: Analysis, f: Finding): string {
  const out: string[] = [];
  const where = f.hopIndex !== null && a.hops[f.hopIndex] ? ` (hop ${f.hopIndex + 1}, ${mdCode(a.hops[f.hopIndex].by.host)})` : '';
  out.push(`### ${SEVERITY_LABEL[f.severity]}: ${mdCode(f.id, 80)}${where}`);
  out.push('');
  out.push(mdText(f.message));
  if (f.evidence.length) {
    out.push('');
    out.push('Evidence:');
    out.push('');
    for (const e of f.evidence) {
      out.push(`- ${mdCode(e.header, 80)} ${lineRangeText(e.lines)}${e.note ? `: ${mdText(e.note, 500)}` : ''}`);
    }
  }
  if (f.remedies.length) {
    out.push('');
    out.push(`Fixed by: ${f.remedies.map((r) => mdCode(r, 80)).join(', ')}`);
  }
  return out.join('\n');
}

function list(title: string, items: string[]): string[] {
  if (!items.length) return [];
  return ['', `${title}:`, '', ...items.map((i) => `- ${mdText(i, 1000)}`)];
}

function remedySection(r: Remedy): string {
  const out: string[] = [];
  out.push(`### ${mdText(r.title, 200)}${r.recommended ? ' (recommended)' : ''}`);
  out.push('');
  out.push(`Id ${mdCode(r.id, 80)} · kind ${mdCode(r.kind, 20)}`);
  if (r.why) {
    out.push('');
    out.push(mdText(r.why));
  }
  out.push(...list('Before you run it', r.preChecks));
  out.push('');
  out.push(mdFence(r.text, r.language === 'dns' ? 'text' : r.language));
  out.push(...list('Caveats', r.caveats));
  out.push(...list('Roll back', r.rollback));
  out.push(...list('Verify after the change', r.verify));
  if (r.omitted.length) out.push(...list('Left out', r.omitted.map((o) => `${o.value}: ${o.reason}`)));
  return out.join('\n');
}

/** The complete report as Markdown text. */
export function renderMarkdownReport(a: Analysis, options: MarkdownReportOptions = {}): string {
  const s = a.summary;
  const b = a.boundary;
  const out: string[] = [];
  out.push(`# Mail flow report: ${s.subject ? mdText(s.subject, 200) : 'message without subject'}`);
  out.push('');
  const verdict = formatAuthSummary(receiverVerdict(a));
  const orig = b.originalSenderIp
    ? `${b.originalSenderHopIndex !== null && a.hops[b.originalSenderHopIndex] ? `${mdCode(hopFromName(a.hops[b.originalSenderHopIndex]))} ` : ''}${mdCode(b.originalSenderIp)}`
    : '–';
  const facts: Array<[string, string]> = [
    ['Subject', mdCode(s.subject)],
    ['From', mdCode(s.from)],
    ['To', mdCode(s.to.join(', '))],
    ['Date', mdCode(s.date)],
    ['Message-ID', mdCode(s.messageId)],
    ['Receiver', mdText(receiverText(b))],
    ['Connecting IP (what the receiver evaluated)', mdCode(b.connectingIp)],
    ['Relays in front of the receiver', b.relayIps.length ? b.relayIps.map((ip) => mdCode(ip)).join(', ') : '–'],
    ['Original sender', orig],
    ["Receiver's verdict", verdict ? mdCode(verdict) : '–'],
  ];
  if (a.facts?.verdict) facts.push(['Verdict', mdText(a.facts.verdict.summary, 600)]);
  if (a.input.name) facts.unshift(['File', mdCode(a.input.name)]);
  if (a.input.headersOnly) facts.push(['Scope', 'headers only (no body, or above the size limit)']);
  out.push('| | |');
  out.push('|---|---|');
  for (const [k, v] of facts) out.push(`| ${k} | ${v} |`);
  out.push('');

  out.push(`## Route (${a.hops.length} hop${a.hops.length === 1 ? '' : 's'}, oldest first)`);
  out.push('');
  out.push(renderRouteTable(a).trimEnd());
  const broke = breakHopIndex(a);
  if (broke !== null) {
    out.push('');
    out.push(`⚠ Authentication broke at hop ${broke + 1} (${mdCode(a.hops[broke]?.by.host)}).`);
  }
  if (b.reasoning.length) {
    out.push('');
    out.push('How the trust boundary was found:');
    out.push('');
    for (const r of b.reasoning) out.push(`- ${mdText(r, 1000)}`);
  }
  out.push('');

  out.push('## Findings');
  out.push('');
  if (!a.findings.length) out.push('No findings.');
  else out.push(a.findings.map((f) => findingSection(a, f)).join('\n\n'));
  out.push('');

  if (!options.omitRemedies) {
    out.push('## Remedies');
    out.push('');
    if (!a.remedies.length) out.push('No change is suggested for this message.');
    else out.push(a.remedies.map(remedySection).join('\n\n'));
    out.push('');
  }

  if (a.problems.length) {
    out.push('## Parse problems');
    out.push('');
    for (const p of a.problems) {
      out.push(`- ${SEVERITY_LABEL[p.severity]} ${mdCode(p.code, 60)}${p.lines ? ` (${lineRangeText(p.lines)})` : ''}: ${mdText(p.message, 1000)}`);
    }
    out.push('');
  }

  out.push('---');
  out.push('');
  out.push(`Generated by ${mdText(a.tool.name)} ${mdText(a.tool.version)} (Analysis schema ${a.schemaVersion})${options.generatedAt ? ` on ${mdText(options.generatedAt, 40)}` : ''}. Nothing was changed and no script was run.`);
  return out.join('\n') + '\n';
}
