/**
 * Compare two analyses, typically the same kind of message before and after a change (Enhanced
 * Filtering switched on, a connector or an allow list changed): what the route, the connecting and
 * the evaluated IP, the receiver's verdicts, the delivery and the findings look like on each side,
 * and the differences as short sentences ("EFC now active: original IP 203.0.113.5 recovered").
 *
 * Also the normalized plain-text summary of one analysis that the extension shows in VS Code's diff
 * editor: one fact per line, in a fixed order, without the values that always differ between two
 * messages (times, IDs of queues), so the diff shows what changed and nothing else.
 *
 * Pure: no clock, no I/O. Text from the message is flattened (no control or bidi characters, no
 * line breaks) so it cannot forge lines in the summary or in the sentences.
 */
import type { Analysis, AuthSummary, Finding, Severity } from './types';
import { flatten } from './present/text';
import { formatAuthSummary, receiverVerdict } from './present/verdicts';
import { roleLabel } from './present/route';
import { shortVendorName } from './present/vendors';

export type { EfcState } from './types';
import type { EfcState } from './types';

export interface MessageFacts {
  name?: string;
  subject?: string;
  messageId?: string;
  receiver: string;
  /** One label per hop, oldest first: "gateway · Proofpoint: mx0b-00169c01.pphosted.com from 192.0.2.1". */
  route: string[];
  /** The route's shape: the roles (and gateway vendors) only. */
  shape: string[];
  connectingIp: string | null;
  /** The IP the receiver's SPF and sender reputation evaluated (X-Forefront CIP, else the connecting IP). */
  evaluatedIp: string | null;
  relayIps: string[];
  originalSenderIp: string | null;
  efc: EfcState;
  /** The original sender Enhanced Filtering recovered (ExternalOriginal / SkipListed). */
  recoveredIp?: string;
  verdict: AuthSummary;
  compauthReason?: string;
  scl?: number;
  sfv?: string;
  cat?: string;
  /** Where the mailbox put it ("Inbox", "Junk Email folder"). */
  delivery?: string;
  findings: Array<{ id: string; severity: Severity; message: string }>;
  remedies: string[];
  /** Our own DKIM re-verification, one "d=… s=…: status" per signature. */
  dkim: string[];
  headersOnly: boolean;
}

export interface Change<T> {
  before: T;
  after: T;
  changed: boolean;
}

export type LineKind = 'message' | 'efc' | 'evaluated-ip' | 'verdict' | 'delivery' | 'connecting-ip' | 'route' | 'findings' | 'remedies' | 'dkim' | 'same';
export type Direction = 'better' | 'worse' | 'changed' | 'same' | 'info';

export interface CompareLine {
  kind: LineKind;
  direction: Direction;
  text: string;
}

export interface Comparison {
  before: MessageFacts;
  after: MessageFacts;
  /** Both sides carry the same Message-ID (the same message saved twice). */
  sameMessage: boolean;
  efc: Change<EfcState>;
  connectingIp: Change<string | null>;
  evaluatedIp: Change<string | null>;
  verdict: Record<keyof AuthSummary, Change<string | undefined>>;
  compauthReason: Change<string | undefined>;
  delivery: Change<string | undefined>;
  scl: Change<number | undefined>;
  route: { changed: boolean; shapeChanged: boolean; removed: string[]; added: string[] };
  findings: { resolved: MessageFacts['findings']; added: MessageFacts['findings']; kept: MessageFacts['findings'] };
  remedies: { removed: string[]; added: string[] };
  /** The differences as sentences, most important first. */
  lines: CompareLine[];
}

const T = (s: string | undefined | null, max = 200) => flatten(s ?? '', max);

function efcOf(a: Analysis): { state: EfcState; recovered?: string } {
  const e = a.facts.efc;
  return e.recoveredIp ? { state: e.state, recovered: e.recoveredIp } : { state: e.state };
}

