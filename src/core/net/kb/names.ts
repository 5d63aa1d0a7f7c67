/**
 * Host and header names as the knowledge base compares them: plain ASCII DNS names and RFC 5322
 * field names, lower-cased, or nothing. Input is header text (attacker-controlled); anything that
 * is not such a name matches nothing, and the work is bounded by the length limits.
 */

const MAX_HOST = 253;

function isHostChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || // a-z
    (c >= 65 && c <= 90) || // A-Z
    (c >= 48 && c <= 57) || // 0-9
    c === 45 || // -
    c === 95 // _
  );
}

/**
 * Lower-cased host name without its trailing dot, or undefined when the text is not a plain ASCII
 * DNS name (IP literals in brackets, "unknown", Unicode, empty labels, over-long names).
 */
export function normalizeHost(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > MAX_HOST + 8) return undefined;
  let s = input.trim();
  if (s.endsWith('.')) s = s.slice(0, -1);
  if (!s || s.length > MAX_HOST) return undefined;
  let label = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (label === 0) return undefined;
      label = 0;
      continue;
    }
    if (!isHostChar(c) || ++label > 63) return undefined;
  }
  if (label === 0) return undefined;
  return s.toLowerCase();
}

const MAX_HEADER_NAME = 200;

/** Lower-cased field name, or undefined when it is not printable ASCII without ':' (RFC 5322 ftext). */
export function normalizeHeaderName(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > MAX_HEADER_NAME + 8) return undefined;
  const s = input.trim();
  if (!s || s.length > MAX_HEADER_NAME) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 33 || c > 126 || c === 58) return undefined;
  }
  return s.toLowerCase();
}

/** Text safe to show in a detail string: printable ASCII, bounded. */
export function clip(text: string, max = 120): string {
  let out = '';
  for (let i = 0; i < text.length && out.length < max; i++) {
    const c = text.charCodeAt(i);
    out += c >= 32 && c <= 126 ? text[i] : '?';
  }
  return text.length > max ? `${out}…` : out;
}
