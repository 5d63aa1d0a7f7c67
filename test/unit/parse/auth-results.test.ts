import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuthResults, parseReceivedSpf, summarizeAuthResults } from '../../../src/core/parse/auth-results';

/** The value as a header field would carry it after the name and colon (folding kept). */
function byMethod(h: ReturnType<typeof parseAuthResults>, method: string) {
  const r = h.results.find((x) => x.method === method);
  assert.ok(r, `no ${method} result`);
  return r;
}

describe('parseAuthResults: EOP id-less form', () => {
  test('bare domain tokens, header.d=none;domain glued, trailing ;', () => {
    // SAMPLE-18969058033 (DOMAIN.md §1.3)
    const h = parseAuthResults(
      'spf=none (sender IP is 148.163.152.157) smtp.mailfrom=loki.ist.unomaha.edu; unomaha.edu; dkim=none (message not signed) header.d=none;unomaha.edu; dmarc=none action=none header.from=whitehouse.gov;',
    );
    assert.equal(h.authservId, null);
    assert.equal(h.form, 'eop');
    assert.deepEqual(
      h.results.map((r) => `${r.method}=${r.result}`),
      ['spf=none', 'dkim=none', 'dmarc=none'],
    );
    assert.deepEqual(byMethod(h, 'spf').comments, ['sender IP is 148.163.152.157']);
    assert.equal(byMethod(h, 'spf').props['smtp.mailfrom'], 'loki.ist.unomaha.edu');
    assert.equal(byMethod(h, 'dkim').props['header.d'], 'none');
    assert.deepEqual(byMethod(h, 'dkim').comments, ['message not signed']);
    assert.equal(byMethod(h, 'dmarc').props['action'], 'none');
    assert.equal(byMethod(h, 'dmarc').props['header.from'], 'whitehouse.gov');
    assert.deepEqual(h.bareTokens, ['unomaha.edu', 'unomaha.edu']);
    assert.deepEqual(h.unparsed, []);
    assert.equal(byMethod(h, 'dkim').raw, 'dkim=none (message not signed) header.d=none');
  });

  test('results separated by ";" without spaces, compauth with reason 001', () => {
    const h = parseAuthResults(
      'spf=none (sender IP is 192.53.121.84) smtp.mailfrom=mercadolivre.br; dkim=fail (no key for signature) header.d=goodbuild.com;dmarc=none action=none header.from=mercadolivre.br;compauth=fail reason=001',
    );
    assert.equal(h.form, 'eop');
    assert.deepEqual(
      h.results.map((r) => r.method),
      ['spf', 'dkim', 'dmarc', 'compauth'],
    );
    const ca = byMethod(h, 'compauth');
    assert.equal(ca.result, 'fail');
    assert.equal(ca.reason, '001');
    assert.deepEqual(ca.props, {});
    assert.deepEqual(byMethod(h, 'dkim').comments, ['no key for signature']);
    assert.equal(byMethod(h, 'dkim').props['header.d'], 'goodbuild.com');
    assert.deepEqual(h.unparsed, []);
  });

  test('AUTH-DOC example: "header.d=none; contoso.com;" and bestguesspass', () => {
    const h = parseAuthResults(
      'spf=pass (sender IP is 10.2.3.4) smtp.mailfrom=fabrikam.com; contoso.com; dkim=none (message not signed) header.d=none; contoso.com; dmarc=bestguesspass action=none header.from=fabrikam.com; compauth=pass reason=109',
    );
    assert.deepEqual(h.bareTokens, ['contoso.com', 'contoso.com']);
    assert.equal(byMethod(h, 'dmarc').result, 'bestguesspass');
    assert.equal(byMethod(h, 'compauth').reason, '109');
    assert.equal(h.results.length, 4);
  });

  test('ARC-DOC example: compauth=pass reason=130 after DMARC failure', () => {
    const h = parseAuthResults(
      'spf=fail (sender IP is 10.10.10.10) smtp.mailfrom=contoso.com; dkim=fail (body hash did not verify) header.d=contoso.com;dmarc=fail action=none header.from=contoso.com;compauth=pass reason=130',
    );
    assert.deepEqual(summarizeAuthResults(h), { spf: 'fail', dkim: 'fail', dmarc: 'fail', compauth: 'pass' });
    assert.deepEqual(byMethod(h, 'dkim').comments, ['body hash did not verify']);
    assert.equal(byMethod(h, 'compauth').reason, '130');
  });

  test('folded EOP header as stored (line breaks inside) and Original-Authentication-Results starting with dkim=', () => {
    const h = parseAuthResults(
      'spf=none (sender IP is 209.132.180.67)\r\n smtp.mailfrom=vger.kernel.org; oss.nxp.com; dkim=none (message not signed)\r\n header.d=none;oss.nxp.com; dmarc=fail action=none\r\n header.from=oss.nxp.com;compauth=fail reason=601',
    );
    assert.deepEqual(
      h.results.map((r) => `${r.method}=${r.result}`),
      ['spf=none', 'dkim=none', 'dmarc=fail', 'compauth=fail'],
    );
    assert.equal(byMethod(h, 'dmarc').props['header.from'], 'oss.nxp.com');
    assert.equal(byMethod(h, 'compauth').reason, '601');

    const o = parseAuthResults('dkim=none (message not signed)\n header.d=none;dmarc=none action=none header.from=arm.com;');
    assert.equal(o.form, 'eop');
    assert.deepEqual(
      o.results.map((r) => r.method),
      ['dkim', 'dmarc'],
    );
    assert.equal(byMethod(o, 'dmarc').props['header.from'], 'arm.com');
  });
});

