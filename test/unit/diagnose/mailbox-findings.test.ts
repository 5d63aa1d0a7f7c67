/**
 * safe-sender-override and domain-misalignment on the scenario messages, edited the way Exchange
 * Online and a third-party sender really write these headers; every edit asserts it changed the
 * message.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analyze';
import type { Finding } from '../../../src/core/types';
import { buildCached } from '../../fixtures/scenarios';
import { edit } from './edit-header';

async function bytesOf(id: string): Promise<Buffer> {
  return (await buildCached(id)).bytes;
}

async function findingsOf(bytes: Buffer, id: string): Promise<Finding[]> {
  const a = await analyze(bytes, { dnsMode: 'off' });
  return a.findings.filter((f) => f.id === id);
}

// X-Microsoft-Antispam-Mailbox-Delivery as Outlook.com writes it for a Safe Senders entry
const SAFE_SENDER_DELIVERY = 'ucf:0;jmr:0;auth:0;dest:I;OFR:TrustedSenderList;ENG:';

describe('safe-sender-override', () => {
  test("a spoof judged SCL 5 / compauth=fail that the recipient's Safe Senders list put in the Inbox", async () => {
    const b = edit(await bytesOf('phish-fake-helo'), ['ucf:0;jmr:0;auth:0;dest:J;ENG:', SAFE_SENDER_DELIVERY]);
    const f = await findingsOf(b, 'safe-sender-override');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'warning');
    assert.match(f[0].message, /SCL 5 \(spam\)/);
    assert.match(f[0].message, /compauth=fail reason=000/);
    assert.match(f[0].message, /dmarc=fail/);
    assert.match(f[0].message, /Safe Senders list \(OFR:TrustedSenderList\)/);
    assert.ok(f[0].evidence.some((e) => e.header === 'X-Microsoft-Antispam-Mailbox-Delivery'));
    assert.ok(f[0].evidence.some((e) => e.header === 'X-Forefront-Antispam-Report'));
  });

  test('a contact (OFR:SenderInAddressBook) is named as such', async () => {
    const b = edit(await bytesOf('phish-fake-helo'), ['ucf:0;jmr:0;auth:0;dest:J;ENG:', 'ucf:0;jmr:0;auth:0;dest:I;OFR:SenderInAddressBook;ENG:']);
    const f = await findingsOf(b, 'safe-sender-override');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /contacts \(address book\)/);
  });

  test('not when the list entry overrode nothing, nor when the message went to Junk anyway', async () => {
    const passed = edit(await bytesOf('direct-to-eop'), ['ucf:0;jmr:0;auth:0;dest:I;ENG:', SAFE_SENDER_DELIVERY]);
    assert.equal((await findingsOf(passed, 'safe-sender-override')).length, 0);
    assert.equal((await findingsOf(await bytesOf('phish-fake-helo'), 'safe-sender-override')).length, 0);
    // dest:I from the filter's own verdict (no user list) is no override by the recipient
    const filterPass = edit(await bytesOf('phish-fake-helo'), ['ucf:0;jmr:0;auth:0;dest:J;ENG:', 'ucf:0;jmr:0;auth:0;dest:I;OFR:SpamFilterPass;ENG:']);
    assert.equal((await findingsOf(filterPass, 'safe-sender-override')).length, 0);
  });
});

describe('domain-misalignment', () => {
  test('From at one organisation, MAIL FROM at another, no signature: named, with the domains', async () => {
    const b = edit(await bytesOf('phish-fake-helo'), [
      'spf=fail (sender IP is 203.0.113.199)\r\n smtp.mailfrom=northwindtraders.com;',
      'spf=fail (sender IP is 203.0.113.199)\r\n smtp.mailfrom=bounce.fabrikam-mailer.net;',
    ]);
    const f = await findingsOf(b, 'domain-misalignment');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'warning');
    assert.match(f[0].message, /From is northwindtraders\.com, but the envelope sender \(MAIL FROM\) is at bounce\.fabrikam-mailer\.net and no DKIM signature/);
  });

  test('only info when the From domain has no DMARC record (dmarc=none)', async () => {
    const b = edit(
      await bytesOf('phish-fake-helo'),
      ['spf=fail (sender IP is 203.0.113.199)\r\n smtp.mailfrom=northwindtraders.com;', 'spf=fail (sender IP is 203.0.113.199)\r\n smtp.mailfrom=bounce.fabrikam-mailer.net;'],
      ['dmarc=fail action=oreject\r\n header.from=northwindtraders.com;compauth=fail', 'dmarc=none action=none\r\n header.from=northwindtraders.com;compauth=fail'],
    );
    const f = await findingsOf(b, 'domain-misalignment');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'info');
    assert.match(f[0].message, /dmarc=none/);
  });

  test('a warning when DMARC failed and compauth did not rescue it; the envelope and DKIM domains are named', async () => {
    const b = edit(
      await bytesOf('proofpoint-banner-eop'),
      ['spf=fail (sender IP is 148.163.138.245)\r\n smtp.mailfrom=northwindtraders.com;', 'spf=fail (sender IP is 148.163.138.245)\r\n smtp.mailfrom=bounce.fabrikam-mailer.net;'],
      ['\r\n d=northwindtraders.com; h=Subject:', '\r\n d=fabrikam-mailer.net; h=Subject:'],
    );
    const f = await findingsOf(b, 'domain-misalignment');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'warning');
    assert.match(f[0].message, /From is northwindtraders\.com/);
    assert.match(f[0].message, /MAIL FROM\) is at bounce\.fabrikam-mailer\.net/);
    assert.match(f[0].message, /DKIM signed as fabrikam-mailer\.net/);
    assert.match(f[0].message, /dmarc=fail/);
    assert.ok(f[0].evidence.some((e) => e.header === 'DKIM-Signature'));
  });

  test('not when one identifier aligns, when DMARC passed, or for list mail', async () => {
    // MAIL FROM elsewhere but DKIM signed as the From domain: DMARC can pass on DKIM
    const dkimAligned = edit(await bytesOf('proofpoint-banner-eop'), [
      'spf=fail (sender IP is 148.163.138.245)\r\n smtp.mailfrom=northwindtraders.com;',
      'spf=fail (sender IP is 148.163.138.245)\r\n smtp.mailfrom=bounce.fabrikam-mailer.net;',
    ]);
    assert.equal((await findingsOf(dkimAligned, 'domain-misalignment')).length, 0);
    assert.equal((await findingsOf(await bytesOf('direct-to-eop'), 'domain-misalignment')).length, 0);
    assert.equal((await findingsOf(await bytesOf('mailing-list-gmail'), 'domain-misalignment')).length, 0);
  });
});
