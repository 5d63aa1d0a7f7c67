/**
 * "Show Route Diagram": the active message's route as a picture in an editor tab (beside the
 * message), drawn from `analysis.facts` by src/core/present/diagram.ts and styled by the theme.
 * It follows the active message; clicking a hop (or Enter on it) selects its Received lines in the
 * message and the hop in the shared selection, so the tree and the explanation follow. "Export
 * Route Diagram (SVG)…" saves the stand-alone SVG (its own light and dark style) for a ticket.
 */
import * as vscode from 'vscode';
import type { Analysis, LineRange } from '../../core/types';
import { routeDiagramFile } from '../../core/present/diagram';
import type { AnalysisStore } from '../api';
import { createNonce } from './html';
import { renderDiagramHtml, validateDiagramMessage, type DiagramMessage, type RenderedDiagram } from './diagramView';
import { asUri } from '../uri';

export const SHOW_DIAGRAM_COMMAND = 'mailflowLens.showRouteDiagram';
export const EXPORT_DIAGRAM_COMMAND = 'mailflowLens.exportRouteDiagram';
export const DIAGRAM_VIEW_TYPE = 'mailflowLens.routeDiagram';

function defaultSvgUri(uri: vscode.Uri): vscode.Uri | undefined {
  const base = uri.path.slice(uri.path.lastIndexOf('/') + 1).replace(/\.eml$/i, '') || 'message';
  const name = `${base.replace(/[^A-Za-z0-9._ -]/g, '_')}.route.svg`;
  if (uri.scheme === 'file') return vscode.Uri.joinPath(uri, '..', name);
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, name) : undefined;
}

