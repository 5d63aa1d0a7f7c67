import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HeaderField } from '../../../src/core/types';
import {
  FOREFRONT_FIELDS,
  compauthMeaning,
  decodeMicrosoftHeaders,
  forefrontFieldMeaning,
  microsoftHeaderMeaning,
  splitMicrosoftPairs,
} from '../../../src/core/parse/microsoft';

/**
 * Build HeaderField objects from a header block (LF line ends, folded lines start with WSP). Only
 * what the decoder reads is filled in realistically: index, name, key, value, unfolded, lines.
 */
function fieldsOf(block: string): HeaderField[] {
  const lines = block.split('\n');
  const out: HeaderField[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && out.length > 0) {
      const f = out[out.length - 1];
      f.value += '\n' + line;
      f.unfolded = f.value.replace(/\r?\n/g, '').trim();
      f.decoded = f.unfolded;
      f.lines.endLine = i;
      continue;
    }
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1);
    out.push({
      index: out.length,
      name,
      key: name.toLowerCase(),
      value,
      unfolded: value.trim(),
      decoded: value.trim(),
      lines: { startLine: i, endLine: i },
      bytes: { start: 0, end: 0 },
    });
  }
  return out;
}

// Proofpoint in front of Exchange Online (shapes of SAMPLE-62062619630; recipient side).
const PROOFPOINT_TO_EXO = `Authentication-Results: spf=pass (sender IP is 148.163.138.245)
 smtp.mailfrom=ford.com; dkim=pass (signature was verified)
 header.d=ford.com;dmarc=pass action=none header.from=ford.com;compauth=pass
 reason=100
Received-SPF: Pass (protection.outlook.com: domain of ford.com designates
 148.163.138.245 as permitted sender) receiver=protection.outlook.com;
 client-ip=148.163.138.245; helo=mx0b-00498f04.pphosted.com; pr=C
Authentication-Results-Original: ppops.net;    spf=pass smtp.mailfrom=jdoe@ford.com
X-MS-Exchange-Organization-ExpirationStartTime: 04 Jun 2026 21:49:44.8262
 (UTC)
X-MS-Exchange-Organization-ExpirationStartTimeReason: OriginalSubmit
X-MS-Exchange-Organization-Network-Message-Id: 6b1d3a53-2f4f-4b8e-7c2d-08dc84e1a5b2
X-EOPAttributedMessage: 0
X-MS-Exchange-Organization-MessageDirectionality: Incoming
X-MS-Exchange-Organization-AuthSource: BL02EPF0002992D.namprd02.prod.outlook.com
X-MS-Exchange-Organization-AuthAs: Anonymous
X-MS-PublicTrafficType: Email
X-OriginatorOrg: ford.com
X-MS-Exchange-Organization-SCL: 1
X-Microsoft-Antispam: BCL:0;ARA:13230040|1800799024|82310400026;
X-Forefront-Antispam-Report: CIP:148.163.138.245;CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:mx0b-00498f04.pphosted.com;PTR:mx0b-00498f04.pphosted.com;CAT:NONE;SFS:(13230040)(1800799024)(82310400026);DIR:INB;SFP:1101;
X-MS-Exchange-CrossTenant-OriginalArrivalTime: 04 Jun 2026 21:49:44.8262
 (UTC)
X-MS-Exchange-CrossTenant-Network-Message-Id: 6b1d3a53-2f4f-4b8e-7c2d-08dc84e1a5b2
X-MS-Exchange-CrossTenant-Id: 0c33cce8-883c-4ba5-b615-34a6e2b8ff38
X-MS-Exchange-CrossTenant-OriginalAttributedTenantConnectingIp: TenantId=0c33cce8-883c-4ba5-b615-34a6e2b8ff38;Ip=[148.163.138.245];Helo=[mx0b-00498f04.pphosted.com]
X-MS-Exchange-CrossTenant-AuthSource: BL02EPF0002992D.namprd02.prod.outlook.com
X-MS-Exchange-CrossTenant-AuthAs: Anonymous
X-MS-Exchange-CrossTenant-FromEntityHeader: Internet
X-MS-Exchange-Transport-CrossTenantHeadersStamped: SA1PR02MB8560
X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:I;ENG:(910001)(944506478)(944626604)(920097)(930097);
Subject: Quarterly report
From: John Doe <jdoe@ford.com>`;

