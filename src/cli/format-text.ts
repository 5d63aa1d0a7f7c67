/**
 * Human-readable report of an Analysis for the terminal: the route as a table, the receiver's
 * verdicts next to the claims written further down, findings and remedies.
 * All header-derived text is passed through `safe()` so a hostile header cannot move the cursor,
 * clear the screen or inject terminal escape sequences.
 */
import type { Analysis, AuthStamp, Finding, Hop, Remedy, Severity } from '../core/types';
import { displayLines, displayText } from '../core/present/text';
import { outcomeOf, receiverText, resultMeaning } from '../core/present/verdicts';
import { formatDelay } from '../core/present/duration';
import { shortVendorName } from '../core/present/vendors';
import { roleLabel } from '../core/present/route';

export interface TextOptions {
  color: boolean;
  /** Terminal width for wrapping long cells. */
  width?: number;
}

const ESC = '\u001b[';
type Style = 'bold' | 'dim' | 'red' | 'yellow' | 'green' | 'cyan' | 'magenta';
const CODES: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  yellow: [33, 39],
  green: [32, 39],
  cyan: [36, 39],
  magenta: [35, 39],
};

/**
 * Attacker-controlled text for the terminal on one line: controls (ESC, CSI, BEL…), bidi
 * characters and line separators marked with U+FFFD, whitespace collapsed, length bounded
 * (displayText, src/core/present/text.ts).
 */
export function safe(text: string | undefined | null, max = 200): string {
  return displayText(text, max);
}

export function hopFromText(h: Hop): string {
  const ip = h.from.ip ? `[${h.from.ip}]` : '';
  // a HELO that is just the address literal adds nothing
  const heloIsLiteral = !!h.from.helo && h.from.helo.replace(/^\[|\]$/g, '').replace(/^ipv6:/i, '') === h.from.ip;
  const name = h.from.rdns ?? (heloIsLiteral ? '' : h.from.helo ?? '');
  const helo = h.from.helo && h.from.rdns && !heloIsLiteral && h.from.helo.toLowerCase() !== h.from.rdns.toLowerCase() ? ` helo=${h.from.helo}` : '';
  return safe(`${name} ${ip}${helo}`.trim(), 70);
}

export function hopProtocolText(h: Hop): string {
  const parts: string[] = [];
  if (h.protocol) parts.push(h.protocol);
  if (h.tls && (h.tls.version || h.tls.cipher)) parts.push(h.tls.version ?? 'TLS');
  else if (h.with?.tls) parts.push('TLS');
  return safe(parts.join(' · '), 40);
}