function hopLabel(a: Analysis, i: number): string {
  const h = a.hops[i];
  const role = roleLabel(h.role);
  const vendor = h.vendor && h.vendor.confidence === 'strong' ? ` · ${T(shortVendorName(h.vendor.name), 60)}` : '';
  const from = h.from.ip ? ` from ${T(h.from.ip, 60)}` : '';
  return `${role}${vendor}: ${T(h.by.host || '(unknown host)', 120)}${from}`;
}

function shapeLabel(a: Analysis, i: number): string {
  const h = a.hops[i];
  const vendor = h.vendor && h.vendor.confidence === 'strong' ? ` · ${T(shortVendorName(h.vendor.name), 60)}` : '';
  return `${roleLabel(h.role)}${vendor}`;
}

function receiverOf(a: Analysis): string {
  return T(a.boundary.receiverName ?? (a.boundary.receiver === 'unknown' ? 'unknown receiver' : a.boundary.receiver), 80);
}

function evaluatedIpOf(a: Analysis): string | null {
  return a.microsoft?.forefront?.cip ?? a.boundary.connectingIp;
}

/** The facts of one analysis that a comparison looks at. */
export function messageFacts(a: Analysis): MessageFacts {
  const efc = efcOf(a);
  const ff = a.microsoft?.forefront;
  const md = a.microsoft?.mailboxDelivery;
  const facts: MessageFacts = {
    receiver: receiverOf(a),
    route: a.hops.map((_, i) => hopLabel(a, i)),
    shape: a.hops.map((_, i) => shapeLabel(a, i)),
    connectingIp: a.boundary.connectingIp,
    evaluatedIp: evaluatedIpOf(a),
    relayIps: [...a.boundary.relayIps],
    originalSenderIp: a.boundary.originalSenderIp,
    efc: efc.state,
    verdict: receiverVerdict(a),
    findings: a.findings.map((f: Finding) => ({ id: f.id, severity: f.severity, message: T(f.message, 400) })),
    remedies: a.remedies.map((r) => r.id),
    dkim: (a.verification?.dkim ?? []).map((d) => `d=${T(d.domain ?? '?', 100)} s=${T(d.selector ?? '?', 100)}: ${d.status}`),
    headersOnly: a.input.headersOnly,
  };
  if (a.input.name) facts.name = T(a.input.name, 200);
  if (a.summary.subject !== undefined) facts.subject = T(a.summary.subject, 200);
  if (a.summary.messageId !== undefined) facts.messageId = T(a.summary.messageId, 200);
  if (efc.recovered) facts.recoveredIp = efc.recovered;
  if (a.microsoft?.compauth?.reason) facts.compauthReason = T(a.microsoft.compauth.reason, 20);
  if (ff?.scl !== undefined) facts.scl = ff.scl;
  if (ff?.sfv) facts.sfv = T(ff.sfv, 20);
  if (ff?.cat) facts.cat = T(ff.cat, 20);
  if (md?.dest) facts.delivery = md.destMeaning ?? T(md.dest, 20);
  return facts;
}

function change<T>(before: T, after: T): Change<T> {
  return { before, after, changed: JSON.stringify(before) !== JSON.stringify(after) };
}

const VERDICT_KEYS: Array<keyof AuthSummary> = ['spf', 'dkim', 'dmarc', 'arc', 'compauth'];
const VERDICT_NAMES: Record<keyof AuthSummary, string> = { spf: 'SPF', dkim: 'DKIM', dmarc: 'DMARC', arc: 'ARC', compauth: 'compauth' };

function rank(result: string | undefined): number {
  if (result === undefined) return 0;
  const r = result.toLowerCase();
  if (r === 'pass' || r === 'bestguesspass') return 3;
  if (r === 'none' || r === 'neutral' || r === 'softpass') return 1;
  return r === 'fail' || r === 'softfail' || r === 'permerror' || r === 'temperror' || r === 'hardfail' ? -1 : 0;
}

