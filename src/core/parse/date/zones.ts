/**
 * Mail date parsing: the time zone after the time. Numeric offsets ("+0100", "+01:00"), the names
 * with a known offset (RFC 5322's obsolete zones and common abbreviations), military letters,
 * unknown capitalised names (RFC 5322 §4.3: "-0000"), and the decorations that follow (Go's
 * " UTC m=+0.1", zone comments such as "(PST)" or "(Pacific Standard Time)").
 */
import { type Parts, Scanner, isAlpha, isDigit, isSpace } from './scanner';

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
export function readZone(sc: Scanner, p: Parts): void {
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
