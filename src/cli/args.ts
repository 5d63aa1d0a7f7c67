/**
 * A small, strict argument parser: known flags only, repeatable flags collected, `--flag=value`
 * and `--flag value` both accepted. Unknown flags are usage errors (exit code 2).
 */
import { displayText } from '../core/present/text';

export class UsageError extends Error {}

/** An option as typed, for an error message: one line, escape sequences and bidi characters marked, bounded. */
function shown(arg: string): string {
  return displayText(arg, 80);
}

export interface FlagSpec {
  /** Takes a value. */
  value?: boolean;
  /** May be given several times (values collected). */
  repeat?: boolean;
  short?: string;
}

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | boolean | string[]>;
}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const positional: string[] = [];
  const flags: ParsedArgs['flags'] = {};
  const byShort = new Map(Object.entries(spec).filter(([, s]) => s.short).map(([k, s]) => [s.short!, k]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    let name: string;
    let value: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      value = eq >= 0 ? arg.slice(eq + 1) : undefined;
    } else {
      const k = byShort.get(arg.slice(1));
      if (!k) throw new UsageError(`unknown option ${shown(arg)}`);
      name = k;
    }
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option --${shown(name)}`);
    if (s.value) {
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
        value = argv[++i];
      }
      if (s.repeat) ((flags[name] as string[] | undefined) ?? (flags[name] = [] as string[]) as string[]).push(value);
      else flags[name] = value;
    } else {
      if (value !== undefined) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
    }
  }
  return { positional, flags };
}

export function str(a: ParsedArgs, name: string): string | undefined {
  const v = a.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function list(a: ParsedArgs, name: string): string[] {
  const v = a.flags[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

export function bool(a: ParsedArgs, name: string): boolean {
  return a.flags[name] === true;
}
