import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  displayLines,
  displayText,
  escapeJsonText,
  isBidiControl,
  isControlCharacter,
  toJsonText,
  UNSAFE_DISPLAY_CHARACTERS,
} from '../../../src/core/present/text';
import { quote } from '../../../src/core/diagnose/evidence';
import { printable } from '../../../src/core/parse/headers';
import { flatten } from '../../../src/core/present/text';
import { safe } from '../../../src/cli/format-text';
import { escapeMarkdown, plainLabel } from '../../../src/extension/features/html';

/** Every code point the sanitiser must neutralise, one string. */
const C0 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('');
const C1 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(0x80 + i)).join('');
const BIDI = '\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069';
const SEPARATORS = '\u2028\u2029';
const ALL_UNSAFE = `${C0}\u007f${C1}${BIDI}${SEPARATORS}\ufeff`;

// A Subject as seen in the adversarial review: colour, OSC 8 hyperlink, window title, bidi file name.
const HOSTILE_SUBJECT =
  'Invoice \u001b[41m\u001b[2J paid \u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007 \u009b31m \u009d0;TITLE\u009c \u202egnp.exe\u202c \u2066x\u2069 line1\u2028line2\u2029end';

describe('displayText: one line, nothing that can drive a terminal or reorder text', () => {
  test('classification covers C0, DEL, C1 and every bidi control', () => {
    for (const ch of `${C0}\u007f${C1}`) assert.ok(isControlCharacter(ch.charCodeAt(0)), `U+${ch.charCodeAt(0).toString(16)}`);
    for (const ch of BIDI) assert.ok(isBidiControl(ch.charCodeAt(0)), `U+${ch.charCodeAt(0).toString(16)}`);
    for (const ch of 'aZ09 é€\u00a0\u200b') assert.ok(!isControlCharacter(ch.charCodeAt(0)) && !isBidiControl(ch.charCodeAt(0)));
  });

  test('marks controls and bidi characters with U+FFFD by default; no unsafe character survives', () => {
    const out = displayText(HOSTILE_SUBJECT, 1000);
    assert.ok(!UNSAFE_DISPLAY_CHARACTERS.test(out), JSON.stringify(out));
    assert.ok(out.startsWith('Invoice \ufffd[41m\ufffd[2J paid \ufffd]8;;https://evil.example/\ufffdclick'), out);
    assert.ok(out.includes('\ufffdgnp.exe\ufffd'), 'the bidi override is visible as a mark, the name in logical order');
    assert.ok(out.endsWith('line1 line2 end'), 'line and paragraph separators become spaces');
  });

  test('drop and space modes', () => {
    assert.equal(displayText('a\u202eb\u0000c\u009bd', { unsafe: 'drop' }), 'abcd');
    assert.equal(displayText('a\u202eb\u0000c\u009bd', { unsafe: 'space' }), 'a b c d');
    assert.equal(displayText(ALL_UNSAFE, { unsafe: 'drop' }), '');
    assert.equal(displayText(ALL_UNSAFE, { unsafe: 'space' }), '');
  });

  test('collapses whitespace and line breaks, trims the ends, keeps ordinary Unicode', () => {
    assert.equal(displayText('  a\r\n\t b\u0085c\u000b\u000cd  '), 'a b c d');
    assert.equal(displayText('Rechnung – März € 18.940,00 \u00a0✓ 😀'), 'Rechnung – März € 18.940,00 \u00a0✓ 😀');
  });

  test('bounds the length with an ellipsis, never splitting a surrogate pair', () => {
    assert.equal(displayText('x'.repeat(300), 10), `${'x'.repeat(9)}…`);
    assert.equal(displayText('x'.repeat(10), 10), 'x'.repeat(10));
    const emoji = displayText('ab😀😀😀', 4);
    assert.equal(emoji, 'ab…', 'the pair that would be cut is left out');
    assert.ok(displayText('a'.repeat(5_000_000), 80).length <= 80);
  });

  test('lone surrogates become U+FFFD, the BOM is dropped, non-strings give empty text', () => {
    assert.equal(displayText('a\ud800b\udc00c'), 'a\ufffdb\ufffdc');
    assert.equal(displayText('\ufeffSubject'), 'Subject');
    assert.equal(displayText(undefined), '');
    assert.equal(displayText(42), '');
  });
});

describe('displayLines: several lines', () => {
  test('keeps line breaks (CRLF, CR, separators become LF) and tabs, marks the rest', () => {
    assert.equal(displayLines('a\r\nb\rc\u2028d\te\u001b[2Jf\u202eg'), 'a\nb\nc\nd\te\ufffd[2Jf\ufffdg');
    assert.equal(displayLines('a\u001bb\u202ec', { unsafe: 'drop' }), 'abc');
    assert.equal(displayLines('x'.repeat(50), { max: 10 }), `${'x'.repeat(9)}…`);
  });
});

describe('JSON text', () => {
  test('escapes DEL, C1, bidi and separators as \\uXXXX; the value parses back unchanged', () => {
    const value = { subject: HOSTILE_SUBJECT, all: ALL_UNSAFE, nested: [{ k: 'x\u0085y' }] };
    const raw = JSON.stringify(value, null, 2);
    assert.ok(/[\u0080-\u009f\u202e]/.test(raw), 'JSON.stringify alone leaves them raw');
    const json = toJsonText(value, 2);
    assert.ok(!UNSAFE_DISPLAY_CHARACTERS.test(json.replace(/\n/g, '')), 'only the pretty-printing line breaks are controls');
    assert.ok(json.includes('\\u009b31m') && json.includes('\\u202egnp.exe') && json.includes('\\u2028'));
    assert.deepEqual(JSON.parse(json), value);
    assert.equal(escapeJsonText('"\u2066"'), '"\\u2066"');
    assert.equal(toJsonText(undefined), 'null');
  });
});

describe('the older helpers delegate to the one sanitiser', () => {
  test('quote (finding messages): unsafe characters become spaces, bounded', () => {
    assert.equal(quote('a\u202eb\u200fc\u061cd\u001be', 80), 'a b c d e');
    assert.equal(quote('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
  });
  test('printable (parse problems), safe (terminal): marked', () => {
    assert.equal(printable('a\u202eb\u0007c'), 'a\ufffdb\ufffdc');
    assert.equal(safe('a\u2028b\u200ec\u009bd'), 'a b\ufffdc\ufffdd');
  });
  test('flatten (reports, tree): dropped, including LRM/RLM/ALM which it used to keep', () => {
    assert.equal(flatten('a\u200eb\u200fc\u061cd\u202ee'), 'abcde');
  });
  test('escapeMarkdown (hovers) and plainLabel (code lenses) drop or space bidi characters', () => {
    assert.equal(escapeMarkdown('\u202egnp.exe'), 'gnp\\.exe');
    assert.equal(escapeMarkdown('a\u009b31mb'), 'a31mb');
    assert.equal(plainLabel('\u202egnp.exe $(zap)'), 'gnp.exe $\u200b(zap)');
  });
});
