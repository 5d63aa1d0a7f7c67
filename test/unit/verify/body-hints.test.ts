import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyHints } from '../../../src/core/verify/body-hints';
import { splitHeaders } from '../../../src/core/parse/headers';
import { scenarioById } from '../../fixtures/scenarios';

async function hintsOf(id: string, which: 'bytes' | 'original' = 'bytes') {
  const b = await scenarioById(id).build();
  const bytes = which === 'original' ? b.original! : b.bytes;
  return bodyHints(bytes, splitHeaders(bytes).bodyStartByte);
}

describe('body hints: what the gateway changed in the body', () => {
  test('Proofpoint: URL Defense links and the external-sender banner at the top', async () => {
    const h = await hintsOf('proofpoint-banner-eop');
    assert.deepEqual(h.rewrittenUrlHosts.map((u) => [u.host, u.vendorId]), [['urldefense.com', 'proofpoint']]);
    assert.ok(h.rewrittenUrlHosts[0].count >= 1);
    assert.equal(h.banners.length, 1);
    assert.match(h.banners[0].text, /came from outside your organization/);
    assert.equal(h.banners[0].position, 'top');
  });

  test('the same message before Proofpoint touched it has no hints', async () => {
    const h = await hintsOf('proofpoint-banner-eop', 'original');
    assert.deepEqual(h, { rewrittenUrlHosts: [], banners: [] });
  });

  test('Barracuda: the caution footer is found, no link rewriting', async () => {
    const h = await hintsOf('barracuda-gmail');
    assert.deepEqual(h.rewrittenUrlHosts, []);
    assert.equal(h.banners.length, 1);
    assert.match(h.banners[0].text, /originated from outside of Fabrikam/);
  });

  test('a message nobody modified has no hints', async () => {
    assert.deepEqual(await hintsOf('direct-to-eop'), { rewrittenUrlHosts: [], banners: [] });
  });

  test('quoted-printable soft breaks inside a rewritten link are undone', () => {
    const msg = Buffer.from('Subject: x\r\n\r\nSee https://urldefense=\r\n.com/v3/__https://a.example/__;!!x$ and =\r\nCAUTION: External email. Take care.\r\n');
    const h = bodyHints(msg, splitHeaders(msg).bodyStartByte);
    assert.deepEqual(h.rewrittenUrlHosts.map((u) => u.host), ['urldefense.com']);
    assert.equal(h.banners.length, 1);
  });

  test('headers only: nothing to read', () => {
    const msg = Buffer.from('Subject: x\r\nFrom: a@b.example');
    assert.deepEqual(bodyHints(msg, msg.length), { rewrittenUrlHosts: [], banners: [] });
  });
});
