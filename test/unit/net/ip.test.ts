import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bigIntToIp,
  classifyIp,
  ipClassName,
  ipInSpec,
  ipToBigInt,
  isPrivateOrLoopback,
  isPublicIp,
  mergeSpecs,
  normalizeIp,
  parseIp,
  parseIpSpec,
  type IpSpec,
} from '../../../src/core/net/ip';

function spec(text: string): IpSpec {
  const s = parseIpSpec(text);
  assert.ok(s, `expected ${text} to parse`);
  return s;
}

describe('parseIp: IPv4 is strict', () => {
  test('accepts dotted quads, bare or bracketed, and re-serialises them', () => {
    assert.deepEqual(
      ['192.0.2.1', '[192.0.2.1]', ' 192.0.2.1 ', '[ 192.0.2.1 ]', '0.0.0.0', '255.255.255.255'].map((t) => parseIp(t)?.ip),
      ['192.0.2.1', '192.0.2.1', '192.0.2.1', '192.0.2.1', '0.0.0.0', '255.255.255.255'],
    );
    assert.equal(parseIp('148.163.138.245')?.version, 4);
  });

  test('rejects octal-looking, short, out-of-range and hex forms that inet_aton would accept', () => {
    for (const t of ['010.1.1.1', '1.2.3.04', '127.1', '1.2.3', '256.1.1.1', '1.2.3.256', '0x7f.0.0.1', '1.2.3.4.5', '1.2.3.4.', '.1.2.3.4', '1..2.3', '-1.2.3.4']) {
      assert.equal(parseIp(t), null, t);
    }
  });

  test('rejects non-ASCII digits and empty input', () => {
    for (const t of ['\uff11.2.3.4', '1.2.3.\u0664', '', '   ', '[]', null, undefined]) {
      assert.equal(parseIp(t as string), null, String(t));
    }
  });
});

describe('parseIp: IPv6', () => {
  test('[IPv6:...] literal as in Received fields', () => {
    const p = parseIp('[IPv6:2001:db8::1]');
    assert.equal(p?.ip, '2001:db8::1');
    assert.equal(p?.version, 6);
  });

  test('canonical RFC 5952 text: lower case, longest zero run compressed', () => {
    assert.equal(parseIp('2001:DB8:0:0:0:0:0:1')?.ip, '2001:db8::1');
    assert.equal(parseIp('IPv6:2001:0db8:0000:0000:0001:0000:0000:0001')?.ip, '2001:db8::1:0:0:1');
    assert.equal(parseIp('2603:10A6:910:13::9')?.ip, '2603:10a6:910:13::9');
  });

  test('IPv4-mapped IPv6 is returned as IPv4', () => {
    const p = parseIp('::ffff:192.0.2.7');
    assert.equal(p?.ip, '192.0.2.7');
    assert.equal(p?.version, 4);
    assert.equal(parseIp('::FFFF:c000:0207')?.ip, '192.0.2.7');
    assert.equal(parseIp('[IPv6:::ffff:203.0.113.9]')?.ip, '203.0.113.9');
  });

  test('the embedded IPv4 tail must be strict too', () => {
    assert.equal(parseIp('::ffff:010.1.1.1'), null);
    assert.equal(parseIp('::ffff:1.2.3'), null);
    assert.equal(parseIp('64:ff9b::1.2.3.256'), null);
  });

  test('zone ids are stripped', () => {
    assert.equal(parseIp('fe80::1%eth0.100')?.ip, 'fe80::1');
    assert.equal(parseIp('[fe80::1%25en0]')?.ip, 'fe80::1');
  });

  test('rejects malformed addresses', () => {
    for (const t of ['1::2::3', '2001:db8::g', '1:2:3:4:5:6:7:8:9', ':::', '[2001:db8::1', '2001:db8::1]', '2001:db8::1/64', '12345::1', '%eth0', 'IPv6:']) {
      assert.equal(parseIp(t), null, t);
    }
  });

  test('hostile lengths return null without throwing', () => {
    assert.equal(parseIp('1'.repeat(10_000)), null);
    assert.equal(parseIp(`${'1:'.repeat(5000)}1`), null);
    assert.equal(parseIp(`192.0.2.1${' '.repeat(100)}x`), null);
  });

  test('never throws on arbitrary strings; whatever it accepts re-parses to itself', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-fA-F:.%[\]]{0,48}$/)), (s) => {
        const p = parseIp(s);
        if (p) assert.equal(parseIp(p.ip)?.ip, p.ip);
      }),
      { numRuns: 2000 },
    );
  });

  test('normalizeIp returns the canonical text or undefined', () => {
    assert.equal(normalizeIp('[IPv6:2001:DB8::A]'), '2001:db8::a');
    assert.equal(normalizeIp('127.1'), undefined);
    assert.equal(normalizeIp(undefined), undefined);
  });
});