describe('parseAuthResults: RFC 8601 shapes from real MTAs', () => {
  test('Gmail: dkim/spf/dmarc with comments and policy comment', () => {
    const h = parseAuthResults(
      'mx.google.com;\r\n       dkim=pass header.i=@gmail.com header.s=20161025 header.b=EOkHN4OY;\r\n       spf=pass (google.com: domain of chinyoka.consultant@gmail.com designates 209.85.220.41 as permitted sender) smtp.mailfrom=chinyoka.consultant@gmail.com;\r\n       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=gmail.com',
    );
    assert.equal(h.authservId, 'mx.google.com');
    assert.equal(h.form, 'rfc8601');
    const dkim = byMethod(h, 'dkim');
    assert.deepEqual(dkim.props, { 'header.i': '@gmail.com', 'header.s': '20161025', 'header.b': 'EOkHN4OY' });
    const spf = byMethod(h, 'spf');
    assert.equal(
      spf.comments[0],
      'google.com: domain of chinyoka.consultant@gmail.com designates 209.85.220.41 as permitted sender',
    );
    assert.equal(spf.props['smtp.mailfrom'], 'chinyoka.consultant@gmail.com');
    assert.deepEqual(byMethod(h, 'dmarc').comments, ['p=REJECT sp=REJECT dis=NONE']);
    assert.deepEqual(h.unparsed, []);
  });

  test('Gmail: arc=pass with detail comment, dkim=neutral for body hash, header.b with / and +', () => {
    const h = parseAuthResults(
      'mx.google.com; dkim=neutral (body hash did not verify) header.i=@suse.com header.s=google header.b=a+b/C9x0; arc=pass (i=1 spf=pass spfdomain=suse.com dkim=pass dkdomain=suse.com dmarc=pass fromdomain=suse.com); spf=pass (google.com: domain of jdoe@suse.com designates 2a00:1450:4864:20::52f as permitted sender) smtp.mailfrom=jdoe@suse.com',
    );
    assert.equal(byMethod(h, 'dkim').result, 'neutral');
    assert.equal(byMethod(h, 'dkim').props['header.b'], 'a+b/C9x0');
    assert.deepEqual(byMethod(h, 'arc').comments, [
      'i=1 spf=pass spfdomain=suse.com dkim=pass dkdomain=suse.com dmarc=pass fromdomain=suse.com',
    ]);
    assert.deepEqual(byMethod(h, 'arc').props, {});
    assert.equal(h.results.length, 3);
  });

  test('Mimecast: quoted comment text is unquoted', () => {
    const h = parseAuthResults('relay.mimecast.com; dkim=fail ("body hash did not verify") header.d=contoso.com header.s=selector1 header.b=Xyz12345');
    assert.equal(h.authservId, 'relay.mimecast.com');
    assert.deepEqual(byMethod(h, 'dkim').comments, ['body hash did not verify']);
    assert.equal(byMethod(h, 'dkim').props['header.s'], 'selector1');
  });

  test('Mimecast auth and arc comments with quoted text', () => {
    const h = parseAuthResults(
      'relay.mimecast.com; auth=pass smtp.auth=us-smtp-delivery-124 smtp.mailfrom=alice@fabrikam.com; arc=pass ("microsoft.com:s=arcselector10001:i=2")',
    );
    assert.equal(byMethod(h, 'auth').props['smtp.auth'], 'us-smtp-delivery-124');
    assert.deepEqual(byMethod(h, 'arc').comments, ['microsoft.com:s=arcselector10001:i=2']);
  });

  test('Proofpoint ppops.net with address value and extra spaces', () => {
    const h = parseAuthResults('ppops.net;    spf=none smtp.mailfrom=smartprof@loki.ist.unomaha.edu');
    assert.equal(h.authservId, 'ppops.net');
    assert.equal(h.form, 'rfc8601');
    assert.deepEqual(byMethod(h, 'spf').props, { 'smtp.mailfrom': 'smartprof@loki.ist.unomaha.edu' });
  });

  test('iprev and policy properties', () => {
    const h = parseAuthResults(
      'mail.example.org; iprev=pass policy.iprev=192.0.2.200 (mail.example.com); auth=pass (cram-md5) smtp.auth=sender@example.net',
    );
    assert.equal(byMethod(h, 'iprev').props['policy.iprev'], '192.0.2.200');
    assert.deepEqual(byMethod(h, 'iprev').comments, ['mail.example.com']);
    assert.deepEqual(byMethod(h, 'auth').comments, ['cram-md5']);
  });

  test('"none" result list', () => {
    const h = parseAuthResults('mx.google.com; none');
    assert.equal(h.authservId, 'mx.google.com');
    assert.equal(h.form, 'none');
    assert.deepEqual(h.results, []);
    assert.deepEqual(h.unparsed, []);
  });

  test('authserv-id with version and comment', () => {
    const h = parseAuthResults('mx.example.org 1 (Postfix); spf=pass smtp.mailfrom=example.com');
    assert.equal(h.authservId, 'mx.example.org');
    assert.equal(h.authservVersion, '1');
    assert.equal(byMethod(h, 'spf').result, 'pass');
  });

  test('nested comments with escaped parentheses are one comment', () => {
    const h = parseAuthResults('mx.example.net; dkim=pass (good (2048-bit key) signature \\) checked) header.d=example.com');
    assert.deepEqual(byMethod(h, 'dkim').comments, ['good (2048-bit key) signature ) checked']);
    assert.equal(byMethod(h, 'dkim').props['header.d'], 'example.com');
  });

  test('quoted reason containing ";" and a comment after ";" attach to the right result', () => {
    const h = parseAuthResults(
      'mx.example.net; dkim=fail reason="signature verification failed; key too short" header.d=example.com; (checked at edge) spf=pass smtp.mailfrom=example.com',
    );
    assert.equal(byMethod(h, 'dkim').reason, 'signature verification failed; key too short');
    assert.deepEqual(byMethod(h, 'dkim').comments, ['checked at edge']);
    assert.equal(byMethod(h, 'spf').result, 'pass');
  });

  test('missing ";" between results still yields two results', () => {
    const h = parseAuthResults('mx.example.net; spf=pass smtp.mailfrom=example.com dkim=pass header.d=example.com');
    assert.deepEqual(
      h.results.map((r) => r.method),
      ['spf', 'dkim'],
    );
    assert.equal(byMethod(h, 'dkim').props['header.d'], 'example.com');
  });

  test('method version, case folding of method/result/keys but not values', () => {
    const h = parseAuthResults('MX.Example.NET; DKIM/1=PASS Header.D=Example.COM; SPF=SoftFail smtp.MailFrom=Bob@Example.COM');
    const d = byMethod(h, 'dkim');
    assert.equal(d.methodVersion, '1');
    assert.equal(d.result, 'pass');
    assert.equal(d.props['header.d'], 'Example.COM');
    assert.equal(byMethod(h, 'spf').result, 'softfail');
    assert.equal(byMethod(h, 'spf').props['smtp.mailfrom'], 'Bob@Example.COM');
    assert.equal(h.authservId, 'MX.Example.NET');
  });

  test('missing ";" after the authserv-id, whitespace around "=", junk after the id', () => {
    const a = parseAuthResults('mx.example.net spf=pass smtp.mailfrom=a.com');
    assert.equal(a.authservId, 'mx.example.net');
    assert.equal(byMethod(a, 'spf').props['smtp.mailfrom'], 'a.com');
    const b = parseAuthResults('spf = pass smtp.mailfrom = a.com');
    assert.equal(b.form, 'eop');
    assert.equal(byMethod(b, 'spf').result, 'pass');
    assert.equal(byMethod(b, 'spf').props['smtp.mailfrom'], 'a.com');
    const c = parseAuthResults('mx.example.net junk more; dkim=pass');
    assert.deepEqual(c.unparsed, ['junk more']);
    assert.equal(byMethod(c, 'dkim').result, 'pass');
  });

  test('Google\'s gateway.spf (a configured inbound gateway) is a result of its own, not a property', () => {
    // ARC-Authentication-Results sealed by Google Groups for a Red Hat list (public list archive)
    const h = parseAuthResults(
      'i=2; mx.google.com; gateway.spf=pass (google.com: domain gapps.redhat.com configured 205.139.110.120 as internal address) smtp.mailfrom=dhowells@redhat.com smtp.remote-ip=205.139.110.120 policy.d=gapps.redhat.com',
      { arc: true },
    );
    assert.deepEqual(h.unparsed, []);
    assert.equal(h.results.length, 1);
    const g = byMethod(h, 'gateway.spf');
    assert.equal(g.result, 'pass');
    assert.equal(g.props['smtp.mailfrom'], 'dhowells@redhat.com');
    assert.equal(g.props['smtp.remote-ip'], '205.139.110.120');
    assert.equal(g.props['policy.d'], 'gapps.redhat.com');
    assert.equal(h.results.some((r) => r.method === 'spf'), false, 'never read as the receiver\'s own SPF result');
    // a ptype stays a property even when its name ends like a method
    const p = parseAuthResults('mx.example.net; dkim=pass header.d=example.com policy.spf=ok');
    assert.equal(byMethod(p, 'dkim').props['policy.spf'], 'ok');
    assert.equal(p.results.length, 1);
  });

  test('properties between the authserv-id and the first result belong to the header', () => {
    const a = parseAuthResults('smtp02.mts.email-tor1.sync.lan smtp.user=<hidden>; auth=pass (LOGIN)');
    assert.deepEqual(a.unparsed, []);
    assert.equal(a.authservId, 'smtp02.mts.email-tor1.sync.lan');
    assert.deepEqual(a.props, { 'smtp.user': '<hidden>' });
    assert.equal(byMethod(a, 'auth').result, 'pass');
    const b = parseAuthResults(
      'mx2-ia5-sp3.mta.salesforce.com x-tls.subject="/C=US/ST=California/L=San Francisco/O=salesforce.com, inc./OU=0:app;1:ia5;2:ia5-sp3;3:na156;4:prod/CN=na156-app2-20-ia5.ops.sfdc.net"; auth=pass (cipher=TLS_AES_256_GCM_SHA384)',
    );
    assert.deepEqual(b.unparsed, []);
    assert.match(b.props?.['x-tls.subject'] ?? '', /CN=na156-app2-20-ia5\.ops\.sfdc\.net$/);
    assert.equal(byMethod(b, 'auth').comments[0], 'cipher=TLS_AES_256_GCM_SHA384');
    assert.equal(parseAuthResults('mx.example.net; spf=pass').props, undefined);
  });

  test('values containing "=" (SRS / VERP addresses) are kept whole', () => {
    const h = parseAuthResults(
      'mx.example.net; spf=pass smtp.mailfrom=SRS0=Xb3k=QF=example.com=alice@lists.example.org; dmarc=pass header.from=example.com',
    );
    assert.equal(byMethod(h, 'spf').props['smtp.mailfrom'], 'SRS0=Xb3k=QF=example.com=alice@lists.example.org');
    assert.equal(h.results.length, 2);
  });

  test('a comment between a name and its "=" (CFWS that RFC 8601 allows) is read, not reported', () => {
    // SpamAssassin's test corpus: "reason (BAH) = ..." with the comment before the '='
    const h = parseAuthResults('authrestest4int 2; spf=fail reason (BAH) = "just some (<>.%&! reason" smtp.mailfrom=dogma.slashnull.org');
    assert.equal(h.authservId, 'authrestest4int');
    const spf = byMethod(h, 'spf');
    assert.equal(spf.result, 'fail');
    assert.equal(spf.reason, 'just some (<>.%&! reason');
    assert.deepEqual(spf.comments, ['BAH']);
    assert.equal(spf.props['smtp.mailfrom'], 'dogma.slashnull.org');
    assert.deepEqual(h.unparsed, []);
    const m = byMethod(parseAuthResults('mx.example.net; dkim (checked) = pass header.d=example.com'), 'dkim');
    assert.equal(m.result, 'pass');
    assert.deepEqual(m.comments, ['checked']);
    assert.equal(m.props['header.d'], 'example.com');
  });
});

