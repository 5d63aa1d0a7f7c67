// The route diagram inside a real VS Code: "Show Route Diagram" opens an editor tab beside the
// message whose page is inert (strict CSP with a nonce, no external resources) and draws the route
// from the facts (one lane per organisation, one focusable node per hop, the break marked only for a
// message broken in transit); a click on a node selects the hop's Received lines and the shared
// selection; the tab follows the active message; "Export Route Diagram (SVG)" writes the
// stand-alone file and never over a message.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import type { FeaturesApi } from '../../../src/extension/features';
import { routeDiagramFile } from '../../../src/core/present/diagram';
import { closeAll, lensApi, openMessage, scenario, tempDir, waitFor, workspaceFile } from './mfl-helpers';

async function features(): Promise<FeaturesApi> {
  const f = await vscode.commands.executeCommand<FeaturesApi>('_mailflowLens.features');
  assert.ok(f && f.diagram, 'the features API is reachable');
  return f;
}

function cspOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'the page has a CSP meta tag');
  return m[1].replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

function assertStrictPage(html: string): void {
  const csp = cspOf(html);
  assert.match(csp, /^default-src 'none'; /);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const nonce = /script-src 'nonce-([A-Za-z0-9]+)'/.exec(csp)?.[1];
  assert.ok(nonce);
  const scripts = html.match(/<script\b[^>]*>/gi) ?? [];
  assert.equal(scripts.length, 1, scripts.join(' '));
  const script = scripts[0] ?? '';
  assert.ok(script.startsWith(`<script nonce="${nonce}" src="`) && script.includes('media/diagram.js'), script);
  assert.doesNotMatch(html, /<(img|iframe|object|embed|style|a|foreignObject|image|use)\b/i);
  for (const tag of html.match(/<[a-zA-Z][^>]*>/g) ?? []) {
    if (tag.startsWith('<link rel="stylesheet"')) {
      assert.match(tag, /media\/diagram\.css"/);
      continue;
    }
    assert.doesNotMatch(tag, /\son[a-z]+\s*=|\sstyle\s*=|\shref\s*=|javascript:/i, tag);
  }
}

function diagramTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('mailflowLens.routeDiagram'));
}

