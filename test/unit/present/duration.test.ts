import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatDelay, formatDuration, formatSignedDuration } from '../../../src/core/present/duration';

describe('durations: one set of rules for findings, reports, the tree and the terminal', () => {
  test('at most two neighbouring units, rounded to the second, no sign', () => {
    assert.equal(formatDuration(0), '0 s');
    assert.equal(formatDuration(499), '0 s');
    assert.equal(formatDuration(45_000), '45 s');
    assert.equal(formatDuration(200_000), '3 min 20 s');
    assert.equal(formatDuration(15 * 60_000), '15 min');
    assert.equal(formatDuration(2 * 3600_000), '2 h');
    assert.equal(formatDuration(2 * 3600_000 + 5 * 60_000 + 7_000), '2 h 5 min');
    assert.equal(formatDuration(3 * 86_400_000 + 4 * 3600_000), '3 d 4 h');
    // a day and five minutes: the minutes are not a neighbour of the days
    assert.equal(formatDuration(86_400_000 + 5 * 60_000), '1 d');
    assert.equal(formatDuration(-40_000), '40 s');
  });

  test('signed durations and hop delays', () => {
    assert.equal(formatSignedDuration(0), '+0 s');
    assert.equal(formatSignedDuration(200_000), '+3 min 20 s');
    assert.equal(formatSignedDuration(-40_000), '\u221240 s');
    assert.equal(formatDelay({ delayMs: null, clockSkew: false }), '');
    assert.equal(formatDelay({ delayMs: 1000, clockSkew: false }), '+1 s');
    assert.equal(formatDelay({ delayMs: -40_000, clockSkew: true }), 'clock skew \u221240 s');
    // time going backwards within the tolerance is still said to be skew, never a negative delay
    assert.equal(formatDelay({ delayMs: -2_000, clockSkew: false }), 'clock skew \u22122 s');
  });
});
