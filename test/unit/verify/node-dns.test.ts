// The live resolver adapter (src/node/dns.ts): server address parsing and its guard rails. The
// queries themselves are exercised against a real DNS server in live.test.ts.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createLiveResolver, parseServerAddress } from '../../../src/node/dns';

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
}

describe('parseServerAddress', () => {
  test('host:port, [v6]:port and bare addresses', () => {
    assert.deepEqual(parseServerAddress('127.0.0.1:5353'), { host: '127.0.0.1', port: 5353, server: '127.0.0.1:5353' });
    assert.deepEqual(parseServerAddress(' [::1]:53 '), { host: '::1', port: 53, server: '[::1]:53' });
    assert.deepEqual(parseServerAddress('192.0.2.53'), { host: '192.0.2.53', port: 53, server: '192.0.2.53:53' });
    assert.deepEqual(parseServerAddress('2001:db8::53'), { host: '2001:db8::53', port: 53, server: '[2001:db8::53]:53' });
    assert.deepEqual(parseServerAddress('[2001:DB8::53]'), { host: '2001:db8::53', port: 53, server: '[2001:db8::53]:53' });
  });

  test('host names, bad ports and junk are refused with one sentence', () => {
    for (const bad of ['dns.example.com:53', '127.0.0.1:0', '127.0.0.1:65536', '127.0.0.1:5x', '[::1', '[::1]x', '', '010.0.0.1:53', '1.2.3.4:53:53']) {
      assert.throws(() => parseServerAddress(bad), /Invalid DNS server/, bad);
    }
  });
});

describe('createLiveResolver', () => {
  test('an invalid server throws at creation, before any query', () => {
    assert.throws(() => createLiveResolver({ server: 'resolver.example.net' }), /must be an IP address/);
  });

  test('record types outside what the verifier needs, and bad names, are refused without a query', async () => {
    const r = createLiveResolver({ server: '127.0.0.1:9', timeoutMs: 100, tries: 1 });
    assert.equal(r.server, '127.0.0.1:9');
    assert.equal(await codeOf(r.resolve('example.com', 'AXFR')), 'ENOTIMP');
    assert.equal(await codeOf(r.resolve('', 'TXT')), 'EBADNAME');
    assert.equal(await codeOf(r.resolve('x'.repeat(300), 'TXT')), 'EBADNAME');
  });

  test('a server that does not answer gives a DNS error code, not a hang', async () => {
    // nothing listens on the discard port of loopback
    const r = createLiveResolver({ server: '127.0.0.1:9', timeoutMs: 100, tries: 1, maxLookupMs: 500 });
    const code = await codeOf(r.resolve('example.com', 'TXT'));
    assert.ok(code && ['ECONNREFUSED', 'ETIMEOUT', 'ETIMEDOUT', 'ESERVFAIL'].includes(code), String(code));
  });
});