describe('classifyIp', () => {
  const cases: Array<[string, string]> = [
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['100.128.0.1', 'public'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.250', 'documentation'],
    ['2001:db8::1', 'documentation'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['169.254.10.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['148.163.138.245', 'public'],
    ['40.107.22.51', 'public'],
    ['2a01:111:f403:c200::1', 'public'],
    ['::ffff:10.1.2.3', 'private'],
  ];
  for (const [ip, cls] of cases) {
    test(`${ip} -> ${cls}`, () => assert.equal(classifyIp(ip), cls));
  }

  test('accepts a parsed address and treats unparsable text as reserved', () => {
    const p = parseIp('192.168.7.7');
    assert.ok(p);
    assert.equal(classifyIp(p), 'private');
    assert.equal(classifyIp('010.1.1.1'), 'reserved');
  });

  test('isPublicIp: public and documentation ranges count as internet addresses', () => {
    assert.equal(isPublicIp('148.163.138.245'), true);
    assert.equal(isPublicIp('192.0.2.7'), true);
    assert.equal(isPublicIp('2001:db8::7'), true);
    assert.equal(isPublicIp('10.1.2.3'), false);
    assert.equal(isPublicIp('100.64.1.1'), false);
    assert.equal(isPublicIp('not an ip'), false);
  });

  test('isPrivateOrLoopback covers what Enhanced Filtering skips by itself', () => {
    for (const ip of ['10.1.2.3', '172.20.0.1', '192.168.0.1', '127.0.0.1', '::1', 'fd00::5', 'fe80::5', '169.254.0.5', '100.64.0.5']) {
      assert.equal(isPrivateOrLoopback(ip), true, ip);
    }
    for (const ip of ['192.0.2.1', '8.8.8.8', '2a01:111:f403::1', '224.0.0.1']) {
      assert.equal(isPrivateOrLoopback(ip), false, ip);
    }
  });
});

describe('ipClassName: how address classes are worded', () => {
  test('link-local (fe80::/10, 169.254/16) is called link-local, never RFC 1918', () => {
    for (const ip of ['fe80::1c2d:3e4f:5a6b:7c8d', 'fe80::1%13', '169.254.10.20']) {
      const words = ipClassName(classifyIp(parseIp(ip)!));
      assert.equal(words, 'link-local address', ip);
      assert.doesNotMatch(words, /1918|private/, ip);
    }
  });

  test('only IPv4 private space is named after RFC 1918', () => {
    assert.equal(ipClassName(classifyIp('10.1.2.3')), 'private (RFC 1918) address');
    assert.equal(ipClassName(classifyIp('192.168.0.1')), 'private (RFC 1918) address');
    assert.equal(ipClassName(classifyIp('127.0.0.1')), 'loopback address');
    assert.equal(ipClassName(classifyIp('::1')), 'loopback address');
    assert.equal(ipClassName(classifyIp('fd12:3456::1')), 'unique-local IPv6 address (fc00::/7)');
    assert.equal(ipClassName(classifyIp('100.64.1.1')), 'carrier-grade NAT address (RFC 6598)');
    for (const c of ['public', 'link-local', 'loopback', 'cgnat', 'documentation', 'reserved', 'unspecified', 'multicast', 'unique-local'] as const) {
      assert.doesNotMatch(ipClassName(c), /1918/, c);
    }
  });
});

describe('parseIpSpec', () => {
  test('single address', () => {
    const s = spec('192.0.2.10');
    assert.equal(s.kind, 'single');
    assert.equal(s.text, '192.0.2.10');
    assert.equal(s.lo, s.hi);
    assert.equal(s.lo, 0xc000020an);
  });

  test('a-b range, IPv4 and IPv6', () => {
    const s = spec('192.0.2.10-192.0.2.20');
    assert.equal(s.kind, 'range');
    assert.equal(s.text, '192.0.2.10-192.0.2.20');
    assert.equal(s.hi - s.lo, 10n);
    const v6 = spec('2001:DB8::1-2001:db8::ff');
    assert.equal(v6.kind, 'range');
    assert.equal(v6.version, 6);
    assert.equal(v6.text, '2001:db8::1-2001:db8::ff');
  });

  test('CIDR with host bits is normalised to its network', () => {
    const s = spec('192.168.1.7/24');
    assert.equal(s.kind, 'cidr');
    assert.equal(s.text, '192.168.1.0/24');
    assert.equal(s.lo, 0xc0a80100n);
    assert.equal(s.hi, 0xc0a801ffn);
    assert.equal(spec('2001:db8::1:2/64').text, '2001:db8::/64');
    assert.equal(spec('2a01:111:f403::/48').text, '2a01:111:f403::/48');
    assert.equal(spec('0.0.0.0/0').hi, 0xffffffffn);
    assert.equal(spec('203.0.113.9/32').text, '203.0.113.9/32');
  });

  test('an IPv4-mapped CIDR counts its prefix in IPv6 bits', () => {
    const s = spec('::ffff:192.0.2.0/120');
    assert.equal(s.version, 4);
    assert.equal(s.text, '192.0.2.0/24');
    assert.equal(spec('[IPv6:::ffff:203.0.113.9]/128').text, '203.0.113.9/32');
    assert.equal(spec('::ffff:0:0/96').text, '0.0.0.0/0');
    // /8 of ::ffff:10.0.0.0 is ::/8 in IPv6 terms, not 10.0.0.0/8
    assert.equal(parseIpSpec('::ffff:10.0.0.0/8'), null);
    assert.equal(parseIpSpec('::ffff:10.0.0.0/129'), null);
    // an IPv4 base written with the IPv6: tag is still an IPv4 prefix
    assert.equal(spec('IPv6:192.0.2.9/24').text, '192.0.2.0/24');
  });

  test('invalid specs give null', () => {
    for (const t of [
      '',
      'x',
      '/24',
      '192.0.2.1/',
      '192.0.2.1/33',
      '2001:db8::/129',
      '192.0.2.1/-1',
      '192.0.2.1/24/1',
      '192.0.2.20-192.0.2.10',
      '192.0.2.1-2001:db8::1',
      '192.0.2.1-',
      '-192.0.2.1',
      '192.0.2.1-192.0.2.2-192.0.2.3',
      '010.1.1.1/8',
      '127.1/8',
      '192.0.2.1/ab',
      `${'1'.repeat(200)}/8`,
    ]) {
      assert.equal(parseIpSpec(t), null, t);
    }
  });
});

describe('ipInSpec', () => {
  test('inclusive bounds', () => {
    const s = spec('192.0.2.10-192.0.2.20');
    assert.equal(ipInSpec('192.0.2.10', s), true);
    assert.equal(ipInSpec('192.0.2.20', s), true);
    assert.equal(ipInSpec('192.0.2.9', s), false);
    assert.equal(ipInSpec('192.0.2.21', s), false);
    assert.equal(ipInSpec('40.107.200.1', spec('40.107.0.0/16')), true);
    assert.equal(ipInSpec('40.108.0.1', spec('40.107.0.0/16')), false);
  });

  test('mixed families never match', () => {
    assert.equal(ipInSpec('192.0.2.7', spec('::/0')), false);
    assert.equal(ipInSpec('2001:db8::1', spec('0.0.0.0/0')), false);
    // an IPv4-mapped address is IPv4, so it matches IPv4 specs only
    assert.equal(ipInSpec('::ffff:192.0.2.7', spec('192.0.2.0/24')), true);
    assert.equal(ipInSpec('::ffff:192.0.2.7', spec('2001:db8::/32')), false);
  });

  test('unparsable addresses never match', () => {
    assert.equal(ipInSpec('010.1.1.1', spec('0.0.0.0/0')), false);
    assert.equal(ipInSpec('', spec('0.0.0.0/0')), false);
  });
});

describe('mergeSpecs', () => {
  const merged = (...texts: string[]) => mergeSpecs(texts.map(spec)).map((s) => `${s.kind}:${s.text}`);

  test('adjacent singles join into a range, or a CIDR when aligned', () => {
    assert.deepEqual(merged('192.0.2.5', '192.0.2.6', '192.0.2.7'), ['range:192.0.2.5-192.0.2.7']);
    assert.deepEqual(merged('192.0.2.7', '192.0.2.4', '192.0.2.6', '192.0.2.5'), ['cidr:192.0.2.4/30']);
  });

  test('overlapping and adjacent specs join', () => {
    assert.deepEqual(merged('192.0.2.0/25', '192.0.2.128-192.0.2.255'), ['cidr:192.0.2.0/24']);
    assert.deepEqual(merged('198.51.100.3-198.51.100.9', '198.51.100.5/32', '198.51.100.8-198.51.100.12'), ['range:198.51.100.3-198.51.100.12']);
    assert.deepEqual(merged('2001:db8::/33', '2001:db8:8000::/33'), ['cidr:2001:db8::/32']);
  });

  test('gaps and families stay apart; output is ordered, IPv4 first', () => {
    assert.deepEqual(merged('2001:db8::5', '203.0.113.9', '192.0.2.1', '192.0.2.3'), [
      'single:192.0.2.1',
      'single:192.0.2.3',
      'single:203.0.113.9',
      'single:2001:db8::5',
    ]);
    assert.deepEqual(mergeSpecs([]), []);
  });

  test('merging covers exactly the same addresses (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 8 })), { minLength: 1, maxLength: 12 }), (parts) => {
        const base = 0xc0000200n; // 192.0.2.0
        const input = parts.map(([a, len]) => {
          const lo = base + BigInt(a);
          const hi = lo + BigInt(Math.min(len, 255 - a));
          return spec(lo === hi ? bigIntToIp(lo, 4) : `${bigIntToIp(lo, 4)}-${bigIntToIp(hi, 4)}`);
        });
        const out = mergeSpecs(input);
        for (let v = base; v < base + 256n; v++) {
          const ip = bigIntToIp(v, 4);
          assert.equal(
            out.some((s) => ipInSpec(ip, s)),
            input.some((s) => ipInSpec(ip, s)),
            ip,
          );
        }
        // no two outputs touch or overlap (they would have been merged)
        for (let i = 1; i < out.length; i++) assert.ok(out[i].lo > out[i - 1].hi + 1n);
        // every output text parses back to the same bounds
        for (const s of out) {
          const re = spec(s.text);
          assert.equal(re.lo, s.lo);
          assert.equal(re.hi, s.hi);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('ipToBigInt / bigIntToIp', () => {
  test('round-trip', () => {
    const p = parseIp('2a01:111:f403:c200::1');
    assert.ok(p);
    assert.equal(bigIntToIp(ipToBigInt(p.addr), 6), '2a01:111:f403:c200::1');
    assert.equal(bigIntToIp(0xffffffffn, 4), '255.255.255.255');
    assert.equal(bigIntToIp(0n, 6), '::');
  });
});