// Hybrid on-premises to Exchange Online (SAMPLE-28881202271).
const HYBRID = `X-MS-Exchange-Organization-ExpirationInterval: 1:00:00:00.0000000
X-MS-Exchange-Organization-Network-Message-Id: c2c59630-7983-4fca-f50a-08d91ca68a48
X-EOPAttributedMessage: 0
X-MS-Exchange-Organization-MessageDirectionality: Originating
X-MS-Exchange-Organization-AuthSource: G2W6310.americas.hpqcorp.net
X-MS-Exchange-Organization-AuthAs: Internal
X-MS-Exchange-Organization-AuthMechanism: 10
X-CrossPremisesHeadersPromoted: BN8NAM11FT058.eop-nam11.prod.protection.outlook.com
X-OriginatorOrg: hpe.onmicrosoft.com
X-MS-Exchange-Organization-SCL: -1
X-Microsoft-Antispam: BCL:0;
X-Forefront-Antispam-Report: CIP:15.211.195.18;CTRY:US;LANG:en;SCL:-1;SRV:;IPV:NLI;SFV:SKI;H:G9W8455.americas.hpqcorp.net;PTR:InfoDomainNonexistent;CAT:NONE;SFS:;DIR:INB;
X-MS-Exchange-CrossTenant-OriginalAttributedTenantConnectingIp: TenantId=105b2061-b669-4b31-92ac-24d304d195dc;Ip=[15.211.195.18];Helo=[G9W8455.americas.hpqcorp.net]
X-MS-Exchange-CrossTenant-AuthAs: Internal
X-MS-Exchange-CrossTenant-FromEntityHeader: HybridOnPrem
X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:I;ENG:(750129)(520002050)(706158)(944506458)(944626604);`;

