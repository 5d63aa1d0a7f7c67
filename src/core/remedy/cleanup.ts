/**
 * Clean-up after Enhanced Filtering: mail flow rules that set SCL -1 for the gateway, and the
 * gateway's address in the connection filter IP Allow List (seed 002 "before you begin";
 * DOMAIN.md §2.2 "SCL −1 rules", §2.4). Both skip EOP's filtering for every customer of a shared
 * gateway, which is why Microsoft discourages them once Enhanced Filtering works.
 */
import type { Remedy } from '../types';
import { isPublicIp, parseIp, type ParsedIp } from '../net/ip';
import { arg, checkObjectName, psCommand } from './powershell';
import { describeRelay, finish, Omitted, words, type Facts, type RemedyKb } from './context';
import { PRECHECK_ALLOW_LIST, PRECHECK_SCL_RULES } from './efc';
import type { RemedyOptions } from './index';

export const PLACEHOLDER_RULE = '<rule name>';
const MAX_RULES = 50;

function applies(f: Facts): boolean {
  return f.receiver === 'exchange-online';
}

export function removeSclBypass(f: Facts, options: RemedyOptions, _k: RemedyKb): Remedy | null {
  if (!applies(f)) return null;
  const omitted = new Omitted();
  const ms = f.analysis.microsoft;
  const evidence: string[] = [];
  // With IPV:CAL the connection filter's allow list explains SFV:SKN / SCL -1 by itself.
  const allowList = ms?.forefront?.ipv === 'CAL';
  if (ms?.forefront?.sfv === 'SKN') evidence.push('X-Forefront-Antispam-Report SFV:SKN (marked as not spam before filtering)');
  const scl = ms?.org?.scl ?? ms?.forefront?.scl;
  if (scl === -1) evidence.push('SCL -1 (spam filtering bypassed)');

  const names: string[] = [];
  if (options.sclRuleNames !== undefined) {
    for (const n of (Array.isArray(options.sclRuleNames) ? options.sclRuleNames : [options.sclRuleNames]).slice(0, 1000)) {
      const c = checkObjectName(n, 'rule name');
      if (!c.ok) omitted.add(n, c.reason);
      else if (!names.includes(c.value)) {
        if (names.length < MAX_RULES) names.push(c.value);
        else omitted.add(c.value, `more than ${MAX_RULES} rule names`);
      }
    }
  }
  const placeholder = names.length === 0;
  const targets = placeholder ? [PLACEHOLDER_RULE] : names;
  const header = ['Clean-up: mail flow rules that bypass spam filtering (SCL -1) for the gateway'];
  if (evidence.length) header.push(`Evidence in this message: ${words(evidence)}`);
  const body = [
    '# 1. List the rules that set SCL -1:',
    PRECHECK_SCL_RULES,
    placeholder ? '# 2. Disable each rule that was added for the gateway (replace the name):' : '# 2. Disable the rules:',
    ...targets.map((t) => psCommand('Disable-TransportRule', [['Identity', arg.str(t)]])),
  ];
  const recommended = evidence.length > 0 && !allowList;
  return finish({
    id: 'remove-scl-bypass',
    title: 'Disable mail flow rules that set SCL -1 for the gateway',
    language: 'powershell',
    header,
    body,
    parameters: { rules: targets, placeholder, evidence },
    recommended,
    why: recommended
      ? `This message skipped spam filtering before it was scanned (${words(evidence)}), which is what a mail flow rule setting SCL -1 does. Once Enhanced Filtering works, such rules must be disabled: they skip filtering for everything the (shared) gateway delivers.`
      : allowList && evidence.length
        ? 'The SCL -1 verdict of this message comes from the connection filter IP Allow List (IPV:CAL; remedy remove-ip-allow), not necessarily from a mail flow rule; run the listing to find bypass rules as well.'
        : 'No SCL -1 verdict in this message; run the listing anyway to find bypass rules left over from the gateway set-up.',
    caveats: [
      'Disable these rules only after Enhanced Filtering works for the gateway\'s connector (efc remedies); until then they may be what keeps gateway mail out of Junk.',
      'Only rules added for the gateway: keep SCL -1 rules that serve another purpose (for example a simulation or archiving service), after checking their conditions.',
      ...(placeholder ? [`Replace ${PLACEHOLDER_RULE} with the rule names from the listing (or pass sclRuleNames).`] : []),
    ],
    preChecks: [PRECHECK_SCL_RULES],
    rollback: targets.map((t) => psCommand('Enable-TransportRule', [['Identity', arg.str(t)]])),
    verify: [
      'On the next message through the gateway, X-Forefront-Antispam-Report no longer shows SFV:SKN and the SCL comes from filtering (SFV:NSPM for clean mail).',
    ],
    omitted,
  });
}

