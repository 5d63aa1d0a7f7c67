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
 *
 * The readers of each date form live here; ./date/scanner.ts holds the shared scanner,
 * ./date/zones.ts the time zone reading, ./date/calendar.ts the calendar arithmetic.
 */
import type { MailDate } from '../types';
import { type Parts, Scanner, emptyParts, isAlpha, isDigit } from './date/scanner';
import { readZone } from './date/zones';
import { toUtc } from './date/calendar';

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