export function stampText(s: AuthStamp): string {
  const parts = Object.entries(s.summary)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${v}`);
  return safe(parts.join(' '), 120);
}

export function formatText(a: Analysis, opts: TextOptions): string {
  const c = (style: Style, t: string) => (opts.color ? `${ESC}${CODES[style][0]}m${t}${ESC}${CODES[style][1]}m` : t);
  const sevColor: Record<Severity, Style> = { error: 'red', warning: 'yellow', info: 'cyan' };
  const out: string[] = [];
  const s = a.summary;
  out.push(c('bold', safe(a.input.name ?? 'message')));
  if (s.subject !== undefined) out.push(`  Subject: ${safe(s.subject)}`);
  if (s.from) out.push(`  From:    ${safe(s.from)}`);
  if (s.date) out.push(`  Date:    ${safe(s.date)}`);
  const b = a.boundary;
  const vendor = a.vendors.find((v) => v.confidence === 'strong');
  const receiverLine = [
    `Receiver: ${safe(receiverText(b), 100)}`,
    b.connectingIp ? `connecting IP ${b.connectingIp}${b.relayIps.length && vendor ? ` (${safe(vendor.name)})` : ''}` : undefined,
    b.relayIps.length ? `relays ${b.relayIps.join(', ')}` : undefined,
    b.originalSenderIp ? `original sender ${b.originalSenderIp}` : undefined,
  ].filter(Boolean);
  out.push(`  ${receiverLine.join('  ·  ')}`);
  out.push(...trustLines(a, c));
  out.push('');

  // Route
  out.push(c('bold', `Route (${a.hops.length} hop${a.hops.length === 1 ? '' : 's'}, oldest first)`));
  if (!a.hops.length) out.push('  (no Received fields)');
  const rows = a.hops.map((h) => {
    const role = h.vendor && h.role === 'gateway' && h.vendor.confidence === 'strong' ? `${roleLabel(h.role)} (${shortVendorName(h.vendor.name)})` : roleLabel(h.role);
    return [
      String(h.index + 1),
      role,
      hopFromText(h),
      safe(h.by.host ?? '', 50),
      hopProtocolText(h),
      h.timestamp ? h.timestamp.replace('T', ' ').replace(/\.\d+Z$|Z$/, 'Z') : safe(h.raw.slice(h.raw.lastIndexOf(';') + 1).trim(), 30) || '?',
      formatDelay(h),
      `L${h.lines.startLine + 1}`,
    ];
  });
  const header = ['#', 'role', 'from', 'by', 'with', 'time (UTC)', 'delay', 'line'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  if (rows.length) {
    out.push(c('dim', `  ${header.map((h, i) => h.padEnd(widths[i])).join('  ')}`.trimEnd()));
    a.hops.forEach((h, k) => {
      const r = rows[k];
      const mark = b.entryHopIndex === h.index ? c('magenta', '▶') : ' ';
      const line = r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
      const skew = h.clockSkew ? c('yellow', line) : line;
      out.push(`${mark} ${skew}`);
    });
  }
  out.push('');

  out.push(...segmentLines(a, c));

  // Results
  const verdicts = a.stamps.filter((x) => x.trust === 'verdict' && (x.kind === 'authentication-results' || x.kind === 'received-spf' || x.kind === 'arc-authentication-results'));
  const claims = a.stamps.filter((x) => x.trust === 'claim' && (x.kind === 'authentication-results' || x.kind === 'authentication-results-original' || x.kind === 'arc-authentication-results' || x.kind === 'received-spf'));
  const forged = a.stamps.filter((x) => x.trust === 'forged');
  if (verdicts.length) {
    out.push(c('bold', `Receiver's verdicts (stamped by ${b.receiverName ?? 'the receiver'})`));
    for (const v of verdicts) out.push(`  ${colorResults(stampText(v), c)}  ${c('dim', `${v.kind} L${v.lines.startLine + 1}`)}`);
    // results that are neither a plain pass, fail nor none, in plain words (once each)
    const explained = new Set<string>();
    for (const v of verdicts) {
      for (const [k, r] of Object.entries(v.summary)) {
        const key = `${k}=${String(r).toLowerCase()}`;
        if (!r || /=(pass|fail|none)$/.test(key) || explained.has(key)) continue;
        const meaning = resultMeaning(k, String(r));
        if (!meaning) continue;
        explained.add(key);
        out.push(c('dim', `    ${safe(key, 40)}: ${meaning}`));
      }
    }
    out.push('');
  }
  if (claims.length) {
    out.push(c('bold', 'Claims written further down (not verdicts)'));
    for (const v of claims) out.push(`  ${safe(v.writer ?? '?', 40)}: ${colorResults(stampText(v), c)}  ${c('dim', `${v.kind} L${v.lines.startLine + 1}`)}`);
    out.push('');
  }
  if (forged.length) {
    out.push(c('red', c('bold', 'Forged results (claim the receiver’s identity below the trust boundary)')));
    for (const v of forged) out.push(`  ${safe(v.writer ?? '(no authserv-id)', 40)}: ${stampText(v)}  ${c('dim', `L${v.lines.startLine + 1}`)}`);
    out.push('');
  }
  const ms = a.microsoft;
  if (ms?.compauth) out.push(`  compauth=${safe(ms.compauth.result)}${ms.compauth.reason ? ` reason=${safe(ms.compauth.reason)}` : ''}${ms.compauth.meaning ? c('dim', ` — ${safe(ms.compauth.meaning)}`) : ''}`);
  if (ms?.forefront) {
    const f = ms.forefront;
    out.push(`  EOP: CIP ${safe(f.cip ?? '?')} · SCL ${f.scl ?? '?'} · SFV ${safe(f.sfv ?? '?')} · IPV ${safe(f.ipv ?? '?')} · CAT ${safe(f.cat ?? '?')}${ms.mailboxDelivery?.dest ? ` · delivered to ${safe(ms.mailboxDelivery.destMeaning ?? ms.mailboxDelivery.dest)}` : ''}`);
  }
  if (ms?.externalOriginal || ms?.skipListed) {
    const x = ms.externalOriginal ?? ms.skipListed!;
    out.push(`  Enhanced Filtering: original sender ${safe(x.ip ?? '?')} (${safe(x.helo ?? '?')})${ms.externalOriginal ? '' : ' — skip-listed, recipient not in scope'}`);
  }
  if (ms?.compauth || ms?.forefront || ms?.skipListed) out.push('');

  // Verification
  const v = a.verification;
  if (v) {
    out.push(c('bold', `Re-verification (ours, DNS ${v.dnsMode})`));
    for (const d of v.dkim) {
      const st = d.status === 'pass' ? c('green', d.status) : d.status === 'not-verifiable-offline' ? c('yellow', d.status) : c('red', d.status);
      out.push(`  DKIM d=${safe(d.domain ?? '?')} s=${safe(d.selector ?? '?')}: ${st} — ${safe(d.detail, 160)}`);
    }
    if (v.arc) {
      out.push(`  ARC chain: ${safe(v.arc.chain)} — ${safe(v.arc.detail, 160)}`);
      for (const i of v.arc.instances) out.push(`    i=${i.instance} ${safe(i.sealer ?? '?')} cv=${safe(i.cv ?? '?')} seal=${i.seal} ams=${i.ams}${i.bodyHashOk === false ? ' (body changed after this hop)' : ''}`);
    }
    for (const w of v.spf) out.push(`  SPF what-if ${w.role} ${w.ip}: ${safe(w.result)} — ${safe(w.detail, 140)}`);
    if (v.dmarc) out.push(`  DMARC ${safe(v.dmarc.fromDomain ?? '')}: ${safe(v.dmarc.result ?? '?')} — ${safe(v.dmarc.detail, 160)}`);
    for (const n of v.notes) out.push(c('dim', `  note: ${safe(n, 200)}`));
    out.push('');
  }

  // Findings
  out.push(c('bold', `Findings (${a.findings.length})`));
  if (!a.findings.length) out.push('  none');
  for (const f of a.findings) out.push(`  ${c(sevColor[f.severity], f.severity.padEnd(7))} ${c('bold', f.id)}  ${safe(f.message, 300)}${findingLines(f)}`);
  out.push('');

  if (a.remedies.length) {
    out.push(c('bold', 'Fixes'));
    for (const r of a.remedies) out.push(`  ${r.recommended ? c('green', '★') : '·'} ${r.id}: ${safe(r.title, 120)}`);
    out.push(c('dim', `  Print one with: mailflow-lens fix <file> --kind <efc|lockdown|arc|gmail|relay|cleanup>`));
    out.push('');
  }

  const problems = a.problems.filter((p) => p.severity !== 'info' || p.code === 'headers-only');
  if (problems.length) {
    out.push(c('bold', 'Could not read'));
    for (const p of problems) out.push(`  ${c(sevColor[p.severity], p.severity.padEnd(7))} ${safe(p.message, 300)}${p.lines ? c('dim', ` (line ${p.lines.startLine + 1})`) : ''}`);
    out.push('');
  }
  return out.join('\n');
}