describe('decodeMicrosoftHeaders: a Proofpoint-fronted Exchange Online message', () => {
  const ms = decodeMicrosoftHeaders(fieldsOf(PROOFPOINT_TO_EXO));

  test('forefront top-level fields', () => {
    assert.ok(ms && ms.forefront);
    const ff = ms.forefront;
    assert.equal(ff.untrusted, false);
    assert.equal(ff.cip, '148.163.138.245');
    assert.equal(ff.country, 'US');
    assert.equal(ff.helo, 'mx0b-00498f04.pphosted.com');
    assert.equal(ff.ptr, 'mx0b-00498f04.pphosted.com');
    assert.equal(ff.scl, 1);
    assert.equal(ff.sfv, 'NSPM');
    assert.equal(ff.ipv, 'NLI');
    assert.equal(ff.cat, 'NONE');
    assert.equal(ff.dir, 'INB');
    assert.equal(ff.fieldIndex, 14);
    assert.deepEqual(ff.lines, { startLine: 20, endLine: 20 });
    assert.equal(ms.forefrontUntrusted, undefined);
  });

  test('every forefront pair kept in order, with meanings where documented', () => {
    const ff = ms!.forefront!;
    assert.deepEqual(
      ff.fields.map((f) => f.key),
      ['CIP', 'CTRY', 'LANG', 'SCL', 'SRV', 'IPV', 'SFV', 'H', 'PTR', 'CAT', 'SFS', 'DIR', 'SFP'],
    );
    const sfv = ff.fields.find((f) => f.key === 'SFV');
    assert.match(sfv!.meaning!, /not spam/);
    const ipv = ff.fields.find((f) => f.key === 'IPV');
    assert.match(ipv!.meaning!, /not on any reputation list/);
    const sfs = ff.fields.find((f) => f.key === 'SFS');
    assert.equal(sfs!.value, '(13230040)(1800799024)(82310400026)');
    assert.ok(ff.fields.every((f) => typeof f.meaning === 'string'));
  });

  test('antispam BCL and mailbox delivery', () => {
    assert.equal(ms!.antispam!.bcl, 0);
    assert.equal(ms!.antispam!.pcl, undefined);
    assert.equal(ms!.antispam!.fields.find((f) => f.key === 'ARA')!.value, '13230040|1800799024|82310400026');
    assert.equal(ms!.mailboxDelivery!.dest, 'I');
    assert.equal(ms!.mailboxDelivery!.destMeaning, 'Inbox');
    const keys = ms!.mailboxDelivery!.fields.map((f) => f.key);
    assert.deepEqual(keys, ['ucf', 'jmr', 'auth', 'dest', 'ENG']);
    assert.equal(ms!.mailboxDelivery!.fields.find((f) => f.key === 'ucf')!.meaning, undefined);
  });

  test('compauth from the id-less Authentication-Results (folded reason)', () => {
    assert.deepEqual(
      { result: ms!.compauth!.result, reason: ms!.compauth!.reason, fieldIndex: ms!.compauth!.fieldIndex },
      { result: 'pass', reason: '100', fieldIndex: 0 },
    );
    assert.match(ms!.compauth!.meaning!, /^100: passed/);
    assert.deepEqual(ms!.compauth!.lines, { startLine: 0, endLine: 3 });
  });

  test('org headers and cross-tenant connecting IP', () => {
    assert.deepEqual(ms!.org, {
      authAs: 'Anonymous',
      authSource: 'BL02EPF0002992D.namprd02.prod.outlook.com',
      scl: 1,
      directionality: 'Incoming',
    });
    assert.deepEqual(
      {
        tenantId: ms!.crossTenantConnecting!.tenantId,
        ip: ms!.crossTenantConnecting!.ip,
        helo: ms!.crossTenantConnecting!.helo,
      },
      { tenantId: '0c33cce8-883c-4ba5-b615-34a6e2b8ff38', ip: '148.163.138.245', helo: 'mx0b-00498f04.pphosted.com' },
    );
    assert.equal(ms!.originatorOrg, 'ford.com');
    assert.equal(ms!.skipListed, undefined);
    assert.equal(ms!.externalOriginal, undefined);
  });

  test('fields collects the Organization-* and CrossTenant-* family only, with meanings', () => {
    const names = ms!.fields.map((f) => f.key);
    assert.ok(names.every((n) => /^X-MS-Exchange-(Organization|CrossTenant)-/.test(n)), names.join(','));
    assert.equal(names.length, 14);
    const authAs = ms!.fields.find((f) => f.key === 'X-MS-Exchange-Organization-AuthAs')!;
    assert.match(authAs.meaning!, /outside the organisation/);
    const arrival = ms!.fields.find((f) => f.key === 'X-MS-Exchange-CrossTenant-OriginalArrivalTime')!;
    assert.equal(arrival.value, '04 Jun 2026 21:49:44.8262 (UTC)');
    assert.equal(arrival.lines.endLine, arrival.lines.startLine + 1);
    const from = ms!.fields.find((f) => f.key === 'X-MS-Exchange-CrossTenant-FromEntityHeader')!;
    assert.match(from.meaning!, /not confirmed/);
  });
});

describe('decodeMicrosoftHeaders: hybrid on-premises (AuthMechanism 10, SFV:SKI)', () => {
  const ms = decodeMicrosoftHeaders(fieldsOf(HYBRID))!;

  test('org fields with community-sourced AuthMechanism meaning', () => {
    assert.equal(ms.org.authAs, 'Internal');
    assert.equal(ms.org.authMechanism, '10');
    assert.match(ms.org.authMechanismMeaning!, /externally secured/);
    assert.match(ms.org.authMechanismMeaning!, /community-sourced/);
    assert.equal(ms.org.scl, -1);
    assert.equal(ms.org.directionality, 'Originating');
  });

  test('forefront SKI, PTR InfoDomainNonexistent, SCL -1', () => {
    const ff = ms.forefront!;
    assert.equal(ff.sfv, 'SKI');
    assert.equal(ff.scl, -1);
    assert.equal(ff.ptr, 'InfoDomainNonexistent');
    assert.match(ff.fields.find((f) => f.key === 'PTR')!.meaning!, /no reverse DNS/);
    assert.match(ff.fields.find((f) => f.key === 'SFV')!.meaning!, /intra-organisation/);
    assert.match(ff.fields.find((f) => f.key === 'SCL')!.meaning!, /skipped/);
    assert.equal(ff.fields.find((f) => f.key === 'SFS')!.value, '');
  });

  test('no compauth without an EOP Authentication-Results', () => {
    assert.equal(ms.compauth, undefined);
    assert.equal(ms.crossTenantConnecting!.helo, 'G9W8455.americas.hpqcorp.net');
  });
});

