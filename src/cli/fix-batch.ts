/**
 * `fix <folder> --kind efc`: one Set-InboundConnector change for the relay IPs seen across many
 * messages (each IP annotated with how many messages showed it and which gateway), with the same
 * pre-checks, roll-back and verification as the single-message Enhanced Filtering fix.
 *
 * It starts from the connector's current state, because a change written blind can undo what
 * works: on a connector with EFSkipLastIP $true, "-EFSkipLastIP $false -EFSkipIPs <list>" switches
 * automatic last-hop skipping off. The state comes from the saved output of the first pre-check
 * (--connector-state FILE) or from an option that states it (--connector-efc last-ip|off|IP,…).
 * Without it the script only adds to EFSkipIPs (@{Add=…}) and leaves EFSkipLastIP as it is.
 * Relays the messages show as already skip-listed, and addresses already on the list, are left out.
 *
 * Every value placed in the script goes through the remedy module's IP list builder (re-parsed,
 * private/loopback and Microsoft 365 addresses left out, capped) and the PowerShell quoting
 * module; header text never reaches the script except as sanitised comments. Every sentence is a
 * sourced statement; the script ends with the list of sources.
 */
import { PRECHECK_ALLOW_LIST, PRECHECK_CONNECTOR, PRECHECK_SCL_RULES, efSkipIpsPolicy } from '../core/remedy/efc';
import { buildIpList, type IpInput } from '../core/remedy/ip-list';
import { defaultKb } from '../core/remedy/kb-port';
import { Omitted, remedyTitleWords, reviewLine, words } from '../core/remedy/draft';
import { PLACEHOLDER_CONNECTOR } from '../core/remedy/tenant';
import { arg, checkConnectorName, psCommand, psComment } from '../core/remedy/powershell';
import { say, sourcesOf, takeUsed } from '../core/remedy/say';
import { citation } from '../core/remedy/sources';
import { parseIpSpec, type IpSpec } from '../core/net/ip';
import type { EfcFacts } from './engine';

interface IpStats {
  ip: string;
  messages: number;
  vendors: Set<string>;
  hosts: Set<string>;
  /** Messages in which Enhanced Filtering already skipped this relay. */
  skipped: number;
  isPublic: boolean;
}

/** What the connector has now: automatic last-hop skipping, or a list (empty = Enhanced Filtering off). */
export interface ConnectorState {
  skipLastIp: boolean;
  skipIps: IpSpec[];
  /** Where the state came from, in words ("the pre-check output in state.txt", "--connector-efc"). */
  from: string;
  /** Entries of the current list that could not be read (named in the script, never dropped silently). */
  unreadable: string[];
}

export interface ConsolidatedEfc {
  /** The script (PowerShell with comments), or undefined when there is nothing to change. */
  script?: string;
  /** Why there is no script. */
  none?: string;
  ips: string[];
  messagesCovered: number;
  messagesTotal: number;
}

export class ConnectorStateError extends Error {}

const MAX_LISTED_FILES = 20;

/**
 * The state stated on the command line: `last-ip` (EFSkipLastIP $true), `off` (no skipping), or the
 * current EFSkipIPs list as comma-separated addresses, a-b ranges or CIDR blocks.
 */
export function connectorStateFromOption(value: string): ConnectorState {
  const v = value.trim();
  if (/^last-?ip$/i.test(v)) return { skipLastIp: true, skipIps: [], from: '--connector-efc last-ip', unreadable: [] };
  if (/^off$/i.test(v)) return { skipLastIp: false, skipIps: [], from: '--connector-efc off', unreadable: [] };
  const specs: IpSpec[] = [];
  for (const part of v.split(',').map((s) => s.trim()).filter(Boolean).slice(0, 5000)) {
    const spec = parseIpSpec(part);
    if (!spec) throw new ConnectorStateError(`--connector-efc: ${JSON.stringify(part.slice(0, 80))} is not an IP address, a-b range or CIDR block (use last-ip, off, or the connector's EFSkipIPs list)`);
    specs.push(spec);
  }
  if (!specs.length) throw new ConnectorStateError('--connector-efc needs last-ip, off, or the connector\'s EFSkipIPs list');
  return { skipLastIp: false, skipIps: specs, from: '--connector-efc', unreadable: [] };
}

/**
 * The state read from the saved output of `Get-InboundConnector | Format-List Name,…,EFSkipLastIP,EFSkipIPs,…`
 * (the first pre-check). Several connectors: the one named by --connector; one connector: that one.
 */
