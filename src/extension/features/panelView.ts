/**
 * The explanation panel's content, as pure functions: which finding / hop / summary to show, the
 * HTML for it, and validation of the messages the webview posts back. No 'vscode' import, so the
 * whole rendering and validation path is unit-tested with hostile header text.
 *
 * Safety model:
 *  - Every string that is not a literal of this file goes through `text()` (displayText from
 *    src/core/present/text.ts: control and bidi characters dropped, whitespace collapsed, length
 *    bounded; then escapeHtml) and lands in a text position; script blocks go through `block()`
 *    (the same, line breaks kept). Attributes carry only literals, integers (intAttr) or
 *    identifiers that match /^[a-z0-9-]+$/ (idAttr), sanitised the same way; attribute names are
 *    fixed literals, checked by `el()`.
 *  - The page has no links with href: documentation links are buttons carrying an index into the
 *    list of URLs of this render (all from our explanations data); the extension opens them.
 *  - Script text of remedies is shown escaped in <pre>; the Copy button sends only the remedy id
 *    and the extension copies its own copy of the text.
 */
import type { Analysis, Evidence, Finding, Hop, Remedy, Severity } from '../../core/types';
import { EXPLANATIONS, explanationFor, type Explanation } from '../../core/diagnose/explanations';
import { formatAuthSummary, receiverVerdict } from '../../core/present/verdicts';
import { explainNonPassing, HOP_ROLE_WORDS } from '../../core/present/hover-texts';
import {
  breakHop,
  efcShort,
  evidenceText,
  hopLine,
  relayName,
  routeLanes,
  segmentName,
  segmentOf,
  segmentRole,
  TRUST_LABEL,
  TRUST_MEANING,
  unplacedRelays,
  VERDICT_MEANING,
  verdictLabel,
} from '../../core/present/route';
import { buildCsp, escapeHtml, idAttr, intAttr, isValidNonce } from './html';
import { displayLines, displayText } from '../../core/present/text';

/** Longest text shown in one place of the panel (a header value can be megabytes long). */
const MAX_TEXT = 20000;
/** Longest script block. */
const MAX_BLOCK = 200000;

// ---------------------------------------------------------------------------------------------
// What to show

export type PanelTarget =
  | { kind: 'empty' }
  | { kind: 'summary'; analysis: Analysis }
  | { kind: 'finding'; analysis: Analysis; finding: Finding; findingIndex: number }
  | { kind: 'hop'; analysis: Analysis; hop: Hop };

/**
 * The index of a finding in the current analysis: the same object, or (after a re-analysis replaced
 * the objects) the same id with the same first evidence line and message.
 */
export function findFindingIndex(analysis: Analysis, finding: Finding): number {
  const same = analysis.findings.indexOf(finding);
  if (same >= 0) return same;
  const line = finding.evidence[0]?.lines.startLine;
  let byId = -1;
  for (let i = 0; i < analysis.findings.length; i++) {
    const f = analysis.findings[i];
    if (f.id !== finding.id) continue;
    if (f.message === finding.message && f.evidence[0]?.lines.startLine === line) return i;
    if (byId < 0) byId = i;
  }
  return byId;
}

/** Every URL the panel may open: the documentation links of our explanations. */
export const ALLOWED_DOC_URLS: ReadonlySet<string> = new Set(
  Object.values(EXPLANATIONS).flatMap((e) => e.docs.map((d) => d.url).filter((u) => u.startsWith('https://'))),
);

// ---------------------------------------------------------------------------------------------
// HTML building blocks

const ATTR_NAME = /^(?:class|id|role|type|title|lang|tabindex|aria-[a-z]+|data-[a-z]+)$/;

/** A string of HTML produced by this module (never raw header text). */
type Html = string & { readonly __html?: true };

/**
 * Text for a text position. Besides escapeHtml, '=' becomes &#61;: header text such as
 * `<img src=x onerror=alert(1)>` then never shows up as `onerror=` even in the page source, so
 * scanners and reviewers grepping the HTML see no handler-like text at all.
 */
