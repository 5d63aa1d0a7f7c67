// DNS snapshots in mailauth's --dns-cache shape: strict validation of untrusted files, the
// snapshot resolver, the recording wrapper, and round trips (record → file → replay).
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeHeaders } from '../../../src/core/analyze';
import {
  verifyMessage,
  parseDnsSnapshot,
  resolverFromSnapshot,
  recordingResolver,
  formatDnsSnapshot,
  offlineResolver,
  OFFLINE_CODE,
  LIMIT_CODE,
} from '../../../src/core/verify';
import * as b from './build';

const { dkimVerify } = require('mailauth/lib/dkim/verify') as {
  dkimVerify(m: Buffer, o: { resolver: (n: string, t: string) => Promise<unknown>; curTime: Date }): Promise<{ results: Array<{ status: { result: string } }> }>;
};

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
}

describe('parseDnsSnapshot', () => {
  test('reads the example from mailauth\'s CLI documentation unchanged', () => {
    const text = JSON.stringify({
      'example.com': { TXT: [['v=spf1 include:_spf.example.com -all']], MX: [{ exchange: 'mail.example.com', priority: 10 }] },
      '_dmarc.example.com': { TXT: [['v=DMARC1; p=reject; rua=mailto:dmarc@example.com;']] },
    });
    const { snapshot, problems } = parseDnsSnapshot(text);
    assert.deepEqual(problems, []);
    assert.deepEqual(JSON.parse(JSON.stringify(snapshot)), JSON.parse(text));
  });

  test('keeps the valid entries of a hostile file and names every dropped one', () => {
    // written as text: in an object literal "__proto__" would set the prototype instead
    const text = '{"__proto__": {"TXT": [["polluted"]]}, ' + JSON.stringify({
      'Good.Example.COM.': { TXT: [['v=spf1 -all']], A: ['192.0.2.1'], AAAA: ['2001:db8::1'] },
      'bad name.example.com': { TXT: [['x']] },
      'a..b.example.com': { A: ['192.0.2.2'] },
      ['x'.repeat(300)]: { A: ['192.0.2.3'] },
      'types.example.com': { SOA: ['ns1.example.com'], TXT: 'not a list', A: ['010.1.1.1'], AAAA: ['192.0.2.9'], MX: [{ exchange: 'mx.example.com', priority: -1 }] },
      'value.example.com': 'not an object',
      'empty.example.com': {},
      'ok-mx.example.com': { MX: [{ exchange: 'MX1.Example.com.', priority: 5 }] },
    }).slice(1);
    const { snapshot, problems } = parseDnsSnapshot(text);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(snapshot), null);
    // __proto__ is a syntactically possible label, kept as plain data
    assert.deepEqual(snapshot['__proto__'].TXT, [['polluted']]);
    assert.deepEqual(snapshot['good.example.com'], Object.assign(Object.create(null), { TXT: [['v=spf1 -all']], A: ['192.0.2.1'], AAAA: ['2001:db8::1'] }));
    assert.equal(snapshot['bad name.example.com'], undefined);
    assert.equal(snapshot['a..b.example.com'], undefined);
    assert.deepEqual(Object.keys(snapshot['types.example.com']), []);
    assert.deepEqual(Object.keys(snapshot['empty.example.com']), []);
    assert.deepEqual(snapshot['ok-mx.example.com'].MX, [{ exchange: 'mx1.example.com', priority: 5 }]);
    const all = problems.join('\n');
    for (const needle of ['bad name.example.com', 'a..b.example.com', 'SOA', 'TXT records of "types.example.com"', '010.1.1.1', '192.0.2.9', 'MX priority', 'value.example.com']) {
      assert.ok(all.includes(needle), `problem about ${needle} missing in:\n${all}`);
    }
  });

  test('rejects non-JSON, non-objects and oversized text without throwing', () => {
    assert.match(parseDnsSnapshot('{').problems[0], /not valid JSON/);
    assert.match(parseDnsSnapshot('[1,2]').problems[0], /must be a JSON object/);
    assert.match(parseDnsSnapshot('null').problems[0], /must be a JSON object/);
    const big = parseDnsSnapshot(' '.repeat(17 * 1024 * 1024));
    assert.match(big.problems[0], /larger than/);
    assert.deepEqual(Object.keys(big.snapshot), []);
  });

  test('a TXT record given as a bare string is read as one string', () => {
    const { snapshot, problems } = parseDnsSnapshot('{"example.org": {"TXT": ["v=spf1 -all"]}}');
    assert.deepEqual(problems, []);
    assert.deepEqual(snapshot['example.org'].TXT, [['v=spf1 -all']]);
  });
});

describe('resolverFromSnapshot', () => {
  test('ENOTFOUND for unknown names, ENODATA for a missing type, copies of the answers', async () => {
    const r = resolverFromSnapshot({ 'example.org': { TXT: [['v=spf1 -all']] }, 'exists.example.org': {} });
    assert.deepEqual(await r('EXAMPLE.org.', 'txt'), [['v=spf1 -all']]);
    assert.equal(await codeOf(r('nothere.example.org', 'TXT')), 'ENOTFOUND');
    assert.equal(await codeOf(r('example.org', 'A')), 'ENODATA');
    assert.equal(await codeOf(r('exists.example.org', 'A')), 'ENODATA');
    const first = (await r('example.org', 'TXT')) as string[][];
    first[0][0] = 'changed';
    assert.deepEqual(await r('example.org', 'TXT'), [['v=spf1 -all']]);
    // "constructor" / "__proto__" lookups do not reach Object.prototype
    assert.equal(await codeOf(r('constructor', 'TXT')), 'ENOTFOUND');
    assert.equal(await codeOf(r('__proto__', 'TXT')), 'ENOTFOUND');
  });

  test('accepts snapshot text and the result of parseDnsSnapshot too', async () => {
    const text = '{"example.org": {"A": ["192.0.2.7"]}}';
    assert.deepEqual(await resolverFromSnapshot(text)('example.org', 'A'), ['192.0.2.7']);
    assert.deepEqual(await resolverFromSnapshot(parseDnsSnapshot(text))('example.org', 'A'), ['192.0.2.7']);
  });
});

