// The route diagram's page without VS Code: strict CSP, one nonce'd script, the SVG inline with
// focusable hop nodes, hostile header text inert, and validation of what the page posts back.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeHeaders } from '../../../src/core/analyze';
import { renderDiagramHtml, validateDiagramMessage, type DiagramAssets } from '../../../src/extension/features/diagramView';

const ROOT = path.resolve(__dirname, '../../../..');
const HOSTILE = analyzeHeaders(new Uint8Array(fs.readFileSync(path.join(ROOT, 'test/vscode/workspace/panel-hostile.eml'))));
const PLAIN = analyzeHeaders(new Uint8Array(fs.readFileSync(path.join(ROOT, 'test/vscode/workspace/quarterly-report.eml'))));
const NONCE = 'ZyXwVuTsRqPoNmLkJiHgFeDcBa987654';
const ASSETS: DiagramAssets = {
  cspSource: "'self' https://*.vscode-cdn.net",
  nonce: NONCE,
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/diagram.css',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/diagram.js',
};

function assertStrict(html: string): void {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1].replace(/&#39;/g, "'");
  assert.ok(csp);
  assert.match(csp, /^default-src 'none'; style-src 'self' https:\/\/\*\.vscode-cdn\.net; script-src 'nonce-/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.deepEqual(html.match(/<script\b[^>]*>/gi), [`<script nonce="${NONCE}" src="${ASSETS.scriptUri}">`]);
  assert.doesNotMatch(html, /<(img|iframe|object|embed|style|a|foreignObject|image|use)\b/i);
  assert.ok(!html.includes('onerror='));
  assert.deepEqual(html.match(/<link\b[^>]*>/gi), [`<link rel="stylesheet" href="${ASSETS.styleUri}">`], 'the one stylesheet, from the media folder');
  for (const tag of html.match(/<[a-zA-Z][^>]*>/g) ?? []) {
    if (tag.startsWith('<link rel="stylesheet"')) continue;
    assert.doesNotMatch(tag, /\son[a-z]+\s*=|\sstyle\s*=|\shref\s*=|javascript:/i, tag);
  }
}

describe('route diagram page', () => {
  test('the Proofpoint route: the SVG inline with one focusable node per hop, the break marked', () => {
    const r = renderDiagramHtml(PLAIN, ASSETS);
    assertStrict(r.html);
    assert.equal(r.nodes.length, PLAIN.hops.length);
    const nodes = [...r.html.matchAll(/<g class="node([^"]*)" id="route-hop-(\d+)" tabindex="0" role="button" data-hop="(\d+)"/g)];
    assert.equal(nodes.length, PLAIN.hops.length);
    const broken = nodes.filter((m) => m[1].includes('broke')).map((m) => Number(m[3]));
    assert.deepEqual(broken, [PLAIN.facts.verdict.breakHopIndex]);
    assert.ok(r.html.includes('data-action="export"'));
    assert.ok(r.html.includes('Relays of the recipient'));
  });

  test('hostile Subject, From and Received text stays text', () => {
    const r = renderDiagramHtml(HOSTILE, ASSETS);
    assertStrict(r.html);
    assert.ok(r.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the subject is shown escaped');
    assert.doesNotMatch(r.html, /<script>alert/);
  });

  test('without a message the page says what to do', () => {
    const r = renderDiagramHtml(undefined, ASSETS);
    assertStrict(r.html);
    assert.match(r.html, /Open a saved message/);
  });

  test('messages from the page are validated', () => {
    assert.deepEqual(validateDiagramMessage({ type: 'hop', index: 2 }, 7), { type: 'hop', index: 2 });
    assert.deepEqual(validateDiagramMessage({ type: 'export' }, 7), { type: 'export' });
    for (const bad of [
      { type: 'hop', index: 7 },
      { type: 'hop', index: -1 },
      { type: 'hop', index: '1' },
      { type: 'hop', index: 1.5 },
      { type: 'hop', index: 1, line: 3 },
      { type: 'export', path: '/etc/passwd' },
      { type: 'run', command: 'x' },
      [],
      null,
      'hop',
    ]) {
      assert.equal(validateDiagramMessage(bad, 7), undefined, JSON.stringify(bad));
    }
  });
});