describe('decodeMicrosoftHeaders: trusted vs -Untrusted reports', () => {
  const untrustedLine =
    'X-Forefront-Antispam-Report-Untrusted: CIP:255.255.255.255; CTRY:; LANG:en;\n SCL:1; SRV:; IPV:NLI; SFV:NSPM; H:AM0PR08MB3268.eurprd08.prod.outlook.com;\n PTR:; CAT:NONE;\n SFS:(4636009)(346002)(376002); DIR:OUT; SFP:1101;';
  const trustedLine =
    'X-Forefront-Antispam-Report: CIP:2a01:111:f403:c200::1;CTRY:;LANG:en;SCL:1;SRV:;IPV:CAL;SFV:SKN;H:EUR05-AM6-obe.outbound.protection.outlook.com;PTR:mail-am6eur05on2001.outbound.protection.outlook.com;CAT:NONE;SFS:;DIR:INB;';

  test('both present: trusted one on top, untrusted kept separately', () => {
    const ms = decodeMicrosoftHeaders(fieldsOf(`${trustedLine}\n${untrustedLine}`))!;
    assert.equal(ms.forefront!.untrusted, false);
    assert.equal(ms.forefront!.cip, '2a01:111:f403:c200::1');
    assert.equal(ms.forefront!.ipv, 'CAL');
    assert.match(ms.forefront!.fields.find((f) => f.key === 'IPV')!.meaning!, /Allow List/);
    assert.equal(ms.forefrontUntrusted!.untrusted, true);
    assert.equal(ms.forefrontUntrusted!.cip, '255.255.255.255');
    assert.equal(ms.forefrontUntrusted!.helo, 'AM0PR08MB3268.eurprd08.prod.outlook.com');
    assert.equal(ms.forefrontUntrusted!.country, undefined);
    assert.equal(ms.forefrontUntrusted!.dir, 'OUT');
  });

  test('only the untrusted one: used, flagged untrusted', () => {
    const ms = decodeMicrosoftHeaders(fieldsOf(untrustedLine))!;
    assert.equal(ms.forefront!.untrusted, true);
    assert.equal(ms.forefront!.cip, '255.255.255.255');
    assert.equal(ms.forefront!.scl, 1);
  });

  test('several trusted reports: the one appended last (Exchange Online appends its own) wins, whatever the array order', () => {
    const fields = fieldsOf(
      'X-Forefront-Antispam-Report: CIP:203.0.113.5;SFV:SPM;SCL:5;\nX-Forefront-Antispam-Report: CIP:198.51.100.9;SFV:NSPM;SCL:1;',
    );
    const ms = decodeMicrosoftHeaders([fields[1], fields[0]])!;
    assert.equal(ms.forefront!.cip, '198.51.100.9');
    assert.equal(ms.forefront!.fieldIndex, 1);
  });

  test('with X-IncomingHeaderCount, only the tenant headers appended after the last one are the receiver\'s', () => {
    // a sender's (or injected) copy above the marker, Exchange Online's own below it
    const fields = fieldsOf(
      [
        'X-Forefront-Antispam-Report: CIP:203.0.113.5;SFV:NSPM;SCL:1;',
        'X-MS-Exchange-Organization-AuthAs: Internal',
        'X-MS-Exchange-CrossTenant-Id: 11111111-2222-3333-4444-555555555555',
        'X-IncomingHeaderCount: 14',
        'X-Sender-IP: 198.51.100.9',
        'X-MS-Exchange-Organization-AuthAs: Anonymous',
        'X-Forefront-Antispam-Report: CIP:198.51.100.9;SFV:SPM;SCL:5;',
        'X-MS-Exchange-CrossTenant-Id: 84df9e7f-e9f6-40af-b435-aaaaaaaaaaaa',
      ].join('\n'),
    );
    const ms = decodeMicrosoftHeaders(fields)!;
    assert.equal(ms.forefront!.cip, '198.51.100.9');
    assert.equal(ms.org.authAs, 'Anonymous');
    assert.equal(ms.senderIp?.ip, '198.51.100.9');
    assert.equal(ms.crossTenantId?.tenantId, '84df9e7f-e9f6-40af-b435-aaaaaaaaaaaa');
    // without the marker the injected copy alone is not taken for the receiver's when a later one exists
    const noMarker = decodeMicrosoftHeaders(fields.filter((f) => f.key !== 'x-incomingheadercount'))!;
    assert.equal(noMarker.org.authAs, 'Anonymous');
  });
});

