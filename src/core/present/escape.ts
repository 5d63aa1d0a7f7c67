/**
 * The one escaping of text for HTML and SVG/XML: the HTML report, the explanation panel, the route
 * diagram and the extension's read-only views all use it.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Escapes text for an HTML text position or a quoted attribute value: & < > " ' and the backtick
 * (old IE treated it as an attribute quote). Anything that is not a string is rendered as ''.
 * Control characters other than tab and line breaks are replaced by U+FFFD so that they cannot
 * confuse the parser or hide text; lone surrogates and U+FFFE/U+FFFF (not allowed in XML) are
 * replaced the same way. `equals: true` also writes "=" as &#61;, so handler-like text from a header
 * (`onerror=`) never shows up even in the page source.
 */
export function escapeHtml(text: unknown, options: { equals?: boolean } = {}): string {
  if (typeof text !== 'string') return typeof text === 'number' && Number.isFinite(text) ? String(text) : '';
  const equals = options.equals === true;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const code = text.charCodeAt(i);
    const esc = HTML_ESCAPES[ch];
    if (esc) out += esc;
    else if (equals && ch === '=') out += '&#61;';
    else if (code === 0xfffe || code === 0xffff) out += '\uFFFD';
    else if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) out += '\uFFFD';
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + text[i + 1];
        i++;
      } else out += '\uFFFD';
    } else if (code >= 0xdc00 && code <= 0xdfff) out += '\uFFFD';
    else out += ch;
  }
  return out;
}
