/**
 * Authentication-Results (RFC 8601), ARC-Authentication-Results (RFC 8617) and Received-SPF
 * (RFC 7208 §9.1) parsers.
 *
 * Real headers bend the grammar, so these are hand-written scanners, tolerant by design:
 *  - EOP writes no authserv-id, starts with `spf=`, and drops the recipient's accepted domain between
 *    results as a bare token (`smtp.mailfrom=fabrikam.com; contoso.com; dkim=none ...`), sometimes
 *    glued to a property (`header.d=none;unomaha.edu`). The `;` ends the property; the domain is
 *    kept in `bareTokens`.
 *  - Comments may sit anywhere, nest, and carry backslash escapes; they are attached to the result
 *    they follow.
 *  - Results separated with or without spaces, trailing `;`, a missing `;` between two results.
 *
 * Nothing here throws and no regular expression runs over unbounded header text with backtracking:
 * the scanners walk the string once. Text that fits nowhere goes to `unparsed`.
 */
import type { AuthResult, AuthResultsHeader, ReceivedSpf } from '../types';
import { normalizeIp } from '../net/ip';

/** Results kept per header; a real header has a handful, more is an attack or a bug. */
const MAX_RESULTS = 500;
/** Unparsed fragments kept, and the length each is cut to. */
const MAX_UNPARSED = 50;
const MAX_FRAGMENT = 200;
/** Comments are cut to this many characters. */
const MAX_COMMENT = 2000;

/** Method names registered with IANA (plus compauth); used to notice a missing `;` between results. */
/** RFC 8601 ptypes (section 2.3): "smtp.mailfrom", "header.d", "body.hash", "policy.dmarc". */
const PTYPES = new Set(['smtp', 'header', 'body', 'policy']);

const KNOWN_METHODS = new Set([
  'spf',
  'dkim',
  'dmarc',
  'arc',
  'compauth',
  'iprev',
  'auth',
  'bimi',
  'dkim-atps',
  'dkim-adsp',
  'domainkeys',
  'sender-id',
  'dnswl',
  'rrvs',
  'smime',
  'vbr',
]);

function isWs(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function isDigits(s: string): boolean {
  if (s.length === 0 || s.length > 9) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isNameChar(c: number, allowDot: boolean): boolean {
  return (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 45 /* - */ ||
    c === 95 /* _ */ ||
    (allowDot && c === 46)
  );
}

/** method or ptype.property: letters, digits, '-', '_' (and '.' when allowed), first not punctuation. */
function isName(s: string, allowDot: boolean): boolean {
  if (s.length === 0 || s.length > 64) return false;
  const first = s.charCodeAt(0);
  if (first === 45 || first === 95 || first === 46) return false;
  for (let i = 0; i < s.length; i++) if (!isNameChar(s.charCodeAt(i), allowDot)) return false;
  return true;
}

/** A bare domain token as EOP inserts it: labels of [A-Za-z0-9_-] joined by single dots. */
function isDomainLike(s: string): boolean {
  if (s.length < 3 || s.length > 255 || !s.includes('.')) return false;
  let prevDot = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (prevDot && i !== s.length - 1) return false;
      prevDot = true;
      continue;
    }
    if (!isNameChar(c, false)) return false;
    prevDot = false;
  }
  return s.charCodeAt(0) !== 46;
}

function cut(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) + '…' : s;
}

/** A cursor over header text with the RFC 5322 lexical pieces the grammars need. */
class Scanner {
  pos = 0;
  constructor(readonly s: string) {}

  eof(): boolean {
    return this.pos >= this.s.length;
  }

  peek(): string {
    return this.s[this.pos] ?? '';
  }

  skipWs(): void {
    while (this.pos < this.s.length && isWs(this.s[this.pos])) this.pos++;
  }

  /** Position of the next non-whitespace character from `from`. */
  nextNonWs(from: number): number {
    let p = from;
    while (p < this.s.length && isWs(this.s[p])) p++;
    return p;
  }