describe('X-Forefront-Antispam-Report pair splitting', () => {
  test('spaces after ";", (null), ";;", missing final ";", IPv6 CIP split on the first ":"', () => {
    const { pairs } = splitMicrosoftPairs(
      'CIP:2a01:111:f403::1; CTRY:(null);;LANG:en; SCL:5;SRV:BULK;(null);SFV:SPM; H:mail.example.com; CAT:BULK;SFTY:9.25; UNKNOWNX:7',
    );
    assert.deepEqual(pairs, [
      { key: 'CIP', value: '2a01:111:f403::1' },
      { key: 'CTRY', value: '' },
      { key: 'LANG', value: 'en' },
      { key: 'SCL', value: '5' },
      { key: 'SRV', value: 'BULK' },
      { key: 'SFV', value: 'SPM' },
      { key: 'H', value: 'mail.example.com' },
      { key: 'CAT', value: 'BULK' },
      { key: 'SFTY', value: '9.25' },
      { key: 'UNKNOWNX', value: '7' },
    ]);
  });

  test('unknown fields kept without meaning, undocumented values flagged', () => {
    const ms = decodeMicrosoftHeaders(fieldsOf('X-Forefront-Antispam-Report: CIP:192.0.2.44;SFV:ZZZ;MLV:sfv;CAT:PHSH;SFTY:9.19;DIR:INT;'))!;
    const f = (k: string) => ms.forefront!.fields.find((x) => x.key === k)!;
    assert.equal(f('MLV').meaning, undefined);
    assert.equal(f('MLV').value, 'sfv');
    assert.match(f('SFV').meaning!, /"ZZZ" is not a documented value/);
    assert.match(f('CAT').meaning!, /phishing/);
    assert.match(f('SFTY').meaning!, /domain impersonation/);
    assert.match(f('DIR').meaning!, /internal/);
  });

  test('forefrontFieldMeaning covers every documented SFV value and is case-insensitive on the key', () => {
    const expected: Record<string, RegExp> = {
      BLK: /Blocked Senders/,
      NSPM: /not spam/,
      SFE: /Safe Senders/,
      SKA: /allow list/,
      SKB: /block list/,
      SKN: /not-spam before/,
      SKQ: /quarantine/,
      SKS: /spam before/,
      SPM: /found the message to be spam/,
      SKI: /intra-organisation/,
      DMS: /tenant settings/,
    };
    for (const [v, re] of Object.entries(expected)) assert.match(forefrontFieldMeaning('sfv', v)!, re, v);
    assert.match(forefrontFieldMeaning('SRV', 'BULK')!, /bulk/);
    assert.match(forefrontFieldMeaning('SFTY', '9.20')!, /user impersonation/);
    assert.match(forefrontFieldMeaning('ctry', 'DE')!, /Country/);
    assert.match(forefrontFieldMeaning('CIP', '192.0.2.1')!, /gateway/);
    assert.match(forefrontFieldMeaning('SCL', '7')!, /7 on a scale of 0 to 9/);
    assert.match(forefrontFieldMeaning('SCL', 'x')!, /not a valid level/);
    assert.equal(forefrontFieldMeaning('NOPE', '1'), undefined);
    for (const cat of ['AMP', 'BIMP', 'BULK', 'DIMP', 'FTBP', 'GIMP', 'HPHSH', 'HPHISH', 'HSPM', 'INTOS', 'MALW', 'OSPM', 'PHSH', 'SAP', 'SPM', 'SPOOF', 'UIMP']) {
      assert.ok(FOREFRONT_FIELDS.CAT.values![cat], cat);
    }
  });

  test('an invalid CIP is not promoted to the top level', () => {
    const ms = decodeMicrosoftHeaders(fieldsOf('X-Forefront-Antispam-Report: CIP:010.1.1.1;SCL:12;'))!;
    assert.equal(ms.forefront!.cip, undefined);
    assert.equal(ms.forefront!.scl, undefined);
    assert.equal(ms.forefront!.fields[0].value, '010.1.1.1');
  });
});

