/**
 * The one PowerShell quoting and validation module. Every value a remedy places into a script goes
 * through here; header text is attacker-controlled, so nothing reaches a script unvalidated.
 *
 * Rules:
 *  - Strings are single-quoted. PowerShell treats U+0027 and its look-alikes U+2018, U+2019, U+201A
 *    and U+201B all as single quotes, so each of them is doubled (two quote characters in a row are
 *    one literal quote inside a single-quoted string). Inside single quotes nothing else is special:
 *    `$()`, `@()`, backticks, `;` and `|` stay literal.
 *  - Control characters (C0, DEL, C1), line and paragraph separators, bidirectional controls and
 *    other invisible format characters are refused, never escaped: they can break a line out of a
 *    comment or make the text on screen differ from what runs.
 *  - IPs are re-serialised from parsed addresses (../net/ip), never copied from input.
 *  - Addresses, host names and connector names pass strict syntax checks first.
 *
 * Nothing generated here is ever executed by the product: it is text for an administrator to review.
 */

export type Checked<T = string> = { ok: true; value: T } | { ok: false; reason: string };

/** The characters PowerShell's tokenizer accepts as a single quote. */
export const SINGLE_QUOTE_CHARS: readonly string[] = ["'", '\u2018', '\u2019', '\u201A', '\u201B'];

const BIDI = new Set([0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);

function hex(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why a value may not appear in a script (or in a script comment), or undefined when it may.
 * Refused: C0 controls (including tab, CR, LF, NUL), DEL, C1 controls, U+2028/U+2029, bidi
 * controls, every other Unicode format character (zero-width spaces and joiners, BOM, soft hyphen,
 * …), private-use characters, lone surrogates and unassigned code points.
 */
export function unsafeCharReason(text: string): string | undefined {
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0) return 'contains a NUL character';
    if (cp === 0x0a || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029) return `contains a line break (${hex(cp)})`;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return `contains a control character (${hex(cp)})`;
    if (BIDI.has(cp)) return `contains a bidirectional text control (${hex(cp)}) that makes text display differently from what it is`;
    if (/[\p{Cf}]/u.test(ch)) return `contains an invisible formatting character (${hex(cp)})`;
    if (/[\p{Cs}\p{Co}\p{Cn}]/u.test(ch)) return `contains an unassigned, private-use or broken character (${hex(cp)})`;
  }
  return undefined;
}

/**
 * A bounded, visible rendering of an untrusted value for `omitted` and other UI text: refused
 * characters shown as <U+XXXX>, at most `max` characters.
 */
export function displayValue(text: unknown, max = 120): string {
  const s = typeof text === 'string' ? text : String(text);
  let out = '';
  let n = 0;
  for (const ch of s) {
    if (n >= max) return `${out}…`;
    out += unsafeCharReason(ch) ? `<${hex(ch.codePointAt(0)!)}>` : ch;
    n++;
  }
  return out;
}

/** Comment text: anything refused is replaced by '?', so a comment can never end its line early. */
export function commentText(text: string, max = 400): string {
  let out = '';
  let n = 0;
  for (const ch of text) {
    if (n >= max) return `${out}…`;
    out += unsafeCharReason(ch) ? '?' : ch;
    n++;
  }
  return out;
}

/**
 * A single-quoted PowerShell string literal. Throws on refused characters: callers validate first
 * (a throw here is a bug in a generator, never something header text can steer into a script).
 */
export function psQuote(value: string): string {
  const bad = unsafeCharReason(value);
  if (bad) throw new Error(`psQuote: value ${bad}`);
  let out = "'";
  for (const ch of value) {
    out += SINGLE_QUOTE_CHARS.includes(ch) ? ch + ch : ch;
  }
  return `${out}'`;
}

/** A comma-separated list of single-quoted literals (a PowerShell array argument). */
export function psList(values: readonly string[]): string {
  if (!values.length) throw new Error('psList: empty list');
  return values.map(psQuote).join(',');
}

export function psBool(value: boolean): string {
  return value ? '$true' : '$false';
}

// ---------------------------------------------------------------------------------------------
// Validators

export const MAX_CONNECTOR_NAME = 64;

/**
 * A connector name from the user: printable (letters, marks, digits, punctuation, symbols, the
 * ASCII space), 1–64 characters after trimming. Quotes of every kind are allowed (psQuote doubles
 * them); other space characters and everything unsafeCharReason refuses are not.
 */
export function checkConnectorName(input: unknown): Checked {
  return checkObjectName(input, 'connector name', MAX_CONNECTOR_NAME);
}

/** An Exchange object name (connector, mail flow rule): the same rules as checkConnectorName. */
export function checkObjectName(input: unknown, what: string, max = MAX_CONNECTOR_NAME): Checked {
  if (typeof input !== 'string') return { ok: false, reason: `the ${what} is not text` };
  const bad = unsafeCharReason(input);
  if (bad) return { ok: false, reason: `the ${what} ${bad}` };
  const name = input.trim();
  if (!name) return { ok: false, reason: `the ${what} is empty` };
  if ([...name].length > max) return { ok: false, reason: `the ${what} is longer than ${max} characters` };
  if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]+$/u.test(name)) return { ok: false, reason: `the ${what} contains a character that is not printable text (only letters, digits, punctuation, symbols and spaces)` };
  return { ok: true, value: name };
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * An LDH host or domain name (ASCII letters, digits, hyphens; labels 1–63, not starting or ending
 * with '-'; at most 253 characters; at least two labels; the last label not all digits).
 * Lower-cased, trailing dot removed. With allowWildcard, a leading `*.` is accepted and kept.
 */
