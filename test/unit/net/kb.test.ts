import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KB_PROBLEMS,
  PROVIDER_HOSTS,
  PROVIDER_RANGES,
  VENDORS,
  classifyHostOperator,
  detectVendor,
  detectVendors,
  ipInfo,
  listVendors,
  lookupProviderByHost,
  lookupProviderByIp,
  normalizeHost,
  providerRangesForIp,
  vendorByArcSealer,
  vendorByAuthservId,
  vendorByDkimDomain,
  vendorByHeaderName,
  vendorByHost,
  vendorByIp,
  vendorByUrlHost,
  vendorInfo,
  vendorsByHeaderName,
} from '../../../src/core/net/kb';
import { parseIpSpec } from '../../../src/core/net/ip';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function assertDated(what: string, x: { source: string; asOf: string }) {
  assert.ok(x.source && x.source.trim().length > 3, `${what}: source`);
  assert.match(x.asOf, DATE, `${what}: asOf`);
  assert.equal(new Date(`${x.asOf}T00:00:00Z`).toISOString().slice(0, 10), x.asOf, `${what}: real date`);
}

describe('knowledge-base data', () => {
  test('every entry compiled', () => {
    assert.deepEqual(KB_PROBLEMS, []);
  });

  test('every provider range and host pattern has a source and a date', () => {
    for (const r of PROVIDER_RANGES) {
      assertDated(r.range, r);
      const s = parseIpSpec(r.range);
      assert.ok(s && s.kind === 'cidr' && s.text === r.range, `${r.range} canonical CIDR`);
    }
    for (const h of PROVIDER_HOSTS) assertDated(h.pattern, h);
  });

  test('every vendor fact has a source, a date and a verified flag', () => {
    for (const v of VENDORS) {
      assertDated(v.id, v);
      const facts = [
        ...v.hosts,
        ...v.headers,
        ...v.authservIds,
        ...v.arcSealers,
        ...v.dkimDomains,
        ...v.ipRanges,
        ...v.urlRewrites,
        ...v.modifications,
        ...v.spfIncludes,
        ...(v.spamHeader ? [v.spamHeader] : []),
      ];
      for (const f of facts) {
        assertDated(`${v.id} ${JSON.stringify(f).slice(0, 60)}`, f);
        assert.equal(typeof f.verified, 'boolean');
      }
    }
  });

  test('vendor ids are unique and cover the gateways of DOMAIN.md §5', () => {
    const ids = VENDORS.map((v) => v.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of [
      'proofpoint',
      'proofpoint-essentials',
      'mimecast',
      'barracuda',
      'cisco',
      'messagelabs',
      'trendmicro',
      'sophos',
      'hornetsecurity',
      'forcepoint',
      'fortinet',
      'spamtitan',
      'libraesva',
      'appriver',
      'avanan',
      'seppmail',
    ]) {
      assert.ok(ids.includes(id), id);
    }
    assert.equal(listVendors().length, VENDORS.length);
  });

  test('a vendor range is published only with the vendor page that lists it and its date; the rest are observed', () => {
    const ranges = VENDORS.flatMap((v) => v.ipRanges.map((r) => ({ id: v.id, ...r })));
    assert.ok(ranges.length > 0);
    const published = ranges.filter((r) => r.status === 'published');
    // Cloudflare Email Security publishes its egress ranges ("Egress IPs")
    assert.ok(published.some((r) => r.id === 'cloudflare'), 'Cloudflare publishes its egress ranges');
    for (const r of published) {
      assert.match(r.url ?? '', /^https:\/\//, `${r.id} ${r.range}: the page that publishes it`);
      assert.match(r.asOf, /^\d{4}-\d{2}-\d{2}$/, `${r.id} ${r.range}: when it was read`);
    }
    for (const r of ranges.filter((x) => x.status !== 'published')) {
      assert.equal(r.status, 'observed', `${r.id} ${r.range}`);
      assert.equal(r.url, undefined, `${r.id} ${r.range}: an observed range names no vendor page`);
    }
  });

  test('data is frozen: callers cannot change the knowledge base', () => {
    const pp = vendorInfo('proofpoint');
    assert.ok(pp);
    assert.ok(Object.isFrozen(pp));
    assert.ok(Object.isFrozen(pp.arcSealers[0]));
    assert.throws(() => {
      (pp.hosts as unknown as string[]).push('x');
    });
  });
});

describe('provider ranges', () => {
  test('Exchange Online Protection IPv4 (40.107/16, 52.100/14, 104.47/17)', () => {
    for (const ip of ['40.107.22.51', '52.100.147.12', '104.47.58.100', '40.92.18.7']) {
      const m = lookupProviderByIp(ip);
      assert.equal(m?.id, 'microsoft365', ip);
      assert.equal(m?.list, 'endpoint-set', ip);
      assert.match(m?.source ?? '', /learn\.microsoft\.com/);
    }
    assert.equal(lookupProviderByIp('40.107.22.51')?.range, '40.107.0.0/16');
    assert.equal(lookupProviderByIp('52.100.147.12')?.range, '52.100.0.0/14');
  });

  test('Exchange Online Protection IPv6 (2a01:111:f403::/48)', () => {
    const m = lookupProviderByIp('2a01:111:f403:c200::1');
    assert.equal(m?.id, 'microsoft365');
    assert.equal(m?.range, '2a01:111:f403::/48');
    assert.equal(lookupProviderByIp('[IPv6:2A01:111:F400:7E1B::205]')?.id, 'microsoft365');
    assert.equal(lookupProviderByIp('2a01:111:f404::1'), undefined);
  });

  test('the SPF split is kept alongside the endpoint set: 52.103.128.0/17 is not in SPF', () => {
    const inSpf = (ip: string) => providerRangesForIp(ip).some((m) => m.list === 'spf');
    assert.equal(inSpf('52.103.5.1'), true);
    assert.equal(inSpf('52.103.130.1'), false);
    assert.equal(lookupProviderByIp('52.103.130.1')?.range, '52.100.0.0/14');
    assert.deepEqual(
      providerRangesForIp('40.107.1.1').map((m) => m.list),
      ['endpoint-set', 'spf'],
    );
  });

  test('the 40.95.0.0/16 relay pool is marked secondary', () => {
    const m = lookupProviderByIp('40.95.4.4');
    assert.equal(m?.id, 'microsoft365');
    assert.equal(m?.list, 'relay-pool');
    assert.equal(m?.secondary, true);
    assert.equal(lookupProviderByIp('40.107.1.1')?.secondary, undefined);
  });

  test('internal Microsoft IPv6 hops seen in Received', () => {
    const m = lookupProviderByIp('2603:10a6:910:13::9');
    assert.equal(m?.id, 'microsoft365');
    assert.equal(m?.purpose, 'Microsoft datacenter (internal hop)');
    assert.match(m?.source ?? '', /real messages/);
    assert.equal(lookupProviderByIp('2603:10b6:208:c0::40')?.list, 'internal');
  });

  test('Google: current SPF first, legacy netblocks second', () => {
    const m = lookupProviderByIp('209.85.220.41');
    assert.equal(m?.id, 'google');
    assert.equal(m?.range, '209.85.128.0/17');
    assert.equal(m?.list, 'spf');
    assert.equal(m?.asOf, '2026-04-28');
    assert.equal(lookupProviderByIp('2607:f8b0:4864:20::52a')?.id, 'google');
    const legacy = lookupProviderByIp('172.217.1.1');
    assert.equal(legacy?.id, 'google');
    assert.equal(legacy?.list, 'legacy-spf');
    assert.equal(lookupProviderByIp('209.85.127.255'), undefined);
  });

  test('other addresses belong to no provider', () => {
    for (const ip of ['148.163.138.245', '207.211.31.120', '192.0.2.1', '10.1.2.3', '8.8.8.8', '2001:db8::1']) {
      assert.equal(lookupProviderByIp(ip), undefined, ip);
    }
    assert.equal(lookupProviderByIp('010.107.1.1'), undefined);
    assert.equal(lookupProviderByIp('x'.repeat(10_000)), undefined);
    assert.deepEqual(providerRangesForIp('garbage'), []);
  });

  test('ipInfo: class and provider', () => {
    assert.deepEqual(ipInfo('40.107.22.51'), {
      ip: '40.107.22.51',
      version: 4,
      class: 'public',
      provider: {
        id: 'microsoft365',
        name: 'Microsoft 365 (Exchange Online)',
        range: '40.107.0.0/16',
        source: lookupProviderByIp('40.107.22.51')?.source,
      },
    });
    assert.deepEqual(ipInfo('[10.167.249.58]'), { ip: '10.167.249.58', version: 4, class: 'private' });
    assert.equal(ipInfo('::ffff:209.85.220.41')?.provider?.id, 'google');
    assert.equal(ipInfo('::ffff:209.85.220.41')?.version, 4);
    assert.equal(ipInfo('2603:10a6:910:13::9')?.class, 'public');
    assert.equal(ipInfo('127.1'), undefined);
  });

  test('ipInfo reports no vendor for a range only observed in samples', () => {
    const info = ipInfo('148.163.138.245');
    assert.equal(info?.class, 'public');
    assert.equal(info?.vendor, undefined);
    assert.equal(info?.provider, undefined);
  });
});

describe('provider hosts', () => {
  const cases: Array<[string, string, string]> = [
    ['hubstream-mx.mail.protection.outlook.com', 'microsoft365', '*.mail.protection.outlook.com'],
    ['BL02EPF0002992D.mail.protection.outlook.com', 'microsoft365', '*.mail.protection.outlook.com'],
    ['domain-dk.l-v1.mx.microsoft', 'microsoft365', '*.mx.microsoft'],
    ['mail-switzerlandnorthazlp17012048.outbound.protection.outlook.com', 'microsoft365', '*.outbound.protection.outlook.com'],
    ['BN8NAM11FT058.eop-nam11.prod.protection.outlook.com', 'microsoft365', '*.prod.protection.outlook.com'],
    ['ZRAP278MB0029.CHEP278.PROD.OUTLOOK.COM', 'microsoft365', '*.prod.outlook.com'],
    ['AM6PR04CA0001.outlook.office365.com', 'microsoft365', '*.outlook.office365.com'],
    ['mx.google.com', 'google', 'mx.google.com'],
    ['gmr-mx.google.com', 'google', 'gmr-mx.google.com'],
    ['mail-sor-f41.google.com', 'google', '*.google.com'],
    ['mail-yw1-f172.googlemail.com', 'google', '*.googlemail.com'],
    ['wm1-f54.1e100.net', 'google', '*.1e100.net'],
  ];
  for (const [host, id, pattern] of cases) {
    test(`${host} -> ${pattern}`, () => {
      const m = lookupProviderByHost(host);
      assert.equal(m?.id, id);
      assert.equal(m?.pattern, pattern);
      assert.ok(m?.source);
    });
  }

  test('case-insensitive, one trailing dot tolerated', () => {
    assert.equal(lookupProviderByHost('MX.GOOGLE.COM.')?.pattern, 'mx.google.com');
    assert.equal(lookupProviderByHost('mx.google.com..'), undefined);
  });

  test('look-alikes do not match', () => {
    for (const h of [
      'google.com',
      'evilgoogle.com',
      'mx.google.com.evil.net',
      'google.com.evil.net',
      'evilprotection.outlook.com',
      'protection.outlook.com.attacker.example',
      'mail.protection.outlook.co',
      'x.mx.microsoft.evil',
      'outlook.com',
    ]) {
      assert.equal(lookupProviderByHost(h), undefined, h);
    }
  });

  test('classifyHostOperator', () => {
    assert.equal(classifyHostOperator('BL02EPF0002992D.mail.protection.outlook.com'), 'microsoft365');
    assert.equal(classifyHostOperator('mx.google.com'), 'google');
    assert.equal(classifyHostOperator('mx0b-00498f04.pphosted.com'), 'vendor');
    assert.equal(classifyHostOperator('us-smtp-inbound-delivery-1.mimecast.com'), 'vendor');
    assert.equal(classifyHostOperator('mail.fabrikam.com'), 'other');
    assert.equal(classifyHostOperator('[192.0.2.1]'), 'other');
    assert.equal(classifyHostOperator(''), 'other');
  });
});

describe('normalizeHost', () => {
  test('lower-cases, strips one trailing dot, rejects what is not a DNS name', () => {
    assert.equal(normalizeHost(' Mx0B-00498F04.PPHOSTED.COM. '), 'mx0b-00498f04.pphosted.com');
    for (const h of ['', '.', 'a..b', '.a.b', '[192.0.2.1]', 'unknown host', 'a/b.com', 'mx.pph\u043ested.com', 'x.\uff50phosted.com', 'x'.repeat(254)]) {
      assert.equal(normalizeHost(h), undefined, JSON.stringify(h).slice(0, 40));
    }
    assert.equal(normalizeHost(`${'a'.repeat(64)}.example.com`), undefined);
    assert.equal(normalizeHost(`${'a'.repeat(63)}.example.com`), `${'a'.repeat(63)}.example.com`);
    assert.equal(normalizeHost(42), undefined);
  });

  test('Unicode that lower-cases to ASCII (KELVIN SIGN) is rejected, not folded', () => {
    assert.equal('\u212a'.toLowerCase(), 'k');
    assert.equal(normalizeHost('d123456a.ess.barracudanetwor\u212as.com'), undefined);
    assert.equal(vendorByHost('d123456a.ess.barracudanetwor\u212as.com'), undefined);
  });
});

describe('vendor lookups', () => {
  test('vendorByHost', () => {
    const cases: Array<[string, string]> = [
      ['mx0b-00498f04.pphosted.com', 'proofpoint'],
      ['m0123456.ppops.net', 'proofpoint'],
      ['mx1-us1.ppe-hosted.com', 'proofpoint-essentials'],
      ['us-smtp-inbound-delivery-1.mimecast.com', 'mimecast'],
      ['relay.mimecast.com', 'mimecast'],
      ['d123456a.ess.barracudanetworks.com', 'barracuda'],
      ['esa6.microchip.iphmx.com', 'cisco'],
      ['server-3.tower-585.messagelabs.com', 'messagelabs'],
      ['inpre01.tmes.trendmicro.com', 'trendmicro'],
      ['mx-01-eu-west-1.prod.hydra.sophos.com', 'sophos'],
      ['mx-gate13-hz2.hornetsecurity.com', 'hornetsecurity'],
      ['mx01.mxtls.expurgate.net', 'hornetsecurity'],
      ['hz-m365gate01.de.seppmail.cloud', 'seppmail'],
    ];
    for (const [h, id] of cases) assert.equal(vendorByHost(h)?.id, id, h);
    assert.equal(vendorByHost('mx0b-00498f04.pphosted.com')?.matched, '*.pphosted.com');
    assert.equal(vendorByHost('cluster-a.mailcontrol.com')?.verified, false);
  });

  test('the vendors the expert review asked for are recognised from what their mail shows', () => {
    // host names as they appear in Received fields and MX records
    const hosts: Array<[string, string]> = [
      ['mailstream-east.mxrecord.io', 'cloudflare'],
      ['mailstream-bom.mxrecord.mx', 'cloudflare'],
      ['za-smtp-inbound-1.mimecast.co.za', 'mimecast'],
      ['inpost02.tmes.trendmicro.eu', 'trendmicro'],
      ['mx-gate13-hz2.hornetsecurity.com', 'hornetsecurity'],
      ['mx01.retarus.com', 'retarus'],
      ['smtp2.mailroute.net', 'mailroute'],
    ];
    for (const [h, id] of hosts) assert.equal(vendorByHost(h)?.id, id, h);
    // header names a gateway writes on the delivered copy
    const headers: Array<[string, string]> = [
      ['X-KSMG-AntiSpam-Status', 'kaspersky'],
      ['X-KLMS-AntiSpam-Rate', 'kaspersky'],
      ['X-VADE-SPAMSTATE', 'vade'],
      ['X-SpamExperts-Class', 'mailassure'],
      ['X-Mlf-Version', 'sonicwall'],
    ];
    for (const [h, id] of headers) assert.ok(vendorsByHeaderName(h).some((v) => v.id === id), `${h}: ${vendorsByHeaderName(h).map((v) => v.id).join(', ')}`);
    // Trellix (formerly FireEye ETP): recognised by the header prefix a public header table gives
    assert.match(vendorInfo('fireeye')!.name, /Trellix/);
    assert.deepEqual(vendorInfo('fireeye')!.headers.map((h) => [h.name, h.match]), [['X-FireEye', 'prefix']]);
    // Hornetsecurity seals with ARC as d=hornetsecurity.com s=hse1
    assert.equal(vendorByArcSealer('hornetsecurity.com', 'hse1')?.id, 'hornetsecurity');
    // every record says where it comes from and when
    for (const id of ['cloudflare', 'kaspersky', 'fireeye', 'trendmicro', 'vade', 'sonicwall', 'retarus', 'mailroute', 'mailassure']) {
      const v = vendorInfo(id);
      assert.ok(v, id);
      assert.ok(v!.source.length > 10 && /^\d{4}-\d{2}-\d{2}$/.test(v!.asOf), id);
    }
  });

  test('look-alike names never match a vendor', () => {
    for (const h of [
      'evilpphosted.com',
      'pphosted.com',
      'x.pphosted.com.evil.net',
      'pphosted.com.evil.net',
      'mx0b-00498f04.pphosted-com.net',
      'mx0b.pphosted.co',
      'notmimecast.com',
      'relay.mimecast.com.attacker.example',
      'ess.barracudanetworks.com',
      'esa6.iphmx.com-evil.net',
      'messagelabs.com',
    ]) {
      assert.equal(vendorByHost(h), undefined, h);
    }
    // the same names done right do match (trailing dot, upper case)
    assert.equal(vendorByHost('Server-3.Tower-585.MessageLabs.com.')?.id, 'messagelabs');
    assert.equal(vendorByHost('x.pphosted.com')?.id, 'proofpoint');
  });

  test('hostile lengths and characters match nothing and do not throw', () => {
    const long = `${'a'.repeat(10_000)}.pphosted.com`;
    assert.equal(vendorByHost(long), undefined);
    assert.equal(lookupProviderByHost(`${'x.'.repeat(5000)}google.com`), undefined);
    assert.equal(vendorByHost(`${'a.'.repeat(126)}pphosted.com`), undefined); // 264 chars
    assert.equal(vendorByHost(`${'a.'.repeat(100)}pphosted.com`)?.id, 'proofpoint'); // 212 chars, many labels
    assert.equal(vendorByHost('mx0b\u0000.pphosted.com'), undefined);
    assert.equal(vendorByHost('mx0b.pphosted.com\u200b'), undefined);
    assert.equal(vendorByHeaderName(`X-Proofpoint-${'A'.repeat(10_000)}`), undefined);
    assert.equal(detectVendor({ rdns: long, byHost: long, helo: long, headerNames: [long], authservIds: [long], arcSealers: [long] }), undefined);
  });

  test('vendorByHeaderName: prefixes and exact names, case-insensitive', () => {
    assert.equal(vendorByHeaderName('X-Proofpoint-Spam-Details')?.id, 'proofpoint');
    assert.equal(vendorByHeaderName('x-proofpoint-virus-version')?.id, 'proofpoint');
    assert.equal(vendorByHeaderName('X-MC-Unique')?.id, 'mimecast');
    assert.equal(vendorByHeaderName('X-Mimecast-Spam-Score')?.id, 'mimecast');
    assert.equal(vendorByHeaderName('X-Barracuda-Spam-Status')?.id, 'barracuda');
    assert.equal(vendorByHeaderName('X-ASG-Debug-ID')?.id, 'barracuda');
    assert.equal(vendorByHeaderName('X-IronPort-AV')?.id, 'cisco');
    assert.equal(vendorByHeaderName('X-SBRS')?.id, 'cisco');
    assert.equal(vendorByHeaderName('X-StarScan-Version')?.id, 'messagelabs');
    assert.equal(vendorByHeaderName('X-TM-AS-Result')?.id, 'trendmicro');
    assert.equal(vendorByHeaderName('X-TMASE-Version')?.id, 'trendmicro');
    assert.equal(vendorByHeaderName('X-CLOUD-SEC-AV-Info')?.id, 'avanan');
    assert.equal(vendorByHeaderName('X-SEPP-Suspect')?.id, 'seppmail');
    // a prefix alone is not a field name that matches it
    assert.equal(vendorByHeaderName('X-Proofpoint-'), undefined);
    // not vendor headers
    for (const n of ['X-Spam-Status', 'X-MC', 'X-Mimecast', 'Received', 'X-Proofpointer', 'X-MS-Exchange-Organization-SCL', 'X-Proofpoint-Spam-Details:']) {
      assert.equal(vendorByHeaderName(n), undefined, n);
    }
  });

  test('generic header names come back flagged as supporting; shared ones list every vendor', () => {
    const hit = vendorByHeaderName('X-Policy');
    assert.equal(hit?.weight, 'supporting');
    assert.deepEqual(vendorsByHeaderName('X-Policy').map((h) => h.id).sort(), ['appriver', 'cisco']);
    assert.equal(vendorByHeaderName('X-Msg-Ref')?.weight, 'supporting');
    // Proofpoint Enterprise's strong claim comes before Essentials' supporting one
    assert.deepEqual(
      vendorsByHeaderName('X-Proofpoint-GUID').map((h) => [h.id, h.weight]),
      [
        ['proofpoint', 'strong'],
        ['proofpoint-essentials', 'supporting'],
      ],
    );
    // X-Note-AR-* (specific) beats X-Note* (generic)
    assert.equal(vendorByHeaderName('X-Note-AR-ScanTimeLocal')?.weight, 'strong');
  });

  test('vendorByAuthservId', () => {
    assert.equal(vendorByAuthservId('ppops.net')?.id, 'proofpoint');
    assert.equal(vendorByAuthservId('relay.mimecast.com')?.id, 'mimecast');
    assert.equal(vendorByAuthservId('mx-gate13-hz2.hornetsecurity.com')?.id, 'hornetsecurity');
    assert.equal(vendorByAuthservId('mx.google.com'), undefined);
    assert.equal(vendorByAuthservId('ppops.net.evil.example'), undefined);
  });

  test('vendorByArcSealer with selector check', () => {
    const pp = vendorByArcSealer('pphosted.com', 'arcselector');
    assert.equal(pp?.id, 'proofpoint');
    assert.equal(pp?.matched, 'pphosted.com');
    assert.equal(pp?.expectedSelector, 'arcselector');
    assert.equal(pp?.selectorMatches, true);
    assert.equal(pp?.verified, false, 'ARC-DOC 2026 is AI-assisted');
    assert.equal(vendorByArcSealer('mimecast.com', 'ARC-2018')?.selectorMatches, true);
    assert.equal(vendorByArcSealer('mimecast.com', 'arc-2016')?.selectorMatches, false);
    assert.equal(vendorByArcSealer('mimecast.com')?.selectorMatches, undefined);
    assert.equal(vendorByArcSealer('barracudanetworks.com')?.expectedSelector, 'arc1');
    assert.equal(vendorByArcSealer('sophos.com')?.id, 'sophos');
    assert.equal(vendorByArcSealer('microsoft.com'), undefined);
    assert.equal(vendorByArcSealer('google.com'), undefined);
    assert.equal(vendorByArcSealer('notpphosted.com'), undefined);
  });

  test('vendorByDkimDomain: Sophos signs with its own domain', () => {
    assert.equal(vendorByDkimDomain('mail-dkim-eu-west-1.prod.hydra.sophos.com')?.id, 'sophos');
    assert.equal(vendorByDkimDomain('fabrikam.com'), undefined);
  });

  test('vendorByIp: the Proofpoint range is only observed, so it is supporting', () => {
    const hit = vendorByIp('148.163.138.245');
    assert.equal(hit?.id, 'proofpoint');
    assert.equal(hit?.status, 'observed');
    assert.equal(hit?.weight, 'supporting');
    assert.equal(vendorByIp('192.0.2.1'), undefined);
    assert.equal(vendorByIp('not-an-ip'), undefined);
  });

  test('vendorByUrlHost with verified flags', () => {
    assert.deepEqual([vendorByUrlHost('urldefense.com')?.id, vendorByUrlHost('urldefense.com')?.verified], ['proofpoint', true]);
    assert.equal(vendorByUrlHost('urldefense.proofpoint.com')?.id, 'proofpoint');
    const mc = vendorByUrlHost('protect-eu.mimecast.com');
    assert.deepEqual([mc?.id, mc?.verified, mc?.matched], ['mimecast', false, 'protect-*.mimecast.com']);
    assert.equal(vendorByUrlHost('protect-.mimecast.com'), undefined);
    assert.equal(vendorByUrlHost('x.protect-eu.mimecast.com'), undefined);
    assert.equal(vendorByUrlHost('linkprotect.cudasvc.com')?.id, 'barracuda');
    assert.equal(vendorByUrlHost('secure-web.cisco.com')?.verified, false);
    assert.equal(vendorByUrlHost('urldefense.com.evil.example'), undefined);
  });

  test('vendorInfo exposes what remedies need', () => {
    const pp = vendorInfo('proofpoint');
    assert.deepEqual(
      pp?.arcSealers.map((s) => [s.domain, s.selector]),
      [['pphosted.com', 'arcselector']],
    );
    assert.deepEqual(
      pp?.urlRewrites.map((u) => [u.pattern, u.verified]),
      [
        ['urldefense.com', true],
        ['urldefense.proofpoint.com', true],
      ],
    );
    assert.ok(pp?.modifications.some((m) => m.kind === 'url-rewrite'));
    assert.equal(vendorInfo('mimecast')?.arcSealers[0].selector, 'arc-2018');
    assert.equal(vendorInfo('barracuda')?.spamHeader?.header, 'X-Barracuda-Spam-Status');
    // Hornetsecurity's ARC sealer, as real messages show it
    assert.deepEqual(
      vendorInfo('hornetsecurity')?.arcSealers.map((s) => [s.domain, s.selector, s.evidence]),
      [['hornetsecurity.com', 'hse1', 'seen']],
    );
    assert.equal(vendorInfo('nope'), undefined);
    assert.equal(vendorInfo('__proto__'), undefined);
  });

  test('spam-header suggestions are RE2-compatible and read real header lines', () => {
    const withSuggestion = VENDORS.filter((v) => v.spamHeader);
    assert.ok(withSuggestion.length >= 2);
    for (const v of withSuggestion) {
      const s = v.spamHeader!;
      assert.equal(s.verified, false, `${v.id}: a suggestion, not vendor documentation`);
      assert.ok(!s.regexp.includes('(?'), `${v.id}: no lookaround/flags groups (RE2)`);
      assert.ok(!/\\[1-9]/.test(s.regexp), `${v.id}: no back-references (RE2)`);
      assert.ok(s.regexp.startsWith(`^${s.header}: `), `${v.id}: anchored on the header name`);
    }
    const pp = new RegExp(vendorInfo('proofpoint')!.spamHeader!.regexp);
    const ppLine =
      'X-Proofpoint-Spam-Details: rule=notspam policy=default score=0 mlxlogscore=999 adultscore=0 bulkscore=0 spamscore=0 clxscore=1011 engine=8.19.0-2308100000 definitions=main-2311210097';
    assert.equal(pp.exec(ppLine)?.[1], '0');
    const bc = new RegExp(vendorInfo('barracuda')!.spamHeader!.regexp);
    assert.equal(bc.test('X-Barracuda-Spam-Status: Yes, SCORE=8.20 using global scores of TAG_LEVEL=3.5 QUARANTINE_LEVEL=1000.0 KILL_LEVEL=6.0 tests=BSF_SC0_SA085b'), true);
    assert.equal(bc.test('X-Barracuda-Spam-Status: No, SCORE=0.00 using global scores of TAG_LEVEL=3.5 QUARANTINE_LEVEL=1000.0 KILL_LEVEL=6.0 tests='), false);
    const mc = new RegExp(vendorInfo('mimecast')!.spamHeader!.regexp);
    assert.equal(mc.exec('X-Mimecast-Spam-Score: 12')?.[1], '12');
  });
});

describe('detectVendor', () => {
  test('Proofpoint via reverse DNS is strong', () => {
    const m = detectVendor({ rdns: 'mx0b-00498f04.pphosted.com', helo: 'mx0b-00498f04.pphosted.com', ip: '148.163.138.245' });
    assert.equal(m?.id, 'proofpoint');
    assert.equal(m?.confidence, 'strong');
    assert.deepEqual(m?.signals.map((s) => s.kind), ['rdns', 'helo', 'ip-range']);
    assert.match(m!.signals[0].detail, /mx0b-00498f04\.pphosted\.com/);
    assert.match(m!.signals[2].detail, /observed/);
  });

  test('Proofpoint claimed only in the HELO is weak (a phisher can say pphosted.com)', () => {
    const m = detectVendor({ helo: 'mx0b-00498f04.pphosted.com', ip: '203.0.113.66', rdns: 'host-203-0-113-66.dyn.example.net' });
    assert.equal(m?.id, 'proofpoint');
    assert.equal(m?.confidence, 'weak');
    assert.deepEqual(m?.signals.map((s) => s.kind), ['helo']);
    assert.match(m!.signals[0].detail, /not proven/);
  });

  test('HELO plus an observed-only range is still weak', () => {
    const m = detectVendor({ helo: 'mx0b-00498f04.pphosted.com', ip: '148.163.138.245' });
    assert.equal(m?.confidence, 'weak');
    assert.deepEqual(m?.signals.map((s) => s.kind), ['helo', 'ip-range']);
  });

  test('an observed-only range alone points at no vendor', () => {
    assert.equal(detectVendor({ ip: '148.163.138.245' }), undefined);
  });

  test('Proofpoint via X-Proofpoint-Spam-Details is strong', () => {
    const m = detectVendor({ headerNames: ['Received', 'X-Proofpoint-Spam-Details', 'X-Proofpoint-Virus-Version', 'Subject'] });
    assert.equal(m?.id, 'proofpoint');
    assert.equal(m?.confidence, 'strong');
    assert.equal(m?.signals.length, 2);
    assert.ok(m?.signals.every((s) => s.kind === 'header'));
  });

  test('Mimecast via by-host relay.mimecast.com', () => {
    const m = detectVendor({ byHost: 'relay.mimecast.com' });
    assert.deepEqual([m?.id, m?.confidence, m?.signals[0].kind], ['mimecast', 'strong', 'by-host']);
  });

  test('Barracuda via d123456a.ess.barracudanetworks.com', () => {
    const m = detectVendor({ rdns: 'd123456a.ess.barracudanetworks.com', helo: 'd123456a.ess.barracudanetworks.com' });
    assert.deepEqual([m?.id, m?.confidence], ['barracuda', 'strong']);
  });

  test('Cisco via esa6.x.iphmx.com', () => {
    const m = detectVendor({ byHost: 'esa6.microchip.iphmx.com', headerNames: ['X-IronPort-AV', 'X-Policy'] });
    assert.deepEqual([m?.id, m?.confidence], ['cisco', 'strong']);
    assert.deepEqual(m?.signals.map((s) => s.kind), ['by-host', 'header', 'header']);
    assert.match(m!.signals[2].detail, /supports other evidence only/);
  });

  test('MessageLabs via server-3.tower-585.messagelabs.com', () => {
    const m = detectVendor({ byHost: 'server-3.tower-585.messagelabs.com', headerNames: ['X-Msg-Ref', 'X-StarScan-Received', 'X-StarScan-Version'] });
    assert.deepEqual([m?.id, m?.confidence], ['messagelabs', 'strong']);
    assert.equal(m?.signals.length, 4);
  });

  test('generic header names alone point at nothing', () => {
    assert.equal(detectVendor({ headerNames: ['X-Policy', 'X-Msg-Ref', 'X-Env-Sender', 'X-Primary'] }), undefined);
  });

  test('a disputed header name gives a weak match', () => {
    const m = detectVendor({ headerNames: ['X-FEAS-SPF', 'X-FE-Policy-ID'] });
    assert.deepEqual([m?.id, m?.confidence], ['fortinet', 'weak']);
    assert.match(m!.signals[0].detail, /FireEye/);
  });

  test('authserv-id and ARC sealer are strong signals', () => {
    assert.deepEqual(
      [detectVendor({ authservIds: ['ppops.net'] })?.id, detectVendor({ authservIds: ['ppops.net'] })?.confidence],
      ['proofpoint', 'strong'],
    );
    const arc = detectVendor({ arcSealers: ['mimecast.com'] });
    assert.deepEqual([arc?.id, arc?.signals[0].kind], ['mimecast', 'arc-sealer']);
    assert.match(arc!.signals[0].detail, /\[unverified\]/);
    const hornet = detectVendor({ authservIds: ['mx-gate13-hz2.hornetsecurity.com'] });
    assert.equal(hornet?.id, 'hornetsecurity');
  });

  test('Sophos via its own DKIM domain', () => {
    const m = detectVendor({ dkimDomains: ['mail-dkim-us-west-2.prod.hydra.sophos.com'] });
    assert.deepEqual([m?.id, m?.confidence], ['sophos', 'strong']);
  });

  test('several vendors: the strongest first, all reported by detectVendors', () => {
    // Mimecast received it; the sender's own Proofpoint left its headers.
    const all = detectVendors({
      rdns: 'us-smtp-inbound-delivery-1.mimecast.com',
      byHost: 'relay.mimecast.com',
      headerNames: ['X-Proofpoint-GUID', 'X-MC-Unique'],
    });
    assert.deepEqual(
      all.map((m) => [m.id, m.confidence]),
      [
        ['mimecast', 'strong'],
        ['proofpoint', 'strong'],
      ],
    );
    // a strong vendor outranks a weak one even when the weak one has more signals
    const mixed = detectVendors({ helo: 'mx0b-00498f04.pphosted.com', ip: '148.163.138.245', headerNames: ['X-Barracuda-Spam-Score'] });
    assert.deepEqual(
      mixed.map((m) => [m.id, m.confidence]),
      [
        ['barracuda', 'strong'],
        ['proofpoint', 'weak'],
      ],
    );
  });

  test('providers are not vendors; nothing in, nothing out', () => {
    assert.equal(detectVendor({ rdns: 'mail-sor-f41.google.com', byHost: 'mx.google.com', helo: 'mail-sor-f41.google.com', ip: '209.85.220.41' }), undefined);
    assert.equal(detectVendor({}), undefined);
    assert.equal(detectVendor({ rdns: 'evilpphosted.com', byHost: 'x.pphosted.com.evil.net', helo: 'pphosted.com' }), undefined);
  });

  test('hostile input: huge lists are bounded, details are printable ASCII', () => {
    const names = Array.from({ length: 20_000 }, (_, i) => `X-Proofpoint-Field-${i}`);
    names.push('X-Barracuda-\u0001bad', `X-Mimecast-${'\u00e9'.repeat(50)}`);
    const m = detectVendors({ headerNames: names, helo: 'mx0b-00498f04.pphosted.com' });
    assert.equal(m.length, 1);
    assert.equal(m[0].id, 'proofpoint');
    assert.ok(m[0].signals.length <= 16);
    for (const s of m[0].signals) assert.match(s.detail, /^[\x20-\x7e…]*$/);
    // non-array / non-string junk is ignored
    const junk = { headerNames: [42, null, 'X-MC-Unique'] as unknown as string[], authservIds: 'ppops.net' as unknown as string[] };
    assert.deepEqual(detectVendors(junk).map((x) => x.id), ['mimecast']);
  });
});
