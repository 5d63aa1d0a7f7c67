/**
 * The folder summary: messages grouped by receiver, then gateway vendor, then the relay IPs in
 * front of the receiver, with finding counts per group and overall, the messages of each group,
 * and the files that could not be analysed. Built incrementally from compact records (a batch
 * never keeps whole Analysis objects), rendered as terminal text or Markdown.
 */
import type { Severity } from '../core/types';
import { mdCode, mdText } from '../core/present/markdown-text';
import type { MessageRecord } from './engine';
import { safe } from './format-text';

export interface BatchMessage {
  file: string;
  subject?: string;
  /** Finding ids by severity (ids de-duplicated, in the order found). */
  errors: string[];
  warnings: string[];
  infos: string[];
  headersOnly: boolean;
}

export interface BatchGroup {
  receiver: string;
  /** Gateway vendors on the relay path ("Proofpoint"), empty when none was recognised. */
  vendors: string[];
  relayIps: string[];
  messages: BatchMessage[];
  /** Finding id → number of messages in this group with it. */
  findingCounts: Record<string, number>;
}

export interface FindingCount {
  id: string;
  /** The highest severity it was raised with. */
  severity: Severity;
  messages: number;
}

export interface BatchReport {
  files: number;
  analysed: number;
  failed: Array<{ file: string; message: string }>;
  /** Symbolic links in the folders that were not followed (not counted as files). */
  skippedLinks: Array<{ file: string; reason: string }>;
  withErrors: number;
  withWarnings: number;
  findings: FindingCount[];
  groups: BatchGroup[];
}

const SEV_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };
/** Most skipped links listed in a summary. */
const MAX_LISTED_LINKS = 50;

function uniq(list: string[]): string[] {
  return [...new Set(list)];
}

export class BatchSummary {
  files = 0;
  analysed = 0;
  withErrors = 0;
  withWarnings = 0;
  readonly failed: Array<{ file: string; message: string }> = [];
  readonly skippedLinks: Array<{ file: string; reason: string }> = [];
  private readonly groups = new Map<string, BatchGroup>();
  private readonly counts = new Map<string, FindingCount>();