export function checkDomain(input: unknown, opts: { allowWildcard?: boolean; what?: string } = {}): Checked {
  const what = opts.what ?? 'domain';
  if (typeof input !== 'string') return { ok: false, reason: `the ${what} is not text` };
  const bad = unsafeCharReason(input);
  if (bad) return { ok: false, reason: `the ${what} ${bad}` };
  if (input.length > 260) return { ok: false, reason: `the ${what} is longer than 253 characters` };
  let s = input.trim().toLowerCase();
  if (s.endsWith('.')) s = s.slice(0, -1);
  let prefix = '';
  if (s.startsWith('*.')) {
    if (!opts.allowWildcard) return { ok: false, reason: `the ${what} may not contain a wildcard` };
    prefix = '*.';
    s = s.slice(2);
  }
  if (!s) return { ok: false, reason: `the ${what} is empty` };
  if (s.length > 253) return { ok: false, reason: `the ${what} is longer than 253 characters` };
  if (!/^[\x21-\x7e]+$/.test(s)) return { ok: false, reason: `the ${what} is not a plain ASCII host name` };
  const labels = s.split('.');
  if (labels.length < 2) return { ok: false, reason: `the ${what} needs at least two labels` };
  for (const l of labels) {
    if (!LABEL.test(l)) return { ok: false, reason: `the ${what} is not a valid host name (letters, digits and hyphens only)` };
  }
  if (/^\d+$/.test(labels[labels.length - 1])) return { ok: false, reason: `the ${what} ends in a numeric label (an IP address is not a domain)` };
  return { ok: true, value: prefix + s };
}

const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;

/**
 * A mailbox address by strict syntax: dot-atom local part of ASCII atext (RFC 5322), 1–64
 * characters; an LDH domain (checkDomain); 254 characters in all. No quoted local parts, comments,
 * IP literals or internationalised addresses. The domain is lower-cased.
 */
export function checkAddress(input: unknown): Checked {
  if (typeof input !== 'string') return { ok: false, reason: 'the address is not text' };
  const bad = unsafeCharReason(input);
  if (bad) return { ok: false, reason: `the address ${bad}` };
  const s = input.trim();
  if (s.length > 254) return { ok: false, reason: 'the address is longer than 254 characters' };
  const at = s.lastIndexOf('@');
  if (at <= 0) return { ok: false, reason: 'the address has no local part and domain (local@domain)' };
  const local = s.slice(0, at);
  if (local.length > 64) return { ok: false, reason: 'the local part is longer than 64 characters' };
  const atoms = local.split('.');
  if (atoms.some((a) => !ATEXT.test(a))) return { ok: false, reason: 'the local part is not a plain ASCII dot-atom' };
  const dom = checkDomain(s.slice(at + 1), { what: 'address domain' });
  if (!dom.ok) return dom;
  return { ok: true, value: `${local}@${dom.value}` };
}

// ---------------------------------------------------------------------------------------------
// Script lines

/** One argument of a generated command. */
export type PsArg =
  | { kind: 'string'; value: string }
  | { kind: 'list'; values: readonly string[] }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  | { kind: 'variable'; name: string }
  /** A constant enum word from the generator (Default, Partner, OnPremises, MX), never input. */
  | { kind: 'word'; value: string }
  /** @{Add=…} / @{Remove=…} for multi-valued properties. */
  | { kind: 'change'; op: 'Add' | 'Remove'; values: readonly string[] };

export const arg = {
  str: (value: string): PsArg => ({ kind: 'string', value }),
  list: (values: readonly string[]): PsArg => ({ kind: 'list', values }),
  bool: (value: boolean): PsArg => ({ kind: 'bool', value }),
  null: (): PsArg => ({ kind: 'null' }),
  variable: (name: string): PsArg => ({ kind: 'variable', name }),
  word: (value: string): PsArg => ({ kind: 'word', value }),
  add: (values: readonly string[]): PsArg => ({ kind: 'change', op: 'Add', values }),
  remove: (values: readonly string[]): PsArg => ({ kind: 'change', op: 'Remove', values }),
};

const IDENT = /^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z][A-Za-z0-9]*)?$/;

function renderArg(a: PsArg): string {
  switch (a.kind) {
    case 'string':
      return psQuote(a.value);
    case 'list':
      return psList(a.values);
    case 'bool':
      return psBool(a.value);
    case 'null':
      return '$null';
    case 'variable':
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(a.name)) throw new Error('bad variable name');
      return `$${a.name}`;
    case 'word':
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(a.value)) throw new Error('bad word');
      return a.value;
    case 'change':
      return `@{${a.op}=${psList(a.values)}}`;
  }
}

/**
 * `Verb-Noun -Param value …`. Command and parameter names are constants in the generators; they are
 * checked anyway so a mistake can never produce anything but identifiers.
 */
export function psCommand(command: string, params: Array<[string, PsArg]>): string {
  if (!IDENT.test(command)) throw new Error(`bad command name ${command}`);
  const parts = [command];
  for (const [name, value] of params) {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error(`bad parameter name ${name}`);
    parts.push(`-${name}`, renderArg(value));
  }
  return parts.join(' ');
}

/** A `#` comment line (text made safe by commentText). */
export function psComment(text: string): string {
  return text ? `# ${commentText(text, 2000)}` : '#';
}
