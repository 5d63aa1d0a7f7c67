// Redaction before sharing: on the realistic Proofpoint → Exchange Online message (sender Jordan
// Alvarez at northwindtraders.com, recipient Megan Bowen at contoso.com) every address, name and,
// in full mode, every customer domain is gone from the whole Analysis, while the gateway's and
// Microsoft's hosts and every IP address (what the fix needs) stay.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analyze';
import { resolverFromSnapshot } from '../../../src/core/verify';
import { createRedactor, parseRedactionMode, redactAnalysis, redactionNotice } from '../../../src/core/report/redact';
import { renderMarkdownReport } from '../../../src/core/report/markdown';
import type { Analysis } from '../../../src/core/types';
import { buildCached, type BuildResult } from '../../fixtures/scenarios';

const SENDER = 'j.alvarez@northwindtraders.com';
const RCPT = 'megan.bowen@contoso.com';

describe('redactAnalysis', () => {
  let pp: BuildResult;
  let a: Analysis;
  before(async () => {
    pp = await buildCached('proofpoint-banner-eop');
    // with the scenario's recorded DNS, as the sample's README suggests: the recipient's MX confirms
    // the Proofpoint relay, so the Enhanced Filtering script carries its address
    a = await analyze(pp.bytes, { name: 'Invoice INV-20417 for March deliveries.eml', dnsMode: 'recorded', resolver: resolverFromSnapshot(pp.dnsZone) });
    // the fixture really carries what must be masked
    const all = JSON.stringify(a);
    for (const s of [SENDER, RCPT, 'Jordan Alvarez', 'Megan Bowen', 'northwindtraders.com', 'contoso.com']) assert.ok(all.includes(s), s);
  });

  test('none: an equal deep copy', () => {
    const r = redactAnalysis(a, 'none');
    assert.notEqual(r, a);
    assert.notEqual(r.hops, a.hops);
    assert.deepEqual(r, a);
  });

  test('local-parts: addresses become user-N@domain, display names person-N; domains, hosts and IPs stay', () => {
    const r = redactAnalysis(a, 'local-parts');
    const all = JSON.stringify(r);
    for (const s of [SENDER, RCPT, 'j.alvarez@', 'megan.bowen@', 'Jordan Alvarez', 'Megan Bowen']) assert.ok(!all.includes(s), `${s} is masked`);
    assert.equal(r.summary.from, 'person-1 <user-1@northwindtraders.com>', 'the sender comes first');
    assert.deepEqual(r.summary.to, ['user-2@contoso.com']);
    assert.ok(r.summary.recipients.every((x) => /^user-\d+@contoso\.com$/.test(x)));
    assert.equal(r.summary.subject, a.summary.subject);
    assert.deepEqual(r.boundary.relayIps, a.boundary.relayIps);
    assert.equal(r.boundary.connectingIp, a.boundary.connectingIp);
    assert.deepEqual(r.hops.map((h) => [h.from.ip, h.by.host]), a.hops.map((h) => [h.from.ip, h.by.host]));
    // the same address gets the same pseudonym everywhere (Received "for", To, Authentication-Results)
    const rcptField = r.headers.filter((f) => f.key === 'received' && f.value.includes('for <'));
    assert.ok(rcptField.length > 0);
    for (const f of rcptField) assert.ok(f.value.includes('<user-2@contoso.com>'), f.value);
    // DKIM d= and header.from keep the domain
    assert.ok(all.includes('header.from=northwindtraders.com') || all.includes('"header.from":"northwindtraders.com"'));
  });

  test('full: customer domains and hosts become pseudonyms, subject removed; Microsoft, Google and gateway hosts stay', () => {
    const r = redactAnalysis(a, 'full');
    const all = JSON.stringify(r);
    for (const s of ['northwindtraders', 'contoso', 'Jordan', 'Megan', 'INV-20417']) assert.ok(!all.toLowerCase().includes(s.toLowerCase()), `${s} is masked`);
    assert.equal(r.summary.subject, '[subject]');
    assert.equal(r.input.name, 'message.eml');
    assert.match(r.summary.from!, /^person-1 <user-1@domain-\d+\.example>$/);
    // gateway and Microsoft hosts as they were
    assert.ok(r.hops.some((h) => h.by.host === 'mx0b-00498f04.pphosted.com'));
    assert.ok(r.hops.some((h) => /\.outlook\.com$/i.test(h.by.host ?? '') || /\.outlook\.com$/i.test(h.from.rdns ?? '')));
    // the sender's MTA keeps its relation to the sender's domain
    const sender = r.hops.find((h) => h.from.ip === '203.0.113.25');
    assert.ok(sender?.from.rdns?.match(/^host-\d+\.domain-\d+\.example$/), sender?.from.rdns);
    const senderDomain = r.summary.from!.split('@')[1].slice(0, -1);
    assert.ok(sender!.from.rdns!.endsWith(`.${senderDomain}`), 'mail.<sender domain> stays under the sender\'s pseudonym domain');
    // IPs and the fix
    assert.deepEqual(r.boundary.relayIps, a.boundary.relayIps);
    const efc = r.remedies.find((x) => x.id === 'efc-skip-ips');
    assert.ok(efc && efc.text.includes(`'${a.boundary.relayIps[0]}'`));
    assert.ok(efc.text.includes('Set-InboundConnector'));
  });

  test('the Markdown report of a redacted analysis carries none of it', () => {
    const md = renderMarkdownReport(redactAnalysis(a, 'full'));
    for (const s of ['northwindtraders', 'contoso.com', 'Jordan', 'Megan', 'alvarez']) assert.ok(!md.toLowerCase().includes(s.toLowerCase()), s);
    assert.ok(md.includes('pphosted.com'));
    assert.ok(md.startsWith('# Mail flow report: \\[subject\\]\n'));
  });
});

