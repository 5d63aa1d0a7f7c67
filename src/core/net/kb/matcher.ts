/**
 * Host name patterns (`exact.name`, `*.suffix`, `pre*suf.rest`) compiled into map lookups on whole
 * labels: no regular expression is built from the data or from input.
 */
import { normalizeHost } from './names';

type CompiledPattern =
  | { kind: 'exact'; name: string }
  | { kind: 'wild'; suffix: string }
  | { kind: 'glob'; prefix: string; suffix: string; rest: string };

function compilePattern(pattern: string): CompiledPattern | null {
  const p = pattern.toLowerCase();
  if (p.startsWith('*.')) {
    const suffix = normalizeHost(p.slice(2));
    return suffix && suffix === p.slice(2) ? { kind: 'wild', suffix } : null;
  }
  const dot = p.indexOf('.');
  const first = dot > 0 ? p.slice(0, dot) : '';
  const star = first.indexOf('*');
  if (star >= 0) {
    if (first.indexOf('*', star + 1) >= 0) return null;
    const rest = normalizeHost(p.slice(dot + 1));
    const prefix = first.slice(0, star);
    const suffix = first.slice(star + 1);
    const ok = (t: string) => t === '' || normalizeHost(t) === t;
    if (!rest || rest !== p.slice(dot + 1) || !ok(prefix) || !ok(suffix)) return null;
    return { kind: 'glob', prefix, suffix, rest };
  }
  const name = normalizeHost(p);
  return name && name === p ? { kind: 'exact', name } : null;
}

export interface PatternHit<T> {
  item: T;
  pattern: string;
}

export class HostMatcher<T> {
  private readonly exact = new Map<string, Array<PatternHit<T>>>();
  private readonly wild = new Map<string, Array<PatternHit<T>>>();
  private readonly glob = new Map<string, Array<PatternHit<T> & { prefix: string; suffix: string }>>();

  /** False when the pattern is not valid (the entry is then reported in KB_PROBLEMS). */
  add(pattern: string, item: T): boolean {
    const c = compilePattern(pattern);
    if (!c) return false;
    const push = <H>(map: Map<string, H[]>, key: string, hit: H) => {
      const list = map.get(key);
      if (list) list.push(hit);
      else map.set(key, [hit]);
    };
    if (c.kind === 'exact') push(this.exact, c.name, { item, pattern });
    else if (c.kind === 'wild') push(this.wild, c.suffix, { item, pattern });
    else push(this.glob, c.rest, { item, pattern, prefix: c.prefix, suffix: c.suffix });
    return true;
  }

  /** Every entry matching the (normalised) host, most specific first. */
  match(host: string): Array<PatternHit<T>> {
    const out: Array<PatternHit<T>> = [];
    const exact = this.exact.get(host);
    if (exact) out.push(...exact);
    const dot = host.indexOf('.');
    if (dot > 0) {
      const globs = this.glob.get(host.slice(dot + 1));
      if (globs) {
        const first = host.slice(0, dot);
        for (const g of globs) {
          if (first.length > g.prefix.length + g.suffix.length && first.startsWith(g.prefix) && first.endsWith(g.suffix)) {
            out.push({ item: g.item, pattern: g.pattern });
          }
        }
      }
    }
    for (let i = dot; i >= 0; i = host.indexOf('.', i + 1)) {
      const wild = this.wild.get(host.slice(i + 1));
      if (wild) out.push(...wild);
    }
    return out;
  }
}