  /**
   * At '(' : read a comment, nesting and backslash escapes honoured. Returns the text without the
   * outer parentheses (inner ones kept), and whether the closing ')' was found.
   */
  readComment(): { text: string; terminated: boolean } {
    const s = this.s;
    let depth = 0;
    let out = '';
    let p = this.pos;
    for (; p < s.length; p++) {
      const c = s[p];
      if (c === '\\' && p + 1 < s.length) {
        p++;
        if (out.length < MAX_COMMENT) out += s[p];
        continue;
      }
      if (c === '(') {
        depth++;
        if (depth === 1) continue;
      } else if (c === ')') {
        depth--;
        if (depth === 0) {
          this.pos = p + 1;
          return { text: out.trim(), terminated: true };
        }
      }
      if (c === '\r' || c === '\n') continue; // unfold: the WSP after the line break stays
      if (out.length < MAX_COMMENT) out += c;
    }
    this.pos = p;
    return { text: out.trim(), terminated: false };
  }

  /** At '"' : read a quoted-string, returning its unescaped content. */
  readQuoted(): { text: string; terminated: boolean } {
    const s = this.s;
    let out = '';
    let p = this.pos + 1;
    for (; p < s.length; p++) {
      const c = s[p];
      if (c === '\\' && p + 1 < s.length) {
        p++;
        out += s[p];
        continue;
      }
      if (c === '"') {
        this.pos = p + 1;
        return { text: out, terminated: true };
      }
      if (c === '\r' || c === '\n') continue;
      out += c;
    }
    this.pos = p;
    return { text: out, terminated: false };
  }

  /** Read a run of characters up to whitespace, ';', '(', '"' (and '=' when stopAtEq). */
  readWord(stopAtEq: boolean): string {
    const s = this.s;
    const start = this.pos;
    let p = start;
    for (; p < s.length; p++) {
      const c = s[p];
      if (isWs(c) || c === ';' || c === '(' || c === '"' || (stopAtEq && c === '=')) break;
    }
    this.pos = p;
    return s.slice(start, p);
  }

  /**
   * Read a value after '=': a quoted-string, or everything up to whitespace, ';' or '('. Values
   * may contain '=', '/', '@', '+' (addresses with SRS, base64 fragments of header.b).
   */
  readValue(): string {
    if (this.peek() === '"') return this.readQuoted().text;
    const s = this.s;
    const start = this.pos;
    let p = start;
    for (; p < s.length; p++) {
      const c = s[p];
      if (isWs(c) || c === ';' || c === '(') break;
    }
    this.pos = p;
    return s.slice(start, p);
  }

  /** Skip the rest up to (not including) the next ';' outside comments/quotes; returns the skipped text. */
  skipToSemicolon(): string {
    const start = this.pos;
    while (!this.eof()) {
      const c = this.peek();
      if (c === ';') break;
      if (c === '(') this.readComment();
      else if (c === '"') this.readQuoted();
      else this.pos++;
    }
    return this.s.slice(start, this.pos);
  }
}

/** Strip a comment that is one quoted string (Mimecast: `("body hash did not verify")`). */
function commentText(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"') && text.indexOf('"', 1) === text.length - 1) {
    return text.slice(1, -1).trim();
  }
  return text;
}

/**
 * Parse an Authentication-Results (or, with `opts.arc`, ARC-Authentication-Results) value.
 * Never throws; text that fits no rule is returned in `unparsed`.
 */
