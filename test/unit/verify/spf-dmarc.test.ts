// SPF what-if for the IPs of the trust boundary, and DMARC from our own DKIM/SPF results with
// strict and relaxed alignment.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeHeaders } from '../../../src/core/analyze';
import { verifyMessage, resolverFromSnapshot } from '../../../src/core/verify';
import { aligned } from '../../../src/core/verify/dkim';
import { cleanAddress } from '../../../src/core/verify/spf';
import * as b from './build';

let key: b.Key;
let signed: Buffer;

before(async () => {
  key = b.makeKey(b.SENDER.domain, 'nwt2025');
  signed = b.route(await b.sign(b.originalMessage(), key));
});

function replaceHeader(msg: Buffer, from: string, to: string): Buffer {
  const s = msg.toString('latin1');
  assert.ok(s.includes(from), `fixture lacks ${from}`);
  return Buffer.from(s.replace(from, to), 'latin1');
}

async function recorded(bytes: Buffer, zone: b.Zone) {
  return verifyMessage(bytes, analyzeHeaders(bytes), { dnsMode: 'recorded', resolver: resolverFromSnapshot(zone) });
}

describe('SPF what-if', () => {
  test('pass for the original sender, fail for the gateway the receiver saw', async () => {
    const v = await recorded(signed, b.senderZone(key));
    assert.deepEqual(
      v.spf.map((s) => [s.role, s.ip, s.result, s.domain]),
      [
        ['original-sender', '203.0.113.25', 'pass', 'northwindtraders.com'],
        ['connecting-relay', '148.163.138.245', 'fail', 'northwindtraders.com'],
      ],
    );
    // never the topmost Received (an Exchange Online internal hop) that mailauth would guess
    assert.ok(!v.spf.some((s) => s.ip.startsWith('2603:')));
    assert.match(v.spf[0].detail, /mailflow-lens: domain of j\.alvarez@northwindtraders\.com designates 203\.0\.113\.25/);
    assert.match(v.spf[0].detail, /from Return-Path/);
  });

  test('a ~all record gives softfail for the relay', async () => {
    const zone = b.senderZone(key);
    zone[b.SENDER.domain] = { TXT: [['v=spf1 ip4:203.0.113.25 ip4:203.0.113.26 ~all']] };
    const v = await recorded(signed, zone);
    assert.equal(v.spf.find((s) => s.role === 'connecting-relay')?.result, 'softfail');
    assert.equal(v.spf.find((s) => s.role === 'original-sender')?.result, 'pass');
  });

  test('without Return-Path the From domain\'s postmaster is the sender', async () => {
    const noRp = replaceHeader(signed, 'Return-Path: <j.alvarez@northwindtraders.com>\r\n', '');
    const v = await recorded(noRp, b.senderZone(key));
    assert.match(v.spf[0].detail, /postmaster@northwindtraders\.com/);
    assert.equal(v.spf[0].result, 'pass');
  });

  test('SPF through include and a: mechanisms with a recorded snapshot', async () => {
    const zone: b.Zone = {
      ...b.senderZone(key),
      [b.SENDER.domain]: { TXT: [['v=spf1 include:_spf.northwindtraders.com -all']] },
      '_spf.northwindtraders.com': { TXT: [['v=spf1 a:mail.northwindtraders.com -all']] },
      'mail.northwindtraders.com': { A: ['203.0.113.25'] },
    };
    const v = await recorded(signed, zone);
    assert.equal(v.spf[0].result, 'pass');
    assert.equal(v.spf[1].result, 'fail');
    assert.ok(v.lookups.some((l) => l.name === 'mail.northwindtraders.com' && l.type === 'A' && l.outcome === 'answer'));
  });

  test('cleanAddress accepts plain and bracketed addresses and rejects junk', () => {
    assert.equal(cleanAddress('<Bounce@Mail.Example.COM>'), 'Bounce@mail.example.com');
    assert.equal(cleanAddress('<>'), undefined);
    assert.equal(cleanAddress('a b@example.com'), undefined);
    assert.equal(cleanAddress('x'.repeat(400) + '@example.com'), undefined);
  });
});

