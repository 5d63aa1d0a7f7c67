// ARC per instance: a two-instance chain (Proofpoint seals i=1, Exchange Online seals i=2) with the
// body changed between the two sealers, checked with recorded DNS and offline.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeHeaders } from '../../../src/core/analyze';
import { verifyMessage, resolverFromSnapshot } from '../../../src/core/verify';
import { withoutArcNewerThan, arcInstanceOf } from '../../../src/core/verify/message';
import * as b from './build';

const BANNER =
  'CAUTION: This email originated from outside of the organization. Do not click links or open attachments unless you recognize the sender and know the content is safe.\r\n\r\n';

const PP_AAR =
  'ppops.net; dkim=pass header.d=northwindtraders.com header.s=nwt2025 header.b=js40MbQl;' +
  ' spf=pass (ppops.net: domain of j.alvarez@northwindtraders.com designates 203.0.113.25 as permitted sender) smtp.mailfrom=j.alvarez@northwindtraders.com;' +
  ' dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=northwindtraders.com';
const MS_AAR =
  'mx.microsoft.com 1; spf=fail (sender ip is 148.163.138.245) smtp.rcpttodomain=contoso.com smtp.mailfrom=northwindtraders.com;' +
  ' dmarc=fail (p=reject sp=reject pct=100) action=oreject header.from=northwindtraders.com;' +
  ' dkim=fail (body hash did not verify) header.d=northwindtraders.com;' +
  ' arc=pass (0 oda=1 ltdi=1 spf=[1,1,smtp.mailfrom=northwindtraders.com] dkim=[1,1,header.d=northwindtraders.com] dmarc=[1,1,header.from=northwindtraders.com])';

let dkimKey: b.Key;
let ppKey: b.Key;
let msKey: b.Key;
let zone: b.Zone;
/** Sealed by Proofpoint (i=1), banner added, sealed by Exchange Online (i=2), delivered. */
let chain: Buffer;
/** The same, with the body changed again after i=2. */
let brokenAfterLast: Buffer;

function gmailReceived(at: Date): string {
  return (
    'Received: from NAM12-DM6-obe.outbound.protection.outlook.com (mail-dm6nam12on2061.outbound.protection.outlook.com. [40.107.243.61])' +
    '\r\n        by mx.google.com with ESMTPS id 6a1803df08f44-6a0f1c2e9b7si1122334455a.118.2024.05.14.03.00.12' +
    '\r\n        for <megan.personal@gmail.com>' +
    '\r\n        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);' +
    `\r\n        ${b.rfcDate(at)}`
  );
}

before(async () => {
  dkimKey = b.makeKey(b.SENDER.domain, 'nwt2025');
  ppKey = b.makeKey('pphosted.com', 'arcselector');
  msKey = b.makeKey('microsoft.com', 'arcselector10001');
  zone = {
    ...b.senderZone(dkimKey),
    [ppKey.dnsName]: { TXT: [ppKey.txt] },
    [msKey.dnsName]: { TXT: [msKey.txt] },
  };
  let m = await b.sign(b.originalMessage(), dkimKey);
  m = b.prepend(m, b.submissionReceived(new Date(b.SIGN_TIME.getTime() - 1000)));
  m = b.prepend(m, b.gatewayReceived(new Date(b.SIGN_TIME.getTime() + 4000)));
  m = await b.seal(m, ppKey, PP_AAR, 'none', new Date(b.SIGN_TIME.getTime() + 5000));
  m = b.prepend(m, b.eopReceived(b.EDGE_TIME));
  // Exchange Online's transport rule inserts a warning banner, then the user's forwarding rule
  // sends it on to Gmail and EOP seals i=2
  m = b.withBody(m, BANNER + b.split(m).body.toString());
  m = await b.seal(m, msKey, MS_AAR, 'pass', new Date(b.EDGE_TIME.getTime() + 4000));
  chain = b.prepend(m, 'Return-Path: <j.alvarez@northwindtraders.com>', gmailReceived(new Date(b.EDGE_TIME.getTime() + 5000)));
  brokenAfterLast = b.withBody(chain, b.split(chain).body.toString() + '\r\n-- \r\nSent via a list footer\r\n');
});

async function verify(bytes: Buffer, mode: 'off' | 'recorded', z: b.Zone = zone) {
  return verifyMessage(bytes, analyzeHeaders(bytes), mode === 'off' ? {} : { dnsMode: 'recorded', resolver: resolverFromSnapshot(z) });
}

