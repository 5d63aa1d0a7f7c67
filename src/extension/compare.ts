/**
 * "Compare Two Messages…": pick a message from before a change and one from after it (open
 * messages, or files: .eml, .msg, pasted-header .txt), then see
 *  - VS Code's diff editor between two read-only summaries (`mailflow-compare:` documents: route,
 *    connecting and evaluated IP, verdicts, delivery, findings, fixes; one fact per line, no times),
 *  - a panel with the differences in words, most important first ("EFC now active: original IP
 *    203.0.113.5 recovered …").
 * Both messages are analysed by the store, with the same settings as everywhere else.
 */
import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import type { Analysis } from '../core/types';
import { compare, comparisonText, messageFacts, verdictLine, type Comparison, type Direction } from '../core/compare';
import { escapeHtml } from '../core/report/html';
import { flatten } from '../core/present/text';
import { isCompoundFile } from '../core/msg/cfb-guard';
import { isMsgPath, msgViewUri } from './msg';
import { isEml, LANGUAGE_ID, type Store } from './store';
import { asUri } from './uri';

export const COMPARE_COMMAND = 'mailflowLens.compareMessages';
export const COMPARE_SCHEME = 'mailflow-compare';

export interface CompareResult {
  comparison: Comparison;
  left: vscode.Uri;
  right: vscode.Uri;
  /** The panel with the sentences (its HTML is `html`). */
  panel: vscode.WebviewPanel;
  html: string;
}

const CSS = `body{font-family:var(--vscode-font-family);font-size:var(--vscode-font-size);color:var(--vscode-foreground);padding:0 16px}
h2{font-size:1.2em;margin:16px 0 8px}
ul{list-style:none;padding:0}
li{margin:4px 0;padding:4px 8px;border-left:3px solid var(--vscode-panel-border)}
li.better{border-left-color:var(--vscode-testing-iconPassed)}
li.worse{border-left-color:var(--vscode-testing-iconFailed)}
li.changed{border-left-color:var(--vscode-editorWarning-foreground)}
.mark{display:inline-block;width:1.4em;font-weight:bold}
.muted{color:var(--vscode-descriptionForeground)}
table{border-collapse:collapse}td,th{padding:2px 10px 2px 0;text-align:left;vertical-align:top}`;
const CSS_HASH = `sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}`;

const MARK: Record<Direction, string> = { better: '+', worse: '−', changed: '~', same: '=', info: '•' };

