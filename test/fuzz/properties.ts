/**
 * The properties every input must satisfy, whatever its bytes: the pipeline never throws,
 * every evidence range lies inside the document, and no generated script carries a value
 * outside a single-quoted literal or a comment.
 */
import { analyze, analyzeHeaders } from '../../src/core/analyze';
import type { Analysis, LineRange } from '../../src/core/types';
import { MAX_HEADER_CHARS, readMsg } from '../../src/core/msg/reader';
import { toJsonText } from '../../src/core/present/text';
import { formatText } from '../../src/cli/format-text';
import { renderMarkdownReport } from '../../src/core/report/markdown';
import { AUTOLINK, proseLines, renderedText } from '../fixtures/markdown-reading';

const QUOTES = new Set(["'", '\u2018', '\u2019', '\u201a', '\u201b']);

/**
 * Lex PowerShell-ish text: single-quoted strings (a quote character doubled is an escaped quote;
 * PowerShell treats the U+2018..U+201B look-alikes as quotes too) and # comments to end of line.
 * Returns what is outside strings and comments, and whether every string was closed.
 */
export function codeOutsideLiterals(text: string): { code: string; unterminated: boolean } {
  let code = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    if (QUOTES.has(ch)) {
      i++;
      let closed = false;
      while (i < text.length) {
        if (QUOTES.has(text[i])) {
          if (i + 1 < text.length && QUOTES.has(text[i + 1])) {
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        if (text[i] === '\n') break; // our scripts never span a literal over lines
        i++;
      }
      if (!closed) return { code, unterminated: true };
      code += "''";
      continue;
    }
    code += ch;
    i++;
  }
  return { code, unterminated: false };
}

const FORBIDDEN_IN_CODE: Array<[RegExp, string]> = [
  [/[\u0000-\u0008\u000b-\u001f\u007f]/, 'control character'],
  [/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/, 'bidi control'],
  [/`/, 'backtick'],
  [/\$\(/, 'subexpression $('],
  [/"/, 'double-quoted string (expands variables)'],
  [/<script|javascript:|onerror=/i, 'markup'],
];

function inside(r: LineRange, lineCount: number): boolean {
  return Number.isInteger(r.startLine) && Number.isInteger(r.endLine) && r.startLine >= 0 && r.endLine >= r.startLine && r.endLine < lineCount;
}

export function checkAnalysis(a: Analysis): string[] {
  const v: string[] = [];
  const n = a.input.lineCount;
  const ranges: Array<[string, LineRange | undefined]> = [
    ...a.headers.map((h) => [`header ${h.index}`, h.lines] as [string, LineRange]),
    ...a.hops.map((h) => [`hop ${h.index}`, h.lines] as [string, LineRange]),
    ...a.stamps.map((s) => [`stamp ${s.kind}`, s.lines] as [string, LineRange]),
    ...a.findings.flatMap((f) => f.evidence.map((e) => [`finding ${f.id} evidence`, e.lines] as [string, LineRange])),
    ...a.problems.filter((p) => p.lines).map((p) => [`problem ${p.code}`, p.lines] as [string, LineRange]),
  ];
  for (const [what, r] of ranges) if (r && !inside(r, n)) v.push(`${what}: lines ${r.startLine}-${r.endLine} outside 0..${n - 1}`);
  for (const f of a.findings) if (f.hopIndex !== null && !a.hops[f.hopIndex]) v.push(`finding ${f.id}: hop ${f.hopIndex} does not exist`);
  for (const r of a.remedies) {
    if (r.language !== 'powershell') continue;
    const { code, unterminated } = codeOutsideLiterals(r.text);
    if (unterminated) v.push(`remedy ${r.id}: unterminated string literal`);
    for (const [re, what] of FORBIDDEN_IN_CODE) if (re.test(code)) v.push(`remedy ${r.id}: ${what} outside a literal`);
  }
  return v;
}

/** Raw characters a terminal or a reader must never get from our output (line feeds allowed). */
const UNSAFE_OUTPUT = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * The outputs a person sees (FUZZ_OUTPUTS=1): the JSON report, the terminal text and the Markdown
 * report carry no raw control, bidi or separator character, and the Markdown no autolink outside
 * code spans.
 */
export function checkOutputs(a: Analysis): string[] {
  const v: string[] = [];
  const json = toJsonText(a);
  const m = UNSAFE_OUTPUT.exec(json);
  if (m) v.push(`JSON: raw U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')}`);
  const text = formatText(a, { color: false });
  const t = UNSAFE_OUTPUT.exec(text);
  if (t) v.push(`terminal text: raw U+${t[0].charCodeAt(0).toString(16).padStart(4, '0')}`);
  for (const line of proseLines(renderMarkdownReport(a))) {
    if (line.startsWith('    ')) continue;
    const u = UNSAFE_OUTPUT.exec(line);
    if (u) v.push(`Markdown: raw U+${u[0].charCodeAt(0).toString(16).padStart(4, '0')}`);
    if (AUTOLINK.test(renderedText(line))) v.push(`Markdown: an autolink outside code: ${JSON.stringify(line.slice(0, 200))}`);
  }
  return v;
}

/** Run the whole pipeline on one input and return the violated properties (empty = fine). */
export async function checkCase(bytes: Buffer): Promise<string[]> {
  const v: string[] = [];
  try {
    v.push(...checkAnalysis(analyzeHeaders(bytes)).map((x) => `headers: ${x}`));
  } catch (e) {
    v.push(`analyzeHeaders threw: ${(e as Error).stack ?? e}`);
  }
  try {
    const a = await analyze(bytes, { dnsMode: 'off' });
    v.push(...checkAnalysis(a).map((x) => `full: ${x}`));
    if (process.env.FUZZ_OUTPUTS === '1') v.push(...checkOutputs(a).map((x) => `outputs: ${x}`));
  } catch (e) {
    v.push(`analyze threw: ${(e as Error).stack ?? e}`);
  }
  return v;
}

/**
 * An Outlook .msg case: the reader never throws and returns bounded text or says why not; the
 * transport headers it returns then go through the whole pipeline like an .eml.
 */
export async function checkMsgCase(bytes: Buffer): Promise<string[]> {
  let m: ReturnType<typeof readMsg>;
  try {
    m = readMsg(bytes);
  } catch (e) {
    return [`readMsg threw: ${(e as Error).stack ?? e}`];
  }
  const v: string[] = [];
  if (!Array.isArray(m.problems)) v.push('readMsg: problems is not a list');
  if (m.headersText === undefined) return v;
  if (typeof m.headersText !== 'string') return [...v, 'readMsg: headersText is not text'];
  if (m.headersText.length > MAX_HEADER_CHARS + 4) v.push(`readMsg: headersText is ${m.headersText.length} characters, above the cap`);
  v.push(...(await checkCase(Buffer.from(m.headersText, 'utf8'))).map((x) => `msg headers: ${x}`));
  return v;
}
