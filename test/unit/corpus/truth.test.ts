// The corpus run's ground truth (scripts/corpus/truth.ts), read from realistic header blocks: it
// must take only what the final receiver itself wrote.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWords, isHandoff, normalizeIp, orgOfHost, receivedClauses, registeredDomain, splitHeaderFields, truthOf } from '../../../scripts/corpus/truth';
import { EOP_CONSUMER, TENANT_TO_TENANT, POSTFIX_ARCHIVE_WITH_STALE_EOP, gmailReceiver, message } from './messages';

describe('Exchange Online consumer delivery', () => {
  test('receiver, the four records of the connecting IP and the consumer tenant', () => {
    const t = truthOf(message(EOP_CONSUMER));
    assert.equal(t.receiverOrg, 'Microsoft 365');
    assert.equal(t.receiverHost, 'DS0PR19MB7765.namprd19.prod.outlook.com', 'the HTTPS mailbox hop on top is not a handoff');
    assert.ok(t.record);
    assert.equal(t.record.kind, 'exchange-online');
    assert.equal(t.record.authResultsIp, '80.96.157.111');
    assert.equal(t.record.receivedSpfIp, '80.96.157.111');
    assert.equal(t.record.xSenderIp, '80.96.157.111', 'the sender-written X-Sender-IP above the last X-IncomingHeaderCount is ignored');
    assert.equal(t.record.cip, undefined, 'consumer copies carry no plain Forefront report');
    assert.equal(t.record.ip, '80.96.157.111');
    assert.equal(t.record.consistent, true);
    assert.equal(t.consumer, true);
  });

  test('an RFC 2047-encoded id-less A-R is still read', () => {
    const lines = EOP_CONSUMER.map((l) => l);
    const i = lines.findIndex((l) => l.startsWith('Authentication-Results:'));
    const text = 'spf=pass (sender IP is 80.96.157.111) smtp.mailfrom=firiri.shop; dkim=none (message not signed) header.d=none;dmarc=fail action=none header.from=newsletter.example-shop.de;';
    lines.splice(i, 3, `Authentication-Results: =?us-ascii?B?${Buffer.from(text).toString('base64')}?=`);
    const t = truthOf(message(lines));
    assert.equal(t.record?.authResultsIp, '80.96.157.111');
  });

  test('without the X-IncomingHeaderCount anchor only the entry-adjacent records count', () => {
    const lines = EOP_CONSUMER.filter((l) => !l.startsWith('X-IncomingHeaderCount:'));
    const t = truthOf(message(lines));
    assert.equal(t.record?.xSenderIp, undefined);
    assert.equal(t.record?.ip, '80.96.157.111');
  });

  test('a consumer tenant id that is not the last one does not make a consumer mailbox', () => {
    const lines = [...TENANT_TO_TENANT];
    lines.splice(lines.indexOf('X-IncomingHeaderCount: 17'), 0, 'X-MS-Exchange-CrossTenant-Id: 84df9e7f-e9f6-40af-b435-aaaaaaaaaaaa');
    assert.equal(truthOf(message(lines)).consumer, false);
  });
});

describe('tenant to tenant into a business tenant', () => {
  test('the sending tenant\'s -Untrusted CIP and OriginalAttributedTenantConnectingIp are ignored', () => {
    const t = truthOf(message(TENANT_TO_TENANT));
    assert.equal(t.receiverOrg, 'Microsoft 365');
    assert.ok(t.record);
    assert.equal(t.record.entryIndex, splitHeaderFields(message(TENANT_TO_TENANT)).findIndex((f) => f.key === 'received' && f.value.includes('DB8EUR05FT020.mail.protection.outlook.com')));
    assert.equal(t.record.cip, '52.100.156.204', 'the plain report\'s CIP, not the -Untrusted one (63.158.138.61)');
    assert.equal(t.record.authResultsIp, '52.100.156.204', 'the sender tenant\'s X-MS-Exchange-Authentication-Results is not the receiver\'s');
    assert.equal(t.record.receivedSpfIp, '52.100.156.204', 'the sender tenant\'s Received-SPF (below the entry) is not read');
    assert.equal(t.record.xSenderIp, undefined);
    assert.equal(t.record.ip, '52.100.156.204');
    assert.equal(t.record.consistent, true);
    assert.equal(t.consumer, false);
  });

  test('records that disagree are reported as inconsistent, the A-R one first', () => {
    const lines = TENANT_TO_TENANT.map((l) => (l.startsWith(' CIP:52.100.156.204') ? l.replace('CIP:52.100.156.204', 'CIP:52.100.156.205') : l));
    const t = truthOf(message(lines));
    assert.equal(t.record?.ip, '52.100.156.204');
    assert.equal(t.record?.cip, '52.100.156.205');
    assert.equal(t.record?.consistent, false);
  });
});

describe('Gmail as receiver', () => {
  test('Received-SPF and A-R mx.google.com directly below the entry; claims further down ignored', () => {
    const t = truthOf(message(gmailReceiver('pat.reyes@gmail.com')));
    assert.equal(t.receiverOrg, 'Google');
    assert.equal(t.receiverHost, 'mx.google.com', 'Google-internal `by 2002:…` without from is not a handoff');
    assert.equal(t.record?.kind, 'gmail');
    assert.equal(t.record?.receivedSpfIp, '91.207.212.192');
    assert.equal(t.record?.authResultsIp, '91.207.212.192');
    assert.equal(t.record?.ip, '91.207.212.192');
    assert.equal(t.consumer, true);
    assert.match(t.consumerWhy ?? '', /gmail\.com/);
  });

  test('a Workspace domain is not a consumer mailbox', () => {
    const t = truthOf(message(gmailReceiver('pat.reyes@contoso.com')));
    assert.equal(t.receiverOrg, 'Google');
    assert.equal(t.consumer, false);
  });
});