function text(value: unknown): Html {
  const shown = typeof value === 'number' ? value : displayText(value, { max: MAX_TEXT, unsafe: 'drop' });
  return escapeHtml(shown).split('=').join('&#61;');
}

/** A multi-line block (a script) for a <pre>: line breaks kept, control and bidi characters dropped, escaped like text(). */
function block(value: string): Html {
  return escapeHtml(displayLines(value, { max: MAX_BLOCK, unsafe: 'drop' })).split('=').join('&#61;');
}

function el(tag: string, attrs: Record<string, string | undefined> | null, ...children: Html[]): Html {
  let open = `<${tag}`;
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined) continue;
    if (!ATTR_NAME.test(name)) throw new Error(`attribute ${name} is not allowed in the panel`);
    open += ` ${name}="${escapeHtml(displayText(value, { max: MAX_TEXT, unsafe: 'drop' }))}"`;
  }
  return `${open}>${children.join('')}</${tag}>`;
}

function section(title: string, id: string, ...children: Html[]): Html {
  const body = children.filter((c) => c);
  if (!body.length) return '';
  return el('section', { class: 'section', 'aria-labelledby': id }, el('h3', { id }, text(title)), ...body);
}

function para(value: string | undefined, cls?: string): Html {
  return value ? el('p', { class: cls }, text(value)) : '';
}

function list(items: Html[], cls?: string): Html {
  return items.length ? el('ul', { class: cls }, ...items.map((i) => el('li', null, i))) : '';
}

function button(label: string, attrs: Record<string, string | undefined>, cls = 'btn'): Html {
  return el('button', { type: 'button', class: cls, ...attrs }, text(label));
}

const SEVERITY_LABEL: Record<Severity, string> = { error: 'Error', warning: 'Warning', info: 'Info' };

function badge(severity: Severity): Html {
  return el('span', { class: `badge badge-${severity}` }, text(SEVERITY_LABEL[severity] ?? 'Info'));
}

function lineLabel(lines: { startLine: number; endLine: number }): string {
  const a = lines.startLine + 1;
  const b = lines.endLine + 1;
  return b > a ? `lines ${a}–${b}` : `line ${a}`;
}

function evidenceButton(ev: Evidence, lineCount: number): Html {
  const start = intAttr(ev.lines?.startLine);
  const end = intAttr(ev.lines?.endLine);
  if (start === undefined || end === undefined || ev.lines.startLine >= lineCount) return el('span', null, text(`${ev.header} (${lineLabel(ev.lines)})`));
  const label = `${ev.header}, ${lineLabel(ev.lines)}`;
  return el(
    'span',
    { class: 'evidence' },
    button(label, { 'data-action': 'reveal', 'data-line': start, 'data-end': end, 'aria-label': `Show ${label} in the message` }, 'link'),
    ev.note ? el('span', { class: 'note' }, text(` — ${ev.note}`)) : '',
  );
}

// ---------------------------------------------------------------------------------------------
// Pages

export interface RenderContext {
  /** Links rendered so far (index = data-index of the button). */
  links: string[];
  /** Remedy ids rendered with Copy / Open buttons. */
  remedyIds: Set<string>;
}

