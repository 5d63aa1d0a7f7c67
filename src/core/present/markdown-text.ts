/**
 * Markdown escaping for text from a message, in every Markdown we write: the report, the CLI's
 * folder summary, the extension's hovers and tooltips.
 *
 * Header text is attacker-controlled. It is written either as a code span (hosts, IPs,
 * identifiers: no HTML, no links, no emphasis) or as escaped text, with control characters
 * removed, line breaks flattened and lengths bounded (flatten), so a header can neither inject HTML
 * or links into rendered Markdown nor break a table layout. Scripts go into fenced blocks whose
 * fence is longer than any backtick run inside.
 *
 * Bare links in escaped text (a Subject like "Pay at https://evil.example/login" in the title, a
 * finding quoting a header, a cell of the folder summary) would still become clickable: GitHub,
 * GitLab and most ticket systems turn `https://…`, `www.…` and `javascript:`-like text into links
 * by themselves (autolinks), escaping or not. Such text is defanged the way security advisories
 * write indicators, readable and never linked: the scheme's colon becomes `[:]` and the dots of the
 * host `[.]` (`https[:]//evil[.]example/login`, `www[.]evil[.]example`, `javascript[:]alert(1)`);
 * see defangLinks. Bare domain names without a scheme or "www." and e-mail addresses are left as
 * they are (the renderers named above do not link the former; the latter become mailto: links at
 * most).
 */
import { flatten } from './text';

const MAX_CELL = 200;
const MAX_PARAGRAPH = 4000;

// Parentheses need no escape: a link needs "](", and "[" / "]" are always escaped.
const MD_SPECIAL = new Set(['\\', '`', '*', '_', '{', '}', '[', ']', '<', '>', '#', '+', '!', '|', '~', '&', '$']);

/**
 * Inline Markdown text: links defanged (defangLinks), then every character with a Markdown or HTML
 * meaning backslash-escaped.
 */
export function mdText(text: string, max = MAX_PARAGRAPH): string {
  let out = '';
  for (const ch of defangLinks(flatten(text, max))) out += MD_SPECIAL.has(ch) ? `\\${ch}` : ch;
  return out;
}

/** "scheme://host" (any scheme), the host up to the first "/", "?", "#", whitespace or quote. */
const URL_WITH_SCHEME = /([A-Za-z][A-Za-z0-9+.-]{0,31}):\/\/([^\s/?#"'<>]*)/g;
/** "www." at the start of a word, and the host after it. */
const WWW_HOST = /(^|[^A-Za-z0-9.-])([Ww][Ww][Ww])\.([^\s/?#"'<>]*)/g;
/** Schemes a renderer may link (or run) without "//". */
const BARE_SCHEME = /(^|[^A-Za-z0-9+.-])(javascript|vbscript|data|file|mailto|tel|sms|ms-[a-z-]{1,30}):/gi;

/**
 * Bare links made unclickable and still readable, as security advisories write indicators:
 * `https://evil.example/login` → `https[:]//evil[.]example/login`, `www.evil.example` →
 * `www[.]evil[.]example`, `javascript:alert(1)` → `javascript[:]alert(1)`. Only the scheme's
 * colon and the dots of the host change; the path stays as it was.
 */
export function defangLinks(text: string): string {
  if (text.indexOf(':') === -1 && !/www\./i.test(text)) return text;
  return text
    .replace(URL_WITH_SCHEME, (_m, scheme: string, host: string) => `${scheme}[:]//${host.split('.').join('[.]')}`)
    .replace(WWW_HOST, (_m, before: string, www: string, host: string) => `${before}${www}[.]${host.split('.').join('[.]')}`)
    .replace(BARE_SCHEME, (_m, before: string, scheme: string) => `${before}${scheme}[:]`);
}

/** A code span for a value from the message (safe inside a table cell too). Empty text gives "–". */
export function mdCode(text: string | undefined | null, max = MAX_CELL): string {
  const t = flatten(text ?? '', max).replace(/\|/g, '\\|');
  if (!t) return '–';
  let longest = 0;
  let run = 0;
  for (const ch of t) {
    run = ch === '`' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || (t.startsWith(' ') && t.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** A fenced block for a script: the fence is longer than any backtick run in the text. */
export function mdFence(text: string, language = ''): string {
  let longest = 0;
  let run = 0;
  for (const ch of text) {
    run = ch === '`' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const lang = /^[A-Za-z0-9_+-]{1,20}$/.test(language) ? language : '';
  const body = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  return `${fence}${lang}\n${body}\n${fence}`;
}
