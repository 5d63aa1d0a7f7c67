// The explanation panel with header text that carries bidi and control characters (the workspace
// fixture hostile-headers.eml: a Subject with U+202E, a Received line with U+202E, U+200F and an
// isolate, an Authentication-Results comment with "invoice‮gnp.exe", LRM/RLM and the C1 CSI): no
// page keeps one of them, and the text reads in logical order.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../../src/core/analyze';
import { renderPanelHtml, type PanelAssets } from '../../../src/extension/features/panelView';
import { escapeMarkdown } from '../../../src/extension/features/html';

const FIXTURE = path.resolve(__dirname, '../../../../test/vscode/workspace/hostile-headers.eml');
const ASSETS: PanelAssets = { cspSource: "'self' https://*.vscode-cdn.net", nonce: 'abcdefghijklmnopqrstuvwxyz012345', styleUri: 'https://file%2B.vscode-resource.vscode-cdn.net/media/panel.css', scriptUri: 'https://file%2B.vscode-resource.vscode-cdn.net/media/panel.js' };
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

describe('explanation panel: bidi and control characters from headers', () => {
  test('every page of the hostile fixture is free of them; the Subject reads in logical order', async () => {
    const a = await analyze(fs.readFileSync(FIXTURE), { dnsMode: 'off' });
    assert.ok(UNSAFE.test(a.summary.subject ?? ''), 'the fixture carries them');
    const pages = [
      renderPanelHtml({ kind: 'summary', analysis: a }, ASSETS).html,
      ...a.findings.map((finding, findingIndex) => renderPanelHtml({ kind: 'finding', analysis: a, finding, findingIndex }, ASSETS).html),
      ...a.hops.map((hop) => renderPanelHtml({ kind: 'hop', analysis: a, hop }, ASSETS).html),
    ];
    for (const html of pages) {
      const m = UNSAFE.exec(html);
      assert.equal(m, null, m ? `U+${m[0].charCodeAt(0).toString(16)}: ${JSON.stringify(html.slice(Math.max(0, m.index - 60), m.index + 20))}` : '');
    }
    assert.ok(pages[0].includes('&lt;script&gt;alert(&#39;subject&#39;)&lt;/script&gt; moc.elgoog'));
  });

  test('hover text drops them too (the Authentication-Results comment)', () => {
    const comment = 'body hash did not verify <img src=x onerror=alert(1)> invoice\u202egnp.exe\u202c \u200eltr\u200f \u2067x\u2069 \u009b31m';
    const md = escapeMarkdown(comment);
    assert.ok(!UNSAFE.test(md));
    assert.ok(md.endsWith('invoicegnp\\.exe ltr x 31m'), md);
  });
});
