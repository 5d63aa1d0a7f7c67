/**
 * `fix <folder> --kind efc`: one Set-InboundConnector script for the relay IPs seen across many
 * messages (each IP annotated with how many messages showed it and which gateway), with the same
 * pre-checks, roll-back and verification as the single-message Enhanced Filtering fix.
 *
 * Every value placed in the script goes through the remedy module's IP list builder (re-parsed,
 * private/loopback and Microsoft 365 addresses left out, capped) and the PowerShell quoting
 * module; header text never reaches the script except as sanitised comments.
 */
import { PRECHECK_ALLOW_LIST, PRECHECK_CONNECTOR, PRECHECK_SCL_RULES, MAX_EF_SKIP_IPS } from '../core/remedy/efc';
import { buildIpList, defaultKb, Omitted, PLACEHOLDER_CONNECTOR, REVIEW_LINE, words, type IpInput } from '../core/remedy/context';
import { arg, psCommand, psComment } from '../core/remedy/powershell';
import type { EfcFacts } from './engine';

interface IpStats {
  ip: string;
  messages: number;
  vendors: Set<string>;
  hosts: Set<string>;
  efcWorks: number;
  isPublic: boolean;
}

export interface ConsolidatedEfc {
  /** The script (PowerShell with comments), or undefined when no message had a relay to skip. */
  script?: string;
  /** Why there is no script. */
  none?: string;
  ips: string[];
  messagesCovered: number;
  messagesTotal: number;
}

const PRIVATE_REASON = 'Enhanced Filtering skips these by itself and EFSkipIPs does not accept them';
const MICROSOFT_REASON = "Microsoft 365's own address: never skip Microsoft's IPs";
const MAX_LISTED_FILES = 20;