export function parseAuthResults(value: string, opts?: { arc?: boolean }): AuthResultsHeader {
  const out: AuthResultsHeader = { authservId: null, results: [], bareTokens: [], form: 'eop', unparsed: [] };
  const text = typeof value === 'string' ? value : '';
  const sc = new Scanner(text);
  const unparsed = (frag: string): void => {
    const t = frag.trim();
    if (!t) return;
    if (out.unparsed.length < MAX_UNPARSED) out.unparsed.push(cut(t, MAX_FRAGMENT));
  };

  // Leading comments (before anything) carry nothing we keep.
  const skipLeading = (): void => {
    for (;;) {
      sc.skipWs();
      if (sc.peek() !== '(') return;
      const c = sc.readComment();
      if (!c.terminated) unparsed('(' + c.text);
    }
  };

  skipLeading();

  // ARC-Authentication-Results: "i=N;" before the authserv-id.
  {
    const save = sc.pos;
    const w = sc.readWord(true);
    const eq = sc.nextNonWs(sc.pos);
    let matched = false;
    if (w.toLowerCase() === 'i' && text[eq] === '=') {
      sc.pos = eq + 1;
      sc.skipWs();
      const n = sc.readWord(true);
      const after = sc.nextNonWs(sc.pos);
      if (isDigits(n) && (text[after] === ';' || after >= text.length)) {
        matched = true;
        sc.pos = Math.min(after + 1, text.length);
        if (opts?.arc) out.instance = Number(n);
        else unparsed(`i=${n}`);
      }
    }
    if (!matched) sc.pos = save;
  }

  skipLeading();

  // authserv-id [version] ";"  — absent in EOP's form, which starts straight with "method=".
  {
    const save = sc.pos;
    let id = '';
    if (sc.peek() === '"') id = sc.readQuoted().text.trim();
    else id = sc.readWord(true);
    const eq = sc.nextNonWs(sc.pos);
    if (id && text[eq] !== '=') {
      out.authservId = id;
      skipLeading();
      // Optional version: digits followed by ';' or the end.
      const vSave = sc.pos;
      const v = sc.readWord(true);
      const after = sc.nextNonWs(sc.pos);
      if (isDigits(v) && (text[after] === ';' || text[after] === '(' || after >= text.length)) {
        out.authservVersion = v;
      } else {
        sc.pos = vSave;
      }
      skipLeading();
      if (sc.peek() === ';') sc.pos++;
      else if (!sc.eof()) {
        // No ';' after the id. If a result follows directly, read on; otherwise skip the junk.
        const p = sc.pos;
        const w = sc.readWord(true);
        const e = sc.nextNonWs(sc.pos);
        sc.pos = p;
        if (!(w && text[e] === '=')) {
          unparsed(sc.skipToSemicolon());
          if (sc.peek() === ';') sc.pos++;
        }
      }
    } else {
      sc.pos = save;
    }
  }

  let sawNone = false;
  // current: the result being read (until its ';'); last: the most recent result (comments and
  // properties stranded after a ';' attach there). An object, so closures can update it.
  const st: { current: AuthResult | null; last: AuthResult | null } = { current: null, last: null };
  let rawStart = 0;
  let rawEnd = 0;
  let truncated = false;

  /** Comments written between a name and its '=' (see below), for the result or property read next. */
  let between: string[] = [];

  const finish = (): void => {
    if (st.current) st.current.raw = text.slice(rawStart, rawEnd).trim();
    st.current = null;
  };

  const startResult = (word: string, start: number): void => {
    // sc.pos is just after the word; skip to '=' and read the result keyword.
    sc.pos = sc.nextNonWs(sc.pos) + 1;
    sc.skipWs();
    const res = sc.peek() === '(' || sc.peek() === ';' ? '' : sc.readValue();
    const slash = word.indexOf('/');
    const method = (slash >= 0 ? word.slice(0, slash) : word).toLowerCase();
    const r: AuthResult = { method, result: res.toLowerCase().trim(), comments: [], props: {}, raw: '' };
    if (slash >= 0) {
      const ver = word.slice(slash + 1).trim();
      if (ver) r.methodVersion = ver;
    }
    if (out.results.length >= MAX_RESULTS) {
      truncated = true;
      return;
    }
    for (const c of between) r.comments.push(c);
    between = [];
    out.results.push(r);
    st.current = r;
    st.last = r;
    rawStart = start;
    rawEnd = sc.pos;
  };

  const addProp = (target: AuthResult, key: string): void => {
    // sc.pos just after the key word.
    sc.pos = sc.nextNonWs(sc.pos) + 1;
    sc.skipWs();
    const v = sc.peek() === '(' || sc.peek() === ';' ? '' : sc.readValue().trim();
    for (const c of between) target.comments.push(c);
    between = [];
    const k = key.toLowerCase();
    if (k === 'reason') {
      if (target.reason === undefined) target.reason = v;
    } else if (!(k in target.props)) {
      target.props[k] = v;
    }
  };

  while (!sc.eof() && !truncated) {
    sc.skipWs();
    if (sc.eof()) break;
    const c = sc.peek();
    if (c === ';') {
      finish();
      sc.pos++;
      continue;
    }
    if (c === '(') {
      const cm = sc.readComment();
      const target: AuthResult | null = st.current ?? st.last;
      if (target) {
        target.comments.push(commentText(cm.text));
        if (st.current) rawEnd = sc.pos;
      }
      if (!cm.terminated) unparsed('(' + cm.text);
      continue;
    }
    if (c === '"' || c === '=') {
      const start = sc.pos;
      if (c === '"') sc.readQuoted();
      else sc.pos++;
      unparsed(text.slice(start, sc.pos));
      continue;
    }

    const wordStart = sc.pos;
    const word = sc.readWord(true);
    let eqPos = sc.nextNonWs(sc.pos);
    // RFC 8601 allows a comment between a name and its '=': "reason (BAH) = \"…\"" (CFWS in
    // methodspec, reasonspec and propspec); the comment belongs to the result being read
    between = [];
    if (text[eqPos] === '(' && word) {
      const save = sc.pos;
      sc.pos = eqPos;
      while (sc.peek() === '(' && between.length < 4) {
        const cm = sc.readComment();
        if (!cm.terminated) break;
        between.push(commentText(cm.text));
        sc.skipWs();
      }
      if (sc.peek() === '=' && between.length) eqPos = sc.pos;
      else between = [];
      sc.pos = between.length ? eqPos : save;
    }
    const isAssign = text[eqPos] === '=';
    const lower = word.toLowerCase();

    if (isAssign) {
      const slash = lower.indexOf('/');
      const methodPart = slash >= 0 ? lower.slice(0, slash) : lower;
      if (st.current) {
        if (KNOWN_METHODS.has(methodPart) && !lower.includes('.')) {
          // A result without the ';' that should have ended the previous one.
          finish();
          startResult(word, wordStart);
        } else if (isName(lower, true)) {
          addProp(st.current, word);
          rawEnd = sc.pos;
        } else {
          sc.pos = eqPos + 1;
          sc.skipWs();
          sc.readValue();
          unparsed(text.slice(wordStart, sc.pos));
        }
        continue;
      }
      // Google's "gateway.spf=pass (google.com: domain … configured … as internal address)": a
      // method named with a prefix (the SPF check of a configured inbound gateway), not a property
      const dot = lower.lastIndexOf('.');
      if (dot > 0 && slash < 0 && KNOWN_METHODS.has(lower.slice(dot + 1)) && !PTYPES.has(lower.slice(0, lower.indexOf('.'))) && isName(lower, true)) {
        startResult(word, wordStart);
        continue;
      }
      // Not inside a result: a new result, or a property stranded after a stray ';'.
      if ((lower.includes('.') || lower === 'reason' || lower === 'action') && st.last && isName(lower, true)) {
        addProp(st.last, word);
        continue;
      }
      if (isName(methodPart, false) && (slash < 0 || slash < lower.length - 1)) {
        startResult(word, wordStart);
        continue;
      }
      // a property right after the authserv-id, before any result: the server's own note
      if (!st.last && out.authservId !== null && lower.includes('.') && isName(lower, true)) {
        const holder: AuthResult = { method: '', result: '', comments: [], props: out.props ?? {}, raw: '' };
        addProp(holder, word);
        out.props = holder.props;
        continue;
      }
      sc.pos = eqPos + 1;
      sc.skipWs();
      sc.readValue();
      unparsed(text.slice(wordStart, sc.pos));
      continue;
    }

    // A word not followed by '='.
    if (st.current) {
      unparsed(word);
      continue;
    }
    if (lower === 'none' && out.results.length === 0) {
      sawNone = true;
      continue;
    }
    if (isDomainLike(word)) {
      if (out.bareTokens.length < MAX_UNPARSED) out.bareTokens.push(word);
      continue;
    }
    unparsed(word);
  }
  finish();

  if (truncated) unparsed(`[more than ${MAX_RESULTS} results; the rest was not read]`);

  if (out.results.length === 0 && (sawNone || text.trim() === '')) out.form = 'none';
  else if (out.authservId === null) out.form = 'eop';
  else out.form = 'rfc8601';
  return out;
}