describe('skip-listing headers', () => {
  test('IPv4 with HELO "User", both headers', () => {
    const ms = decodeMicrosoftHeaders(
      fieldsOf(
        'X-EOPAttributedMessage: 0\nX-MS-Exchange-SkipListedInternetSender: ip=[45.14.71.5];domain=User\nX-MS-Exchange-ExternalOriginalInternetSender: ip=[45.14.71.5];domain=User',
      ),
    )!;
    assert.deepEqual(ms.skipListed, { ip: '45.14.71.5', helo: 'User', fieldIndex: 1, lines: { startLine: 1, endLine: 1 } });
    assert.deepEqual(ms.externalOriginal, { ip: '45.14.71.5', helo: 'User', fieldIndex: 2, lines: { startLine: 2, endLine: 2 } });
  });

  test('IPv6 folded after ";" is normalised', () => {
    const ms = decodeMicrosoftHeaders(
      fieldsOf('X-MS-Exchange-SkipListedInternetSender: ip=[2603:10A6:10:4B5:0:0:0:21];\n domain=DUZPR01CA0248.eurprd01.prod.exchangelabs.com'),
    )!;
    assert.equal(ms.skipListed!.ip, '2603:10a6:10:4b5::21');
    assert.equal(ms.skipListed!.helo, 'DUZPR01CA0248.eurprd01.prod.exchangelabs.com');
    assert.deepEqual(ms.skipListed!.lines, { startLine: 0, endLine: 1 });
    assert.equal(ms.externalOriginal, undefined);
  });

  test('an invalid address is dropped, the HELO kept', () => {
    const ms = decodeMicrosoftHeaders(fieldsOf('X-MS-Exchange-SkipListedInternetSender: ip=[300.1.2.3];domain=mx.example.net'))!;
    assert.equal(ms.skipListed!.ip, undefined);
    assert.equal(ms.skipListed!.helo, 'mx.example.net');
  });
});

describe('compauth', () => {
  test('compauthMeaning covers the HDR 2025 table', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['fail', '000', /explicit failure/],
      ['fail', '001', /implicit failure/],
      ['fail', '002', /admin policy/],
      ['fail', '010', /your own accepted domains/],
      ['pass', '109', /^109: passed composite/],
      ['pass', '130', /trusted ARC sealer/],
      ['pass', '701', /passed composite/],
      ['softpass', '201', /soft-passed/],
      ['none', '399', /not checked/],
      ['none', '451', /bypassed/],
      ['none', '905', /bypassed/],
      ['fail', '601', /intra-org spoofing/],
    ];
    for (const [r, code, re] of cases) {
      const m = compauthMeaning(r, code);
      assert.match(m, re, `${r} ${code}`);
      assert.doesNotMatch(m, /note:/, `${r} ${code}`);
    }
  });

  test('mismatch, unknown and missing codes', () => {
    assert.match(compauthMeaning('pass', '001'), /note: the table pairs this code with compauth=fail/);
    assert.match(compauthMeaning('fail', '512'), /not in Microsoft's published table/);
    assert.match(compauthMeaning('fail', 'abc'), /not a three-digit code/);
    assert.match(compauthMeaning('fail'), /treats the message as spoofed/);
    assert.match(compauthMeaning('weird'), /not a documented value/);
  });

  test('X-MS-Exchange-Authentication-Results is used when Authentication-Results has no compauth', () => {
    const ms = decodeMicrosoftHeaders(
      fieldsOf(
        'Authentication-Results: mx.google.com; spf=pass smtp.mailfrom=a@example.com\nX-MS-Exchange-Authentication-Results: spf=pass (sender IP is 40.107.22.52)\n smtp.mailfrom=arm.com; dkim=none (message not signed) header.d=none;dmarc=pass\n action=none header.from=arm.com;compauth=pass reason=100',
      ),
    )!;
    assert.equal(ms.compauth!.result, 'pass');
    assert.equal(ms.compauth!.fieldIndex, 1);
  });

  test('an Authentication-Results with an authserv-id is never read as EOP compauth', () => {
    const ms = decodeMicrosoftHeaders(
      fieldsOf('Authentication-Results: mx.attacker.example; compauth=pass reason=100\nX-MS-Has-Attach: '),
    )!;
    assert.equal(ms.compauth, undefined);
  });

  test('the topmost EOP Authentication-Results wins', () => {
    const ms = decodeMicrosoftHeaders(
      fieldsOf(
        'Authentication-Results: spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=contoso.com; dmarc=fail action=oreject header.from=contoso.com;compauth=fail reason=000\nAuthentication-Results: spf=pass smtp.mailfrom=contoso.com;compauth=pass reason=100',
      ),
    )!;
    assert.equal(ms.compauth!.reason, '000');
    assert.match(ms.compauth!.meaning!, /explicit failure/);
  });
});

