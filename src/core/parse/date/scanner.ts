/**
 * Mail date parsing: the scanner every reader shares (a position over the text with bounded skips
 * of white space and comments, so no step looks at a character more than a bounded number of times)
 * and the parts a date is read into.
 */

/** Longest run of whitespace or comment text a date may contain between its parts. */
export const MAX_GAP = 256;

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

export class Scanner {
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

export interface Parts {
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

export function emptyParts(): Parts {
  return { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, ms: 0, offset: null, zoneSeen: false, zoneInvalid: false, badMeridiem: false };
}
