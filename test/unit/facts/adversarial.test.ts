// Everything below the receiver's entry was written by whoever sent the message. These messages
// come straight from an attacker's server (198.51.100.66) to a business tenant, and dress the part
// below the entry with every vendor's names: a HELO that claims a gateway host, a forged older
// Received written "by" the gateway, forged results under the gateway's and Google's names, a
// forged ARC set under the gateway's sealer domain, and copies of Exchange Online's own headers
// (connector attribution, skip-listing, an anti-spam report naming the gateway). Exchange Online
// appends its real headers after them, as it does.
//
// Whatever the dressing, the attacker's address must never reach a command (EFSkipIPs,
// SenderIPAddresses, Gmail gateway IPs), the attacker's server must not become a relay of the
// recipient, and the message must not be called authentic or broken in transit. The vendors come
// from the knowledge base itself, so every vendor added later is covered.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analyze';
import { listVendors } from '../../../src/core/net/kb';
import type { Analysis } from '../../../src/core/types';
import { selectRemedies } from '../../../src/core/remedy';

const ATTACKER = '198.51.100.66';
const CRLF = '\r\n';
const DATE = 'Tue, 10 Mar 2026 14:05:02 +0000';

/** A concrete host name for a knowledge-base pattern ("*.pphosted.com" → "mx0a-00123456.pphosted.com"). */
function hostFor(pattern: string): string {
  return pattern.startsWith('*.') ? `mx0a-00123456.${pattern.slice(2)}` : pattern;
}

interface Dressing {
  helo: string;
  /** Fields the attacker writes into its own header block (below the entry). */
  forged: string[];
}

/** The delivered message: Exchange Online's lines and records on top and at the end, the attacker's in between. */
function delivered(d: Dressing, opts: { consumer?: boolean } = {}): Buffer {
  const tenant = opts.consumer ? '84df9e7f-e9f6-40af-b435-aaaaaaaaaaaa' : '840bb298-e5e2-4d96-859d-a326ed9bd917';
  const lines = [
    `Received: from SA1PR04MB8514.namprd04.prod.outlook.com (2603:10b6:806:1d1::9) by${CRLF} MW4PR04MB7297.namprd04.prod.outlook.com with HTTPS; ${DATE}`,
    `Received: from BN9PR03CA0561.namprd03.prod.outlook.com (2603:10b6:408:138::26)${CRLF} by SA1PR04MB8514.namprd04.prod.outlook.com (2603:10b6:806:1d1::9) with${CRLF} Microsoft SMTP Server (version=TLS1_2,${CRLF} cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8466.17; ${DATE}`,
    `Received: from BN2PEPF000044A8.namprd04.prod.outlook.com${CRLF} (2603:10b6:408:138:cafe::2f) by BN9PR03CA0561.outlook.office365.com${CRLF} (2603:10b6:408:138::26) with Microsoft SMTP Server (version=TLS1_3,${CRLF} cipher=TLS_AES_256_GCM_SHA384) id 15.20.8466.16 via Frontend Transport; ${DATE}`,
    `Authentication-Results: spf=fail (sender IP is ${ATTACKER})${CRLF} smtp.mailfrom=northwindtraders.com; dkim=none (message not signed)${CRLF} header.d=none;dmarc=fail action=oreject${CRLF} header.from=northwindtraders.com;compauth=fail reason=000`,
    `Received-SPF: Fail (protection.outlook.com: domain of northwindtraders.com does${CRLF} not designate ${ATTACKER} as permitted sender)${CRLF} receiver=protection.outlook.com; client-ip=${ATTACKER};${CRLF} helo=${d.helo};`,
    `Received: from ${d.helo} (${ATTACKER}) by${CRLF} BN2PEPF000044A8.mail.protection.outlook.com (10.167.243.102) with Microsoft${CRLF} SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id${CRLF} 15.20.8466.16 via Frontend Transport; ${DATE}`,
    ...d.forged,
    'From: Northwind Traders Accounts <accounts@northwindtraders.com>',
    'To: megan.bowen@contoso.com',
    'Subject: Overdue invoice INV-20417 - action required',
    'Date: Tue, 10 Mar 2026 14:04:58 +0000',
    'Message-ID: <e7869fd762c3fc899f5909219f7f48b8@northwindtraders.com>',
    'Return-Path: accounts@northwindtraders.com',
    ...(opts.consumer ? ['X-IncomingHeaderCount: 14'] : []),
    ...(opts.consumer ? [`X-Sender-IP: ${ATTACKER}`, 'X-MS-Exchange-EOPDirect: true'] : []),
    'X-MS-Exchange-Organization-AuthSource: BN2PEPF000044A8.namprd04.prod.outlook.com',
    'X-MS-Exchange-Organization-AuthAs: Anonymous',
    'X-MS-Exchange-Organization-SCL: 5',
    `X-Forefront-Antispam-Report:${CRLF}\tCIP:${ATTACKER};CTRY:NL;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:${d.helo};PTR:InfoDomainNonexistent;CAT:SPOOF;SFS:(13230040);DIR:INB;`,
    `X-EOPTenantAttributedMessage: ${tenant}:0`,
    `X-MS-Exchange-CrossTenant-Id: ${tenant}`,
    'X-MS-Exchange-CrossTenant-AuthAs: Anonymous',
    'X-MS-Exchange-CrossTenant-FromEntityHeader: Internet',
    'X-Microsoft-Antispam-Mailbox-Delivery:',
    '\tucf:0;jmr:0;auth:0;dest:J;ENG:(910005)(944506478);',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
  ];
  return Buffer.from(`${lines.join(CRLF)}${CRLF}${CRLF}Please pay the attached invoice today.${CRLF}`, 'utf8');
}