function direction(before: string | undefined, after: string | undefined): Direction {
  const d = rank(after) - rank(before);
  return d > 0 ? 'better' : d < 0 ? 'worse' : 'changed';
}

function word(v: string | null | undefined): string {
  return v === undefined || v === null || v === '' ? '(none)' : v;
}

const EFC_WORDS: Record<EfcState, string> = {
  active: 'active',
  'recipient-not-in-scope': 'on, but this recipient is not in scope (EFUsers)',
  incomplete: 'on, but it stopped at a relay of the gateway',
  off: 'off',
  'not-applicable': 'not applicable (not Exchange Online behind a relay of its own)',
};

/** Compares two analyses: `a` before, `b` after. */
export function compare(a: Analysis, b: Analysis): Comparison {
  const before = messageFacts(a);
  const after = messageFacts(b);
  const lines: CompareLine[] = [];
  const add = (kind: LineKind, dir: Direction, text: string) => lines.push({ kind, direction: dir, text });

  const sameMessage = !!before.messageId && before.messageId === after.messageId;
  if (before.messageId && after.messageId && !sameMessage) {
    add('message', 'info', `Two different messages: "${T(before.subject ?? '(no subject)', 80)}" and "${T(after.subject ?? '(no subject)', 80)}".`);
  } else if (sameMessage) {
    add('message', 'info', `The same message (Message-ID ${before.messageId}) on both sides.`);
  }

  // Enhanced Filtering
  const efc = change(before.efc, after.efc);
  if (efc.changed) {
    if (after.efc === 'active') {
      add('efc', 'better', `EFC now active: original IP ${after.recoveredIp ?? '(unreadable)'} recovered${after.evaluatedIp && before.evaluatedIp && after.evaluatedIp !== before.evaluatedIp ? `; the receiver evaluates it instead of ${before.evaluatedIp}` : ''}.`);
    } else if (before.efc === 'active') {
      add('efc', 'worse', `EFC no longer active (now ${EFC_WORDS[after.efc]}): the receiver evaluates ${word(after.evaluatedIp)} instead of the original sender ${before.recoveredIp ?? ''}`.trimEnd() + '.');
    } else {
      add('efc', after.efc === 'off' ? 'worse' : 'changed', `Enhanced Filtering: ${EFC_WORDS[before.efc]} → ${EFC_WORDS[after.efc]}${after.recoveredIp ? ` (recovered ${after.recoveredIp})` : ''}.`);
    }
  }

  const evaluatedIp = change(before.evaluatedIp, after.evaluatedIp);
  if (evaluatedIp.changed && !(efc.changed && (after.efc === 'active' || before.efc === 'active'))) {
    add('evaluated-ip', 'changed', `IP the receiver evaluated (SPF, reputation): ${word(before.evaluatedIp)} → ${word(after.evaluatedIp)}.`);
  }

  // verdicts
  const verdict = {} as Comparison['verdict'];
  for (const k of VERDICT_KEYS) {
    verdict[k] = change(before.verdict[k], after.verdict[k]);
  }
  const compauthReason = change(before.compauthReason, after.compauthReason);
  for (const k of VERDICT_KEYS) {
    const c = verdict[k];
    const reason = k === 'compauth' && compauthReason.changed;
    if (!c.changed && !reason) continue;
    const fmt = (v: string | undefined, r: string | undefined) => `${word(v)}${k === 'compauth' && r ? ` (reason ${r})` : ''}`;
    add('verdict', c.changed ? direction(c.before, c.after) : 'changed', `${VERDICT_NAMES[k]} at the receiver: ${fmt(c.before, before.compauthReason)} → ${fmt(c.after, after.compauthReason)}.`);
  }

  // delivery
  const delivery = change(before.delivery, after.delivery);
  const scl = change(before.scl, after.scl);
  if (delivery.changed || scl.changed) {
    const parts: string[] = [];
    if (delivery.changed) parts.push(`delivered to ${word(before.delivery)} → ${word(after.delivery)}`);
    if (scl.changed) parts.push(`SCL ${before.scl ?? '(none)'} → ${after.scl ?? '(none)'}`);
    const dir: Direction = /junk/i.test(before.delivery ?? '') && /inbox/i.test(after.delivery ?? '') ? 'better' : /inbox/i.test(before.delivery ?? '') && /junk/i.test(after.delivery ?? '') ? 'worse' : 'changed';
    const text = parts.join(', ');
    add('delivery', dir, `${text[0].toUpperCase()}${text.slice(1)}.`);
  }

  // connecting IP
  const connectingIp = change(before.connectingIp, after.connectingIp);
  if (connectingIp.changed) add('connecting-ip', 'changed', `Connecting IP (the host that handed the message to ${after.receiver}): ${word(before.connectingIp)} → ${word(after.connectingIp)}.`);
  else if (efc.changed && before.connectingIp) add('connecting-ip', 'same', `Connecting IP unchanged: ${before.connectingIp} still delivers to ${after.receiver}.`);

  // route
  const removed = before.route.filter((r) => !after.route.includes(r));
  const added = after.route.filter((r) => !before.route.includes(r));
  const shapeChanged = before.shape.join('\n') !== after.shape.join('\n');
  const route = { changed: removed.length > 0 || added.length > 0, shapeChanged, removed, added };
  if (shapeChanged) {
    add('route', 'changed', `Route changed: ${before.shape.length} hops (${before.shape.join(' → ') || 'none'}) → ${after.shape.length} hops (${after.shape.join(' → ') || 'none'}).`);
  } else if (route.changed) {
    add('route', 'same', `Route has the same shape (${after.shape.length} hops: ${after.shape.join(' → ')}); ${removed.length + added.length > 2 ? 'several hosts or IPs differ' : 'hosts or IPs differ'}.`);
  } else {
    add('route', 'same', `Route unchanged (${after.shape.length} hops).`);
  }

  // findings
  const ids = (l: MessageFacts['findings']) => new Set(l.map((f) => f.id));
  const beforeIds = ids(before.findings);
  const afterIds = ids(after.findings);
  const findings = {
    resolved: before.findings.filter((f) => !afterIds.has(f.id)),
    added: after.findings.filter((f) => !beforeIds.has(f.id)),
    kept: after.findings.filter((f) => beforeIds.has(f.id)),
  };
  const list = (l: MessageFacts['findings']) => l.map((f) => `${f.id} (${f.severity})`).join(', ');
  if (findings.resolved.length) add('findings', 'better', `No longer found: ${list(findings.resolved)}.`);
  const newBad = findings.added.filter((f) => f.severity !== 'info');
  const newInfo = findings.added.filter((f) => f.severity === 'info');
  if (newBad.length) add('findings', 'worse', `New findings: ${list(newBad)}.`);
  if (newInfo.length) add('findings', 'info', `New notes: ${list(newInfo)}.`);

  // remedies
  const remedies = {
    removed: before.remedies.filter((r) => !after.remedies.includes(r)),
    added: after.remedies.filter((r) => !before.remedies.includes(r)),
  };
  if (remedies.removed.length) add('remedies', 'better', `Fixes no longer suggested: ${remedies.removed.join(', ')}.`);
  if (remedies.added.length) add('remedies', 'changed', `Fixes now suggested: ${remedies.added.join(', ')}.`);

  // our own DKIM re-verification, when both sides had one
  if (before.headersOnly !== after.headersOnly) {
    add('dkim', 'info', `Only the headers of the ${before.headersOnly ? 'first' : 'second'} message were available (pasted headers or an Outlook .msg): body checks are not compared.`);
  } else if (before.dkim.length && after.dkim.length && before.dkim.join('\n') !== after.dkim.join('\n')) {
    add('dkim', 'changed', `DKIM re-verification: ${before.dkim.join('; ')} → ${after.dkim.join('; ')}.`);
  }

  if (!lines.some((l) => l.kind !== 'message' && l.kind !== 'route') && !route.changed) {
    add('same', 'same', 'No difference in route, verdicts, delivery or findings.');
  }

  return { before, after, sameMessage, efc, connectingIp, evaluatedIp, verdict, compauthReason, delivery, scl, route, findings, remedies, lines };
}

