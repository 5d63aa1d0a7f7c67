// DKIM re-verification: offline body-hash verdicts (with proof that no socket is opened),
// recorded-DNS verdicts, line endings, l= tails, expiry at delivery time, headers-only input.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeHeaders } from '../../../src/core/analyze';
import { verifyMessage, resolverFromSnapshot } from '../../../src/core/verify';
import { toCrlf } from '../../../src/core/verify/message';
import { createLiveResolver } from '../../../src/node/dns';
import * as b from './build';

// the real module objects (an `import * as` namespace is read-only and could not be spied on)
const dns = require('node:dns') as typeof import('node:dns');
const net = require('node:net') as typeof import('node:net');
const dgram = require('node:dgram') as typeof import('node:dgram');

const BANNER = 'CAUTION: This email originated from outside of the organization. Do not click links or open attachments unless you recognize the sender.\r\n\r\n';

let key: b.Key;
let signed: Buffer;
let zone: b.Zone;

before(async () => {
  key = b.makeKey(b.SENDER.domain, 'nwt2025');
  signed = b.route(await b.sign(b.originalMessage(), key));
  zone = b.senderZone(key);
});

async function verify(bytes: Buffer, mode: 'off' | 'recorded' = 'off', z: b.Zone = zone) {
  const a = analyzeHeaders(bytes);
  return verifyMessage(bytes, a, mode === 'off' ? {} : { dnsMode: 'recorded', resolver: resolverFromSnapshot(z) });
}

/** Counts every way a DNS query or a socket could leave the process while `fn` runs. */
async function countNetwork<T>(fn: () => Promise<T>): Promise<{ result: T; calls: string[] }> {
  const calls: string[] = [];
  const restore: Array<() => void> = [];
  const wrap = (obj: Record<string, unknown>, name: string, label: string) => {
    const orig = obj[name];
    if (typeof orig !== 'function') return;
    obj[name] = function (this: unknown, ...args: unknown[]) {
      calls.push(label);
      return (orig as (...a: unknown[]) => unknown).apply(this, args);
    };
    restore.push(() => {
      obj[name] = orig;
    });
  };
  const dnsNames = ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveTxt', 'resolveMx', 'resolveCname', 'resolveNs', 'resolvePtr', 'resolveAny', 'resolveSoa', 'resolveSrv', 'reverse'];
  for (const n of dnsNames) {
    wrap(dns.promises.Resolver.prototype as unknown as Record<string, unknown>, n, `dns.promises.Resolver#${n}`);
    wrap(dns.Resolver.prototype as unknown as Record<string, unknown>, n, `dns.Resolver#${n}`);
    wrap(dns.promises as unknown as Record<string, unknown>, n, `dns.promises.${n}`);
    wrap(dns as unknown as Record<string, unknown>, n, `dns.${n}`);
  }
  wrap(net.Socket.prototype as unknown as Record<string, unknown>, 'connect', 'net.Socket#connect');
  wrap(dgram as unknown as Record<string, unknown>, 'createSocket', 'dgram.createSocket');
  try {
    const result = await fn();
    return { result, calls };
  } finally {
    for (const r of restore.reverse()) r();
  }
}

