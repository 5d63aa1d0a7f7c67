/**
 * Hand-built Analysis objects for the remedy tests, shaped like what the pipeline produces for the
 * real routes in DOMAIN.md (Proofpoint → EOP, Mimecast → EOP with Enhanced Filtering, Barracuda →
 * Gmail, a device straight to EOP, a phish straight to EOP). Only the fields the generators read are
 * filled with meaning; the rest are valid empties.
 */
import { efcState } from '../../../src/core/facts/conclude';
import type { Analysis, ArcSetInfo, Facts, Finding, Hop, MicrosoftHeaders, RelayFact, TrustBoundary, VendorMatch } from '../../../src/core/types';

const L = (n: number) => ({ startLine: n, endLine: n });

export function hop(index: number, p: Partial<Hop> & { from?: Hop['from']; by?: Hop['by'] }): Hop {
  return {
    index,
    fieldIndex: 20 - index,
    lines: L(40 - index * 3),
    from: p.from ?? {},
    by: p.by ?? {},
    tls: p.tls ?? { version: 'TLSv1.3' },
    timestamp: null,
    offsetMinutes: null,
    delayMs: null,
    clockSkew: false,
    role: p.role ?? 'unknown',
    stamps: [],
    unparsed: [],
    raw: p.raw ?? '',
    ...(p.vendor ? { vendor: p.vendor } : {}),
    ...(p.byOperator ? { byOperator: p.byOperator } : {}),
  };
}

export const PROOFPOINT: VendorMatch = {
  id: 'proofpoint',
  name: 'Proofpoint (PPS / Enterprise, hosted)',
  signals: [{ kind: 'rdns', detail: 'reverse DNS mx0b-00498f04.pphosted.com matches *.pphosted.com' }],
  confidence: 'strong',
};
export const MIMECAST: VendorMatch = {
  id: 'mimecast',
  name: 'Mimecast',
  signals: [{ kind: 'rdns', detail: 'reverse DNS us-smtp-inbound-delivery-1.mimecast.com matches *.mimecast.com' }],
  confidence: 'strong',
};
export const BARRACUDA: VendorMatch = {
  id: 'barracuda',
  name: 'Barracuda Email Security Service / Email Gateway Defense',
  signals: [{ kind: 'rdns', detail: 'reverse DNS d123456a.ess.barracudanetworks.com matches *.ess.barracudanetworks.com' }],
  confidence: 'strong',
};

export const CLOUDFLARE: VendorMatch = {
  id: 'cloudflare',
  name: 'Cloudflare Email Security (formerly Area 1)',
  signals: [{ kind: 'rdns', detail: 'host mailstream-east.mxrecord.io matches mailstream-*.mxrecord.io' }],
  confidence: 'strong',
};

export function boundary(p: Partial<TrustBoundary>): TrustBoundary {
  return {
    receiver: 'exchange-online',
    receiverName: 'Exchange Online',
    entryHopIndex: null,
    connectingIp: null,
    connectingHelo: null,
    relayHopIndexes: [],
    relayIps: [],
    originalSenderIp: null,
    originalSenderHopIndex: null,
    reasoning: [],
    evidence: [],
    ...p,
  };
}

export function microsoft(p: { cip?: string; sfv?: string; ipv?: string; scl?: number; skipListed?: string; externalOriginal?: string } = {}): MicrosoftHeaders {
  const m: MicrosoftHeaders = {
    forefront: { fieldIndex: 5, lines: L(10), untrusted: false, fields: [], cip: p.cip, sfv: p.sfv, ipv: p.ipv, scl: p.scl },
    org: { scl: p.scl },
    fields: [],
  };
  if (p.skipListed) m.skipListed = { ip: p.skipListed, helo: 'relay.example', fieldIndex: 6, lines: L(11) };
  if (p.externalOriginal) m.externalOriginal = { ip: p.externalOriginal, helo: 'mail.sender.example', fieldIndex: 7, lines: L(12) };
  return m;
}

