/**
 * A subtle mark on the hop where authentication broke: a whole-line background in a contributed
 * theme colour (defaults to the diff editor's removed-line colour) and a mark in the overview ruler.
 */
import * as vscode from 'vscode';
import { breakHopIndex } from '../core/present/route';
import type { LineRange } from '../core/types';
import { isEml, type Store } from './store';

export const BROKEN_HOP_BACKGROUND = 'mailflowLens.brokenHopBackground';
export const BROKEN_HOP_RULER = 'mailflowLens.brokenHopRuler';

/** The header lines of the break hop (its Received field), or undefined when nothing broke. */
export function breakLines(store: Store, uri: vscode.Uri): LineRange | undefined {
  const a = store.get(uri);
  if (!a) return undefined;
  const i = breakHopIndex(a);
  return i !== null ? a.hops[i]?.lines : undefined;
}

export class BreakDecorations implements vscode.Disposable {
  readonly type = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor(BROKEN_HOP_BACKGROUND),
    overviewRulerColor: new vscode.ThemeColor(BROKEN_HOP_RULER),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly disposables: vscode.Disposable[] = [this.type];

  constructor(private readonly store: Store) {
    this.disposables.push(
      store.onDidChange((uri) => this.refresh(uri)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refresh()),
    );
    this.refresh();
  }

  /** The ranges applied to an editor (exposed for tests). */
  rangesFor(document: vscode.TextDocument): vscode.Range[] {
    const lines = breakLines(this.store, document.uri);
    if (!lines || document.lineCount === 0) return [];
    const last = document.lineCount - 1;
    const start = Math.min(lines.startLine, last);
    const end = Math.min(lines.endLine, last);
    return [new vscode.Range(start, 0, end, 0)];
  }

  refresh(uri?: vscode.Uri): void {
    const key = uri?.toString();
    for (const editor of vscode.window.visibleTextEditors) {
      if (key && editor.document.uri.toString() !== key) continue;
      editor.setDecorations(this.type, isEml(editor.document) ? this.rangesFor(editor.document) : []);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