export function removeIpAllow(f: Facts, options: RemedyOptions, k: RemedyKb): Remedy | null {
  if (!applies(f)) return null;
  void options;
  const omitted = new Omitted();
  const ff = f.analysis.microsoft?.forefront;
  const onAllowList = ff?.ipv === 'CAL';
  const ips: ParsedIp[] = [];
  const pushIp = (p: ParsedIp | null | undefined, why: string) => {
    if (!p) return;
    if (ips.some((x) => x.ip === p.ip)) return;
    if (p.version === 6) {
      omitted.add(p.ip, 'the connection filter IP Allow List holds IPv4 addresses only');
      return;
    }
    if (!isPublicIp(p)) {
      omitted.add(p.ip, `not a public address (${why})`);
      return;
    }
    if (k.lookupProviderByIp(p.ip)?.id === 'microsoft365') {
      omitted.add(p.ip, "Microsoft 365's own address");
      return;
    }
    ips.push(p);
  };
  if (onAllowList) {
    const cip = parseIp(ff?.cip);
    if (ff?.cip && !cip) omitted.add(ff.cip, 'CIP in X-Forefront-Antispam-Report is not a valid IP address');
    pushIp(cip, 'CIP');
  }
  if (f.hasRelay && f.connecting) pushIp(f.connecting.ip, 'connecting relay');
  if (!ips.length) return null;

  const values = ips.map((p) => p.ip);
  const header = ['Clean-up: the gateway\'s address in the connection filter IP Allow List'];
  if (onAllowList) header.push(`Evidence: X-Forefront-Antispam-Report IPV:CAL for CIP ${values[0]} (the connecting IP was on the allow list, so spam filtering was skipped)`);
  else if (f.connecting) header.push(`Gateway that delivered this message: ${describeRelay(f.connecting)}`);
  const cmd = psCommand('Set-HostedConnectionFilterPolicy', [
    ['Identity', arg.word('Default')],
    ['IPAllowList', arg.remove(values)],
  ]);
  return finish({
    id: 'remove-ip-allow',
    title: `Remove ${words(values)} from the connection filter allow list`,
    language: 'powershell',
    header,
    body: ['# Look at the list first:', PRECHECK_ALLOW_LIST, cmd],
    parameters: { policy: 'Default', remove: values, evidence: onAllowList ? 'IPV:CAL' : null },
    recommended: onAllowList,
    why: onAllowList
      ? `This message came from ${values[0]}, which is on the connection filter's IP Allow List (IPV:CAL): EOP skipped spam filtering for it. With Enhanced Filtering, the gateway's addresses do not belong there; they are shared with the vendor's other customers.`
      : 'No IPV:CAL in this message; only needed if the gateway\'s addresses were added to the allow list during set-up (check the listing).',
    caveats: [
      'Do this after Enhanced Filtering works for the gateway\'s connector (efc remedies).',
      '@{Remove=…} removes only an entry written exactly this way: if the list holds a range that contains the address (for example a /24), remove that entry instead.',
      'Other policies than Default are not touched; the listing shows only the Default policy.',
    ],
    preChecks: [PRECHECK_ALLOW_LIST],
    rollback: [psCommand('Set-HostedConnectionFilterPolicy', [['Identity', arg.word('Default')], ['IPAllowList', arg.add(values)]])],
    verify: ['On the next message through the gateway, X-Forefront-Antispam-Report no longer shows IPV:CAL.'],
    omitted,
  });
}
