import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { splitHeaders } from '../../../src/core/parse/headers';
import { parseReceived } from '../../../src/core/parse/received';
import { parseMailDate } from '../../../src/core/parse/date';
import { parseAuthResults, parseReceivedSpf } from '../../../src/core/parse/auth-results';
import { parseTagList, parseDkimSignature } from '../../../src/core/parse/tags';
import { decodeMicrosoftHeaders } from '../../../src/core/parse/microsoft';
import { analyzeHeaders } from '../../../src/core/analyze';
import type { HeaderField } from '../../../src/core/types';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

// A collection before each timed run keeps garbage from earlier runs out of the measurement.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * No parser may backtrack super-linearly on header text. Each parser gets adversarial inputs of
 * 64 KiB, and its time is compared with a linear scan of the same input in the same process (a
 * ratio, never a wall-clock limit). A linear parser costs a constant factor over the scan
 * (tokenising, allocating: tens to a few hundred); quadratic behaviour on 64 KiB already costs
 * thousands. Where 64 KiB looks suspicious (more than SUSPICIOUS times the scan), the same input
 * at 1 MiB decides: n^1.5 or n² costs a thousand times the scan there. Fastest of several runs,
 * each after a garbage collection.
 *
 * Measuring every pattern at 1 MiB found nothing more and took minutes; a linear parser's ratio
 * at 64 KiB stays well under SUSPICIOUS, so 1 MiB is measured only where it could matter.
 */
const SMALL = 64 * 1024;
const LARGE = 1024 * 1024;
const MAX_RATIO = 1000;
const SUSPICIOUS = 150;

const PATTERNS = ['(', '[', '<', '"', '\\', ';', ':', '=', ' ', 'from ', 'by ', 'with ', 'a=', 'i=1; ', 'spf=pass ', '(a', '[1.', '1.1.', '::', '=?utf-8?q?', 'Mon, 9 Mar ', 'KEY:v;', 'ip=[', 'x(y[z<'];

/** The linear reference: one pass over the text that looks at every character. */
function linearScan(s: string): number {
  let acc = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    acc = (acc * 31 + (c === 40 || c === 59 ? 1 : c)) | 0;
  }
  return acc;
}

function repeat(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

function fastest(fn: () => void, runs = 5): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    gc();
    const t = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t));
  }
  return Math.max(best, 1);
}

function field(name: string, value: string): HeaderField {
  return { index: 0, name, key: name.toLowerCase(), value, unfolded: value, decoded: value, lines: { startLine: 0, endLine: 0 }, bytes: { start: 0, end: value.length } };
}

/** Each parser, and the input it is really given (what the linear reference scans). */
const PARSERS: Record<string, { parse: (s: string) => unknown; input: (s: string) => string }> = {
  parseReceived: { parse: (s) => parseReceived(s), input: (s) => s },
  parseMailDate: { parse: (s) => parseMailDate(s), input: (s) => s },
  parseAuthResults: { parse: (s) => parseAuthResults(s), input: (s) => s },
  'parseAuthResults(arc)': { parse: (s) => parseAuthResults(s, { arc: true }), input: (s) => s },
  parseReceivedSpf: { parse: (s) => parseReceivedSpf(s), input: (s) => s },
  parseTagList: { parse: (s) => parseTagList(s), input: (s) => s },
  parseDkimSignature: { parse: (s) => parseDkimSignature(s, 0, { startLine: 0, endLine: 0 }), input: (s) => s },
  decodeMicrosoftHeaders: {
    parse: (s) => decodeMicrosoftHeaders([field('X-Forefront-Antispam-Report', s), field('X-MS-Exchange-SkipListedInternetSender', s), field('X-Microsoft-Antispam', s)]),
    input: (s) => s + s + s,
  },
  splitHeaders: { parse: (s) => splitHeaders(Buffer.from(`Subject: ${s}\r\nX-A:${s}\r\n\r\n`, 'latin1')), input: (s) => `Subject: ${s}\r\nX-A:${s}\r\n\r\n` },
  analyzeHeaders: {
    parse: (s) => analyzeHeaders(Buffer.from(`Received: ${s}\r\nAuthentication-Results: ${s}\r\nDKIM-Signature: ${s}\r\nFrom: ${s}\r\n\r\nbody`, 'latin1')),
    input: (s) => `Received: ${s}\r\nAuthentication-Results: ${s}\r\nDKIM-Signature: ${s}\r\nFrom: ${s}\r\n\r\nbody`,
  },
};

function ratioAt(p: { parse: (s: string) => unknown; input: (s: string) => string }, unit: string, size: number, runs: number): number {
  const text = repeat(unit, size);
  const whole = p.input(text);
  p.parse(text); // warm up
  return fastest(() => p.parse(text), runs) / fastest(() => linearScan(whole), runs);
}

describe('no super-linear parsing on adversarial header text', () => {
  for (const [name, p] of Object.entries(PARSERS)) {
    test(name, () => {
      const worst: Array<[string, number]> = [];
      for (const unit of PATTERNS) {
        const small = ratioAt(p, unit, SMALL, 5);
        assert.ok(small < MAX_RATIO, `${name}: ${SMALL / 1024} KiB of ${JSON.stringify(unit)} took ${small.toFixed(0)}× a linear scan (bound ${MAX_RATIO}×)`);
        worst.push([unit, small]);
        if (small < SUSPICIOUS) continue;
        const large = ratioAt(p, unit, LARGE, 3);
        assert.ok(large < MAX_RATIO, `${name}: ${LARGE / 1048576} MiB of ${JSON.stringify(unit)} took ${large.toFixed(0)}× a linear scan (bound ${MAX_RATIO}×)`);
      }
      worst.sort((a, b) => b[1] - a[1]);
      assert.ok(worst[0][1] < MAX_RATIO);
    });
  }

  test('the check itself catches quadratic work that a linear scan does not', () => {
    // a deliberately quadratic "parser": for every character, look back over everything before it
    const quadratic = {
      parse: (s: string) => {
        let n = 0;
        for (let i = 0; i < s.length; i++) for (let j = 0; j < i; j += 1) n += s.charCodeAt(j) & 1;
        return n;
      },
      input: (s: string) => s,
    };
    assert.ok(ratioAt(quadratic, '(', 16 * 1024, 1) >= MAX_RATIO, 'a quadratic parser fails the bound already at 16 KiB');
    const linear = { parse: (s: string) => linearScan(s) + linearScan(s), input: (s: string) => s };
    assert.ok(ratioAt(linear, '(', SMALL, 5) < SUSPICIOUS, 'a linear parser stays under the suspicious ratio');
  });
});