/** The panel's page: static, no script, every text escaped (it comes from the messages). */
export function comparisonHtml(c: Comparison, beforeName: string, afterName: string): string {
  const e = (s: string, max = 2000) => escapeHtml(flatten(s, max));
  const items = c.lines.map((l) => `<li class="${l.direction}"><span class="mark">${MARK[l.direction]}</span>${e(l.text)}</li>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src '${CSS_HASH}';">
<style>${CSS}</style>
<title>Comparison</title>
</head>
<body>
<h2>What changed</h2>
<table>
<tr><th>Before</th><td>${e(beforeName, 300)}</td><td class="muted">${e(verdictLine(c.before), 300)}</td></tr>
<tr><th>After</th><td>${e(afterName, 300)}</td><td class="muted">${e(verdictLine(c.after), 300)}</td></tr>
</table>
<ul>
${items}
</ul>
<p class="muted">The side-by-side summaries are in the diff editor.</p>
</body>
</html>`;
}

function nameOf(uri: vscode.Uri): string {
  const p = uri.scheme === 'untitled' ? uri.path : uri.path.replace(/\.msg\.eml$/i, '.msg');
  return p.slice(p.lastIndexOf('/') + 1) || uri.toString();
}

export class Comparisons implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];
  private counter = 0;
  /** The last comparison shown (for tests and the panel). */
  last: CompareResult | undefined;

  constructor(private readonly store: Store) {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, this),
      vscode.commands.registerCommand(COMPARE_COMMAND, async (a?: unknown, b?: unknown) => {
        try {
          return await this.run(asUri(a), asUri(b));
        } catch (e) {
          void vscode.window.showErrorMessage(`Mail Flow Lens: ${(e as Error).message}`);
          return undefined;
        }
      }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** A message picked by the user: an open message, or a file. */
  private async pick(title: string, exclude?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const open = vscode.workspace.textDocuments.filter((d) => isEml(d) && d.uri.toString() !== exclude?.toString());
    type Item = vscode.QuickPickItem & { uri?: vscode.Uri };
    const items: Item[] = open.map((d) => {
      const a = this.store.get(d.uri);
      return { label: `$(mail) ${nameOf(d.uri)}`, description: a?.summary.subject ? flatten(a.summary.subject, 100) : undefined, detail: a ? flatten(verdictLine(messageFacts(a)), 200) : undefined, uri: d.uri };
    });
    items.push({ label: '$(folder-opened) Choose a file…', description: '.eml, .msg or pasted headers (.txt)' });
    const pick = await vscode.window.showQuickPick(items, { title, placeHolder: 'An open message or a file', matchOnDescription: true });
    if (!pick) return undefined;
    if (pick.uri) return pick.uri;
    const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Messages: ['eml', 'msg', 'txt'] }, title, openLabel: 'Compare' });
    return files?.[0];
  }

  /** The document the store analyses for a URI: the open one, a .msg's header view, or the file opened as eml. */
  private async document(uri: vscode.Uri): Promise<vscode.TextDocument> {
    const key = uri.toString();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (open && isEml(open)) return open;
    let target = uri;
    if (uri.scheme !== 'mailflow-msg' && (isMsgPath(uri) || (await looksLikeMsg(uri)))) target = msgViewUri(uri);
    let doc = open ?? (await vscode.workspace.openTextDocument(target));
    if (doc.languageId !== LANGUAGE_ID) doc = await vscode.languages.setTextDocumentLanguage(doc, LANGUAGE_ID);
    return doc;
  }

  private async analysis(uri: vscode.Uri): Promise<{ doc: vscode.TextDocument; analysis: Analysis }> {
    const doc = await this.document(uri);
    if (!doc.getText().trim()) throw new Error(`${nameOf(uri)} holds no message headers (an Outlook draft or an empty file?).`);
    const analysis = await this.store.analyze(doc);
    if (!analysis) throw new Error(`${nameOf(uri)} could not be analysed.`);
    return { doc, analysis };
  }

  async run(a?: vscode.Uri, b?: vscode.Uri): Promise<CompareResult | undefined> {
    const first = a ?? (await this.pick('Compare Two Messages (1/2): the message from before the change'));
    if (!first) return undefined;
    const second = b ?? (await this.pick('Compare Two Messages (2/2): the message from after the change', first));
    if (!second) return undefined;
    const [x, y] = [await this.analysis(first), await this.analysis(second)];
    const comparison = compare(x.analysis, y.analysis);
    const id = ++this.counter;
    const beforeName = nameOf(x.doc.uri);
    const afterName = nameOf(y.doc.uri);
    const left = vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/${id}/before/${beforeName}.summary.txt` });
    const right = vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/${id}/after/${afterName}.summary.txt` });
    this.texts.set(left.toString(), comparisonText(x.analysis));
    this.texts.set(right.toString(), comparisonText(y.analysis));
    await vscode.commands.executeCommand('vscode.diff', left, right, `${beforeName} ↔ ${afterName} (Mail Flow Lens)`, { preview: false });
    const html = comparisonHtml(comparison, beforeName, afterName);
    const panel = vscode.window.createWebviewPanel('mailflowLens.comparison', `What changed: ${flatten(afterName, 60)}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: false, enableCommandUris: false });
    panel.webview.html = html;
    this.disposables.push(panel);
    this.last = { comparison, left, right, panel, html };
    return this.last;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.texts.clear();
  }
}

async function looksLikeMsg(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme !== 'file') return false;
  try {
    const head = await vscode.workspace.fs.readFile(uri);
    return isCompoundFile(head.subarray(0, 8));
  } catch {
    return false;
  }
}
