/**
 * Clean-up after Enhanced Filtering: mail flow rules that set SCL -1 for the gateway, and the
 * gateway's address in the connection filter IP Allow List (Microsoft's Enhanced Filtering article,
 * "What do you need to know before you begin?"; "Manage mail flow using a third-party cloud
 * service with Exchange Online"). Both skip EOP's filtering for everything a shared gateway
 * delivers, which is why Microsoft discourages them once Enhanced Filtering works.
 */
import type { Remedy } from '../types';
import { isPublicIp, parseIp, type ParsedIp } from '../net/ip';
import { arg, checkObjectName, psCommand } from './powershell';
import { describeRelay, type Facts } from './facts';
import { finish, Omitted, remedyTitleWords, words } from './draft';
import type { RemedyKb } from './kb-port';
import { say } from './say';
import { PRECHECK_ALLOW_LIST, PRECHECK_SCL_RULES } from './efc';
import type { RemedyOptions } from './options';

export const PLACEHOLDER_RULE = '<rule name>';
const MAX_RULES = 50;

function applies(f: Facts): boolean {
  return f.receiver === 'exchange-online' && !f.consumer;
}

export function removeSclBypass(f: Facts, options: RemedyOptions, _k: RemedyKb): Remedy | null {
  if (!applies(f)) return null;
  const omitted = new Omitted();
  const ms = f.analysis.microsoft;
  const evidence: string[] = [];
  // With IPV:CAL the connection filter's allow list explains SFV:SKN / SCL -1 by itself.
  const allowList = ms?.forefront?.ipv === 'CAL';
  if (ms?.forefront?.sfv === 'SKN') evidence.push(say('cleanup.evidence.skn'));
  const scl = ms?.org?.scl ?? ms?.forefront?.scl;
  if (scl === -1) evidence.push(say('cleanup.evidence.scl'));

  const names: string[] = [];
  if (options.sclRuleNames !== undefined) {
    for (const n of (Array.isArray(options.sclRuleNames) ? options.sclRuleNames : [options.sclRuleNames]).slice(0, 1000)) {
      const c = checkObjectName(n, 'rule name');
      if (!c.ok) omitted.add(n, say('omit.invalid', { reason: c.reason }));
      else if (!names.includes(c.value)) {
        if (names.length < MAX_RULES) names.push(c.value);
        else omitted.add(c.value, say('cleanup.omit.ruleCap', { max: MAX_RULES }));
      }
    }
  }
  const placeholder = names.length === 0;
  const targets = placeholder ? [PLACEHOLDER_RULE] : names;
  const header = [say('cleanup.scl.header')];
  if (evidence.length) header.push(say('cleanup.scl.evidence', { evidence: words(evidence) }));
  const body = [
    `# ${say('cleanup.scl.step1')}`,
    PRECHECK_SCL_RULES,
    `# ${say(placeholder ? 'cleanup.scl.step2Placeholder' : 'cleanup.scl.step2')}`,
    ...targets.map((t) => psCommand('Disable-TransportRule', [['Identity', arg.str(t)]])),
  ];
  const recommended = evidence.length > 0 && !allowList;
  return finish({
    id: 'remove-scl-bypass',
    title: say('title.ref.remove-scl-bypass'),
    language: 'powershell',
    header,
    body,
    parameters: { rules: targets, placeholder, evidence },
    recommended,
    fit: recommended ? 'recommended' : 'optional',
    why: recommended
      ? say('cleanup.scl.why.bypassed', { evidence: words(evidence) })
      : allowList && evidence.length
        ? say('cleanup.scl.why.allowList', { allow: remedyTitleWords('remove-ip-allow') })
        : say('cleanup.scl.why.none'),
    caveats: [
      say('cleanup.scl.caveat.afterEfc'),
      say('cleanup.scl.caveat.onlyGateway'),
      ...(placeholder ? [say('cleanup.scl.caveat.placeholder', { placeholder: PLACEHOLDER_RULE })] : []),
    ],
    preChecks: [PRECHECK_SCL_RULES],
    rollback: targets.map((t) => psCommand('Enable-TransportRule', [['Identity', arg.str(t)]])),
    verify: [say('cleanup.scl.verify')],
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
      omitted.add(p.ip, say('cleanup.omit.ipv6'));
      return;
    }
    if (!isPublicIp(p)) {
      omitted.add(p.ip, say('cleanup.omit.notPublic', { what: why }));
      return;
    }
    if (k.lookupProviderByIp(p.ip)?.id === 'microsoft365') {
      omitted.add(p.ip, say('omit.microsoftAddress'));
      return;
    }
    ips.push(p);
  };
  if (onAllowList) {
    const cip = parseIp(ff?.cip);
    if (ff?.cip && !cip) omitted.add(ff.cip, say('cleanup.omit.badCip'));
    pushIp(cip, 'the CIP of the anti-spam report');
  }
  if (f.hasRelay && f.connecting) pushIp(f.connecting.ip, 'the connecting relay');
  if (!ips.length) return null;

  const values = ips.map((p) => p.ip);
  const header = [say('cleanup.allow.header')];
  if (onAllowList) header.push(say('cleanup.allow.evidence', { ip: values[0] }));
  else if (f.connecting) header.push(say('lockdown.header.gateway', { relay: describeRelay(f.connecting) }));
  const cmd = psCommand('Set-HostedConnectionFilterPolicy', [
    ['Identity', arg.word('Default')],
    ['IPAllowList', arg.remove(values)],
  ]);
  return finish({
    id: 'remove-ip-allow',
    title: say('cleanup.allow.title', { ips: words(values) }),
    language: 'powershell',
    header,
    body: [`# ${say('cleanup.allow.lookFirst')}`, PRECHECK_ALLOW_LIST, cmd],
    parameters: { policy: 'Default', remove: values, evidence: onAllowList ? 'IPV:CAL' : null },
    recommended: onAllowList,
    fit: onAllowList ? 'recommended' : 'optional',
    why: onAllowList ? say('cleanup.allow.why.listed', { ip: values[0] }) : say('cleanup.allow.why.none'),
    caveats: [say('cleanup.allow.caveat.afterEfc'), say('cleanup.allow.caveat.exact'), say('cleanup.allow.caveat.default')],
    preChecks: [PRECHECK_ALLOW_LIST],
    rollback: [psCommand('Set-HostedConnectionFilterPolicy', [['Identity', arg.word('Default')], ['IPAllowList', arg.add(values)]])],
    verify: [say('cleanup.allow.verify')],
    omitted,
  });
}
