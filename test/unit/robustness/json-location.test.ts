// jsonErrorLocation: the position of a JSON syntax error without quoting the text (DNS snapshots and
// configuration files may be any file a setting points at). It must agree with JSON.parse on what
// is valid, whatever the input.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonErrorLocation, parseDnsSnapshot } from '../../../src/core/verify/snapshot';

function parses(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

describe('jsonErrorLocation', () => {
  test('line and column of the first offending character', () => {
    assert.equal(jsonErrorLocation('{"a": 1}'), undefined);
    assert.deepEqual(jsonErrorLocation('root:x:0:0:root:/root:/bin/bash'), { line: 1, column: 1 });
    assert.deepEqual(jsonErrorLocation('{\n  "a": [1, 2,],\n}'), { line: 2, column: 14 });
    assert.deepEqual(jsonErrorLocation('{"a": 1}\n\n  x'), { line: 3, column: 3 });
    assert.deepEqual(jsonErrorLocation('{"a": "b\u0001"}'), { line: 1, column: 9 });
    assert.deepEqual(jsonErrorLocation('{"a": 01}'), { line: 1, column: 8 });
    assert.deepEqual(jsonErrorLocation(''), { line: 1, column: 1 });
    assert.deepEqual(jsonErrorLocation('['.repeat(100000)), { line: 1, column: 100001 }, 'deep nesting costs no stack');
  });

  test('agrees with JSON.parse on valid and invalid text (fast-check)', () => {
    const jsonish = fc.string({ unit: fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', 'u', '0', '1', '-', '.', 'e', '+', ' ', '\n', 't', 'true', 'false', 'null', 'a', '\u0001', '"k"', '1e5', '\\u00e9'), maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(jsonish, fc.json(), fc.string({ maxLength: 60 })), (s) => {
        assert.equal(jsonErrorLocation(s) === undefined, parses(s), JSON.stringify(s));
      }),
      { numRuns: 5000, seed: 8 },
    );
  });

  test('a snapshot that is not JSON is reported by position only', () => {
    const p = parseDnsSnapshot('root:x:0:0:root:/root:/bin/bash\n');
    assert.deepEqual(p.problems, ['Not a DNS snapshot (line 1, column 1): the text there is not valid JSON.']);
  });
});