describe('parseAuthResults: ARC-Authentication-Results', () => {
  test('Microsoft AAR with i=, version, rcpttodomain and arc=none (0)', () => {
    const h = parseAuthResults(
      'i=1; mx.microsoft.com 1; spf=pass (sender ip is 148.163.138.245) smtp.rcpttodomain=contoso.com smtp.mailfrom=ford.com; dmarc=pass (p=reject sp=reject pct=100) action=none header.from=ford.com; dkim=pass (signature was verified) header.d=ford.com; arc=none (0)',
      { arc: true },
    );
    assert.equal(h.instance, 1);
    assert.equal(h.authservId, 'mx.microsoft.com');
    assert.equal(h.authservVersion, '1');
    assert.equal(h.form, 'rfc8601');
    assert.deepEqual(byMethod(h, 'spf').props, { 'smtp.rcpttodomain': 'contoso.com', 'smtp.mailfrom': 'ford.com' });
    assert.deepEqual(byMethod(h, 'dmarc').comments, ['p=reject sp=reject pct=100']);
    assert.equal(byMethod(h, 'dmarc').props['action'], 'none');
    assert.deepEqual(byMethod(h, 'arc').comments, ['0']);
    assert.deepEqual(summarizeAuthResults(h), { spf: 'pass', dmarc: 'pass', dkim: 'pass', arc: 'none' });
  });

  test('Hornetsecurity AAR folded over lines: reason=, comment, orig.disposition', () => {
    const h = parseAuthResults(
      'i=1; mx-gate49-hz3.hornetsecurity.com 1; spf=pass\n reason=mailfrom (ip=94.100.132.6, headerfrom=ew.tq-group.com)\n smtp.mailfrom=ew.tq-group.com smtp.helo=smtp-out01-hz1.hornetsecurity.com;\n dmarc=pass header.from=ew.tq-group.com orig.disposition=pass',
      { arc: true },
    );
    assert.equal(h.instance, 1);
    assert.equal(h.authservId, 'mx-gate49-hz3.hornetsecurity.com');
    const spf = byMethod(h, 'spf');
    assert.equal(spf.reason, 'mailfrom');
    assert.deepEqual(spf.comments, ['ip=94.100.132.6, headerfrom=ew.tq-group.com']);
    assert.equal(spf.props['smtp.helo'], 'smtp-out01-hz1.hornetsecurity.com');
    assert.equal(byMethod(h, 'dmarc').props['orig.disposition'], 'pass');
    assert.deepEqual(h.unparsed, []);
  });

  test('Gmail first-hop AAR: i=1; mx.google.com; arc=none', () => {
    const h = parseAuthResults('i=1; mx.google.com; arc=none', { arc: true });
    assert.equal(h.instance, 1);
    assert.equal(byMethod(h, 'arc').result, 'none');
  });

  test('without opts.arc a leading i=N; is reported, not taken as a result', () => {
    const h = parseAuthResults('i=2; mx.google.com; spf=pass smtp.mailfrom=a@example.com');
    assert.equal(h.instance, undefined);
    assert.deepEqual(h.unparsed, ['i=2']);
    assert.equal(h.authservId, 'mx.google.com');
    assert.deepEqual(
      h.results.map((r) => r.method),
      ['spf'],
    );
  });
});

