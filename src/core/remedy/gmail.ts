/**
 * Google Workspace "Inbound gateway" settings as a markdown checklist (seed 001; DOMAIN.md §4.3).
 * Values: the message's public relay IPs (re-serialised), the user's list, vendor-published ranges,
 * and the vendor's spam-header suggestion from the knowledge base. No header text is copied.
 */
import type { Remedy } from '../types';
import { isPublicIp } from '../net/ip';
import { buildIpList, describeRelay, finish, Omitted, PLACEHOLDER_GATEWAY_IP, receivingDomain, unconfirmedWords, words, type Facts, type IpInput, type RemedyKb } from './context';
import { commentText } from './powershell';
import type { RemedyOptions } from './index';

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
  for (const bad of f.badRelayValues) omitted.add(bad, 'relay address in the message is not a valid IP address');
  if (f.relaysTruncated) omitted.note(`(${f.relaysTruncated} relay addresses)`, 'not read: more relay addresses than any real route has');
  if (options.gatewayIps !== undefined) {
    if (Array.isArray(options.gatewayIps)) for (const t of options.gatewayIps) inputs.push({ text: t, origin: 'user' });
    else omitted.add(options.gatewayIps, 'gatewayIps must be a list');
  }
  const caveats: string[] = [];
  const kbName = (v: { id: string }) => k.vendorName(v.id) ?? 'the gateway vendor';
  if (options.useVendorRanges) {
    for (const v of f.relayVendors) {
      const pub = k.vendorPublishedRanges(v.id);
      if (!pub.length) caveats.push(`useVendorRanges: the knowledge base has no published IP ranges for ${kbName(v)}; ask the vendor for every address it delivers from.`);
      for (const r of pub) inputs.push({ text: r.range, origin: 'vendor', source: `${kbName(v)}: ${r.source} (as of ${r.asOf})` });
    }
  }
  const entries = buildIpList(
    inputs,
    {
      target: 'Gateway IPs',
      privateReason: 'Gmail does not accept private IPs as gateway IPs (it skips internal hops itself)',
      excludeMicrosoft: false,
      excludeGoogle: true,
      googleReason: "Google's own address, not a gateway in front of Gmail",
      allowIpv6: true,
      allowRange: false,
      rangeReason: 'enter gateway ranges as CIDR blocks; a-b ranges are not accepted here',
      merge: false,
      cap: MAX_GATEWAY_IPS,
    },
    k,
    omitted,
  );
  if (!entries.length && !unconfirmed) return null;

  // markdown: only names from the knowledge base, never text carried in the Analysis
  const vendorNames = f.relayVendors.map((v) => k.vendorName(v.id)).filter((n): n is string => !!n);
  const who = vendorNames.length ? words(vendorNames) : 'your gateway';
  const orig = f.originalSenderIp && isPublicIp(f.originalSenderIp) ? f.originalSenderIp.ip : undefined;
  const gw = f.connecting?.ip.ip;
  const lines: string[] = [
    `## Gmail inbound gateway for ${who}`,
    '',
    'Google Admin console → **Apps → Google Workspace → Gmail → Spam, Phishing and Malware → Inbound gateway** (configure it at the top-level organizational unit).',
    '',
    '- [ ] **Gateway IPs**: add each address below (public addresses only; Gmail does not accept private IPs).',
  ];
  if (unconfirmed) {
    lines.splice(3, 0, `Not confirmed as your gateway yet: ${commentText(unconfirmed.candidates, 400)}. Check that your MX points at it before listing its addresses.`);
    if (!entries.length) lines.push(`  - \`${PLACEHOLDER_GATEWAY_IP}\` — every address your gateway delivers from, once confirmed`);
  }
  for (const e of entries) {
    const label = e.origin === 'message' ? labels.get(e.spec.text) : e.origin === 'vendor' ? `published range, ${e.source ?? ''}` : 'from your list';
    const note = label ? ` — ${commentText(label)}` : '';
    lines.push(`  - \`${e.spec.text}\`${note}`);
  }
  lines.push(
    `- [ ] Check **Automatically detect external IP (recommended)**: Gmail then evaluates SPF and reputation against the original sender${orig ? ` (${orig} in this message)` : ''} instead of the gateway.`,
    '- [ ] Check **Reject all mail not from gateway IPs**, only after your MX records point to the gateway and the change has propagated.',
    '- [ ] Check **Require TLS for connections from the email gateways listed above**.',
  );
  const spamHeaders: Array<{ vendor: string; header: string; regexp: string; numeric: boolean; threshold?: string }> = [];
  for (const v of f.relayVendors) {
    const s = k.vendorSpamHeader(v.id);
    if (!s) continue;
    const rx = code(s.regexp);
    if (!rx) continue;
    spamHeaders.push({ vendor: kbName(v), header: s.header, regexp: s.regexp, numeric: s.numeric, threshold: s.threshold });
    if (s.numeric) {
      lines.push(
        `- [ ] Message tagging (${kbName(v)} scores spam in ${s.header}): check **Message is considered spam if the following header regexp matches**, enter ${rx}, check **Regexp extracts a numeric score** and set **message is considered spam if extracted numeric score is** Greater than or equal to ${s.threshold ?? 'your threshold'}.`,
      );
    } else {
      lines.push(`- [ ] Message tagging (${kbName(v)} marks spam in ${s.header}): check **Message is considered spam if the following header regexp matches** and enter ${rx}.`);
    }
    caveats.push(`The spam-header regexp for ${kbName(v)} is a suggestion built from the header's format${s.verified ? '' : ' (not confirmed by vendor documentation)'}: check it against a spam-tagged message from your gateway. ${s.note ?? ''}`.trim());
  }
  lines.push('- [ ] **Save**. Google notes that changes can take up to 24 hours to apply.');

  const dom = receivingDomain(f.analysis, options);
  caveats.unshift(
    `List every address ${who} delivers from; this message shows only ${words(entries.filter((e) => e.origin === 'message').map((e) => e.spec.text)) || 'the ones listed'}.`,
    'Reject all mail not from gateway IPs refuses every direct delivery to Gmail, including partners or services that send straight to Google; enable it last.',
  );
  return finish({
    id: 'gmail-inbound-gateway',
    title: entries.length ? `Gmail inbound gateway: ${entries.length} gateway address${entries.length === 1 ? '' : 'es'}` : 'Gmail inbound gateway: confirm the gateway, then list its addresses',
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
    why: `${unconfirmed ? `${unconfirmed.why} ` : ''}Fits this message: Gmail received it from ${gw ? `${gw} (${who})` : who}, so without the inbound gateway setting SPF and spam checks judge the gateway instead of the original sender${orig ? ` ${orig}` : ''}.`,
    caveats,
    preChecks: [
      dom ? `Check that the MX records of ${dom} point to the gateway before enabling "Reject all mail not from gateway IPs".` : 'Check that your MX records point to the gateway before enabling "Reject all mail not from gateway IPs".',
      'Look at the current Inbound gateway setting first: if one exists, edit it rather than adding a second.',
    ],
    rollback: [
      'If mail is being rejected, uncheck "Reject all mail not from gateway IPs" first.',
      'To undo entirely, remove the gateway entries (or the Inbound gateway setting) and save.',
    ],
    verify: [
      `On the next message, Gmail's Authentication-Results (mx.google.com) should evaluate SPF for ${orig ?? 'the original sender'}${gw ? `, not the gateway ${gw}` : ''} ("designates ${orig ?? '<original IP>'} as permitted sender", or a fail that names that address).`,
      `Received-SPF should show client-ip=${orig ?? '<original IP>'}.`,
    ],
    omitted,
  });
}