describe('DMARC', () => {
  test('alignment helper: strict is exact, relaxed uses the public suffix list', () => {
    assert.equal(aligned('northwindtraders.com', 'northwindtraders.com', true), true);
    assert.equal(aligned('northwindtraders.com', 'mail.northwindtraders.com', true), false);
    assert.equal(aligned('northwindtraders.com', 'mail.northwindtraders.com', false), true);
    assert.equal(aligned('contoso.co.uk', 'mail.contoso.co.uk', false), true);
    assert.equal(aligned('contoso.co.uk', 'fabrikam.co.uk', false), false);
    assert.equal(aligned('northwindtraders.com', 'esp-mailer.net', false), false);
  });

  describe('a subdomain signature (d=mail.northwindtraders.com) and an ESP bounce address', () => {
    let msg: Buffer;
    let zone: b.Zone;
    before(async () => {
      const subKey = b.makeKey('mail.northwindtraders.com', 'esp1');
      msg = replaceHeader(
        b.route(await b.sign(b.originalMessage(), subKey)),
        'Return-Path: <j.alvarez@northwindtraders.com>',
        'Return-Path: <bounce+4471-megan.bowen=contoso.com@bounces.esp-mailer.net>',
      );
      zone = {
        [subKey.dnsName]: { TXT: [subKey.txt] },
        'bounces.esp-mailer.net': { TXT: [['v=spf1 ip4:203.0.113.0/24 -all']] },
      };
    });

    test('adkim=s: the subdomain signature is NOT aligned, DMARC fails', async () => {
      const v = await recorded(msg, { ...zone, '_dmarc.northwindtraders.com': { TXT: [['v=DMARC1; p=reject; adkim=s; aspf=r']] } });
      assert.equal(v.dkim[0].status, 'pass');
      assert.equal(v.spf[0].result, 'pass');
      const d = v.dmarc!;
      assert.equal(d.fromDomain, 'northwindtraders.com');
      assert.equal(d.policy, 'reject');
      assert.deepEqual(d.alignment, { dkim: 'strict', spf: 'relaxed' });
      assert.equal(d.result, 'fail');
      assert.match(d.detail, /Strict DKIM alignment \(adkim=s\) rejects mail\.northwindtraders\.com/);
    });

    test('adkim=r: the same signature is aligned, DMARC passes', async () => {
      const v = await recorded(msg, { ...zone, '_dmarc.northwindtraders.com': { TXT: [['v=DMARC1; p=reject; adkim=r']] } });
      assert.deepEqual(v.dmarc!.alignment, { dkim: 'relaxed', spf: 'relaxed' });
      assert.equal(v.dmarc!.result, 'pass');
    });

    test('no DMARC record at all: result none', async () => {
      const v = await recorded(msg, zone);
      assert.equal(v.dmarc!.result, 'none');
      assert.equal(v.dmarc!.policy, undefined);
    });
  });

  describe('SPF alignment (unsigned message, bounce subdomain)', () => {
    let msg: Buffer;
    const base: b.Zone = {
      'bounce.northwindtraders.com': { TXT: [['v=spf1 ip4:203.0.113.25 -all']] },
    };
    before(() => {
      msg = replaceHeader(b.route(b.originalMessage()), 'Return-Path: <j.alvarez@northwindtraders.com>', 'Return-Path: <nwt-4471@bounce.northwindtraders.com>');
    });

    test('aspf=s fails, aspf=r passes (what-if for the original sender IP)', async () => {
      const strict = await recorded(msg, { ...base, '_dmarc.northwindtraders.com': { TXT: [['v=DMARC1; p=quarantine; aspf=s']] } });
      assert.equal(strict.spf[0].result, 'pass');
      assert.equal(strict.dmarc!.alignment.spf, 'strict');
      assert.equal(strict.dmarc!.result, 'fail');
      const relaxed = await recorded(msg, { ...base, '_dmarc.northwindtraders.com': { TXT: [['v=DMARC1; p=quarantine']] } });
      assert.equal(relaxed.dmarc!.result, 'pass');
      assert.equal(relaxed.dmarc!.policy, 'quarantine');
    });
  });

  test('a subdomain sender inherits the organisational policy (sp=)', async () => {
    const euKey = b.makeKey('eu.northwindtraders.com', 'sel1');
    const m = replaceHeader(
      b.route(await b.sign(Buffer.from(b.originalMessage().toString().replace('j.alvarez@northwindtraders.com', 'j.alvarez@eu.northwindtraders.com')), euKey)),
      'Return-Path: <j.alvarez@northwindtraders.com>',
      'Return-Path: <j.alvarez@eu.northwindtraders.com>',
    );
    const v = await recorded(m, {
      [euKey.dnsName]: { TXT: [euKey.txt] },
      '_dmarc.northwindtraders.com': { TXT: [['v=DMARC1; p=reject; sp=quarantine']] },
    });
    const d = v.dmarc!;
    assert.equal(d.fromDomain, 'eu.northwindtraders.com');
    assert.equal(d.policy, 'quarantine');
    assert.match(d.detail, /inherited from _dmarc\.northwindtraders\.com/);
    assert.equal(d.result, 'pass');
  });

  test('body modified and SPF failing for the relay only: the what-if still passes on the original IP', async () => {
    const modified = b.withBody(signed, 'CAUTION: External sender.\r\n\r\n' + b.split(signed).body.toString());
    const v = await recorded(modified, b.senderZone(key));
    assert.equal(v.dkim[0].status, 'body-modified');
    assert.equal(v.spf.find((s) => s.role === 'connecting-relay')?.result, 'fail');
    assert.equal(v.dmarc!.result, 'pass');
    assert.match(v.dmarc!.detail, /SPF: northwindtraders\.com passes for 203\.0\.113\.25 \(original-sender\)/);
    assert.match(v.dmarc!.detail, /relay 148\.163\.138\.245, for which SPF gives fail: judged on that relay, DMARC fails/);
  });
});
