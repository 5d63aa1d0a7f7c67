/**
 * The "Explanation" webview view in the Mail Flow container. It follows the shared selection (a
 * finding or hop picked in the route tree, a code lens, a quick fix) and the active message, and
 * shows what happened, the evidence (click to select the header lines), why it matters, the fix
 * (open in an editor, copy), how to verify and documentation links. With nothing selected it shows
 * the summary: verdict, top findings, the route.
 *
 * "Open in editor tab" shows the same page in an editor tab (room to read; it follows the
 * selection like the view).
 *
 * The HTML comes from panelView.ts (pure, escaped, strict CSP with a nonce). Messages from the
 * webview are validated there too; this file only performs the validated requests.
 */
import * as vscode from 'vscode';
import type { Analysis } from '../../core/types';
import type { AnalysisStore, Selection } from '../api';
import { createNonce, isAllowedLink } from './html';
import {
  ALLOWED_DOC_URLS,
  findFindingIndex,
  renderPanelHtml,
  validatePanelMessage,
  type PanelAssets,
  type PanelMessage,
  type PanelTarget,
  type RenderedPanel,
} from './panelView';
import { COPY_FIX_COMMAND, EXPLANATION_VIEW_ID, GENERATE_FIX_COMMAND, offeredRemedies } from './fixes';

export const OPEN_EXPLANATION_IN_EDITOR_COMMAND = 'mailflowLens.openExplanationInEditor';
export const EXPLANATION_EDITOR_VIEW_TYPE = 'mailflowLens.explanationEditor';

/** Used to render without a resolved view (tests): the value current VS Code releases give. */
const DEFAULT_CSP_SOURCE = "'self' https://*.vscode-cdn.net";

interface Shown {
  uri: vscode.Uri | undefined;
  analysis: Analysis | undefined;
  target: PanelTarget;
  rendered: RenderedPanel;
}