/**
 * The facts the pipeline would have decided for a hand-built route: every relay address of the
 * boundary is a relay of the recipient with `strength` evidence (strong: the recipient's MX points
 * at it, as recorded DNS would show; weak: only a reverse-DNS name names its vendor).
 */
export function factsFor(b: TrustBoundary, hops: Hop[], strength: RelayFact['strength'] = 'strong', extra: Partial<Facts> = {}): Facts {
  const relays: RelayFact[] = b.relayIps.map((ip) => {
    const at = hops.findIndex((h) => h.from.ip === ip);
    const h = at >= 0 ? hops[at] : undefined;
    const vendor = h?.vendor && h.vendor.confidence === 'strong' ? { id: h.vendor.id, name: h.vendor.name.split(' (')[0] } : null;
    return {
      hopIndex: at >= 0 ? at : b.entryHopIndex ?? 0,
      ip,
      host: h?.from.rdns ?? h?.from.helo ?? null,
      hostIsHelo: !h?.from.rdns,
      vendor,
      evidence: [
        strength === 'strong'
          ? { kind: 'mx', strength: 'strong', detail: 'the MX of the recipient domain points at it' }
          : { kind: 'receiver-ptr', strength: 'weak', detail: 'the receiver recorded its reverse DNS' },
      ],
      strength,
      connecting: ip === b.connectingIp,
    } as RelayFact;
  });
  return {
    receiver: { kind: b.receiver, name: b.receiverName, org: null, newestHopIndex: hops.length ? hops.length - 1 : null, tenantId: null, consumer: false, consumerReason: null, cloud: b.receiver === 'exchange-online' ? 'worldwide' : null, acceptedDomains: [] },
    entry: { hopIndex: b.entryHopIndex, connectingIp: b.connectingIp, evaluatedIp: b.connectingIp, connectingHelo: b.connectingHelo, records: [], anchored: true, problem: null },
    segments: [],
    relays,
    originalSender: b.originalSenderHopIndex !== null ? { hopIndex: b.originalSenderHopIndex, ip: b.originalSenderIp, host: null } : null,
    senderTenant: null,
    intermediaries: [],
    nonLinear: null,
    ownDomains: { domains: [], source: 'none' },
    efc: { state: 'not-applicable', recoveredIp: null, why: '', evidence: [] },
    verdict: { class: 'unknown', kind: null, summary: '', breakHopIndex: null, brokenBy: null, reasons: [], evidence: [] },
    reasoning: [],
    ...extra,
  };
}

/**
 * An Analysis from parts. Unless `facts` is given, the facts are derived from the boundary and the
 * hops each time they are read, so a test that edits the boundary (relay addresses, vendors) edits
 * what the generators see, as the facts step would have decided it.
 */
export function analysis(p: Partial<Analysis> & { boundary: TrustBoundary; hops: Hop[] }): Analysis {
  const a = build(p);
  if (!p.facts) {
    Object.defineProperty(a, 'facts', {
      enumerable: true,
      configurable: true,
      get: () => {
        const f = factsFor(a.boundary, a.hops);
        // the Enhanced Filtering state as the pipeline decides it, from this analysis' headers
        f.efc = efcState({ microsoft: a.microsoft, headers: a.headers, hops: a.hops, facts: f } as Analysis);
        return f;
      },
      set: (v: Facts) => Object.defineProperty(a, 'facts', { value: v, enumerable: true, configurable: true, writable: true }),
    });
  }
  return a;
}

function build(p: Partial<Analysis> & { boundary: TrustBoundary; hops: Hop[] }): Analysis {
  return {
    facts: p.facts as Facts,
    schemaVersion: 1,
    tool: { name: 'mailflow-lens', version: '0.0.0-test' },
    input: { byteLength: 1000, lineCount: 60, eol: 'CRLF', mixedEol: false, hasSeparator: true, bodyStartLine: 50, bodyStartByte: 900, headersOnly: false },
    summary: p.summary ?? { to: ['alice@contoso.com'], cc: [], recipients: ['alice@contoso.com'], from: 'Bob <bob@fabrikam.example>', fromDomain: 'fabrikam.example' },
    headers: [],
    stamps: [],
    authResults: [],
    receivedSpf: [],
    dkimSignatures: [],
    arcSets: p.arcSets ?? [],
    microsoft: p.microsoft === undefined ? microsoft() : p.microsoft,
    vendors: p.vendors ?? [],
    verification: p.verification ?? null,
    findings: p.findings ?? [],
    remedies: p.remedies ?? [],
    problems: [],
    ...p,
  };
}

