/**
 * Mail date parsing (RFC 5322 §3.3 plus what real MTAs write).
 *
 * A hand-written scanner, not a regular expression: header text is attacker-controlled and the
 * scanner looks at every character at most a bounded number of times. It reads:
 *   - RFC 5322 / RFC 822:   "Mon, 9 Mar 2026 11:26:40 +0000", weekday optional, 2- or 4-digit
 *                           year, seconds optional, obsolete zones (GMT, EST, ..., military letters)
 *   - trailing zone comments "+0000 (UTC)", "-0800 (PST)", and a zone given only as a comment
 *                           ("04 Jun 2026 21:49:44.8262 (UTC)", Exchange's OriginalArrivalTime)
 *   - RFC 850:               "Monday, 09-Mar-26 11:26:40 GMT"
 *   - asctime:               "Sun Nov 13 14:50:12 2005", "Sun Nov 13 14:50:12 UTC 2005"
 *   - ISO 8601 and Go's time.String(): "2026-03-09T11:26:40Z",
 *                           "2026-03-09 11:26:40.123456789 +0000 UTC m=+0.123"
 *   - numeric dates that Windows and web software write: "4/20/2018 23:01:06 -0400 (EDT)",
 *                           "4-20-2018 11:01:07 PM", "2018/4/20 ...", "20.04.2018 ..." (see readNumeric)
 *   - 12-hour clocks: "11:01:08 PM", "12:30 a.m." (12 AM is midnight, 12 PM noon; "13:00 PM" is
 *                           impossible and gives utc null)
 * Military letters other than Z are read as UTC with an unknown offset (offsetMinutes null), as
 * RFC 5322 §4.3 asks. A date that states no zone at all (none written, or a name we cannot read
 * such as "IST") is also computed as if it were UTC, but flagged `zoneless`: its instant may be off
 * by up to ±14 hours and must not be compared with other hops' times. Impossible values (Feb 31,
 * hour 25) give utc null with the raw text kept.
 */
import type { MailDate } from '../types';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** Zone names with a known offset (minutes east of UTC). RFC 5322 obsolete zones first. */
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  // common in the wild, unambiguous enough to use
  wet: 0,
  west: 60,
  bst: 60,
  cet: 60,
  met: 60,
  cest: 120,
  mest: 120,
  metdst: 120,
  eet: 120,
  eest: 180,
  msk: 180,
  jst: 540,
  kst: 540,
  hkt: 480,
  sgt: 480,
  aest: 600,
  aedt: 660,
  acst: 570,
  awst: 480,
  nzst: 720,
  nzdt: 780,
  hst: -600,
  akst: -540,
  akdt: -480,
  ast: -240,
  adt: -180,
  nst: -210,
  ndt: -150,
};

/** Longest run of whitespace or comment text a date may contain between its parts. */
const MAX_GAP = 256;

export interface DateScan {
  /** True when the text has the shape of a date (values may still be impossible). */
  matched: boolean;
  /** Offset just after the last character that belongs to the date (zone comment included). */
  end: number;
  utc: string | null;
  offsetMinutes: number | null;
  /** True when utc was read but no time zone was stated (see MailDate.zoneless). */
  zoneless: boolean;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

function monthIndex(word: string): number {
  const w = word.toLowerCase();
  if (w.length < 3) return -1;
  const i = MONTHS.indexOf(w.slice(0, 3));
  if (i < 0) return -1;
  if (w.length === 3 || MONTH_NAMES[i].startsWith(w)) return i;
  if (w === 'sept') return 8;
  return -1;
}

function isWeekday(word: string): boolean {
  const w = word.toLowerCase();
  if (w.length < 3) return false;
  return WEEKDAY_NAMES.some((d) => d.startsWith(w));
}

class Scanner {
  pos: number;
  constructor(
    readonly s: string,
    start: number,
  ) {
    this.pos = start;
  }

