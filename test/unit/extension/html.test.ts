// Escaping, CSP and the explanation panel's rendering and message validation, without VS Code.
// The panel is rendered from a real analysis of a message whose Subject, From, Received and other
// headers carry script, event-handler, javascript: and CSS injection attempts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  buildCsp,
  createNonce,
  escapeHtml,
  escapeMarkdown,
  idAttr,
  intAttr,
  isAllowedLink,
  isSafeCspSource,
  isValidNonce,
  plainLabel,
} from '../../../src/extension/features/html';
import {
  ALLOWED_DOC_URLS,
  findFindingIndex,
  renderPanelHtml,
  validatePanelMessage,
  orderedRemedies,
  verdict,
  type MessageLimits,
  type PanelAssets,
} from '../../../src/extension/features/panelView';
import { hostAt, ipCandidateAt, parseResultSegment, segmentAt, splitPair } from '../../../src/extension/features/tokens';
import { analyze, analyzeHeaders } from '../../../src/core/analyze';
import { proofpointBannerEop } from '../../fixtures/scenarios/s02-proofpoint-banner-eop';
import { zoneResolver } from '../../fixtures/scenarios';
import { verdictLabel } from '../../../src/core/present/route';
import type { Analysis } from '../../../src/core/types';

const ROOT = path.resolve(__dirname, '../../../..');
const HOSTILE = fs.readFileSync(path.join(ROOT, 'test/vscode/workspace/panel-hostile.eml'));
const PLAIN = fs.readFileSync(path.join(ROOT, 'test/vscode/workspace/quarterly-report.eml'));

const NONCE = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
const ASSETS: PanelAssets = {
  cspSource: "'self' https://*.vscode-cdn.net",
  nonce: NONCE,
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/panel.css',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/panel.js',
};

