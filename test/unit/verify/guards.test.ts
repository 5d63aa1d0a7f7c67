import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analyze';
import { toCrlf } from '../../../src/core/verify/message';
import { scenarioById } from '../../fixtures/scenarios';

/** Inputs found by the fuzzer that made mailauth slow: each is now verified quickly or refused with a note. */
describe('verification guards against crafted messages', () => {
  test('lone CRs become CRLF before hashing, like the splitter and the editor read them', () => {
    assert.equal(toCrlf(Buffer.from('a\rb\r\nc\nd\r')).toString('latin1'), 'a\r\nb\r\nc\r\nd\r\n');
    assert.equal(toCrlf(Buffer.from('a\r\nb')).toString('latin1'), 'a\r\nb');
  });

  test('a body of a million lone CRs after a CR-only separator is verified, not read as header', async () => {
    const b = await scenarioById('direct-to-eop').build();
    const text = b.bytes.toString('latin1').replace(/\r\n/g, '\r');
    const sep = text.indexOf('\r\r');
    const msg = Buffer.from(`${text.slice(0, sep)}\r\r${'\r'.repeat(1 << 20)}x${text.slice(sep + 2)}`, 'latin1');
    const a = await analyze(msg, { dnsMode: 'off' });
    assert.ok(a.verification);
    assert.equal(a.verification.dkim.length, 1);
  });

  test('a missing separator is put back before verification, with a note', async () => {
    const msg = Buffer.from('From: a@fabrikam.com\r\nTo: b@contoso.com\r\nSubject: x\r\nbody line one\r\nbody line two\r\n');
    const a = await analyze(msg, { dnsMode: 'off' });
    assert.ok(a.problems.some((p) => p.code === 'missing-separator'));
    assert.ok(a.verification!.notes.some((n) => /no blank line between header and body/.test(n)));
  });

  test('an address header of 1 MiB is not re-verified, and the note says why', async () => {
    const msg = Buffer.from(`From: ${'a'.repeat(1 << 20)}@fabrikam.com\r\nTo: b@contoso.com\r\n\r\nbody\r\n`);
    const a = await analyze(msg, { dnsMode: 'off' });
    assert.deepEqual(a.verification!.dkim, []);
    assert.ok(a.verification!.notes.some((n) => /Not re-verified: the From field is 1024 KiB long/.test(n)));
  });

  test('a field folded over 10,000 lines is not re-verified', async () => {
    const msg = Buffer.from(`From: a@fabrikam.com\r\nX-Long: a${'\r\n b'.repeat(10000)}\r\n\r\nbody\r\n`);
    const a = await analyze(msg, { dnsMode: 'off' });
    assert.ok(a.verification!.notes.some((n) => /folded over 10001 lines/.test(n)));
  });

  test('a value of lone CRs that becomes thousands of lines only once read as CRLF is not handed to mailauth', async () => {
    // the fuzzer's case: an LF message whose Subject holds "\r \r" pairs (the splitter keeps them
    // inside one value; converted to CRLF they are 24,000 lines mailauth joins one at a time)
    const b = await scenarioById('direct-to-eop').build();
    const lf = b.bytes.toString('latin1').replace(/\r\n/g, '\n');
    const msg = Buffer.from(lf.replace(/^Subject: .*$/m, `Subject: ${'"\u00e0\u00b5:\r \r'.repeat(12000)}`), 'latin1');
    const a = await analyze(msg, { dnsMode: 'off' });
    assert.ok(a.verification);
    assert.deepEqual(a.verification.dkim, []);
    assert.ok(a.verification.notes.some((n) => /Not re-verified: a header field is folded over \d+ lines once line ends are read as CRLF/.test(n)), a.verification.notes.join('\n'));
  });

  test('an ordinary message is still verified (the fold check counts what opens a field)', async () => {
    const b = await scenarioById('direct-to-eop').build();
    const a = await analyze(b.bytes, { dnsMode: 'off' });
    assert.equal(a.verification!.dkim.length, 1);
    assert.ok(!a.verification!.notes.some((n) => /Not re-verified/.test(n)));
  });
});
