/**
 * Escaping and Content-Security-Policy helpers for the explanation panel and the hovers.
 *
 * Header text is written by whoever sent (or relayed) the message, so every string that did not
 * come from our own code passes through one of these before it reaches HTML or Markdown. This
 * module never imports 'vscode': it is unit-tested on its own (test/unit/extension/html.test.ts).
 */
import { randomBytes } from 'crypto';
import { displayText } from '../../core/present/text';

export { escapeHtml } from '../../core/present/escape';

/** ASCII punctuation that CommonMark allows to be backslash-escaped. */
const MD_PUNCTUATION = new Set('\\`*_{}[]()<>#+-.!|~:&"\'=$%,;/?@^'.split(''));

/**
 * Makes text inert inside a Markdown string (hovers): displayText first (whitespace and line
 * breaks collapse to one space, so no code blocks, headings or lists from indentation or new
 * lines; control and bidi characters dropped; at most `max` characters shown, an ellipsis marks
 * the cut), then every ASCII punctuation character is backslash-escaped (no emphasis, links,
 * autolinks such as `www.` or `https://`, HTML, entities, code spans or theme icons).
 */
export function escapeMarkdown(text: unknown, max = 500): string {
  let out = '';
  for (const ch of displayText(text, { max: max + 1, unsafe: 'drop' })) out += MD_PUNCTUATION.has(ch) ? `\\${ch}` : ch;
  return out;
}

/**
 * Text for a plain-text UI position that still interprets a few sequences (CodeLens titles and
 * quick-pick labels render `$(icon)`): displayText with control and bidi characters as spaces,
 * and `$(` loses its meaning.
 */
export function plainLabel(text: unknown, max = 120): string {
  return displayText(text, { max, unsafe: 'space' }).split('$(').join('$\u200b(');
}

// ---------------------------------------------------------------------------------------------
// Nonce and CSP

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh nonce: 32 characters from [A-Za-z0-9] (about 190 bits), from the given random bytes or the system CSPRNG. */
export function createNonce(random: (n: number) => Uint8Array = randomBytes): string {
  const bytes = random(32);
  let out = '';
  for (let i = 0; i < 32; i++) out += NONCE_ALPHABET[(bytes[i] ?? 0) % NONCE_ALPHABET.length];
  return out;
}

export function isValidNonce(nonce: unknown): nonce is string {
  return typeof nonce === 'string' && /^[A-Za-z0-9]{16,128}$/.test(nonce);
}

/**
 * A webview's `cspSource` as VS Code gives it (`'self' https://*.vscode-cdn.net` in current
 * releases, `vscode-webview://<id>` or `vscode-resource:` in older ones): parts separated by single
 * spaces. Accepted only when every part is `'self'` or a scheme-/host-source without quotes,
 * semicolons or commas, so that it cannot add directives or `'unsafe-inline'` to the policy.
 */
export function isSafeCspSource(source: unknown): source is string {
  if (typeof source !== 'string' || !source || source.length > 500) return false;
  const parts = source.split(' ');
  return parts.every((p) => p === "'self'" || /^[a-z][a-z0-9+.-]*:(\/\/(\*\.)?[A-Za-z0-9._~%@:[\]*-]+(\/[A-Za-z0-9._~%/-]*)?)?$/.test(p));
}

export interface CspOptions {
  /** The webview's cspSource. */
  cspSource: string;
  nonce: string;
}

/**
 * The panel's policy: nothing by default; styles and images only from the webview's own resource
 * origin (media/), scripts only with the nonce. No 'unsafe-inline', no 'unsafe-eval', no remote
 * origins, no form submissions, no <base>. (frame-ancestors is ignored in a meta tag, so not set.) Throws on an unsafe source or nonce (programming error).
 */
export function buildCsp(options: CspOptions): string {
  if (!isSafeCspSource(options.cspSource)) throw new Error('unsafe webview cspSource');
  if (!isValidNonce(options.nonce)) throw new Error('invalid nonce');
  return [
    "default-src 'none'",
    `style-src ${options.cspSource}`,
    `script-src 'nonce-${options.nonce}'`,
    `img-src ${options.cspSource}`,
    `font-src ${options.cspSource}`,
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

// ---------------------------------------------------------------------------------------------
// Values that may appear in attributes

/** A non-negative integer attribute value, or undefined. */
export function intAttr(value: unknown, max = 10_000_000): string | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max ? String(value) : undefined;
}

/** An identifier attribute value (remedy ids, finding ids): lower-case words joined by '-'. */
export function idAttr(value: unknown): string | undefined {
  return typeof value === 'string' && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(value) && value.length <= 64 ? value : undefined;
}

/**
 * Whether a documentation link may be opened: an absolute https URL without credentials that is
 * literally one of the allowed URLs (our explanations data), never a URL from header text.
 */
export function isAllowedLink(url: unknown, allowed: ReadonlySet<string> | readonly string[]): boolean {
  if (typeof url !== 'string' || url.length > 2000) return false;
  const has = Array.isArray(allowed) ? (allowed as readonly string[]).includes(url) : (allowed as ReadonlySet<string>).has(url);
  if (!has) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && !u.username && !u.password && u.href.length > 8;
}
