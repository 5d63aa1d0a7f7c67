/**
 * DKIM outcomes named by the reason actually found: a signature the receiver could not use (no
 * key, a bad key) is no body change; a receiver that failed only the header signature saw the body
 * intact; signatures over one body get one verdict. Scenario messages edited the way Exchange
 * Online writes its dkim comments; every edit asserts it changed the message.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analyze';
import type { Finding } from '../../../src/core/types';
import { unusableReason } from '../../../src/core/diagnose/rules/dkim-signature-unusable';
import { buildCached } from '../../fixtures/scenarios';
import { edit } from './edit-header';

const EOP_BODY_FAIL = 'smtp.mailfrom=northwindtraders.com; dkim=fail (body hash did not verify)';

async function run(bytes: Buffer): Promise<{ all: Finding[]; of: (id: string) => Finding[] }> {
  const a = await analyze(bytes, { dnsMode: 'off' });
  return { all: a.findings, of: (id) => a.findings.filter((f) => f.id === id) };
}

describe('unusableReason', () => {
  test('the receivers\' own words for an unusable signature, and nothing else', () => {
    assert.equal(unusableReason('no key for signature'), 'no-key');
    assert.equal(unusableReason('no key'), 'no-key');
    assert.equal(unusableReason('1024-bit key'), 'bad-key');
    assert.equal(unusableReason('invalid public key'), 'bad-key');
    assert.equal(unusableReason('signature syntax error'), 'bad-signature');
    assert.equal(unusableReason('inappropriate hash algorithm'), 'bad-signature');
    assert.equal(unusableReason('signature timestamp exipred'), 'expired');
    assert.equal(unusableReason('body hash did not verify'), null);
    assert.equal(unusableReason('signature did not verify'), null);
  });
});

describe('DKIM outcomes', () => {
  test('"no key for signature" is named as such, never as a body change, even when our copy of the body differs', async () => {
    const base = await buildCached('proofpoint-banner-eop');
    const before = await run(base.bytes);
    assert.equal(before.of('dkim-body-modified').length, 1, 'the scenario has a body change found by the receiver and by us');
    const { of } = await run(edit(base.bytes, [EOP_BODY_FAIL, 'smtp.mailfrom=northwindtraders.com; dkim=fail (no key for signature)']));
    assert.equal(of('dkim-body-modified').length, 0);
    const u = of('dkim-signature-unusable');
    assert.equal(u.length, 1);
    assert.equal(u[0].severity, 'warning', 'the only signature aligned with From');
    assert.match(u[0].message, /could not use it \(dkim=fail \(no key for signature\)\)/);
    assert.match(u[0].message, /nwt2025\._domainkey\.northwindtraders\.com has no DKIM key/);
    assert.match(u[0].message, /also found the body hash differing, but that is not what failed it/);
    assert.ok(u[0].evidence.some((e) => e.header === 'DKIM-Signature'));
  });

  test('a too-short key (dkim=permerror (512-bit key)) is a bad key', async () => {
    const { of } = await run(edit((await buildCached('proofpoint-banner-eop')).bytes, [EOP_BODY_FAIL, 'smtp.mailfrom=northwindtraders.com; dkim=permerror (512-bit key)']));
    const u = of('dkim-signature-unusable');
    assert.equal(u.length, 1);
    assert.match(u[0].message, /cannot be used: revoked \(empty p=\), malformed, or too short/);
    assert.equal(of('dkim-body-modified').length, 0);
  });

  test('the receiver failed only the header signature: the header change is reported, and our body mismatch came after it', async () => {
    const { of } = await run(edit((await buildCached('proofpoint-banner-eop')).bytes, [EOP_BODY_FAIL, 'smtp.mailfrom=northwindtraders.com; dkim=fail (signature did not verify)']));
    const h = of('dkim-header-modified');
    assert.equal(h.length, 1, 'both changes are named');
    const b = of('dkim-body-modified');
    assert.equal(b.length, 1);
    assert.equal(b[0].severity, 'info');
    assert.match(b[0].message, /failed only its header signature, so the body hash still matched there/);
    assert.equal(of('dkim-signature-unusable').length, 0);
  });
});