/** Everything an injection would need, checked on a rendered page. */
function assertInert(html: string): void {
  const scripts = html.match(/<script\b[^>]*>/gi) ?? [];
  assert.deepEqual(scripts, [`<script nonce="${NONCE}" src="${ASSETS.scriptUri}">`], 'exactly one script tag, the nonce\'d one');
  assert.doesNotMatch(html, /<img\b/i);
  assert.doesNotMatch(html, /<svg\b/i);
  assert.doesNotMatch(html, /<style\b/i);
  assert.doesNotMatch(html, /<\/style>/i);
  assert.doesNotMatch(html, /<a\b/i);
  assert.ok(!html.includes('onerror='), 'no onerror= anywhere, not even as text');
  // the real tags of the page (text cannot contain '<': it is escaped)
  const tags = html.match(/<[a-zA-Z][^>]*>/g) ?? [];
  for (const t of tags) {
    assert.doesNotMatch(t, /\son[a-z]+\s*=/i, `event handler in ${t}`);
    assert.doesNotMatch(t, /\sstyle\s*=/i, `inline style in ${t}`);
    assert.doesNotMatch(t, /javascript:/i, `javascript: in ${t}`);
  }
  assert.doesNotMatch(html, /\shref\s*=\s*"(?!https:\/\/file\+\.vscode-resource)/i, 'no href except the stylesheet');
  assert.doesNotMatch(html, /href\s*=\s*["']?\s*javascript:/i);
  assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
  // every attribute value is one of the shapes we emit
  for (const m of html.matchAll(/\s(data-[a-z]+)="([^"]*)"/g)) {
    assert.match(m[2], /^(?:[0-9]{1,9}|[a-z0-9]+(?:-[a-z0-9]+)*)$/, `${m[1]}="${m[2]}"`);
  }
}

describe('escapeHtml', () => {
  test('escapes the five HTML specials and the backtick', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&\`</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;');
  });
  test('leaves ordinary text, tabs, line breaks and non-ASCII alone', () => {
    assert.equal(escapeHtml('Grüße\tfrom\r\nZürich ✉'), 'Grüße\tfrom\r\nZürich ✉');
  });
  test('replaces control characters and lone surrogates, keeps valid pairs', () => {
    assert.equal(escapeHtml('a\u0000b\u001bc\u007fd'), 'a\uFFFDb\uFFFDc\uFFFDd');
    assert.equal(escapeHtml('x\ud800y\udc00z'), 'x\uFFFDy\uFFFDz');
    assert.equal(escapeHtml('😀'), '😀');
  });
  test('non-strings render as empty (numbers as digits)', () => {
    assert.equal(escapeHtml(undefined), '');
    assert.equal(escapeHtml({ toString: () => '<b>' }), '');
    assert.equal(escapeHtml(42), '42');
    assert.equal(escapeHtml(Number.NaN), '');
  });
  test('escaped text never contains a tag opener or quote', () => {
    const nasty = '</style><style>body{display:none}</style><script>alert(1)</script>"\'`<img src=x onerror=alert(1)>';
    const out = escapeHtml(nasty);
    assert.doesNotMatch(out, /[<>"'`]/);
  });
});

describe('escapeMarkdown', () => {
  test('backslash-escapes punctuation so no link, emphasis, HTML or code span forms', () => {
    assert.equal(escapeMarkdown('[x](javascript:alert(1)) *b* `c` <i>'), '\\[x\\]\\(javascript\\:alert\\(1\\)\\) \\*b\\* \\`c\\` \\<i\\>');
  });
  test('breaks autolinks (scheme and www.)', () => {
    const out = escapeMarkdown('see https://evil.example/x and www.evil.example');
    assert.ok(!out.includes('https://'));
    assert.ok(!out.includes('www.evil'));
    assert.ok(out.includes('https\\:\\/\\/evil\\.example'));
  });
  test('collapses line breaks and indentation (no headings, lists or code blocks)', () => {
    assert.equal(escapeMarkdown('a\n# h\n\n    code\r\n- item'), 'a \\# h code \\- item');
  });
  test('neutralises theme icons and entities', () => {
    assert.equal(escapeMarkdown('$(alert) &amp;'), '\\$\\(alert\\) \\&amp\\;');
  });
  test('cuts long text with an ellipsis', () => {
    const out = escapeMarkdown('x'.repeat(1000), 10);
    assert.equal(out, `${'x'.repeat(10)}…`);
  });
});

describe('plainLabel', () => {
  test('defuses $( icon syntax, control characters and long text', () => {
    assert.equal(plainLabel('Gateway $(zap) x\u0000y\nz'), 'Gateway $\u200b(zap) x y z');
    assert.equal(plainLabel('a'.repeat(200), 20).length, 20);
  });
});

describe('nonce and CSP', () => {
  test('createNonce gives 32 alphanumeric characters, different each time', () => {
    const a = createNonce();
    const b = createNonce();
    assert.match(a, /^[A-Za-z0-9]{32}$/);
    assert.notEqual(a, b);
    assert.ok(isValidNonce(a));
  });
  test('createNonce maps the given random bytes', () => {
    assert.equal(createNonce((n) => new Uint8Array(n).fill(0)), 'A'.repeat(32));
    assert.equal(createNonce((n) => new Uint8Array(n).fill(61)), '9'.repeat(32));
  });
  test('buildCsp: nothing by default, styles/images from the webview origin, script by nonce only', () => {
    const csp = buildCsp({ cspSource: "'self' https://*.vscode-cdn.net", nonce: NONCE });
    assert.equal(
      csp,
      "default-src 'none'; style-src 'self' https://*.vscode-cdn.net; script-src 'nonce-" +
        NONCE +
        "'; img-src 'self' https://*.vscode-cdn.net; font-src 'self' https://*.vscode-cdn.net; form-action 'none'; base-uri 'none'",
    );
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*(?!\.vscode-cdn)/);
  });
  test('cspSource values of real VS Code releases are accepted', () => {
    for (const s of ["'self' https://*.vscode-cdn.net", 'https://*.vscode-cdn.net', 'vscode-webview://1a2b3c', 'vscode-resource:']) {
      assert.ok(isSafeCspSource(s), s);
    }
  });
  test('a cspSource that would add keywords or directives is refused', () => {
    for (const s of ["'unsafe-inline'", "'self' 'unsafe-eval'", 'https://x; script-src *', 'https://x,https://y', '"https://x"', '', 'https://x\nscript-src *', '*', 'data:; x']) {
      assert.equal(isSafeCspSource(s), false, JSON.stringify(s));
      assert.throws(() => buildCsp({ cspSource: s, nonce: NONCE }));
    }
  });
  test('an invalid nonce is refused', () => {
    for (const n of ["abc'def", 'short', "x'; script-src *; '".padEnd(20, 'a'), '']) {
      assert.throws(() => buildCsp({ cspSource: 'https://*.vscode-cdn.net', nonce: n }));
    }
  });
});

describe('attribute values and links', () => {
  test('intAttr and idAttr accept only their shapes', () => {
    assert.equal(intAttr(12), '12');
    for (const v of [-1, 1.5, Number.NaN, '12', 1e12]) assert.equal(intAttr(v), undefined);
    assert.equal(idAttr('efc-skip-ips'), 'efc-skip-ips');
    for (const v of ['Efc', 'a b', 'x"y', '-a', 'a--b', '', 'a'.repeat(65), 7]) assert.equal(idAttr(v), undefined);
  });
  test('isAllowedLink: only https URLs that are literally in the allow-list', () => {
    const allow = new Set(['https://learn.microsoft.com/x', 'http://plain.example/', 'javascript:alert(1)']);
    assert.equal(isAllowedLink('https://learn.microsoft.com/x', allow), true);
    assert.equal(isAllowedLink('https://learn.microsoft.com/y', allow), false);
    assert.equal(isAllowedLink('http://plain.example/', allow), false, 'http refused even when listed');
    assert.equal(isAllowedLink('javascript:alert(1)', allow), false);
    assert.equal(isAllowedLink(undefined, allow), false);
  });
  test('the documentation allow-list holds only https URLs', () => {
    assert.ok(ALLOWED_DOC_URLS.size >= 5);
    for (const u of ALLOWED_DOC_URLS) assert.ok(isAllowedLink(u, ALLOWED_DOC_URLS), u);
  });
});

describe('explanation panel rendering', () => {
  const hostile: Analysis = analyzeHeaders(new Uint8Array(HOSTILE));
  const plain: Analysis = analyzeHeaders(new Uint8Array(PLAIN));

  test('the hostile fixture really carries the injections into the analysis', () => {
    assert.match(hostile.summary.subject ?? '', /<script>alert\(1\)<\/script>/);
    assert.match(hostile.summary.from ?? '', /onerror=alert/);
    assert.ok(hostile.hops.some((h) => (h.from.helo ?? '').includes('<script>') || h.unparsed.join(' ').includes('<script>') || h.raw.includes('<script>')));
    assert.ok(hostile.findings.some((f) => f.message.includes('<script>')), 'a finding quotes the hostile text');
  });

  test('summary: verdict and top findings, header text escaped, page inert', () => {
    const r = renderPanelHtml({ kind: 'summary', analysis: hostile }, ASSETS);
    assertInert(r.html);
    assert.ok(r.html.includes('&lt;script&gt;alert(1)&lt;/script&gt; Q3 &lt;/style&gt;&lt;style&gt;body{display:none}&lt;/style&gt; &#96;whoami&#96; &lt;img src&#61;x onerror&#61;alert(1)&gt;'));
    assert.ok(r.html.includes(`<strong>${verdictLabel(hostile.facts.verdict)}.</strong> `), 'the verdict class of the facts heads the summary');
    assert.ok(r.html.includes('data-action="finding"'));
    assert.ok(r.html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;self&#39; https://*.vscode-cdn.net; script-src &#39;nonce-${NONCE}&#39;`));
  });

  test('every finding and every hop renders inert', () => {
    for (let i = 0; i < hostile.findings.length; i++) {
      const r = renderPanelHtml({ kind: 'finding', analysis: hostile, finding: hostile.findings[i], findingIndex: i }, ASSETS);
      assertInert(r.html);
    }
    for (const hop of hostile.hops) assertInert(renderPanelHtml({ kind: 'hop', analysis: hostile, hop }, ASSETS).html);
    assertInert(renderPanelHtml({ kind: 'empty' }, ASSETS).html);
  });

  test('the unparsed-header finding shows the quoted script as text', () => {
    const i = hostile.findings.findIndex((f) => f.message.includes('<script>'));
    const r = renderPanelHtml({ kind: 'finding', analysis: hostile, finding: hostile.findings[i], findingIndex: i }, ASSETS);
    assert.ok(r.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  });

  test('a finding page has what happened, evidence, why, fix with buttons, verify and links', () => {
    const i = plain.findings.findIndex((f) => f.id === 'efc-not-enabled');
    assert.ok(i >= 0, 'the Proofpoint → Exchange Online message has efc-not-enabled');
    const f = plain.findings[i];
    const r = renderPanelHtml({ kind: 'finding', analysis: plain, finding: f, findingIndex: i }, ASSETS);
    assertInert(r.html);
    for (const h of ['What happened', 'Evidence', 'Why it matters', 'How to fix', 'How to verify', 'Learn more']) assert.ok(r.html.includes(`>${h}</h3>`), h);
    const ev = f.evidence[0];
    assert.ok(r.html.includes(`data-action="reveal" data-line="${ev.lines.startLine}" data-end="${ev.lines.endLine}"`));
    const offered = plain.remedies.filter((x) => f.remedies.includes(x.id)).map((x) => x.id).sort();
    assert.deepEqual([...r.remedyIds].sort(), offered);
    for (const id of offered) {
      assert.ok(r.html.includes(`data-action="copy" data-remedy="${id}"`));
      assert.ok(r.html.includes(`data-action="generate" data-remedy="${id}"`));
    }
    // the script is shown as escaped text: '<your inbound connector>' placeholder
    assert.ok(r.html.includes('&lt;your inbound connector&gt;'));
    assert.ok(r.links.length > 0);
    for (const u of r.links) assert.ok(ALLOWED_DOC_URLS.has(u));
    assert.ok(!r.html.includes(r.links[0]) || r.html.includes('class="url"'), 'URLs appear only as text, never as href');
    assert.doesNotMatch(r.html, /href="https:\/\/learn/);
  });

  test('the verdict is the class the facts decided, not a count of findings', () => {
    assert.equal(plain.facts.verdict.class, 'broken-in-transit');
    assert.deepEqual(verdict(plain), { severity: 'error', text: plain.facts.verdict.summary });
    // the same message without findings is still broken in transit
    assert.equal(verdict({ ...plain, findings: [] }).severity, 'error');
    // authentic (compauth or DMARC passed) is never shown as an error, whatever the findings say
    const authentic: Analysis = { ...plain, facts: { ...plain.facts, verdict: { ...plain.facts.verdict, class: 'authentic', summary: "Authentic: Exchange Online's DMARC passed." } } };
    assert.ok(authentic.findings.some((f) => f.severity === 'error'));
    assert.deepEqual(verdict(authentic), { severity: 'warning', text: "Authentic: Exchange Online's DMARC passed." });
    assert.equal(verdict({ ...authentic, findings: [] }).severity, 'ok');
    const spoof: Analysis = { ...plain, facts: { ...plain.facts, verdict: { ...plain.facts.verdict, class: 'never-authentic', kind: 'spoof', summary: 'Never authentic: nothing authenticated x.' } } };
    const page = renderPanelHtml({ kind: 'summary', analysis: spoof }, ASSETS).html;
    assert.ok(page.includes('Never authentic (spoof).</strong> '), 'the class is named');
    assert.ok(!page.includes('broke here') && !page.includes('broke on the way'), 'a spoof is not "broken on the way"');
  });

  test('a finding page lists the recommended fix first, each verification step once, and no internal ids', async () => {
    // with the recipient's DNS the Proofpoint relay is confirmed and a fix is recommended
    const built = await proofpointBannerEop.build();
    const plain = await analyze(built.bytes, { resolver: zoneResolver(built.dnsZone), dnsMode: 'recorded' });
    const i = plain.findings.findIndex((f) => f.id === 'efc-not-enabled');
    const f = plain.findings[i];
    const r = renderPanelHtml({ kind: 'finding', analysis: plain, finding: f, findingIndex: i }, ASSETS);
    const order = [...r.html.matchAll(/data-action="generate" data-remedy="([a-z0-9-]+)"/g)].map((m) => m[1]);
    const rec = plain.remedies.find((x) => x.recommended && f.remedies.includes(x.id));
    assert.ok(rec, 'the message has a recommended fix for this finding');
    assert.equal(order[0], rec.id, `the recommended fix comes first: ${order.join(', ')}`);
    assert.deepEqual(orderedRemedies(plain, f).map((x) => x.id), order);
    const verifySection = r.html.slice(r.html.indexOf('id="verify"'), r.html.indexOf('id="docs"'));
    const items = [...verifySection.matchAll(/<li>(.*?)<\/li>/g)].map((m) => m[1]);
    assert.ok(items.length >= 2);
    assert.equal(new Set(items).size, items.length, `no verification step twice: ${items.join(' | ')}`);
    assert.equal((r.html.match(/>How to verify</g) ?? []).length, 1, 'one "How to verify" section');
    assert.doesNotMatch(r.html, /\bseed \d|>Background</, 'no internal source ids');
    assert.ok(r.html.includes(`>Hop ${f.hopIndex! + 1}: ${plain.hops[f.hopIndex!].from.rdns ?? ''}`) || r.html.includes(' → '), 'the hop reads from → by');
  });

  test('the view offers "Open in editor tab"; the editor tab does not; the page wraps', () => {
    const inView = renderPanelHtml({ kind: 'summary', analysis: plain }, ASSETS).html;
    assert.ok(inView.includes('data-action="popout"'));
    const inEditor = renderPanelHtml({ kind: 'summary', analysis: plain }, { ...ASSETS, place: 'editor' }).html;
    assert.ok(!inEditor.includes('data-action="popout"'));
    const limits: MessageLimits = { lineCount: 10, remedyIds: new Set(), linkCount: 0, findingCount: 0, hopCount: 0 };
    assert.deepEqual(validatePanelMessage({ type: 'popout' }, limits), { type: 'popout' });
    assert.equal(validatePanelMessage({ type: 'popout', url: 'x' }, limits), undefined);
    const css = fs.readFileSync(path.join(ROOT, 'media/panel.css'), 'utf8');
    assert.match(css, /pre\.script \{[^}]*white-space: pre-wrap/, 'scripts wrap in the narrow sidebar');
    assert.doesNotMatch(css, /\.status \{[^}]*position: fixed/, 'the status line never floats over the text');
    const js = fs.readFileSync(path.join(ROOT, 'media/panel.js'), 'utf8');
    assert.match(js, /setTimeout\(function \(\) \{\s*status\.textContent = ''/, 'the status line clears itself');
  });

  test('findFindingIndex follows a finding into a re-analysis', () => {
    const again = analyzeHeaders(new Uint8Array(PLAIN));
    const f = plain.findings[1];
    assert.equal(findFindingIndex(again, f), 1);
    assert.equal(findFindingIndex(plain, f), 1);
    assert.equal(findFindingIndex({ ...again, findings: [] }, f), -1);
  });

  test('renderPanelHtml refuses an invalid nonce', () => {
    assert.throws(() => renderPanelHtml({ kind: 'empty' }, { ...ASSETS, nonce: '"><script>' }));
  });
});

describe('messages from the webview', () => {
  const limits: MessageLimits = { lineCount: 40, remedyIds: new Set(['efc-skip-ips']), linkCount: 2, findingCount: 3, hopCount: 4 };
  test('accepts exactly the known shapes', () => {
    assert.deepEqual(validatePanelMessage({ type: 'reveal', line: 3, endLine: 5 }, limits), { type: 'reveal', line: 3, endLine: 5 });
    assert.deepEqual(validatePanelMessage({ type: 'reveal', line: 39 }, limits), { type: 'reveal', line: 39, endLine: 39 });
    assert.deepEqual(validatePanelMessage({ type: 'copy', remedyId: 'efc-skip-ips' }, limits), { type: 'copy', remedyId: 'efc-skip-ips' });
    assert.deepEqual(validatePanelMessage({ type: 'generate', remedyId: 'efc-skip-ips' }, limits), { type: 'generate', remedyId: 'efc-skip-ips' });
    assert.deepEqual(validatePanelMessage({ type: 'open', index: 1 }, limits), { type: 'open', index: 1 });
    assert.deepEqual(validatePanelMessage({ type: 'finding', index: 2 }, limits), { type: 'finding', index: 2 });
    assert.deepEqual(validatePanelMessage({ type: 'hop', index: 0 }, limits), { type: 'hop', index: 0 });
    assert.deepEqual(validatePanelMessage({ type: 'summary' }, limits), { type: 'summary' });
  });
  test('rejects everything else', () => {
    const bad: unknown[] = [
      null,
      'reveal',
      [],
      { type: 'eval', code: 'x' },
      { type: 'reveal', line: 40 },
      { type: 'reveal', line: -1 },
      { type: 'reveal', line: 2.5 },
      { type: 'reveal', line: '3' },
      { type: 'reveal', line: 5, endLine: 4 },
      { type: 'reveal', line: 5, endLine: 400 },
      { type: 'reveal', line: 1, extra: true },
      { type: 'copy', remedyId: 'lockdown-connector' },
      { type: 'copy', remedyId: 'EFC-SKIP-IPS' },
      { type: 'copy', remedyId: { toString: () => 'efc-skip-ips' } },
      { type: 'generate', remedyId: 'efc-skip-ips', text: 'Remove-Mailbox' },
      { type: 'open', index: 2 },
      { type: 'open', url: 'https://learn.microsoft.com/' },
      { type: 'finding', index: 3 },
      { type: 'hop', index: Number.NaN },
      { type: 'summary', uri: 'file:///etc/passwd' },
      { type: '__proto__' },
      { type: 'toString' },
      Object.assign(Object.create({ polluted: true }), { type: 'summary' }),
    ];
    for (const b of bad) assert.equal(validatePanelMessage(b, limits), undefined, JSON.stringify(b));
  });
});

describe('hover token scanning (pure)', () => {
  test('finds IPv4 and IPv6 under the cursor, with prefixes trimmed', () => {
    const line = 'CIP:148.163.138.245;CTRY:US;H:mx0b.pphosted.com';
    assert.deepEqual(ipCandidateAt(line, 8), { start: 4, end: 19, text: '148.163.138.245' });
    const l2 = 'from x (2603:10b6:5:2a4::18) by';
    assert.equal(ipCandidateAt(l2, 12)?.text, '2603:10b6:5:2a4::18');
    const l3 = 'Received: from [IPv6:2001:db8::25] (helo)';
    assert.equal(ipCandidateAt(l3, 25)?.text, '2001:db8::25');
    assert.equal(ipCandidateAt('sender IP is 10.2.3.4.', 16)?.text, '10.2.3.4');
    assert.equal(ipCandidateAt('id 5239E2Ka031337', 8), undefined);
  });
  test('finds host names, not plain words', () => {
    assert.equal(hostAt('from mx0a-00112233.pphosted.com (148.1.2.3)', 10)?.text, 'mx0a-00112233.pphosted.com');
    assert.equal(hostAt('with ESMTPS id', 7), undefined);
    assert.equal(hostAt('alice@fabrikam.com;', 10)?.text, 'fabrikam.com');
  });
  test('segments split on ; outside comments', () => {
    const t = 'spf=pass (sender IP is 1.2.3.4; odd) smtp.mailfrom=a.com; dkim=fail (body hash did not verify) header.d=a.com';
    assert.equal(segmentAt(t, 5, ';', true)?.text, 'spf=pass (sender IP is 1.2.3.4; odd) smtp.mailfrom=a.com');
    assert.equal(segmentAt(t, t.indexOf('body'), ';', true)?.text, 'dkim=fail (body hash did not verify) header.d=a.com');
    assert.equal(segmentAt('CIP:1.2.3.4;SFV:SPM;SCL:5', 14, ';')?.text, 'SFV:SPM');
    assert.deepEqual(splitPair('SFV:SPM', ':'), { key: 'SFV', value: 'SPM' });
    assert.deepEqual(splitPair('CIP:2603:10b6::1', ':'), { key: 'CIP', value: '2603:10b6::1' });
  });
  test('result segments: method, result, comments, reason, props', () => {
    assert.deepEqual(parseResultSegment('dkim=fail (body hash did not verify) header.d=fabrikam.com'), {
      method: 'dkim',
      result: 'fail',
      comments: ['body hash did not verify'],
      props: { 'header.d': 'fabrikam.com' },
    });
    assert.deepEqual(parseResultSegment('compauth=fail reason=000'), { method: 'compauth', result: 'fail', reason: '000', comments: [], props: {} });
    assert.equal(parseResultSegment('ppops.net'), undefined);
    assert.equal(parseResultSegment('dkim = neutral ("body hash did not verify")')?.result, 'neutral');
  });
  test('scans stay bounded on huge lines', () => {
    const big = `${'1.'.repeat(200_000)}1`;
    const s = ipCandidateAt(big, 200_000);
    assert.ok(!s || s.text.length <= 600);
    const seg = segmentAt(`${'a'.repeat(500_000)};b`, 10, ';');
    assert.equal(seg?.text.length, 500_000);
  });
});
