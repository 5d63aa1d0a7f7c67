import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateRemedies, remedyKind, REMEDY_ID_LIST, selectRemedies } from '../../../src/core/remedy';
import { deviceToEop, finding, mimecastEfcActive, proofpointToEop } from './analysis-builder';

describe('generateRemedies (driven by the findings)', () => {
  test('no findings: no remedies', () => {
    assert.deepEqual(generateRemedies(proofpointToEop()), []);
  });

  test('generates the ids the findings name, once each, in the canonical order, ignoring unknown ids', () => {
    const a = proofpointToEop({
      findings: [
        finding('spf-evaluated-on-relay', ['efc-skip-ips', 'efc-skip-last-ip', 'efc-pilot-users']),
        finding('efc-not-enabled', ['efc-skip-last-ip', 'no-such-remedy']),
        finding('scl-bypass-rule', ['remove-scl-bypass']),
      ],
    });
    assert.deepEqual(
      generateRemedies(a, { connectorName: 'From Proofpoint' }).map((r) => r.id),
      ['efc-skip-last-ip', 'efc-skip-ips', 'efc-pilot-users', 'remove-scl-bypass'],
    );
  });

  test('a finding whose remedy has no facts gives nothing for it', () => {
    const a = proofpointToEop({ findings: [finding('gmail-inbound-gateway-missing', ['gmail-inbound-gateway'])] });
    assert.deepEqual(generateRemedies(a), []);
  });
});

describe('selectRemedies (fix --kind)', () => {
  test('without a kind: the remedies already in the analysis', () => {
    const a = deviceToEop();
    a.remedies = generateRemedies(a);
    assert.deepEqual(selectRemedies(a).map((r) => r.id), ['device-relay-connector', 'spf-record-relay']);
  });

  test('with a kind the findings did not ask for: every generator of that kind runs on the facts', () => {
    const a = proofpointToEop();
    const lockdown = selectRemedies(a, 'lockdown');
    assert.deepEqual(lockdown.map((r) => r.id).sort(), ['lockdown-certificate', 'lockdown-connector']);
    // the best fit first: a recommended remedy is never listed after one that is not
    const rank = lockdown.map((r) => (r.recommended ? 0 : 1));
    assert.deepEqual(rank, [...rank].sort());
    assert.deepEqual(selectRemedies(a, 'efc').map((r) => r.kind), ['efc', 'efc', 'efc']);
    assert.deepEqual(selectRemedies(a, 'gmail'), []);
    assert.deepEqual(selectRemedies(mimecastEfcActive(), 'efc').map((r) => r.id), ['efc-verify']);
  });

  test('with a kind present in the analysis: only those', () => {
    const a = deviceToEop();
    a.remedies = generateRemedies(a);
    assert.deepEqual(selectRemedies(a, 'relay').map((r) => r.id), ['device-relay-connector', 'spf-record-relay']);
  });

  test('every id has a kind', () => {
    for (const id of REMEDY_ID_LIST) assert.ok(remedyKind(id), id);
    assert.equal(remedyKind('efc-skip-ips'), 'efc');
    assert.equal(remedyKind('remove-ip-allow'), 'cleanup');
    assert.equal(remedyKind('toString'), undefined);
  });
});
