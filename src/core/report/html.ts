/**
 * The report of an Analysis as one self-contained HTML file: summary, route table, findings with
 * their evidence, remedies with their checks. It opens in any browser and can be attached to a
 * ticket: no script at all, no external resource, the styles in one <style> element allowed by
 * its hash in the Content-Security-Policy (`default-src 'none'`), so even a header that got
 * through unescaped could neither run nor load anything.
 *
 * Every text taken from the message is HTML-escaped, with control and bidi characters removed.
 * Scripts are shown in <pre> blocks, escaped, never as markup. Deterministic: no clock; a
 * generation time is printed only when the caller passes one.
 */
import { createHash } from 'node:crypto';
import type { Analysis, Finding, Hop, Remedy, Severity } from '../types';
import { displayLines } from '../present/text';
import { breakHopIndex, hopFromName, roleLabel } from '../present/route';
import { flatten } from '../present/text';
import { formatAuthSummary, receiverVerdict } from '../present/verdicts';
import { formatDelay } from '../present/duration';
import { shortVendorName } from '../present/vendors';
import { receiverText } from '../present/verdicts';
import { escapeHtml } from '../present/escape';

export interface HtmlReportOptions {
  /** Shown in the footer when given (ISO-8601); the renderer never reads the clock. */
  generatedAt?: string;
  /** A sentence shown at the top (e.g. what was masked for sharing). */
  notice?: string;
  omitRemedies?: boolean;
}

const CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --line: #d1d9e0; --head: #f6f8fa; --err: #cf222e; --warn: #9a6700; --info: #0969da; --code: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --line: #3d444d; --head: #151b23; --err: #ff7b72; --warn: #d29922; --info: #58a6ff; --code: #151b23; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px; font: 14px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 16px; overflow-wrap: anywhere; }
h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 6px; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: var(--head); font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
.nw { white-space: nowrap; }
tr.broke td { background: color-mix(in srgb, var(--err) 12%, transparent); }
code, pre { font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { background: var(--code); padding: 0 3px; border-radius: 4px; overflow-wrap: anywhere; }
pre { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; white-space: pre; }
.sev { display: inline-block; min-width: 64px; font-weight: 600; }
.sev-error { color: var(--err); } .sev-warning { color: var(--warn); } .sev-info { color: var(--info); }
.muted, footer { color: var(--muted); }
.notice { border-left: 4px solid var(--info); padding: 6px 12px; background: var(--head); }
.facts th { width: 32%; }
ul { margin: 4px 0 8px; padding-left: 22px; }
footer { margin-top: 32px; font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print { body { max-width: none; padding: 0; } pre { white-space: pre-wrap; } }
`;

/** The CSP source for the one <style> element. */
export const STYLE_HASH = `sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}`;
export const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src '${STYLE_HASH}'; img-src 'none'; base-uri 'none'; form-action 'none'`;

const MAX_TEXT = 4000;

export { escapeHtml };

/** Message-derived text on one line: controls and bidi removed, bounded, escaped. */
export function h(text: string | undefined | null, max = MAX_TEXT): string {
  return escapeHtml(flatten(text ?? '', max));
}

/** A value in a code element, or a dash. */
function c(text: string | undefined | null, max = 300): string {
  const t = flatten(text ?? '', max);
  return t ? `<code>${escapeHtml(t)}</code>` : '–';
}

/** A multi-line block (a script): line breaks kept, other controls and bidi characters removed. */
export function preText(text: string): string {
  return escapeHtml(displayLines(text, { unsafe: 'drop' }).replace(/\n+$/, ''));
}

const SEVERITY_LABEL: Record<Severity, string> = { error: 'Error', warning: 'Warning', info: 'Info' };

function lineRangeText(r: { startLine: number; endLine: number }): string {
  return r.startLine === r.endLine ? `line ${r.startLine + 1}` : `lines ${r.startLine + 1}–${r.endLine + 1}`;
}

function utcTime(iso: string | null): string {
  if (!iso) return '';
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

/** The route as an HTML table, oldest hop first. */
export function renderRouteTableHtml(a: Analysis): string {
  const broke = breakHopIndex(a);
  const rows: string[] = [];
  rows.push('<table class="route"><thead><tr><th>#</th><th>From</th><th>IP</th><th>By</th><th>Role</th><th>Protocol / TLS</th><th class="nw">Time (UTC)</th><th class="nw">Delay</th></tr></thead><tbody>');
  for (const hop of a.hops) {
    const from =
      hop.from.rdns && hop.from.helo && hop.from.rdns.toLowerCase() !== hop.from.helo.toLowerCase()
        ? `${c(hop.from.rdns)} <span class="muted">(HELO ${c(hop.from.helo)})</span>`
        : c(hop.from.rdns || hop.from.helo);
    const role = hop.vendor ? `${h(roleLabel(hop.role))} · ${h(shortVendorName(hop.vendor.name), 80)}` : h(roleLabel(hop.role));
    const isBroke = hop.index === broke;
    rows.push(
      `<tr${isBroke ? ' class="broke"' : ''}><td class="num">${hop.index + 1}${isBroke ? ' ⚠' : ''}</td><td>${from}</td><td>${c(hop.from.ip)}</td><td>${c(hop.by.host)}</td><td>${role}</td><td>${tlsText(hop) ? c(tlsText(hop)) : '–'}</td><td class="nw">${h(utcTime(hop.timestamp)) || '–'}</td><td class="nw">${h(formatDelay(hop)) || '–'}</td></tr>`,
    );
  }
  if (!a.hops.length) rows.push('<tr><td colspan="8">No Received fields.</td></tr>');
  rows.push('</tbody></table>');
  return rows.join('\n');
}

function list(title: string, items: string[]): string {
  if (!items.length) return '';
  return `<p>${escapeHtml(title)}:</p>\n<ul>\n${items.map((i) => `<li>${h(i, 2000)}</li>`).join('\n')}\n</ul>`;
}

function findingHtml(a: Analysis, f: Finding): string {
  const out: string[] = [];
  const hop = f.hopIndex !== null ? a.hops[f.hopIndex] : undefined;
  const where = hop ? ` <span class="muted">(hop ${f.hopIndex! + 1}, ${c(hop.by.host)})</span>` : '';
  out.push(`<h3><span class="sev sev-${f.severity}">${SEVERITY_LABEL[f.severity]}</span> ${c(f.id, 80)}${where}</h3>`);
  out.push(`<p>${h(f.message)}</p>`);
  if (f.evidence.length) {
    out.push('<p>Evidence:</p>\n<ul>');
    for (const e of f.evidence) out.push(`<li>${c(e.header, 80)} ${lineRangeText(e.lines)}${e.note ? `: ${h(e.note, 500)}` : ''}</li>`);
    out.push('</ul>');
  }
  if (f.remedies.length) out.push(`<p>Fixed by: ${f.remedies.map((r) => c(r, 80)).join(', ')}</p>`);
  return out.join('\n');
}

function remedyHtml(r: Remedy): string {
  const out: string[] = [];
  out.push(`<h3>${h(r.title, 200)}${r.recommended ? ' <span class="muted">(recommended)</span>' : ''}</h3>`);
  out.push(`<p class="muted">Id ${c(r.id, 80)} · kind ${c(r.kind, 20)}</p>`);
  if (r.why) out.push(`<p>${h(r.why)}</p>`);
  out.push(list('Before you run it', r.preChecks));
  out.push(`<pre><code>${preText(r.text)}</code></pre>`);
  out.push(list('Caveats', r.caveats));
  out.push(list('Roll back', r.rollback));
  out.push(list('Verify after the change', r.verify));
  if (r.omitted.length) out.push(list('Left out', r.omitted.map((o) => `${o.value}: ${o.reason}`)));
  return out.filter(Boolean).join('\n');
}

/** The complete report as one HTML document. */
export function renderHtmlReport(a: Analysis, options: HtmlReportOptions = {}): string {
  const s = a.summary;
  const b = a.boundary;
  const title = `Mail flow report: ${flatten(s.subject ?? '', 200) || 'message without subject'}`;
  const verdict = formatAuthSummary(receiverVerdict(a));
  const origHop = b.originalSenderHopIndex !== null ? a.hops[b.originalSenderHopIndex] : undefined;
  const facts: Array<[string, string]> = [];
  if (a.input.name) facts.push(['File', c(a.input.name)]);
  facts.push(
    ['Subject', c(s.subject)],
    ['From', c(s.from)],
    ['To', c(s.to.join(', '))],
    ['Date', c(s.date)],
    ['Message-ID', c(s.messageId)],
    ['Receiver', h(receiverText(b))],
    ['Connecting IP (what the receiver evaluated)', c(b.connectingIp)],
    ['Relays in front of the receiver', b.relayIps.length ? b.relayIps.map((ip) => c(ip)).join(', ') : '–'],
    ['Original sender', b.originalSenderIp ? `${origHop ? `${c(hopFromName(origHop))} ` : ''}${c(b.originalSenderIp)}` : '–'],
    ["Receiver's verdict", verdict ? c(verdict) : '–'],
  );
  if (a.input.headersOnly) facts.push(['Scope', 'headers only (no body, or above the size limit)']);

  const out: string[] = [];
  out.push('<!DOCTYPE html>');
  out.push('<html lang="en">');
  out.push('<head>');
  out.push('<meta charset="utf-8">');
  out.push(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CONTENT_SECURITY_POLICY)}">`);
  out.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  out.push('<meta name="referrer" content="no-referrer">');
  out.push(`<meta name="generator" content="${h(`${a.tool.name} ${a.tool.version}`, 80)}">`);
  out.push(`<title>${h(title, 260)}</title>`);
  out.push(`<style>${CSS}</style>`);
  out.push('</head>');
  out.push('<body>');
  out.push(`<h1>${h(title, 260)}</h1>`);
  if (options.notice) out.push(`<p class="notice">${h(options.notice, 1000)}</p>`);
  out.push('<table class="facts"><tbody>');
  for (const [k, v] of facts) out.push(`<tr><th>${escapeHtml(k)}</th><td>${v}</td></tr>`);
  out.push('</tbody></table>');

  out.push(`<h2>Route (${a.hops.length} hop${a.hops.length === 1 ? '' : 's'}, oldest first)</h2>`);
  out.push(renderRouteTableHtml(a));
  const broke = breakHopIndex(a);
  if (broke !== null) out.push(`<p>⚠ Authentication broke at hop ${broke + 1} (${c(a.hops[broke]?.by.host)}).</p>`);
  if (b.reasoning.length) out.push(list('How the trust boundary was found', b.reasoning));

  out.push('<h2>Findings</h2>');
  if (!a.findings.length) out.push('<p>No findings.</p>');
  else out.push(a.findings.map((f) => findingHtml(a, f)).join('\n'));

  if (!options.omitRemedies) {
    out.push('<h2>Remedies</h2>');
    if (!a.remedies.length) out.push('<p>No change is suggested for this message.</p>');
    else out.push(a.remedies.map(remedyHtml).join('\n'));
  }

  if (a.problems.length) {
    out.push('<h2>Parse problems</h2>');
    out.push('<ul>');
    for (const p of a.problems) out.push(`<li><span class="sev sev-${p.severity}">${SEVERITY_LABEL[p.severity]}</span> ${c(p.code, 60)}${p.lines ? ` (${lineRangeText(p.lines)})` : ''}: ${h(p.message, 1000)}</li>`);
    out.push('</ul>');
  }

  out.push(
    `<footer>Generated by ${h(a.tool.name)} ${h(a.tool.version)} (Analysis schema ${a.schemaVersion})${options.generatedAt ? ` on ${h(options.generatedAt, 40)}` : ''}. Nothing was changed and no script was run.</footer>`,
  );
  out.push('</body>');
  out.push('</html>');
  return out.join('\n') + '\n';
}