export class EfcConsolidator {
  private readonly ips = new Map<string, IpStats>();
  private total = 0;
  private covered = 0;
  private readonly otherReceiver = new Map<string, string[]>();
  private readonly nonLinear: string[] = [];
  private noRelay = 0;
  private works = 0;
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
    if (f.state === 'active') this.works++;
    if (f.state === 'recipient-not-in-scope') this.outOfScope.push(file);
    for (const r of f.relays) {
      // only relays the recipient's side vouches for; the others are counted and named, not listed
      if (r.strength !== 'strong' && r.public) {
        this.unconfirmed.add(r.ip);
        continue;
      }
      let s = this.ips.get(r.ip);
      if (!s) this.ips.set(r.ip, (s = { ip: r.ip, messages: 0, vendors: new Set(), hosts: new Set(), efcWorks: 0, isPublic: r.public }));
      s.messages++;
      if (r.vendor) s.vendors.add(r.vendor);
      if (r.host) s.hosts.add(r.host);
      if (f.state === 'active') s.efcWorks++;
    }
  }

  build(connectorName: string | undefined): ConsolidatedEfc {
    const stats = [...this.ips.values()].sort((a, b) => b.messages - a.messages || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
    const omitted = new Omitted();
    const label = (s: IpStats) => {
      const parts = [`${s.messages} message${s.messages === 1 ? '' : 's'}`];
      if (s.vendors.size) parts.push([...s.vendors].join(' + '));
      if (s.hosts.size) parts.push([...s.hosts].slice(0, 3).join(', '));
      if (s.efcWorks) parts.push(`Enhanced Filtering already worked for ${s.efcWorks}`);
      return parts.join(' · ');
    };
    const inputs: IpInput[] = stats.map((s) => ({ text: s.ip, origin: 'message', label: label(s) }));
    const entries = buildIpList(
      inputs,
      {
        target: 'EFSkipIPs',
        privateReason: PRIVATE_REASON,
        excludeMicrosoft: true,
        microsoftReason: MICROSOFT_REASON,
        excludeGoogle: false,
        allowIpv6: true,
        allowRange: true,
        merge: false,
        cap: MAX_EF_SKIP_IPS,
      },
      defaultKb,
      omitted,
    );
    const result: ConsolidatedEfc = { ips: entries.map((e) => e.spec.text), messagesCovered: this.covered, messagesTotal: this.total };
    if (!entries.length) {
      result.none = this.covered
        ? 'the messages show no public relay address in front of Exchange Online that Enhanced Filtering could skip (private relays are skipped automatically)'
        : 'no message was delivered to Exchange Online through a relay (gateway or on-premises server) on a linear route';
      return result;
    }

    const connector = connectorName ?? PLACEHOLDER_CONNECTOR;
    const vendors = new Set<string>();
    for (const s of stats) for (const v of s.vendors) vendors.add(v);
    const ipWidth = Math.max(...entries.map((e) => e.spec.text.length));
    const byIp = new Map(stats.map((s) => [s.ip, s]));

    const head: string[] = [
      `Enhanced Filtering for Connectors: one EFSkipIPs list for the relays seen in ${this.covered} of ${this.total} message${this.total === 1 ? '' : 's'}`,
      REVIEW_LINE,
      '',
      'Relay IPs in front of Exchange Online (messages · gateway · host):',
    ];
    for (const e of entries) {
      const s = byIp.get(e.spec.text);
      head.push(`  ${e.spec.text.padEnd(ipWidth)}  ${s ? label(s) : ''}`);
    }
    const notes: string[] = [];
    for (const o of omitted.done()) {
      const s = byIp.get(o.value);
      notes.push(`  ${o.value}: ${o.reason}${s ? ` (${s.messages} message${s.messages === 1 ? '' : 's'})` : ''}`);
    }
    for (const [receiver, files] of this.otherReceiver) {
      const what = receiver === 'gmail' ? 'delivered to Gmail (run `fix <file> --kind gmail` on one of them)' : `not delivered to Exchange Online (${receiver})`;
      notes.push(`  ${files.length} message${files.length === 1 ? '' : 's'} ${what}: ${fileList(files)}`);
    }
    if (this.nonLinear.length) {
      notes.push(`  ${this.nonLinear.length} message${this.nonLinear.length === 1 ? '' : 's'} with non-linear routing (passed Microsoft 365 before the relay; Enhanced Filtering is not supported there): ${fileList(this.nonLinear)}`);
    }
    if (this.noRelay) notes.push(`  ${this.noRelay} message${this.noRelay === 1 ? '' : 's'} reached Exchange Online directly (no relay to skip)`);
    if (notes.length) head.push('', 'Not in the list:', ...notes);

    const caveats: string[] = [];
    if (!connectorName) caveats.push(`Replace ${PLACEHOLDER_CONNECTOR} with the name of the inbound connector the gateway's mail arrives on (see the first pre-check), or pass --connector NAME.`);
    if (vendors.size > 1) {
      caveats.push(`The relays belong to ${vendors.size} gateways (${words([...vendors])}). In most tenants each gateway's mail arrives on its own inbound connector: set each connector's EFSkipIPs to its gateway's addresses, or keep this combined list on every one of them.`);
    }
    caveats.push('EFSkipIPs replaces the list on the connector: the first pre-check shows what is there now; keep entries you still need.');
    caveats.push('These messages show only the relay addresses they passed through; list every address your gateways deliver from, or mail from the other gateway nodes is not skip-listed.');
    // an address another message confirmed is listed, not left out
    for (const ip of this.ips.keys()) this.unconfirmed.delete(ip);
    if (this.unconfirmed.size) {
      caveats.push(`Left out, not confirmed as your gateway (only whose host each is): ${[...this.unconfirmed].slice(0, 20).join(', ')}${this.unconfirmed.size > 20 ? ` and ${this.unconfirmed.size - 20} more` : ''}. Confirm with your MX record and the gateway's address list, or list them in the trusted relays setting.`);
    }
    if (this.outOfScope.length) {
      caveats.push(`${this.outOfScope.length} message${this.outOfScope.length === 1 ? ' was' : 's were'} skip-listed but the recipient was outside the EFUsers pilot (${fileList(this.outOfScope)}): add the recipients or set -EFUsers $null.`);
    }
    caveats.push('Supported for linear routes only (Internet → gateway → Microsoft 365, or Internet → gateway → on-premises → Microsoft 365).');
    caveats.push('Once new messages show the skip-listing headers, disable mail flow rules that set SCL -1 for the gateways (second pre-check) and take the gateway IPs out of the connection filter allow list (third pre-check).');
    if (entries.some((e) => e.spec.version === 6)) caveats.push('IPv6 entries can be set only in PowerShell; the Defender portal accepts IPv4 only.');

    const change = psCommand('Set-InboundConnector', [
      ['Identity', arg.str(connector)],
      ['EFSkipLastIP', arg.bool(false)],
      ['EFSkipIPs', arg.list(result.ips)],
    ]);
    const rollback = psCommand('Set-InboundConnector', [
      ['Identity', arg.str(connector)],
      ['EFSkipLastIP', arg.bool(false)],
      ['EFSkipIPs', arg.null()],
    ]);
    const verify = [
      'Send a new test message from outside through each gateway (the analysed messages were filtered before the change and will not change).',
      "Its headers must show X-MS-Exchange-SkipListedInternetSender and X-MS-Exchange-ExternalOriginalInternetSender with the original sender's IP, not one of the relay IPs above.",
      "Authentication-Results should then evaluate SPF for the original sender's IP, and compauth should no longer fail because of the relay.",
      'SkipListedInternetSender without ExternalOriginalInternetSender means Enhanced Filtering ran but the recipient was not in EFUsers.',
      'If SkipListedInternetSender shows one of the relay IPs above, that address is missing from EFSkipIPs on the connector the message arrived on.',
      `Run mailflow-lens analyze on the new messages: efc-not-enabled and spf-evaluated-on-relay should be gone.`,
    ];

    const lines: string[] = [
      ...head.map((h) => (h ? psComment(h) : '#')),
      '#',
      psComment('---- 1. Pre-checks (read-only: run these first) ----'),
      PRECHECK_CONNECTOR,
      PRECHECK_SCL_RULES,
      PRECHECK_ALLOW_LIST,
      '#',
      psComment('---- 2. The change ----'),
      change,
      '#',
      psComment('---- 3. Roll back (restores skip-listing off; re-enter any entries the pre-check showed) ----'),
      psComment(rollback),
      '#',
      psComment('---- 4. Verify after the change ----'),
      ...verify.map((v) => psComment(`- ${v}`)),
      '#',
      psComment('Caveats:'),
      ...caveats.map((c) => psComment(`- ${c}`)),
    ];
    result.script = `${lines.join('\n')}\n`;
    return result;
  }
}

function fileList(files: string[]): string {
  const shown = files.slice(0, MAX_LISTED_FILES).join(', ');
  return files.length > MAX_LISTED_FILES ? `${shown} and ${files.length - MAX_LISTED_FILES} more` : shown;
}
