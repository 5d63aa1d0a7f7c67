/**
 * Google Workspace "Inbound gateway" settings as a markdown checklist (Google Workspace Admin Help,
 * "Set up an inbound mail gateway"). Values: the message's public relay IPs (re-serialised), the
 * user's list, vendor-published ranges, and the vendor's spam-header suggestion from the knowledge
 * base. No header text is copied.
 */
import type { Remedy } from '../types';
import { ipClassName, isPublicIp } from '../net/ip';
import { buildIpList, type IpInput } from './ip-list';
import { describeRelay, type Facts, PLACEHOLDER_GATEWAY_IP, unconfirmedWords } from './facts';
import { finish, Omitted, words } from './draft';
import { receivingDomain } from './tenant';
import type { RemedyKb } from './kb-port';
import { vendorRangeInputs } from './efc';
import { commentText } from './powershell';
import { say, sayAll } from './say';
import type { RemedyOptions } from './options';

export const MAX_GATEWAY_IPS = 200;

/** Text safe inside a markdown code span: no backticks, nothing unsafe. */
function code(text: string): string | undefined {
  if (text.includes('`') || commentText(text) !== text) return undefined;
  return `\`${text}\``;
}

export function gmailInboundGateway(f: Facts, options: RemedyOptions, k: RemedyKb): Remedy | null {
  if (f.receiver !== 'gmail' || f.consumer) return null;
  const omitted = new Omitted();
  const inputs: IpInput[] = [];
  const labels = new Map<string, string>();
  const unconfirmed = f.hasRelay && !f.relaysConfirmed ? unconfirmedWords(f) : null;
  for (const r of f.relays) {
    // only gateways the recipient's side vouches for are listed; the others are named to confirm
    if (r.strength !== 'strong' && isPublicIp(r.ip)) continue;
    inputs.push({ text: r.ip.ip, origin: r.fromConfig ? 'user' : 'message', label: describeRelay(r) });
    labels.set(r.ip.ip, [r.host, r.vendorId ? k.vendorName(r.vendorId) : undefined].filter(Boolean).join(', '));
  }
  for (const bad of f.badRelayValues) omitted.add(bad, say('omit.badRelay'));
  if (f.relaysTruncated) omitted.note(`(${f.relaysTruncated} relay addresses)`, say('omit.relaysTruncated'));
  if (options.gatewayIps !== undefined) {
    if (Array.isArray(options.gatewayIps)) for (const t of options.gatewayIps) inputs.push({ text: t, origin: 'user' });
    else omitted.add(options.gatewayIps, say('omit.notAList'));
  }
  const caveats: string[] = [];
  const kbName = (v: { id: string }) => k.vendorName(v.id) ?? say('gmail.theVendor');
  inputs.push(...vendorRangeInputs(f, options, k, caveats, omitted));
  const entries = buildIpList(
    inputs,
    {
      target: 'Gateway IPs',
      nonPublicReason: (c) => say('gmail.omit.private', { class: ipClassName(c) }),
      excludeMicrosoft: false,
      excludeGoogle: true,
      googleReason: () => say('gmail.omit.google'),
      allowIpv6: true,
      allowRange: false,
      rangeReason: () => say('gmail.omit.range'),
      merge: false,
      cap: MAX_GATEWAY_IPS,
    },
    k,
    omitted,
  );
  if (!entries.length && !unconfirmed) return null;

  // markdown: only names from the knowledge base, never text carried in the Analysis
  const vendorNames = f.relayVendors.map((v) => k.vendorName(v.id)).filter((n): n is string => !!n);
  const who = vendorNames.length ? words(vendorNames) : say('gmail.yourGateway');
  const orig = f.originalSenderIp && isPublicIp(f.originalSenderIp) ? f.originalSenderIp.ip : undefined;
  const gw = f.connecting?.ip.ip;
  const lines: string[] = [`## ${say('gmail.heading', { who })}`, '', say('gmail.path'), '', `- [ ] ${say('gmail.step.ips')}`];
  if (unconfirmed) {
    lines.splice(3, 0, say('gmail.unconfirmed', { candidates: commentText(unconfirmed.candidates, 400) }));
    if (!entries.length) lines.push(`  - \`${PLACEHOLDER_GATEWAY_IP}\` — ${say('gmail.placeholder')}`);
  }
  for (const e of entries) {
    const label = e.origin === 'message' ? labels.get(e.spec.text) : e.origin === 'vendor' ? say('vendor.rangeLabel', { source: e.source ?? '' }) : say('gmail.fromYourList');
    const note = label ? ` — ${commentText(label)}` : '';
    lines.push(`  - \`${e.spec.text}\`${note}`);
  }
  lines.push(
    `- [ ] ${orig ? say('gmail.step.detectIp', { ip: orig }) : say('gmail.step.detect')}`,
    `- [ ] ${say('gmail.step.reject')}`,
    `- [ ] ${say('gmail.step.tls')}`,
  );
  const spamHeaders: Array<{ vendor: string; header: string; regexp: string; numeric: boolean; threshold?: string }> = [];
  for (const v of f.relayVendors) {
    const s = k.vendorSpamHeader(v.id);
    if (!s) continue;
    const rx = code(s.regexp);
    if (!rx) continue;
    spamHeaders.push({ vendor: kbName(v), header: s.header, regexp: s.regexp, numeric: s.numeric, threshold: s.threshold });
    if (s.numeric) {
      lines.push(`- [ ] ${say('gmail.step.tagNumeric', { vendor: kbName(v), header: s.header, rx, threshold: s.threshold ?? say('gmail.yourThreshold') })}`);
    } else {
      lines.push(`- [ ] ${say('gmail.step.tag', { vendor: kbName(v), header: s.header, rx })}`);
    }
    caveats.push(sayAll([say(s.verified ? 'gmail.caveat.regexp' : 'gmail.caveat.regexpUnconfirmed', { vendor: kbName(v) }), s.note ? say('gmail.caveat.regexpShape', { note: s.note }) : undefined]));
  }
  lines.push(`- [ ] ${say('gmail.step.save')}`);

  const dom = receivingDomain(f.analysis, options);
  const shown = words(entries.filter((e) => e.origin === 'message').map((e) => e.spec.text));
  caveats.unshift(
    shown ? say('gmail.caveat.every', { who, ips: shown }) : say('gmail.caveat.everyNone', { who }),
    say('gmail.caveat.rejectLast'),
    say('lockdown.caveat.mtaSts'),
  );
  return finish({
    id: 'gmail-inbound-gateway',
    title: entries.length ? say('gmail.title', { n: entries.length, addresses: entries.length === 1 ? 'address' : 'addresses' }) : say('gmail.titleConfirm'),
    language: 'markdown',
    body: lines,
    parameters: {
      gatewayIps: entries.map((e) => e.spec.text),
      automaticallyDetectExternalIp: true,
      rejectMailNotFromGatewayIps: true,
      requireTls: true,
      spamHeaders,
      originalSenderIp: orig ?? null,
    },
    recommended: !unconfirmed,
    fit: unconfirmed ? 'confirm-first' : 'recommended',
    why: sayAll([
      unconfirmed?.why,
      gw ? say('gmail.why.fitsGw', { gw, who }) : say('gmail.why.fits', { who }),
      orig ? say('gmail.why.origIp', { ip: orig }) : say('gmail.why.orig'),
    ]),
    caveats,
    preChecks: [dom ? say('gmail.precheck.mxDomain', { domain: dom }) : say('gmail.precheck.mx'), say('gmail.precheck.existing')],
    rollback: [say('gmail.rollback.reject'), say('gmail.rollback.remove')],
    verify: [
      orig && gw ? say('gmail.verify.spfGw', { ip: orig, gw }) : orig ? say('gmail.verify.spfIp', { ip: orig }) : say('gmail.verify.spf'),
      say('gmail.verify.receivedSpf', { ip: orig ?? '<original IP>' }),
    ],
    omitted,
  });
}