describe('list archive (Postfix) with the sender tenant\'s EOP headers below', () => {
  test('the archive is the receiver; no Exchange Online record, no consumer', () => {
    const t = truthOf(message(POSTFIX_ARCHIVE_WITH_STALE_EOP));
    assert.equal(t.receiverOrg, 'other: lfdr.de');
    assert.equal(t.receiverHost, 'mail.lfdr.de');
    assert.equal(t.record, null);
    assert.equal(t.consumer, false);
  });

  test('a local LMTP delivery on top is the newest writer', () => {
    const lines = ['Received: from mail.lfdr.de (localhost [127.0.0.1])', '\tby imap.lfdr.de (Dovecot) with LMTP id 8Hc1NlSoy2W3aQAA', '\t; Tue, 13 Feb 2024 18:20:32 +0100', ...POSTFIX_ARCHIVE_WITH_STALE_EOP];
    assert.equal(truthOf(message(lines)).receiverHost, 'imap.lfdr.de');
  });

  test('an unqualified local name on top does not name an organisation: the next handoff does', () => {
    const lines = ['Received: from mail.lfdr.de', '\tby lfdr with LMTP', '\tid KL41ICzTnGkJLAQAu9opvQ', '\tfor <lists+linux-hyperv@lfdr.de>; Tue, 13 Feb 2024 18:20:32 +0100', ...POSTFIX_ARCHIVE_WITH_STALE_EOP];
    const t = truthOf(message(lines));
    assert.equal(t.receiverHost, 'mail.lfdr.de');
    assert.equal(t.receiverOrg, 'other: lfdr.de');
  });
});

describe('pieces', () => {
  test('Received clauses: comments with "with" and "by" do not confuse the clauses', () => {
    const c = receivedClauses('from mail.example.org (mail.example.org [192.0.2.10]) (using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)) (No client certificate requested) by mx.example.net (Postfix) with ESMTPS id 4QXcq41trPz9vNPp for <a@example.net>; Fri, 11 Aug 2023 20:36:41 +0000');
    assert.deepEqual(c, { from: 'mail.example.org', by: 'mx.example.net', with: 'ESMTPS', fromIp: '192.0.2.10' });
    assert.equal(isHandoff(c), true);
  });

  test('handoffs: SMTP/LMTP yes; HTTP, MAPI, local injection and list expansion no', () => {
    const h = (v: string) => isHandoff(receivedClauses(v));
    assert.equal(h('from A (::1) by B with HTTPS; Fri, 11 Aug 2023 20:36:48 +0000'), false);
    assert.equal(h('from PH0PR12MB1234.namprd12.prod.outlook.com ([fe80::1]) by PH0PR12MB1234.namprd12.prod.outlook.com ([fe80::1%7]) with mapi id 15.20.6652.30; Fri, 11 Aug 2023 20:36:48 +0000'), false);
    assert.equal(h('(qmail 12345 invoked by uid 89); 11 Aug 2023 20:36:48 -0000'), false);
    assert.equal(h('(majordomo@vger.kernel.org) by vger.kernel.org via listexpand id S1753368AbcHPWcW; Tue, 16 Aug 2016 18:32:22 -0400'), false);
    assert.equal(h('by mail-wr1-x43f.google.com with SMTP id ffacd0b85a97d-430f4609e80sf3745488f8f.3 for <a@b.de>; Mon, 12 Jan 2026 17:21:23 -0800 (PST)'), false);
    assert.equal(h('from [127.0.0.1] (helo=sfs-ml-4.v29.lw.sourceforge.com) by sfs-ml-4.v29.lw.sourceforge.com with esmtp (Exim 4.94.2) (envelope-from <x@y>) id 1oDaCD-0005M9-1K; Mon, 18 Jul 2022 23:30:35 +0000'), true);
    assert.equal(h('from tzkoittdaooizdldaxp.uazey1 (80.96.157.111) by VI1EUR06FT036.mail.protection.outlook.com (10.13.6.61) with Microsoft SMTP Server id 15.20.6678.19 via Frontend Transport; Fri, 11 Aug 2023 20:36:41 +0000'), true);
  });

  test('organisations and registered domains', () => {
    assert.equal(orgOfHost('VI1EUR06FT036.mail.protection.outlook.com'), 'Microsoft 365');
    assert.equal(orgOfHost('mx.google.com'), 'Google');
    assert.equal(orgOfHost('mailin033.protonmail.ch'), 'other: protonmail.ch');
    assert.equal(registeredDomain('mx1.mail.example.co.uk.'), 'example.co.uk');
    assert.equal(registeredDomain('mail.lfdr.de'), 'lfdr.de');
    assert.equal(registeredDomain('[192.0.2.1]'), '192.0.2.1');
  });

  test('IP normalisation', () => {
    assert.equal(normalizeIp('2603:10A6:D10:B2:0:0:0:9'), '2603:10a6:d10:b2::9');
    assert.equal(normalizeIp('IPv6:::ffff:217.70.183.197'), '217.70.183.197');
    assert.equal(normalizeIp('[80.96.157.111]'), '80.96.157.111');
    assert.equal(normalizeIp('fe80::1%7'), 'fe80::1');
    assert.equal(normalizeIp('999.1.1.1'), null);
    assert.equal(normalizeIp('not-an-ip'), null);
  });

  test('encoded words', () => {
    assert.equal(decodeWords('=?utf-8?Q?spf=3Dpass_(sender_IP_is_192.0.2.1)?='), 'spf=pass (sender IP is 192.0.2.1)');
  });
});