describe('parseAuthResults: malformed and hostile input', () => {
  test('empty and whitespace-only values', () => {
    for (const v of ['', '   ', '\r\n ']) {
      const h = parseAuthResults(v);
      assert.equal(h.form, 'none');
      assert.deepEqual(h.results, []);
    }
  });

  test('unterminated comment and quote do not throw and are reported', () => {
    const a = parseAuthResults('mx.example.net; dkim=fail (body hash did not');
    assert.equal(byMethod(a, 'dkim').result, 'fail');
    assert.deepEqual(byMethod(a, 'dkim').comments, ['body hash did not']);
    assert.ok(a.unparsed.some((u) => u.startsWith('(body hash')));

    const b = parseAuthResults('mx.example.net; dkim=fail reason="unterminated');
    assert.equal(byMethod(b, 'dkim').reason, 'unterminated');
  });

  test('garbage words and stray "=" go to unparsed', () => {
    const h = parseAuthResults('mx.example.net; spf=pass smtp.mailfrom=a.com junkword; = oops; !!!=x; dkim=pass');
    assert.ok(h.unparsed.includes('junkword'));
    assert.ok(h.unparsed.includes('='));
    assert.ok(h.unparsed.some((u) => u.startsWith('!!!=')));
    assert.deepEqual(
      h.results.map((r) => r.method),
      ['spf', 'dkim'],
    );
  });

  test('a property stranded after ";" is attached to the previous result', () => {
    const h = parseAuthResults('spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.com; header.from=example.com');
    assert.equal(byMethod(h, 'spf').props['header.from'], 'example.com');
    assert.equal(h.results.length, 1);
  });

  test('1 MB of ";" ', () => {
    const h = parseAuthResults(';'.repeat(1_000_000));
    assert.deepEqual(h.results, []);
    assert.equal(h.authservId, null);
  });

  test('1 MB of "(" (one deep unterminated comment)', () => {
    const h = parseAuthResults('mx.example.net; spf=pass ' + '('.repeat(1_000_000));
    assert.equal(byMethod(h, 'spf').result, 'pass');
    assert.ok(h.unparsed.length >= 1);
    assert.ok(h.unparsed.every((u) => u.length <= 201));
  });

  test('tens of thousands of results are capped with a note', () => {
    const h = parseAuthResults('mx.example.net; ' + 'spf=pass smtp.mailfrom=a.com;'.repeat(40_000));
    assert.equal(h.results.length, 500);
    assert.ok(h.unparsed.some((u) => u.includes('more than 500 results')));
  });

  test('a 1 MB single token and a 1 MB value', () => {
    const h = parseAuthResults('x'.repeat(1_000_000));
    assert.equal(h.results.length, 0);
    const v = parseAuthResults('mx.example.net; dkim=pass header.b=' + 'A'.repeat(1_000_000));
    assert.equal(byMethod(v, 'dkim').props['header.b'].length, 1_000_000);
  });

  test('non-string input does not throw', () => {
    const h = parseAuthResults(undefined as unknown as string);
    assert.equal(h.form, 'none');
  });
});