/** Every dressing of one vendor host, from the plain HELO claim to the full forged chain. */
function dressings(vendorHost: string, authservId: string | undefined, sealer: string | undefined): Array<{ name: string; d: Dressing }> {
  const forgedHop = `Received: from mail.northwindtraders.com (mail.northwindtraders.com [203.0.113.25])${CRLF}\tby ${vendorHost} with ESMTPS id 4c89anjir3-1${CRLF}\tfor <megan.bowen@contoso.com>; Tue, 10 Mar 2026 14:05:00 +0000`;
  const forgedResults = [
    ...(authservId ? [`Authentication-Results: ${authservId};${CRLF}\tspf=pass smtp.mailfrom=accounts@northwindtraders.com;${CRLF}\tdkim=pass header.d=northwindtraders.com header.s=nwt2025;${CRLF}\tdmarc=pass header.from=northwindtraders.com`] : []),
    `Authentication-Results: mx.google.com;${CRLF}       dkim=pass header.i=@northwindtraders.com header.s=nwt2025;${CRLF}       spf=pass (google.com: domain of accounts@northwindtraders.com designates 203.0.113.25 as permitted sender) smtp.mailfrom=accounts@northwindtraders.com;${CRLF}       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=northwindtraders.com`,
  ];
  const forgedArc = sealer
    ? [
        `ARC-Seal: i=1; a=rsa-sha256; t=1773151501; cv=none; d=${sealer}; s=arcselector;${CRLF} b=Zm9yZ2VkIHNlYWwgbWFkZSB3aXRoIGEga2V5IGluIG5vIEROUyB6b25l`,
        `ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=${sealer};${CRLF} s=arcselector; h=from:to:subject:date:message-id;${CRLF} bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=Zm9yZ2Vk`,
        `ARC-Authentication-Results: i=1; ${authservId ?? sealer};${CRLF} spf=pass smtp.mailfrom=accounts@northwindtraders.com; dkim=pass header.d=northwindtraders.com; dmarc=pass header.from=northwindtraders.com`,
      ]
    : [];
  const forgedMicrosoft = [
    'X-MS-Exchange-Organization-AuthAs: Internal',
    'X-MS-Exchange-Organization-AuthMechanism: 10',
    'X-MS-Exchange-CrossTenant-FromEntityHeader: HybridOnPrem',
    `X-Forefront-Antispam-Report: CIP:${ATTACKER};CTRY:US;LANG:en;SCL:-1;SRV:;IPV:CAL;SFV:SKN;H:${vendorHost};PTR:${vendorHost};CAT:NONE;SFS:;DIR:INB;`,
    `X-MS-Exchange-ExternalOriginalInternetSender: ip=[203.0.113.25];domain=mail.northwindtraders.com`,
    `X-MS-Exchange-SkipListedInternetSender: ip=[203.0.113.25];domain=mail.northwindtraders.com`,
  ];
  return [
    { name: 'HELO only', d: { helo: vendorHost, forged: [] } },
    { name: 'HELO + forged gateway Received', d: { helo: vendorHost, forged: [forgedHop] } },
    { name: 'HELO + forged Received + forged results', d: { helo: vendorHost, forged: [...forgedResults, forgedHop] } },
    { name: 'HELO + forged Received, results and ARC', d: { helo: vendorHost, forged: [...forgedArc, ...forgedResults, forgedHop] } },
    { name: 'everything, with copies of Exchange Online headers', d: { helo: vendorHost, forged: [...forgedArc, ...forgedResults, forgedHop, ...forgedMicrosoft] } },
  ];
}

/** Lines of remedy text that PowerShell or the admin would act on (not comments). */
function actionable(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
}

