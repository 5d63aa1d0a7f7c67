/**
 * The Markdown report of an Analysis: summary, route table, findings with evidence, remedies with
 * their checks. Shared by the extension (Export Report, Copy Route as Markdown Table) and the CLI.
 *
 * Header text is attacker-controlled: everything taken from the message goes through the Markdown
 * escaping of src/core/present/markdown-text.ts (code spans, escaped and defanged text, fences).
 *
 * Deterministic: no clock; a generation time is only printed when the caller passes one.
 */
import type { Analysis, Finding, Hop, Remedy, Severity } from '../types';
import { formatDelay } from '../present/duration';
import { mdCode, mdFence, mdText } from '../present/markdown-text';
import { breakHopIndex, hopFromName, roleLabel } from '../present/route';
import { formatAuthSummary, receiverText, receiverVerdict } from '../present/verdicts';
import { shortVendorName } from '../present/vendors';

export interface MarkdownReportOptions {
  /** Shown in the footer when given (ISO-8601); the renderer never reads the clock. */
  generatedAt?: string;
  /** Leave out the remedies section. */
  omitRemedies?: boolean;
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