export class ExplanationPanel implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = EXPLANATION_VIEW_ID;
  private view: vscode.WebviewView | undefined;
  /** The same page in an editor tab, when the user opened it there. */
  private editor: vscode.WebviewPanel | undefined;
  private editorDisposables: vscode.Disposable[] = [];
  private shown: Shown | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private viewDisposables: vscode.Disposable[] = [];
  /** The line the panel last revealed (see onSelect). */
  private revealed: { uri: string; line: number } | undefined;
  /** Opens validated documentation links; tests replace it to observe without a browser. */
  openExternal: (uri: vscode.Uri) => Thenable<boolean> = (uri) => vscode.env.openExternal(uri);
  /** Every message received and what became of it (tests read the last entries). */
  readonly received: Array<{ raw: unknown; accepted: PanelMessage | undefined }> = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: AnalysisStore,
  ) {
    this.disposables.push(
      store.onDidSelect((sel) => this.onSelect(sel)),
      store.onDidChangeActive(() => this.refresh()),
      // the revealed line stays "ours" only for the dispatch of the selection event it caused
      vscode.window.onDidChangeTextEditorSelection((e) => {
        const r = this.revealed;
        if (r && e.textEditor.document.uri.toString() === r.uri) {
          setTimeout(() => {
            if (this.revealed === r) this.revealed = undefined;
          }, 0);
        }
      }),
      store.onDidChange((uri) => {
        if (!this.shown?.uri || this.shown.uri.toString() === uri.toString() || !this.shown.analysis) this.refresh();
      }),
    );
  }

  /**
   * Revealing evidence moves the editor cursor, and the route view turns the cursor line into a
   * selection (the hop under it). That one selection change must not take the page away from the
   * finding whose evidence the user clicked: it is skipped when it arrives during the dispatch of
   * the editor selection event our reveal caused, with the cursor still on the revealed line. Any
   * other selection change is followed as usual.
   */
  private onSelect(sel: Selection | undefined): void {
    const r = this.revealed;
    if (r && sel && sel.kind !== 'finding' && sel.uri === r.uri) {
      const editor = vscode.window.activeTextEditor;
      if (editor && editor.document.uri.toString() === r.uri && editor.selection.start.line === r.line) return;
    }
    this.refresh();
  }

  /** The HTML the view shows now (undefined before the first render). */
  get lastHtml(): string | undefined {
    return this.shown?.rendered.html;
  }

  get isResolved(): boolean {
    return !!this.view;
  }

  /** The editor tab showing the explanation, if open. */
  get editorPanel(): vscode.WebviewPanel | undefined {
    return this.editor;
  }

  /** The HTML the editor tab shows now (undefined when it is not open). */
  editorHtml: string | undefined;

  /** Shows the explanation in an editor tab beside the message (or reveals the open one). */
  openInEditor(): vscode.WebviewPanel {
    if (this.editor) {
      this.editor.reveal(undefined, true);
      return this.editor;
    }
    const panel = vscode.window.createWebviewPanel(
      EXPLANATION_EDITOR_VIEW_TYPE,
      'Mail Flow Lens: Explanation',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, enableCommandUris: false, enableFindWidget: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')] },
    );
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'mail-flow.svg');
    this.editor = panel;
    this.editorDisposables = [
      panel.webview.onDidReceiveMessage((m) => void this.handleMessage(m, panel.webview)),
      panel.onDidDispose(() => {
        if (this.editor === panel) {
          this.editor = undefined;
          this.editorHtml = undefined;
        }
        for (const d of this.editorDisposables) d.dispose();
        this.editorDisposables = [];
      }),
    ];
    this.refresh(true);
    return panel;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    for (const d of this.viewDisposables) d.dispose();
    this.view = view;
    this.shown = undefined;
    view.webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
    this.viewDisposables = [
      view.webview.onDidReceiveMessage((m) => void this.handleMessage(m)),
      view.onDidChangeVisibility(() => {
        if (view.visible) this.refresh();
      }),
      view.onDidDispose(() => {
        if (this.view === view) this.view = undefined;
        for (const d of this.viewDisposables) d.dispose();
        this.viewDisposables = [];
      }),
    ];
    this.refresh(true);
  }

  /** What the panel should show for a selection (default: the shared one) and the active message. */
  targetFor(selection: Selection | undefined = this.store.selection): { uri: vscode.Uri | undefined; analysis: Analysis | undefined; target: PanelTarget } {
    const active = this.store.active;
    if (selection && (!active || selection.uri === active.uri.toString())) {
      let uri: vscode.Uri | undefined;
      try {
        uri = vscode.Uri.parse(selection.uri, true);
      } catch {
        uri = undefined;
      }
      const analysis = uri ? this.store.get(uri) : undefined;
      if (uri && analysis) {
        if (selection.kind === 'finding') {
          const index = findFindingIndex(analysis, selection.finding);
          if (index >= 0) return { uri, analysis, target: { kind: 'finding', analysis, finding: analysis.findings[index], findingIndex: index } };
        } else if (selection.kind === 'hop') {
          const hop = analysis.hops[selection.hop.index];
          if (hop) return { uri, analysis, target: { kind: 'hop', analysis, hop } };
        }
        return { uri, analysis, target: { kind: 'summary', analysis } };
      }
    }
    if (active) return { uri: active.uri, analysis: active.analysis, target: { kind: 'summary', analysis: active.analysis } };
    return { uri: undefined, analysis: undefined, target: { kind: 'empty' } };
  }

  private assets(nonce: string, webview: vscode.Webview | undefined = this.view?.webview, place: PanelAssets['place'] = 'view'): PanelAssets {
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    if (webview) {
      return {
        cspSource: webview.cspSource,
        nonce,
        styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css')).toString(),
        scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.js')).toString(),
        place,
      };
    }
    return {
      cspSource: DEFAULT_CSP_SOURCE,
      nonce,
      styleUri: vscode.Uri.joinPath(media, 'panel.css').toString(),
      scriptUri: vscode.Uri.joinPath(media, 'panel.js').toString(),
    };
  }

  /** Renders the HTML for a selection without showing it (test hook; uses the view's CSP source when resolved). */
  renderHtmlFor(selection?: Selection): string {
    const t = this.targetFor(selection);
    return renderPanelHtml(t.target, this.assets(createNonce())).html;
  }

  /** Re-renders; the webview is reloaded only when the content changed. */
  refresh(force = false): void {
    const t = this.targetFor();
    let rendered: RenderedPanel;
    try {
      rendered = renderPanelHtml(t.target, this.assets(createNonce()));
    } catch (e) {
      rendered = renderPanelHtml({ kind: 'empty' }, this.assets(createNonce()));
      console.error(`Mail Flow Lens: explanation panel could not render: ${(e as Error).message}`);
    }
    const same = !force && this.shown && this.shown.rendered.body === rendered.body && this.shown.uri?.toString() === t.uri?.toString();
    if (same && this.shown) {
      // keep the old page (and its nonce) but follow the new analysis objects
      this.shown = { ...this.shown, analysis: t.analysis, target: t.target };
      return;
    }
    this.shown = { uri: t.uri, analysis: t.analysis, target: t.target, rendered };
    if (this.view) {
      this.view.webview.html = rendered.html;
      this.view.description = t.target.kind === 'finding' ? 'finding' : t.target.kind === 'hop' ? `hop ${t.target.hop.index + 1}` : undefined;
    }
    if (this.editor) {
      let page: RenderedPanel;
      try {
        page = renderPanelHtml(t.target, this.assets(createNonce(), this.editor.webview, 'editor'));
      } catch {
        page = renderPanelHtml({ kind: 'empty' }, this.assets(createNonce(), this.editor.webview, 'editor'));
      }
      this.editor.webview.html = page.html;
      this.editorHtml = page.html;
      this.editor.title = t.target.kind === 'finding' ? 'Explanation: finding' : t.target.kind === 'hop' ? `Explanation: hop ${t.target.hop.index + 1}` : 'Mail Flow Lens: Explanation';
    }
  }

  private documentOf(uri: vscode.Uri | undefined): vscode.TextDocument | undefined {
    if (!uri) return undefined;
    const key = uri.toString();
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
  }

  /**
   * Handles a message from the webview: validated against the page now shown (line numbers within
   * the document, remedy ids of the current analysis, link and list indexes of this render).
   * Returns the accepted message, or undefined when it was rejected.
   */
  async handleMessage(raw: unknown, from: vscode.Webview | undefined = this.view?.webview): Promise<PanelMessage | undefined> {
    const shown = this.shown;
    const a = shown?.analysis;
    const doc = this.documentOf(shown?.uri);
    const remedyIds = new Set<string>();
    if (a && shown?.uri) {
      const offered = new Set(offeredRemedies(a, shown.uri).remedies.map((r) => r.id));
      for (const id of shown.rendered.remedyIds) if (offered.has(id)) remedyIds.add(id);
    }
    const msg = validatePanelMessage(raw, {
      lineCount: doc?.lineCount ?? a?.input.lineCount ?? 0,
      remedyIds,
      linkCount: shown?.rendered.links.length ?? 0,
      findingCount: a?.findings.length ?? 0,
      hopCount: a?.hops.length ?? 0,
    });
    this.received.push({ raw, accepted: msg });
    if (this.received.length > 50) this.received.shift();
    if (!msg || !shown) return undefined;
    const uri = shown.uri;
    switch (msg.type) {
      case 'reveal':
        if (doc) await this.reveal(doc, msg.line, msg.endLine);
        break;
      case 'copy':
        await vscode.commands.executeCommand(COPY_FIX_COMMAND, msg.remedyId, uri);
        void from?.postMessage({ type: 'status', text: 'Copied to the clipboard. Review before running.' });
        break;
      case 'generate':
        await vscode.commands.executeCommand(GENERATE_FIX_COMMAND, msg.remedyId, uri);
        break;
      case 'open': {
        const url = shown.rendered.links[msg.index];
        if (url && isAllowedLink(url, ALLOWED_DOC_URLS)) await this.openExternal(vscode.Uri.parse(url, true));
        else return undefined;
        break;
      }
      case 'finding':
        if (a && uri) this.store.select({ kind: 'finding', uri: uri.toString(), finding: a.findings[msg.index] });
        break;
      case 'hop':
        if (a && uri) this.store.select({ kind: 'hop', uri: uri.toString(), hop: a.hops[msg.index] });
        break;
      case 'summary':
        if (uri) this.store.select({ kind: 'summary', uri: uri.toString() });
        break;
      case 'popout':
        this.openInEditor();
        break;
      case 'ready':
        break;
    }
    return msg;
  }

  private async reveal(doc: vscode.TextDocument, line: number, endLine: number): Promise<void> {
    const last = doc.lineCount - 1;
    const start = Math.min(line, last);
    const end = Math.min(Math.max(endLine, start), last);
    const range = new vscode.Range(start, 0, end, doc.lineAt(end).text.length);
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: visible?.viewColumn, preserveFocus: false, preview: false });
    this.revealed = { uri: doc.uri.toString(), line: start };
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  dispose(): void {
    this.editor?.dispose();
    for (const d of this.viewDisposables) d.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

export function registerPanel(extensionUri: vscode.Uri, store: AnalysisStore): { panel: ExplanationPanel; disposables: vscode.Disposable[] } {
  const panel = new ExplanationPanel(extensionUri, store);
  const registration = vscode.window.registerWebviewViewProvider(EXPLANATION_VIEW_ID, panel, { webviewOptions: { retainContextWhenHidden: false } });
  const open = vscode.commands.registerCommand(OPEN_EXPLANATION_IN_EDITOR_COMMAND, () => {
    panel.openInEditor();
    return true;
  });
  return { panel, disposables: [panel, registration, open] };
}