  add(rec: MessageRecord): void {
    this.files++;
    this.analysed++;
    const msg: BatchMessage = {
      file: rec.file,
      ...(rec.subject !== undefined ? { subject: rec.subject.slice(0, 300) } : {}),
      errors: uniq(rec.findings.filter((f) => f.severity === 'error').map((f) => f.id)),
      warnings: uniq(rec.findings.filter((f) => f.severity === 'warning').map((f) => f.id)),
      infos: uniq(rec.findings.filter((f) => f.severity === 'info').map((f) => f.id)),
      headersOnly: rec.headersOnly,
    };
    if (msg.errors.length) this.withErrors++;
    else if (msg.warnings.length) this.withWarnings++;
    const key = JSON.stringify([rec.receiver, rec.vendors, rec.relayIps]);
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { receiver: rec.receiver, vendors: [...rec.vendors], relayIps: [...rec.relayIps], messages: [], findingCounts: {} }));
    g.messages.push(msg);
    const seen = new Set<string>();
    for (const f of rec.findings) {
      if (seen.has(f.id)) continue;
      seen.add(f.id);
      g.findingCounts[f.id] = (g.findingCounts[f.id] ?? 0) + 1;
      const c = this.counts.get(f.id);
      if (!c) this.counts.set(f.id, { id: f.id, severity: f.severity, messages: 1 });
      else {
        c.messages++;
        if (SEV_RANK[f.severity] > SEV_RANK[c.severity]) c.severity = f.severity;
      }
    }
  }

  addFailure(file: string, message: string): void {
    this.files++;
    this.failed.push({ file, message });
  }

  addSkippedLink(file: string, reason: string): void {
    this.skippedLinks.push({ file, reason });
  }

  report(): BatchReport {
    const groups = [...this.groups.values()].map((g) => ({ ...g, messages: [...g.messages].sort((a, b) => cmp(a.file, b.file)) }));
    groups.sort((a, b) => cmp(a.receiver, b.receiver) || cmp(a.vendors.join('+'), b.vendors.join('+')) || b.messages.length - a.messages.length || cmp(a.relayIps.join(','), b.relayIps.join(',')));
    const findings = [...this.counts.values()].sort((a, b) => SEV_RANK[b.severity] - SEV_RANK[a.severity] || b.messages - a.messages || cmp(a.id, b.id));
    return {
      files: this.files,
      analysed: this.analysed,
      failed: [...this.failed].sort((a, b) => cmp(a.file, b.file)),
      skippedLinks: [...this.skippedLinks].sort((a, b) => cmp(a.file, b.file)),
      withErrors: this.withErrors,
      withWarnings: this.withWarnings,
      findings,
      groups,
    };
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function gatewayLabel(g: Pick<BatchGroup, 'vendors' | 'relayIps'>): string {
  if (g.vendors.length) return g.vendors.join(' + ');
  return g.relayIps.length ? 'unrecognised relay' : 'no relay in front';
}

function relayLabel(g: Pick<BatchGroup, 'relayIps'>): string {
  return g.relayIps.length ? `relay IP${g.relayIps.length === 1 ? '' : 's'} ${g.relayIps.join(', ')}` : 'direct (no relay IPs)';
}

/** Receiver → gateway → relay-IP groups, in report order. */
function hierarchy(groups: BatchGroup[]): Array<{ receiver: string; count: number; gateways: Array<{ label: string; count: number; counts: Record<string, number>; groups: BatchGroup[] }> }> {
  const out: ReturnType<typeof hierarchy> = [];
  for (const g of groups) {
    let r = out.find((x) => x.receiver === g.receiver);
    if (!r) out.push((r = { receiver: g.receiver, count: 0, gateways: [] }));
    r.count += g.messages.length;
    const label = gatewayLabel(g);
    let gw = r.gateways.find((x) => x.label === label);
    if (!gw) r.gateways.push((gw = { label, count: 0, counts: {}, groups: [] }));
    gw.count += g.messages.length;
    gw.groups.push(g);
    for (const [id, n] of Object.entries(g.findingCounts)) gw.counts[id] = (gw.counts[id] ?? 0) + n;
  }
  out.sort((a, b) => b.count - a.count || cmp(a.receiver, b.receiver));
  for (const r of out) r.gateways.sort((a, b) => b.count - a.count || cmp(a.label, b.label));
  return out;
}

function countsText(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))
    .map(([id, n]) => `${id} ${n}`)
    .join(', ');
}

export interface BatchTextOptions {
  color: boolean;
}

/** The summary for the terminal. All message-derived text goes through safe(). */
export function formatBatchText(r: BatchReport, o: BatchTextOptions): string {
  const c = (code: number, t: string) => (o.color ? `\u001b[${code}m${t}\u001b[${code === 1 ? 22 : 39}m` : t);
  const bold = (t: string) => c(1, t);
  const sevColor: Record<Severity, number> = { error: 31, warning: 33, info: 36 };
  const out: string[] = [];
  out.push(bold(`Analysed ${plural(r.analysed, 'message')} of ${plural(r.files, 'file')}${r.failed.length ? `; ${r.failed.length} could not be analysed` : ''}`));
  out.push(`  ${r.withErrors} with error-level findings, ${r.withWarnings} with warnings only, ${r.analysed - r.withErrors - r.withWarnings} without errors or warnings`);
  out.push('');

  out.push(bold('Findings by id (messages)'));
  if (!r.findings.length) out.push('  none');
  const w = Math.max(10, ...r.findings.map((f) => f.id.length));
  for (const f of r.findings) out.push(`  ${c(sevColor[f.severity], f.severity.padEnd(7))} ${f.id.padEnd(w)}  ${f.messages}`);
  out.push('');

  out.push(bold('Messages by receiver › gateway › relay IPs'));
  if (!r.groups.length) out.push('  none');
  for (const rec of hierarchy(r.groups)) {
    out.push(`${bold(safe(rec.receiver, 60))} — ${plural(rec.count, 'message')}`);
    for (const gw of rec.gateways) {
      const counts = countsText(gw.counts);
      out.push(`  ${bold(safe(gw.label, 80))} — ${plural(gw.count, 'message')}${counts ? ` · ${counts}` : ''}`);
      for (const g of gw.groups) {
        out.push(`    ${relayLabel(g)} — ${plural(g.messages.length, 'message')}`);
        for (const m of g.messages) {
          const mark = m.errors.length ? c(31, '✗') : m.warnings.length ? c(33, '!') : c(32, '✓');
          const ids = [...m.errors, ...m.warnings].join(', ');
          out.push(`      ${mark} ${safe(m.file, 160)}${ids ? `  ${ids}` : ''}${m.headersOnly ? ' (headers only)' : ''}`);
        }
      }
    }
  }
  out.push('');

  if (r.failed.length) {
    out.push(bold(c(31, `Could not be analysed (${r.failed.length})`)));
    for (const f of r.failed) out.push(`  ${safe(f.message, 400)}`);
    out.push('');
  }
  if (r.skippedLinks.length) {
    out.push(bold(`Skipped symbolic links (${r.skippedLinks.length})`));
    for (const l of r.skippedLinks.slice(0, MAX_LISTED_LINKS)) out.push(`  ${safe(l.file, 300)}: ${l.reason}`);
    if (r.skippedLinks.length > MAX_LISTED_LINKS) out.push(`  … and ${r.skippedLinks.length - MAX_LISTED_LINKS} more`);
    out.push('');
  }
  return out.join('\n');
}