export function finding(id: string, remedies: string[]): Finding {
  return { id, severity: 'error', message: id, hopIndex: null, evidence: [], explanation: id, remedies };
}

/**
 * Sender → Proofpoint (mx0b-00498f04.pphosted.com, internal pps.filterd hop on 127.0.0.1) → EOP.
 * One public relay hop in front of Microsoft 365.
 */
export function proofpointToEop(extra: Partial<Analysis> = {}, ms: Parameters<typeof microsoft>[0] = { cip: '148.163.138.245', sfv: 'NSPM', scl: 1 }): Analysis {
  const hops = [
    hop(0, { from: { helo: 'mail.fabrikam.example', rdns: 'mail.fabrikam.example', ip: '203.0.113.77' }, by: { host: 'mx0b-00498f04.pphosted.com' }, role: 'gateway', vendor: PROOFPOINT, byOperator: 'vendor' }),
    hop(1, { from: { helo: 'pps.filterd', rdns: 'm0167090.ppops.net', ip: '127.0.0.1' }, by: { host: 'mx0b-00498f04.pphosted.com' }, role: 'gateway', vendor: PROOFPOINT, byOperator: 'vendor' }),
    hop(2, {
      from: { helo: 'mx0b-00498f04.pphosted.com', rdns: 'mx0b-00498f04.pphosted.com', ip: '148.163.138.245' },
      by: { host: 'BL02EPF0002992D.mail.protection.outlook.com' },
      role: 'receiver-edge',
      vendor: PROOFPOINT,
      byOperator: 'microsoft365',
    }),
    hop(3, { from: { helo: 'BL02EPF0002992D.namprd13.prod.outlook.com', ip: '2603:10b6:208:3a0::13' }, by: { host: 'SA1PR13MB6648.namprd13.prod.outlook.com' }, role: 'receiver-internal', byOperator: 'microsoft365' }),
  ];
  return analysis({
    hops,
    boundary: boundary({
      entryHopIndex: 2,
      connectingIp: '148.163.138.245',
      connectingHelo: 'mx0b-00498f04.pphosted.com',
      relayHopIndexes: [0, 1],
      relayIps: ['148.163.138.245'],
      originalSenderIp: '203.0.113.77',
      originalSenderHopIndex: 0,
    }),
    microsoft: microsoft(ms),
    vendors: [PROOFPOINT],
    ...extra,
  });
}

/**
 * Sender → Cloudflare Email Security (mailstream-east.mxrecord.io, 104.30.40.17, inside the
 * 104.30.32.0/19 egress range Cloudflare publishes) → EOP. One public relay hop.
 */
export function cloudflareToEop(extra: Partial<Analysis> = {}): Analysis {
  const hops = [
    hop(0, { from: { helo: 'mail.fabrikam.example', rdns: 'mail.fabrikam.example', ip: '203.0.113.77' }, by: { host: 'mailstream-east.mxrecord.io' }, role: 'gateway', vendor: CLOUDFLARE, byOperator: 'vendor' }),
    hop(1, {
      from: { helo: 'mailstream-east.mxrecord.io', rdns: 'mailstream-east.mxrecord.io', ip: '104.30.40.17' },
      by: { host: 'CH2PEPF0000013F.mail.protection.outlook.com' },
      role: 'receiver-edge',
      vendor: CLOUDFLARE,
      byOperator: 'microsoft365',
    }),
  ];
  return analysis({
    hops,
    boundary: boundary({
      entryHopIndex: 1,
      connectingIp: '104.30.40.17',
      connectingHelo: 'mailstream-east.mxrecord.io',
      relayHopIndexes: [0],
      relayIps: ['104.30.40.17'],
      originalSenderIp: '203.0.113.77',
      originalSenderHopIndex: 0,
    }),
    microsoft: microsoft({ cip: '104.30.40.17', sfv: 'SPM', scl: 5 }),
    vendors: [CLOUDFLARE],
    ...extra,
  });
}