export class RouteDiagram implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private shown: { uri: vscode.Uri | undefined; analysis: Analysis | undefined; rendered: RenderedDiagram } | undefined;
  /** Every message received and what became of it (tests read the last entries). */
  readonly received: Array<{ raw: unknown; accepted: DiagramMessage | undefined }> = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: AnalysisStore,
  ) {
    this.disposables.push(
      vscode.commands.registerCommand(SHOW_DIAGRAM_COMMAND, (u?: unknown) => this.show(asUri(u))),
      vscode.commands.registerCommand(EXPORT_DIAGRAM_COMMAND, async (u?: unknown, target?: unknown) => {
        try {
          return await this.export(asUri(u), asUri(target));
        } catch (e) {
          void vscode.window.showErrorMessage(`Mail Flow Lens: ${(e as Error).message}`);
          return undefined;
        }
      }),
      store.onDidChangeActive(() => this.refresh()),
      store.onDidChange((uri) => {
        if (!this.shown?.uri || this.shown.uri.toString() === uri.toString()) this.refresh();
      }),
      store.onDidSelect((sel) => {
        if (this.panel && sel?.kind === 'hop' && sel.uri === this.shown?.uri?.toString()) void this.panel.webview.postMessage({ type: 'selected', index: sel.hop.index });
      }),
    );
  }

  /** The HTML the tab shows now. */
  get html(): string | undefined {
    return this.shown?.rendered.html;
  }

  get webviewPanel(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  /** The message the diagram is about: the given one, else the active message. */
  private target(uri?: vscode.Uri): { uri: vscode.Uri; analysis: Analysis } | undefined {
    if (uri) {
      const analysis = this.store.get(uri);
      if (analysis) return { uri, analysis };
    }
    return this.store.active;
  }

  /** Opens (or reveals) the diagram tab beside the message. */
  show(uri?: vscode.Uri): vscode.WebviewPanel | undefined {
    const t = this.target(uri);
    if (!t) {
      void vscode.window.showInformationMessage('Mail Flow Lens: open a saved message (.eml) first.');
      return undefined;
    }
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(
        DIAGRAM_VIEW_TYPE,
        'Route Diagram',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
        { enableScripts: true, enableCommandUris: false, enableFindWidget: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')] },
      );
      panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'mail-flow.svg');
      this.panel = panel;
      this.panelDisposables = [
        panel.webview.onDidReceiveMessage((m) => void this.handleMessage(m)),
        panel.onDidDispose(() => {
          if (this.panel === panel) {
            this.panel = undefined;
            this.shown = undefined;
          }
          for (const d of this.panelDisposables) d.dispose();
          this.panelDisposables = [];
        }),
      ];
    } else {
      this.panel.reveal(undefined, false);
    }
    this.refresh(true, t);
    return this.panel;
  }

  /** Re-renders for the active message; the webview reloads only when the page changed. */
  refresh(force = false, t = this.store.active): void {
    if (!this.panel) return;
    const webview = this.panel.webview;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const rendered = renderDiagramHtml(t?.analysis, {
      cspSource: webview.cspSource,
      nonce: createNonce(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'diagram.css')).toString(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'diagram.js')).toString(),
    });
    const same = !force && this.shown && this.shown.rendered.body === rendered.body && this.shown.uri?.toString() === t?.uri.toString();
    if (same && this.shown) {
      this.shown = { ...this.shown, analysis: t?.analysis };
      return;
    }
    this.shown = { uri: t?.uri, analysis: t?.analysis, rendered };
    webview.html = rendered.html;
    const name = t ? t.uri.path.slice(t.uri.path.lastIndexOf('/') + 1) : '';
    this.panel.title = name ? `Route: ${name.slice(0, 60)}` : 'Route Diagram';
  }

  /** Handles a validated message from the page (exposed for the tests). */
  async handleMessage(raw: unknown): Promise<DiagramMessage | undefined> {
    const shown = this.shown;
    const msg = validateDiagramMessage(raw, shown?.analysis?.hops.length ?? 0);
    this.received.push({ raw, accepted: msg });
    if (this.received.length > 50) this.received.shift();
    if (!msg || !shown?.uri || !shown.analysis) return msg?.type === 'ready' ? msg : undefined;
    switch (msg.type) {
      case 'hop': {
        const hop = shown.analysis.hops[msg.index];
        this.store.select({ kind: 'hop', uri: shown.uri.toString(), hop });
        await this.selectLines(shown.uri, hop.lines);
        break;
      }
      case 'export': {
        const dest = await this.export(shown.uri);
        if (dest) void this.panel?.webview.postMessage({ type: 'status', text: 'Saved the diagram as SVG.' });
        break;
      }
      case 'ready':
        break;
    }
    return msg;
  }

  /** Selects a hop's header lines in the editor showing the message, keeping the diagram focused. */
  private async selectLines(uri: vscode.Uri, lines: LineRange): Promise<void> {
    const key = uri.toString();
    let editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === key);
    if (!editor) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
      if (!doc) return;
      editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: true, preview: false });
    }
    const doc = editor.document;
    const start = Math.min(lines.startLine, doc.lineCount - 1);
    const end = Math.min(lines.endLine, doc.lineCount - 1);
    const range = new vscode.Range(start, 0, end, doc.lineAt(end).text.length);
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** Writes the stand-alone SVG where the save dialog (or `target`) says; never over a message. */
  async export(uri?: vscode.Uri, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const t = this.target(uri);
    if (!t) {
      void vscode.window.showInformationMessage('Mail Flow Lens: open a saved message (.eml) first.');
      return undefined;
    }
    let dest = target;
    if (!dest) {
      dest = await vscode.window.showSaveDialog({
        defaultUri: defaultSvgUri(t.uri),
        filters: { 'SVG image': ['svg'] },
        saveLabel: 'Export Diagram',
        title: 'Export the Route Diagram as SVG',
      });
      if (!dest) return undefined;
    }
    const key = dest.toString();
    if (/\.eml$/i.test(dest.path) || vscode.workspace.textDocuments.some((d) => d.uri.toString() === key && (d.languageId === 'eml' || d.isDirty))) {
      throw new Error('the diagram would overwrite a message or an unsaved document; choose another file name.');
    }
    await vscode.workspace.fs.writeFile(dest, Buffer.from(routeDiagramFile(t.analysis), 'utf8'));
    return dest;
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
