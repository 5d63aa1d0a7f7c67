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
 * 64 KiB and then 1 MiB, and its time is compared with a linear scan of the same text in the
 * same process (a ratio, never a wall-clock limit). A linear parser costs a constant factor over
 * the scan (tokenising, allocating: tens to a few hundred); n^1.5 or n² behaviour on 1 MiB costs
 * a thousand times more, and already shows at 64 KiB, which is measured first so a regression
 * fails fast instead of hanging. Fastest of five runs, each after a garbage collection.
 */
const SMALL = 64 * 1024;
const LARGE = 1024 * 1024;
const MAX_RATIO = 1000;

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

function fastest(fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
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

const PARSERS: Record<string, (s: string) => unknown> = {
  parseReceived: (s) => parseReceived(s),
  parseMailDate: (s) => parseMailDate(s),
  parseAuthResults: (s) => parseAuthResults(s),
  'parseAuthResults(arc)': (s) => parseAuthResults(s, { arc: true }),
  parseReceivedSpf: (s) => parseReceivedSpf(s),
  parseTagList: (s) => parseTagList(s),
  parseDkimSignature: (s) => parseDkimSignature(s, 0, { startLine: 0, endLine: 0 }),
  decodeMicrosoftHeaders: (s) => decodeMicrosoftHeaders([field('X-Forefront-Antispam-Report', s), field('X-MS-Exchange-SkipListedInternetSender', s), field('X-Microsoft-Antispam', s)]),
  splitHeaders: (s) => splitHeaders(Buffer.from(`Subject: ${s}\r\nX-A:${s}\r\n\r\n`, 'latin1')),
  analyzeHeaders: (s) => analyzeHeaders(Buffer.from(`Received: ${s}\r\nAuthentication-Results: ${s}\r\nDKIM-Signature: ${s}\r\nFrom: ${s}\r\n\r\nbody`, 'latin1')),
};

describe('no super-linear parsing on adversarial header text', () => {
  for (const [name, parse] of Object.entries(PARSERS)) {
    test(name, () => {
      const worst: Array<[string, number]> = [];
      for (const p of PATTERNS) {
        for (const size of [SMALL, LARGE]) {
          const text = repeat(p, size);
          parse(text); // warm up
          const ratio = fastest(() => parse(text)) / fastest(() => linearScan(text));
          assert.ok(ratio < MAX_RATIO, `${name}: ${(size / 1024).toFixed(0)} KiB of ${JSON.stringify(p)} took ${ratio.toFixed(0)}× a linear scan (bound ${MAX_RATIO}×)`);
          if (size === LARGE) worst.push([p, ratio]);
        }
      }
      worst.sort((a, b) => b[1] - a[1]);
      assert.ok(worst[0][1] < MAX_RATIO);
    });
  }
});
