// The Explanation webview view inside a real VS Code: it resolves in the Mail Flow container,
// follows the shared selection, renders a finding with its evidence, fix buttons and links under a
// strict CSP, renders hostile header text inert, and validates every message the webview posts
// (reveal lines, copy, open link, select) before acting on it.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import type { FeaturesApi } from '../../../src/extension/features';
import { fixDocumentText } from '../../../src/extension/commands';
import { closeAll, lensApi, openMessage, scenario, setSetting, waitFor, workspaceFile } from './mfl-helpers';

async function features(): Promise<FeaturesApi> {
  const f = await vscode.commands.executeCommand<FeaturesApi>('_mailflowLens.features');
  assert.ok(f && f.panel, 'the features API is reachable');
  return f;
}

function cspOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'the page has a CSP meta tag');
  return m[1].replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

function nonceOf(html: string): string {
  const m = /script-src 'nonce-([A-Za-z0-9]+)'/.exec(cspOf(html));
  assert.ok(m, 'script-src carries a nonce');
  return m[1];
}

/** The checks every rendered page must pass. */
function assertStrictPage(html: string): void {
  const csp = cspOf(html);
  assert.match(csp, /^default-src 'none'; /);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.doesNotMatch(csp, /https?:\/\/(?!\*\.vscode-cdn\.net)/, 'no remote origin besides the webview resource host');
  const nonce = nonceOf(html);
  const scripts = html.match(/<script\b[^>]*>/gi) ?? [];
  assert.equal(scripts.length, 1, `one script tag: ${scripts.join(' ')}`);
  const script = scripts[0] ?? '';
  assert.ok(script.startsWith(`<script nonce="${nonce}" src="`), script);
  assert.match(script, /media\/panel\.js"/);
  assert.match(html, /<link rel="stylesheet" href="[^"]*media\/panel\.css">/);
  assert.ok(!html.includes('onerror='), 'no onerror=');
  assert.doesNotMatch(html, /<(img|svg|iframe|object|embed|style|a)\b/i);
  for (const tag of html.match(/<[a-zA-Z][^>]*>/g) ?? []) {
    assert.doesNotMatch(tag, /\son[a-z]+\s*=|\sstyle\s*=|javascript:/i, tag);
  }
}

describe('Explanation panel (webview view)', () => {
  let api: MailFlowLensApi;
  let feat: FeaturesApi;

  before(async () => {
    api = await lensApi();
    feat = await features();
  });
  after(closeAll);

  it('is a webview view in the Mail Flow container and resolves when focused', async () => {
    const ext = vscode.extensions.getExtension('mailflow-lens.mailflow-lens');
    const views = ext?.packageJSON.contributes.views.mailflowLens as Array<{ id: string; type?: string }>;
    assert.ok(views.some((v) => v.id === 'mailflowLens.explanation' && v.type === 'webview'));
    const s = await scenario('proofpoint');
    await openMessage(api, s.uri);
    await vscode.commands.executeCommand('mailflowLens.explanation.focus');
    await waitFor(() => feat.panel.isResolved && feat.panel.lastHtml, 'the webview view to resolve and render');
    assertStrictPage(feat.panel.lastHtml!);
    // the real webview's CSP source, not a placeholder
    assert.match(cspOf(feat.panel.lastHtml!), /style-src \S+/);
  });

  it('shows the summary when nothing is selected: verdict and top findings', async () => {
    const s = await scenario('proofpoint');
    const { analysis, doc } = await openMessage(api, s.uri);
    api.store.select({ kind: 'summary', uri: doc.uri.toString() });
    const html = await waitFor(() => (feat.panel.lastHtml?.includes('<h2>Summary</h2>') ? feat.panel.lastHtml : undefined), 'the summary page');
    assertStrictPage(html);
    assert.ok(html.includes('<strong>Broken in transit.</strong> '), 'the verdict class of the facts');
    assert.ok(html.includes('Route by organisation'));
    for (const [i, f] of analysis.findings.entries()) {
      if (f.severity === 'error') assert.ok(html.includes(`data-action="finding" data-index="${i}"`), `finding ${f.id} listed`);
    }
  });

  it('follows the selection: a finding with evidence, fix buttons, verification and links', async () => {
    const s = await scenario('proofpoint');
    const { analysis, doc } = await openMessage(api, s.uri);
    const f = analysis.findings.find((x) => x.id === 'efc-not-enabled');
    assert.ok(f);
    api.store.select({ kind: 'finding', uri: doc.uri.toString(), finding: f });
    const html = await waitFor(() => (feat.panel.lastHtml?.includes('Enhanced Filtering for Connectors is not on') ? feat.panel.lastHtml : undefined), 'the finding page');
    assertStrictPage(html);
    for (const h of ['What happened', 'Evidence', 'Why it matters', 'How to fix', 'How to verify', 'Learn more']) assert.ok(html.includes(`>${h}</h3>`), h);
    const ev = f.evidence[0];
    assert.ok(html.includes(`data-action="reveal" data-line="${ev.lines.startLine}" data-end="${ev.lines.endLine}"`));
    for (const id of f.remedies.filter((id) => analysis.remedies.some((r) => r.id === id))) {
      assert.ok(html.includes(`data-action="copy" data-remedy="${id}"`), `copy ${id}`);
      assert.ok(html.includes(`data-action="generate" data-remedy="${id}"`), `generate ${id}`);
    }
    // the message text is escaped: the script's placeholder shows as text
    assert.ok(html.includes('&lt;your inbound connector&gt;'));
    assert.equal(feat.panel.renderHtmlFor({ kind: 'finding', uri: doc.uri.toString(), finding: f }).includes('How to verify'), true);
  });

  it('validates webview messages: reveal selects the lines, bad lines and unknown types are refused', async () => {
    const s = await scenario('proofpoint');
    const { analysis, doc } = await openMessage(api, s.uri);
    const f = analysis.findings.find((x) => x.id === 'efc-not-enabled')!;
    api.store.select({ kind: 'finding', uri: doc.uri.toString(), finding: f });
    await waitFor(() => feat.panel.lastHtml?.includes('data-action="reveal"'), 'the finding page');
    const ev = f.evidence[0].lines;
    const ok = await feat.panel.handleMessage({ type: 'reveal', line: ev.startLine, endLine: ev.endLine });
    assert.deepEqual(ok, { type: 'reveal', line: ev.startLine, endLine: ev.endLine });
    const editor = await waitFor(() => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.toString() === doc.uri.toString() && e.selection.start.line === ev.startLine ? e : undefined;
    }, 'the evidence lines to be selected');
    assert.equal(editor.selection.end.line, ev.endLine);
    for (const bad of [
      { type: 'reveal', line: doc.lineCount },
      { type: 'reveal', line: -1 },
      { type: 'reveal', line: '3' },
      { type: 'reveal', line: 1, endLine: 0 },
      { type: 'copy', remedyId: 'lockdown-connector' },
      { type: 'copy', remedyId: '../../etc' },
      { type: 'open', index: 999 },
      { type: 'open', url: 'javascript:alert(1)' },
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'finding', index: analysis.findings.length },
      'reveal',
      null,
    ]) {
      assert.equal(await feat.panel.handleMessage(bad), undefined, JSON.stringify(bad));
    }
  });

  it('copy sends the remedy through the extension; open only allow-listed https links', async () => {
    const s = await scenario('proofpoint');
    const { analysis, doc } = await openMessage(api, s.uri);
    const f = analysis.findings.find((x) => x.id === 'efc-not-enabled')!;
    api.store.select({ kind: 'finding', uri: doc.uri.toString(), finding: f });
    await waitFor(() => feat.panel.lastHtml?.includes('data-action="copy"'), 'the finding page');
    const remedy = analysis.remedies.find((r) => r.id === 'efc-skip-last-ip')!;
    const realClipboard = feat.fixes.clipboard;
    const realOpen = feat.panel.openExternal;
    let copied: string | undefined;
    const opened: string[] = [];
    feat.fixes.clipboard = { writeText: async (t: string) => void (copied = t) };
    feat.panel.openExternal = async (u: vscode.Uri) => {
      opened.push(u.toString(true));
      return true;
    };
    try {
      assert.deepEqual(await feat.panel.handleMessage({ type: 'copy', remedyId: remedy.id }), { type: 'copy', remedyId: remedy.id });
      assert.equal(copied, fixDocumentText(remedy));
      assert.deepEqual(await feat.panel.handleMessage({ type: 'open', index: 0 }), { type: 'open', index: 0 });
      assert.equal(opened.length, 1);
      assert.match(opened[0], /^https:\/\/(learn\.microsoft\.com|support\.google\.com|www\.rfc-editor\.org)\//);
    } finally {
      feat.fixes.clipboard = realClipboard;
      feat.panel.openExternal = realOpen;
    }
  });

  it('selecting a hop or a finding from the page moves the shared selection', async () => {
    const s = await scenario('proofpoint');
    const { analysis, doc } = await openMessage(api, s.uri);
    api.store.select({ kind: 'summary', uri: doc.uri.toString() });
    await waitFor(() => feat.panel.lastHtml?.includes('<h2>Summary</h2>'), 'the summary page');
    const entry = analysis.boundary.entryHopIndex!;
    assert.deepEqual(await feat.panel.handleMessage({ type: 'hop', index: entry }), { type: 'hop', index: entry });
    assert.equal(api.store.selection?.kind, 'hop');
    const html = await waitFor(() => (feat.panel.lastHtml?.includes(`Hop ${entry + 1} of ${analysis.hops.length}`) ? feat.panel.lastHtml : undefined), 'the hop page');
    assert.ok(html.includes('trust boundary'));
    assert.deepEqual(await feat.panel.handleMessage({ type: 'finding', index: 0 }), { type: 'finding', index: 0 });
    assert.equal(api.store.selection?.kind, 'finding');
  });

  it('renders hostile Subject / From / Received text inert', async () => {
    const uri = workspaceFile('panel-hostile.eml');
    const { doc, analysis } = await openMessage(api, uri);
    assert.match(analysis.summary.subject ?? '', /<script>alert\(1\)<\/script>/, 'the fixture carries the payload');
    const key = doc.uri.toString();
    const pages: string[] = [feat.panel.renderHtmlFor({ kind: 'summary', uri: key })];
    for (const finding of analysis.findings) pages.push(feat.panel.renderHtmlFor({ kind: 'finding', uri: key, finding }));
    for (const hop of analysis.hops) pages.push(feat.panel.renderHtmlFor({ kind: 'hop', uri: key, hop }));
    for (const html of pages) assertStrictPage(html);
    const summary = pages[0];
    assert.ok(summary.includes('&lt;script&gt;alert(1)&lt;/script&gt; Q3 &lt;/style&gt;&lt;style&gt;body{display:none}&lt;/style&gt;'), 'Subject shown as escaped text');
    assert.ok(summary.includes('&lt;img src&#61;x onerror&#61;alert(1)&gt; javascript:alert(1)'), 'From shown as escaped text');
    const unparsed = analysis.findings.findIndex((f) => f.message.includes('<script>'));
    assert.ok(unparsed >= 0, 'a finding quotes the hostile Received text');
    assert.ok(pages[1 + unparsed].includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    const hop0 = pages[1 + analysis.findings.length];
    assert.ok(hop0.includes('&lt;script&gt;alert(1)&lt;/script&gt;') || hop0.includes('mail.fabrikam.com'), 'the first hop renders');
    // the page the view shows for the active hostile message is just as strict
    api.store.select({ kind: 'summary', uri: key });
    const live = await waitFor(() => (feat.panel.lastHtml?.includes('Q3') ? feat.panel.lastHtml : undefined), 'the hostile summary in the view');
    assertStrictPage(live);
  });

  it('drops bidi and control characters from header text (a "‮gnp.exe" Subject reads in logical order)', async () => {
    const { doc, analysis } = await openMessage(api, workspaceFile('hostile-headers.eml'));
    assert.ok((analysis.summary.subject ?? '').includes('\u202e'), 'the fixture Subject carries U+202E');
    const key = doc.uri.toString();
    const pages: string[] = [feat.panel.renderHtmlFor({ kind: 'summary', uri: key })];
    for (const finding of analysis.findings) pages.push(feat.panel.renderHtmlFor({ kind: 'finding', uri: key, finding }));
    for (const hop of analysis.hops) pages.push(feat.panel.renderHtmlFor({ kind: 'hop', uri: key, hop }));
    for (const html of pages) {
      assertStrictPage(html);
      const m = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/.exec(html);
      assert.equal(m, null, `U+${m?.[0].charCodeAt(0).toString(16)} in the page: ${m ? JSON.stringify(html.slice(Math.max(0, m.index - 60), m.index + 20)) : ''}`);
    }
    assert.ok(pages[0].includes('&lt;script&gt;alert(&#39;subject&#39;)&lt;/script&gt; moc.elgoog'), 'the Subject, its override dropped');
  });

  it('lists the recommended fix first, each verification step once, and no internal ids or seed numbers', async () => {
    await setSetting('trustedRelays', ['148.163.138.245']);
    try {
      const s = await scenario('proofpoint');
      const { doc } = await openMessage(api, s.uri);
      const analysis = await waitFor(() => {
        const a = api.store.get(doc.uri);
        return a && api.store.phase(doc.uri) === 'full' && a.remedies.some((r) => r.recommended) ? a : undefined;
      }, 'the analysis with the trusted relay');
      const f = analysis.findings.find((x) => x.id === 'efc-not-enabled')!;
      const html = feat.panel.renderHtmlFor({ kind: 'finding', uri: doc.uri.toString(), finding: f });
      const order = [...html.matchAll(/data-action="generate" data-remedy="([a-z0-9-]+)"/g)].map((m) => m[1]);
      assert.equal(order[0], analysis.remedies.find((r) => r.recommended)!.id, `recommended first: ${order.join(', ')}`);
      assert.equal((html.match(/>How to verify</g) ?? []).length, 1);
      const verify = html.slice(html.indexOf('id="verify"'), html.indexOf('id="docs"'));
      const items = [...verify.matchAll(/<li>(.*?)<\/li>/g)].map((m) => m[1]);
      assert.equal(new Set(items).size, items.length, 'no verification step twice');
      assert.doesNotMatch(html, /\bseed \d{3}\b|>Background</);
      // the script names where the relay came from
      assert.ok(html.includes('from your configuration (setting &quot;Mail Flow Lens: Trusted Relays&quot; (user settings))'), 'the source of the trusted relay is in the script');
    } finally {
      await setSetting('trustedRelays', undefined);
    }
  });

  it('"Open in editor tab" shows the same explanation in an editor tab that follows the selection', async () => {
    const s = await scenario('proofpoint');
    const { analysis, doc } = await openMessage(api, s.uri);
    api.store.select({ kind: 'summary', uri: doc.uri.toString() });
    await waitFor(() => feat.panel.lastHtml?.includes('data-action="popout"'), 'the view offers the editor tab');
    assert.deepEqual(await feat.panel.handleMessage({ type: 'popout' }), { type: 'popout' });
    const tab = await waitFor(() => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('mailflowLens.explanationEditor')), 'the explanation editor tab');
    assert.ok(tab);
    const first = await waitFor(() => feat.panel.editorHtml, 'the editor tab to render');
    assertStrictPage(first);
    assert.ok(!first.includes('data-action="popout"'), 'no "Open in editor tab" inside the tab');
    assert.ok(first.includes('<h2>Summary</h2>'));
    const f = analysis.findings.find((x) => x.id === 'compauth-fail')!;
    api.store.select({ kind: 'finding', uri: doc.uri.toString(), finding: f });
    await waitFor(() => feat.panel.editorHtml?.includes('Microsoft composite authentication failed'), 'the tab to follow the selection');
    feat.panel.editorPanel?.dispose();
    await waitFor(() => !feat.panel.editorPanel, 'the tab to close');
  });

  it('a selection for another document than the active message falls back to the summary', async () => {
    const s = await scenario('proofpoint');
    const { analysis } = await openMessage(api, s.uri);
    const html = feat.panel.renderHtmlFor({ kind: 'finding', uri: 'file:///nowhere/none.eml', finding: analysis.findings[0] });
    assert.ok(html.includes('<h2>Summary</h2>'), 'the active message summary');
    assertStrictPage(html);
  });
});
