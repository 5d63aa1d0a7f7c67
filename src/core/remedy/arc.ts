/**
 * ARC trusted sealers (DOMAIN.md §2.3): add the gateway's ARC-Seal d= to the tenant's list without
 * replacing what is there. Get-ArcConfig may return the list as one comma-joined string (Microsoft's
 * own removal example splits it on ','), so the script normalises it first.
 *
 * Only sealers that belong to a gateway vendor seen on the relay path in front of Microsoft 365 are
 * proposed: any sender can add an ARC set with its own d=, and trusting it would let that sender
 * vouch for its own mail. Other sealers go to `omitted` unless the user names them (trustedSealers).
 */
import type { Remedy } from '../types';
import { checkDomain, psList } from './powershell';
import { finish, Omitted, words, type Facts, type RemedyKb } from './context';
import type { RemedyOptions } from './index';

/** Sealers of the receiving services themselves: their own seals need no trust. */
const PROVIDER_SEALERS = ['microsoft.com', 'google.com', 'outlook.com'];

export const READ_SEALERS =
  "$sealers = @((Get-ArcConfig).ArcTrustedSealers) -join ',' -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ }";
export const SET_SEALERS = 'Set-ArcConfig -Identity Default -ArcTrustedSealers $sealers';
export const EMPTY_GUARD = "if (-not $sealers) { $sealers = ' ' }";
export const MAX_SEALERS = 20;

function isProviderSealer(d: string): boolean {
  return PROVIDER_SEALERS.some((p) => d === p || d.endsWith(`.${p}`));
}

export function arcTrustedSealer(f: Facts, options: RemedyOptions, k: RemedyKb): Remedy | null {
  if (f.receiver !== 'exchange-online') return null;
  const omitted = new Omitted();
  const a = f.analysis;
  const sealers: Array<{ domain: string; instance?: number; vendor?: string; why: string }> = [];
  const relayVendorIds = new Set(f.relayVendors.map((v) => v.id));
  const add = (s: { domain: string; instance?: number; vendor?: string; why: string }) => {
    if (!sealers.some((x) => x.domain === s.domain) && sealers.length < MAX_SEALERS) sealers.push(s);
  };

  for (const set of Array.isArray(a.arcSets) ? a.arcSets : []) {
    const raw = set?.seal?.domain;
    if (raw === undefined) continue;
    const inst = typeof set.instance === 'number' && Number.isInteger(set.instance) ? set.instance : undefined;
    const c = checkDomain(raw, { what: 'ARC sealer d=' });
    if (!c.ok) {
      omitted.add(raw, c.reason);
      continue;
    }
    const d = c.value;
    if (isProviderSealer(d)) {
      omitted.add(d, `sealed by the receiving service itself (ARC instance i=${inst ?? '?'}); no trust needed`);
      continue;
    }
    const v = k.vendorByArcSealer(d);
    if (v && relayVendorIds.has(v.id)) {
      add({ domain: d, instance: inst, vendor: v.name, why: `ARC-Seal i=${inst ?? '?'} d=${d} is ${v.name}'s sealer${v.verified ? '' : ' (sealer domain from an unverified source; confirmed by this message)'}` });
    } else if (v) {
      omitted.add(d, `${v.name}'s sealer, but ${v.name} is not on the relay path in front of Microsoft 365 in this message (sealed on the sender's side); trust it only if it relays your inbound mail`);
    } else {
      omitted.add(d, 'not a known gateway sealer: trust it only if it is your own relay or a mailing list you rely on (pass it in trustedSealers)');
    }
  }
  if (options.trustedSealers !== undefined) {
    for (const t of Array.isArray(options.trustedSealers) ? options.trustedSealers : [options.trustedSealers]) {
      const c = checkDomain(t, { what: 'sealer domain' });
      if (!c.ok) omitted.add(t, c.reason);
      else if (isProviderSealer(c.value)) omitted.add(c.value, 'the receiving service\'s own sealer; no trust needed');
      else add({ domain: c.value, why: `${c.value} given in trustedSealers` });
    }
  }
  if (!sealers.length) return null;

  const domains = sealers.map((s) => s.domain);
  const append = `$sealers = @($sealers) + ${psList(domains)} | Sort-Object -Unique`;
  const header = [
    'ARC: add the gateway as a trusted ARC sealer, keeping the sealers already trusted',
    ...sealers.map((s) => s.why),
    'The value is the sealer\'s d= (the vendor\'s domain), not your own domain.',
  ];
  const rollbackFilter = `$sealers = @((Get-ArcConfig).ArcTrustedSealers) -join ',' -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ -and $_ -notin @(${psList(domains)}) }`;

  const caveats = [
    'Set-ArcConfig replaces the whole list; the script reads the current list first and appends, so existing sealers stay.',
    'Allow about 30 minutes for the change to take effect.',
    'Trusting a sealer makes Microsoft 365 honour the authentication results it recorded; it helps when the gateway modifies messages (banners, URL rewriting, subject tags) and DKIM or DMARC fail after it.',
  ];
  const arcCheck = a.verification?.arc;
  if (arcCheck && Array.isArray(arcCheck.instances)) {
    const failed = arcCheck.instances.filter((i) => typeof i?.sealer === 'string' && domains.includes(i.sealer.toLowerCase()) && i.seal === 'fail');
    if (failed.length) caveats.unshift(`The ARC seal by ${words(failed.map((i) => i.sealer!.toLowerCase()))} did not validate in this message; trusting the sealer only helps once its seals validate.`);
  } else {
    caveats.push('The ARC chain of this message was not re-verified here (no verification data): the trust only helps when the seal validates at Microsoft 365.');
  }
  const fromVendors = sealers.filter((s) => s.vendor).map((s) => s.vendor!);
  return finish({
    id: 'arc-trusted-sealer',
    title: `Trust ${words(domains)} as ARC sealer${domains.length === 1 ? '' : 's'}`,
    language: 'powershell',
    header,
    body: [READ_SEALERS, append, SET_SEALERS],
    parameters: { arcTrustedSealers: domains, append: true },
    recommended: fromVendors.length > 0,
    why: fromVendors.length
      ? `Fits this message: ${words(fromVendors)} sealed it with ARC before Microsoft 365 (d=${words(domains)}); trusting the sealer lets Microsoft 365 use the authentication results from before the gateway changed the message.`
      : `Adds the sealer(s) you named (${words(domains)}).`,
    caveats,
    preChecks: ['Get-ArcConfig | Format-List ArcTrustedSealers'],
    rollback: [rollbackFilter, EMPTY_GUARD, SET_SEALERS],
    verify: [
      'On the next message through the gateway, Authentication-Results must show compauth=pass reason=130 (the ARC trusted sealer was honoured) where DMARC alone would fail.',
      `The ARC-Authentication-Results of the last instance should show arc=pass for the chain sealed by ${words(domains)}.`,
    ],
    omitted,
  });
}