describe('DKIM, DNS off', () => {
  test('an intact message: body hash ok, header signature not verifiable offline, and no socket is opened', async () => {
    const a = analyzeHeaders(signed);
    const { result: v, calls } = await countNetwork(() => verifyMessage(signed, a));
    assert.deepEqual(calls, []);
    assert.equal(v.dnsMode, 'off');
    assert.equal(v.dkim.length, 1);
    const d = v.dkim[0];
    assert.equal(d.status, 'not-verifiable-offline');
    assert.equal(d.bodyHashOk, true);
    assert.equal(d.bodyHashComputed, d.bodyHashExpected);
    assert.equal(d.domain, 'northwindtraders.com');
    assert.equal(d.selector, 'nwt2025');
    assert.equal(d.aligned, true);
    assert.equal(d.fieldIndex, a.headers.find((f) => f.key === 'dkim-signature')!.index);
    // the key lookup was attempted, failed with the offline code, and is recorded
    assert.deepEqual(
      v.lookups.map((l) => [l.name, l.type, l.outcome]),
      [['nwt2025._domainkey.northwindtraders.com', 'TXT', 'offline']],
    );
    assert.ok(v.notes.some((n) => /DNS is off/.test(n) && /nwt2025\._domainkey\.northwindtraders\.com/.test(n)), v.notes.join('\n'));
    assert.ok(v.notes.includes('SPF what-if needs DNS (recorded snapshot or live).'));
    assert.deepEqual(v.spf, []);
    assert.equal(v.dmarc?.result, 'not-verifiable-offline');
  });

  test('a banner added to the body is detected offline as body-modified, without a socket', async () => {
    const modified = b.withBody(signed, BANNER + b.split(signed).body.toString());
    const a = analyzeHeaders(modified);
    const { result: v, calls } = await countNetwork(() => verifyMessage(modified, a, { dnsMode: 'off' }));
    assert.deepEqual(calls, []);
    const d = v.dkim[0];
    assert.equal(d.status, 'body-modified');
    assert.equal(d.bodyHashOk, false);
    assert.notEqual(d.bodyHashComputed, d.bodyHashExpected);
    assert.match(d.detail, /body changed after northwindtraders\.com signed it/);
    assert.match(d.detail, /header signature was not checked/);
  });

  test('the same spy does see a live resolver (so the zero above means something)', async () => {
    const live = createLiveResolver({ server: '127.0.0.1:9', timeoutMs: 100, tries: 1 });
    const a = analyzeHeaders(signed);
    const { result: v, calls } = await countNetwork(() => verifyMessage(signed, a, { dnsMode: 'live', resolver: live.resolve }));
    assert.ok(calls.includes('dns.promises.Resolver#resolve'), calls.join(','));
    assert.equal(v.dkim[0].status, 'not-verifiable-offline');
    assert.ok(v.lookups.length > 0 && v.lookups.every((l) => l.outcome === 'error'), JSON.stringify(v.lookups));
  });

  test('"live" without a resolver falls back to off and says so', async () => {
    const v = await verifyMessage(signed, analyzeHeaders(signed), { dnsMode: 'live' });
    assert.equal(v.dnsMode, 'off');
    assert.equal(v.dkim[0].status, 'not-verifiable-offline');
    assert.ok(v.notes.some((n) => /without a resolver/.test(n)));
  });
});

describe('DKIM, recorded DNS', () => {
  test('pass, header-modified and key-missing are told apart', async () => {
    const pass = await verify(signed, 'recorded');
    assert.equal(pass.dkim[0].status, 'pass');
    assert.equal(pass.dkim[0].bodyHashOk, true);

    // a gateway tags the subject: a signed header changed, the body did not
    const tagged = Buffer.from(signed.toString('latin1').replace('Subject: PO 4471-B', 'Subject: [EXTERNAL] PO 4471-B'), 'latin1');
    const hm = await verify(tagged, 'recorded');
    assert.equal(hm.dkim[0].status, 'header-modified');
    assert.equal(hm.dkim[0].bodyHashOk, true);
    assert.match(hm.dkim[0].detail, /signed header field/);

    // the selector's record was removed from DNS
    const noKey: b.Zone = { ...zone };
    delete noKey[key.dnsName];
    const km = await verify(signed, 'recorded', noKey);
    assert.equal(km.dkim[0].status, 'key-missing');
    assert.equal(km.dkim[0].bodyHashOk, true);
    assert.deepEqual(
      km.lookups.filter((l) => l.name === key.dnsName).map((l) => l.outcome),
      ['nxdomain'],
    );
    assert.ok(km.notes.some((n) => /not in the snapshot counts as missing/.test(n)));
  });

  test('a body change with the key at hand also says whether the headers are intact', async () => {
    const modified = b.withBody(signed, b.split(signed).body.toString() + '\r\n-- \r\nScanned by the gateway\r\n');
    const v = await verify(modified, 'recorded');
    assert.equal(v.dkim[0].status, 'body-modified');
    assert.match(v.dkim[0].detail, /header signature itself verifies: only the body was changed/);
  });

  test('a key from another key pair gives header-modified, not pass', async () => {
    const other = b.makeKey(b.SENDER.domain, 'nwt2025');
    const v = await verify(signed, 'recorded', { ...zone, [key.dnsName]: { TXT: [other.txt] } });
    assert.equal(v.dkim[0].status, 'header-modified');
  });
});

describe('line endings', () => {
  test('toCrlf converts bare LF only and leaves CRLF alone', () => {
    assert.equal(toCrlf(Buffer.from('a\nb\r\nc\n')).toString(), 'a\r\nb\r\nc\r\n');
    const crlf = Buffer.from('x\r\ny\r\n');
    assert.equal(toCrlf(crlf), crlf);
    assert.equal(toCrlf(Buffer.from('\n\n')).toString(), '\r\n\r\n');
    assert.equal(toCrlf(new Uint8Array(Buffer.from('no newline'))).toString(), 'no newline');
  });

  test('an LF-only copy gives the same verdicts as the CRLF original', async () => {
    const lf = b.toLf(signed);
    assert.ok(!lf.includes('\r\n'));
    for (const mode of ['off', 'recorded'] as const) {
      const [x, y] = await Promise.all([verify(signed, mode), verify(lf, mode)]);
      assert.equal(y.dkim[0].status, x.dkim[0].status, mode);
      assert.equal(y.dkim[0].bodyHashComputed, x.dkim[0].bodyHashComputed, mode);
      assert.equal(y.dkim[0].bodyHashOk, true, mode);
    }
    const modLf = b.toLf(b.withBody(signed, BANNER + b.split(signed).body.toString()));
    assert.equal((await verify(modLf)).dkim[0].status, 'body-modified');
  });
});