function linkButtons(docs: Explanation['docs'], ctx: RenderContext): Html {
  const items: Html[] = [];
  for (const d of docs) {
    if (!ALLOWED_DOC_URLS.has(d.url)) continue;
    let index = ctx.links.indexOf(d.url);
    if (index < 0) index = ctx.links.push(d.url) - 1;
    items.push(
      el(
        'span',
        null,
        button(d.title, { 'data-action': 'open', 'data-index': String(index), 'aria-label': `Open ${d.title} in the browser` }, 'link'),
        el('span', { class: 'url' }, text(` ${hostOf(d.url)}`)),
      ),
    );
  }
  return list(items, 'links');
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

function remedyBlock(r: Remedy, ctx: RenderContext): Html {
  const id = idAttr(r.id);
  if (!id) return '';
  ctx.remedyIds.add(id);
  const headId = `remedy-${id}`;
  const scriptLang = r.language === 'powershell' ? 'PowerShell' : r.language === 'dns' ? 'DNS record' : 'Settings';
  return el(
    'article',
    { class: 'remedy', 'aria-labelledby': headId },
    el('h4', { id: headId }, text(r.title), r.recommended ? el('span', { class: 'badge badge-recommended' }, text('Recommended')) : ''),
    para(r.why, 'why'),
    r.preChecks.length ? el('div', { class: 'sub' }, el('h5', null, text('Check first')), list(r.preChecks.map((p) => el('code', null, text(p))))) : '',
    el(
      'div',
      { class: 'actions', role: 'group', 'aria-label': `Actions for ${r.title}` },
      button('Open in editor', { 'data-action': 'generate', 'data-remedy': id, 'aria-label': `Open ${r.title} in a new editor` }),
      button('Copy', { 'data-action': 'copy', 'data-remedy': id, 'aria-label': `Copy ${r.title} to the clipboard` }, 'btn secondary'),
    ),
    el('pre', { class: 'script', 'aria-label': `${scriptLang} text`, tabindex: '0' }, el('code', null, block(r.text))),
    r.caveats.length ? el('div', { class: 'sub' }, el('h5', null, text('Caveats')), list(r.caveats.map((c) => text(c)))) : '',
    r.omitted.length
      ? el('div', { class: 'sub' }, el('h5', null, text('Left out')), list(r.omitted.slice(0, 50).map((o) => el('span', null, el('code', null, text(o.value)), text(` — ${o.reason}`)))))
      : '',
    r.rollback.length ? el('div', { class: 'sub' }, el('h5', null, text('Roll back')), list(r.rollback.map((c) => el('code', null, text(c))))) : '',
  );
}

function findingButton(a: Analysis, f: Finding, index: number): Html {
  const title = explanationFor(f.explanation)?.title ?? explanationFor(f.id)?.title ?? f.id;
  return el(
    'span',
    { class: 'finding-ref' },
    badge(f.severity),
    text(' '),
    button(title, { 'data-action': 'finding', 'data-index': String(index), 'aria-label': `Explain: ${title}` }, 'link'),
    el('span', { class: 'note' }, text(` — ${f.message}`)),
  );
}

/**
 * A finding's fixes as the page lists them: the recommended one first, then in the engine's order
 * (the analysis lists remedies best fit first).
 */
export function orderedRemedies(a: Analysis, f: Finding): Remedy[] {
  const ids = new Set(f.remedies);
  const list = a.remedies.filter((r) => ids.has(r.id));
  return list.map((r, i) => ({ r, i })).sort((x, y) => Number(!!y.r.recommended) - Number(!!x.r.recommended) || x.i - y.i).map((x) => x.r);
}

/** The verification steps of a finding's fixes, each once, in the order of the fixes. */
export function verifySteps(remedies: Remedy[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of remedies) {
    for (const v of r.verify) {
      const key = v.trim().toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}

function renderFinding(t: Extract<PanelTarget, { kind: 'finding' }>, ctx: RenderContext): Html {
  const { analysis: a, finding: f } = t;
  const ex = explanationFor(f.explanation) ?? explanationFor(f.id);
  const remedies = orderedRemedies(a, f);
  const verify: Html[] = verifySteps(remedies).map((v) => text(v));
  const hop = f.hopIndex !== null && f.hopIndex !== undefined ? a.hops[f.hopIndex] : undefined;
  return [
    el('header', { class: 'title' }, badge(f.severity), el('h2', null, text(ex?.title ?? f.id))),
    el('p', { class: 'message' }, text(f.message)),
    hop ? el('p', { class: 'hopref' }, button(`Hop ${hop.index + 1}: ${hopLabel(hop)}`, { 'data-action': 'hop', 'data-index': String(hop.index) }, 'link')) : '',
    section('What happened', 'what', para(ex?.whatHappened)),
    section('Evidence', 'evidence', list(f.evidence.map((e) => evidenceButton(e, a.input.lineCount)))),
    section('Why it matters', 'why', para(ex?.whyItMatters)),
    section('How to fix', 'fix', para(ex?.howToFix), ...remedies.map((r) => remedyBlock(r, ctx))),
    section('How to verify', 'verify', para(ex?.howToVerify), list(verify)),
    section('Learn more', 'docs', ex ? linkButtons(ex.docs, ctx) : ''),
    el('p', { class: 'back' }, button('Back to the summary', { 'data-action': 'summary' }, 'link')),
  ].join('');
}

function hopLabel(h: Hop): string {
  return hopLine(h);
}

function ipWords(h: Hop): string | undefined {
  const info = h.ipInfo;
  if (!h.from.ip) return undefined;
  let s = h.from.ip;
  if (info) {
    s += ` (${info.class}`;
    if (info.provider) s += `, ${info.provider.name} ${info.provider.range}`;
    if (info.vendor) s += `, ${info.vendor.name} ${info.vendor.range}`;
    s += ')';
  }
  return s;
}

function delayWords(ms: number | null): string | undefined {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return undefined;
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${abs} ms`;
  if (abs < 120_000) return `${sign}${(abs / 1000).toFixed(abs < 10_000 ? 1 : 0)} s`;
  if (abs < 7_200_000) return `${sign}${Math.round(abs / 60_000)} min`;
  return `${sign}${(abs / 3_600_000).toFixed(1)} h`;
}

function renderHop(t: Extract<PanelTarget, { kind: 'hop' }>): Html {
  const { analysis: a, hop: h } = t;
  const seg = segmentOf(a, h);
  const relay = a.facts.relays.find((r) => r.hopIndex === h.index);
  const rows: Array<[string, string | undefined]> = [
    ['Written by', seg ? `${segmentName(seg)} (${segmentRole(seg)})` : undefined],
    ['Lines', seg ? TRUST_LABEL[seg.trust] : undefined],
    ['Role', HOP_ROLE_WORDS[h.role] ?? h.role],
    ['From (HELO)', h.from.helo],
    ['From (reverse DNS)', h.from.rdns],
    ['From (IP)', ipWords(h)],
    ['By', h.by.host],
    ['Protocol', h.protocol],
    ['TLS', h.tls ? [h.tls.version, h.tls.cipher].filter(Boolean).join(' ') || 'yes' : 'no TLS recorded'],
    ['Time', h.timestamp ?? undefined],
    ['Delay', delayWords(h.delayMs)],
  ];
  const entry = a.facts.entry.hopIndex === h.index;
  const broke = breakHop(a) === h.index;
  const findings = a.findings.map((f, i) => ({ f, i })).filter(({ f }) => f.hopIndex === h.index);
  const stamps = h.stamps.map((s) => {
    const parts = Object.entries(s.summary)
      .filter(([, v]) => typeof v === 'string')
      .map(([k, v]) => `${k}=${v}`);
    const ev: Evidence = { header: s.kind, fieldIndex: s.fieldIndex, lines: s.lines };
    return el(
      'span',
      null,
      text(`${s.writer ?? 'unknown writer'} (${s.trust}) ${parts.join(' ')} `),
      evidenceButton(ev, a.input.lineCount),
    );
  });
  return [
    el('header', { class: 'title' }, el('h2', null, text(`Hop ${h.index + 1} of ${a.hops.length}: ${hopLabel(h)}`))),
    broke ? el('p', { class: 'message verdict-error' }, text(`Authentication broke here. ${a.facts.verdict.summary}`)) : '',
    entry ? el('p', { class: 'message' }, text(`This is where ${a.facts.receiver.name ?? 'the receiver'} took the message from outside (the trust boundary).`)) : '',
    seg?.trust === 'claimed' ? el('p', { class: 'message' }, text(TRUST_MEANING.claimed)) : '',
    h.clockSkew ? el('p', { class: 'message' }, text('The clock of this hop disagrees with the hop before it (the time goes backwards).')) : '',
    el(
      'dl',
      { class: 'facts' },
      ...rows.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => el('div', null, el('dt', null, text(k)), el('dd', null, text(v)))),
    ),
    relay
      ? section(
          `Relay of the recipient (${relay.strength} evidence)`,
          'relay',
          para(relayName(relay)),
          list(relay.evidence.map((e) => el('span', null, el('span', { class: `badge badge-${e.strength === 'strong' ? 'ok' : 'info'}` }, text(e.strength)), text(` ${evidenceText(e)}`), e.evidence ? evidenceButton(e.evidence, a.input.lineCount) : ''))),
        )
      : '',
    section('Evidence', 'evidence', list([evidenceButton({ header: 'Received', fieldIndex: h.fieldIndex, lines: h.lines }, a.input.lineCount)])),
    section('Authentication stamped here', 'stamps', list(stamps)),
    section('Findings at this hop', 'findings', list(findings.map(({ f, i }) => findingButton(a, f, i)))),
    h.unparsed.length ? section('Not understood', 'unparsed', list(h.unparsed.map((u) => el('code', null, text(u))))) : '',
    el('p', { class: 'back' }, button('Back to the summary', { 'data-action': 'summary' }, 'link')),
  ].join('');
}

/** One sentence on the state of the message: the verdict class of the facts, never re-derived. */
export function verdict(a: Analysis): { severity: Severity | 'ok'; text: string } {
  const fatal = a.problems.find((p) => p.severity === 'error');
  if (fatal && !a.hops.length) return { severity: 'error', text: fatal.message };
  const v = a.facts?.verdict;
  if (!v) return { severity: 'info', text: 'Not judged.' };
  switch (v.class) {
    case 'authentic':
      return { severity: a.findings.some((f) => f.severity === 'error') ? 'warning' : 'ok', text: v.summary };
    case 'broken-in-transit':
    case 'never-authentic':
      return { severity: 'error', text: v.summary };
    default:
      return { severity: 'warning', text: v.summary };
  }
}

function renderSummary(t: Extract<PanelTarget, { kind: 'summary' }>): Html {
  const a = t.analysis;
  const f = a.facts;
  const v = verdict(a);
  const top = a.findings
    .map((x, i) => ({ f: x, i }))
    .filter(({ f: x }) => x.severity !== 'info')
    .slice(0, 6);
  const info = a.findings.map((x, i) => ({ f: x, i })).filter(({ f: x }) => x.severity === 'info').slice(0, 6);
  const results = receiverVerdict(a);
  const facts: Array<[string, string | undefined]> = [
    ['Subject', a.summary.subject],
    ['From', a.summary.from],
    ['Receiver', f.receiver.name ?? (f.receiver.kind !== 'unknown' ? f.receiver.kind : undefined)],
    ['Connecting IP', f.entry.connectingIp ?? undefined],
    ['Relays of the recipient', f.relays.length ? f.relays.map((r) => `${relayName(r)} (${r.strength} evidence)`).join('; ') : undefined],
    ['Original sender', f.originalSender ? [f.originalSender.host, f.originalSender.ip ? `[${f.originalSender.ip}]` : ''].filter(Boolean).join(' ') : undefined],
    ["Receiver's results", formatAuthSummary(results) || undefined],
    ['Enhanced Filtering', f.efc.state !== 'not-applicable' ? efcShort(f.efc.state).replace(/^EFC /, '') : undefined],
  ];
  const broke = breakHop(a);
  const lanes = routeLanes(a).map((l) => {
    const relays = l.relays.length ? l.relays : l.segment.role === 'recipient' ? unplacedRelays(a) : [];
    const hops = l.hops.map((h) =>
      el(
        'li',
        null,
        button(`Hop ${h.index + 1}`, { 'data-action': 'hop', 'data-index': String(h.index), 'aria-label': `Explain hop ${h.index + 1}` }, 'link'),
        text(` ${broke === h.index ? '⚠ broke here · ' : ''}${f.entry.hopIndex === h.index ? 'entry · ' : ''}${hopLabel(h)}`),
      ),
    );
    return el(
      'li',
      { class: `lane lane-${l.segment.trust}` },
      el('strong', null, text(l.name)),
      text(` — ${l.role}; ${l.trust}`),
      relays.length
        ? el('ul', { class: 'relays' }, ...relays.map((r) => el('li', null, text(`Relay ${relayName(r)}, ${r.strength} evidence: `), text(r.evidence.map((e) => `${e.strength}: ${evidenceText(e)}`).join('; ')))))
        : '',
      el('ol', { class: 'route' }, ...hops),
    );
  });
  return [
    el('header', { class: 'title' }, el('h2', null, text('Summary'))),
    el('p', { class: `verdict verdict-${v.severity}`, role: 'status' }, el('strong', null, text(`${verdictLabel(f.verdict)}.`)), ' ', text(v.text)),
    f.verdict.reasons.length ? list(f.verdict.reasons.map((r) => text(r)), 'reasons') : '',
    el('dl', { class: 'facts' }, ...facts.filter(([, x]) => x).map(([k, x]) => el('div', null, el('dt', null, text(k)), el('dd', null, text(x))))),
    section("What the receiver's results mean", 'results', list(explainNonPassing(results).map((e) => text(e)))),
    f.receiver.consumer ? section('No connector advice', 'consumer', para(f.receiver.consumerReason ?? 'A consumer mailbox has no connectors and no gateway of its own.')) : '',
    section('Findings', 'findings', list(top.map(({ f: x, i }) => findingButton(a, x, i)))),
    section('Notes', 'notes', list(info.map(({ f: x, i }) => findingButton(a, x, i)))),
    section('Route by organisation (oldest first)', 'route', el('ul', { class: 'lanes' }, ...lanes)),
    f.reasoning.length ? section('How the route was judged', 'boundary', list(f.reasoning.map((r) => text(r)))) : '',
    para(VERDICT_MEANING[f.verdict.class], 'note'),
  ].join('');
}

function renderEmpty(): Html {
  return [
    el('header', { class: 'title' }, el('h2', null, text('Mail Flow Lens'))),
    para('Open a saved message (.eml) to see where its authentication broke. Select a finding or a hop in the Mail Flow view, in the Problems panel or with a code lens to read the explanation here.'),
  ].join('');
}

export function renderBody(target: PanelTarget, ctx: RenderContext): Html {
  switch (target.kind) {
    case 'finding':
      return renderFinding(target, ctx);
    case 'hop':
      return renderHop(target);
    case 'summary':
      return renderSummary(target);
    default:
      return renderEmpty();
  }
}

export interface PanelAssets {
  cspSource: string;
  nonce: string;
  /** webview URIs of media/panel.css and media/panel.js (from asWebviewUri). */
  styleUri: string;
  scriptUri: string;
  /** Where the page is shown: the sidebar view (offers "Open in editor tab") or an editor tab. */
  place?: 'view' | 'editor';
}

export interface RenderedPanel {
  html: string;
  /** The body alone (without nonce): compare to skip needless reloads. */
  body: string;
  links: string[];
  remedyIds: string[];
}

/** The whole document for the webview: CSP meta with the nonce, the stylesheet, the body, the script. */
export function renderPanelHtml(target: PanelTarget, assets: PanelAssets): RenderedPanel {
  if (!isValidNonce(assets.nonce)) throw new Error('invalid nonce');
  const ctx: RenderContext = { links: [], remedyIds: new Set() };
  const toolbar =
    assets.place !== 'editor' && target.kind !== 'empty'
      ? el('nav', { class: 'toolbar', 'aria-label': 'Explanation' }, button('Open in editor tab', { 'data-action': 'popout', title: 'Show this explanation in an editor tab, with room to read' }, 'link'))
      : '';
  const body = toolbar + renderBody(target, ctx);
  const csp = buildCsp({ cspSource: assets.cspSource, nonce: assets.nonce });
  const html =
    '<!DOCTYPE html>\n' +
    '<html lang="en">\n<head>\n<meta charset="UTF-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">\n` +
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n' +
    `<link rel="stylesheet" href="${escapeHtml(assets.styleUri)}">\n` +
    '<title>Mail Flow Lens: explanation</title>\n</head>\n<body>\n' +
    `<main id="content">${body}</main>\n` +
    '<div id="status" class="status" role="status" aria-live="polite"></div>\n' +
    `<script nonce="${escapeHtml(assets.nonce)}" src="${escapeHtml(assets.scriptUri)}"></script>\n` +
    '</body>\n</html>\n';
  return { html, body, links: ctx.links, remedyIds: [...ctx.remedyIds] };
}

// ---------------------------------------------------------------------------------------------
// Messages from the webview

export type PanelMessage =
  | { type: 'reveal'; line: number; endLine: number }
  | { type: 'copy'; remedyId: string }
  | { type: 'generate'; remedyId: string }
  | { type: 'open'; index: number }
  | { type: 'finding'; index: number }
  | { type: 'hop'; index: number }
  | { type: 'summary' }
  | { type: 'popout' }
  | { type: 'ready' };

export interface MessageLimits {
  /** Lines of the message document now. */
  lineCount: number;
  /** Remedy ids of the current analysis. */
  remedyIds: ReadonlySet<string>;
  linkCount: number;
  findingCount: number;
  hopCount: number;
}

const MESSAGE_KEYS: Record<PanelMessage['type'], readonly string[]> = {
  reveal: ['type', 'line', 'endLine'],
  copy: ['type', 'remedyId'],
  generate: ['type', 'remedyId'],
  open: ['type', 'index'],
  finding: ['type', 'index'],
  hop: ['type', 'index'],
  summary: ['type'],
  popout: ['type'],
  ready: ['type'],
};

function isIndex(v: unknown, count: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < count;
}

/**
 * A message from the webview, or undefined when it is not exactly one of the known shapes: a plain
 * object, a whitelisted type, no extra keys, integer lines inside the document, indexes inside the
 * current lists, remedy ids of the current analysis.
 */
export function validatePanelMessage(raw: unknown, limits: MessageLimits): PanelMessage | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const proto: unknown = Object.getPrototypeOf(raw);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const m = raw as Record<string, unknown>;
  const type = m.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(MESSAGE_KEYS, type)) return undefined;
  const allowed = MESSAGE_KEYS[type as PanelMessage['type']];
  for (const k of Object.keys(m)) if (!allowed.includes(k)) return undefined;
  switch (type) {
    case 'reveal': {
      if (!isIndex(m.line, limits.lineCount)) return undefined;
      const end = m.endLine === undefined ? m.line : m.endLine;
      if (!isIndex(end, limits.lineCount) || end < m.line) return undefined;
      return { type, line: m.line, endLine: end };
    }
    case 'copy':
    case 'generate': {
      const id = idAttr(m.remedyId);
      if (!id || !limits.remedyIds.has(id)) return undefined;
      return { type, remedyId: id };
    }
    case 'open':
      return isIndex(m.index, limits.linkCount) ? { type, index: m.index } : undefined;
    case 'finding':
      return isIndex(m.index, limits.findingCount) ? { type, index: m.index } : undefined;
    case 'hop':
      return isIndex(m.index, limits.hopCount) ? { type, index: m.index } : undefined;
    case 'summary':
    case 'popout':
    case 'ready':
      return { type };
    default:
      return undefined;
  }
}