const MARK: Record<Direction, string> = { better: '+', worse: '-', changed: '~', same: '=', info: '*' };

/** The sentences as plain text, one per line with a +/-/~ mark. */
export function comparisonLinesText(c: Comparison): string {
  return c.lines.map((l) => `${MARK[l.direction]} ${l.text}`).join('\n') + '\n';
}

/**
 * One analysis as normalized text for a side-by-side diff: a fixed order of sections and one fact
 * per line; no times, delays or queue IDs (they always differ between two messages).
 */
export function comparisonText(a: Analysis): string {
  const f = messageFacts(a);
  const out: string[] = [];
  out.push('Message');
  out.push(`  Subject: ${f.subject ?? '(none)'}`);
  out.push(`  From: ${T(a.summary.from ?? '(none)', 200)}`);
  out.push(`  Message-ID: ${f.messageId ?? '(none)'}`);
  out.push(`  Scope: ${f.headersOnly ? 'headers only' : 'headers and body'}`);
  out.push('');
  out.push(`Route (${f.route.length} hops, oldest first)`);
  f.route.forEach((r, i) => out.push(`  ${i + 1}. ${r}`));
  if (!f.route.length) out.push('  (no Received fields)');
  out.push('');
  out.push(`Receiver: ${f.receiver}`);
  out.push(`  Connecting IP: ${word(f.connectingIp)}`);
  out.push(`  Evaluated IP (SPF, reputation): ${word(f.evaluatedIp)}`);
  out.push(`  Relays in front: ${f.relayIps.join(', ') || '(none)'}`);
  out.push(`  Original sender: ${word(f.originalSenderIp)}`);
  out.push(`  Enhanced Filtering: ${EFC_WORDS[f.efc]}${f.recoveredIp ? ` (recovered ${f.recoveredIp})` : ''}`);
  out.push('');
  out.push("Receiver's verdict");
  for (const k of VERDICT_KEYS) out.push(`  ${VERDICT_NAMES[k]}: ${word(f.verdict[k])}${k === 'compauth' && f.compauthReason ? ` (reason ${f.compauthReason})` : ''}`);
  out.push(`  SCL: ${f.scl ?? '(none)'}  SFV: ${f.sfv ?? '(none)'}  CAT: ${f.cat ?? '(none)'}`);
  out.push(`  Delivered to: ${f.delivery ?? '(unknown)'}`);
  out.push('');
  out.push('Re-verification (DKIM)');
  for (const d of f.dkim) out.push(`  ${d}`);
  if (!f.dkim.length) out.push('  (none)');
  out.push('');
  out.push(`Findings (${f.findings.length})`);
  for (const x of [...f.findings].sort((p, q) => (p.id < q.id ? -1 : p.id > q.id ? 1 : 0))) out.push(`  ${x.severity} ${x.id}: ${x.message}`);
  if (!f.findings.length) out.push('  (none)');
  out.push('');
  out.push(`Fixes suggested (${f.remedies.length})`);
  for (const r of [...f.remedies].sort()) out.push(`  ${r}`);
  if (!f.remedies.length) out.push('  (none)');
  return out.join('\n') + '\n';
}

/** "spf=pass dkim=pass …" for one side (used in titles). */
export function verdictLine(f: MessageFacts): string {
  return formatAuthSummary(f.verdict) || 'no verdict stamped';
}
