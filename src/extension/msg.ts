/**
 * Outlook .msg files in the editor. A .msg is binary; what matters in it is the transport header
 * block the receiving server recorded. It is shown as a read-only virtual document
 * `mailflow-msg:/<path>/<name>.msg.eml?<file URI>` in the eml language, so the store analyses it
 * like any saved message: route tree, diagnostics, hovers, code lenses, fixes.
 *
 * Opening a .msg from the Explorer goes through a read-only custom editor that replaces itself
 * with that text view at once; when the file cannot be used (not a .msg, damaged, a draft without
 * transport headers) the custom editor stays and says why. "Open Outlook Message (.msg)…" does the
 * same from the command palette. The reader's own notes (a dropped preamble line, a cut MIME part)
 * appear as diagnostics on the first line of the view.
 *
 * The body Outlook stored is its own rendering, not the MIME body that was signed, so it is not
 * part of the view: DKIM body checks read "not available (headers only)" instead of a false
 * "body modified".
 */
import * as vscode from 'vscode';
import { readMsg, type MsgContent } from '../core/msg/reader';
import { escapeHtml } from '../core/report/html';
import { flatten } from '../core/present/text';
import { DIAGNOSTIC_SOURCE, toSeverity } from './diagnostics';
import { LANGUAGE_ID } from './store';

export const MSG_SCHEME = 'mailflow-msg';
export const MSG_VIEW_TYPE = 'mailflowLens.msgViewer';
export const OPEN_MSG_COMMAND = 'mailflowLens.openMsg';
/** A .msg larger than this is not read (its header stream may be anywhere, so it is read whole). */
export const MAX_MSG_BYTES = 512 * 1024 * 1024;

/** The virtual eml document of a .msg file. */
export function msgViewUri(source: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: MSG_SCHEME, path: `${source.path}.eml`, query: source.toString() });
}

/** The .msg file behind a virtual document, or undefined. */
export function msgSourceOf(uri: vscode.Uri): vscode.Uri | undefined {
  if (uri.scheme !== MSG_SCHEME || !uri.query) return undefined;
  try {
    return vscode.Uri.parse(uri.query, true);
  } catch {
    return undefined;
  }
}

export function isMsgPath(uri: vscode.Uri): boolean {
  return /\.msg$/i.test(uri.path);
}

