import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as os from 'node:os';
import fc from 'fast-check';
import { fuzz } from '../../fuzz/run';
import { checkAnalysis, codeOutsideLiterals } from '../../fuzz/properties';
import { analyzeHeaders } from '../../../src/core/analyze';
import { parseReceived } from '../../../src/core/parse/received';
import { parseAuthResults } from '../../../src/core/parse/auth-results';
import { parseTagList } from '../../../src/core/parse/tags';
import { parseMailDate } from '../../../src/core/parse/date';

describe('fuzzing (short budget; `npm run fuzz` runs a long one)', () => {
  test('structure-aware mutations of the realistic corpus: no throw, no hang, ranges inside, scripts safe', async () => {
    const out = path.join(os.tmpdir(), `mfl-fuzz-${process.pid}`);
    const r = await fuzz({ cases: Number(process.env.FUZZ_CASES ?? 60), seed: 20261123, caseMs: 15000, out, log: () => {} });
    assert.equal(r.failed, 0, `failing cases (saved in ${out}):\n${r.failures.join('\n')}`);
    assert.ok(r.passed > 0);
  });

  test('parsers never throw on arbitrary strings (fast-check)', () => {
    const header = fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: fc.constantFrom('(', ')', '[', ']', '<', '>', ';', '=', ' ', 'a', '1', '.', ':', '"', '\\', 'from', 'by', 'with', 'spf', 'pass'), maxLength: 300 }));
    fc.assert(
      fc.property(header, (s) => {
        const r = parseReceived(s);
        assert.ok(Array.isArray(r.unparsed));
        parseAuthResults(s);
        parseAuthResults(s, { arc: true });
        parseTagList(s);
        parseMailDate(s);
      }),
      { numRuns: 400, seed: 42 },
    );
  });

  test('analyzeHeaders on arbitrary bytes: never throws, every range inside the document', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const a = analyzeHeaders(Buffer.from(bytes));
        assert.deepEqual(checkAnalysis(a), []);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  test('the script lexer the properties rely on tells literals from code', () => {
    assert.deepEqual(codeOutsideLiterals("Set-X -A 'it''s' # $(evil) `x"), { code: "Set-X -A '' ", unterminated: false });
    // a Unicode look-alike closes the literal in PowerShell: what follows is code
    const lookalike = codeOutsideLiterals("Set-X -A 'a\u2019; Remove-Item x");
    assert.match(lookalike.code, /; Remove-Item x$/);
    assert.equal(codeOutsideLiterals("Set-X -A 'open").unterminated, true);
  });
});
