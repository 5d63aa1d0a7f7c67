import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  arg,
  checkAddress,
  checkConnectorName,
  checkDomain,
  commentText,
  displayValue,
  psCommand,
  psComment,
  psList,
  psQuote,
  unsafeCharReason,
} from '../../../src/core/remedy/powershell';
import { scanLiterals } from './ps-shape';

describe('psQuote', () => {
  test('wraps in single quotes and doubles the ASCII single quote', () => {
    assert.equal(psQuote("O'Brien"), "'O''Brien'");
    assert.equal(psQuote(''), "''");
  });

  test('doubles every single-quote look-alike PowerShell accepts (U+2018, U+2019, U+201A, U+201B)', () => {
    for (const q of ['\u2018', '\u2019', '\u201A', '\u201B']) {
      assert.equal(psQuote(`a${q}b`), `'a${q}${q}b'`);
    }
  });

  test('a PowerShell-faithful scan reads the literal back unchanged', () => {
    const values = ["a'b", 'a\u2019;b', "'; Remove-Item C:\\ -Recurse; '", '$(calc)', '@(1,2)', '`whoami`', 'a|b', '\u201B\u201A\u2018\u2019\'', '\u201Cdq\u201D'];
    for (const v of values) {
      const { shape, literals } = scanLiterals(`X ${psQuote(v)}`);
      assert.equal(shape, 'X S', v);
      assert.deepEqual(literals, [v]);
    }
  });

  test('without doubling the look-alike, the same scan would end the literal early (the test tool catches it)', () => {
    const naive = `'${"a\u2019; Stop-Computer; \u2019b"}'`;
    const { shape } = scanLiterals(`X ${naive}`);
    assert.notEqual(shape, 'X S');
  });

  test('refuses control characters, line breaks, NUL and bidi controls', () => {
    for (const v of ['a\nb', 'a\rb', 'a\u0000b', 'a\tb', 'a\u202Eb', 'a\u2066b', 'a\u200Eb', 'a\u200Fb', 'a\u2028b', 'a\u0085b', 'a\u200Bb', 'a\uFEFFb']) {
      assert.throws(() => psQuote(v), /psQuote/, JSON.stringify(v));
    }
  });
});

describe('unsafeCharReason and display', () => {
  test('names the offending code point', () => {
    assert.match(unsafeCharReason('x\u202Ey')!, /U\+202E/);
    assert.match(unsafeCharReason('x\ny')!, /line break/);
    assert.match(unsafeCharReason('x\u0000')!, /NUL/);
    assert.equal(unsafeCharReason('Proofpoint – “gateway” ‘x’'), undefined);
  });

  test('displayValue makes refused characters visible and bounds the length', () => {
    assert.equal(displayValue('a\u202Eb\nc'), 'a<U+202E>b<U+000A>c');
    assert.equal(displayValue('x'.repeat(200)).length, 121);
  });

  test('commentText cannot end a comment line early', () => {
    assert.equal(commentText('a\nRemove-Item x'), 'a?Remove-Item x');
    assert.equal(psComment('x\r\ny'), '# x??y');
  });
});

describe('validators', () => {
  test('connector names: printable, at most 64 characters, quotes allowed', () => {
    assert.deepEqual(checkConnectorName('  From Proofpoint  '), { ok: true, value: 'From Proofpoint' });
    assert.equal(checkConnectorName("Bob's gateway ‘main’").ok, true);
    assert.equal(checkConnectorName('x'.repeat(64)).ok, true);
    assert.equal(checkConnectorName('x'.repeat(65)).ok, false);
    assert.equal(checkConnectorName('').ok, false);
    assert.equal(checkConnectorName('a\nb').ok, false);
    assert.equal(checkConnectorName('a\u202Eb').ok, false);
    assert.equal(checkConnectorName('a\u00A0b').ok, false, 'non-ASCII space');
    assert.equal(checkConnectorName(42).ok, false);
  });

  test('domains: LDH labels, two or more, no numeric TLD, wildcard only when allowed', () => {
    assert.deepEqual(checkDomain('PPHosted.COM.'), { ok: true, value: 'pphosted.com' });
    assert.equal(checkDomain('pphosted.com;x').ok, false);
    assert.equal(checkDomain("pphosted.com'").ok, false);
    assert.equal(checkDomain('localhost').ok, false);
    assert.equal(checkDomain('1.2.3.4').ok, false);
    assert.equal(checkDomain('-bad.example').ok, false);
    assert.equal(checkDomain('bücher.example').ok, false);
    assert.equal(checkDomain(`${'a'.repeat(64)}.example`).ok, false);
    assert.equal(checkDomain('*.pphosted.com').ok, false);
    assert.deepEqual(checkDomain('*.pphosted.com', { allowWildcard: true }), { ok: true, value: '*.pphosted.com' });
    assert.equal(checkDomain('a.*.pphosted.com', { allowWildcard: true }).ok, false);
  });

  test('addresses: ASCII dot-atom local part, LDH domain, length limits', () => {
    assert.deepEqual(checkAddress('Alice@Contoso.COM'), { ok: true, value: 'Alice@contoso.com' });
    assert.equal(checkAddress("o'brien@contoso.com").ok, true);
    for (const bad of ['alice', '@contoso.com', 'a b@contoso.com', 'a..b@contoso.com', '.a@contoso.com', '$(calc)@contoso.com', 'alice@contoso', 'ålice@contoso.com', 'alice@contoso.com\n', '"a"@contoso.com', `${'a'.repeat(65)}@contoso.com`, 'alice@[192.0.2.1]']) {
      assert.equal(checkAddress(bad).ok, false, bad);
    }
  });
});

describe('psCommand', () => {
  test('renders each kind of argument', () => {
    assert.equal(
      psCommand('Set-InboundConnector', [
        ['Identity', arg.str("Bob's")],
        ['EFSkipLastIP', arg.bool(false)],
        ['EFSkipIPs', arg.list(['192.0.2.1', '2001:db8::1'])],
        ['EFUsers', arg.add(['a@contoso.com'])],
      ]),
      "Set-InboundConnector -Identity 'Bob''s' -EFSkipLastIP $false -EFSkipIPs '192.0.2.1','2001:db8::1' -EFUsers @{Add='a@contoso.com'}",
    );
    assert.equal(psCommand('X-Y', [['A', arg.null()], ['B', arg.variable('sealers')], ['C', arg.word('Default')]]), 'X-Y -A $null -B $sealers -C Default');
  });

  test('rejects anything but identifiers in names, and empty lists', () => {
    assert.throws(() => psCommand('Set-X; rm', []));
    assert.throws(() => psCommand('Set-X', [['A B', arg.null()]]));
    assert.throws(() => psCommand('Set-X', [['A', arg.word('x y')]]));
    assert.throws(() => psCommand('Set-X', [['A', arg.variable('a;b')]]));
    assert.throws(() => psList([]));
  });
});
