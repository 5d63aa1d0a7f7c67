/**
 * ARC trusted sealers (Microsoft Learn, "Configure trusted ARC sealers" and the Set-ArcConfig
 * reference): add the gateway's ARC-Seal d= to the tenant's list without replacing what is there. Get-ArcConfig may return the list as one comma-joined string (Microsoft's
 * own removal example splits it on ','), so the script normalises it first.
 *
 * Only sealers that belong to a gateway vendor seen on the relay path in front of Microsoft 365 are
 * proposed: any sender can add an ARC set with its own d=, and trusting it would let that sender
 * vouch for its own mail. Other sealers go to `omitted` unless the user names them (trustedSealers).
 */
import type { Remedy } from '../types';
import { checkDomain, psList } from './powershell';
import { finish, Omitted, words } from './draft';
import type { Facts } from './facts';
import type { RemedyKb } from './kb-port';
import { say } from './say';
import type { RemedyOptions } from './options';

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
      omitted.add(raw, say('omit.invalid', { reason: c.reason }));
      continue;
    }
    const d = c.value;
    if (isProviderSealer(d)) {
      omitted.add(d, say('arc.omit.provider', { i: inst ?? '?' }));
      continue;
    }
    const v = k.vendorByArcSealer(d);
    if (v && relayVendorIds.has(v.id)) {
      add({ domain: d, instance: inst, vendor: v.name, why: say(v.verified ? 'arc.header.sealer' : 'arc.header.sealerSeen', { i: inst ?? '?', domain: d, vendor: v.name }) });
    } else if (v) {
      omitted.add(d, say('arc.omit.senderSide', { vendor: v.name }));
    } else {
      omitted.add(d, say('arc.omit.unknown'));
    }
  }
  if (options.trustedSealers !== undefined) {
    for (const t of Array.isArray(options.trustedSealers) ? options.trustedSealers : [options.trustedSealers]) {
      const c = checkDomain(t, { what: 'sealer domain' });
      if (!c.ok) omitted.add(t, say('omit.invalid', { reason: c.reason }));
      else if (isProviderSealer(c.value)) omitted.add(c.value, say('arc.omit.providerGiven'));
      else add({ domain: c.value, why: say('arc.header.given', { domain: c.value }) });
    }
  }
  if (!sealers.length) return null;

  const domains = sealers.map((s) => s.domain);
  const append = `$sealers = @($sealers) + ${psList(domains)} | Sort-Object -Unique`;
  const header = [say('arc.header'), ...sealers.map((s) => s.why), say('arc.header.value')];
  const rollbackFilter = `$sealers = @((Get-ArcConfig).ArcTrustedSealers) -join ',' -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ -and $_ -notin @(${psList(domains)}) }`;

  const caveats = [say('arc.caveat.replaces'), say('arc.caveat.what'), say('arc.caveat.onlyNeeded')];
  const arcCheck = a.verification?.arc;
  if (arcCheck && Array.isArray(arcCheck.instances)) {
    const failed = arcCheck.instances.filter((i) => typeof i?.sealer === 'string' && domains.includes(i.sealer.toLowerCase()) && i.seal === 'fail');
    if (failed.length) caveats.unshift(say('arc.caveat.failed', { sealers: words(failed.map((i) => i.sealer!.toLowerCase())) }));
  } else {
    caveats.push(say('arc.caveat.notVerified'));
  }
  const fromVendors = sealers.filter((s) => s.vendor).map((s) => s.vendor!);
  return finish({
    id: 'arc-trusted-sealer',
    title: say(domains.length === 1 ? 'arc.title' : 'arc.titleMany', { domains: words(domains) }),
    language: 'powershell',
    header,
    body: [READ_SEALERS, append, SET_SEALERS],
    parameters: { arcTrustedSealers: domains, append: true },
    recommended: fromVendors.length > 0,
    fit: fromVendors.length > 0 ? 'recommended' : 'alternative',
    why: fromVendors.length ? say('arc.why.fits', { vendors: words(fromVendors), domains: words(domains) }) : say('arc.why.given', { domains: words(domains) }),
    caveats,
    preChecks: ['Get-ArcConfig | Format-List ArcTrustedSealers'],
    rollback: [rollbackFilter, EMPTY_GUARD, SET_SEALERS],
    verify: [say('arc.verify.oda', { domains: words(domains) }), say('arc.verify.compauth')],
    omitted,
  });
}