describe('l= body length', () => {
  test('a footer after the signed length passes, and the unsigned tail is reported', async () => {
    const orig = b.originalMessage();
    const bodyLen = b.split(orig).body.length;
    const s = b.route(await b.sign(orig, key, { maxBodyLength: bodyLen }));
    const footer = '\r\n________________________________\r\nThis message was scanned for viruses by the mail gateway.\r\n';
    const withFooter = b.withBody(s, b.split(s).body.toString() + footer);
    const v = await verify(withFooter, 'recorded');
    assert.equal(v.dkim[0].status, 'pass');
    assert.ok((v.dkim[0].unsignedTailBytes ?? 0) > 0, JSON.stringify(v.dkim[0]));
    assert.match(v.dkim[0].detail, /not signed/);
    // without the footer there is no tail
    const clean = await verify(s, 'recorded');
    assert.equal(clean.dkim[0].status, 'pass');
    assert.equal(clean.dkim[0].unsignedTailBytes, undefined);
  });
});

describe('expiry is judged at delivery time', () => {
  test('x= in the past today but after delivery is not expired; x= before delivery is', async () => {
    // delivered 2024-05-14T10:00:07Z (the EOP front end); signed at 10:00:01
    const weekLater = b.route(await b.sign(b.originalMessage(), key, { expires: new Date(b.SIGN_TIME.getTime() + 7 * 86400e3) }));
    const v1 = await verify(weekLater, 'recorded');
    assert.equal(v1.dkim[0].status, 'pass');
    assert.ok(v1.notes.some((n) => n.includes('2024-05-14T10:00:07.000Z')), v1.notes.join('\n'));

    const short = b.route(await b.sign(b.originalMessage(), key, { expires: new Date(b.SIGN_TIME.getTime() + 3000) }));
    const v2 = await verify(short, 'recorded');
    assert.equal(v2.dkim[0].status, 'expired');
    assert.match(v2.dkim[0].detail, /expired/);
  });

  test('without EOP hops the newest Received date is the delivery time', async () => {
    const s = b.route(await b.sign(b.originalMessage(), key, { expires: new Date(b.SIGN_TIME.getTime() + 60e3) }), { eop: false });
    const v = await verify(s, 'recorded');
    assert.equal(v.dkim[0].status, 'pass');
  });
});

describe('headers-only input', () => {
  test('body checks say "not available (headers only)", never body-modified', async () => {
    const headers = b.split(signed).head;
    const off = await verify(headers);
    assert.equal(off.dkim[0].bodyHashOk, null);
    assert.notEqual(off.dkim[0].status, 'body-modified');
    assert.equal(off.dkim[0].status, 'not-verifiable-offline');
    assert.match(off.dkim[0].detail, /not available \(headers only\)/);
    assert.ok(off.notes.some((n) => /headers only/.test(n)));

    const rec = await verify(headers, 'recorded');
    assert.equal(rec.dkim[0].bodyHashOk, null);
    assert.equal(rec.dkim[0].status, 'pass');
    assert.match(rec.dkim[0].detail, /not available \(headers only\)/);

    const tagged = Buffer.from(headers.toString('latin1').replace('Subject: PO', 'Subject: [EXTERNAL] PO'), 'latin1');
    const hm = await verify(tagged, 'recorded');
    assert.equal(hm.dkim[0].status, 'header-modified');
    assert.equal(hm.dkim[0].bodyHashOk, null);
  });
});

describe('messages above the size limit', () => {
  test('only the header block is used: no body verdict, the header signature still checked', async () => {
    const a = analyzeHeaders(signed, { maxMessageBytes: 1000 });
    assert.equal(a.input.headersOnly, true);
    assert.ok(a.input.bodyStartByte < signed.length);
    const v = await verifyMessage(signed, a, { dnsMode: 'recorded', resolver: resolverFromSnapshot(zone) });
    assert.equal(v.dkim[0].bodyHashOk, null);
    assert.equal(v.dkim[0].bodyHashComputed, undefined);
    assert.equal(v.dkim[0].status, 'pass');
    assert.ok(v.notes.some((n) => /above the size limit/.test(n)));
    // the same bytes, read whole, do get a body verdict
    assert.equal((await verify(signed, 'recorded')).dkim[0].bodyHashOk, true);
  });
});