/** The summary as Markdown, to paste into a ticket. */
export function formatBatchMarkdown(r: BatchReport, toolLine: string): string {
  const out: string[] = [];
  out.push(`# Mail flow report: ${plural(r.analysed, 'message')}`);
  out.push('');
  out.push('| | |');
  out.push('|---|---|');
  out.push(`| Files | ${r.files} |`);
  out.push(`| Analysed | ${r.analysed} |`);
  out.push(`| With error-level findings | ${r.withErrors} |`);
  out.push(`| With warnings only | ${r.withWarnings} |`);
  out.push(`| Could not be analysed | ${r.failed.length} |`);
  out.push('');
  out.push('## Findings by id');
  out.push('');
  if (!r.findings.length) out.push('No findings.');
  else {
    out.push('| Finding | Severity | Messages |');
    out.push('|---|---|---:|');
    for (const f of r.findings) out.push(`| ${mdCode(f.id, 80)} | ${f.severity} | ${f.messages} |`);
  }
  out.push('');
  out.push('## Messages by receiver, gateway and relay IPs');
  for (const rec of hierarchy(r.groups)) {
    for (const gw of rec.gateways) {
      for (const g of gw.groups) {
        out.push('');
        out.push(`### ${mdText(rec.receiver, 80)} · ${mdText(gw.label, 80)} · ${g.relayIps.length ? g.relayIps.map((ip) => mdCode(ip)).join(', ') : 'direct'} (${plural(g.messages.length, 'message')})`);
        out.push('');
        const counts = countsText(g.findingCounts);
        if (counts) {
          out.push(`Findings: ${Object.entries(g.findingCounts).sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])).map(([id, n]) => `${mdCode(id, 80)} × ${n}`).join(', ')}`);
          out.push('');
        }
        out.push('| Message | Subject | Errors | Warnings |');
        out.push('|---|---|---|---|');
        for (const m of g.messages) {
          out.push(`| ${mdCode(m.file, 200)} | ${m.subject !== undefined ? mdText(m.subject, 120) : '–'} | ${m.errors.map((x) => mdCode(x, 80)).join(', ') || '–'} | ${m.warnings.map((x) => mdCode(x, 80)).join(', ') || '–'} |`);
        }
      }
    }
  }
  out.push('');
  if (r.failed.length) {
    out.push('## Could not be analysed');
    out.push('');
    for (const f of r.failed) out.push(`- ${mdText(f.message, 500)}`);
    out.push('');
  }
  if (r.skippedLinks.length) {
    out.push('## Skipped symbolic links');
    out.push('');
    for (const l of r.skippedLinks.slice(0, MAX_LISTED_LINKS)) out.push(`- ${mdCode(l.file, 300)}: ${mdText(l.reason, 200)}`);
    if (r.skippedLinks.length > MAX_LISTED_LINKS) out.push(`- … and ${r.skippedLinks.length - MAX_LISTED_LINKS} more`);
    out.push('');
  }
  out.push('---');
  out.push('');
  out.push(`${mdText(toolLine, 200)}. Nothing was changed and no script was run.`);
  return out.join('\n') + '\n';
}