describe('parseReceivedSpf', () => {
  test('EOP Pass with receiver/client-ip/helo/pr', () => {
    const r = parseReceivedSpf(
      'Pass (protection.outlook.com: domain of ford.com designates 148.163.138.245 as permitted sender) receiver=protection.outlook.com; client-ip=148.163.138.245; helo=mx0b-00498f04.pphosted.com; pr=C',
    );
    assert.equal(r.result, 'pass');
    assert.equal(r.comment, 'protection.outlook.com: domain of ford.com designates 148.163.138.245 as permitted sender');
    assert.equal(r.receiver, 'protection.outlook.com');
    assert.equal(r.clientIp, '148.163.138.245');
    assert.equal(r.helo, 'mx0b-00498f04.pphosted.com');
    assert.equal(r.props['pr'], 'C');
  });

  test('EOP SoftFail folded, without key=value pairs', () => {
    const r = parseReceivedSpf(
      'SoftFail (protection.outlook.com: domain of transitioning\r\n hpe.com discourages use of 15.211.195.18 as permitted sender)',
    );
    assert.equal(r.result, 'softfail');
    assert.equal(r.comment, 'protection.outlook.com: domain of transitioning hpe.com discourages use of 15.211.195.18 as permitted sender');
    assert.equal(r.clientIp, undefined);
    assert.deepEqual(r.props, {});
  });

  test('Gmail form with trailing ";"', () => {
    const r = parseReceivedSpf(
      'pass (google.com: domain of chinyoka.consultant@yahoo.com designates 66.163.190.60 as permitted sender) client-ip=66.163.190.60;',
    );
    assert.equal(r.result, 'pass');
    assert.equal(r.clientIp, '66.163.190.60');
  });

  test('pyspf / SpamAssassin form', () => {
    const r = parseReceivedSpf(
      'Pass (mailfrom) identity=mailfrom; client-ip=209.85.128.45; helo=mail-wm1-f45.google.com; envelope-from=alice@example.com; receiver=<UNKNOWN>',
    );
    assert.equal(r.result, 'pass');
    assert.equal(r.comment, 'mailfrom');
    assert.equal(r.props['identity'], 'mailfrom');
    assert.equal(r.helo, 'mail-wm1-f45.google.com');
    assert.equal(r.envelopeFrom, 'alice@example.com');
    assert.equal(r.receiver, '<UNKNOWN>');
  });

  test('every result keyword is lower-cased', () => {
    for (const [raw, want] of [
      ['None (protection.outlook.com: example.com does not designate permitted sender hosts)', 'none'],
      ['Fail (protection.outlook.com: domain of example.com does not designate 192.0.2.7 as permitted sender)', 'fail'],
      ['Neutral (protection.outlook.com: 192.0.2.7 is neither permitted nor denied by domain of example.com)', 'neutral'],
      ['TempError (protection.outlook.com: error in processing during lookup of example.com: DNS Timeout)', 'temperror'],
      ['PermError (protection.outlook.com: domain of example.com used an invalid SPF mechanism)', 'permerror'],
    ]) {
      assert.equal(parseReceivedSpf(raw).result, want);
    }
  });

  test('client-ip is normalised; invalid ones are kept only in props', () => {
    const v6 = parseReceivedSpf('pass (google.com: ...) client-ip=2607:F8B0:4864:0:0:0:0:52F;');
    assert.equal(v6.clientIp, '2607:f8b0:4864::52f');
    assert.equal(v6.props['client-ip'], '2607:F8B0:4864:0:0:0:0:52F');
    const bad = parseReceivedSpf('pass client-ip=999.1.1.1; helo=x');
    assert.equal(bad.clientIp, undefined);
    assert.equal(bad.props['client-ip'], '999.1.1.1');
  });

  test('hostile input', () => {
    assert.equal(parseReceivedSpf(';'.repeat(1_000_000)).result, '');
    const r = parseReceivedSpf('pass ' + 'a=b; '.repeat(100_000));
    assert.equal(r.props['a'], 'b');
    assert.equal(parseReceivedSpf('').result, '');
    assert.equal(parseReceivedSpf('pass (' + '('.repeat(100_000)).result, 'pass');
  });
});

describe('summarizeAuthResults', () => {
  test('dkim is pass when any signature passed, otherwise the first', () => {
    const h = parseAuthResults(
      'mx.google.com; dkim=fail header.i=@example.com; dkim=pass header.i=@esp.example.net; spf=softfail smtp.mailfrom=a@example.com; spf=pass smtp.mailfrom=b@example.com',
    );
    assert.deepEqual(summarizeAuthResults(h), { dkim: 'pass', spf: 'softfail' });
    const g = parseAuthResults('mx.google.com; dkim=neutral (body hash did not verify) header.i=@a.com; dkim=fail header.i=@b.com');
    assert.equal(summarizeAuthResults(g).dkim, 'neutral');
  });

  test('ignores methods outside the summary', () => {
    const h = parseAuthResults('mx.example.net; iprev=pass policy.iprev=192.0.2.1; bimi=none');
    assert.deepEqual(summarizeAuthResults(h), {});
  });
});
