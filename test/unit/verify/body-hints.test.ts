import { describe, test } from 'node:test';
import * as crypto from 'node:crypto';
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
  test('an attachment between a top banner and a footer: both found apart, the banner at the top', () => {
    const pdf = crypto.createHash('sha256').update('annex').digest();
    const b64 = Buffer.concat(Array.from({ length: 9000 }, () => pdf)).toString('base64').replace(/.{76}/g, '$&\r\n');
    for (const eol of ['\r\n', '\n']) {
      const body = [
        'This is a multi-part message in MIME format.',
        '--------------a1B2c3D4e5F6g7H8i9J0k1L2',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: 7bit',
        '',
        'CAUTION: This email originated from outside of the organization. Do not click links or open attachments unless you recognize the sender.',
        '',
        'Hi Isaiah, the signed annex is attached. Tracking reference:',
        'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MTIzNDU2',
        'Best, Priya',
        '',
        'This email has been scanned by the Northwind mail gateway.',
        '--------------a1B2c3D4e5F6g7H8i9J0k1L2',
        'Content-Type: application/pdf; name="annex.pdf"',
        'Content-Disposition: attachment; filename="annex.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        b64.trimEnd(),
        '--------------a1B2c3D4e5F6g7H8i9J0k1L2--',
        '',
      ].join('\r\n');
      const msg = Buffer.from(`Subject: annex\r\nContent-Type: multipart/mixed; boundary="------------a1B2c3D4e5F6g7H8i9J0k1L2"\r\n\r\n${body}`.replace(/\r\n/g, eol), 'latin1');
      assert.ok(msg.length > 256 * 1024, 'the attachment is large enough to fill the first window');
      const h = bodyHints(msg, splitHeaders(msg).bodyStartByte);
      const where = eol === '\n' ? 'LF' : 'CRLF';
      assert.equal(h.banners.length, 2, where);
      assert.match(h.banners[0].text, /^This email originated from outside of the organization\./, where);
      assert.equal(h.banners[0].position, 'top', where);
      assert.match(h.banners[1].text, /^This email has been scanned by the Northwind mail gateway\./, where);
      // the attachment's bytes no longer count as text: the footer is not placed at the "top"
      assert.notEqual(h.banners[1].position, 'top', where);
    }
  });
});
