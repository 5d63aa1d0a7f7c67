/**
 * Display text: the one sanitiser for text that came from a message, a file or the command line
 * (header values, file names, option values, error texts quoting them) before a person sees it in
 * a terminal, an editor view, a webview, a hover or a report. The start of a shared presentation
 * layer: the renderers (terminal text, Markdown, HTML, the extension's tree, hovers and panel)
 * call these functions and then apply only their own syntax escaping on top.
 *
 * What is neutralised, and why:
 *  - C0 controls (U+0000–U+001F), DEL (U+007F) and C1 controls (U+0080–U+009F): ESC and CSI
 *    (U+009B) start terminal escape sequences (colours, cursor moves, window titles, OSC 8
 *    hyperlinks); BEL, backspace and carriage return rewrite what is on screen.
 *  - Bidirectional formatting characters: ALM (U+061C), LRM and RLM (U+200E, U+200F), the
 *    embeddings and overrides (U+202A–U+202E) and the isolates (U+2066–U+2069). They reorder what
 *    the reader sees ("‮gnp.exe" displays as "exe.png") without changing the text.
 *  - Line and paragraph separators (U+2028, U+2029) and NEL (U+0085): line breaks for some
 *    renderers and JavaScript parsers, so one header value could start a new line of output.
 *  - Lone UTF-16 surrogates (not text) and the zero-width no-break space / BOM (U+FEFF).
 *
 * One line (displayText): runs of whitespace and line breaks (space, tab, LF, CR, VT, FF, NEL,
 * U+2028, U+2029) become one space, the ends are trimmed, and every other character in the list
 * above becomes U+FFFD (`unsafe: 'mark'`, the default: the reader sees that something was there),
 * is dropped (`'drop'`: what the rendered reports and the editor views do, as they always have),
 * or becomes a space (`'space'`: quoted header text inside a sentence). The result is at most
 * `max` UTF-16 code units long, an ellipsis included; a surrogate pair is never cut in half.
 *
 * Several lines (displayLines): the same, but line breaks are kept (CRLF and CR become LF) and
 * tabs stay tabs; for error texts that list one problem per line and for script blocks.
 *
 * JSON (escapeJsonText, toJsonText): JSON.stringify escapes C0 controls but writes DEL, C1, bidi
 * and separator characters raw; these functions write every one of them as a \uXXXX escape, which
 * parses back to the same value, so JSON piped to a terminal cannot drive it.
 *
 * Pure and deterministic; no 'vscode' import (the extension host and the CLI both use it).
 */

/** What a neutralised character becomes in the default ('mark') mode. */
export const REPLACEMENT_CHARACTER = '\uFFFD';
/** Marks a cut. */
export const ELLIPSIS = '…';

/** C0 control (U+0000–U+001F), DEL (U+007F) or C1 control (U+0080–U+009F). */
export function isControlCharacter(cp: number): boolean {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/** A bidirectional formatting character: U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069. */
export function isBidiControl(cp: number): boolean {
  return cp === 0x061c || cp === 0x200e || cp === 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/** U+2028 LINE SEPARATOR or U+2029 PARAGRAPH SEPARATOR. */
export function isLineOrParagraphSeparator(cp: number): boolean {
  return cp === 0x2028 || cp === 0x2029;
}

/** Whitespace that displayText collapses into one space: space, tab, LF, VT, FF, CR, NEL, U+2028, U+2029. */
export function isCollapsibleSpace(cp: number): boolean {
  return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
}

/** Any character displayText and displayLines neutralise (controls, bidi, separators, BOM, lone surrogates). */
export function isUnsafeForDisplay(cp: number): boolean {
  return isControlCharacter(cp) || isBidiControl(cp) || isLineOrParagraphSeparator(cp) || cp === 0xfeff || (cp >= 0xd800 && cp <= 0xdfff);
}

/**
 * Every character a display must not show raw: C0/C1 controls, DEL, bidi controls, line and
 * paragraph separators, the BOM. For tests and checks over output ("nothing unsafe left"); line
 * feeds are allowed by the caller where lines are expected.
 */
export const UNSAFE_DISPLAY_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

export type UnsafeCharacterMode = 'mark' | 'drop' | 'space';

export interface DisplayTextOptions {
  /** Longest result in UTF-16 code units, the ellipsis included (default 200; at least 1). */
  max?: number;
  /** What controls and bidi characters become: U+FFFD (default), nothing, or a space. */
  unsafe?: UnsafeCharacterMode;
}

function optionsOf(o: DisplayTextOptions | number | undefined, dflt: number): { max: number; unsafe: UnsafeCharacterMode } {
  const opts = typeof o === 'number' ? { max: o } : (o ?? {});
  const max = Number.isFinite(opts.max) ? Math.max(1, Math.floor(opts.max as number)) : dflt;
  return { max, unsafe: opts.unsafe ?? 'mark' };
}

/** Cuts `s` to at most `max` code units with an ellipsis, never between the halves of a surrogate pair. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max - 1;
  const last = s.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end--;
  return `${s.slice(0, end).trimEnd()}${ELLIPSIS}`;
}

/**
 * One line of display text from anything (non-strings give ''): whitespace and line breaks
 * collapsed to single spaces and trimmed, controls and bidi characters marked, dropped or spaced
 * (see DisplayTextOptions), the BOM dropped, lone surrogates marked, at most `max` code units.
 * A number as second argument is `max`.
 */
export function displayText(text: unknown, options?: DisplayTextOptions | number): string {
  if (typeof text !== 'string' || !text) return '';
  const { max, unsafe } = optionsOf(options, 200);
  let out = '';
  let space = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let ch: string;
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff) {
      ch = text.slice(i, i + 2);
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      ch = REPLACEMENT_CHARACTER;
    } else if (isCollapsibleSpace(code)) {
      space = out.length > 0;
      continue;
    } else if (code === 0xfeff) {
      continue;
    } else if (isControlCharacter(code) || isBidiControl(code)) {
      if (unsafe === 'drop') continue;
      if (unsafe === 'space') {
        space = out.length > 0;
        continue;
      }
      ch = REPLACEMENT_CHARACTER;
    } else ch = text[i];
    if (space) {
      out += ' ';
      space = false;
    }
    out += ch;
    // one character past the limit is enough to know the text must be cut
    if (out.length > max) break;
  }
  return cut(out, max);
}