  code(at = this.pos): number {
    return at < this.s.length ? this.s.charCodeAt(at) : -1;
  }

  /** Skip whitespace only (bounded). Returns the number of characters skipped. */
  skipWs(): number {
    const start = this.pos;
    while (this.pos < this.s.length && this.pos - start < MAX_GAP && isSpace(this.s.charCodeAt(this.pos))) this.pos++;
    return this.pos - start;
  }

  /**
   * Skip one parenthesised comment (nesting allowed) starting at pos; bounded so that a huge or
   * unclosed comment costs at most MAX_GAP characters. Returns the comment's inner text, or null
   * (position unchanged) when there is no complete short comment here.
   */
  comment(): string | null {
    if (this.code() !== 40) return null;
    let depth = 0;
    let i = this.pos;
    const limit = Math.min(this.s.length, this.pos + MAX_GAP);
    for (; i < limit; i++) {
      const c = this.s.charCodeAt(i);
      if (c === 92) {
        i++;
        continue;
      }
      if (c === 40) depth++;
      else if (c === 41) {
        depth--;
        if (depth === 0) {
          const inner = this.s.slice(this.pos + 1, i);
          this.pos = i + 1;
          return inner;
        }
      }
    }
    return null;
  }

  /** Read a run of digits (any length; the caller judges it). */
  digits(): string {
    const start = this.pos;
    while (this.pos < this.s.length && isDigit(this.s.charCodeAt(this.pos))) this.pos++;
    return this.s.slice(start, this.pos);
  }

  /** Read a run of ASCII letters. */
  letters(): string {
    const start = this.pos;
    while (this.pos < this.s.length && isAlpha(this.s.charCodeAt(this.pos))) this.pos++;
    return this.s.slice(start, this.pos);
  }