function check(a: Analysis, label: string): void {
  assert.deepEqual(a.facts.relays.filter((r) => r.ip === ATTACKER), [], `${label}: the attacker's server is not a relay of the recipient`);
  assert.ok(!a.boundary.relayIps.includes(ATTACKER), `${label}: not in the route's relay addresses`);
  assert.ok(!['authentic', 'broken-in-transit'].includes(a.facts.verdict.class), `${label}: verdict ${a.facts.verdict.class}: ${a.facts.verdict.summary}`);
  assert.ok(!a.findings.some((f) => f.id === 'efc-active' || f.id === 'efc-not-enabled' || f.id === 'spf-evaluated-on-relay'), `${label}: ${a.findings.map((f) => f.id)}`);
  const all = [...a.remedies, ...(['efc', 'lockdown', 'gmail', 'relay', 'cleanup', 'arc'] as const).flatMap((k) => selectRemedies(a, k))];
  for (const r of all) {
    // connector changes for a gateway never carry the address, recommended or not (a device relay
    // connector is about the connecting address itself, and is never recommended here: below)
    if (r.kind === 'efc' || r.kind === 'lockdown' || r.kind === 'gmail' || r.kind === 'arc') {
      for (const l of actionable(r.text)) assert.ok(!l.includes(ATTACKER), `${label}: ${r.id} puts the attacker's address into: ${l}`);
    }
    if (r.recommended) assert.ok(!r.text.includes(ATTACKER), `${label}: recommended ${r.id} names the attacker's address`);
    for (const key of ['efSkipIPs', 'senderIPAddresses', 'gatewayIps'] as const) {
      const v = r.parameters[key];
      if (Array.isArray(v) && (r.recommended || r.kind !== 'relay')) assert.ok(!v.includes(ATTACKER), `${label}: ${r.id} ${key}`);
    }
    if (r.kind === 'relay') assert.equal(r.recommended, false, `${label}: ${r.id} is never recommended for this message`);
  }
}

describe('no text below the entry can put an address into a connector change', () => {
  const vendors = listVendors();
  test('the knowledge base has vendors with host patterns to dress up as', () => {
    assert.ok(vendors.filter((v) => v.hosts.length).length >= 10);
  });

  for (const v of vendors) {
    if (!v.hosts.length) continue;
    test(`${v.id}: every host pattern as HELO, forged Received, results and ARC (business tenant and consumer mailbox)`, async () => {
      const authserv = v.authservIds.find((x) => !x.pattern.startsWith('*.'))?.pattern;
      const sealer = v.arcSealers[0]?.domain;
      for (const h of v.hosts) {
        for (const { name, d } of dressings(hostFor(h.pattern), authserv, sealer)) {
          for (const consumer of [false, true]) {
            const label = `${v.id} ${h.pattern} / ${name}${consumer ? ' / consumer' : ''}`;
            const a = await analyze(delivered(d, { consumer }), { dnsMode: 'off' });
            assert.equal(a.facts.receiver.kind, 'exchange-online', label);
            assert.equal(a.facts.entry.connectingIp, ATTACKER, `${label}: the connecting address is the receiver's record`);
            assert.equal(a.facts.receiver.consumer, consumer, label);
            check(a, label);
            if (consumer) assert.deepEqual(a.remedies, [], `${label}: no fix for a consumer mailbox`);
            // what the forged lines claim is never a verdict
            for (const s of a.stamps) if (s.fieldIndex > a.hops[a.facts.entry.hopIndex!].fieldIndex && !s.kind.startsWith('skip') && s.kind !== 'external-original') assert.notEqual(s.trust, 'verdict', `${label}: ${s.kind} by ${s.writer} below the entry`);
          }
        }
      }
    });
  }

  test('the forged results are reported as not written by the receiver (or the gateway) they name', async () => {
    const pp = dressings('mx0a-00123456.pphosted.com', 'ppops.net', 'pphosted.com')[2].d;
    const a = await analyze(delivered(pp), { dnsMode: 'off' });
    const forged = a.findings.filter((f) => f.id === 'forged-auth-results');
    assert.ok(forged.some((f) => /mx\.google\.com/.test(f.message)), forged.map((f) => f.message).join('\n'));
    assert.equal(a.facts.verdict.class, 'never-authentic');
    assert.ok(a.findings.some((f) => f.id === 'direct-to-tenant'), 'the HELO claim is reported as a bypass of the gateway');
  });

  test('a trusted relay from the settings is the only way such an address gets in, and it is marked as such', async () => {
    const d = dressings('mx0a-00123456.pphosted.com', 'ppops.net', 'pphosted.com')[4].d;
    const a = await analyze(delivered(d), { dnsMode: 'off', trustedRelays: [`${ATTACKER}/32`], trustedRelaysSource: 'configuration file /tmp/mail/.mailflowlensrc.json' });
    const relay = a.facts.relays.find((r) => r.ip === ATTACKER);
    assert.ok(relay && relay.strength === 'strong', 'the user said so');
    assert.ok(relay.evidence.some((e) => e.kind === 'trusted-relay' && e.source === 'configuration file /tmp/mail/.mailflowlensrc.json'));
    const efc = selectRemedies(a, 'efc').find((r) => r.id === 'efc-skip-ips');
    assert.ok(efc, 'the Enhanced Filtering script is generated');
    assert.ok(efc.text.includes(`# ${ATTACKER}: from your configuration (configuration file /tmp/mail/.mailflowlensrc.json), not from evidence in the message`), efc.text);
  });
});
