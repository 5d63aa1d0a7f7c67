// The cost of one message is bounded whatever its header block holds: the maxHeaderFields cap
// stops the splitter from reading the rest of the block line by line and stops re-verification
// (which would hand millions of fields to mailauth), a giant field keeps only its first MiB of text,
// per-line problems are listed up to a limit, and fields mailauth parses slowly when absurdly long
// are not re-verified. Every limit is visible as a note. No time is measured here (the worst cases
// are timed by `npm run bench -- worst`); what is checked is that the work is not done.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyze, analyzeHeaders } from '../../../src/core/analyze';
import { splitHeaders, MAX_FIELD_TEXT_BYTES, MAX_LINE_PROBLEMS, DEFAULT_MAX_HEADER_FIELDS } from '../../../src/core/parse/headers';
import { BASE_HEADER, tinyFieldsNoBlankLine, manyReceived } from '../../../scripts/bench/worst-cases';
import { headerEnd, insertBlankLine, toCrlf } from '../../../src/core/verify/message';

const CRLF = '\r\n';
const BODY = `Content-Type: text/plain; charset=UTF-8${CRLF}${CRLF}Hello Megan,${CRLF}`;

function withFields(fields: string[], body: string | null = BODY, encoding: BufferEncoding = 'latin1'): Buffer {
  return Buffer.from([...fields, ...BASE_HEADER].join(CRLF) + CRLF + (body === null ? '' : body), encoding);
}

