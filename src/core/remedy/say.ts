/**
 * Every sentence a remedy shows comes from a statement record (./statements.ts): a template with
 * {placeholders} and the public sources it rests on. Generators compose their texts with say();
 * nothing else writes prose into a remedy. The sources of every statement a generator used are
 * listed at the end of its script (finish() reads them with takeUsed()).
 *
 * Placeholders carry facts of the message (addresses, host names, counts) and values the user
 * gave; they never carry a sentence of their own.
 */
import { STATEMENTS, type StatementRecord } from './statements';
import { sourceById, type Source } from './sources';

export type Vars = Record<string, string | number>;

const PLACEHOLDER = /\{([a-zA-Z][a-zA-Z0-9]*)\}/g;

let used = new Set<string>();

function record(id: string): StatementRecord {
  const r = Object.prototype.hasOwnProperty.call(STATEMENTS, id) ? STATEMENTS[id] : undefined;
  if (!r) throw new Error(`unknown statement ${id}`);
  return r;
}

/** The text of a statement with its placeholders filled in. Throws for an unknown id or a missing value. */
export function say(id: string, vars: Vars = {}): string {
  const r = record(id);
  used.add(id);
  return r.text.replace(PLACEHOLDER, (_m, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(vars, name)) throw new Error(`statement ${id}: no value for {${name}}`);
    return String(vars[name]);
  });
}

/** Several statements as one paragraph (single spaces between them). */
export function sayAll(parts: Array<string | false | null | undefined>): string {
  return parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join(' ');
}

/**
 * Cite a document directly (a vendor page that lists the addresses a fix uses): it is listed with
 * the sources at the end of the fix, like the sources of the statements used.
 */
export function citeSource(id: string): void {
  sourceById(id); // throws for an unknown id
  used.add(`${CITE}${id}`);
}

const CITE = '@source:';

/** The statement ids used since the last call, in first-use order (and forgets them). */
export function takeUsed(): string[] {
  const out = [...used];
  used = new Set();
  return out;
}

/** The public sources of these statements, deduplicated, in first-use order ('product' records excluded). */
export function sourcesOf(ids: readonly string[]): Source[] {
  const out: Source[] = [];
  for (const id of ids) {
    if (id.startsWith(CITE)) {
      const src = sourceById(id.slice(CITE.length));
      if (!out.includes(src)) out.push(src);
      continue;
    }
    for (const s of record(id).sources) {
      if (s === 'product') continue;
      const src = sourceById(s);
      if (!out.includes(src)) out.push(src);
    }
  }
  return out;
}

/** The placeholder names of a template, in order. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]);
}