  eat(ch: string): boolean {
    if (this.s[this.pos] === ch) {
      this.pos++;
      return true;
    }
    return false;
  }
}

interface Parts {
  year: number;
  month: number; // 0-based
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** Offset in minutes, or null for "unknown" (treated as UTC). */
  offset: number | null;
  /** A zone was written (numeric, named or unknown letter). */
  zoneSeen: boolean;
  /** The zone text could not be read as any zone at all (e.g. +2599). */
  zoneInvalid: boolean;
  /** AM/PM was written with an hour that a 12-hour clock cannot show (0 or above 12). */
  badMeridiem: boolean;
}

function expandYear(text: string): number {
  const n = Number(text);
  if (text.length === 2) return n < 50 ? 2000 + n : 1900 + n;
  if (text.length === 3) return 1900 + n;
  return n;
}

/**
 * RFC 5322's obsolete time syntax allows folding white space around the colons (obs-hour,
 * obs-minute, obs-second: "12: 31: 43"); one or two spaces or tabs after a colon are read.
 * Returns how many there are at `at` (0 when more than two: no longer a time).
 */
function obsSpaceAt(s: string, at: number): number {
  let n = 0;
  while (n < 3 && (s.charCodeAt(at + n) === 32 || s.charCodeAt(at + n) === 9)) n++;
  return n > 2 ? 0 : n;
}

function skipObsSpace(sc: Scanner): void {
  sc.pos += obsSpaceAt(sc.s, sc.pos);
}

/** Read H[H]:MM[:SS[.frac]] at the scanner position; returns false (position kept) when absent. */
function readTime(sc: Scanner, p: Parts): boolean {
  const save = sc.pos;
  const h = sc.digits();
  if (h.length < 1 || h.length > 2 || !sc.eat(':')) {
    sc.pos = save;
    return false;
  }
  skipObsSpace(sc);
  const m = sc.digits();
  if (m.length < 1 || m.length > 2) {
    sc.pos = save;
    return false;
  }
  p.hour = Number(h);
  p.minute = Number(m);
  p.second = 0;
  p.ms = 0;
  const secAt = sc.code() === 58 ? sc.pos + 1 + obsSpaceAt(sc.s, sc.pos + 1) : -1;
  if (secAt > 0 && isDigit(sc.code(secAt))) {
    sc.pos = secAt;
    const s = sc.digits();
    if (s.length < 1 || s.length > 2) {
      sc.pos = save;
      return false;
    }
    p.second = Number(s);
    if ((sc.code() === 46 || sc.code() === 44) && isDigit(sc.code(sc.pos + 1))) {
      sc.pos++;
      const frac = sc.digits();
      p.ms = Number((frac + '00').slice(0, 3));
    }
  }
  readMeridiem(sc, p);
  return true;
}

/**
 * A 12-hour clock's "AM"/"PM" (also "am", "a.m.", "P.M.") right after the time, as a whole word.
 * 12 AM is midnight and 12 PM noon; an hour of 0 or above 12 cannot be written this way and makes
 * the date impossible rather than silently 12 hours off. Leaves the scanner unchanged when absent.
 */
function readMeridiem(sc: Scanner, p: Parts): void {
  const save = sc.pos;
  if (sc.skipWs() > 8) {
    sc.pos = save;
    return;
  }
  const c = sc.code() | 32;
  if ((c !== 97 && c !== 112) || sc.pos >= sc.s.length) {
    sc.pos = save;
    return;
  }
  const pm = c === 112;
  let i = sc.pos + 1;
  if (sc.s.charCodeAt(i) === 46) i++; // "a.m."
  if ((sc.s.charCodeAt(i) | 32) !== 109) {
    sc.pos = save;
    return;
  }
  i++;
  if (sc.s.charCodeAt(i) === 46) i++;
  if (i < sc.s.length && (isAlpha(sc.s.charCodeAt(i)) || isDigit(sc.s.charCodeAt(i)))) {
    sc.pos = save;
    return;
  }
  sc.pos = i;
  if (p.hour < 1 || p.hour > 12) p.badMeridiem = true;
  else if (pm) p.hour = p.hour === 12 ? 12 : p.hour + 12;
  else if (p.hour === 12) p.hour = 0;
}

/** Read a numeric offset "+HHMM", "+HH:MM", "+HH" right at the position. */
function readNumericZone(sc: Scanner, p: Parts): boolean {
  const c = sc.code();
  if (c !== 43 && c !== 45) return false;
  const save = sc.pos;
  sc.pos++;
  const sign = c === 45 ? -1 : 1;
  const d = sc.digits();
  let hh: number;
  let mm: number;
  if (d.length === 4) {
    hh = Number(d.slice(0, 2));
    mm = Number(d.slice(2));
  } else if (d.length === 2 || d.length === 1) {
    hh = Number(d);
    mm = 0;
    if (sc.code() === 58 && isDigit(sc.code(sc.pos + 1))) {
      sc.pos++;
      const m = sc.digits();
      if (m.length !== 2) {
        sc.pos = save;
        return false;
      }
      mm = Number(m);
    }
  } else {
    sc.pos = save;
    return false;
  }
  p.zoneSeen = true;
  if (hh > 23 || mm > 59) {
    p.zoneInvalid = true;
    p.offset = null;
  } else {
    p.offset = sign * (hh * 60 + mm) || 0; // no negative zero for -0000
  }
  return true;
}

/** Interpret a zone word. Returns undefined when the word is not a zone at all. */
function zoneWord(word: string): { offset: number | null } | undefined {
  const w = word.toLowerCase();
  if (w in ZONES) return { offset: ZONES[w] };
  // military single letters other than Z (and J, which is not used): unknown offset
  if (w.length === 1 && w !== 'j') return { offset: null };
  return undefined;
}

/** Words that follow a zone-less time in Received fields and are not zones. */
const NOT_ZONES = new Set(['FROM', 'WITH', 'VIA', 'FOR']);

/**
 * An alphabetic zone name we do not know: three to five capital letters as a whole word (real
 * abbreviations are written that way), not a protocol name or a Received keyword.
 */
function isUnknownZoneName(word: string, next: number): boolean {
  if (!/^[A-Z]{3,5}$/.test(word) || NOT_ZONES.has(word) || /MTP|HTTP|MAPI/.test(word)) return false;
  return next === -1 || isSpace(next) || next === 59 || next === 40 || next === 41;
}

/**
 * Read the zone after the time: numeric, named, named+numeric ("GMT+0100"), and trailing
 * decorations (Go's " UTC m=+0.1", a "(PST)" comment). Never fails; leaves the scanner after the
 * last zone piece it accepted.
 */
function readZone(sc: Scanner, p: Parts): void {
  let after = sc.pos;
  sc.skipWs();
  if (readNumericZone(sc, p)) {
    after = sc.pos;
  } else if (isAlpha(sc.code())) {
    const w = sc.letters();
    // only a whole word counts ("Mon" in "12:00 Monday" is not a zone)
    const next = sc.code();
    const z = isDigit(next) || next === 95 ? undefined : zoneWord(w);
    if (z) {
      p.zoneSeen = true;
      p.offset = z.offset;
      after = sc.pos;
      if ((next === 43 || next === 45) && readNumericZone(sc, p)) after = sc.pos; // GMT+0100
    } else if (isUnknownZoneName(w, next)) {
      // RFC 5322 §4.3: another alphabetic zone ("Tue, 29 Oct 96 12:13:12 PPE", "IST") whose
      // meaning is not known counts as "-0000": the zone is unknown, so the date stays zoneless
      after = sc.pos;
    }
  }
  sc.pos = after;
  // decorations: a repeated zone name (Go: "+0000 UTC"), Go's monotonic clock, zone comments
  for (let k = 0; k < 4; k++) {
    const save = sc.pos;
    sc.skipWs();
    if (sc.code() === 40) {
      const inner = sc.comment();
      if (inner === null) {
        sc.pos = save;
        break;
      }
      const t = inner.trim();
      // only zone-like comments belong to the date: "(PST)", "(MET DST)", "(UTC)", "(GMT+02:00)",
      // "(Pacific Standard Time)"; anything else ("(envelope-from x)", a note) is left to the caller
      // and "(-03)", "(+0530)": the abbreviation glibc's strftime %Z gives for a zone that has no
      // name (Postfix on a server set to America/Sao_Paulo writes "-0300 (-03)")
      const numericComment = /^[+-]\d{2}(?::?\d{2})?$/.test(t);
      const zoneLike =
        numericComment ||
        /^[A-Za-z]{1,6}(?: [A-Za-z]{1,6}){0,2}$/.test(t) ||
        /^[A-Za-z][A-Za-z .]{0,39} Time$/i.test(t) ||
        /^(?:UTC|GMT)[+-]\d{1,2}(?::?\d{2})?$/i.test(t);
      if (!zoneLike) {
        sc.pos = save;
        break;
      }
      if (!p.zoneSeen) {
        const z = /^[A-Za-z]{1,6}$/.test(t) ? zoneWord(t) : undefined;
        if (z) {
          p.zoneSeen = true;
          p.offset = z.offset;
        } else if (/^(?:UTC|GMT)[+-]\d{1,2}(?::?\d{2})?$/i.test(t)) {
          const zs = new Scanner(t, 3);
          readNumericZone(zs, p);
        } else if (numericComment) {
          readNumericZone(new Scanner(t, 0), p);
        }
      }
      continue;
    }
    if (isAlpha(sc.code())) {
      const w = sc.letters();
      const n = sc.code();
      if (n === 61 /* = */ && w === 'm') {
        // Go monotonic reading "m=+0.123456"
        sc.pos++;
        while (sc.pos < sc.s.length && sc.pos - save < 64 && !isSpace(sc.code()) && sc.code() !== 40 && sc.code() !== 59)
          sc.pos++;
        continue;
      }
      if (p.zoneSeen && !isDigit(n) && zoneWord(w) !== undefined && w.length > 1) continue;
    }
    sc.pos = save;
    break;
  }
}

function skipWeekday(sc: Scanner): void {
  const save = sc.pos;
  const w = sc.letters();
  if (w && isWeekday(w)) {
    sc.eat('.');
    sc.skipWs();
    if (sc.eat(',')) sc.skipWs();
    return;
  }
  sc.pos = save;
}

/** Separator between day, month and year: spaces, '-', '/', '.' or ','. */
function skipDateSep(sc: Scanner): boolean {
  const start = sc.pos;
  sc.skipWs();
  const c = sc.code();
  if (c === 45 || c === 47 || c === 46 || c === 44) {
    sc.pos++;
    sc.skipWs();
  }
  return sc.pos > start;
}

function emptyParts(): Parts {
  return { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, ms: 0, offset: null, zoneSeen: false, zoneInvalid: false, badMeridiem: false };
}

/** "D Mon YYYY [HH:MM[:SS]] [zone]" (also RFC 850 "DD-Mon-YY"). Scanner is at the day digits. */
function readDayFirst(sc: Scanner, p: Parts): boolean {
  const d = sc.digits();
  if (d.length < 1 || d.length > 2) return false;
  p.day = Number(d);
  if (!skipDateSep(sc)) return false;
  const mw = sc.letters();
  const mi = monthIndex(mw);
  if (mi < 0) return false;
  p.month = mi;
  sc.eat('.');
  if (!skipDateSep(sc)) return false;
  const y = sc.digits();
  if (y.length < 2 || y.length > 4) return false;
  p.year = expandYear(y);
  const beforeTime = sc.pos;
  sc.skipWs();
  if (sc.eat(',')) sc.skipWs();
  else if (sc.code() === 84 /* T */ || sc.code() === 116) sc.pos++;
  if (!readTime(sc, p)) {
    sc.pos = beforeTime; // date without time of day: midnight
    p.hour = p.minute = p.second = p.ms = 0;
  }
  readZone(sc, p);
  return true;
}

/** "Mon D[,] HH:MM:SS [zone] YYYY" (asctime) or "Mon D, YYYY HH:MM:SS [zone]". At the month word. */
function readMonthFirst(sc: Scanner, p: Parts): boolean {
  const mi = monthIndex(sc.letters());
  if (mi < 0) return false;
  p.month = mi;
  sc.eat('.');
  sc.skipWs();
  const d = sc.digits();
  if (d.length < 1 || d.length > 2) return false;
  p.day = Number(d);
  sc.skipWs();
  if (sc.eat(',')) sc.skipWs();
  const save = sc.pos;
  const y = sc.digits();
  if (y.length === 4) {
    p.year = Number(y);
    const beforeTime = sc.pos;
    sc.skipWs();
    if (!readTime(sc, p)) sc.pos = beforeTime;
    readZone(sc, p);
    return true;
  }
  sc.pos = save;
  if (!readTime(sc, p)) return false;
  // asctime puts the year after the time, with an optional zone in between: "14:50:12 UTC 2005"
  const afterTime = sc.pos;
  const z = emptyParts();
  readZone(sc, z);
  sc.skipWs();
  const y2 = sc.digits();
  if (y2.length !== 4 && y2.length !== 2) {
    sc.pos = afterTime;
    return false;
  }
  p.year = expandYear(y2);
  if (z.zoneSeen) {
    p.zoneSeen = true;
    p.offset = z.offset;
    p.zoneInvalid = z.zoneInvalid;
  } else {
    readZone(sc, p);
  }
  return true;
}

/** "YYYY-MM-DD[T| ]HH:MM[:SS[.frac]][zone]" (ISO 8601, Go; also "YYYY/MM/DD"). At the year digits. */
function readIso(sc: Scanner, p: Parts): boolean {
  const y = sc.digits();
  const sep = sc.s[sc.pos];
  if (y.length !== 4 || (sep !== '-' && sep !== '/')) return false;
  sc.pos++;
  const m = sc.digits();
  if (m.length < 1 || m.length > 2 || !sc.eat(sep)) return false;
  const d = sc.digits();
  if (d.length < 1 || d.length > 2) return false;
  p.year = Number(y);
  p.month = Number(m) - 1;
  p.day = Number(d);
  const beforeTime = sc.pos;
  if (sc.code() === 84 || sc.code() === 116) sc.pos++;
  else sc.skipWs();
  if (!readTime(sc, p)) {
    sc.pos = beforeTime;
    p.hour = p.minute = p.second = p.ms = 0;
  }
  readZone(sc, p);
  return true;
}

/**
 * "M/D/YYYY", "M-D-YYYY" (month first: the US order that Windows and web software write, and
 * Microsoft's Message Header Analyzer reads) or "D.M.YYYY" (day first, the European dotted form),
 * then an optional time and zone. A first number above 12 can only be a day ("20/4/2018"). The
 * year must have four digits. At the first digits.
 */
function readNumeric(sc: Scanner, p: Parts): boolean {
  const a = sc.digits();
  const sep = sc.s[sc.pos];
  if (a.length < 1 || a.length > 2 || (sep !== '/' && sep !== '-' && sep !== '.')) return false;
  sc.pos++;
  const b = sc.digits();
  if (b.length < 1 || b.length > 2 || !sc.eat(sep)) return false;
  const y = sc.digits();
  if (y.length !== 4) return false;
  let month = Number(a);
  let day = Number(b);
  if (sep === '.' || (month > 12 && day <= 12)) [month, day] = [day, month];
  p.year = Number(y);
  p.month = month - 1;
  p.day = day;
  const beforeTime = sc.pos;
  sc.skipWs();
  if (sc.eat(',')) sc.skipWs();
  if (!readTime(sc, p)) {
    sc.pos = beforeTime;
    p.hour = p.minute = p.second = p.ms = 0;
  }
  readZone(sc, p);
  return true;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month0: number): number {
  return month0 === 1 && isLeap(year) ? 29 : DAYS_IN_MONTH[month0];
}

/** Days from 1970-01-01 to the given proleptic Gregorian date (month 1-12). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function pad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : '0000'.slice(0, width - s.length) + s;
}

/**
 * The ISO-8601 UTC text Date.prototype.toISOString gives for `ms`, computed with integer
 * arithmetic (no Date objects: this runs for every Received and Date field). Years outside
 * 0000-9999 go through Date for its extended-year format.
 */
function isoString(ms: number): string {
  const days = Math.floor(ms / 86400000);
  let rest = ms - days * 86400000;
  // civil from days (H. Hinnant's algorithm)
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0 || y > 9999) return new Date(ms).toISOString();
  const hh = Math.floor(rest / 3600000);
  rest -= hh * 3600000;
  const mi = Math.floor(rest / 60000);
  rest -= mi * 60000;
  const ss = Math.floor(rest / 1000);
  const milli = rest - ss * 1000;
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(hh, 2)}:${pad(mi, 2)}:${pad(ss, 2)}.${pad(milli, 3)}Z`;
}

function toUtc(p: Parts): string | null {
  if (p.zoneInvalid || p.badMeridiem) return null;
  if (p.year < 1000 || p.year > 9999) return null;
  if (p.month < 0 || p.month > 11) return null;
  if (p.day < 1 || p.day > daysInMonth(p.year, p.month)) return null;
  if (p.hour > 23 || p.minute > 59 || p.second > 60) return null;
  const local = daysFromCivil(p.year, p.month + 1, p.day) * 86400000 + p.hour * 3600000 + p.minute * 60000 + Math.min(p.second, 59) * 1000 + p.ms;
  const t = local - (p.offset ?? 0) * 60000;
  if (!Number.isFinite(t)) return null;
  return isoString(t);
}

/**
 * Scan a date starting at `start` in `text` (leading whitespace and comments allowed). Reads only
 * as far as the date goes and reports where it ended, so callers can continue after it.
 */
export function scanMailDate(text: string, start = 0): DateScan {
  const sc = new Scanner(text, start);
  const fail: DateScan = { matched: false, end: start, utc: null, offsetMinutes: null, zoneless: false };
  for (let k = 0; k < 4; k++) {
    sc.skipWs();
    if (sc.code() !== 40) break;
    if (sc.comment() === null) break;
  }
  const p = emptyParts();
  skipWeekday(sc);
  let ok = false;
  const c = sc.code();
  if (isDigit(c)) {
    // ISO year, numeric date ("4/20/2018") or day of month ("20 Apr 2018")
    let j = sc.pos;
    while (j < text.length && j - sc.pos < 5 && isDigit(text.charCodeAt(j))) j++;
    const n = j - sc.pos;
    const sep = text[j];
    if (n === 4 && (sep === '-' || sep === '/')) ok = readIso(sc, p);
    else if (n <= 2 && (sep === '/' || sep === '-' || sep === '.') && isDigit(text.charCodeAt(j + 1))) ok = readNumeric(sc, p);
    else ok = readDayFirst(sc, p);
  } else if (isAlpha(c)) {
    ok = readMonthFirst(sc, p);
  }
  if (!ok) return fail;
  const utc = toUtc(p);
  return {
    matched: true,
    end: sc.pos,
    utc,
    offsetMinutes: utc === null ? null : p.offset,
    zoneless: utc !== null && !p.zoneSeen,
  };
}

/** The MailDate for a scan: `zoneless` only when set (see MailDate). */
export function mailDateOf(raw: string, r: DateScan): MailDate {
  const d: MailDate = { raw, utc: r.utc, offsetMinutes: r.offsetMinutes };
  if (r.zoneless) d.zoneless = true;
  return d;
}

/**
 * Parse a mail date. Never throws; `utc` is null when the text cannot be read as a date (the raw
 * text is always kept). Whitespace, tabs and line breaks inside the value are tolerated.
 */
export function parseMailDate(text: string): MailDate {
  const raw = typeof text === 'string' ? text.trim() : '';
  return mailDateOf(raw, scanMailDate(raw, 0));
}

/**
 * Cheap test whether a word (and the word after it) could begin a date: a weekday name, a day
 * number followed by a month name, "09-Mar-26", an ISO "2026-03-09", "Nov 13" (asctime), or a
 * numeric "4/20/2018".
 * Used to find a date that is not preceded by ';'. Constant work per call.
 */
export function looksLikeDateStart(word: string, next?: string): boolean {
  if (word.length > 40) return false;
  let w = word;
  while (w.endsWith(',') || w.endsWith('.')) w = w.slice(0, -1);
  if (/^[A-Za-z]{3,9}$/.test(w)) {
    if (isWeekday(w)) return true;
    if (monthIndex(w) >= 0 && next !== undefined && /^\d{1,2},?$/.test(next)) return true;
    return false;
  }
  if (/^\d{1,2}$/.test(w)) {
    if (next === undefined || next.length > 12) return false;
    let n = next;
    while (n.endsWith(',') || n.endsWith('.')) n = n.slice(0, -1);
    return /^[A-Za-z]{3,9}$/.test(n) && monthIndex(n) >= 0;
  }
  return /^\d{1,2}-[A-Za-z]{3}-\d{2,4}$/.test(w) || /^\d{4}-\d{1,2}-\d{1,2}/.test(w) || /^\d{1,2}\/\d{1,2}\/\d{4}$/.test(w);
}