export class MsgDocuments implements vscode.TextDocumentContentProvider, vscode.CustomReadonlyEditorProvider, vscode.Disposable {
  private readonly contents = new Map<string, MsgContent>();
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  readonly diagnostics = vscode.languages.createDiagnosticCollection('mailflowLens.msg');
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter, this.diagnostics];

  constructor() {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(MSG_SCHEME, this),
      vscode.window.registerCustomEditorProvider(MSG_VIEW_TYPE, this, { supportsMultipleEditorsPerDocument: true }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme !== MSG_SCHEME) return;
        this.contents.delete(d.uri.toString());
        this.diagnostics.delete(d.uri);
      }),
    );
  }

  /** What the reader found in the .msg behind a virtual document (after it was opened). */
  content(uri: vscode.Uri): MsgContent | undefined {
    return this.contents.get(uri.toString());
  }

  /** Reads and parses a .msg file (never throws for the file's content; I/O errors do throw). */
  async read(source: vscode.Uri): Promise<MsgContent> {
    const stat = await vscode.workspace.fs.stat(source);
    if (stat.size > MAX_MSG_BYTES) {
      return { compoundFile: true, recipients: [], attachmentCount: 0, problems: [{ code: 'msg-too-large', severity: 'error', message: `The file is ${(stat.size / 1048576).toFixed(0)} MB, larger than the ${MAX_MSG_BYTES / 1048576} MB Mail Flow Lens reads from a .msg.` }] };
    }
    return readMsg(await vscode.workspace.fs.readFile(source));
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const source = msgSourceOf(uri);
    if (!source) throw new Error('Not an Outlook message view.');
    const content = await this.read(source);
    this.contents.set(uri.toString(), content);
    this.diagnostics.set(
      uri,
      content.problems.map((p) => {
        const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), flatten(p.message, 2000), toSeverity(p.severity));
        d.source = DIAGNOSTIC_SOURCE;
        d.code = p.code;
        return d;
      }),
    );
    return content.headersText ?? '';
  }

  /** Re-reads the .msg (after it changed on disk) and refreshes an open view. */
  refresh(source: vscode.Uri): void {
    this.changeEmitter.fire(msgViewUri(source));
  }

  /**
   * Opens the transport headers of a .msg as a read-only eml document. Returns undefined (after
   * telling the user why) when the file has none.
   */
  async open(source: vscode.Uri, viewColumn?: vscode.ViewColumn): Promise<vscode.TextEditor | undefined> {
    const content = await this.read(source);
    const error = content.problems.find((p) => p.severity === 'error');
    if (error || content.headersText === undefined) {
      void vscode.window.showErrorMessage(`Mail Flow Lens: ${flatten(error?.message ?? 'this .msg holds no transport headers.', 600)}`);
      return undefined;
    }
    const uri = msgViewUri(source);
    const key = uri.toString();
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) this.changeEmitter.fire(uri);
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== LANGUAGE_ID) doc = await vscode.languages.setTextDocumentLanguage(doc, LANGUAGE_ID);
    return vscode.window.showTextDocument(doc, { preview: false, viewColumn });
  }

  /** "Open Outlook Message (.msg)…": the given file, else a file picker. */
  async openCommand(arg?: unknown): Promise<vscode.TextEditor | undefined> {
    let source = arg instanceof vscode.Uri ? arg : typeof arg === 'string' && arg.length < 4096 ? safeParse(arg) : undefined;
    if (!source) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Outlook message': ['msg'] }, openLabel: 'Open Message', title: 'Open Outlook Message (.msg)' });
      source = picked?.[0];
      if (!source) return undefined;
    }
    return this.open(source);
  }

  // --- custom editor: a .msg opened from the Explorer

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: false, enableCommandUris: false };
    const name = document.uri.path.slice(document.uri.path.lastIndexOf('/') + 1);
    panel.webview.html = page(name, '<p>Opening the transport headers…</p>');
    let content: MsgContent;
    try {
      content = await this.read(document.uri);
    } catch (e) {
      panel.webview.html = page(name, `<p>The file could not be read: ${escapeHtml(flatten((e as Error).message, 500))}</p>`);
      return;
    }
    const error = content.problems.find((p) => p.severity === 'error');
    if (error || content.headersText === undefined) {
      const facts = [
        content.subject !== undefined ? `<li>Subject: ${escapeHtml(flatten(content.subject, 300))}</li>` : '',
        content.messageClass ? `<li>Item type: ${escapeHtml(flatten(content.messageClass, 100))}</li>` : '',
      ].join('');
      panel.webview.html = page(name, `<p>${escapeHtml(flatten(error?.message ?? 'This .msg holds no transport headers.', 1000))}</p>${facts ? `<ul>${facts}</ul>` : ''}`);
      return;
    }
    // replace this placeholder with the text view of the headers, in the same editor group
    const column = panel.viewColumn;
    setTimeout(() => {
      void this.open(document.uri, column).then(
        (editor) => {
          if (editor) panel.dispose();
        },
        (e) => {
          panel.webview.html = page(name, `<p>The headers could not be opened: ${escapeHtml(flatten((e as Error).message, 500))}</p>`);
        },
      );
    }, 0);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function safeParse(s: string): vscode.Uri | undefined {
  try {
    return /^[a-z][a-z0-9+.-]*:/i.test(s) ? vscode.Uri.parse(s, true) : vscode.Uri.file(s);
  } catch {
    return undefined;
  }
}

/** A static page: no script, no resource, nothing from the file unescaped. */
function page(name: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none';">
<title>${escapeHtml(flatten(name, 200))}</title>
</head>
<body>
<h2>${escapeHtml(flatten(name, 200))}</h2>
${body}
<p>Mail Flow Lens reads the transport headers of Outlook messages saved from the recipient's mailbox (File &gt; Save As, or dragged out of Outlook).</p>
</body>
</html>`;
}