describe('decodeMicrosoftHeaders: absence and hostile input', () => {
  test('null when no Microsoft header is present', () => {
    const fields = fieldsOf(
      'Received: from mail-wm1-f45.google.com (mail-wm1-f45.google.com [209.85.128.45])\n by mx.example.org with ESMTPS\nAuthentication-Results: mx.google.com; spf=pass smtp.mailfrom=a@gmail.com\nFrom: a@gmail.com',
    );
    assert.equal(decodeMicrosoftHeaders(fields), null);
    assert.equal(decodeMicrosoftHeaders([]), null);
    assert.equal(decodeMicrosoftHeaders(undefined as unknown as HeaderField[]), null);
  });

  test('an EOP Authentication-Results alone counts as a Microsoft header', () => {
    const ms = decodeMicrosoftHeaders(fieldsOf('Authentication-Results: spf=none smtp.mailfrom=a.com; compauth=none reason=405'));
    assert.ok(ms);
    assert.match(ms.compauth!.meaning!, /bypassed/);
  });

  test('1 MB report with thousands of ";" and pairs is capped, never throws', () => {
    const semis = decodeMicrosoftHeaders(fieldsOf('X-Forefront-Antispam-Report: ' + ';'.repeat(1_000_000)))!;
    assert.deepEqual(semis.forefront!.fields, []);
    const many = decodeMicrosoftHeaders(fieldsOf('X-Forefront-Antispam-Report: CIP:192.0.2.1;' + 'SFS:(1);'.repeat(100_000)))!;
    assert.equal(many.forefront!.cip, '192.0.2.1');
    assert.equal(many.forefront!.fields.length, 1001);
    assert.equal(many.forefront!.fields[1000].key, '…');
    const colons = decodeMicrosoftHeaders(fieldsOf('X-Microsoft-Antispam: ' + ':'.repeat(1_000_000)))!;
    assert.equal(colons.antispam!.fields.length, 1);
    assert.equal(colons.antispam!.bcl, undefined);
    const big = decodeMicrosoftHeaders(
      fieldsOf('X-MS-Exchange-SkipListedInternetSender: ip=[' + '1'.repeat(1_000_000) + '];domain=x'),
    )!;
    assert.equal(big.skipListed!.ip, undefined);
  });

  test('microsoftHeaderMeaning for hovers', () => {
    assert.match(microsoftHeaderMeaning('X-MS-Exchange-SkipListedInternetSender')!, /Enhanced Filtering/);
    assert.match(microsoftHeaderMeaning('X-MS-Exchange-Organization-AuthMechanism', '04')!, /Exchange-authenticated/);
    assert.match(microsoftHeaderMeaning('x-ms-exchange-organization-scl', '-1')!, /skipped/);
    assert.match(microsoftHeaderMeaning('Authentication-Results-Original')!, /claim/);
    assert.equal(microsoftHeaderMeaning('X-Mailer'), undefined);
  });
});