/**
 * Parse a Received-SPF value: `result [(comment)] key=value; key=value; ...`.
 * The result is lower-cased; props keep every key=value (keys lower-cased); clientIp is normalised.
 */
export function parseReceivedSpf(value: string): ReceivedSpf {
  const text = typeof value === 'string' ? value : '';
  const out: ReceivedSpf = { result: '', props: {} };
  const sc = new Scanner(text);
  sc.skipWs();
  // The result keyword, unless the value starts with a key=value pair (malformed).
  {
    const save = sc.pos;
    const w = sc.readWord(true);
    const eq = sc.nextNonWs(sc.pos);
    if (w && text[eq] !== '=') out.result = w.toLowerCase();
    else sc.pos = save;
  }
  let propsCount = 0;
  while (!sc.eof()) {
    sc.skipWs();
    if (sc.eof()) break;
    const c = sc.peek();
    if (c === ';' || c === '=' || c === ')') {
      sc.pos++;
      continue;
    }
    if (c === '(') {
      const cm = sc.readComment();
      if (out.comment === undefined) out.comment = cm.text;
      continue;
    }
    if (c === '"') {
      sc.readQuoted();
      continue;
    }
    const key = sc.readWord(true);
    const eq = sc.nextNonWs(sc.pos);
    if (text[eq] !== '=') continue; // stray word: nothing to keep
    sc.pos = eq + 1;
    sc.skipWs();
    const v = sc.peek() === ';' || sc.peek() === '(' ? '' : sc.readValue().trim();
    const k = key.toLowerCase();
    if (!(k in out.props) && propsCount < MAX_RESULTS && isName(k, true)) {
      out.props[k] = v;
      propsCount++;
    }
  }
  const ip = normalizeIp(out.props['client-ip']);
  if (ip) out.clientIp = ip;
  if (out.props['helo']) out.helo = out.props['helo'];
  if (out.props['envelope-from']) out.envelopeFrom = out.props['envelope-from'];
  if (out.props['receiver']) out.receiver = out.props['receiver'];
  return out;
}

/**
 * One verdict per method: the first result for spf, dmarc, arc and compauth; for dkim "pass" when
 * any signature passed, otherwise the first dkim result.
 */
export function summarizeAuthResults(h: AuthResultsHeader): {
  spf?: string;
  dkim?: string;
  dmarc?: string;
  arc?: string;
  compauth?: string;
} {
  const out: { spf?: string; dkim?: string; dmarc?: string; arc?: string; compauth?: string } = {};
  for (const r of h.results) {
    switch (r.method) {
      case 'spf':
      case 'dmarc':
      case 'arc':
      case 'compauth':
        if (out[r.method] === undefined) out[r.method] = r.result;
        break;
      case 'dkim':
        if (out.dkim === undefined || r.result === 'pass') out.dkim = r.result;
        break;
      default:
        break;
    }
  }
  return out;
}