describe('gateway re-signing', () => {
  test('a second signature by a vendor domain is marked vendorResign', async () => {
    const sophos = b.makeKey('mail-dkim-us-west2.prod.hydra.sophos.com', 'v1');
    // the Sophos hop re-signs the message it relays (DOMAIN.md §6.1)
    const both = await b.sign(b.route(await b.sign(b.originalMessage(), key), { eop: false }), sophos);
    const v = await verify(both, 'recorded', { ...zone, [sophos.dnsName]: { TXT: [sophos.txt] } });
    assert.equal(v.dkim.length, 2);
    const own = v.dkim.find((d) => d.domain === 'northwindtraders.com')!;
    const vendor = v.dkim.find((d) => d.domain === 'mail-dkim-us-west2.prod.hydra.sophos.com')!;
    assert.equal(own.status, 'pass');
    assert.equal(own.vendorResign, undefined);
    assert.equal(vendor.status, 'pass');
    assert.equal(vendor.aligned, false);
    assert.ok(vendor.vendorResign && /sophos/i.test(vendor.vendorResign), String(vendor.vendorResign));
  });

  test('an unknown third-party signature next to the From-domain one is marked too', async () => {
    const esp = b.makeKey('esp-mailer.net', 's1');
    const both = await b.sign(b.route(await b.sign(b.originalMessage(), key), { eop: false }), esp);
    const v = await verify(both, 'recorded', { ...zone, [esp.dnsName]: { TXT: [esp.txt] } });
    assert.equal(v.dkim.find((d) => d.domain === 'esp-mailer.net')?.vendorResign, 'esp-mailer.net');
    assert.equal(v.dkim.find((d) => d.domain === 'northwindtraders.com')?.vendorResign, undefined);
  });
});

describe('robustness', () => {
  test('a resolver that throws synchronously or returns garbage never makes verifyMessage throw', async () => {
    const a = analyzeHeaders(signed);
    const v1 = await verifyMessage(signed, a, {
      dnsMode: 'live',
      resolver: () => {
        throw 'boom';
      },
    });
    assert.equal(v1.dkim[0].status, 'not-verifiable-offline');
    assert.equal(v1.dkim[0].bodyHashOk, true);
    const v2 = await verifyMessage(signed, a, { dnsMode: 'live', resolver: async () => 42 });
    assert.equal(v2.dkim.length, 1);
    assert.ok(['not-verifiable-offline', 'invalid', 'error'].includes(v2.dkim[0].status), v2.dkim[0].status);
  });

  test('at most 20 signatures are verified, so a crafted message cannot trigger a lookup per signature', async () => {
    let m = b.originalMessage();
    for (let i = 0; i < 30; i++) m = await b.sign(m, { ...key, selector: `s${i}`, dnsName: `s${i}._domainkey.${key.domain}` });
    m = b.route(m);
    const z: b.Zone = { ...zone };
    for (let i = 0; i < 30; i++) z[`s${i}._domainkey.${key.domain}`] = { TXT: [key.txt] };
    const asked: string[] = [];
    const inner = resolverFromSnapshot(z);
    const v = await verifyMessage(m, analyzeHeaders(m), {
      dnsMode: 'live',
      resolver: (name, type) => {
        asked.push(name);
        return inner(name, type);
      },
    });
    assert.equal(v.dkim.length, 30);
    assert.equal(v.dkim.filter((d) => d.status === 'pass').length, 20);
    const unchecked = v.dkim.filter((d) => d.status === 'error');
    assert.equal(unchecked.length, 10);
    assert.match(unchecked[0].detail, /only the first 20 are verified/);
    assert.equal(asked.filter((n) => n.includes('._domainkey.')).length, 20);
    assert.ok(v.notes.some((n) => /more than 20 DKIM signatures; 10 of them were not checked/.test(n)));
  });

  test('an unsigned message has no DKIM checks', async () => {
    const plain = b.route(b.originalMessage());
    const v = await verify(plain);
    assert.deepEqual(v.dkim, []);
    assert.equal(v.arc?.chain, 'none');
  });

  test('a signature with an unknown algorithm is reported invalid, not dropped', async () => {
    const bad = b.prepend(
      b.originalMessage(),
      'DKIM-Signature: v=1; a=rsa-sha512; c=relaxed/relaxed; d=northwindtraders.com; s=nwt2025; h=From:To:Subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=dGVzdA==',
    );
    const v = await verify(bad);
    assert.equal(v.dkim.length, 1);
    assert.equal(v.dkim[0].status, 'invalid');
    assert.match(v.dkim[0].detail, /rsa-sha512/);
  });
});