export function parseConnectorState(text: string, connectorName: string | undefined, fileLabel: string): ConnectorState {
  const records: Array<Record<string, string>> = [];
  let cur: Record<string, string> | null = null;
  let lastKey: string | null = null;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).slice(0, 100000)) {
    const line = raw.replace(/\s+$/, '');
    if (!line.trim()) {
      if (cur && Object.keys(cur).length) records.push(cur);
      cur = null;
      lastKey = null;
      continue;
    }
    const m = /^([A-Za-z][A-Za-z0-9]*)\s*:\s?(.*)$/.exec(line);
    if (m && !/^\s/.test(line)) {
      cur ??= {};
      lastKey = m[1].toLowerCase();
      cur[lastKey] = m[2].trim();
    } else if (cur && lastKey && /^\s/.test(line)) {
      // Format-List wraps long values onto indented lines
      cur[lastKey] += line.trim();
    }
  }
  if (cur && Object.keys(cur).length) records.push(cur);
  const withEf = records.filter((r) => 'efskiplastip' in r || 'efskipips' in r);
  if (!withEf.length) throw new ConnectorStateError(`${fileLabel}: no EFSkipLastIP or EFSkipIPs found; save the output of the first pre-check (Get-InboundConnector | Format-List …)`);
  let rec: Record<string, string> | undefined;
  if (connectorName) rec = withEf.find((r) => (r.name ?? '').toLowerCase() === connectorName.toLowerCase());
  else if (withEf.length === 1) rec = withEf[0];
  if (!rec) {
    const names = withEf.map((r) => r.name ?? '?').slice(0, 10).join(', ');
    throw new ConnectorStateError(
      connectorName
        ? `${fileLabel}: no connector named ${JSON.stringify(connectorName.slice(0, 64))} (found: ${names})`
        : `${fileLabel} lists ${withEf.length} connectors (${names}); name the one the gateway's mail arrives on with --connector NAME`,
    );
  }
  const skipLastIp = /^true$/i.test(rec.efskiplastip ?? '');
  const listText = (rec.efskipips ?? '').replace(/^\{|\}$/g, '');
  const skipIps: IpSpec[] = [];
  const unreadable: string[] = [];
  for (const part of listText.split(',').map((s) => s.trim()).filter(Boolean).slice(0, 5000)) {
    const spec = parseIpSpec(part);
    if (spec) skipIps.push(spec);
    else unreadable.push(part.slice(0, 80));
  }
  return { skipLastIp, skipIps, from: fileLabel, unreadable };
}

function covers(list: IpSpec[], ip: string): boolean {
  const s = parseIpSpec(ip);
  return !!s && list.some((x) => x.version === s.version && x.lo <= s.lo && s.hi <= x.hi);
}

export class EfcConsolidator {
  private readonly ips = new Map<string, IpStats>();
  private total = 0;
  private covered = 0;
  private readonly otherReceiver = new Map<string, string[]>();
  private readonly nonLinear: string[] = [];
  private noRelay = 0;
  private multiHop = 0;
  private outOfScope: string[] = [];
  /** Public relay addresses seen only with weak evidence (whose host, not whether it is yours). */
  readonly unconfirmed = new Set<string>();

  add(file: string, f: EfcFacts | undefined): void {
    this.total++;
    if (!f) return;
    if (f.receiver !== 'exchange-online') {
      const list = this.otherReceiver.get(f.receiver) ?? [];
      list.push(file);
      this.otherReceiver.set(f.receiver, list);
      return;
    }
    if (!f.hasRelay || !f.relays.length) {
      this.noRelay++;
      return;
    }
    if (f.nonLinear) {
      this.nonLinear.push(file);
      return;
    }
    this.covered++;
    if (f.state === 'recipient-not-in-scope') this.outOfScope.push(file);
    const publicRelays = f.relays.filter((r) => r.public);
    if (publicRelays.length > 1) this.multiHop++;
    // which relays Enhanced Filtering already skipped in this message: all of them when it reached
    // the original sender; the ones after the relay it stopped at when it stopped at one
    const stoppedAt = f.recoveredIp ? f.relays.findIndex((r) => r.ip === f.recoveredIp) : -1;
    const skipListing = f.state === 'active' || f.state === 'incomplete' || f.state === 'recipient-not-in-scope';
    f.relays.forEach((r, i) => {
      // only relays the recipient's side vouches for; the others are counted and named, not listed
      if (r.strength !== 'strong' && r.public) {
        this.unconfirmed.add(r.ip);
        return;
      }
      let s = this.ips.get(r.ip);
      if (!s) this.ips.set(r.ip, (s = { ip: r.ip, messages: 0, vendors: new Set(), hosts: new Set(), skipped: 0, isPublic: r.public }));
      s.messages++;
      if (r.vendor) s.vendors.add(r.vendor);
      if (r.host) s.hosts.add(r.host);
      if (skipListing && (stoppedAt < 0 || i > stoppedAt)) s.skipped++;
    });
  }

