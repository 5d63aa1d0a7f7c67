// The self-contained HTML report: no script and no external resource anywhere, the one <style>
// allowed by its hash in the CSP, every text from the message escaped (a Subject, a From display
// name and a HELO carrying markup), the route, findings and the fix as in the Markdown report.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { analyze } from '../../../src/core/analyze';
import { CONTENT_SECURITY_POLICY, escapeHtml, preText, renderHtmlReport } from '../../../src/core/report/html';
import { redactAnalysis, redactionNotice } from '../../../src/core/report/redact';
import type { Analysis } from '../../../src/core/types';
import { buildCached, type BuildResult } from '../../fixtures/scenarios';

/** The scenario message with hostile text put into fields a report prints (Subject, From, a Received HELO). */
function hostile(bytes: Buffer): Buffer {
  let t = bytes.toString('utf8');
  t = t.replace(/^Subject: [^\r\n]*/m, 'Subject: <script>alert(1)</script> Invoice \u202eflow <img src=x onerror=alert(2)>');
  t = t.replace(/^From: [^\r\n]*/m, 'From: "<b onmouseover=alert(3)>Jordan</b>" <j.alvarez@northwindtraders.com>');
  t = t.replace(/^(Received: from )\S+/m, '$1<iframe/src=javascript:alert(4)>');
  return Buffer.from(t, 'utf8');
}

function tags(html: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    const a = html.indexOf('<', i);
    if (a < 0) return out;
    const b = html.indexOf('>', a);
    if (b < 0) return out;
    out.push(html.slice(a + 1, b));
    i = b + 1;
  }
}

describe('renderHtmlReport', () => {
  let pp: BuildResult;
  let a: Analysis;
  let evil: Analysis;
  before(async () => {
    pp = await buildCached('proofpoint-banner-eop');
    a = await analyze(pp.bytes, { name: 'invoice.eml', connectorName: 'Proofpoint Inbound' });
    evil = await analyze(hostile(pp.bytes), { name: 'evil<script>.eml' });
  });

  test('a complete document: doctype, charset, CSP with the style\'s hash, title, sections', () => {
    const html = renderHtmlReport(a, { generatedAt: '2026-04-01T10:00:00.000Z' });
    assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'));
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
    assert.ok(csp);
    assert.equal(csp[1].replace(/&#39;/g, "'"), CONTENT_SECURITY_POLICY);
    assert.match(CONTENT_SECURITY_POLICY, /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src 'none'; base-uri 'none'; form-action 'none'$/);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');
    assert.ok(CONTENT_SECURITY_POLICY.includes(`'sha256-${hash}'`), 'the browser allows exactly this style element');
    assert.equal((html.match(/<style>/g) ?? []).length, 1);
    assert.ok(html.includes('<title>Mail flow report: Invoice INV-20417 for March deliveries</title>'));
    for (const h2 of ['Route (7 hops, oldest first)', 'Findings', 'Remedies']) assert.ok(html.includes(`<h2>${h2}</h2>`), h2);
    assert.ok(html.includes('on 2026-04-01T10:00:00.000Z. Nothing was changed and no script was run.</footer>'));
    assert.ok(!renderHtmlReport(a).includes('2026-04-01T10:00'), 'no time unless given');
    assert.equal(renderHtmlReport(a), renderHtmlReport(a), 'deterministic');
  });

  test('no script, no event handler, no link or resource of any kind', () => {
    for (const html of [renderHtmlReport(a), renderHtmlReport(evil)]) {
      const all = tags(html);
      assert.ok(all.length > 50);
      for (const t of all) {
        const name = /^\/?([a-zA-Z0-9!]+)/.exec(t)?.[1]?.toLowerCase() ?? '';
        assert.ok(['!doctype', 'html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'h3', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'pre', 'ul', 'li', 'span', 'footer'].includes(name), `unexpected tag <${t.slice(0, 60)}>`);
        assert.ok(!/\s(on[a-z]+|src|href|action|formaction|srcset|xlink:href)\s*=/i.test(t), `no active attribute in <${t.slice(0, 80)}>`);
      }
    }
  });

  test('hostile header text is escaped and stripped of bidi controls', () => {
    const html = renderHtmlReport(evil);
    assert.ok(!html.includes('<script>alert(1)'));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt; Invoice flow &lt;img src=x onerror=alert(2)&gt;'));
    assert.ok(!html.includes('\u202e'));
    assert.ok(html.includes('&lt;b onmouseover=alert(3)&gt;Jordan&lt;/b&gt;'));
    assert.ok(html.includes('evil&lt;script&gt;.eml'));
    assert.ok(!/<iframe/i.test(html));
  });

  test('route rows, the broken hop marked, the fix escaped inside <pre>', () => {
    const html = renderHtmlReport(a);
    const rows = html.slice(html.indexOf('<table class="route">'), html.indexOf('</table>', html.indexOf('<table class="route">')));
    assert.equal((rows.match(/<tr[ >]/g) ?? []).length, 1 + pp.facts.hops.length);
    assert.equal((rows.match(/<tr class="broke">/g) ?? []).length, 1);
    assert.ok(rows.includes(`<td class="num">${pp.facts.breakHopIndex! + 1} ⚠</td>`));
    for (const h of pp.facts.hops) assert.ok(rows.includes(`<code>${h.byHost}</code>`), h.byHost);
    assert.ok(html.includes('<span class="sev sev-error">Error</span> <code>dkim-body-modified</code>'));
    assert.ok(html.includes('Set-InboundConnector -Identity &#39;Proofpoint Inbound&#39; -EFSkipLastIP $true'));
  });

  test('with redaction: the notice on top, no personal data in the file', () => {
    const html = renderHtmlReport(redactAnalysis(a, 'full'), { notice: redactionNotice('full') });
    assert.ok(html.includes('<p class="notice">Personal data masked for sharing: '));
    for (const s of ['northwindtraders', 'contoso.com', 'Jordan', 'Megan', 'INV-20417']) assert.ok(!html.includes(s), s);
    assert.ok(html.includes('pphosted.com'));
  });

  test('escapeHtml and preText', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(preText('line 1\r\nline\u0000 2\u202e\n\n'), 'line 1\nline 2');
  });
});
