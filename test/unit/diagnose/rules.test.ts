/**
 * Each rule on a realistic message that must trigger it and on one that must not. The messages are
 * the scenario fixtures; where no scenario covers a case, a scenario is edited the way the real
 * system would have written it (e.g. the SFV value in X-Forefront-Antispam-Report), and every edit
 * asserts that it really changed the message.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analyze';
import { diagnose } from '../../../src/core/diagnose';
import type { Analysis, Finding } from '../../../src/core/types';
import { buildCached, hostileInputs } from '../../fixtures/scenarios';
import type { FullAnalyzeOptions } from '../../../src/core/analyze';
import { edit } from './edit-header';

async function bytesOf(id: string): Promise<Buffer> {
  return (await buildCached(id)).bytes;
}

async function findings(bytes: Buffer, options: FullAnalyzeOptions = {}): Promise<{ a: Analysis; all: Finding[] }> {
  const a = await analyze(bytes, { dnsMode: 'off', ...options });
  return { a, all: a.findings };
}

const of = (all: Finding[], id: string) => all.filter((f) => f.id === id);

async function scenario(id: string, options: FullAnalyzeOptions = {}) {
  return findings(await bytesOf(id), options);
}

describe('spf-evaluated-on-relay', () => {
  test('error on the gateway IP when SPF failed there; not with Enhanced Filtering or without a gateway', async () => {
    const hit = of((await scenario('proofpoint-banner-eop')).all, 'spf-evaluated-on-relay');
    assert.equal(hit.length, 1);
    assert.equal(hit[0].severity, 'error');
    assert.equal(of((await scenario('mimecast-efc-eop')).all, 'spf-evaluated-on-relay').length, 0);
    assert.equal(of((await scenario('direct-to-eop')).all, 'spf-evaluated-on-relay').length, 0);
  });

  test('a sender without an SPF record (spf=none on the gateway IP) is a warning, not an error', async () => {
    const b = edit(
      await bytesOf('proofpoint-banner-eop'),
      ['Authentication-Results: spf=fail (sender IP is 148.163.138.245)', 'Authentication-Results: spf=none (sender IP is 148.163.138.245)'],
      ['Received-SPF: Fail (protection.outlook.com: domain of northwindtraders.com\r\n does not designate', 'Received-SPF: None (protection.outlook.com: domain of northwindtraders.com\r\n does not designate'],
    );
    const hit = of((await findings(b)).all, 'spf-evaluated-on-relay');
    assert.equal(hit.length, 1);
    assert.equal(hit[0].severity, 'warning');
    assert.match(hit[0].message, /spf=none/);
  });
});

describe('dkim-body-modified', () => {
  test('names the gateway hop and, with body hints from verification, the banner and the rewritten links', async () => {
    const { a } = await scenario('proofpoint-banner-eop');
    a.verification = {
      ...(a.verification ?? { dnsMode: 'off', dkim: [], arc: null, spf: [], dmarc: null, lookups: [], notes: [] }),
      bodyHints: {
        rewrittenUrlHosts: [{ host: 'urldefense.com', vendorId: 'proofpoint', count: 2 }],
        banners: [{ text: 'CAUTION: This email originated from outside of the organization.', position: 'top', vendorId: 'proofpoint' }],
      },
    };
    const f = of(diagnose(a), 'dkim-body-modified');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /links rewritten to urldefense\.com \(Proofpoint URL rewriting\)/);
    assert.match(f[0].message, /banner added at the top: "CAUTION: This email originated/);
  });

  test('not for a header-only change (subject tag)', async () => {
    assert.equal(of((await scenario('proofpoint-subject-tag-arc-eop')).all, 'dkim-body-modified').length, 0);
  });

  test('our re-verification alone finds it; when the receiver still verified it, it is only info', async () => {
    const b = edit(await bytesOf('proofpoint-banner-eop'), ['dkim=fail (body hash did not verify)', 'dkim=pass (signature was verified)']);
    const { a, all } = await findings(b);
    assert.ok(a.verification?.dkim.some((c) => c.status === 'body-modified'), 'verify recomputes the body hash offline');
    const f = of(all, 'dkim-body-modified');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'info');
    assert.match(f[0].message, /after Exchange Online checked it/);
  });
});

describe('dkim-header-modified', () => {
  test('subject tag found as the cause; not raised for a body change', async () => {
    const f = of((await scenario('proofpoint-subject-tag-arc-eop')).all, 'dkim-header-modified');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /Subject carries the tag "\[EXTERNAL\]"/);
    assert.equal(of((await scenario('proofpoint-banner-eop')).all, 'dkim-header-modified').length, 0);
  });

  test('a warning or error while the receiver failed the message; only info once its DMARC or compauth passed', async () => {
    const before = of((await scenario('proofpoint-subject-tag-arc-eop')).all, 'dkim-header-modified');
    assert.equal(before.length, 1);
    assert.notEqual(before[0].severity, 'info');
    // Exchange Online let the message through on compauth (as it does once the gateway is a trusted ARC sealer)
    const caPass = edit(await bytesOf('proofpoint-subject-tag-arc-eop'), ['compauth=fail reason=000', 'compauth=pass reason=130']);
    const f = of((await findings(caPass)).all, 'dkim-header-modified');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'info');
    assert.match(f[0].message, /still passed the message \(compauth=pass reason=130\)/);
    assert.match(f[0].message, /Subject carries the tag "\[EXTERNAL\]"/, 'the cause is still named');
    // the receiver's DMARC passed (another aligned path held)
    const dmPass = edit(await bytesOf('proofpoint-subject-tag-arc-eop'), ['header.d=northwindtraders.com;dmarc=fail action=oreject', 'header.d=northwindtraders.com;dmarc=pass action=none']);
    const g = of((await findings(dmPass)).all, 'dkim-header-modified');
    assert.equal(g.length, 1);
    assert.equal(g[0].severity, 'info');
    assert.match(g[0].message, /\(dmarc=pass\)/);
  });

  test('a spoof carrying a signature copied from other mail: not "changed in transit", and only info', async () => {
    // a message sent straight to Exchange Online with a real signature over another Subject; the
    // receiver authenticated nothing (the sending IP is not in SPF, the signature does not verify)
    const spoof = edit(
      await bytesOf('direct-to-eop'),
      ['Subject: Re: Q2 shipping schedule', 'Subject: Re: Q2 shipping schedule - invoice overdue'],
      ['spf=pass (sender IP is 203.0.113.25)', 'spf=fail (sender IP is 203.0.113.25)'],
      ['dkim=pass (signature was verified)', 'dkim=fail (signature did not verify)'],
      ['header.d=northwindtraders.com;dmarc=pass action=none', 'header.d=northwindtraders.com;dmarc=fail action=none'],
      ['compauth=pass reason=100', 'compauth=fail reason=000'],
    );
    const { a, all } = await findings(spoof);
    assert.equal(a.facts.verdict.class, 'never-authentic');
    const f = of(all, 'dkim-header-modified');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'info');
    assert.match(f[0].message, /may never have been valid for it/);
    assert.doesNotMatch(f[0].message, /changed in transit/);
    assert.deepEqual(f[0].remedies, [], 'no gateway fix for a spoof');
  });
});

describe('dmarc-fail-after-relay and dmarc-fail', () => {
  test('the gateway claim makes it "after relay"; without the claim it is a plain DMARC failure', async () => {
    const pp = (await scenario('proofpoint-banner-eop')).all;
    assert.equal(of(pp, 'dmarc-fail-after-relay').length, 1);
    assert.equal(of(pp, 'dmarc-fail').length, 0);
    const noClaim = edit(await bytesOf('proofpoint-banner-eop'), ['dmarc=pass header.from=northwindtraders.com', 'dmarc=fail header.from=northwindtraders.com'], ['\tdkim=pass header.d=northwindtraders.com header.s=nwt2025;', '\tdkim=fail header.d=northwindtraders.com header.s=nwt2025;']);
    const all = (await findings(noClaim)).all;
    assert.equal(of(all, 'dmarc-fail-after-relay').length, 0);
    const d = of(all, 'dmarc-fail');
    assert.equal(d.length, 1);
    assert.match(d[0].message, /spf=fail on 148\.163\.138\.245/);
  });

  test('a spoof fails DMARC with the reason spelled out; a passing message does not', async () => {
    const d = of((await scenario('phish-fake-helo')).all, 'dmarc-fail');
    assert.equal(d.length, 1);
    assert.match(d[0].message, /spf=fail on 203\.0\.113\.199, dkim=none/);
    assert.equal(of((await scenario('direct-to-eop')).all, 'dmarc-fail').length, 0);
  });
});

describe('compauth-fail', () => {
  test('the reason code is decoded from the table', async () => {
    const f = of((await scenario('proofpoint-banner-eop')).all, 'compauth-fail');
    assert.match(f[0].message, /reason=000\): explicit failure/);
    const b = edit(await bytesOf('proofpoint-banner-eop'), ['compauth=fail reason=000', 'compauth=fail reason=001']);
    assert.match(of((await findings(b)).all, 'compauth-fail')[0].message, /implicit failure/);
    assert.equal(of((await scenario('direct-to-eop')).all, 'compauth-fail').length, 0);
  });
});

describe('Enhanced Filtering rules', () => {
  test('efc-not-enabled: gateway without skip listing; not with it, not for non-linear routing, not without a gateway', async () => {
    assert.equal(of((await scenario('proofpoint-banner-eop')).all, 'efc-not-enabled').length, 1);
    assert.equal(of((await scenario('mimecast-efc-eop')).all, 'efc-not-enabled').length, 0);
    assert.equal(of((await scenario('nonlinear-hybrid')).all, 'efc-not-enabled').length, 0);
    assert.equal(of((await scenario('slow-and-skewed')).all, 'efc-not-enabled').length, 0);
  });

  test('efc-not-enabled is a warning when authentication happened to pass', async () => {
    const f = of((await scenario('hybrid-onprem-to-eop')).all, 'efc-not-enabled');
    assert.equal(f.length, 1);
    // SPF failed on the on-premises IP there: error; make SPF pass (the sender authorised it) → warning
    const b = edit(
      await bytesOf('hybrid-onprem-to-eop'),
      ['Authentication-Results: spf=fail (sender IP is 203.0.113.80)', 'Authentication-Results: spf=pass (sender IP is 203.0.113.80)'],
      ['Received-SPF: Fail (protection.outlook.com: domain of northwindtraders.com\r\n does not designate', 'Received-SPF: Pass (protection.outlook.com: domain of northwindtraders.com\r\n designates'],
    );
    const g = of((await findings(b)).all, 'efc-not-enabled');
    assert.equal(g.length, 1);
    assert.equal(g[0].severity, 'warning');
  });

  test('efc-active only when the original sender was recovered; efc-recipient-not-in-scope only when it was not', async () => {
    const on = (await scenario('mimecast-efc-eop')).all;
    const pilot = (await scenario('efc-pilot-recipient-out-of-scope')).all;
    assert.equal(of(on, 'efc-active').length, 1);
    assert.equal(of(on, 'efc-recipient-not-in-scope').length, 0);
    assert.equal(of(pilot, 'efc-active').length, 0);
    assert.equal(of(pilot, 'efc-recipient-not-in-scope').length, 1);
  });

  test('efc-private-hop: the on-premises hop behind NAT is noted; loopback filter hops are not NAT', async () => {
    const f = of((await scenario('hybrid-onprem-to-eop')).all, 'efc-private-hop');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /10\.10\.1\.21\], a private RFC 1918 address/);
    assert.match(f[0].message, /203\.0\.113\.80/);
    // Proofpoint's internal hand-off from 127.0.0.1 is no NAT hop
    assert.equal(of((await scenario('proofpoint-banner-eop')).all, 'efc-private-hop').length, 0);
  });

  test('efc-unsupported-routing: Microsoft 365 → on-premises → Microsoft 365; not for linear hybrid', async () => {
    assert.equal(of((await scenario('nonlinear-hybrid')).all, 'efc-unsupported-routing').length, 1);
    assert.equal(of((await scenario('hybrid-onprem-to-eop')).all, 'efc-unsupported-routing').length, 0);
  });
});

describe('bypasses', () => {
  test('scl-bypass-rule: SFV:SKN through a gateway; not when the IP Allow List did it', async () => {
    assert.equal(of((await scenario('efc-pilot-recipient-out-of-scope')).all, 'scl-bypass-rule').length, 1);
    assert.equal(of((await scenario('ip-allow-list')).all, 'scl-bypass-rule').length, 0);
    const b = edit(await bytesOf('proofpoint-banner-eop'), ['SCL:5;SRV:;IPV:NLI;SFV:SPM;', 'SCL:-1;SRV:;IPV:NLI;SFV:SKN;']);
    const f = of((await findings(b)).all, 'scl-bypass-rule');
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].remedies, ['remove-scl-bypass']);
    assert.equal(of((await scenario('proofpoint-banner-eop')).all, 'scl-bypass-rule').length, 0);
  });

  test('ip-allow-list-bypass: IPV:CAL only', async () => {
    assert.equal(of((await scenario('ip-allow-list')).all, 'ip-allow-list-bypass').length, 1);
    assert.equal(of((await scenario('proofpoint-banner-eop')).all, 'ip-allow-list-bypass').length, 0);
  });
});

describe('arc-trusted-sealer-candidate', () => {
  test('raised when the verified gateway seal was ignored; not once EOP honours it (compauth reason 130)', async () => {
    assert.equal(of((await scenario('proofpoint-subject-tag-arc-eop')).all, 'arc-trusted-sealer-candidate').length, 1);
    const honoured = edit(await bytesOf('proofpoint-subject-tag-arc-eop'), ['compauth=fail reason=000', 'compauth=pass reason=130']);
    assert.equal(of((await findings(honoured)).all, 'arc-trusted-sealer-candidate').length, 0);
    assert.equal(of((await scenario('proofpoint-banner-eop')).all, 'arc-trusted-sealer-candidate').length, 0, 'no ARC seal, no candidate');
  });
});

describe('gmail-inbound-gateway-missing', () => {
  test('Gmail behind Barracuda; never for Exchange Online', async () => {
    assert.equal(of((await scenario('barracuda-gmail')).all, 'gmail-inbound-gateway-missing').length, 1);
    assert.equal(of((await scenario('proofpoint-banner-eop')).all, 'gmail-inbound-gateway-missing').length, 0);
  });
});

describe('direct-to-tenant', () => {
  test('a vendor HELO nothing else confirms; a real gateway is not flagged', async () => {
    assert.equal(of((await scenario('phish-fake-helo')).all, 'direct-to-tenant').length, 1);
    assert.equal(of((await scenario('proofpoint-banner-eop')).all, 'direct-to-tenant').length, 0);
  });

  test('with the gateway configured as trusted relay, a message that skipped it is flagged', async () => {
    assert.equal(of((await scenario('direct-to-eop')).all, 'direct-to-tenant').length, 0);
    const f = of((await scenario('direct-to-eop', { trustedRelays: ['*.pphosted.com', '148.163.128.0/19'] })).all, 'direct-to-tenant');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /203\.0\.113\.25/);
    assert.deepEqual(f[0].remedies.sort(), ['lockdown-certificate', 'lockdown-connector']);
  });
});

describe('relay-device-spf and intra-org-spoof', () => {
  test('the scanner is recognised as the organisation\'s device', async () => {
    const all = (await scenario('device-relay')).all;
    assert.equal(of(all, 'relay-device-spf').length, 1);
    assert.equal(of(all, 'intra-org-spoof').length, 1);
    assert.equal(of((await scenario('phish-fake-helo')).all, 'relay-device-spf').length, 0);
    assert.equal(of((await scenario('proofpoint-banner-eop')).all, 'intra-org-spoof').length, 0);
  });

  test('the same own-domain failure from an internet mail server is a spoof, not a device relay', async () => {
    const b = edit(await bytesOf('device-relay'), ['Received: from SCANNER01 (198.51.100.20) by', 'Received: from mta7.bulk-mailer.example.net (198.51.100.20) by']);
    const all = (await findings(b)).all;
    assert.equal(of(all, 'relay-device-spf').length, 0);
    const s = of(all, 'intra-org-spoof');
    assert.equal(s.length, 1);
    assert.match(s[0].message, /someone outside is sending as your domain/);
    // no device fix for a spoof; rejecting Direct Send is what stops it (the generator decides
    // whether the message has Direct Send's shape)
    assert.deepEqual(s[0].remedies, ['reject-direct-send']);
  });

  test('a Direct Send phish as the own domain is named as Direct Send, with the AuthAs evidence', async () => {
    const all = (await scenario('direct-send-spoof')).all;
    const s = of(all, 'intra-org-spoof');
    assert.equal(s.length, 1);
    assert.match(s[0].message, /X-MS-Exchange-Organization-AuthAs: Anonymous\): Microsoft calls this Direct Send, and Reject Direct Send refuses such messages from outside\.$/);
    assert.ok(s[0].evidence.some((e) => /^AuthAs: Anonymous$/.test(e.note ?? '')), 'the AuthAs field is evidence');
    assert.deepEqual(s[0].remedies, ['reject-direct-send']);
    // through a gateway (a relay in front of the tenant) it is not Direct Send
    assert.doesNotMatch(of((await scenario('proofpoint-banner-eop')).all, 'intra-org-spoof')[0]?.message ?? '', /Direct Send/);
  });
});

describe('forged-auth-results', () => {
  test('planted results are flagged; the first-pass verdict of non-linear routing and gateway claims are not', async () => {
    assert.ok(of((await scenario('phish-fake-helo')).all, 'forged-auth-results').length >= 1);
    assert.equal(of((await scenario('nonlinear-hybrid')).all, 'forged-auth-results').length, 0);
    assert.equal(of((await scenario('proofpoint-banner-eop')).all, 'forged-auth-results').length, 0);
    assert.equal(of((await scenario('mimecast-efc-eop')).all, 'forged-auth-results').length, 0, 'skip-listing headers have no position');
  });
});

describe('clock-skew and slow-hop', () => {
  test('found at the hops the scenario built; the threshold is an option', async () => {
    const all = (await scenario('slow-and-skewed')).all;
    assert.equal(of(all, 'clock-skew').length, 1);
    assert.equal(of(all, 'slow-hop').length, 1);
    assert.match(of(all, 'slow-hop')[0].message, /2 h 2 min/);
    const relaxed = (await scenario('slow-and-skewed', { slowHopMs: 3 * 3600 * 1000 })).all;
    assert.equal(of(relaxed, 'slow-hop').length, 0);
    const none = (await scenario('direct-to-eop')).all;
    assert.equal(of(none, 'clock-skew').length + of(none, 'slow-hop').length, 0);
  });
});

describe('delivered-to-junk', () => {
  test('dest:J with the verdict behind it; not for Inbox delivery', async () => {
    const f = of((await scenario('proofpoint-banner-eop')).all, 'delivered-to-junk');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /CAT:SPOOF/);
    assert.equal(of((await scenario('direct-to-eop')).all, 'delivered-to-junk').length, 0);
  });
});

describe('unparsed-header', () => {
  test('a line that is not a header field is reported with its line; a clean message has none', async () => {
    const src = await bytesOf('direct-to-eop');
    const b = edit(src, ['\r\nDKIM-Signature: ', '\r\n--- forwarded by helpdesk ---\r\nDKIM-Signature: ']);
    const { a, all } = await findings(b);
    const f = of(all, 'unparsed-header');
    assert.ok(f.length >= 1);
    const line = b.toString('latin1').split('\r\n').indexOf('--- forwarded by helpdesk ---');
    assert.ok(f.some((x) => x.severity === 'info' && x.evidence[0].lines.startLine === line), JSON.stringify(f.map((x) => x.evidence)));
    assert.ok(a.headers.some((h) => h.invalid && h.lines.startLine === line));
    assert.equal(of((await scenario('direct-to-eop')).all, 'unparsed-header').length, 0);
  });
});

describe('robustness', () => {
  test('no rule fails on hostile or malformed input', async () => {
    for (const h of hostileInputs()) {
      const a = await analyze(h.bytes, { dnsMode: 'off' });
      const bad = a.findings.filter((f) => f.id === 'internal-error');
      assert.deepEqual(bad.map((f) => f.message), [], h.id);
    }
  });

  test('an Analysis without receiver, hops or Microsoft headers gives no findings and no errors', () => {
    const a = {
      schemaVersion: 1,
      tool: { name: 't', version: '0' },
      input: { byteLength: 0, lineCount: 0, eol: 'CRLF', mixedEol: false, hasSeparator: false, bodyStartLine: 0, bodyStartByte: 0, headersOnly: true },
      summary: { to: [], cc: [], recipients: [] },
      headers: [],
      hops: [],
      boundary: { receiver: 'unknown', receiverName: null, entryHopIndex: null, connectingIp: null, connectingHelo: null, relayHopIndexes: [], relayIps: [], originalSenderIp: null, originalSenderHopIndex: null, reasoning: [], evidence: [] },
      stamps: [],
      authResults: [],
      receivedSpf: [],
      dkimSignatures: [],
      arcSets: [],
      microsoft: null,
      vendors: [],
      verification: null,
      findings: [],
      remedies: [],
      problems: [],
    } as unknown as Analysis;
    assert.deepEqual(diagnose(a), []);
  });
});