/**
 * One line for a rendered view (reports, the editor's views, Markdown and HTML cells): control and
 * bidi characters removed (keeping none), line breaks and whitespace runs flattened, at most `max`
 * long: displayText in its 'drop' mode.
 */
export function flatten(text: string, max = 200): string {
  return displayText(text, { max, unsafe: 'drop' });
}

export interface DisplayLinesOptions {
  /** Longest result in UTF-16 code units, the ellipsis included (default: no limit). */
  max?: number;
  /** What controls (other than tab and line breaks) and bidi characters become (default U+FFFD). */
  unsafe?: Exclude<UnsafeCharacterMode, 'space'>;
}

/**
 * Several lines of display text: CRLF, CR, NEL, U+2028 and U+2029 become LF, tabs stay, every
 * other control and bidi character is marked (U+FFFD) or dropped, the BOM dropped, lone
 * surrogates marked; no whitespace is collapsed.
 */
export function displayLines(text: unknown, options: DisplayLinesOptions = {}): string {
  if (typeof text !== 'string' || !text) return '';
  const max = Number.isFinite(options.max) ? Math.max(1, Math.floor(options.max as number)) : Infinity;
  const drop = options.unsafe === 'drop';
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let ch: string;
    if (code === 0x0a || code === 0x09) ch = text[i];
    else if (code === 0x0d) {
      ch = '\n';
      if (text.charCodeAt(i + 1) === 0x0a) i++;
    } else if (code === 0x85 || code === 0x2028 || code === 0x2029) ch = '\n';
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff) {
      ch = text.slice(i, i + 2);
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) ch = REPLACEMENT_CHARACTER;
    else if (code === 0xfeff) continue;
    else if (isControlCharacter(code) || isBidiControl(code)) {
      if (drop) continue;
      ch = REPLACEMENT_CHARACTER;
    } else ch = text[i];
    out += ch;
    if (out.length > max) break;
  }
  return max === Infinity ? out : cut(out, max);
}

/** Characters JSON.stringify leaves raw that must not reach a terminal: DEL, C1, bidi controls, U+2028, U+2029 (and the invisible BOM). */
const JSON_RAW_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * JSON text (as JSON.stringify writes it) with every DEL, C1 control, bidi control, line or
 * paragraph separator and BOM written as a \uXXXX escape. These characters can only stand inside string
 * literals (JSON's own syntax is ASCII), never right after a backslash, so the escape parses back
 * to the same character: the value is unchanged, the text is terminal-safe.
 */
export function escapeJsonText(json: string): string {
  return json.replace(JSON_RAW_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** JSON.stringify(value, null, space), terminal-safe (see escapeJsonText). */
export function toJsonText(value: unknown, space?: number): string {
  return escapeJsonText(JSON.stringify(value, null, space) ?? 'null');
}