describe('Route diagram (editor tab)', () => {
  let api: MailFlowLensApi;
  let feat: FeaturesApi;

  before(async () => {
    api = await lensApi();
    feat = await features();
  });
  after(async () => {
    feat.diagram.webviewPanel?.dispose();
    await closeAll();
  });

  it('is contributed as a command on messages, with an SVG export', () => {
    const pkg = vscode.extensions.getExtension('mailflow-lens.mailflow-lens')!.packageJSON;
    const cmds = pkg.contributes.commands.map((c: { command: string }) => c.command);
    assert.ok(cmds.includes('mailflowLens.showRouteDiagram'));
    assert.ok(cmds.includes('mailflowLens.exportRouteDiagram'));
    assert.ok(pkg.contributes.menus['editor/title'].some((m: { command: string }) => m.command === 'mailflowLens.showRouteDiagram'));
  });

  it('opens beside the message and draws the Proofpoint route from the facts', async () => {
    const s = await scenario('proofpoint');
    const { analysis, editor } = await openMessage(api, s.uri);
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('mailflowLens.showRouteDiagram');
    assert.ok(panel, 'the command returns the panel');
    await waitFor(() => diagramTab(), 'the diagram tab');
    assert.notEqual(panel.viewColumn, editor.viewColumn, 'beside the message, not over it');
    const html = await waitFor(() => feat.diagram.html, 'the diagram page');
    assertStrictPage(html);
    assert.match(html, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="mfl"/);
    // lanes: the facts' segments
    for (const seg of analysis.facts.segments) assert.ok(html.includes(`class="lane role-${seg.role} trust-${seg.trust}"`), `lane for ${seg.name}`);
    // one focusable node per hop, the break only on the verdict's break hop
    const nodes = [...html.matchAll(/<g class="node([^"]*)" id="route-hop-(\d+)" tabindex="0" role="button" data-hop="(\d+)" aria-label="([^"]*)"/g)];
    assert.equal(nodes.length, analysis.hops.length);
    assert.deepEqual(nodes.filter((m) => m[1].includes('broke')).map((m) => Number(m[3])), [analysis.facts.verdict.breakHopIndex]);
    assert.deepEqual(nodes.filter((m) => m[1].includes('entry')).map((m) => Number(m[3])), [analysis.facts.entry.hopIndex]);
    assert.ok(html.includes('class="boundary"'), 'the trust boundary line');
    assert.ok(html.includes('<strong>Broken in transit.</strong>'));
    assert.ok(nodes[s.facts.entryHopIndex][4].includes(`mx0b-00498f04.pphosted.com [${s.facts.connectingIp}] → ${s.facts.hops[s.facts.entryHopIndex].byHost}`), nodes[s.facts.entryHopIndex][4]);
  });

  it('a click on a hop selects its Received lines in the message and the hop in the shared selection', async () => {
    const s = await scenario('proofpoint');
    const { doc, analysis } = await openMessage(api, s.uri);
    await vscode.commands.executeCommand('mailflowLens.showRouteDiagram');
    await waitFor(() => feat.diagram.html?.includes('data-hop="0"'), 'the diagram');
    const hop = analysis.hops[s.facts.breakHopIndex!];
    assert.deepEqual(await feat.diagram.handleMessage({ type: 'hop', index: hop.index }), { type: 'hop', index: hop.index });
    const editor = await waitFor(() => {
      const e = vscode.window.visibleTextEditors.find((x) => x.document.uri.toString() === doc.uri.toString());
      return e && e.selection.start.line === hop.lines.startLine && e.selection.end.line === hop.lines.endLine ? e : undefined;
    }, "the hop's lines to be selected");
    assert.match(editor.document.lineAt(editor.selection.start.line).text, /^Received: from mail\.northwindtraders\.com/);
    const sel = api.store.selection;
    assert.ok(sel && sel.kind === 'hop' && sel.hop.index === hop.index, 'the shared selection follows (tree and explanation)');
    for (const bad of [{ type: 'hop', index: analysis.hops.length }, { type: 'hop', index: -1 }, { type: 'hop', index: '1' }, { type: 'open', url: 'https://x' }, null]) {
      assert.equal(await feat.diagram.handleMessage(bad), undefined, JSON.stringify(bad));
    }
  });

  it('follows the active message', async () => {
    const m = await scenario('mimecast');
    await vscode.commands.executeCommand('mailflowLens.showRouteDiagram');
    const { analysis } = await openMessage(api, m.uri);
    const html = await waitFor(() => (feat.diagram.html?.includes('Mimecast') ? feat.diagram.html : undefined), 'the diagram of the Mimecast message');
    assertStrictPage(html);
    assert.ok(!/class="node[^"]*broke/.test(html), 'nothing broke in the Mimecast message');
    assert.ok(html.includes('<strong>Authentic.</strong>'));
    assert.equal([...html.matchAll(/data-hop="\d+"/g)].length, analysis.hops.length);
  });

  it('a spoof has no break marker in the picture', async () => {
    const p = await scenario('phish');
    const { analysis } = await openMessage(api, p.uri);
    await vscode.commands.executeCommand('mailflowLens.showRouteDiagram');
    const html = await waitFor(() => (feat.diagram.html?.includes('Never authentic') ? feat.diagram.html : undefined), 'the phish diagram');
    assert.equal(analysis.facts.verdict.class, 'never-authentic');
    assert.ok(!/class="node[^"]*broke/.test(html), 'no hop of the attacker is marked');
  });

  it('hostile header text stays text in the diagram page', async () => {
    const { analysis } = await openMessage(api, workspaceFile('panel-hostile.eml'));
    assert.match(analysis.summary.subject ?? '', /<script>/);
    await vscode.commands.executeCommand('mailflowLens.showRouteDiagram');
    const html = await waitFor(() => (feat.diagram.html?.includes('Q3') ? feat.diagram.html : undefined), 'the hostile diagram');
    assertStrictPage(html);
    assert.doesNotMatch(html, /<script>alert/);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  });

  it('exports the stand-alone SVG, never over a message', async () => {
    const s = await scenario('proofpoint');
    const { doc } = await openMessage(api, s.uri);
    const analysis = api.store.get(doc.uri)!;
    const target = vscode.Uri.file(path.join(tempDir(), 'route.svg'));
    const written = await vscode.commands.executeCommand<vscode.Uri>('mailflowLens.exportRouteDiagram', doc.uri, target);
    assert.equal(written?.toString(), target.toString());
    const svg = fs.readFileSync(target.fsPath, 'utf8');
    assert.equal(svg, routeDiagramFile(analysis));
    assert.match(svg, /prefers-color-scheme: dark/);
    assert.doesNotMatch(svg, /<script|\son[a-z]+=/i);
    const before = fs.readFileSync(s.file);
    const refused = await vscode.commands.executeCommand('mailflowLens.exportRouteDiagram', doc.uri, vscode.Uri.file(s.file));
    assert.equal(refused, undefined);
    assert.deepEqual(fs.readFileSync(s.file), before, 'the message is untouched');
  });
});