describe('recordingResolver', () => {
  test('records outcomes, caches, and snapshots only what exists', async () => {
    const inner = resolverFromSnapshot({ 'example.org': { TXT: [['v=spf1 -all']] }, 'nodata.example.org': { A: ['192.0.2.1'] } });
    const rec = recordingResolver(inner);
    await rec.resolver('example.org', 'TXT');
    await rec.resolver('Example.Org.', 'TXT'); // cached
    assert.equal(await codeOf(rec.resolver('gone.example.org', 'TXT')), 'ENOTFOUND');
    assert.equal(await codeOf(rec.resolver('nodata.example.org', 'TXT')), 'ENODATA');
    assert.deepEqual(
      rec.lookups.map((l) => [l.name, l.type, l.outcome]),
      [
        ['example.org', 'TXT', 'answer'],
        ['gone.example.org', 'TXT', 'nxdomain'],
        ['nodata.example.org', 'TXT', 'nodata'],
      ],
    );
    assert.deepEqual(JSON.parse(formatDnsSnapshot(rec.snapshot())), { 'example.org': { TXT: [['v=spf1 -all']] }, 'nodata.example.org': {} });
  });

  test('stops sending queries after its budget and records that once', async () => {
    let sent = 0;
    const rec = recordingResolver(
      async (name) => {
        sent++;
        return [[`v=spf1 -all ${name}`]];
      },
      { maxLookups: 3 },
    );
    for (let i = 0; i < 3; i++) await rec.resolver(`n${i}.example.org`, 'TXT');
    assert.equal(await codeOf(rec.resolver('n3.example.org', 'TXT')), LIMIT_CODE);
    assert.equal(await codeOf(rec.resolver('n4.example.org', 'TXT')), LIMIT_CODE);
    // cached answers are still served
    assert.deepEqual(await rec.resolver('n0.example.org', 'TXT'), [['v=spf1 -all n0.example.org']]);
    assert.equal(sent, 3);
    assert.equal(rec.lookups.length, 4);
    assert.equal(rec.lookups[3].outcome, 'error');
    assert.match(rec.lookups[3].error ?? '', /more than 3 DNS lookups/);
  });

  test('offline and failed lookups are recorded but not written to the snapshot', async () => {
    const rec = recordingResolver(offlineResolver());
    assert.equal(await codeOf(rec.resolver('sel._domainkey.example.org', 'TXT')), OFFLINE_CODE);
    const failing = recordingResolver(async () => {
      throw Object.assign(new Error('queryTxt ETIMEOUT example.org'), { code: 'ETIMEOUT' });
    });
    assert.equal(await codeOf(failing.resolver('example.org', 'TXT')), 'ETIMEOUT');
    assert.deepEqual(rec.lookups[0].outcome, 'offline');
    assert.deepEqual([failing.lookups[0].outcome, failing.lookups[0].error], ['error', 'ETIMEOUT']);
    assert.deepEqual(Object.keys(rec.snapshot()), []);
    assert.deepEqual(Object.keys(failing.snapshot()), []);
  });
});

describe('record, write, replay', () => {
  let key: b.Key;
  let signed: Buffer;
  before(async () => {
    key = b.makeKey(b.SENDER.domain, 'nwt2025');
    signed = b.route(await b.sign(b.originalMessage(), key));
  });

  test('a snapshot recorded during verification replays to the same verdicts', async () => {
    const a = analyzeHeaders(signed);
    const rec = recordingResolver(resolverFromSnapshot(b.senderZone(key)));
    const first = await verifyMessage(signed, a, { dnsMode: 'live', resolver: rec.resolver });
    const file = formatDnsSnapshot(rec.snapshot());
    const { snapshot, problems } = parseDnsSnapshot(file);
    assert.deepEqual(problems, []);
    const again = await verifyMessage(signed, a, { dnsMode: 'recorded', resolver: resolverFromSnapshot(snapshot) });
    assert.equal(first.dkim[0].status, 'pass');
    assert.deepEqual(again.dkim.map((d) => d.status), first.dkim.map((d) => d.status));
    assert.deepEqual(again.spf.map((s) => [s.ip, s.result]), first.spf.map((s) => [s.ip, s.result]));
    assert.equal(again.dmarc?.result, first.dmarc?.result);
    assert.deepEqual(again.lookups.map((l) => [l.name, l.type, l.outcome]), first.lookups.map((l) => [l.name, l.type, l.outcome]));
  });

  test('the written file works the way mailauth\'s --dns-cache reads it', async () => {
    const rec = recordingResolver(resolverFromSnapshot(b.senderZone(key)));
    await verifyMessage(signed, analyzeHeaders(signed), { dnsMode: 'live', resolver: rec.resolver });
    const dnsCache = JSON.parse(formatDnsSnapshot(rec.snapshot()));
    // the lookup of mailauth's `report --dns-cache` command
    const cliResolver = async (name: string, rr: string) => {
      const match = dnsCache?.[name]?.[rr];
      if (!match) throw Object.assign(new Error('Error'), { code: 'ENOTFOUND' });
      return match;
    };
    const r = await dkimVerify(signed, { resolver: cliResolver, curTime: b.EDGE_TIME });
    assert.equal(r.results[0].status.result, 'pass');
  });
});
