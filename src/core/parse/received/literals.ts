/**
 * Received parser: the small readers every clause uses: IP literals in their many spellings
 * ("[1.2.3.4]", "[IPv6:…]", "1.2.3.4:port", "[1.2.3.4.port]"), host names, addresses, quotes.
 */
import { parseIp } from '../../net/ip';

export function stripTrailing(s: string, chars: string): string {
  let e = s.length;
  while (e > 0 && chars.includes(s[e - 1])) e--;
  return s.slice(0, e);
}

/** A host name; letters beyond ASCII are allowed (internationalised names under SMTPUTF8, RFC 6531). */
const HOST_RE = /^[\p{L}\p{N}_][\p{L}\p{N}\p{M}_.-]*$/u;

export function isHostnameLike(s: string): boolean {
  return s.length > 0 && s.length <= 255 && HOST_RE.test(s);
}

export const NO_RDNS = new Set(['unknown', 'softdnserr', 'harddnserr', 'unverified', 'localhost.localdomain.invalid']);
/** Angle-bracketed stand-ins for a missing name: "<unknown>", "<unavailable>". */
export const NO_NAME = new Set(['unknown', 'unavailable']);

export interface Literal {
  /** The IP as written (brackets, port and `?` hints removed; `IPv6:` prefix kept). */
  raw: string;
  /** Normalised IP, or undefined when the text is not a strict IP. */
  ip?: string;
  /** A port was written with the address. */
  port?: boolean;
}

/** Five dot-separated numbers (the last a port); linear: each group is bounded and dot-delimited. */
const IPV4_DOT_PORT = /^\d{1,5}\.\d{1,5}\.\d{1,5}\.\d{1,5}\.\d{1,5}$/;

/**
 * Read an IP literal: `[1.2.3.4]`, `[IPv6:2001:db8::1]`, `[?IPv6:…?]`, `[1.2.3.4:50024]`,
 * `[1.2.3.4.50024]`, bare `1.2.3.4`, `1.2.3.4:23198`, `2603:10a6::12`, `fe80::1%12`.
 * Returns null when the text does not even look like an address.
 */
export function readLiteral(text: string): Literal | null {
  let s = text.trim();
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return null;
    s = s.slice(1, close).trim();
  }
  if (s.length > 2 && s.startsWith('?') && s.endsWith('?')) s = s.slice(1, -1);
  // Cellopoint (MediaTek's gateways): "[(172.21.101.30)]"
  if (s.length > 2 && s.startsWith('(') && s.endsWith(')')) s = s.slice(1, -1).trim();
  if (!s || s.length > 80) return null;
  let body = s;
  let port = false;
  const v6prefix = body.toLowerCase().startsWith('ipv6:');
  if (!v6prefix) {
    const firstColon = body.indexOf(':');
    if (body.includes('.') && firstColon > 0 && firstColon === body.lastIndexOf(':')) {
      // IPv4 with a port
      const p = body.slice(firstColon + 1);
      if (/^\d{1,5}$/.test(p)) {
        body = body.slice(0, firstColon);
        port = true;
      }
    } else if (firstColon < 0 && IPV4_DOT_PORT.test(body)) {
      // Sendmail/Courier "[192.0.2.1.50024]": the fifth number is the port
      body = body.slice(0, body.lastIndexOf('.'));
      port = true;
    }
  }
  // IPv4-looking (digits and dots) or IPv6-looking (hex, colons, optional zone); hostnames such
  // as "dead.beef.cafe" are not addresses
  const looks = body.includes(':')
    ? /^(?:ipv6:)?[0-9a-f:.]+(?:%[0-9a-z_.-]+)?$/i.test(body)
    : /^[0-9.]+$/.test(body) && body.includes('.');
  if (!looks) return null;
  const p = parseIp(body);
  const lit: Literal = { raw: body, ip: p?.ip };
  if (port) lit.port = true;
  return lit;
}

/** A stand-alone IP word, possibly with an ident prefix (`user@1.2.3.4`). */
export function readIdentIp(word: string): { ident?: string; lit: Literal } | null {
  const at = word.lastIndexOf('@');
  if (at > 0) {
    const lit = readLiteral(word.slice(at + 1));
    if (lit) return { ident: word.slice(0, at), lit };
    return null;
  }
  const lit = readLiteral(word);
  return lit ? { lit } : null;
}

export function stripQuotes(text: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && text[a] === '"') a++;
  while (b > a && text[b - 1] === '"') b--;
  return text.slice(a, b);
}

/** A name that can be a reverse-DNS result: a dotted name, or "localhost". */
export function isFqdnLike(name: string): boolean {
  return isHostnameLike(name) && (name.includes('.') || name.toLowerCase() === 'localhost');
}

export function cleanAddress(text: string): string {
  let s = text.trim();
  while (s.startsWith('<')) s = s.slice(1);
  while (s.endsWith('>')) s = s.slice(0, -1);
  s = stripTrailing(s, ',;');
  return s.trim();
}
