// compare(): the same kind of message before and after Enhanced Filtering was switched on
// (./efc-pair.ts, built with the scenario builders), the same message twice, and two unrelated ones.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analyze';
import { compare, comparisonLinesText, comparisonText, messageFacts } from '../../../src/core/compare';
import type { Analysis } from '../../../src/core/types';
import { buildCached } from '../../fixtures/scenarios';
import { efcPair, type EfcPair } from './efc-pair';

describe('compare', () => {
  let pair: EfcPair;
  let off: Analysis;
  let on: Analysis;
  before(async () => {
    pair = await efcPair();
    off = await analyze(pair.before, { name: 'before.eml' });
    on = await analyze(pair.after, { name: 'after.eml' });
  });

  test('before/after EFC: the recovered original IP leads, then verdicts, delivery, route and findings', () => {
    const c = compare(off, on);
    assert.equal(c.sameMessage, false);
    assert.deepEqual([c.efc.before, c.efc.after], ['off', 'active']);
    assert.equal(c.after.recoveredIp, pair.originalIp);
    const texts = c.lines.map((l) => l.text);
    const efcLine = c.lines.find((l) => l.kind === 'efc')!;
    assert.equal(efcLine.direction, 'better');
    assert.equal(efcLine.text, `EFC now active: original IP ${pair.originalIp} recovered; the receiver evaluates it instead of ${pair.gatewayIp}.`);
    assert.ok(c.lines.findIndex((l) => l.kind === 'efc') < c.lines.findIndex((l) => l.kind === 'verdict'), 'the EFC line comes before the verdicts');
    assert.ok(texts.includes('SPF at the receiver: fail → pass.'));
    assert.ok(texts.includes('DMARC at the receiver: fail → pass.'));
    assert.ok(texts.some((t) => /^compauth at the receiver: fail \(reason 000\) → pass \(reason \d{3}\)\.$/.test(t)));
    assert.ok(texts.includes('Delivered to Junk Email folder → Inbox, SCL 5 → 1.'));
    assert.ok(texts.includes(`Connecting IP unchanged: ${pair.gatewayIp} still delivers to Exchange Online.`));
    assert.equal(c.connectingIp.changed, false);
    assert.deepEqual([c.evaluatedIp.before, c.evaluatedIp.after], [pair.gatewayIp, pair.originalIp]);
    // the banner still breaks the body hash: DKIM stays failed, DMARC now passes on SPF
    assert.equal(c.verdict.dkim.changed, false);
    assert.equal(c.route.shapeChanged, false);
    assert.deepEqual(c.findings.resolved.map((f) => f.id).sort(), ['compauth-fail', 'delivered-to-junk', 'dmarc-fail-after-relay', 'efc-not-enabled', 'spf-evaluated-on-relay']);
    assert.deepEqual(c.findings.added.map((f) => f.id), ['efc-active']);
    assert.deepEqual(c.findings.kept.map((f) => f.id), ['dkim-body-modified']);
    assert.deepEqual(c.remedies.removed.sort(), ['efc-skip-ips', 'efc-skip-last-ip']);
  });

  test('the other way round reads as a regression', () => {
    const c = compare(on, off);
    const efcLine = c.lines.find((l) => l.kind === 'efc')!;
    assert.equal(efcLine.direction, 'worse');
    assert.match(efcLine.text, new RegExp(`^EFC no longer active \\(now off\\): the receiver evaluates ${pair.gatewayIp.replace(/\./g, '\\.')} instead of the original sender ${pair.originalIp.replace(/\./g, '\\.')}\\.$`));
    assert.ok(c.lines.some((l) => l.kind === 'findings' && l.direction === 'worse' && l.text.startsWith('New findings: ') && l.text.includes('efc-not-enabled (error)')));
  });

  test('the same message twice: nothing but "no difference"', () => {
    const c = compare(off, off);
    assert.equal(c.sameMessage, true);
    assert.deepEqual(c.lines.map((l) => l.kind), ['message', 'route', 'same']);
    assert.equal(c.lines[2].text, 'No difference in route, verdicts, delivery or findings.');
  });

  test('a different route: Mimecast to Exchange Online vs Barracuda to Gmail', async () => {
    const a = await analyze((await buildCached('mimecast-efc-eop')).bytes);
    const b = await analyze((await buildCached('barracuda-gmail')).bytes);
    const c = compare(a, b);
    assert.equal(c.route.shapeChanged, true);
    const route = c.lines.find((l) => l.kind === 'route')!;
    assert.match(route.text, /^Route changed: \d+ hops \(.*Mimecast.*\) → \d+ hops \(.*Barracuda.*\)\.$/);
    assert.deepEqual([c.efc.before, c.efc.after], ['active', 'not-applicable']);
    assert.ok(c.connectingIp.changed);
  });

  test('comparisonText: one fact per line, no times, stable across runs; only real differences show', () => {
    const t1 = comparisonText(off);
    assert.equal(t1, comparisonText(off));
    assert.ok(!/\d{2}:\d{2}:\d{2}/.test(t1), 'no times');
    assert.match(t1, /^ {2}Enhanced Filtering: off$/m);
    assert.match(comparisonText(on), new RegExp(`^  Enhanced Filtering: active \\(recovered ${pair.originalIp.replace(/\./g, '\\.')}\\)$`, 'm'));
    const heads = (t: string) => t.split('\n').filter((l) => l && !l.startsWith(' ')).map((l) => l.replace(/ \(\d+[^)]*\)$/, ''));
    assert.deepEqual(heads(t1), ['Message', 'Route', 'Receiver: Exchange Online', "Receiver's verdict", 'Re-verification (DKIM)', 'Findings', 'Fixes suggested']);
    assert.deepEqual(heads(comparisonText(on)), heads(t1), 'the same sections in the same order on both sides');
  });

  test('text from the message cannot forge lines: control characters and line breaks are flattened', () => {
    const forged: Analysis = JSON.parse(JSON.stringify(off));
    forged.summary.subject = 'Invoice\r\n+ EFC now active: original IP 192.0.2.1 recovered\u202e';
    forged.findings[0].message = 'x\n  error fake-finding: injected';
    const text = comparisonText(forged);
    assert.ok(text.split('\n').some((l) => l === '  Subject: Invoice + EFC now active: original IP 192.0.2.1 recovered'));
    assert.ok(!text.split('\n').some((l) => l.startsWith('  error fake-finding')));
    const c = compare(forged, off);
    assert.ok(c.lines.every((l) => !l.text.includes('\n') && !l.text.includes('\u202e')));
    assert.ok(comparisonLinesText(c).split('\n').filter(Boolean).length === c.lines.length);
  });

  test('messageFacts reads the receiver\'s delivery folder and SCL from the Microsoft headers', () => {
    const f = messageFacts(off);
    assert.equal(f.delivery, 'Junk Email folder');
    assert.equal(f.scl, 5);
    assert.equal(f.sfv, 'SPM');
    assert.equal(f.efc, 'off');
    assert.equal(f.receiver, 'Exchange Online');
  });
});
