/**
 * Test helpers: the prose a remedy shows (as opposed to its commands and data lines), and a matcher
 * that explains a piece of prose as a sequence of statement records (templates with {placeholders},
 * joined by single spaces). A placeholder matches any non-empty text; a record must have literal
 * text of its own (see MIN_LITERAL), so the matcher cannot be satisfied by placeholders alone.
 */
import type { Remedy } from '../../../src/core/types';
import type { StatementRecord } from '../../../src/core/remedy/statements';
import { SOURCES, citation } from '../../../src/core/remedy/sources';

export const MIN_LITERAL = 12;

interface Compiled {
  id: string;
  prefix: string;
  suffix: string;
  re: RegExp;
}

const PH = /\{([a-zA-Z][a-zA-Z0-9]*)\}/g;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function literalLength(text: string): number {
  return text.replace(PH, '').length;
}

/**
 * The records as matchers, the most specific first (most literal text), so that where a general
 * record could also swallow a text ("Sending address: {ip}" vs "Sending address: {ip}, From
 * domain {domain}") the one that says more is taken, with its sources.
 */
export function compile(records: Readonly<Record<string, StatementRecord>>): Compiled[] {
  const entries = Object.entries(records).sort((a, b) => literalLength(b[1].text) - literalLength(a[1].text) || (a[0] < b[0] ? -1 : 1));
  return entries.map(([id, r]) => {
    const parts = r.text.split(PH);
    // split with a capture group: even indexes are literals, odd ones placeholder names
    let src = '';
    parts.forEach((p, i) => (src += i % 2 === 0 ? escape(p) : '([\\s\\S]+?)'));
    const literals = parts.filter((_, i) => i % 2 === 0);
    return { id, prefix: literals[0], suffix: literals[literals.length - 1], re: new RegExp(`^${src}$`) };
  });
}

interface Match {
  id: string;
  /** The values filled into the record's placeholders. */
  values: string[];
}

function explainMatches(text: string, compiled: Compiled[]): Match[] | null {
  const n = text.length;
  const ends: number[] = [];
  for (let i = 1; i <= n; i++) if (i === n || text[i] === ' ') ends.push(i);
  const memo = new Map<number, Match[] | null>();
  const from = (p: number): Match[] | null => {
    if (p === n) return [];
    const hit = memo.get(p);
    if (hit !== undefined) return hit;
    memo.set(p, null);
    for (const c of compiled) {
      if (c.prefix && !text.startsWith(c.prefix, p)) continue;
      for (const e of ends) {
        if (e <= p) continue;
        if (c.suffix && !text.endsWith(c.suffix, e)) continue;
        const m = c.re.exec(text.slice(p, e));
        if (!m) continue;
        const next = e === n ? n : e + 1;
        const rest = from(next);
        if (rest) {
          const out = [{ id: c.id, values: m.slice(1) }, ...rest];
          memo.set(p, out);
          return out;
        }
      }
    }
    return null;
  };
  return from(0);
}

/**
 * The statement ids that make up `text` (single spaces between statements), or null when it
 * cannot be explained. Dynamic programming over the word boundaries; each candidate record is
 * filtered by its literal prefix and suffix before its regular expression runs.
 */
export function explain(text: string, compiled: Compiled[]): string[] | null {
  return explainMatches(text, compiled)?.map((m) => m.id) ?? null;
}

/**
 * Like explain(), plus the records that make up the values of its placeholders (a fix's title
 * named inside a caveat, a reason inside an omitted-value line), so that what a sentence quotes
 * counts with its own sources.
 */
export function explainDeep(text: string, compiled: Compiled[], depth = 3): string[] | null {
  const ms = explainMatches(text, compiled);
  if (!ms) return null;
  const out: string[] = [];
  for (const m of ms) {
    out.push(m.id);
    if (depth <= 0) continue;
    for (const v of m.values) {
      if (v.length < MIN_LITERAL) continue;
      // a value can be one record, or a list of records ("a; b")
      const inner = explainDeep(v, compiled, depth - 1) ?? v.split('; ').flatMap((part) => explainDeep(part, compiled, depth - 1) ?? []);
      out.push(...inner);
    }
  }
  return out;
}

/** A "Title (Publisher, date): https://…" line naming one of the sources exactly. */
export function isCitationLine(text: string): boolean {
  const m = /^(.+): (https:\/\/\S+)$/.exec(text);
  return !!m && SOURCES.some((s) => s.url === m[2] && citation(s) === m[1]);
}

const CODE = /^(?:[A-Z][a-z]+-[A-Za-z]+(?: |$)|\$[a-z]+ |if \(|[a-z0-9.-]+\. IN TXT )/;

export function isCode(line: string): boolean {
  return CODE.test(line);
}

export interface ProseUnit {
  where: string;
  text: string;
}

/** Every piece of prose a remedy shows, with where it is. Commands and data lines are left out. */
export function proseOf(r: Remedy): ProseUnit[] {
  const out: ProseUnit[] = [];
  const add = (where: string, text: string) => {
    const t = text.trim();
    if (t) out.push({ where, text: t });
  };
  add('title', r.title);
  if (r.why) add('why', r.why);
  r.caveats.forEach((c, i) => add(`caveats[${i}]`, c));
  r.verify.forEach((c, i) => add(`verify[${i}]`, c));
  r.omitted.forEach((o, i) => add(`omitted[${i}]`, o.reason));
  for (const [name, list] of [['preChecks', r.preChecks], ['rollback', r.rollback]] as const) {
    list.forEach((l, i) => {
      if (l.startsWith('#')) {
        const t = l.replace(/^#\s*/, '');
        if (!isCode(t)) add(`${name}[${i}]`, t);
      } else if (!isCode(l)) add(`${name}[${i}]`, l);
    });
  }
  const lines = r.text.replace(/\n$/, '').split('\n');
  lines.forEach((line, i) => {
    const where = `text:${i + 1}`;
    if (r.language === 'powershell') {
      if (!line.startsWith('#')) return;
      const t = line.replace(/^#\s*/, '').replace(/^- /, '');
      if (!t || isCode(t)) return;
      add(where, t);
    } else if (r.language === 'dns') {
      if (!line.startsWith(';')) return;
      add(where, line.replace(/^;\s*/, ''));
    } else {
      if (/^ {2}- `/.test(line)) return; // a data entry: an address and its label
      add(where, line.replace(/^#+ /, '').replace(/^- \[ \] /, '').replace(/^- /, ''));
    }
  });
  return out;
}

/** Prose units that are neither a citation line nor explained by the records. */
export function unexplained(units: ProseUnit[], compiled: Compiled[]): ProseUnit[] {
  return units.filter((u) => !isCitationLine(u.text) && !explain(u.text, compiled));
}