/** Sender → Proofpoint → on-premises Exchange (mail.contoso.com, 198.51.100.20) → EOP: two public relay hops. */
export function proofpointOnPremToEop(extra: Partial<Analysis> = {}): Analysis {
  const hops = [
    hop(0, { from: { helo: 'mail.fabrikam.example', rdns: 'mail.fabrikam.example', ip: '203.0.113.77' }, by: { host: 'mx0a-00498f04.pphosted.com' }, role: 'gateway', vendor: PROOFPOINT, byOperator: 'vendor' }),
    hop(1, { from: { helo: 'mx0a-00498f04.pphosted.com', rdns: 'mx0a-00498f04.pphosted.com', ip: '148.163.135.20' }, by: { host: 'mail.contoso.com' }, role: 'gateway', vendor: PROOFPOINT, byOperator: 'other' }),
    hop(2, { from: { helo: 'mail.contoso.com', rdns: 'mail.contoso.com', ip: '198.51.100.20' }, by: { host: 'DM6NAM11FT012.mail.protection.outlook.com' }, role: 'receiver-edge', byOperator: 'microsoft365' }),
  ];
  return analysis({
    hops,
    boundary: boundary({
      entryHopIndex: 2,
      connectingIp: '198.51.100.20',
      connectingHelo: 'mail.contoso.com',
      relayHopIndexes: [0, 1],
      relayIps: ['148.163.135.20', '198.51.100.20'],
      originalSenderIp: '203.0.113.77',
      originalSenderHopIndex: 0,
    }),
    microsoft: microsoft({ cip: '198.51.100.20', sfv: 'SPM', scl: 5 }),
    vendors: [PROOFPOINT],
    ...extra,
  });
}

/** Mimecast → EOP with Enhanced Filtering working (ExternalOriginalInternetSender present). */
export function mimecastEfcActive(ms: Parameters<typeof microsoft>[0] = { cip: '207.211.31.120', skipListed: '203.0.113.77', externalOriginal: '203.0.113.77', sfv: 'NSPM', scl: 1 }): Analysis {
  const hops = [
    hop(0, { from: { helo: 'mail.fabrikam.example', rdns: 'mail.fabrikam.example', ip: '203.0.113.77' }, by: { host: 'relay.mimecast.com' }, role: 'gateway', vendor: MIMECAST, byOperator: 'vendor' }),
    hop(1, {
      from: { helo: 'us-smtp-inbound-delivery-1.mimecast.com', rdns: 'us-smtp-inbound-delivery-1.mimecast.com', ip: '207.211.31.120' },
      by: { host: 'CY4PEPF0000EE3A.mail.protection.outlook.com' },
      role: 'receiver-edge',
      vendor: MIMECAST,
      byOperator: 'microsoft365',
    }),
  ];
  return analysis({
    hops,
    boundary: boundary({
      entryHopIndex: 1,
      connectingIp: '207.211.31.120',
      connectingHelo: 'us-smtp-inbound-delivery-1.mimecast.com',
      relayHopIndexes: [0],
      relayIps: ['207.211.31.120'],
      originalSenderIp: '203.0.113.77',
      originalSenderHopIndex: 0,
    }),
    microsoft: microsoft(ms),
    vendors: [MIMECAST],
  });
}

