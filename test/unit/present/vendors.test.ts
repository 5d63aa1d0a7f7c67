import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { shortVendorName } from '../../../src/core/present/vendors';
import { listVendors } from '../../../src/core/net/kb';

describe('shortVendorName: one short name per vendor, everywhere', () => {
  test('the brand, without product words, alternatives or parentheses', () => {
    assert.equal(shortVendorName('Proofpoint (PPS / Enterprise, hosted)'), 'Proofpoint');
    assert.equal(shortVendorName('Barracuda Email Security Service / Email Gateway Defense'), 'Barracuda');
    assert.equal(shortVendorName('Cisco Secure Email (IronPort ESA / CES)'), 'Cisco');
    assert.equal(shortVendorName('Trend Micro Email Security (TMES) / IMSVA / DDEI'), 'Trend Micro');
    assert.equal(shortVendorName('Mimecast'), 'Mimecast');
    assert.equal(shortVendorName('Proofpoint Essentials'), 'Proofpoint Essentials');
    assert.equal(shortVendorName(''), '');
  });

  test('every vendor in the knowledge base: a non-empty start of its name, stable, and told apart from the others', () => {
    const seen = new Map<string, string>();
    for (const v of listVendors()) {
      const short = shortVendorName(v.name);
      assert.ok(short.length > 0, v.name);
      assert.ok(v.name.startsWith(short), `${v.name} → ${short}`);
      assert.ok(!/[()]| \/ /.test(short), `${v.name} → ${short}`);
      assert.equal(shortVendorName(short), short, `applied twice: ${v.name}`);
      assert.equal(seen.get(short), undefined, `${v.name} and ${seen.get(short)} both read "${short}"`);
      seen.set(short, v.name);
    }
    assert.ok(seen.size >= 10);
  });
});