function findingLines(f: Finding): string {
  const e = f.evidence[0];
  return e ? ` (line ${e.lines.startLine + 1})` : '';
}

function colorResults(text: string, c: (s: Style, t: string) => string): string {
  return text.replace(/\b(spf|dkim|dmarc|arc|compauth)=([a-z]+)/g, (_m, k: string, v: string) => {
    const o = outcomeOf(v);
    const style: Style = o === 'pass' ? 'green' : o === 'fail' || v === 'softfail' ? 'red' : 'yellow';
    return `${k}=${c(style, v)}`;
  });
}

/** Control and bidi characters out of generated text for the terminal (no length limit; the caller splits the lines). */
function termLine(s: string): string {
  return displayLines(s).replace(/[\t\n]/g, ' ');
}

/** A generated command line (Verb-Noun …, or a $variable assignment) rather than a sentence. */
function isCommandLine(s: string): boolean {
  return /^(?:\$[A-Za-z]|[A-Z][a-z]+-[A-Z][A-Za-z]+(?:\s|$))/.test(s);
}

/**
 * One remedy as text to paste: for PowerShell a script whose only runnable lines are the
 * read-only pre-checks and the change (roll-back, verification and caveats are comments, so
 * pasting the whole block never undoes the change right after making it); for the other kinds a
 * checklist with the same sections.
 */