describe('the redaction scanner', () => {
  test('addresses inside result properties, VERP, quotes and angle brackets', () => {
    const r = createRedactor('local-parts');
    assert.equal(r.text('spf=pass smtp.mailfrom=jordan@northwind.example; dkim=pass header.i=@northwind.example'), 'spf=pass smtp.mailfrom=user-1@northwind.example; dkim=pass header.i=@northwind.example');
    assert.equal(r.text('<Jordan@northwind.example>, "x" <a.b+tag@sub.contoso.com>.'), '<user-1@northwind.example>, "x" <user-2@sub.contoso.com>.');
    assert.equal(r.text('bounces+123-abc=contoso.com@sendgrid.net'), 'bounces+123-abc=user-3@sendgrid.net');
  });

  test('full mode leaves versions, IPs, file names, abbreviations and kept providers alone', () => {
    const r = createRedactor('full');
    const keep = [
      'Sendmail 8.18.1.2/8.18.1.2 with ESMTPS id 4Z1x2y3Q4Kz9; TLS1.3',
      'from [192.168.10.57] (203.0.113.25) e.g. i.e.',
      'see report.md and invoice.pdf',
      'by BN2PEPF000044A8.mail.protection.outlook.com (10.167.243.153)',
      'mx0b-00498f04.pphosted.com m0297263.ppops.net urldefense.com mx.google.com',
      'learn.microsoft.com/exchange',
    ];
    for (const t of keep) assert.equal(r.text(t), t);
    assert.equal(r.text('include:spf.northwind.co.uk northwind.co.uk'), 'include:host-1.domain-1.example domain-1.example');
    assert.equal(r.text('contoso.onmicrosoft.com contoso-com.mail.protection.outlook.com'), 'tenant-1.onmicrosoft.com tenant-2.mail.protection.outlook.com');
  });

  test('names are masked as whole words only', () => {
    const r = createRedactor('local-parts');
    r.addName('Lee Gu');
    r.addName('Lee');
    r.addName('Microsoft Outlook');
    assert.equal(r.text('Lee Gu wrote from Leeds; Lee answered. Microsoft Outlook 16.0'), 'person-1 wrote from Leeds; person-2 answered. Microsoft Outlook 16.0');
  });

  test('linear on hostile input: a megabyte of dotted labels and at-signs', () => {
    const r = createRedactor('full');
    const big = 'a.'.repeat(300000) + 'com ' + '@'.repeat(200000) + 'x@y.'.repeat(50000);
    const out = r.text(big);
    assert.ok(out.length > 0 && out.length < big.length * 2);
    const long = r.text(`${'a.'.repeat(1000)}northwind.co.uk`);
    assert.match(long, /^….host-\d+\.domain-\d+\.example$/);
  });

  test('parseRedactionMode and the notices', () => {
    assert.equal(parseRedactionMode('local'), 'local-parts');
    assert.equal(parseRedactionMode('FULL'), 'full');
    assert.equal(parseRedactionMode('none'), 'none');
    assert.equal(parseRedactionMode('everything'), undefined);
    assert.equal(redactionNotice('none'), '');
    assert.match(redactionNotice('local-parts'), /user-1/);
    assert.match(redactionNotice('full'), /IP addresses are kept/);
  });
});