describe('ARC per instance', () => {
  test('recorded DNS: both seals valid; i=1 saw a different body, i=2 the delivered one; chain passes', async () => {
    const v = await verify(chain, 'recorded');
    const arc = v.arc!;
    assert.ok(arc, 'arc result');
    assert.equal(arc.instances.length, 2);
    const [i1, i2] = arc.instances;
    assert.deepEqual([i1.instance, i1.sealer, i1.cv, i1.seal, i1.ams, i1.bodyHashOk], [1, 'pphosted.com', 'none', 'pass', 'body-modified', false]);
    assert.deepEqual([i2.instance, i2.sealer, i2.cv, i2.seal, i2.ams, i2.bodyHashOk], [2, 'microsoft.com', 'pass', 'pass', 'pass', true]);
    assert.equal(arc.chain, 'pass');
    assert.match(arc.detail, /body changed after i=1 \(pphosted\.com\) signed it and before i=2 \(microsoft\.com\)/);
    // the original DKIM signature broke at the same place
    assert.equal(v.dkim[0].status, 'body-modified');
    // each ARC key is fetched once even though the AMS and the seal both need it
    const keyLookups = v.lookups.filter((l) => l.name === ppKey.dnsName || l.name === msKey.dnsName);
    assert.deepEqual(keyLookups.map((l) => `${l.name}:${l.outcome}`).sort(), [`${ppKey.dnsName}:answer`, `${msKey.dnsName}:answer`].sort());
  });

  test('the recording resolver asks the underlying resolver once per name and type', async () => {
    const asked: string[] = [];
    const inner = resolverFromSnapshot(zone);
    const v = await verifyMessage(chain, analyzeHeaders(chain), {
      dnsMode: 'recorded',
      resolver: (name, type) => {
        asked.push(`${type} ${name.toLowerCase()}`);
        return inner(name, type);
      },
    });
    assert.equal(v.arc!.chain, 'pass');
    // every ARC key is needed by several checks (AMS, each seal prefix), yet asked once
    assert.equal(asked.filter((q) => q === `TXT ${ppKey.dnsName}`).length, 1);
    assert.equal(asked.filter((q) => q === `TXT ${msKey.dnsName}`).length, 1);
    assert.equal(new Set(asked).size, asked.length);
    assert.equal(v.lookups.length, asked.length);
  });

  test('offline: body verdicts per instance still hold, seals are not-verifiable-offline (not "fail")', async () => {
    const v = await verify(chain, 'off');
    const arc = v.arc!;
    const [i1, i2] = arc.instances;
    assert.equal(i1.ams, 'body-modified');
    assert.equal(i1.bodyHashOk, false);
    assert.equal(i2.ams, 'not-verifiable-offline');
    assert.equal(i2.bodyHashOk, true);
    assert.equal(i1.seal, 'not-verifiable-offline');
    assert.equal(i2.seal, 'not-verifiable-offline');
    assert.equal(arc.chain, 'not-verifiable-offline');
    assert.ok(v.notes.some((n) => /ARC/.test(n) && /DNS is off/.test(n)), v.notes.join('\n'));
  });

  test('a body change after the newest sealer fails the chain, offline and with DNS', async () => {
    for (const mode of ['off', 'recorded'] as const) {
      const arc = (await verify(brokenAfterLast, mode)).arc!;
      assert.equal(arc.chain, 'fail', mode);
      assert.equal(arc.instances[1].ams, 'body-modified', mode);
      assert.equal(arc.instances[1].bodyHashOk, false, mode);
      assert.match(arc.detail, /after the newest sealer, i=2/, mode);
    }
  });

  test('an edited ARC-Authentication-Results breaks the seal', async () => {
    const edited = Buffer.from(chain.toString('latin1').replace('ppops.net; dkim=pass', 'ppops.net; dkim=fail'), 'latin1');
    const arc = (await verify(edited, 'recorded')).arc!;
    assert.equal(arc.instances[0].seal, 'fail');
    assert.equal(arc.instances[1].seal, 'fail');
    assert.equal(arc.chain, 'fail');
  });

  test('a missing sealer key is a conclusive fail in recorded mode', async () => {
    const z = { ...zone };
    delete z[msKey.dnsName];
    const arc = (await verify(chain, 'recorded', z)).arc!;
    assert.equal(arc.instances[0].seal, 'pass');
    assert.equal(arc.instances[1].seal, 'fail');
    assert.match(arc.instances[1].detail, /does not exist in DNS/);
    assert.equal(arc.chain, 'fail');
  });

  test('an LF-only copy of the chain gives the same per-instance results', async () => {
    const [x, y] = await Promise.all([verify(chain, 'recorded'), verify(b.toLf(chain), 'recorded')]);
    assert.deepEqual(
      y.arc!.instances.map((r) => [r.seal, r.ams, r.bodyHashOk]),
      x.arc!.instances.map((r) => [r.seal, r.ams, r.bodyHashOk]),
    );
  });

  test('no ARC headers: chain "none" with no instances', async () => {
    const plain = b.route(await b.sign(b.originalMessage(), dkimKey));
    const arc = (await verify(plain, 'off')).arc;
    assert.equal(arc?.chain, 'none');
    assert.deepEqual(arc?.instances, []);
  });
});

describe('ARC helpers', () => {
  test('arcInstanceOf reads i= from all three ARC fields', () => {
    assert.equal(arcInstanceOf(' i=2; a=rsa-sha256; cv=pass; d=microsoft.com; s=arcselector10001; b=x'), 2);
    assert.equal(arcInstanceOf(' a=rsa-sha256; c=relaxed/relaxed; d=pphosted.com; i=1; s=arcselector'), 1);
    assert.equal(arcInstanceOf(' i=1; ppops.net; dkim=pass header.i=@northwindtraders.com'), 1);
    assert.equal(arcInstanceOf(' i=x; a=rsa-sha256'), undefined);
    assert.equal(arcInstanceOf(' ppops.net; spf=pass'), undefined);
  });

  test('withoutArcNewerThan drops only the newer sets', () => {
    const cut = withoutArcNewerThan(chain, 1).toString('latin1');
    assert.ok(!/ARC-Seal: i=2/.test(cut));
    assert.ok(!/ARC-Message-Signature: i=2/.test(cut));
    assert.ok(!/ARC-Authentication-Results: i=2/.test(cut));
    assert.ok(/ARC-Seal: i=1/.test(cut));
    assert.ok(/ARC-Authentication-Results: i=1/.test(cut));
    assert.ok(cut.includes('DKIM-Signature:'));
    assert.equal(withoutArcNewerThan(chain, 2), chain);
  });
});
