import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analyze';
import {
  dmarcActionMeaning,
  outcomeOf,
  receiverOutcome,
  receiverText,
  receiverVerdictText,
  resultMeaning,
} from '../../../src/core/present/verdicts';
import { formatText } from '../../../src/cli/format-text';
import { recordOf } from '../../../src/cli/engine';
import { renderMarkdownReport } from '../../../src/core/report/markdown';
import { buildCached } from '../../fixtures/scenarios';

describe('receiver words', () => {
  test('the kind comes first, as the JSON names it; the stamped name only when it adds something', () => {
    assert.equal(receiverText({ receiver: 'exchange-online', receiverName: 'Exchange Online' }), 'Exchange Online');
    assert.equal(receiverText({ receiver: 'gmail', receiverName: null }), 'Gmail');
    assert.equal(receiverText({ receiver: 'other', receiverName: 'mx.example.org' }), 'other (mx.example.org)');
    assert.equal(receiverText({ receiver: 'other', receiverName: null }), 'other');
    // never just a host name for a receiver the JSON calls unknown
    assert.equal(receiverText({ receiver: 'unknown', receiverName: 'mail.example.net' }), 'unknown (last host mail.example.net)');
    assert.equal(receiverText({ receiver: 'unknown', receiverName: null }), 'unknown');
  });
});

describe('result words', () => {
  test('outcomes: softpass and bestguesspass pass, permerror fails, temperror decides nothing', () => {
    assert.equal(outcomeOf('softpass'), 'pass');
    assert.equal(outcomeOf('BestGuessPass'), 'pass');
    assert.equal(outcomeOf('permerror'), 'fail');
    assert.equal(outcomeOf('temperror'), 'warn');
    assert.equal(outcomeOf('none'), 'neutral');
    assert.equal(outcomeOf(undefined), 'neutral');
  });

  test('each receiver result named in plain words', () => {
    assert.match(resultMeaning('dmarc', 'permerror') ?? '', /record could not be used/);
    assert.match(resultMeaning('dmarc', 'temperror') ?? '', /temporary DNS failure/);
    assert.match(resultMeaning('DMARC', 'bestguesspass') ?? '', /no DMARC record, but the message would have passed one/);
    assert.match(resultMeaning('compauth', 'softpass') ?? '', /low confidence \(not a failure\)/);
    assert.match(resultMeaning('dkim', 'permerror') ?? '', /no key published, a revoked key/);
    assert.equal(resultMeaning('dmarc', 'bogus'), undefined);
    assert.match(dmarcActionMeaning('oreject') ?? '', /overrode it: the message was accepted/);
    assert.match(dmarcActionMeaning('quarantine') ?? '', /p=quarantine/);
    assert.match(dmarcActionMeaning('none') ?? '', /no action/);
  });

  test('never "failed" when compauth passed, even with DMARC failing', () => {
    assert.equal(receiverOutcome({ spf: 'fail', dkim: 'fail', dmarc: 'fail', compauth: 'pass' }), 'pass');
    assert.equal(receiverOutcome({ dmarc: 'fail', compauth: 'softpass' }), 'pass');
    assert.equal(receiverOutcome({ dmarc: 'fail', compauth: 'fail' }), 'fail');
    assert.equal(receiverOutcome({ spf: 'softfail', dmarc: 'pass' }), 'pass', 'an aligned DKIM pass carries DMARC over a failed SPF');
    assert.equal(receiverOutcome({ dmarc: 'fail' }), 'fail');
    assert.equal(receiverOutcome({ dmarc: 'temperror' }), 'warn');
  });
});

describe('the terminal text explains the unusual results', () => {
  test('compauth=softpass is spelled out under the receiver verdicts, plain pass/fail are not', async () => {
    const bytes = (await buildCached('proofpoint-banner-eop')).bytes.toString('latin1');
    assert.ok(bytes.includes('compauth=fail reason=000'));
    const a = await analyze(Buffer.from(bytes.replace('compauth=fail reason=000', 'compauth=softpass reason=202'), 'latin1'), { dnsMode: 'off' });
    const text = formatText(a, { color: false });
    assert.match(text, /compauth=softpass: Microsoft 365's composite authentication found the From domain probably genuine: a pass with low confidence/);
    assert.doesNotMatch(text, /dmarc=fail: /);
  });
});

describe('every output names the same receiver and verdict', () => {
  for (const id of ['proofpoint-banner-eop', 'barracuda-gmail', 'mailing-list-gmail', 'phish-fake-helo']) {
    test(id, async () => {
      const a = await analyze((await buildCached(id)).bytes, { dnsMode: 'off', name: `${id}.eml` });
      const text = formatText(a, { color: false });
      const json = JSON.parse(JSON.stringify(a));
      const want = receiverText(json.boundary);
      assert.ok(want.toLowerCase().startsWith(json.boundary.receiver === 'exchange-online' ? 'exchange online' : json.boundary.receiver), `${want} vs ${json.boundary.receiver}`);
      const receiverLine = text.split('\n').find((l) => l.trim().startsWith('Receiver:'));
      assert.ok(receiverLine?.includes(`Receiver: ${want}`), receiverLine);
      const verdictLine = text.split('\n').find((l) => l.trim().startsWith('Verdict:'));
      assert.equal(verdictLine?.trim(), `Verdict: ${json.facts.verdict.summary}`);
      const rec = recordOf(a, `${id}.eml`);
      assert.equal(rec.receiver, want);
      assert.equal(rec.receiverKind, json.boundary.receiver);
      assert.match(renderMarkdownReport(a), new RegExp(`\\| Receiver \\| ${want.replace(/[.()]/g, '\\$&')} \\|`));
      // the one-line verdict follows the receiver's DMARC/compauth decision
      const v = receiverVerdictText(a);
      if (json.facts.verdict.class === 'authentic') assert.notEqual(v.outcome, 'fail');
    });
  }
});