/** Sender → Barracuda ESS (d123456a.ess.barracudanetworks.com, 209.222.82.10) → Gmail. */
export function barracudaToGmail(extra: Partial<Analysis> = {}): Analysis {
  const hops = [
    hop(0, { from: { helo: 'mail.fabrikam.example', rdns: 'mail.fabrikam.example', ip: '203.0.113.77' }, by: { host: 'd123456a.ess.barracudanetworks.com' }, role: 'gateway', vendor: BARRACUDA, byOperator: 'vendor' }),
    hop(1, {
      from: { helo: 'd123456a.ess.barracudanetworks.com', rdns: 'd123456a.ess.barracudanetworks.com', ip: '209.222.82.10' },
      by: { host: 'mx.google.com' },
      role: 'receiver-edge',
      vendor: BARRACUDA,
      byOperator: 'google',
    }),
    hop(2, { from: {}, by: { host: '2002:a05:6358:7e0a:b0:1a2:3b4:5c6' }, role: 'receiver-internal', byOperator: 'google' }),
  ];
  return analysis({
    hops,
    boundary: boundary({
      receiver: 'gmail',
      receiverName: 'Gmail',
      entryHopIndex: 1,
      connectingIp: '209.222.82.10',
      connectingHelo: 'd123456a.ess.barracudanetworks.com',
      relayHopIndexes: [0],
      relayIps: ['209.222.82.10'],
      originalSenderIp: '203.0.113.77',
      originalSenderHopIndex: 0,
    }),
    microsoft: null,
    vendors: [BARRACUDA],
    summary: { to: ['alice@contoso.com'], cc: [], recipients: ['alice@contoso.com'], from: 'Bob <bob@fabrikam.example>', fromDomain: 'fabrikam.example' },
    ...extra,
  });
}

/** A scanner in the office (NAT 198.51.100.25) sending as scanner@contoso.com straight to EOP. */
export function deviceToEop(extra: Partial<Analysis> = {}): Analysis {
  const hops = [
    hop(0, { from: { helo: 'MFP-3F', ip: '198.51.100.25' }, by: { host: 'CO1PEPF000044F0.mail.protection.outlook.com' }, role: 'receiver-edge', byOperator: 'microsoft365', tls: null }),
  ];
  return analysis({
    hops,
    boundary: boundary({
      entryHopIndex: 0,
      connectingIp: '198.51.100.25',
      connectingHelo: 'MFP-3F',
      originalSenderIp: '198.51.100.25',
      originalSenderHopIndex: 0,
    }),
    microsoft: microsoft({ cip: '198.51.100.25', sfv: 'SPM', scl: 5 }),
    summary: { to: ['finance@contoso.com'], cc: [], recipients: ['finance@contoso.com'], from: 'Scanner <scanner@contoso.com>', fromDomain: 'contoso.com' },
    findings: [finding('relay-device-spf', ['device-relay-connector', 'spf-record-relay'])],
    ...extra,
  });
}

/** A phish sent straight to contoso-com.mail.protection.outlook.com, claiming a Proofpoint HELO. */
export function phishDirect(extra: Partial<Analysis> = {}): Analysis {
  const hops = [
    hop(0, {
      from: { helo: 'mx0a-00498f04.pphosted.com', rdns: 'vps-41.hosting.example', ip: '192.0.2.66' },
      by: { host: 'BN8NAM11FT058.mail.protection.outlook.com' },
      role: 'receiver-edge',
      byOperator: 'microsoft365',
    }),
  ];
  return analysis({
    hops,
    boundary: boundary({ entryHopIndex: 0, connectingIp: '192.0.2.66', connectingHelo: 'mx0a-00498f04.pphosted.com', originalSenderIp: '192.0.2.66', originalSenderHopIndex: 0 }),
    microsoft: microsoft({ cip: '192.0.2.66', sfv: 'SPM', scl: 6 }),
    summary: { to: ['alice@contoso.com'], cc: [], recipients: ['alice@contoso.com'], from: 'IT <it@contoso.com>', fromDomain: 'contoso.com' },
    findings: [finding('direct-to-tenant', ['lockdown-connector'])],
    ...extra,
  });
}

export function arcSet(instance: number, domain: string, selector = 'arcselector'): ArcSetInfo {
  return {
    instance,
    seal: { fieldIndex: 30 - instance, lines: L(instance), domain, selector, cv: instance === 1 ? 'none' : 'pass', tags: { tags: {}, order: [], problems: [] } },
  };
}
