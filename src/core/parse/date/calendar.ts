/**
 * Mail date parsing: calendar arithmetic (proleptic Gregorian, leap years, days in a month) and the
 * conversion of the parts read into a UTC ISO string, with impossible values (Feb 31, hour 25, an
 * unreadable zone) giving null.
 */
import type { Parts } from './scanner';

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

export function toUtc(p: Parts): string | null {
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
