/** The Route view itself: the tree view and its two-way link with the editor (node selection selects lines; the cursor reveals the node). */
import * as vscode from 'vscode';
import type { LineRange } from '../../core/types';
import type { Selection } from '../api';
import { isEml, type Store } from '../store';
import { t } from './labels';
import type { RouteNode } from './node';
import { RouteTreeProvider } from './provider';

export const ROUTE_VIEW_ID = 'mailflowLens.route';

/** What a node means for the shared selection. */
export function selectionOf(n: RouteNode): Selection | undefined {
  const uri = n.uri.toString();
  if (n.finding) return { kind: 'finding', uri, finding: n.finding };
  let p: RouteNode | undefined = n;
  while (p && !p.hop) p = p.parent;
  if (p?.hop) return { kind: 'hop', uri, hop: p.hop };
  let q: RouteNode | undefined = n;
  while (q && q.kind !== 'summary') q = q.parent;
  if (q) return { kind: 'summary', uri };
  return undefined;
}

/**
 * The Route view and its two-way link with the editor: selecting a node selects its lines; moving
 * the cursor reveals (without selecting or focusing) the node for the line.
 */
export class RouteView implements vscode.Disposable {
  readonly provider: RouteTreeProvider;
  readonly view: vscode.TreeView<RouteNode>;
  private readonly disposables: vscode.Disposable[] = [];
  /** The editor selection we set ourselves (its change event must not move the tree). */
  private ownSelection: { uri: string; line: number } | undefined;
  private lastRevealed: string | undefined;

  constructor(private readonly store: Store) {
    this.provider = new RouteTreeProvider(store);
    this.view = vscode.window.createTreeView(ROUTE_VIEW_ID, { treeDataProvider: this.provider, showCollapseAll: true });
    this.disposables.push(
      this.provider,
      this.view,
      this.view.onDidChangeSelection((e) => void this.onTreeSelection(e.selection[0])),
      vscode.window.onDidChangeTextEditorSelection((e) => this.onEditorSelection(e)),
      store.onDidChangeActive(() => this.updateChrome()),
      store.onDidChange(() => this.updateChrome()),
    );
    this.updateChrome();
  }

  private updateChrome(): void {
    const active = this.store.active;
    if (!active) {
      this.view.description = undefined;
      this.view.message = undefined;
      return;
    }
    const name = active.uri.path.slice(active.uri.path.lastIndexOf('/') + 1);
    this.lastRevealed = undefined;
    this.view.description = t(name, 80);
    const a = active.analysis;
    const notMessage = a.problems.find((p) => p.severity === 'error' && (p.code === 'not-a-message' || p.code === 'empty' || p.code === 'no-header-fields'));
    if (notMessage) this.view.message = t(notMessage.message, 300);
    else if (!a.hops.length) this.view.message = 'This message has no Received fields: there is no route to show.';
    else this.view.message = undefined;
  }

  private async onTreeSelection(n: RouteNode | undefined): Promise<void> {
    if (!n) return;
    const sel = selectionOf(n);
    if (sel) this.store.select(sel);
    if (n.lines) await this.revealLines(n.uri, n.lines);
  }

  /** Selects whole header lines in the editor showing the document (opening it if needed), keeping focus in the tree. */
  async revealLines(uri: vscode.Uri, lines: LineRange): Promise<void> {
    const key = uri.toString();
    let editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === key);
    if (!editor) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
      if (!doc) return;
      editor = await vscode.window.showTextDocument(doc, { preserveFocus: true, preview: false });
    }
    const doc = editor.document;
    const start = Math.min(lines.startLine, doc.lineCount - 1);
    const end = Math.min(lines.endLine, doc.lineCount - 1);
    const range = new vscode.Range(start, 0, end, doc.lineAt(end).text.length);
    this.ownSelection = { uri: key, line: start };
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private onEditorSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    if (!isEml(e.textEditor.document)) return;
    const key = e.textEditor.document.uri.toString();
    const line = e.selections[0]?.start.line;
    if (line === undefined) return;
    if (this.ownSelection && this.ownSelection.uri === key && this.ownSelection.line === line) {
      this.ownSelection = undefined;
      return;
    }
    this.ownSelection = undefined;
    if (this.store.active?.uri.toString() !== key) return;
    const n = this.provider.nodeAtLine(line);
    if (!n) return;
    const sel = selectionOf(n);
    if (sel) this.store.select(sel);
    if (this.view.visible && this.lastRevealed !== n.id) {
      this.lastRevealed = n.id;
      this.view.reveal(n, { select: false, focus: false, expand: false }).then(undefined, () => undefined);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