  build(connectorName: string | undefined, state?: ConnectorState): ConsolidatedEfc {
    takeUsed();
    const stats = [...this.ips.values()].sort((a, b) => b.messages - a.messages || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
    const result: ConsolidatedEfc = { ips: [], messagesCovered: this.covered, messagesTotal: this.total };
    const label = (s: IpStats) => {
      const parts = [`${s.messages} message${s.messages === 1 ? '' : 's'}`];
      if (s.vendors.size) parts.push([...s.vendors].join(' + '));
      if (s.hosts.size) parts.push([...s.hosts].slice(0, 3).join(', '));
      if (s.skipped) parts.push(say('batch.label.skipped', { n: s.skipped }));
      return parts.join(' · ');
    };
    const omitted = new Omitted();
    const entries = buildIpList(
      stats.map((s): IpInput => ({ text: s.ip, origin: 'message', label: label(s) })),
      efSkipIpsPolicy(false),
      defaultKb,
      omitted,
    );
    const byIp = new Map(stats.map((s) => [s.ip, s]));
    // left out: skip-listed in every message that showed it, or already on the connector's list
    const already: string[] = [];
    const onList: string[] = [];
    const needed = entries.filter((e) => {
      const s = byIp.get(e.spec.text);
      if (state && !state.skipLastIp && covers(state.skipIps, e.spec.text)) {
        onList.push(e.spec.text);
        return false;
      }
      if (s && s.skipped >= s.messages) {
        already.push(e.spec.text);
        return false;
      }
      return true;
    });
    const allSingleHop = this.multiHop === 0;
    const connector = connectorName ?? PLACEHOLDER_CONNECTOR;

    // the change, from the connector's state
    let change: string | undefined;
    let plan: string;
    let addList: string[] = needed.map((e) => e.spec.text);
    if (state?.skipLastIp) {
      if (allSingleHop) {
        result.none = say('batch.none.lastIpEnough', { from: state.from });
        takeUsed();
        return result;
      }
      // switching to a list: it must hold every relay address, the last hops included
      addList = entries.map((e) => e.spec.text);
      change = psCommand('Set-InboundConnector', [
        ['Identity', arg.str(connector)],
        ['EFSkipLastIP', arg.bool(false)],
        ['EFSkipIPs', arg.add(addList)],
      ]);
      plan = say('batch.plan.lastIpToList', { from: state.from, n: this.multiHop });
    } else if (state && !state.skipIps.length && allSingleHop && needed.length) {
      change = psCommand('Set-InboundConnector', [
        ['Identity', arg.str(connector)],
        ['EFSkipLastIP', arg.bool(true)],
      ]);
      addList = [];
      plan = say('batch.plan.offToLastIp', { from: state.from });
    } else {
      if (!needed.length) {
        result.none = !this.covered
          ? say('batch.none.noRelay')
          : entries.length
            ? say('batch.none.allSkipped')
            : say('batch.none.noPublic');
        takeUsed();
        return result;
      }
      change = psCommand('Set-InboundConnector', [
        ['Identity', arg.str(connector)],
        ['EFSkipIPs', arg.add(addList)],
      ]);
      plan = state ? say('batch.plan.addToList', { from: state.from }) : say('batch.plan.unknownState');
    }
    result.ips = addList;

    const ipWidth = Math.max(8, ...entries.map((e) => e.spec.text.length));
    const head: string[] = [
      say('batch.header', { covered: this.covered, total: this.total, messages: this.total === 1 ? 'message' : 'messages' }),
      reviewLine(),
      '',
      plan,
      '',
      say('batch.header.relays'),
    ];
    for (const e of entries) {
      const s = byIp.get(e.spec.text);
      head.push(`  ${e.spec.text.padEnd(ipWidth)}  ${s ? label(s) : ''}`);
    }
    const notes: string[] = [];
    for (const o of omitted.done()) {
      const s = byIp.get(o.value);
      notes.push(`  ${s ? say('batch.note.omitted', { value: o.value, reason: o.reason, n: s.messages, messages: s.messages === 1 ? 'message' : 'messages' }) : say('omit.valueReason', { value: o.value, reason: o.reason })}`);
    }
    if (already.length && !state?.skipLastIp) notes.push(`  ${say('batch.note.alreadySkipped', { ips: words(already, 20) })}`);
    if (onList.length) notes.push(`  ${say('batch.note.onList', { ips: words(onList, 20) })}`);
    for (const [receiver, files] of this.otherReceiver) {
      notes.push(
        `  ${receiver === 'gmail' ? say('batch.note.gmail', { n: files.length, files: fileList(files) }) : say('batch.note.otherReceiver', { n: files.length, receiver, files: fileList(files) })}`,
      );
    }
    if (this.nonLinear.length) notes.push(`  ${say('batch.note.nonLinear', { n: this.nonLinear.length, files: fileList(this.nonLinear) })}`);
    if (this.noRelay) notes.push(`  ${say('batch.note.direct', { n: this.noRelay })}`);
    if (notes.length) head.push('', say('batch.header.notInList'), ...notes);

    const caveats: string[] = [];
    if (!connectorName) caveats.push(say('common.replaceConnector', { name: PLACEHOLDER_CONNECTOR }));
    const vendors = new Set<string>();
    for (const s of stats) for (const v of s.vendors) vendors.add(v);
    if (vendors.size > 1) caveats.push(say('batch.caveat.vendors', { n: vendors.size, vendors: words([...vendors]) }));
    if (!state) caveats.push(say('batch.caveat.unknownState', { lastIp: this.multiHop ? say('batch.caveat.unknownStateMulti') : say('batch.caveat.unknownStateSingle') }));
    if (state?.unreadable.length) caveats.push(say('batch.caveat.unreadable', { entries: state.unreadable.slice(0, 10).join(', ') }));
    if (addList.length) caveats.push(say('batch.caveat.addKeeps'));
    if (state?.skipLastIp) caveats.push(say('efc.caveat.addAfterLastIp'));
    caveats.push(say('batch.caveat.everyNode'));
    // an address another message confirmed is listed, not left out
    for (const ip of this.ips.keys()) this.unconfirmed.delete(ip);
    if (this.unconfirmed.size) {
      caveats.push(say('batch.caveat.unconfirmed', { ips: `${[...this.unconfirmed].slice(0, 20).join(', ')}${this.unconfirmed.size > 20 ? ` and ${this.unconfirmed.size - 20} more` : ''}` }));
    }
    if (this.outOfScope.length) caveats.push(say('batch.caveat.outOfScope', { n: this.outOfScope.length, files: fileList(this.outOfScope) }));
    caveats.push(say('efc.caveat.linear'));
    caveats.push(say('efc.caveat.cleanup', { rules: remedyTitleWords('remove-scl-bypass'), allow: remedyTitleWords('remove-ip-allow') }));
    if (entries.some((e) => e.spec.version === 6)) caveats.push(say('efc.caveat.ipv6'));

    const rollback = state
      ? psCommand('Set-InboundConnector', [
          ['Identity', arg.str(connector)],
          ['EFSkipLastIP', arg.bool(state.skipLastIp)],
          ['EFSkipIPs', state.skipIps.length ? arg.list(state.skipIps.map((s) => s.text)) : arg.null()],
        ])
      : addList.length
        ? psCommand('Set-InboundConnector', [
            ['Identity', arg.str(connector)],
            ['EFSkipIPs', arg.remove(addList)],
          ])
        : undefined;
    const verify = [
      say('batch.verify.newMessage'),
      say('efc.verify.headersUnknown'),
      say('efc.verify.spf'),
      say('efc.verify.scope'),
      say('batch.verify.missing'),
      say('batch.verify.rerun'),
    ];

    const lines: string[] = [
      ...head.map((h) => (h ? psComment(h) : '#')),
      '#',
      psComment(say('batch.section.prechecks')),
      PRECHECK_CONNECTOR,
      PRECHECK_SCL_RULES,
      PRECHECK_ALLOW_LIST,
      '#',
      psComment(say('batch.section.change')),
      change,
      '#',
      psComment(say(state ? 'batch.section.rollbackState' : 'batch.section.rollback')),
      ...(rollback ? [psComment(rollback)] : []),
      '#',
      psComment(say('batch.section.verify')),
      ...verify.map((v) => psComment(`- ${v}`)),
      '#',
      psComment(say('batch.section.caveats')),
      ...caveats.map((c) => psComment(`- ${c}`)),
    ];
    const sources = sourcesOf(takeUsed());
    if (sources.length) lines.push('#', psComment(say('common.sources')), ...sources.map((s) => psComment(`  ${citation(s)}: ${s.url}`)));
    takeUsed();
    result.script = `${lines.join('\n')}\n`;
    return result;
  }
}

/** A connector name for the state lookup, validated like the scripts' names. */
export function stateConnectorName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const c = checkConnectorName(name);
  return c.ok ? c.value : undefined;
}

function fileList(files: string[]): string {
  const shown = files.slice(0, MAX_LISTED_FILES).join(', ');
  return files.length > MAX_LISTED_FILES ? `${shown} and ${files.length - MAX_LISTED_FILES} more` : shown;
}