describe('maxHeaderFields', () => {
  test('the default is 20,000', () => {
    assert.equal(DEFAULT_MAX_HEADER_FIELDS, 20000);
  });

  test('past the cap the rest of the header block is not read line by line, yet its end and line count are right', () => {
    const bytes = tinyFieldsNoBlankLine(30_000);
    const s = splitHeaders(bytes, { maxFields: 1000 });
    assert.equal(s.fields.length, 1000);
    const lineEnds = s.eolCounts.crlf + s.eolCounts.lf + s.eolCounts.cr;
    assert.ok(lineEnds <= 1000 + BASE_HEADER.length + 1, `only the lines up to the cap were read one by one (${lineEnds})`);
    assert.equal(s.lineCount, 30_000 + BASE_HEADER.length + 1, 'lines counted to the end');
    assert.equal(s.hasSeparator, false);
    const p = s.problems.find((x) => x.code === 'too-many-fields');
    assert.ok(p, 'a visible note');
    assert.match(p!.message, /More than 1000 header fields: only the first 1000 are analysed.*maxHeaderFields/);
  });

  test('the body is still found after the cap (blank line after a million-line block)', () => {
    const fields = Array.from({ length: 5000 }, (_, i) => `X-Loop-${i}: relay${i}.example.net`);
    const bytes = withFields(fields);
    const capped = splitHeaders(bytes, { maxFields: 100 });
    const full = splitHeaders(bytes, { maxFields: 100_000 });
    assert.deepEqual(
      [capped.hasSeparator, capped.bodyStartLine, capped.bodyStartByte, capped.lineCount],
      [full.hasSeparator, full.bodyStartLine, full.bodyStartByte, full.lineCount],
    );
  });

  // Past the cap the block is taken to run to its first blank line (no line-by-line guess at a body
  // that starts without one): for header blocks of fields and folded lines the result is the same.
  test('fast-check: with or without the cap, the header block ends at the same place', () => {
    const field = fc.oneof(
      fc.constantFrom('Received: from a.example (a.example [192.0.2.1]) by b.example', 'X-A: 1', 'Subject: hi', 'DKIM-Signature: v=1; d=x.example'),
      fc.constantFrom(' folded continuation', '\tfolded tab'),
    );
    const eol = fc.constantFrom('\r\n', '\n', '\r');
    fc.assert(
      fc.property(fc.array(fc.tuple(field, eol), { minLength: 1, maxLength: 60 }), fc.boolean(), eol, fc.integer({ min: 1, max: 20 }), (lines, blank, end, cap) => {
        let text = lines.map(([l, e]) => l + e).join('');
        // a blank line, not the LF completing a CRLF after a line that ended in CR
        const blankLine = end === '\n' && text.endsWith('\r') ? '\r\n' : end;
        if (blank) text += `${blankLine}body line${end}`;
        const b = Buffer.from(text, 'latin1');
        const capped = splitHeaders(b, { maxFields: cap });
        const full = splitHeaders(b, { maxFields: 100_000 });
        assert.deepEqual(
          [capped.hasSeparator, capped.bodyStartLine, capped.bodyStartByte, capped.lineCount],
          [full.hasSeparator, full.bodyStartLine, full.bodyStartByte, full.lineCount],
          JSON.stringify(text),
        );
        assert.deepEqual(capped.fields.map((f) => f.lines), full.fields.slice(0, cap).map((f) => f.lines));
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  test('a message past the cap is not re-verified, and says why', async () => {
    const a = await analyze(tinyFieldsNoBlankLine(25_000), { maxHeaderFields: 500, dnsMode: 'off' });
    assert.equal(a.headers.length, 500);
    assert.ok(a.problems.some((p) => p.code === 'too-many-fields'));
    assert.ok(a.verification, 'the verification object is there');
    assert.match(a.verification!.notes.join('\n'), /Not re-verified: the header block has more than the 500 header fields analysed/);
    assert.deepEqual(a.verification!.dkim, []);
  });

  test('100,000 Received fields: the route is the newest 100 hops, the cap notes the rest', () => {
    const a = analyzeHeaders(manyReceived(30_000), { maxHeaderFields: 20_000 });
    assert.equal(a.headers.length, 20_000);
    assert.ok(a.hops.length <= 100);
    assert.ok(a.problems.some((p) => p.code === 'too-many-fields'));
  });
});

describe('giant fields and lines', () => {
  test('a field longer than 4 MiB keeps its line range but only 4 MiB of text, with a note; it is not re-verified', async () => {
    const size = 9 * 1024 * 1024;
    const unit = 'lorem ipsum dolor sit amet ';
    const bytes = withFields([`X-Campaign-Data: ${unit.repeat(Math.ceil(size / unit.length)).slice(0, size)}`]);
    const a = await analyze(bytes, { dnsMode: 'off' });
    const f = a.headers.find((h) => h.key === 'x-campaign-data')!;
    assert.ok(f.value.length <= MAX_FIELD_TEXT_BYTES && f.value.length > MAX_FIELD_TEXT_BYTES - 4);
    assert.ok(f.bytes.end - f.bytes.start > size, 'the byte range is the whole field');
    const p = a.problems.find((x) => x.code === 'field-too-long');
    assert.ok(p);
    assert.match(p!.message, /The X-Campaign-Data field is 9\.0 MiB long: only its first 4 MiB is analysed/);
    assert.match(a.verification!.notes.join('\n'), /Not re-verified: the X-Campaign-Data field is 9\.0 MiB long/);
  });

  test('the cut is never inside a UTF-8 sequence', () => {
    const bytes = withFields([`X-Note: ${'ä'.repeat(MAX_FIELD_TEXT_BYTES)}`], BODY, 'utf8');
    const f = splitHeaders(bytes).fields.find((h) => h.key === 'x-note')!;
    assert.equal(f.charset8bit, 'utf-8');
    assert.ok(!f.value.includes('\ufffd'));
  });
});

describe('fuzzing findings', () => {
  test('thousands of lines that are not fields: listed up to the limit, then counted (the diagnosis was quadratic in them)', () => {
    // found by `npm run fuzz`: a folded field whose lines carried lone CRs, each starting a line
    // that is not a header field (seed hostile-truncated-mid-header, ops delete, reorder, giant-value)
    const junk = Array.from({ length: 20_000 }, () => ' \r\u00df\u0086(null)').join('\r\n');
    const bytes = withFields([`Authentication-Results-Original: ${junk}`]);
    const a = analyzeHeaders(bytes);
    const listed = a.problems.filter((p) => p.code === 'not-a-field' || p.code === 'obs-space-before-colon');
    assert.equal(listed.length, MAX_LINE_PROBLEMS);
    const more = a.problems.find((p) => p.code === 'more-line-problems');
    assert.ok(more);
    assert.match(more!.message, /^\d+ more header lines are not well-formed header fields; only the first 100 are listed\.$/);
    assert.ok(a.findings.filter((f) => f.id === 'unparsed-header').length <= MAX_LINE_PROBLEMS + 1);
  });

  test('a 1 MiB ARC-Authentication-Results of empty parts is not handed to mailauth (its parser took minutes)', async () => {
    // found by `npm run fuzz` (seed ip-allow-list-lf, ops giant-value, reorder, insert-nasty, duplicate)
    const bytes = withFields([`ARC-Authentication-Results: ${';;|'.repeat(350_000)}`]);
    const a = await analyze(bytes, { dnsMode: 'off' });
    assert.match(a.verification!.notes.join('\n'), /Not re-verified: the ARC-Authentication-Results field is 1025 KiB long/);
  });

  test('signature fields of a real size are still verified', async () => {
    const bytes = withFields([`ARC-Authentication-Results: i=1; mx.microsoft.com 1; spf=pass smtp.mailfrom=northwindtraders.com; ${'x'.repeat(4000)}`]);
    const a = await analyze(bytes, { dnsMode: 'off' });
    assert.ok(!a.verification!.notes.some((n) => n.startsWith('Not re-verified')), a.verification!.notes.join('\n'));
  });

  test('no separator, and the body starts after a line ended by a lone CR: the blank line put back for mailauth is a real one', async () => {
    // found by `npm run fuzz` (seed hostile-empty, ops insert-nasty, invalid-utf8, insert-nasty,
    // giant-value, truncate): the inserted LF completed the lone CR into a CRLF, so mailauth read
    // the whole 1 MB body as folded header lines and joined them in quadratic time
    const unit = Buffer.from('by \r\u0749\u2693\u2019\n', 'utf8');
    const bytes = Buffer.concat([Buffer.from('X-MS-Exchange-Organization-AuthAs: \u2019\n', 'utf8'), ...Array.from({ length: 20_000 }, () => unit)]);
    const a = analyzeHeaders(bytes);
    assert.ok(a.problems.some((p) => p.code === 'missing-separator'));
    const at = a.input.bodyStartByte;
    assert.equal(bytes[at - 1], 0x0d, 'the body starts right after a lone CR');
    const prepared = toCrlf(insertBlankLine(bytes, at, a.input.eol));
    assert.ok(headerEnd(prepared) < 100, `mailauth's header ends at the inserted blank line (${headerEnd(prepared)} of ${prepared.length} bytes)`);
    const full = await analyze(bytes, { dnsMode: 'off' });
    assert.match(full.verification!.notes.join('\n'), /verified with one inserted before line/);
  });

  test('the blank line in the message\'s own line ending otherwise', () => {
    const lf = Buffer.from('A: b\nbody\n');
    assert.equal(insertBlankLine(lf, 5, 'LF').toString(), 'A: b\n\nbody\n');
    assert.equal(insertBlankLine(Buffer.from('A: b\r\nbody'), 6, 'CRLF').toString(), 'A: b\r\n\r\nbody');
    assert.equal(insertBlankLine(Buffer.from('A: b\rbody'), 5, 'CR').toString(), 'A: b\r\r\nbody');
  });
});