export function formatRemedy(r: Remedy): string {
  const ps = r.language === 'powershell';
  const out: string[] = [];
  const comment = (t: string) => (ps ? (t ? `# ${termLine(t)}` : '#') : termLine(t));
  const section = (t: string) => (ps ? `# ---- ${t} ----` : `== ${t} ==`);
  const items = (list: string[]) => list.map((x) => comment(`- ${x}`));
  out.push(ps ? `# ==== ${r.id}: ${termLine(r.title)}${r.recommended ? ' (recommended)' : ''} ====` : `==== ${r.id}: ${termLine(r.title)}${r.recommended ? ' (recommended)' : ''} ====`);
  if (r.why) out.push(comment(`Why: ${r.why}`));
  if (r.preChecks.length) {
    out.push(section('1. Pre-checks (read-only: run these first)'));
    for (const p of r.preChecks) out.push(ps && isCommandLine(p) ? termLine(p) : comment(p));
  }
  out.push(section('2. The change'));
  for (const line of r.text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n')) out.push(termLine(line));
  if (r.rollback.length) {
    out.push(section('3. Roll back'));
    out.push(...r.rollback.map((x) => comment(x)));
  }
  if (r.verify.length) {
    out.push(section('4. Verify after the change'));
    out.push(...items(r.verify));
  }
  if (r.caveats.length) {
    out.push(comment('Caveats:'));
    out.push(...items(r.caveats));
  }
  if (r.omitted.length) {
    out.push(comment('Left out:'));
    out.push(...items(r.omitted.map((o) => `${o.value}: ${o.reason}`)));
  }
  return out.join('\n');
}

type Paint = (style: Style, t: string) => string;

const VERDICT_STYLE: Record<Analysis['facts']['verdict']['class'], Style> = {
  authentic: 'green',
  'broken-in-transit': 'yellow',
  'never-authentic': 'red',
  unknown: 'dim',
};

/** The receiver's entry check and the one verdict of the message, under the receiver line. */
function trustLines(a: Analysis, c: Paint): string[] {
  const f = a.facts;
  if (!f) return [];
  const out: string[] = [];
  if (f.receiver.consumer) out.push(`  Consumer mailbox: ${safe(f.receiver.consumerReason, 200)}; no connector or gateway advice applies.`);
  const confirmed = f.entry.records.filter((r) => r.agrees).map((r) => r.evidence.header);
  if (f.entry.hopIndex !== null) {
    out.push(
      `  Entry: hop ${f.entry.hopIndex + 1}${confirmed.length ? `, confirmed by the receiver's own ${[...new Set(confirmed)].join(', ')}` : ''}${f.entry.evaluatedIp && f.entry.evaluatedIp !== f.entry.connectingIp ? `; it evaluated ${f.entry.evaluatedIp}` : ''}`,
    );
  }
  if (f.entry.problem) out.push(c('yellow', `  ${safe(f.entry.problem, 300)}`));
  out.push(`  Verdict: ${c(VERDICT_STYLE[f.verdict.class], safe(f.verdict.summary, 300))}`);
  return out;
}

const SEGMENT_LABEL: Record<Analysis['facts']['segments'][number]['role'], string> = {
  sender: 'sender',
  intermediary: 'intermediary',
  'recipient-gateway': 'recipient gateway',
  recipient: 'recipient',
};
const TRUST_WORDS: Record<Analysis['facts']['segments'][number]['trust'], string> = {
  receiver: 'written by the receiver',
  relay: 'written by a relay of the recipient',
  claimed: "the sender's word: written before the receiver had the message",
};

/** Organisations along the route and the relays of the recipient with their evidence. */
function segmentLines(a: Analysis, c: Paint): string[] {
  const f = a.facts;
  if (!f || !f.segments.length) return [];
  const out: string[] = [c('bold', 'Organisations along the route (oldest first)')];
  const rows = f.segments.map((s) => [
    SEGMENT_LABEL[s.role],
    safe(s.name, 50),
    s.firstHop === s.lastHop ? `hop ${s.firstHop + 1}` : `hops ${s.firstHop + 1}-${s.lastHop + 1}`,
    [s.detail ? safe(s.detail, 100) : '', s.role === 'recipient-gateway' ? '' : TRUST_WORDS[s.trust]].filter(Boolean).join('; '),
  ]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) out.push(`  ${r.slice(0, 3).map((cell, i) => cell.padEnd(widths[i])).join('  ')}  ${c('dim', r[3])}`);
  if (f.relays.length) {
    out.push('', c('bold', 'Relays of the recipient (what a connector change may list)'));
    for (const r of f.relays) {
      const name = `${r.ip ?? '(no public address)'}${r.host ? ` ${safe(r.host, 80)}${r.hostIsHelo ? ' (its own name)' : ''}` : ''}${r.vendor ? ` · ${safe(r.vendor.name, 40)}` : ''}`;
      out.push(`  ${name}  ${r.strength === 'strong' ? c('green', 'confirmed') : c('yellow', 'not confirmed as the recipient\'s')}`);
      for (const e of r.evidence) out.push(c('dim', `    - ${safe(e.detail, 240)}`));
    }
  }
  for (const x of f.intermediaries) out.push(`  ${c('dim', `re-sent by ${safe(x.detail, 200)}`)}`);
  out.push('');
  return out;
}
